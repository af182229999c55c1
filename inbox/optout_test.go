package inbox_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/crm"
)

// TestOptOutInPlainWords: a lead who revokes consent in their own words is
// opted out as by STOP, and gets one confirmation, which fits one segment
// and which the agent did not write; nothing follows it.
func TestOptOutInPlainWords(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: true})
	want := crm.OptOutConfirmation("Summit Home Services")
	if n, _ := agent.Segments(want); n != 1 {
		t.Fatalf("the confirmation %q takes %d segments", want, n)
	}

	for i, words := range []string{"please stop texting me", "Take me off your list.", "dont text me anymore", "lose my number"} {
		t.Run(words, func(t *testing.T) {
			t.Parallel()
			phone := fmt.Sprintf("+1970555130%d", i)
			b.text(t, phone, words)
			got := b.replies(t, phone, 1)
			if got[0].Body != want {
				t.Fatalf("%q answered %q, want the confirmation %q", words, got[0].Body, want)
			}
			// Saying it again, or asking something, gets nothing more.
			b.text(t, phone, "I said stop texting me")
			b.text(t, phone, "how much is a tune-up?")
			b.settle(t)
			if n := len(b.sandbox.MessagesTo(phone)); n != 1 {
				t.Fatalf("%d texts to a lead who opted out in words, want the one confirmation", n)
			}
			v := b.conversation(t, phone)
			if !v.Contact.OptedOut || v.Contact.OptOutKeyword != words {
				t.Fatalf("contact after %q: opted out %v, evidence %q", words, v.Contact.OptedOut, v.Contact.OptOutKeyword)
			}
			var out []crm.Message
			for _, m := range v.Messages {
				if m.Direction == crm.Outbound {
					out = append(out, m)
				}
			}
			if len(out) != 1 || out[0].Author != crm.AuthorSystem || out[0].Outcome != "opted_out" || out[0].Status != "delivered" {
				t.Fatalf("outbound messages %+v, want the system's one delivered confirmation", out)
			}
			var optedOut []crm.Event
			for _, e := range v.Timeline {
				if e.Kind == crm.EventOptedOut {
					optedOut = append(optedOut, e)
				}
			}
			if len(optedOut) != 1 {
				t.Fatalf("opted-out events %+v, want one with the lead's words %q", optedOut, words)
			}
			if d, err := crm.DetailAs[crm.OptedOut](optedOut[0]); err != nil || d.Words != words {
				t.Fatalf("opted-out events %+v, want one with the lead's words %q", optedOut, words)
			}
		})
	}

	t.Run("the same words at once", func(t *testing.T) {
		t.Parallel()
		phone := "+19705551310"
		var wg sync.WaitGroup
		for _, words := range []string{"stop texting me", "please stop texting me", "no more texts"} {
			wg.Go(func() { b.text(t, phone, words) })
		}
		wg.Wait()
		b.settle(t)
		if n := len(b.sandbox.MessagesTo(phone)); n != 1 {
			t.Fatalf("%d confirmations to three opt-outs at once, want one", n)
		}
	})

	t.Run("other senses reach the agent", func(t *testing.T) {
		t.Parallel()
		for i, words := range []string{"can you stop by tomorrow?", "I want to cancel my appointment", "please don't call before 9"} {
			phone := fmt.Sprintf("+1970555132%d", i)
			b.text(t, phone, words)
			b.replies(t, phone, 1)
			b.settle(t)
			v := b.conversation(t, phone)
			if v.Contact.OptedOut || len(v.Messages) != 2 || v.Messages[1].Author != crm.AuthorAI {
				t.Fatalf("%q: opted out %v, messages %+v; want the agent's answer", words, v.Contact.OptedOut, v.Messages)
			}
		}
	})
}
