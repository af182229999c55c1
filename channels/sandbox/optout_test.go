package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/sandbox"
)

// TestKeywordAnswers: the sandbox answers Twilio's default keywords as a
// number with Twilio's default opt-out handling does, in Twilio's words,
// from the business number to the lead; other texts get nothing.
func TestKeywordAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body     string
		optedOut bool // the lead opted out before
		want     string
		blocked  bool // messages to the lead are refused afterwards
	}{
		{"STOP", false, sandbox.OptOutReply, true},
		{"stop", false, sandbox.OptOutReply, true},
		{" Stop. ", false, sandbox.OptOutReply, true},
		{"STOPALL", false, sandbox.OptOutReply, true},
		{"unsubscribe", false, sandbox.OptOutReply, true},
		{"Cancel", false, sandbox.OptOutReply, true},
		{"END", false, sandbox.OptOutReply, true},
		{"quit", false, sandbox.OptOutReply, true},
		{"OPTOUT", false, sandbox.OptOutReply, true},
		{"revoke", false, sandbox.OptOutReply, true},
		{"START", true, sandbox.OptInReply, false},
		{"yes", true, sandbox.OptInReply, false},
		{"Unstop", true, sandbox.OptInReply, false},
		{"START", false, sandbox.OptInReply, false},
		{"HELP", false, sandbox.HelpReply, false},
		{"info", false, sandbox.HelpReply, false},
		{"HELP", true, "", true}, // an opted-out lead gets no help text
		{"STOP PLEASE", false, "", false},
		{"please cancel my appointment", false, "", false},
		{"how much is a tune-up?", false, "", false},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%q opted out %v", tt.body, tt.optedOut), func(t *testing.T) {
			t.Parallel()
			b := setup(t, sandbox.Config{})
			phone := fmt.Sprintf("+1970555%04d", 2000+i)
			if tt.optedOut {
				b.sandbox.Inbound("SMbefore", phone, business, "STOP")
			}
			before := len(b.sandbox.MessagesTo(phone))
			got, ok := b.sandbox.Inbound(fmt.Sprintf("SM%032d", i), phone, business, tt.body)
			if ok != (tt.want != "") || got.Body != tt.want {
				t.Fatalf("answered %v %q, want %q", ok, got.Body, tt.want)
			}
			msgs := b.sandbox.MessagesTo(phone)
			if tt.want != "" {
				if len(msgs) != before+1 {
					t.Fatalf("%d messages to the lead, want %d", len(msgs), before+1)
				}
				m := msgs[len(msgs)-1]
				if m.From != business || m.Body != tt.want || m.Direction != sandbox.DirectionReply || m.NumSegments < 1 {
					t.Fatalf("recorded %+v", m)
				}
			} else if len(msgs) != before {
				t.Fatalf("%d messages to the lead, want %d", len(msgs), before)
			}
			_, err := b.sender.Send(context.Background(), channels.Outbound{To: phone, Body: "Hi from Summit"})
			var se *channels.SendError
			if refused := errors.As(err, &se) && se.Code == channels.CodeUnsubscribed; refused != tt.blocked || (err != nil && !refused) {
				t.Fatalf("send after %q: %v, want refused %v", tt.body, err, tt.blocked)
			}
			if b.sandbox.OptedOut(phone) != tt.blocked {
				t.Fatalf("opted out %v, want %v", b.sandbox.OptedOut(phone), tt.blocked)
			}
		})
	}
}

// A retried webhook (the same MessageSid) is answered once; a second STOP
// of its own is answered again, as Twilio does.
func TestKeywordAnswerOncePerMessage(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{})
	b.sandbox.Inbound("SM1", lead, business, "STOP")
	if _, ok := b.sandbox.Inbound("SM1", lead, business, "STOP"); ok {
		t.Fatal("a retried STOP was answered twice")
	}
	b.sandbox.Inbound("SM2", lead, business, "STOP")
	if n := len(b.sandbox.MessagesTo(lead)); n != 2 {
		t.Fatalf("%d answers to two STOPs and a retry, want 2", n)
	}
}

// WithOptOutHandling answers before the webhook's receiver gets the
// message, and passes everything on.
func TestWithOptOutHandling(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{})
	next := &recordingReceiver{}
	r := b.sandbox.WithOptOutHandling(next)
	for i, body := range []string{"STOP", "what are your hours?", "START"} {
		in := channels.Inbound{Channel: channels.SMS, ProviderSID: fmt.Sprintf("SM%d", i), From: lead, To: business, Body: body}
		if err := r.Receive(context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
	msgs := b.sandbox.MessagesTo(lead)
	if len(next.got) != 3 || len(msgs) != 2 || msgs[0].Body != sandbox.OptOutReply || msgs[1].Body != sandbox.OptInReply {
		t.Fatalf("receiver got %d, lead got %+v", len(next.got), msgs)
	}
}

type recordingReceiver struct{ got []channels.Inbound }

func (r *recordingReceiver) Receive(_ context.Context, in channels.Inbound) error {
	r.got = append(r.got, in)
	return nil
}

func (r *recordingReceiver) DeliveryStatus(context.Context, channels.DeliveryReport) error {
	return nil
}
