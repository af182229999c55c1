package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// A request that fails because its client left (a console tab closed)
// logs at debug; one that fails inside the server logs an ERROR.
func TestClientGoneIsNotAnError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		gone   bool
		err    error
		logged string
	}{
		{"tab closed", true, fmt.Errorf("list conversations: %w", context.Canceled), "level=DEBUG"},
		{"server fault", false, errors.New("list conversations: boom"), "level=ERROR"},
	} {
		var logs bytes.Buffer
		s := &Server{logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
		ctx, cancel := context.WithCancel(context.Background())
		if tc.gone {
			cancel()
		}
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodGet, "/console/inbox", nil).WithContext(ctx)
		s.renderError(c, tc.err)
		cancel()
		if !strings.Contains(logs.String(), tc.logged) || tc.gone && strings.Contains(logs.String(), "level=ERROR") {
			t.Errorf("%s: logged %q, want %s", tc.name, logs.String(), tc.logged)
		}
	}
}
