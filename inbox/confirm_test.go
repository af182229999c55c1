package inbox_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/turn"
)

// outbound is what the product recorded for the lead: its own texts, not
// Twilio's answers to keywords.
func outbound(v crm.Conversation) []crm.Message {
	var out []crm.Message
	for _, m := range v.Messages {
		if m.Direction == crm.Outbound {
			out = append(out, m)
		}
	}
	return out
}

// TestKeywordConfirmationsByTwilio: on a number with Twilio's default
// opt-out handling (the default setting) the product sends nothing for
// STOP, START or HELP; the lead sees Twilio's answers, one each.
func TestKeywordConfirmationsByTwilio(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: true})
	twilioNumber := b.sandbox.WithOptOutHandling(b.inbox)
	phone := "+19705551401"
	for i, body := range []string{"STOP", "STOP", "START", "HELP"} {
		in := channels.Inbound{Channel: channels.SMS, ProviderSID: fmt.Sprintf("SM%032d", 1400+i), From: phone, To: business, Body: body,
			ReceivedAt: time.Now()}
		if err := twilioNumber.Receive(b.ctx, in); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
	}
	b.settle(t)
	var got []string
	for _, m := range b.sandbox.MessagesTo(phone) {
		if m.Direction != sandbox.DirectionReply {
			t.Errorf("the product sent %q", m.Body)
		}
		got = append(got, m.Body)
	}
	want := []string{sandbox.OptOutReply, sandbox.OptOutReply, sandbox.OptInReply, sandbox.HelpReply}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the lead got %q, want Twilio's %q", got, want)
	}
	v := b.conversation(t, phone)
	if out := outbound(v); len(out) != 0 {
		t.Errorf("the product recorded %+v", out)
	}
	if v.Contact.OptedOut || !hasEvent(v, crm.EventOptedOut) || !hasEvent(v, crm.EventOptedIn) {
		t.Errorf("contact %+v, timeline %+v", v.Contact, v.Timeline)
	}
}

// TestKeywordConfirmationsBySelf: where Twilio's handling is off, the
// product confirms each keyword itself, once: two STOPs, even at once,
// get one confirmation, which sells nothing, and nothing follows it.
func TestKeywordConfirmationsBySelf(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.swapReceiver(b.newInboxWith(t, func(c *inbox.Config) { c.Confirmations = turn.ConfirmBySelf }))
	const name = "Summit Home Services"

	t.Run("two STOPs, START, HELP", func(t *testing.T) {
		t.Parallel()
		phone := "+19705551411"
		b.text(t, phone, "STOP")
		b.text(t, phone, "stop")
		b.text(t, phone, "how much is a tune-up?")
		b.settle(t)
		if got := b.sandbox.MessagesTo(phone); len(got) != 1 || got[0].Body != crm.OptOutConfirmation(name) {
			t.Fatalf("after two STOPs and a question the lead got %+v, want one confirmation", got)
		}
		v := b.conversation(t, phone)
		if out := outbound(v); len(out) != 1 || out[0].Author != crm.AuthorSystem || !v.Contact.OptedOut || v.Contact.OptOutKeyword != "STOP" {
			t.Fatalf("recorded %+v, contact %+v", out, v.Contact)
		}
		b.text(t, phone, "START")
		b.replies(t, phone, 2)
		b.text(t, phone, "HELP")
		got := b.replies(t, phone, 3)
		b.settle(t)
		got = b.sandbox.MessagesTo(phone)
		want := []string{crm.OptOutConfirmation(name), crm.OptInConfirmation(name), crm.HelpText(name, "(970) 555-0100")}
		if len(got) != len(want) {
			t.Fatalf("the lead got %d texts, want %d: %+v", len(got), len(want), got)
		}
		for i := range want {
			if got[i].Body != want[i] {
				t.Errorf("text %d is %q, want %q", i, got[i].Body, want[i])
			}
		}
		if v := b.conversation(t, phone); v.Contact.OptedOut {
			t.Errorf("still opted out after START")
		}
	})

	t.Run("STOPs at once", func(t *testing.T) {
		t.Parallel()
		phone := "+19705551412"
		var wg sync.WaitGroup
		for _, word := range []string{"STOP", "STOP", "Unsubscribe"} {
			wg.Go(func() { b.text(t, phone, word) })
		}
		wg.Wait()
		b.settle(t)
		if got := b.sandbox.MessagesTo(phone); len(got) != 1 || got[0].Body != crm.OptOutConfirmation(name) {
			t.Fatalf("three STOPs at once got %+v, want one confirmation", got)
		}
	})

	t.Run("START from a lead who never opted out goes to the agent", func(t *testing.T) {
		t.Parallel()
		phone := "+19705551413"
		b.text(t, phone, "yes")
		got := b.replies(t, phone, 1)
		b.settle(t)
		if got[0].Body == crm.OptInConfirmation(name) || len(b.sandbox.MessagesTo(phone)) != 1 {
			t.Fatalf("yes answered %+v", b.sandbox.MessagesTo(phone))
		}
	})
}
