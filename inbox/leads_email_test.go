package inbox_test

import (
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadagent/leadagent/cadence"
	"github.com/leadagent/leadagent/channels/email"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/internal/maildevtest"
	"github.com/leadagent/leadagent/store/storetest"
)

const postalAddress = "100 Main St, Fort Collins, CO 80521"

// mailCadence is cadenceBundle with email set up: the inbox sends through
// MailDev, with a postal address and a public URL, so it may send
// marketing email.
type mailCadence struct {
	*testBundle
	ib    *inbox.Inbox
	clock *fakeClock
	md    *maildevtest.Server
	start time.Time
}

// newMailCadence starts one on a fresh database, with the demo knowledge
// when withKnowledge (the follow-ups need none).
func newMailCadence(t *testing.T, md *maildevtest.Server, withKnowledge bool) *mailCadence {
	t.Helper()
	sender, err := email.NewSender(email.SenderConfig{SMTPURL: md.SMTPURL(), From: emailFrom, PostalAddress: postalAddress,
		PublicURL: "https://leads.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	opts := options{}
	if !withKnowledge {
		opts.db = storetest.NewDB(t)
	}
	b := setup(t, opts)
	denver, _ := time.LoadLocation("America/Denver")
	// A Monday morning, in the past: the lead's messages are recorded at
	// the clock's time and the product's at PostgreSQL's, so a clock ahead
	// of the real one would put the lead's words after the product's; and
	// a fixed weekday keeps the texts' contact windows the same every day
	// the test runs.
	clock := &fakeClock{t: time.Date(2026, 11, 2, 10, 0, 0, 0, denver)}
	ib, _ := b.withDesk(t, hours.MustParse("24/7", "America/Denver"), clock.now, func(c *inbox.Config) { c.Email = sender })
	return &mailCadence{testBundle: b, ib: ib, clock: clock, md: md, start: clock.now()}
}

// emailConsent is a form's yes to email, and only to email.
func emailConsent(at time.Time) *crm.Consent {
	return &crm.Consent{Email: true, Text: "I agree to receive emails from Summit Home Services.", CapturedAt: at}
}

// bothConsents is a form's yes to texts and to email.
func bothConsents(at time.Time) *crm.Consent {
	c := consented(at)
	c.Email = true
	return c
}

// after moves the inbox's clock to d after the lead arrived and runs the
// follow-ups due by then.
func (m *mailCadence) after(t *testing.T, d time.Duration) {
	t.Helper()
	m.settle(t)
	m.clock.set(m.start.Add(d))
	m.runScheduled(t, "follow_up")
	m.settle(t)
}

func (m *mailCadence) run(t *testing.T, leadID string) (state, reason string) {
	t.Helper()
	if err := m.db.QueryRow(m.ctx, `SELECT state, stop_reason FROM cadence_runs WHERE lead_id = $1`, leadID).Scan(&state, &reason); err != nil {
		t.Fatal(err)
	}
	return state, reason
}

// lead receives a form lead as the API does.
func (m *mailCadence) lead(t *testing.T, in crm.NewLead) inbox.NewLead {
	t.Helper()
	got, err := m.ib.ReceiveLead(m.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// wantEmails fails with failure (a format for the count) unless MailDev
// holds n emails to addr.
func (m *mailCadence) wantEmails(t *testing.T, addr string, n int, failure string) {
	t.Helper()
	if got := len(m.md.EmailsTo(t, addr)); got != n {
		t.Fatalf(failure, got)
	}
}

// wantTexts fails with failure (a format for the count) unless Twilio
// took n texts to phone.
func (m *mailCadence) wantTexts(t *testing.T, phone string, n int, failure string) {
	t.Helper()
	if got := len(m.sandbox.MessagesTo(phone)); got != n {
		t.Fatalf(failure, got)
	}
}

// wantStopped fails unless the lead's follow-ups stopped for reason.
func (m *mailCadence) wantStopped(t *testing.T, leadID, reason string) {
	t.Helper()
	if state, why := m.run(t, leadID); state != cadence.StateStopped || why != reason {
		t.Fatalf("run %s %q, want stopped: %s", state, why, reason)
	}
}

// emailConversation is the contact's email conversation with its
// messages and timeline.
func (m *mailCadence) emailConversation(t *testing.T, addr string) crm.Conversation {
	t.Helper()
	c, err := crm.ContactByEmail(m.ctx, m.db, addr)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	if err := m.db.QueryRow(m.ctx, `SELECT id::text FROM conversations WHERE contact_id = $1 AND channel = 'email'`, c.ID).Scan(&id); err != nil {
		t.Fatalf("the email conversation of %s: %v", addr, err)
	}
	v, err := crm.GetConversation(m.ctx, m.db, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// unsubscribe is the lead pressing the List-Unsubscribe of an email.
func (m *mailCadence) unsubscribe(t *testing.T, addr string) {
	t.Helper()
	c, err := crm.ContactByEmail(m.ctx, m.db, addr)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := crm.UnsubscribeToken(m.ctx, m.db, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.ib.UnsubscribeEmail(m.ctx, tok, "one_click"); err != nil {
		t.Fatal(err)
	}
}

// replyByEmail is the lead answering an email we sent, to its Reply-To.
func (m *mailCadence) replyByEmail(t *testing.T, to maildevtest.Email, text string) {
	t.Helper()
	if len(to.ReplyTo) != 1 {
		t.Fatalf("the email has Reply-To %+v", to.ReplyTo)
	}
	out, err := m.ib.ReceiveEmail(m.ctx, email.Inbound{From: to.To[0].Address, FromName: to.To[0].Name,
		To: []string{to.ReplyTo[0].Address}, Subject: "Re: " + to.Subject, MessageID: "r-" + strings.Trim(to.MessageID, "<>"),
		InReplyTo: strings.Trim(to.MessageID, "<>"), Text: text, Header: textproto.MIMEHeader{}})
	if err != nil || out != inbox.EmailRecorded {
		t.Fatalf("the lead's reply: %s (%v)", out, err)
	}
}

// marketing checks that an email carries what every marketing email
// must: the postal address, the unsubscribe link and its headers.
func marketing(t *testing.T, e maildevtest.Email) {
	t.Helper()
	lu := e.Header("List-Unsubscribe")
	if !strings.Contains(lu, "<https://leads.example.com/email/unsubscribe?t=") || !strings.Contains(lu, "<mailto:leads+u.") {
		t.Errorf("List-Unsubscribe %q", lu)
	}
	if h := e.Header("List-Unsubscribe-Post"); h != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q", h)
	}
	if !strings.Contains(e.Text, postalAddress) || !strings.Contains(e.Text, "Unsubscribe: https://leads.example.com/email/unsubscribe?t=") {
		t.Errorf("the email lacks the postal address or the unsubscribe link:\n%s", e.Text)
	}
}

// TestFirstTouchByEmail: a form lead who agreed to email and not to texts,
// without a phone, is emailed at once: the first-touch words fitted to
// email, as marketing email, on the email conversation's timeline with
// its Message-ID; a retry sends nothing more, and a send whose record was
// lost goes again as the same email; the lead's reply reaches the agent,
// which answers in the thread, and stops the follow-ups.
func TestFirstTouchByEmail(t *testing.T) {
	t.Parallel()
	m := newMailCadence(t, maildevtest.Start(t), true)
	const addr = "dana@example.com"
	got, err := m.ib.ReceiveLead(m.ctx, crm.NewLead{Email: "Dana@Example.com", Name: "Dana Reyes", Source: "website",
		Message: "how much is a furnace tune-up?", Consent: emailConsent(m.start)})
	if err != nil {
		t.Fatal(err)
	}
	if got.FirstTouch != inbox.FirstTouchQueued || got.Channel != crm.ChannelEmail || !got.NewContact || got.Contact.Phone != "" {
		t.Fatalf("lead = %+v", got)
	}
	m.settle(t)
	sent := m.md.EmailsTo(t, addr)
	if len(sent) != 1 {
		t.Fatalf("%d emails to the lead, want the first touch", len(sent))
	}
	e := sent[0]
	if e.Subject != "Your request to Summit Home Services" || len(e.From) != 1 || e.From[0].Address != "leads@summit.example" {
		t.Errorf("subject %q, from %+v", e.Subject, e.From)
	}
	marketing(t, e)
	for _, want := range []string{"Hi Dana,\n\nThis is the AI assistant for Summit Home Services.", "$129", "Thanks,\nSummit Home Services"} {
		if !strings.Contains(e.Text, want) {
			t.Errorf("first email lacks %q:\n%s", want, e.Text)
		}
	}
	if strings.Contains(e.Text, "Reply STOP") || strings.Count(e.Text, "Hi Dana") != 1 {
		t.Errorf("first email keeps the text's greeting or STOP line:\n%s", e.Text)
	}
	v := m.emailConversation(t, addr)
	if v.ID != got.Lead.ConversationID || len(v.Messages) != 1 {
		t.Fatalf("lead on %s, email conversation %s with %d messages", got.Lead.ConversationID, v.ID, len(v.Messages))
	}
	msg := v.Messages[0]
	if msg.Channel != crm.ChannelEmail || msg.Status != "sent" || msg.ProviderSID != "email:"+strings.Trim(e.MessageID, "<>") ||
		strings.HasPrefix(msg.Body, "Hi ") {
		t.Fatalf("first touch recorded as %+v (sent as %s)", msg, e.MessageID)
	}
	if !hasEvent(v, inbox.EventFirstTouch) || !hasEvent(v, crm.EventMessageSent) || !hasEvent(v, inbox.EventCadenceStarted) {
		t.Fatalf("timeline %+v", v.Timeline)
	}
	lead, err := crm.GetLead(m.ctx, m.db, got.Lead.ID)
	if err != nil || lead.FirstTouchMessageID != msg.ID || lead.FirstTouchAt == nil {
		t.Fatalf("lead after the first touch: %+v (%v)", lead, err)
	}

	// A retry of the send finds it sent.
	if err := m.ib.Enqueue(m.ctx, inbox.SendArgs{MessageID: msg.ID}); err != nil {
		t.Fatal(err)
	}
	m.settle(t)
	m.wantEmails(t, addr, 1, "a retried send mailed the lead again: %d emails")
	// A send whose record was lost (the process died after the server
	// took it) goes again as the same email: the same Message-ID.
	if _, err := m.db.Exec(m.ctx, `UPDATE messages SET provider_sid = NULL, status = 'pending', sent_at = NULL WHERE id = $1`, msg.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := m.db.Exec(m.ctx, `DELETE FROM river_job WHERE kind = 'send'`); err != nil {
		t.Fatal(err)
	}
	if err := m.ib.Enqueue(m.ctx, inbox.SendArgs{MessageID: msg.ID}); err != nil {
		t.Fatal(err)
	}
	m.settle(t)
	again := m.md.EmailsTo(t, addr)
	if len(again) != 2 || again[1].MessageID != e.MessageID || again[1].Subject != e.Subject {
		t.Fatalf("the resend: %d emails, Message-IDs %q and %q", len(again), e.MessageID, again[len(again)-1].MessageID)
	}

	// The lead answers the email: the agent answers in its thread, and
	// the follow-ups stop.
	m.replyByEmail(t, e, "Great, can you also check my water heater?")
	m.settle(t)
	sent = m.md.EmailsTo(t, addr)
	if len(sent) != 3 {
		t.Fatalf("%d emails to the lead, want the agent's answer too", len(sent))
	}
	answer := sent[2]
	if answer.Subject != "Re: Your request to Summit Home Services" || answer.Header("In-Reply-To") != "<r-"+strings.Trim(e.MessageID, "<>")+">" ||
		answer.Header("List-Unsubscribe") != "" {
		t.Errorf("the agent's answer: subject %q, In-Reply-To %q, List-Unsubscribe %q", answer.Subject, answer.Header("In-Reply-To"),
			answer.Header("List-Unsubscribe"))
	}
	if state, reason := m.run(t, got.Lead.ID); state != cadence.StateStopped || reason != cadence.StopReplied {
		t.Fatalf("run %s %q after the lead replied", state, reason)
	}
	m.after(t, time.Hour)
	m.wantEmails(t, addr, 3, "a follow-up went after the lead replied: %d emails")
}

// TestEmailFollowUps is a cadence by email: the steps of a lead who
// agreed to email only go by email, in the first touch's thread, and stop
// when the lead replies by email or unsubscribes; a lead who agreed to
// both gets the email steps by email and the text steps by text, and an
// email unsubscribe stops the email steps only, a STOP the texts only; an
// email stops a cadence of texts.
func TestEmailFollowUps(t *testing.T) {
	t.Parallel()
	md := maildevtest.Start(t)
	var mixed struct {
		sync.Mutex
		done bool
	}
	// mix makes the active cadence a text at +1 h, an email at +1 day and
	// a text at +3 days.
	mix := func(t *testing.T, m *mailCadence) {
		t.Helper()
		mixed.Lock()
		defer mixed.Unlock()
		if _, err := cadence.Save(m.ctx, m.db, cadence.Cadence{Steps: []cadence.Step{
			{After: cadence.Duration(time.Hour), Channel: crm.ChannelSMS, Message: "Hi {{.FirstName}}, any questions? Just reply here."},
			{After: cadence.Duration(24 * time.Hour), Channel: crm.ChannelEmail,
				Message: "Hi {{.FirstName}}, here is {{.Business}} by email: would a visit this week suit you? Reply STOP to opt out."},
			{After: cadence.Duration(72 * time.Hour), Channel: crm.ChannelSMS, Message: "Hi {{.FirstName}}, last check-in from {{.Business}}."},
		}}, "test", ""); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("email only: the steps by email, stopped by a reply", func(t *testing.T) {
		t.Parallel()
		m := newMailCadence(t, md, false)
		const addr = "pat@example.com"
		got, err := m.ib.ReceiveLead(m.ctx, crm.NewLead{Phone: "+19705553101", Email: addr, Name: "Pat", Message: "do you install heat pumps?",
			Consent: emailConsent(m.start)})
		if err != nil || got.Channel != crm.ChannelEmail {
			t.Fatalf("lead %+v (%v)", got, err)
		}
		m.after(t, time.Hour)
		sent := m.md.EmailsTo(t, addr)
		if len(sent) != 2 {
			t.Fatalf("%d emails, want the first touch and step 1", len(sent))
		}
		step := sent[1]
		marketing(t, step)
		if step.Subject != "Re: "+sent[0].Subject || step.Header("In-Reply-To") != "<"+strings.Trim(sent[0].MessageID, "<>")+">" ||
			!strings.Contains(step.Text, "Hi Pat,\n\nIt's the AI assistant for Summit Home Services again") {
			t.Errorf("step 1: subject %q, In-Reply-To %q (first %q):\n%s", step.Subject, step.Header("In-Reply-To"), sent[0].MessageID, step.Text)
		}
		m.wantTexts(t, "+19705553101", 0, "a lead without SMS consent was texted %d times")
		if v := m.emailConversation(t, addr); !hasEvent(v, inbox.EventCadenceStep) {
			t.Fatalf("no follow-up on the email timeline: %+v", v.Timeline)
		}
		m.after(t, 24*time.Hour)
		m.wantEmails(t, addr, 3, "%d emails after step 2, want 3")
		m.replyByEmail(t, step, "Yes please, Tuesday works.")
		m.after(t, 72*time.Hour)
		// The agent's answer, and no step 3.
		m.wantEmails(t, addr, 4, "%d emails, want 3 and the agent's answer: a step went after the lead replied")
		m.wantStopped(t, got.Lead.ID, cadence.StopReplied)
	})

	t.Run("email only: unsubscribed", func(t *testing.T) {
		t.Parallel()
		m := newMailCadence(t, md, false)
		const addr = "lee@example.com"
		got := m.lead(t, crm.NewLead{Email: addr, Name: "Lee", Consent: emailConsent(m.start)})
		m.settle(t)
		m.unsubscribe(t, addr)
		// Nothing but email could reach Lee: the run stops at the click,
		// not when the next step comes due.
		m.wantStopped(t, got.Lead.ID, cadence.StopOptedOut)
		m.after(t, time.Hour)
		m.wantEmails(t, addr, 1, "%d emails, want the first touch alone after the unsubscribe")
		m.wantStopped(t, got.Lead.ID, cadence.StopOptedOut)
	})

	t.Run("both: an email unsubscribe skips the email step, the texts go on", func(t *testing.T) {
		t.Parallel()
		m := newMailCadence(t, md, false)
		mix(t, m)
		const addr, phone = "sam@example.com", "+19705553102"
		got, err := m.ib.ReceiveLead(m.ctx, crm.NewLead{Phone: phone, Email: addr, Name: "Sam", Consent: bothConsents(m.start)})
		if err != nil || got.Channel != crm.ChannelSMS {
			t.Fatalf("lead %+v (%v)", got, err)
		}
		m.after(t, time.Hour)
		m.wantTexts(t, phone, 2, "%d texts, want the first touch and step 1")
		m.wantEmails(t, addr, 0, "a lead reached by text got %d emails before the email step")
		m.unsubscribe(t, addr)
		m.after(t, 24*time.Hour)
		m.after(t, 72*time.Hour)
		m.wantEmails(t, addr, 0, "%d emails after the unsubscribe")
		texts := m.sandbox.MessagesTo(phone)
		if len(texts) != 3 || !strings.Contains(texts[2].Body, "last check-in") {
			t.Fatalf("%d texts, want step 3 after the email unsubscribe", len(texts))
		}
		if state, _ := m.run(t, got.Lead.ID); state != cadence.StateCompleted {
			t.Fatalf("run %s, want completed", state)
		}
		if v := m.conversation(t, phone); !hasEvent(v, inbox.EventCadenceSkipped) {
			t.Fatalf("no skipped step on the timeline: %+v", v.Timeline)
		}
	})

	t.Run("both: closing the lead's text conversation stops its email steps too", func(t *testing.T) {
		t.Parallel()
		m := newMailCadence(t, md, false)
		mix(t, m)
		const addr, phone = "kai@example.com", "+19705553109"
		got := m.lead(t, crm.NewLead{Phone: phone, Email: addr, Name: "Kai", Consent: bothConsents(m.start)})
		m.settle(t)
		if err := m.ib.Close(m.ctx, m.conversation(t, phone).ID, handoff.Actor{Admin: true, Name: "admin"}, "not_interested"); err != nil {
			t.Fatal(err)
		}
		m.after(t, time.Hour)
		m.after(t, 24*time.Hour)
		m.wantEmails(t, addr, 0, "%d emails to a lead whose conversation was closed")
		m.wantTexts(t, phone, 1, "%d texts, want the first touch alone")
		m.wantStopped(t, got.Lead.ID, cadence.StopClosed)
	})

	t.Run("both: STOP skips the texts, the email step goes, then the cadence stops", func(t *testing.T) {
		t.Parallel()
		m := newMailCadence(t, md, false)
		mix(t, m)
		const addr, phone = "kim@example.com", "+19705553103"
		got := m.lead(t, crm.NewLead{Phone: phone, Email: addr, Name: "Kim", Consent: bothConsents(m.start)})
		m.replies(t, phone, 1)
		m.settle(t)
		m.text(t, phone, "STOP")
		m.after(t, time.Hour)
		m.after(t, 24*time.Hour)
		m.after(t, 72*time.Hour)
		m.wantTexts(t, phone, 1, "%d texts, want the first touch alone after STOP")
		sent := m.md.EmailsTo(t, addr)
		if len(sent) != 1 || !strings.Contains(sent[0].Text, "Hi Kim,\n\nHere is Summit Home Services by email") ||
			strings.Contains(sent[0].Text, "Reply STOP") {
			t.Fatalf("%d emails, want the email step fitted to email: %+v", len(sent), sent)
		}
		marketing(t, sent[0])
		if sent[0].Subject != "Your request to Summit Home Services" {
			t.Errorf("the first email's subject %q", sent[0].Subject)
		}
		// Only a text was left after the email: nothing can reach Kim.
		m.wantStopped(t, got.Lead.ID, cadence.StopOptedOut)
	})

	t.Run("texts: an email from the lead stops them", func(t *testing.T) {
		t.Parallel()
		m := newMailCadence(t, md, false)
		const addr, phone = "jo@example.com", "+19705553104"
		got, err := m.ib.ReceiveLead(m.ctx, crm.NewLead{Phone: phone, Email: addr, Name: "Jo", Consent: consented(m.start)})
		if err != nil || got.Channel != crm.ChannelSMS {
			t.Fatalf("lead %+v (%v)", got, err)
		}
		m.replies(t, phone, 1)
		m.settle(t)
		out, err := m.ib.ReceiveEmail(m.ctx, email.Inbound{From: addr, To: []string{"leads@summit.example"}, Subject: "Quote",
			MessageID: "jo1@mail.example.com", Text: "Could you email me a quote instead?", Header: textproto.MIMEHeader{}})
		if err != nil || out != inbox.EmailRecorded {
			t.Fatalf("email: %s (%v)", out, err)
		}
		m.wantStopped(t, got.Lead.ID, cadence.StopReplied)
		m.after(t, time.Hour)
		m.wantTexts(t, phone, 1, "%d texts, want the first touch alone after the lead emailed")
		m.wantStopped(t, got.Lead.ID, cadence.StopReplied)
	})

	t.Run("an out-of-office is no reply", func(t *testing.T) {
		t.Parallel()
		m := newMailCadence(t, md, false)
		const addr = "ooo@example.com"
		got := m.lead(t, crm.NewLead{Email: addr, Name: "Robin", Consent: emailConsent(m.start)})
		m.settle(t)
		first := m.md.EmailsTo(t, addr)
		if len(first) != 1 {
			t.Fatalf("%d emails, want the first touch", len(first))
		}
		h := textproto.MIMEHeader{}
		h.Set("Auto-Submitted", "auto-replied")
		out, err := m.ib.ReceiveEmail(m.ctx, email.Inbound{From: addr, To: []string{first[0].ReplyTo[0].Address},
			Subject: "Out of office", MessageID: "ooo-1@mail.example.com", Text: "I am away until Monday.", Header: h})
		if err != nil || out != inbox.EmailAutoReply {
			t.Fatalf("auto-reply: %s (%v)", out, err)
		}
		m.after(t, time.Hour)
		m.wantEmails(t, addr, 2, "%d emails, want step 1 after an out-of-office")
		if state, _ := m.run(t, got.Lead.ID); state != cadence.StateActive {
			t.Fatalf("run %s after an out-of-office", state)
		}
	})
}
