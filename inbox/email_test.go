package inbox_test

import (
	"context"
	"log/slog"
	"net"
	"net/smtp"
	"net/textproto"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/channels/email"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/store/storetest"
)

type emailBundle struct {
	ctx   context.Context
	db    *pgxpool.Pool
	inbox *inbox.Inbox
}

func setupEmail(t *testing.T) emailBundle {
	t.Helper()
	db := storetest.NewDB(t)
	ib, err := inbox.New(inbox.Config{DB: db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return emailBundle{ctx: context.Background(), db: db, inbox: ib}
}

func (b emailBundle) receive(t *testing.T, in email.Inbound) inbox.EmailOutcome {
	t.Helper()
	if in.Header == nil {
		in.Header = textproto.MIMEHeader{}
	}
	out, err := b.inbox.ReceiveEmail(b.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (b emailBundle) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.QueryRow(b.ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (b emailBundle) kinds(t *testing.T, conversationID string) []string {
	t.Helper()
	events, err := crm.Timeline(b.ctx, b.db, conversationID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

func TestReceiveEmailFromNewAddress(t *testing.T) {
	t.Parallel()
	b := setupEmail(t)
	in := email.Inbound{From: "dana@example.com", FromName: "Dana Smith", To: []string{"leads@summit.example"},
		Subject: "AC quote", MessageID: "m1@mail.example.com",
		Text:        "Do you install heat pumps?\n\nSent from my iPhone",
		Attachments: []email.Attachment{{Name: "unit.jpg", ContentType: "image/jpeg", Size: 2048}}}
	if got := b.receive(t, in); got != inbox.EmailRecorded {
		t.Fatalf("outcome %s", got)
	}
	if got := b.receive(t, in); got != inbox.EmailDuplicate {
		t.Fatalf("redelivery: outcome %s", got)
	}
	c, err := crm.ContactByEmail(b.ctx, b.db, "Dana@Example.com")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Dana Smith" || c.Phone != "" || c.Source != "email" {
		t.Errorf("contact %+v", c)
	}
	conv, err := crm.OpenConversation(b.ctx, b.db, c.ID, crm.ChannelEmail)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := crm.Messages(b.ctx, b.db, conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Body != "Do you install heat pumps?" || msgs[0].Channel != "email" ||
		msgs[0].ProviderSID != "email:m1@mail.example.com" {
		t.Fatalf("messages %+v", msgs)
	}
	events, err := crm.Timeline(b.ctx, b.db, conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got crm.EmailReceived
	for _, e := range events {
		if e.Kind == crm.EventEmailReceived {
			if got, err = crm.DetailAs[crm.EmailReceived](e); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got.Subject != "AC quote" || len(got.Attachments) != 1 || got.Attachments[0].Size != 2048 || got.Kind != "personal" {
		t.Errorf("email_received %+v (timeline %v)", got, b.kinds(t, conv.ID))
	}
	// The agent answers it (email_reply_test.go): one reply job, for the
	// email recorded once.
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'respond'`); n != 1 {
		t.Errorf("%d reply jobs queued, want 1", n)
	}
}

func TestReceiveEmailReplyTokenRoutesToConversation(t *testing.T) {
	t.Parallel()
	b := setupEmail(t)
	tx, err := b.db.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := crm.ContactForEmail(b.ctx, tx, "dana@example.com", "Dana")
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(b.ctx); err != nil {
		t.Fatal(err)
	}
	conv, err := crm.OpenConversation(b.ctx, b.db, c.ID, crm.ChannelEmail)
	if err != nil {
		t.Fatal(err)
	}
	token, err := crm.ReplyToken(b.ctx, b.db, conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The lead answers from their work address: the token still finds them.
	b.receive(t, email.Inbound{From: "dana@work.example", To: []string{"leads+" + token + "@summit.example"},
		MessageID: "r1@work.example", Text: "Thursday works"})
	if n := b.count(t, `SELECT count(*) FROM messages WHERE conversation_id = $1`, conv.ID); n != 1 {
		t.Errorf("%d messages on the conversation, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM contacts`); n != 1 {
		t.Errorf("%d contacts, want 1", n)
	}
}

func TestReceiveEmailAutoReplyNotAnswered(t *testing.T) {
	t.Parallel()
	b := setupEmail(t)
	h := textproto.MIMEHeader{}
	h.Set("Auto-Submitted", "auto-replied")
	got := b.receive(t, email.Inbound{From: "dana@example.com", Subject: "Out of office", MessageID: "ooo@example.com",
		Text: "I am away until Monday.", Header: h})
	if got != inbox.EmailAutoReply {
		t.Fatalf("outcome %s", got)
	}
	var conv string
	if err := b.db.QueryRow(b.ctx, `SELECT id::text FROM conversations`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	kinds := b.kinds(t, conv)
	if kinds[len(kinds)-1] != crm.EventEmailAutoReply {
		t.Errorf("timeline %v, want it to end in %s", kinds, crm.EventEmailAutoReply)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job`); n != 0 {
		t.Errorf("%d jobs queued for an auto-reply", n)
	}
}

func TestReceiveEmailHardBounceMarksAddressInvalid(t *testing.T) {
	t.Parallel()
	b := setupEmail(t)
	b.receive(t, email.Inbound{From: "nobody@example.com", MessageID: "first@example.com", Text: "hi"})
	c, err := crm.ContactByEmail(b.ctx, b.db, "nobody@example.com")
	if err != nil {
		t.Fatal(err)
	}
	bounce := email.Inbound{From: "mailer-daemon@mx.example.com", MessageID: "dsn-1@mx.example.com",
		Header:         textproto.MIMEHeader{},
		DeliveryStatus: "Final-Recipient: rfc822; nobody@example.com\nAction: failed\nStatus: 5.1.1\n"}
	if got := b.receive(t, bounce); got != inbox.EmailBounce {
		t.Fatalf("outcome %s", got)
	}
	state, err := crm.GetEmailState(b.ctx, b.db, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !state.Invalid || state.Reason != "bounced 5.1.1" {
		t.Errorf("email state %+v", state)
	}
	if n := b.count(t, `SELECT count(*) FROM messages WHERE provider_sid = 'email:dsn-1@mx.example.com'`); n != 0 {
		t.Errorf("a bounce was recorded as the lead's message")
	}
	if n := b.count(t, `SELECT count(*) FROM timeline_events WHERE kind = $1`, crm.EventEmailBounced); n != 1 {
		t.Errorf("%d bounce events, want 1", n)
	}
	// A bounce for nobody we know changes nothing.
	bounce.DeliveryStatus = "Final-Recipient: rfc822; stranger@example.com\nStatus: 5.1.1\n"
	if got := b.receive(t, bounce); got != inbox.EmailUnmatched {
		t.Errorf("unknown address: outcome %s", got)
	}
}

func TestReceiveEmailMailtoUnsubscribe(t *testing.T) {
	t.Parallel()
	b := setupEmail(t)
	b.receive(t, email.Inbound{From: "dana@example.com", MessageID: "first@example.com", Text: "hi"})
	c, err := crm.ContactByEmail(b.ctx, b.db, "dana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	token, err := crm.UnsubscribeToken(b.ctx, b.db, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := b.receive(t, email.Inbound{From: "dana@example.com", To: []string{"leads+u." + token + "@summit.example"},
		Subject: "unsubscribe", MessageID: "unsub@example.com"})
	if got != inbox.EmailUnsubscribed {
		t.Fatalf("outcome %s", got)
	}
	state, err := crm.GetEmailState(b.ctx, b.db, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	c, err = crm.GetContact(b.ctx, b.db, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !state.OptedOut || c.OptedOut {
		t.Errorf("email opted out %v, texts opted out %v: want only email", state.OptedOut, c.OptedOut)
	}
}

// TestReceiveEmailOverSMTP runs the built-in receiver in front of the
// inbox and sends to it with a real SMTP client.
func TestReceiveEmailOverSMTP(t *testing.T) {
	t.Parallel()
	b := setupEmail(t)
	rc, err := email.NewReceiver(email.ReceiverConfig{Domains: []string{"summit.example"},
		Handler: func(ctx context.Context, in email.Inbound) error { _, err := b.inbox.ReceiveEmail(ctx, in); return err }})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = rc.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rc.Shutdown(ctx)
	})
	msg := "From: Dana <dana@example.com>\r\nTo: leads@summit.example\r\nSubject: Furnace\r\n" +
		"Message-ID: <smtp-1@example.com>\r\n\r\nMy furnace is making noise.\r\n\r\n-- \r\nDana\r\n"
	for range 2 { // a sending server's retry records nothing twice
		if err := smtp.SendMail(l.Addr().String(), nil, "dana@example.com", []string{"leads@summit.example"}, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	var body string
	if err := b.db.QueryRow(b.ctx, `SELECT body FROM messages WHERE provider_sid = 'email:smtp-1@example.com'`).Scan(&body); err != nil {
		t.Fatal(err)
	}
	if body != "My furnace is making noise." {
		t.Errorf("body %q", body)
	}
	if n := b.count(t, `SELECT count(*) FROM messages`); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}
