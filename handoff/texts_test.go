package handoff_test

import (
	"strings"
	"testing"

	"github.com/leadagent/leadagent/handoff"
)

// TestHoldingMessageGreeting greets a lead by first name only when the
// name is one: a form's email or phone in the name field is not.
func TestHoldingMessageGreeting(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, want string }{
		{"Dana Reyes", "Thanks, Dana! "},
		{"dana@example.com", "Thanks! "},
		{"+19705550123", "Thanks! "},
		{"", "Thanks! "},
	} {
		got := handoff.HoldingMessage(handoff.Holding{Reason: handoff.ReasonBuyingIntent, Name: tt.name, OnDuty: true})
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("%q: %q, want it to start %q", tt.name, got, tt.want)
		}
	}
}
