package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/evals"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/prompts"
	"github.com/leadagent/leadagent/store"
)

// TestErrorsMapByKind: every domain error the API can meet, wrapped as
// its package wraps it, answers with its kind's status and the words a
// user may read.
func TestErrorsMapByKind(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return fmt.Errorf("take over c1: %w", err) }
	tests := []struct {
		err    error
		status int
		words  string
	}{
		{badRequest("bad JSON"), http.StatusBadRequest, "bad JSON"},
		{&auth.ThrottledError{Wait: 30 * time.Second}, http.StatusTooManyRequests, (&auth.ThrottledError{Wait: 30 * time.Second}).Error()},
		{wrap(&crm.InvalidError{Field: "text", Reason: "is empty"}), http.StatusUnprocessableEntity, "text: is empty"},
		{wrap(crm.ErrNotFound), http.StatusNotFound, "not found"},
		{wrap(auth.ErrNotFound), http.StatusNotFound, "not found"},
		{wrap(prompts.ErrNotFound), http.StatusNotFound, "not found"},
		{wrap(evals.ErrNotFound), http.StatusNotFound, "not found"},
		{wrap(handoff.ErrForbidden), http.StatusForbidden, handoff.ErrForbidden.Error()},
		{wrap(auth.ErrDisabled), http.StatusForbidden, auth.ErrDisabled.Error()},
		{wrap(auth.ErrLinkUsed), http.StatusGone, auth.ErrLinkUsed.Error()},
		{wrap(auth.ErrLinkExpired), http.StatusGone, auth.ErrLinkExpired.Error()},
		{wrap(handoff.ErrClaimed), http.StatusConflict, handoff.ErrClaimed.Error()},
		{wrap(handoff.ErrNotClaimed), http.StatusConflict, handoff.ErrNotClaimed.Error()},
		{wrap(handoff.ErrClosed), http.StatusConflict, handoff.ErrClosed.Error()},
		{wrap(handoff.ErrNotWithAgent), http.StatusConflict, handoff.ErrNotWithAgent.Error()},
		{wrap(inbox.ErrOptedOut), http.StatusConflict, inbox.ErrOptedOut.Error()},
		{wrap(auth.ErrLastAdmin), http.StatusConflict, auth.ErrLastAdmin.Error()},
		// A bare conflict says where it came from: its words are only "conflict".
		{fmt.Errorf("add rep %q: a rep of that name exists: %w", "Alex", crm.ErrConflict), http.StatusConflict,
			`add rep "Alex": a rep of that name exists: conflict`},
		{wrap(auth.ErrConflict), http.StatusConflict, "take over c1: conflict"},
		{wrap(channels.ErrUnavailable), http.StatusServiceUnavailable, "temporarily unavailable"},
		{wrap(store.ErrUnavailable), http.StatusServiceUnavailable, "temporarily unavailable"},
		{wrap(context.DeadlineExceeded), http.StatusServiceUnavailable, "temporarily unavailable"},
		{wrap(auth.ErrBusy), http.StatusServiceUnavailable, auth.ErrBusy.Error()},
		{wrap(errors.New("relation \"x\" does not exist")), http.StatusInternalServerError, "internal error"},
	}
	for _, tt := range tests {
		status := statusOf(tt.err)
		if status != tt.status {
			t.Errorf("%v: status %d, want %d", tt.err, status, tt.status)
		}
		if got := publicMessage(tt.err, status); got != tt.words {
			t.Errorf("%v: says %q, want %q", tt.err, got, tt.words)
		}
	}
}
