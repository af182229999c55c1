package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/internal/errkind"
	"github.com/leadagent/leadagent/store"
)

// kindStatus is the HTTP status of each kind of domain error, first match
// wins (an error of two kinds is its first).
var kindStatus = []struct {
	kind   error
	status int
}{
	{errkind.TooMany, http.StatusTooManyRequests},
	{errkind.Invalid, http.StatusUnprocessableEntity},
	{errkind.NotFound, http.StatusNotFound},
	{errkind.Forbidden, http.StatusForbidden},
	{errkind.Gone, http.StatusGone},
	{errkind.Conflict, http.StatusConflict},
	{errkind.Unavailable, http.StatusServiceUnavailable},
}

// statusOf maps a domain error to an HTTP status: the one place that does.
// It goes by the error's kind (errkind), never by the package it came from.
func statusOf(err error) int {
	var bad badRequest
	if errors.As(err, &bad) {
		return http.StatusBadRequest
	}
	for _, k := range kindStatus {
		if errors.Is(err, k.kind) {
			return k.status
		}
	}
	// A driver's error that the database is out of reach has no kind.
	if store.IsUnavailable(err) {
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// publicMessage is what a user may read of err: the domain's own words for
// what went wrong, never the wrapped detail of an internal error (which
// may name tables or values).
func publicMessage(err error, status int) string {
	var invalid *crm.InvalidError
	var throttled *auth.ThrottledError
	var worded *errkind.Error
	switch {
	case errors.As(err, &invalid):
		return invalid.Error()
	case errors.As(err, &throttled):
		return throttled.Error()
	case errors.As(err, &worded):
		return worded.Error()
	case status == http.StatusBadRequest:
		return err.Error()
	case status == http.StatusNotFound:
		return "not found"
	case status == http.StatusServiceUnavailable:
		return "temporarily unavailable"
	case status == http.StatusInternalServerError:
		return "internal error"
	}
	return err.Error()
}

// renderError answers err as JSON. Internal errors are logged.
func (s *Server) renderError(c *gin.Context, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.logFailure(c, "request failed", err)
	}
	abortError(c, status, publicMessage(err, status))
}

// logFailure logs a request that failed inside the server as an error,
// but one that failed because its client went away (a console tab closed,
// its event stream or a refresh in flight cancelled) at debug: nothing in
// the server went wrong.
func (s *Server) logFailure(c *gin.Context, msg string, err error) {
	// Whatever the driver wraps it in, a query cut short by the request's
	// context is the client's leaving.
	if c.Request.Context().Err() != nil {
		s.logger.Debug(msg+": client gone", "path", c.Request.URL.Path, "err", err)
		return
	}
	s.logger.Error(msg, "path", c.Request.URL.Path, "err", err)
}

func abortError(c *gin.Context, status int, msg string) {
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
}

// badRequest is a request the server cannot read (malformed JSON, a bad
// query parameter): 400 with its text.
type badRequest string

func (e badRequest) Error() string { return string(e) }
