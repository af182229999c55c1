package inbox_test

import (
	"strings"
	"testing"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/crm"
)

// redacting puts an inbox that redacts, as the server's does, behind the
// bundle's webhooks.
func (b *testBundle) redacting(t *testing.T) {
	t.Helper()
	b.swapReceiver(b.newInboxWith(t, func(c *inboxConfig) { c.Workers, c.Redact = false, agent.Redact }))
}

// TestBadBytesAreKept: a signed text with bytes that are not UTF-8, or a
// NUL, is acknowledged and recorded with them replaced (U+FFFD) or
// dropped, and redacted; Twilio would not send it again.
func TestBadBytesAreKept(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.redacting(t)
	phone := "+19705551301"
	form := b.lead(phone).Message("price for a tune\xff\xfe-up?\x00 card 4111.1111.1111.1111")
	form.Set("FromCity", "DENVER\x00\xc3")
	if err := b.lead(phone).Post(b.ctx, form); err != nil {
		t.Fatalf("webhook: %v", err)
	}
	v := b.conversation(t, phone)
	if len(v.Messages) != 1 || v.Messages[0].Body != "price for a tune\uFFFD-up? card [REDACTED card ending 1111]" ||
		v.Messages[0].ProviderSID != form.Get("MessageSid") {
		t.Fatalf("recorded %+v", v.Messages)
	}

	// A caller's words, as the recognizer heard them, likewise.
	sid := "CA0000000000000000000000000000bad01"
	b.voice(t, "/twilio/voice", callForm(sid, phone))
	b.voice(t, "/twilio/voice/gather?turn=1", callForm(sid, phone, "SpeechResult", "my ssn is 078 05 1120\x00 and \xffhours?",
		"Confidence", "0.9"))
	call, err := crm.CallBySID(b.ctx, b.db, sid)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := crm.Messages(b.ctx, b.db, call.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	var heard []string
	for _, m := range msgs {
		if m.Direction == "inbound" && m.Channel == "voice" {
			heard = append(heard, m.Body)
		}
	}
	if len(heard) != 1 || heard[0] != "my ssn is [REDACTED ssn] and \uFFFDhours?" {
		t.Fatalf("heard %q", heard)
	}
}

// TestCardSplitOverTwoTexts: a card number a lead sends in two texts in a
// row is redacted in the second and marked in the first, once the two
// make a card; two numbers that only meet by chance are left alone.
func TestCardSplitOverTwoTexts(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.redacting(t)
	for _, tt := range []struct {
		phone, first, second string
		want                 []string
	}{
		{"+19705551311", "ok my card is 4111 1111", "1111 1111 exp 04/29",
			[]string{"ok my card is [REDACTED card part]", "[REDACTED card ending 1111] exp 04/29"}},
		{"+19705551312", "card: ５５００ ００５５", "５５５５ ５５５９ thanks",
			[]string{"card: [REDACTED card part]", "[REDACTED card ending 5559] thanks"}},
		{"+19705551313", "I'm in 80202", "9705550100 is my cell",
			[]string{"I'm in 80202", "9705550100 is my cell"}},
	} {
		b.text(t, tt.phone, tt.first)
		b.text(t, tt.phone, tt.second)
		v := b.conversation(t, tt.phone)
		var bodies []string
		for _, m := range v.Messages {
			bodies = append(bodies, m.Body)
		}
		if strings.Join(bodies, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s: stored %q, want %q", tt.phone, bodies, tt.want)
		}
		split := false
		for _, e := range v.Timeline {
			if e.Kind != crm.EventMessageReceived {
				continue
			}
			if d, err := crm.DetailAs[crm.MessageReceived](e); err != nil {
				t.Fatal(err)
			} else if d.RedactedEarlier == v.Messages[0].ID {
				split = true
			}
		}
		if split != (tt.first != tt.want[0]) {
			t.Errorf("%s: the timeline says split %v", tt.phone, split)
		}
	}
}
