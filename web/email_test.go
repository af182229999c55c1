package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/channels/email"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/internal/maildevtest"
	"github.com/leadagent/leadagent/web"
)

const inboundSecret = "inbound-s3cret"

// setupEmail is the router with the inbound webhook on, behind the inbox.
func setupEmail(t *testing.T) *testBundle {
	t.Helper()
	var b *testBundle
	b = setupWith(t, func(cfg *web.Config) {
		cfg.Email = web.EmailConfig{InboundSecret: inboundSecret, Receive: func(ctx context.Context, in email.Inbound) error {
			_, err := b.inbox.ReceiveEmail(ctx, in)
			return err
		}, Unsubscribe: func(ctx context.Context, token, via string) error {
			return b.inbox.UnsubscribeEmail(ctx, token, via)
		}}
	})
	return b
}

// emailContact makes a contact with an email conversation.
func (b *testBundle) emailContact(t *testing.T, address string) (crm.Contact, crm.Conversation) {
	t.Helper()
	tx, err := b.db.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(b.ctx)
	c, _, err := crm.ContactForEmail(b.ctx, tx, address, "Dana")
	if err != nil {
		t.Fatal(err)
	}
	v, err := crm.OpenConversation(b.ctx, tx, c.ID, crm.ChannelEmail)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(b.ctx); err != nil {
		t.Fatal(err)
	}
	return c, v
}

