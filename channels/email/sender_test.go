package email_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/channels/email"
	"github.com/leadagent/leadagent/internal/maildevtest"
)

const from = "Summit Home Services <leads@summit.example>"

func newSender(t *testing.T, smtpURL string) *email.Sender {
	t.Helper()
	s, err := email.NewSender(email.SenderConfig{
		SMTPURL: smtpURL, From: from, PostalAddress: "100 Main St, Denver, CO 80202",
		PublicURL: "https://leads.summit.example",
		Now:       func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSendReplyThreaded(t *testing.T) {
	md := maildevtest.Start(t)
	s := newSender(t, md.SMTPURL())
	sent, err := s.Send(context.Background(), email.Outgoing{
		To: "dana@example.com", ToName: "Dana", Subject: "Re: AC quote",
		Text:      "Hi Dana,\n\nYes, we service <Trane> & Carrier units.\n\nBest,\nSummit Home Services",
		InReplyTo: "lead-2@example.com", References: []string{"lead-1@example.com"},
		ReplyToken: "convTOKEN_1",
	})
	if err != nil {
		t.Fatal(err)
	}
	e := md.Only(t)
	if e.MessageID != "<"+sent.MessageID+">" && e.MessageID != sent.MessageID {
		t.Errorf("Message-ID %q, we returned %q", e.MessageID, sent.MessageID)
	}
	if !strings.HasSuffix(sent.MessageID, "@summit.example") {
		t.Errorf("Message-ID %q is not at our domain", sent.MessageID)
	}
	if len(e.From) != 1 || e.From[0].Name != "Summit Home Services" || e.From[0].Address != "leads@summit.example" {
		t.Errorf("From %+v", e.From)
	}
	if len(e.ReplyTo) != 1 || e.ReplyTo[0].Address != "leads+convTOKEN_1@summit.example" {
		t.Errorf("Reply-To %+v", e.ReplyTo)
	}
	if got := e.Header("In-Reply-To"); got != "<lead-2@example.com>" {
		t.Errorf("In-Reply-To %q", got)
	}
	raw := md.Raw(t, e.ID)
	if !strings.Contains(raw, "References: <lead-1@example.com> <lead-2@example.com>") {
		t.Errorf("References missing or wrong in:\n%s", raw)
	}
	if !strings.Contains(e.Text, "we service <Trane> & Carrier units") {
		t.Errorf("text %q", e.Text)
	}
	if !strings.Contains(e.HTML, "we service &lt;Trane&gt; &amp; Carrier units") || strings.Contains(e.HTML, "<Trane>") {
		t.Errorf("html not escaped: %q", e.HTML)
	}
	if e.Header("List-Unsubscribe") != "" || strings.Contains(e.Text, "Unsubscribe") {
		t.Errorf("a reply is not marketing: it carries no unsubscribe")
	}
	if tok, unsub, ok := email.Subaddress(e.ReplyTo[0].Address, from); !ok || unsub || tok != "convTOKEN_1" {
		t.Errorf("Subaddress(reply-to) = %q, %v, %v", tok, unsub, ok)
	}
}

func TestSendMarketingCarriesUnsubscribeAndAddress(t *testing.T) {
	md := maildevtest.Start(t)
	s := newSender(t, md.SMTPURL())
	_, err := s.Send(context.Background(), email.Outgoing{
		To: "dana@example.com", Subject: "Your AC quote", Text: "Hi Dana,\n\nStill thinking about the new AC?",
		ReplyToken: "c1", Marketing: true, UnsubscribeToken: "unsubTOK-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	e := md.Only(t)
	link := "https://leads.summit.example/email/unsubscribe?t=unsubTOK-1"
	lu := e.Header("List-Unsubscribe")
	if !strings.Contains(lu, "<"+link+">") || !strings.Contains(lu, "<mailto:leads+u.unsubTOK-1@summit.example?subject=unsubscribe>") {
		t.Errorf("List-Unsubscribe %q", lu)
	}
	if got := e.Header("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q", got)
	}
	for _, part := range []struct{ name, body string }{{"text", e.Text}, {"html", e.HTML}} {
		if !strings.Contains(part.body, "100 Main St, Denver, CO 80202") {
			t.Errorf("%s lacks the postal address: %q", part.name, part.body)
		}
	}
	if !strings.Contains(e.Text, link) {
		t.Errorf("text lacks the unsubscribe link: %q", e.Text)
	}
	if !strings.Contains(e.HTML, `href="https://leads.summit.example/email/unsubscribe?t=unsubTOK-1"`) {
		t.Errorf("html lacks the unsubscribe link: %q", e.HTML)
	}
	if tok, unsub, ok := email.Subaddress("leads+u.unsubTOK-1@summit.example", from); !ok || !unsub || tok != "unsubTOK-1" {
		t.Errorf("Subaddress(mailto) = %q, %v, %v", tok, unsub, ok)
	}
}

func TestSendWithAuth(t *testing.T) {
	md := maildevtest.Start(t, "--incoming-user", "summit", "--incoming-pass", "s3cret")
	bad := newSender(t, "smtp://summit:wrong@"+md.SMTPAddr())
	_, err := bad.Send(context.Background(), email.Outgoing{To: "dana@example.com", Subject: "x", Text: "x"})
	if err == nil {
		t.Fatal("a wrong password was accepted")
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the error shows the password: %v", err)
	}
	good := newSender(t, "smtp://summit:"+url.QueryEscape("s3cret")+"@"+md.SMTPAddr())
	if _, err := good.Send(context.Background(), email.Outgoing{To: "dana@example.com", Subject: "hi", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	if e := md.Only(t); e.Subject != "hi" {
		t.Errorf("subject %q", e.Subject)
	}
}

func TestNewSenderRefusesBadConfig(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ smtpURL, from string }{
		{"http://host:25", from}, {"smtp://", from}, {"smtp://host:x", from},
		{"smtp://host:587", "not an address"},
	} {
		if _, err := email.NewSender(email.SenderConfig{SMTPURL: tt.smtpURL, From: tt.from}); err == nil {
			t.Errorf("NewSender(%q, %q) accepted", tt.smtpURL, tt.from)
		}
	}
	if _, err := email.NewSender(email.SenderConfig{SMTPURL: "smtp://u:hunter2@host:x", From: from}); err != nil &&
		strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error shows the password: %v", err)
	}
}

func TestMarketingNeedsPostalAddressAndToken(t *testing.T) {
	t.Parallel()
	s, err := email.NewSender(email.SenderConfig{SMTPURL: "smtp://127.0.0.1:25", From: from, PublicURL: "https://x.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Compose(email.Outgoing{To: "d@example.com", Marketing: true, UnsubscribeToken: "t"}); err == nil {
		t.Error("marketing email without a postal address composed")
	}
}
