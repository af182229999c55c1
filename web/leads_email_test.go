package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/channels/email"
	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/channels/twilio"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/internal/maildevtest"
	"github.com/leadagent/leadagent/knowledge"
	"github.com/leadagent/leadagent/store/storetest"
	"github.com/leadagent/leadagent/web"
)

const postalAddress = "100 Main St, Fort Collins, CO 80521"

type emptyKnowledge struct{ kb *knowledge.Base }

func (r emptyKnowledge) Search(ctx context.Context, q string, k int) ([]knowledge.Result, error) {
	return r.kb.Search(ctx, q, knowledge.SearchOptions{K: k})
}

// leadsBundle is POST /api/v1/leads on real parts: the router, the inbox
// working its jobs with the offline agent, the Twilio sandbox as the
// REST API, and MailDev as the SMTP server, with the router as PUBLIC_URL.
type leadsBundle struct {
	*testBundle
	sandbox *sandbox.Server
	md      *maildevtest.Server
}

func setupLeadsAPI(t *testing.T) *leadsBundle {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	b := &leadsBundle{testBundle: &testBundle{ctx: ctx, db: storetest.NewDB(t)}, md: maildevtest.Start(t)}
	var router http.Handler
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { router.ServeHTTP(w, r) }))
	t.Cleanup(b.srv.Close)

	const sid, token = "AC0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"
	b.sandbox = sandbox.New(sandbox.Config{AccountSID: sid, AuthToken: token})
	t.Cleanup(b.sandbox.Close)
	api := httptest.NewServer(b.sandbox)
	t.Cleanup(api.Close)
	texts, err := twilio.NewSender(twilio.SenderConfig{AccountSID: sid, AuthToken: token, FromNumber: "+19705550100", APIBase: api.URL})
	if err != nil {
		t.Fatal(err)
	}
	mail, err := email.NewSender(email.SenderConfig{SMTPURL: b.md.SMTPURL(), From: "Summit Home Services <leads@summit.example>",
		PostalAddress: postalAddress, PublicURL: b.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	business := agent.Business{Name: "Summit Home Services", Phone: "(970) 555-0100"}
	b.inbox, err = inbox.New(inbox.Config{DB: b.db, Workers: true, Logger: quiet(), Sender: texts, Email: mail,
		Agent:    agent.NewOffline(emptyKnowledge{knowledge.New(b.db, knowledge.NewLocalEmbedder())}, business),
		Business: inbox.Business{Name: business.Name, Phone: business.Phone},
		Desk:     handoff.NewDesk(handoff.DeskConfig{Hours: hours.MustParse("24/7", "America/Denver"), BusinessName: business.Name}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.inbox.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = b.inbox.Stop(stop)
	})
	h, err := web.New(web.Config{DB: b.db, Webhooks: &twilio.Webhooks{Receiver: nopReceiver{}, Validator: twilio.NewValidator("token", "")},
		APIKeys: []string{apiKey}, Reps: b.inbox, Leads: b.inbox, BusinessName: business.Name, Logger: quiet(),
		Email: web.EmailConfig{Unsubscribe: b.inbox.UnsubscribeEmail}})
	if err != nil {
		t.Fatal(err)
	}
	router = h
	return b
}

// settle waits until no job is left to run now (the follow-ups hours
// ahead do not count) and every text has its delivery reports.
func (b *leadsBundle) settle(t *testing.T) {
	t.Helper()
	storetest.WaitJobs(t, b.db, 30*time.Second)
	if err := b.sandbox.Wait(b.ctx); err != nil {
		t.Fatal(err)
	}
}

func (b *leadsBundle) mailTo(t *testing.T, addr string) []maildevtest.Email {
	t.Helper()
	return b.md.EmailsTo(t, addr)
}

// TestLeadsAPIByEmail: a form lead with consent.email and no SMS consent
// is emailed at once, as marketing email, and the email is on the
// conversation the API returns; a lead with both consents is texted as
// before, once, and not emailed.
func TestLeadsAPIByEmail(t *testing.T) {
	t.Parallel()
	b := setupLeadsAPI(t)
	const consent = `"text": "I agree to hear from Summit by email.", "captured_at": "2026-11-30T22:04:05Z", "ip": "203.0.113.7"`

	status, got := b.api(t, http.MethodPost, "/api/v1/leads", `{"name": "Dana Reyes", "email": "dana@example.com", "source": "website",
		"message": "do you service boilers?", "consent": {"email": true, `+consent+`}}`)
	if status != http.StatusCreated || got["first_touch"] != "queued" || got["first_touch_channel"] != "email" {
		t.Fatalf("email lead: %d %v", status, got)
	}
	danaLead := str(got["lead_id"])
	b.settle(t)
	mails := b.mailTo(t, "dana@example.com")
	if len(mails) != 1 {
		t.Fatalf("%d emails to the lead, want the first touch", len(mails))
	}
	e := mails[0]
	if lu := e.Header("List-Unsubscribe"); !strings.Contains(lu, "<"+b.srv.URL+"/email/unsubscribe?t=") || !strings.Contains(lu, "mailto:leads+u.") ||
		e.Header("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("unsubscribe headers %q, %q", lu, e.Header("List-Unsubscribe-Post"))
	}
	for _, want := range []string{"Hi Dana,", "AI assistant for Summit Home Services", postalAddress, "Unsubscribe: " + b.srv.URL} {
		if !strings.Contains(e.Text, want) {
			t.Errorf("the email lacks %q:\n%s", want, e.Text)
		}
	}
	if n := len(b.sandbox.Messages()); n != 0 {
		t.Fatalf("%d texts for a lead without SMS consent", n)
	}
	status, conv := b.api(t, http.MethodGet, "/api/v1/conversations/"+str(got["conversation_id"]), "")
	if status != http.StatusOK || conv["channel"] != "email" {
		t.Fatalf("conversation: %d %v", status, conv)
	}
	msgs, _ := conv["messages"].([]any)
	if len(msgs) != 1 {
		t.Fatalf("messages %v, want the first email", conv["messages"])
	}
	m, _ := msgs[0].(map[string]any)
	if m["direction"] != "outbound" || m["status"] != "sent" || strings.HasPrefix(str(m["body"]), "Hi ") {
		t.Fatalf("first email recorded as %v", m)
	}
	timeline, _ := json.Marshal(conv["timeline"])
	for _, kind := range []string{`"first_touch"`, `"message_sent"`, `"cadence_started"`} {
		if !strings.Contains(string(timeline), kind) {
			t.Errorf("the timeline lacks %s: %s", kind, timeline)
		}
	}

	{
		// Dana's mail app's one-click unsubscribe: out of email, and the
		// follow-ups only email could carry stop at once.
		lu := e.Header("List-Unsubscribe")
		link := lu[strings.Index(lu, "<")+1 : strings.Index(lu, ">")]
		resp, err := http.Post(link, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var state, reason string
		if err := b.db.QueryRow(b.ctx, `SELECT state, stop_reason FROM cadence_runs WHERE lead_id = $1`, danaLead).Scan(&state, &reason); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || state != "stopped" || reason != "opted_out" {
			t.Errorf("one-click unsubscribe: %d, run %s %q; want 200, stopped: opted_out", resp.StatusCode, state, reason)
		}
	}

	// Both consents: a text, as before, once; no email.
	status, got = b.api(t, http.MethodPost, "/api/v1/leads", `{"phone": "(970) 555-3201", "name": "Sam Lee", "email": "sam@example.com",
		"external_id": "form-7", "consent": {"sms": true, "email": true, `+consent+`}}`)
	if status != http.StatusCreated || got["first_touch"] != "queued" || got["first_touch_channel"] != "sms" {
		t.Fatalf("lead with both consents: %d %v", status, got)
	}
	status, again := b.api(t, http.MethodPost, "/api/v1/leads", `{"phone": "(970) 555-3201", "email": "sam@example.com",
		"external_id": "form-7", "consent": {"sms": true, "email": true, `+consent+`}}`)
	if status != http.StatusOK || again["repeat"] != true {
		t.Fatalf("the form again: %d %v", status, again)
	}
	b.settle(t)
	if n := len(b.sandbox.MessagesTo("+19705553201")); n != 1 {
		t.Fatalf("%d texts to a lead with both consents, want 1", n)
	}
	if n := len(b.mailTo(t, "sam@example.com")); n != 0 {
		t.Fatalf("%d emails to a lead who was texted, want none", n)
	}
	var runs, emailRows int
	if err := b.db.QueryRow(b.ctx, `SELECT (SELECT count(*) FROM cadence_runs),
		(SELECT count(*) FROM consents WHERE channel = 'email' AND granted)`).Scan(&runs, &emailRows); err != nil {
		t.Fatal(err)
	}
	if runs != 2 || emailRows != 2 {
		t.Fatalf("%d cadences, %d email consents; want 2 and 2", runs, emailRows)
	}
	c, err := crm.ContactByEmail(b.ctx, b.db, "sam@example.com")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := crm.ContactEvidence(b.ctx, b.db, c.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	channels := map[string]bool{}
	for _, r := range ev.Consents {
		channels[r.Channel] = r.Granted
	}
	if !channels["sms"] || !channels["email"] {
		t.Fatalf("evidence consents %+v, want sms and email granted", ev.Consents)
	}
}