// sendMarketing sends a marketing email to the contact through MailDev,
// with the router as PUBLIC_URL, and returns it as it arrived.
func (b *testBundle) sendMarketing(t *testing.T, c crm.Contact, v crm.Conversation) maildevtest.Email {
	t.Helper()
	md := maildevtest.Start(t)
	s, err := email.NewSender(email.SenderConfig{SMTPURL: md.SMTPURL(), From: "Summit Home Services <leads@summit.example>",
		PostalAddress: "100 Main St, Denver, CO 80202", PublicURL: b.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	unsub, err := crm.UnsubscribeToken(b.ctx, b.db, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	reply, err := crm.ReplyToken(b.ctx, b.db, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(b.ctx, email.Outgoing{To: c.Email, Subject: "Your AC quote", Text: "Hi Dana,\n\nStill thinking about it?",
		ReplyToken: reply, Marketing: true, UnsubscribeToken: unsub}); err != nil {
		t.Fatal(err)
	}
	return md.Only(t)
}

func (b *testBundle) emailOptedOut(t *testing.T, contactID string) bool {
	t.Helper()
	s, err := crm.GetEmailState(b.ctx, b.db, contactID)
	if err != nil {
		t.Fatal(err)
	}
	return s.OptedOut
}

func (b *testBundle) unsubscribeEvents(t *testing.T, conversationID string) int {
	t.Helper()
	var n int
	if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM timeline_events WHERE conversation_id = $1 AND kind = $2`,
		conversationID, crm.EventEmailOptedOut).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var headerURL = regexp.MustCompile(`<(http[^>]+)>`)

// TestUnsubscribeOneClickFromHeader does what a mail client's unsubscribe
// button does (RFC 8058): POST List-Unsubscribe=One-Click to the header's
// URL.
func TestUnsubscribeOneClickFromHeader(t *testing.T) {
	b := setupEmail(t)
	c, v := b.emailContact(t, "dana@example.com")
	e := b.sendMarketing(t, c, v)
	m := headerURL.FindStringSubmatch(e.Header("List-Unsubscribe"))
	if m == nil {
		t.Fatalf("no https URL in List-Unsubscribe %q", e.Header("List-Unsubscribe"))
	}
	for range 2 { // a second click changes nothing more
		resp, err := http.Post(m[1], "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("one-click POST: %s", resp.Status)
		}
	}
	if !b.emailOptedOut(t, c.ID) {
		t.Error("the one-click POST did not opt the contact out of email")
	}
	if n := b.unsubscribeEvents(t, v.ID); n != 1 {
		t.Errorf("%d unsubscribe events on the timeline, want 1", n)
	}
	c, err := crm.GetContact(b.ctx, b.db, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.OptedOut {
		t.Error("unsubscribing from email opted the contact out of texts")
	}
}

// TestUnsubscribeFromLink follows the body's link: the page asks, and
// only its button unsubscribes.
func TestUnsubscribeFromLink(t *testing.T) {
	b := setupEmail(t)
	c, v := b.emailContact(t, "dana@example.com")
	e := b.sendMarketing(t, c, v)
	link := regexp.MustCompile(`Unsubscribe: (\S+)`).FindStringSubmatch(e.Text)
	if link == nil {
		t.Fatalf("no unsubscribe link in %q", e.Text)
	}
	resp, err := http.Get(link[1])
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `<button type="submit">Unsubscribe</button>`) {
		t.Fatalf("GET %s: %s\n%s", link[1], resp.Status, page)
	}
	if b.emailOptedOut(t, c.ID) {
		t.Fatal("a GET unsubscribed: mail scanners would unsubscribe everyone")
	}
	action := regexp.MustCompile(`action="([^"]+)"`).FindStringSubmatch(string(page))
	resp, err = http.Post(b.srv.URL+strings.ReplaceAll(action[1], "&amp;", "&"), "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "unsubscribed") {
		t.Fatalf("POST: %s\n%s", resp.Status, page)
	}
	if !b.emailOptedOut(t, c.ID) {
		t.Error("the button did not opt the contact out of email")
	}
	if n := b.unsubscribeEvents(t, v.ID); n != 1 {
		t.Errorf("%d unsubscribe events, want 1", n)
	}
}

func TestUnsubscribeUnknownToken(t *testing.T) {
	t.Parallel()
	b := setupEmail(t)
	for _, req := range []struct{ method, body string }{{http.MethodGet, ""}, {http.MethodPost, "List-Unsubscribe=One-Click"}, {http.MethodPost, ""}} {
		r, err := http.NewRequest(req.method, b.srv.URL+"/email/unsubscribe?t=0123456789abcdef", strings.NewReader(req.body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s %q: %s, want 404", req.method, req.body, resp.Status)
		}
	}
}

func inboundPost(t *testing.T, url string, fields map[string]string, user, pass string) *http.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := http.NewRequest(http.MethodPost, url, &body)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", w.FormDataContentType())
	if pass != "" {
		r.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestInboundEmailWebhook(t *testing.T) {
	t.Parallel()
	b := setupEmail(t)
	fields := map[string]string{"from": "Dana <dana@example.com>", "to": "leads@summit.example", "subject": "Quote",
		"text": "Is Saturday possible?\n\n> earlier", "headers": "Message-ID: <wh-1@example.com>\n"}
	for _, tt := range []struct {
		name, query, user, pass string
		want                    int
	}{
		{"no token", "", "", "", http.StatusUnauthorized},
		{"wrong token", "?token=nope", "", "", http.StatusUnauthorized},
		{"wrong password", "", "sendgrid", "nope", http.StatusUnauthorized},
		{"url token", "?token=" + inboundSecret, "", "", http.StatusOK},
		{"basic auth, a retry", "", "sendgrid", inboundSecret, http.StatusOK},
	} {
		if resp := inboundPost(t, b.srv.URL+"/email/inbound"+tt.query, fields, tt.user, tt.pass); resp.StatusCode != tt.want {
			t.Errorf("%s: %s, want %d", tt.name, resp.Status, tt.want)
		}
	}
	var body string
	var n int
	if err := b.db.QueryRow(b.ctx, `SELECT max(body), count(*) FROM messages WHERE channel = 'email'`).Scan(&body, &n); err != nil {
		t.Fatal(err)
	}
	if n != 1 || body != "Is Saturday possible?" {
		t.Errorf("%d email messages, body %q; want 1, the new text", n, body)
	}
	delete(fields, "from")
	if resp := inboundPost(t, b.srv.URL+"/email/inbound?token="+inboundSecret, fields, "", ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("without from: %s, want 400", resp.Status)
	}
}

func TestInboundEmailWebhookOffWithoutSecret(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if resp := inboundPost(t, b.srv.URL+"/email/inbound?token=", map[string]string{"from": "a@b.example"}, "", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("%s, want 404", resp.Status)
	}
}

// TestEmailConversationShows: an email from an unknown address, through
// the webhook, is a conversation the API and the console show, its
// contact without a phone number.
func TestEmailConversationShows(t *testing.T) {
	t.Parallel()
	b := setupEmail(t)
	fields := map[string]string{"from": "Dana <dana@example.com>", "to": "leads@summit.example", "subject": "Heat pump",
		"text": "Do you install heat pumps?", "headers": "Message-ID: <show-1@example.com>\n"}
	if resp := inboundPost(t, b.srv.URL+"/email/inbound?token="+inboundSecret, fields, "", ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("inbound: %s", resp.Status)
	}
	var id string
	if err := b.db.QueryRow(b.ctx, `SELECT id::text FROM conversations WHERE channel = 'email'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	status, conv := b.api(t, http.MethodGet, "/api/v1/conversations/"+id, "")
	if status != http.StatusOK || conv["channel"] != "email" {
		t.Fatalf("API: %d %v", status, conv)
	}
	if contact := conv["contact"].(map[string]any); contact["email"] != "dana@example.com" || contact["phone"] != "" {
		t.Errorf("contact %v", contact)
	}
	br := b.login(t, "admin@summit.example", auth.RoleAdmin, "")
	if p := br.get(t, "/console/c/"+id); p.status != http.StatusOK || !strings.Contains(p.body, "Do you install heat pumps?") ||
		!strings.Contains(p.body, "Email: &#34;Heat pump&#34;") {
		t.Errorf("console: %d\n%s", p.status, p.body)
	}
	if p := br.get(t, "/?channel=email"); p.status != http.StatusOK || !strings.Contains(p.body, "Email") {
		t.Errorf("inbox filtered by email: %d", p.status)
	}
}
