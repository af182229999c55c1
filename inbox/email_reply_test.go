package inbox_test

import (
	"fmt"
	"net/textproto"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/channels/email"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/internal/maildevtest"
)

const emailFrom = "Summit Home Services <leads@summit.example>"

// TestAgentAnswersEmailByEmail runs the agent on email against a real
// SMTP server (MailDev): a question is answered in its thread, a
// redelivery is answered once, an auto-reply and an unsubscribed lead
// get nothing, and buying intent hands off with the holding message by
// email and the rep texted.
func TestAgentAnswersEmailByEmail(t *testing.T) {
	t.Parallel()
	md := maildevtest.Start(t)
	sender, err := email.NewSender(email.SenderConfig{SMTPURL: md.SMTPURL(), From: emailFrom, PublicURL: "https://leads.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	b := setup(t, options{})
	rec := &recordingAgent{next: b.agent}
	b.agent = rec
	ib, reps := b.withDesk(t, hours.MustParse("24/7", "America/Denver"), nil, func(c *inbox.Config) { c.Email = sender })

	receive := func(t *testing.T, in email.Inbound) inbox.EmailOutcome {
		t.Helper()
		if in.Header == nil {
			in.Header = textproto.MIMEHeader{}
		}
		out, err := ib.ReceiveEmail(b.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	to := func(t *testing.T, addr string) []maildevtest.Email {
		t.Helper()
		return md.EmailsTo(t, addr)
	}
	conversation := func(t *testing.T, addr string) crm.Conversation {
		t.Helper()
		c, err := crm.ContactByEmail(b.ctx, b.db, addr)
		if err != nil {
			t.Fatal(err)
		}
		conv, err := crm.OpenConversation(b.ctx, b.db, c.ID, crm.ChannelEmail)
		if err != nil {
			t.Fatal(err)
		}
		v, err := crm.GetConversation(b.ctx, b.db, conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	t.Run("question answered in its thread, once", func(t *testing.T) {
		in := email.Inbound{From: "dana@example.com", FromName: "Dana Smith", To: []string{"leads@summit.example"},
			Subject: "Tune-up price", MessageID: "q1@mail.example.com",
			Text: "Hello, how much is a furnace tune-up?\n\nThanks\nDana"}
		if got := receive(t, in); got != inbox.EmailRecorded {
			t.Fatalf("outcome %s", got)
		}
		if got := receive(t, in); got != inbox.EmailDuplicate {
			t.Fatalf("redelivery: outcome %s", got)
		}
		b.settle(t)
		got := to(t, "dana@example.com")
		if len(got) != 1 {
			t.Fatalf("%d replies, want 1", len(got))
		}
		e := got[0]
		if e.Subject != "Re: Tune-up price" {
			t.Errorf("subject %q", e.Subject)
		}
		if h := e.Header("In-Reply-To"); h != "<q1@mail.example.com>" {
			t.Errorf("In-Reply-To %q", h)
		}
		if h := e.Header("References"); !strings.Contains(h, "<q1@mail.example.com>") {
			t.Errorf("References %q", h)
		}
		v := conversation(t, "dana@example.com")
		token, err := crm.ReplyToken(b.ctx, b.db, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.ReplyTo) != 1 || e.ReplyTo[0].Address != "leads+"+token+"@summit.example" {
			t.Errorf("Reply-To %+v, want the conversation's token", e.ReplyTo)
		}
		if len(e.From) != 1 || e.From[0].Address != "leads@summit.example" {
			t.Errorf("From %+v", e.From)
		}
		for _, want := range []string{"Hi Dana,", "$129", "Summit Home Services"} {
			if !strings.Contains(e.Text, want) {
				t.Errorf("reply lacks %q:\n%s", want, e.Text)
			}
		}
		rec.mu.Lock()
		turns := append([]agent.TurnInput(nil), rec.turns...)
		rec.mu.Unlock()
		if len(turns) != 1 || turns[0].Channel != agent.ChannelEmail {
			t.Fatalf("agent turns %+v, want one on email", turns)
		}
		if len(v.Messages) != 2 {
			t.Fatalf("%d messages, want the email and one reply", len(v.Messages))
		}
		out := v.Messages[1]
		if out.Channel != crm.ChannelEmail || out.Author != crm.AuthorAI || out.Status != "sent" ||
			out.ProviderSID != "email:"+strings.Trim(e.MessageID, "<>") {
			t.Fatalf("reply recorded as channel=%s author=%s status=%s sid=%s (sent as %s)",
				out.Channel, out.Author, out.Status, out.ProviderSID, e.MessageID)
		}
		if !hasEvent(v, crm.EventMessageSent) {
			t.Error("timeline lacks message_sent")
		}
	})

	t.Run("auto-reply gets nothing", func(t *testing.T) {
		h := textproto.MIMEHeader{}
		h.Set("Auto-Submitted", "auto-replied")
		in := email.Inbound{From: "ooo@example.com", To: []string{"leads@summit.example"}, Subject: "Out of office",
			MessageID: "ooo1@mail.example.com", Header: h, Text: "I am away until Monday. How much is a furnace tune-up?"}
		if got := receive(t, in); got != inbox.EmailAutoReply {
			t.Fatalf("outcome %s", got)
		}
		b.settle(t)
		if n := len(to(t, "ooo@example.com")); n != 0 {
			t.Fatalf("%d replies to an auto-reply", n)
		}
	})

	t.Run("unsubscribed lead gets nothing", func(t *testing.T) {
		first := email.Inbound{From: "lee@example.com", To: []string{"leads@summit.example"}, Subject: "Hours",
			MessageID: "h1@mail.example.com", Text: "HELP"} // recorded, nothing the agent answers
		receive(t, first)
		b.settle(t)
		c, err := crm.ContactByEmail(b.ctx, b.db, "lee@example.com")
		if err != nil {
			t.Fatal(err)
		}
		tok, err := crm.UnsubscribeToken(b.ctx, b.db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := receive(t, email.Inbound{From: "lee@example.com", To: []string{"leads+u." + tok + "@summit.example"},
			Subject: "unsubscribe", MessageID: "u1@mail.example.com"}); got != inbox.EmailUnsubscribed {
			t.Fatalf("unsubscribe: outcome %s", got)
		}
		in := email.Inbound{From: "lee@example.com", To: []string{"leads@summit.example"}, Subject: "Tune-up",
			MessageID: "h2@mail.example.com", Text: "How much is a furnace tune-up?"}
		if got := receive(t, in); got != inbox.EmailRecorded {
			t.Fatalf("outcome %s", got)
		}
		b.settle(t)
		if n := len(to(t, "lee@example.com")); n != 0 {
			t.Fatalf("%d replies to a lead who unsubscribed", n)
		}
		v := conversation(t, "lee@example.com")
		if !hasEvent(v, crm.EventSuppressed) {
			t.Fatal("no suppressed event")
		}
		for _, m := range v.Messages {
			if m.Direction == crm.Outbound {
				t.Fatalf("an outbound message was recorded: %+v", m)
			}
		}
	})

	t.Run("unsubscribe written in an email opts out of email only", func(t *testing.T) {
		for i, words := range []string{"Please stop emailing me.", "unsubscribe", "STOP"} {
			addr := fmt.Sprintf("out%d@example.com", i)
			in := email.Inbound{From: addr, To: []string{"leads@summit.example"}, Subject: "Re: Your request",
				MessageID: fmt.Sprintf("out%d@mail.example.com", i), Text: words + "\n\nOn Mon, Summit wrote:\n> Hi"}
			if got := receive(t, in); got != inbox.EmailRecorded {
				t.Fatalf("%q: outcome %s", words, got)
			}
			b.settle(t)
			if n := len(to(t, addr)); n != 0 {
				t.Errorf("%q: %d emails back, want none", words, n)
			}
			c, err := crm.ContactByEmail(b.ctx, b.db, addr)
			if err != nil {
				t.Fatal(err)
			}
			st, err := crm.GetEmailState(b.ctx, b.db, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !st.OptedOut {
				t.Errorf("%q: not opted out of email", words)
			}
			if c.OptedOut {
				t.Errorf("%q: opted out of texts too", words)
			}
			if v := conversation(t, addr); !hasEvent(v, crm.EventEmailOptedOut) {
				t.Errorf("%q: no email opt-out on the timeline", words)
			}
		}
		// "Stop by" is a visit, not an opt-out: answered.
		in := email.Inbound{From: "visit@example.com", To: []string{"leads@summit.example"}, Subject: "Visit",
			MessageID: "visit@mail.example.com", Text: "Can you stop by Tuesday to look at my furnace? How much is a tune-up?"}
		receive(t, in)
		b.settle(t)
		if n := len(to(t, "visit@example.com")); n != 1 {
			t.Errorf("stop by: %d replies, want 1", n)
		}
	})

	t.Run("opted out by the time it is sent: suppressed", func(t *testing.T) {
		receive(t, email.Inbound{From: "kim@example.com", To: []string{"leads@summit.example"}, Subject: "Hi",
			MessageID: "k1@mail.example.com", Text: "HELP"}) // recorded, not answered
		b.settle(t)
		v := conversation(t, "kim@example.com")
		tok, err := crm.UnsubscribeToken(b.ctx, b.db, v.Contact.ID)
		if err != nil {
			t.Fatal(err)
		}
		// A reply the agent queued before the lead unsubscribed.
		out, _, err := crm.RecordOutbound(b.ctx, b.db, crm.NewOutbound{ConversationID: v.ID, Author: crm.AuthorAI,
			Body: "We're open 7am to 7pm.", ReplyTo: v.Messages[0].ID, Channel: crm.ChannelEmail})
		if err != nil {
			t.Fatal(err)
		}
		receive(t, email.Inbound{From: "kim@example.com", To: []string{"leads+u." + tok + "@summit.example"},
			Subject: "unsubscribe", MessageID: "k2@mail.example.com"})
		if err := ib.Enqueue(b.ctx, inbox.SendArgs{MessageID: out.ID}); err != nil {
			t.Fatal(err)
		}
		b.settle(t)
		if n := len(to(t, "kim@example.com")); n != 0 {
			t.Fatalf("%d emails to a lead who unsubscribed", n)
		}
		m, err := crm.GetMessage(b.ctx, b.db, out.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != crm.StatusSuppressed || m.ErrorMessage != "opted out of email" {
			t.Fatalf("message %s (%s), want suppressed", m.Status, m.ErrorMessage)
		}
		if !hasEvent(conversation(t, "kim@example.com"), crm.EventSuppressed) {
			t.Fatal("no suppressed event")
		}
	})

	t.Run("buying intent hands off, holding message by email", func(t *testing.T) {
		in := email.Inbound{From: "pat@example.com", FromName: "Pat", To: []string{"leads@summit.example"}, Subject: "New AC",
			MessageID: "b1@mail.example.com", Text: "I'd like to get a quote for a new AC unit next week, budget around $7k"}
		if got := receive(t, in); got != inbox.EmailRecorded {
			t.Fatalf("outcome %s", got)
		}
		b.settle(t)
		got := to(t, "pat@example.com")
		if len(got) != 1 {
			t.Fatalf("%d emails to the lead, want the holding message", len(got))
		}
		if !strings.Contains(got[0].Text, "a person will follow up shortly") || got[0].Subject != "Re: New AC" {
			t.Fatalf("holding email %q: %q", got[0].Subject, got[0].Text)
		}
		v := conversation(t, "pat@example.com")
		if v.Mode != crm.ModeHandoffPending {
			t.Fatalf("mode %s after buying intent", v.Mode)
		}
		if n := len(b.sandbox.MessagesTo(reps["Alex"].Phone)) + len(b.sandbox.MessagesTo(reps["Sam"].Phone)); n != 1 {
			t.Fatalf("reps got %d texts, want 1", n)
		}

		// The rep takes over and answers: by email, in the thread, and
		// nothing is texted to the lead.
		alex := handoff.Actor{RepID: reps["Alex"].ID, Name: "Alex Rivera"}
		if err := ib.Takeover(b.ctx, v.ID, alex); err != nil {
			t.Fatal(err)
		}
		const answer = "Hi Pat, this is Alex. I can come by Tuesday at 9 to measure for the new AC."
		msg, err := ib.Reply(b.ctx, v.ID, alex, answer)
		if err != nil {
			t.Fatal(err)
		}
		b.settle(t)
		got = to(t, "pat@example.com")
		if len(got) != 2 {
			t.Fatalf("%d emails to the lead, want the holding message and the rep's answer", len(got))
		}
		var rep maildevtest.Email
		for _, e := range got {
			if strings.Contains(e.Text, "Tuesday at 9") {
				rep = e
			}
		}
		if rep.Subject != "Re: New AC" || rep.Header("In-Reply-To") != "<b1@mail.example.com>" {
			t.Fatalf("the rep's email: subject %q, In-Reply-To %q", rep.Subject, rep.Header("In-Reply-To"))
		}
		m, err := crm.GetMessage(b.ctx, b.db, msg.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Channel != crm.ChannelEmail || m.Author != crm.AuthorRep || m.Status != "sent" {
			t.Fatalf("the rep's reply recorded as channel=%s author=%s status=%s", m.Channel, m.Author, m.Status)
		}
	})
}
