package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/evals"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/prompts"
	"github.com/leadagent/leadagent/store"
)

// statusOf maps a domain error to an HTTP status: the one place that does.
func statusOf(err error) int {
	var invalid *crm.InvalidError
	var bad badRequest
	var throttled *auth.ThrottledError
	switch {
	case errors.As(err, &bad):
		return http.StatusBadRequest
	case errors.As(err, &throttled):
		return http.StatusTooManyRequests
	case errors.As(err, &invalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, crm.ErrNotFound), errors.Is(err, auth.ErrNotFound), errors.Is(err, evals.ErrNotFound),
		errors.Is(err, prompts.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, handoff.ErrForbidden), errors.Is(err, auth.ErrDisabled):
		return http.StatusForbidden
	case errors.Is(err, auth.ErrLinkUsed), errors.Is(err, auth.ErrLinkExpired):
		return http.StatusGone
	case errors.Is(err, handoff.ErrClaimed), errors.Is(err, handoff.ErrNotClaimed), errors.Is(err, handoff.ErrClosed),
		errors.Is(err, handoff.ErrNotWithAgent), errors.Is(err, inbox.ErrOptedOut),
		errors.Is(err, crm.ErrConflict), errors.Is(err, auth.ErrConflict), errors.Is(err, auth.ErrLastAdmin):
		return http.StatusConflict
	case errors.Is(err, channels.ErrUnavailable), store.IsUnavailable(err), errors.Is(err, auth.ErrBusy):
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
	switch {
	case errors.As(err, &invalid):
		return invalid.Error()
	case errors.As(err, &throttled):
		return throttled.Error()
	case errors.Is(err, auth.ErrBusy):
		return auth.ErrBusy.Error()
	case status == http.StatusBadRequest:
		return err.Error()
	case status == http.StatusNotFound:
		return "not found"
	case status == http.StatusServiceUnavailable:
		return "temporarily unavailable"
	case status == http.StatusInternalServerError:
		return "internal error"
	}
	for _, known := range []error{handoff.ErrForbidden, handoff.ErrClaimed, handoff.ErrNotClaimed, handoff.ErrClosed,
		handoff.ErrNotWithAgent, inbox.ErrOptedOut, auth.ErrDisabled, auth.ErrLinkUsed, auth.ErrLinkExpired, auth.ErrLastAdmin} {
		if errors.Is(err, known) {
			return known.Error()
		}
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
