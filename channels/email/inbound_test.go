package email_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"reflect"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/channels/email"
)

// replyWithAttachment is what a mail app sends: a reply with its quote, an
// HTML alternative, and a photo.
const replyWithAttachment = "From: \"Dana Smith\" <Dana@Example.com>\r\n" +
	"To: Summit Home Services <leads+convTOK@summit.example>\r\n" +
	"Subject: =?UTF-8?Q?Re:_Your_AC_quote_=E2=9C=93?=\r\n" +
	"Message-ID: <reply-1@mail.example.com>\r\n" +
	"In-Reply-To: <abc123@summit.example>\r\n" +
	"References: <first@summit.example> <abc123@summit.example>\r\n" +
	"Date: Mon, 02 Mar 2026 10:00:00 -0700\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n" +
	"--outer\r\n" +
	"Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n" +
	"--inner\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
	"Tuesday works, caf=C3=A9 is fine.\r\n\r\nOn Mon, Mar 2, 2026 Summit wrote:\r\n> Would Tuesday work?\r\n" +
	"--inner\r\n" +
	"Content-Type: text/html; charset=utf-8\r\n\r\n" +
	"<p>Tuesday works</p>\r\n" +
	"--inner--\r\n" +
	"--outer\r\n" +
	"Content-Type: image/jpeg; name=\"unit.jpg\"\r\n" +
	"Content-Disposition: attachment; filename=\"unit.jpg\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n\r\n" +
	"AAECAwQFBgcICQ==\r\n" +
	"--outer--\r\n"

func TestParseMessage(t *testing.T) {
	t.Parallel()
	in, err := email.ParseMessage(strings.NewReader(replyWithAttachment))
	if err != nil {
		t.Fatal(err)
	}
	if in.From != "dana@example.com" || in.FromName != "Dana Smith" {
		t.Errorf("from %q %q", in.From, in.FromName)
	}
	if !reflect.DeepEqual(in.To, []string{"leads+convtok@summit.example"}) {
		t.Errorf("to %v", in.To)
	}
	if in.Subject != "Re: Your AC quote ✓" {
		t.Errorf("subject %q", in.Subject)
	}
	if in.MessageID != "reply-1@mail.example.com" || in.InReplyTo != "abc123@summit.example" ||
		!reflect.DeepEqual(in.References, []string{"first@summit.example", "abc123@summit.example"}) {
		t.Errorf("threading %q %q %v", in.MessageID, in.InReplyTo, in.References)
	}
	if got := in.NewText(); got != "Tuesday works, café is fine." {
		t.Errorf("NewText %q", got)
	}
	if in.HTML != "<p>Tuesday works</p>" {
		t.Errorf("html %q", in.HTML)
	}
	want := []email.Attachment{{Name: "unit.jpg", ContentType: "image/jpeg", Size: 10}}
	if !reflect.DeepEqual(in.Attachments, want) {
		t.Errorf("attachments %+v, want %+v", in.Attachments, want)
	}
	if c := in.Classify(); c.Kind != email.KindPersonal {
		t.Errorf("classified %+v", c)
	}
}

func TestParseMessageBounce(t *testing.T) {
	t.Parallel()
	raw := "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\r\n" +
		"To: leads@summit.example\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nThe address does not exist.\r\n" +
		"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n" +
		"Final-Recipient: rfc822; nobody@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <abc123@summit.example>\r\n--b--\r\n"
	in, err := email.ParseMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if c := in.Classify(); c != (email.Classification{Kind: email.KindBounce, Hard: true, Status: "5.1.1", Recipient: "nobody@example.com"}) {
		t.Errorf("classified %+v", c)
	}
}

func FuzzParseMessage(f *testing.F) {
	f.Add(replyWithAttachment)
	f.Add("From: a@b\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nhi\r\n--x--")
	f.Add("Subject: =?utf-8?B?////?=\r\n\r\n")
	f.Fuzz(func(t *testing.T, raw string) {
		in, err := email.ParseMessage(strings.NewReader(raw))
		if err != nil {
			return
		}
		_ = in.NewText()
		_ = in.Classify()
	})
}

// webhookRequest builds a SendGrid-shaped inbound-parse post.
func webhookRequest(t *testing.T, target string, fields map[string]string, file string) *http.Request {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file != "" {
		fw, err := w.CreateFormFile("attachment1", file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte("%PDF-1.4 quote")); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, target, &body)
	r.Header.Set("Content-Type", w.FormDataContentType())
	return r
}

