package webhooks_test

import (
	"errors"
	"testing"

	"github.com/leadagent/leadagent/internal/errkind"
	"github.com/leadagent/leadagent/webhooks"
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func TestNewEndpointValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   webhooks.NewEndpoint
		ok   bool
	}{
		{"https with events", webhooks.NewEndpoint{URL: "https://crm.example.com/hooks", Events: []string{"lead.created"}}, true},
		{"http loopback", webhooks.NewEndpoint{URL: "http://127.0.0.1:9000/x", Events: []string{"message.sent", "contact.opted_in"}}, true},
		{"no url", webhooks.NewEndpoint{Events: []string{"lead.created"}}, false},
		{"relative url", webhooks.NewEndpoint{URL: "/hooks", Events: []string{"lead.created"}}, false},
		{"ftp url", webhooks.NewEndpoint{URL: "ftp://example.com/x", Events: []string{"lead.created"}}, false},
		{"no events", webhooks.NewEndpoint{URL: "https://example.com"}, false},
		{"unknown event", webhooks.NewEndpoint{URL: "https://example.com", Events: []string{"lead.created", "lead.exploded"}}, false},
		{"test is not subscribable", webhooks.NewEndpoint{URL: "https://example.com", Events: []string{"webhook.test"}}, false},
	}
	for _, tt := range tests {
		err := tt.in.Validate()
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, errkind.Invalid)) {
			t.Errorf("%s: Validate() = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}
