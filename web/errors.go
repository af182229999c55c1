package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/store"
)

// statusOf maps a domain error to an HTTP status: the one place that does.
func statusOf(err error) int {
	switch {
	case errors.Is(err, crm.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, channels.ErrUnavailable), store.IsUnavailable(err):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// renderError answers err as JSON. Internal errors are logged, and their
// text, which may name tables or values, is not shown.
func (s *Server) renderError(c *gin.Context, err error) {
	status := statusOf(err)
	msg := err.Error()
	switch status {
	case http.StatusNotFound:
		msg = "not found"
	case http.StatusServiceUnavailable:
		msg = "temporarily unavailable"
	case http.StatusInternalServerError:
		s.logger.Error("request failed", "path", c.Request.URL.Path, "err", err)
		msg = "internal error"
	}
	abortError(c, status, msg)
}

func abortError(c *gin.Context, status int, msg string) {
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
}