func TestWebhookAuthorized(t *testing.T) {
	t.Parallel()
	const secret = "inbound-s3cret"
	tests := []struct {
		name   string
		target string
		user   string
		pass   string
		secret string
		want   bool
	}{
		{"url token", "/email/inbound?token=inbound-s3cret", "", "", secret, true},
		{"basic auth password", "/email/inbound", "sendgrid", "inbound-s3cret", secret, true},
		{"wrong token", "/email/inbound?token=nope", "", "", secret, false},
		{"wrong password", "/email/inbound", "sendgrid", "nope", secret, false},
		{"nothing", "/email/inbound", "", "", secret, false},
		{"no secret configured", "/email/inbound?token=", "", "", "", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodPost, tt.target, nil)
		if tt.pass != "" {
			r.SetBasicAuth(tt.user, tt.pass)
		}
		if got := email.WebhookAuthorized(r, tt.secret); got != tt.want {
			t.Errorf("%s: WebhookAuthorized = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestParseWebhook(t *testing.T) {
	t.Parallel()
	r := webhookRequest(t, "/email/inbound?token=x", map[string]string{
		"from":    "Dana Smith <dana@example.com>",
		"to":      "leads+convTOK@summit.example",
		"subject": "Re: Your AC quote",
		"text":    "Can you come Thursday?\n\nOn Mon, Mar 2, 2026 Summit wrote:\n> Hi",
		"html":    "<p>Can you come Thursday?</p>",
		"headers": "Message-ID: <wh-1@mail.example.com>\nIn-Reply-To: <abc123@summit.example>\nReferences: <abc123@summit.example>\nAuto-Submitted: no\n",
	}, "quote.pdf")
	in, err := email.ParseWebhook(httptest.NewRecorder(), r)
	if err != nil {
		t.Fatal(err)
	}
	if in.From != "dana@example.com" || in.FromName != "Dana Smith" || in.Subject != "Re: Your AC quote" {
		t.Errorf("got %+v", in)
	}
	if in.MessageID != "wh-1@mail.example.com" || in.InReplyTo != "abc123@summit.example" {
		t.Errorf("threading %q %q", in.MessageID, in.InReplyTo)
	}
	if in.NewText() != "Can you come Thursday?" {
		t.Errorf("NewText %q", in.NewText())
	}
	if len(in.Attachments) != 1 || in.Attachments[0].Name != "quote.pdf" || in.Attachments[0].Size != 14 {
		t.Errorf("attachments %+v", in.Attachments)
	}
	if in.Classify().Kind != email.KindPersonal {
		t.Errorf("classified %+v", in.Classify())
	}
}

func TestParseWebhookNeedsSender(t *testing.T) {
	t.Parallel()
	r := webhookRequest(t, "/email/inbound", map[string]string{"subject": "x"}, "")
	if _, err := email.ParseWebhook(httptest.NewRecorder(), r); err == nil {
		t.Error("a post without from parsed")
	}
}

// TestReceiver sends with a real SMTP client (net/smtp) to the built-in
// receiver and reads what its handler got.
func TestReceiver(t *testing.T) {
	t.Parallel()
	got := make(chan email.Inbound, 1)
	rc, err := email.NewReceiver(email.ReceiverConfig{Domains: []string{"summit.example"},
		Handler: func(_ context.Context, in email.Inbound) error { got <- in; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- rc.Serve(l) }()
	t.Cleanup(func() {
		if err := rc.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
		if err := <-done; err != nil {
			t.Error(err)
		}
	})

	err = smtp.SendMail(l.Addr().String(), nil, "dana@example.com", []string{"leads+convTOK@summit.example"}, []byte(replyWithAttachment))
	if err != nil {
		t.Fatal(err)
	}
	in := <-got
	if in.From != "dana@example.com" || in.MessageID != "reply-1@mail.example.com" || in.NewText() != "Tuesday works, café is fine." {
		t.Errorf("received %+v", in)
	}
	if len(in.Attachments) != 1 {
		t.Errorf("attachments %+v", in.Attachments)
	}

	// Mail for anyone else's domain is refused: no open relay.
	err = smtp.SendMail(l.Addr().String(), nil, "spam@example.com", []string{"victim@elsewhere.example"}, []byte("Subject: x\r\n\r\nx"))
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Errorf("relay attempt: %v, want 550", err)
	}
}

func FuzzParseWebhook(f *testing.F) {
	f.Add("Dana <dana@example.com>", "Message-ID: <a@b>\nIn-Reply-To: <c@d>\n", "hi\n> quoted")
	f.Add("MAILER-DAEMON@x", "Content-Type: multipart/report; report-type=delivery-status\n", "Status: 5.1.1")
	f.Add("", "\n\n\n", "")
	f.Fuzz(func(t *testing.T, from, headers, text string) {
		r := webhookRequest(t, "/email/inbound", map[string]string{"from": from, "headers": headers, "text": text}, "")
		in, err := email.ParseWebhook(httptest.NewRecorder(), r)
		if err != nil {
			return
		}
		if in.From == "" {
			t.Fatal("parsed without a sender")
		}
		_ = in.NewText()
		_ = in.Classify()
		_, _ = email.Tokens(in.To)
	})
}
