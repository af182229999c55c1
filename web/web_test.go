package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/twilio"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/store/storetest"
	"github.com/leadagent/leadagent/web"
)

const (
	apiKey   = "k_test_0123456789"
	password = "correct horse battery"
)

// testBundle is the router on a fresh database, with the real inbox (its
// River client insert-only: no jobs run) behind the reps' actions.
type testBundle struct {
	ctx       context.Context
	db        *pgxpool.Pool
	srv       *httptest.Server
	inbox     *inbox.Inbox
	live      *web.Live
	simulated []string
}

// nopReceiver stands in for the webhooks' receiver: these tests are about
// the router, the API and the console.
type nopReceiver struct{}

func (nopReceiver) Receive(context.Context, channels.Inbound) error               { return nil }
func (nopReceiver) DeliveryStatus(context.Context, channels.DeliveryReport) error { return nil }

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func setup(t testing.TB) *testBundle {
	t.Helper()
	return setupWith(t, func(*web.Config) {})
}

// setupWith is setup with the router's configuration changed by edit.
func setupWith(t testing.TB, edit func(*web.Config)) *testBundle {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	b := &testBundle{ctx: ctx, db: storetest.NewDB(t)}
	var err error
	b.inbox, err = inbox.New(inbox.Config{DB: b.db, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	b.live = web.NewLive(b.db, quiet())
	go b.live.Run(ctx)
	cfg := web.Config{
		DB:           b.db,
		Webhooks:     &twilio.Webhooks{Receiver: nopReceiver{}, Validator: twilio.NewValidator("token", "")},
		APIKeys:      []string{apiKey},
		Reps:         b.inbox,
		Leads:        b.inbox,
		Live:         b.live,
		Hours:        hours.MustParse("Mon-Fri 09:00-17:00", "America/Denver"),
		BusinessName: "Summit Home Services",
		Logger:       quiet(),
		Simulate: func(_ context.Context, _, from, body string) error {
			b.simulated = append(b.simulated, from+": "+body)
			return nil
		},
	}
	edit(&cfg)
	h, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.srv = httptest.NewServer(h)
	t.Cleanup(b.srv.Close)
	return b
}

// conversation makes a contact with one inbound message.
func (b *testBundle) conversation(t testing.TB, phone, body string) crm.Conversation {
	t.Helper()
	c, err := crm.ContactByPhone(b.ctx, b.db, phone, "US")
	if err != nil {
		t.Fatal(err)
	}
	v, err := crm.OpenConversation(b.ctx, b.db, c.ID, "sms")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := crm.RecordInbound(b.ctx, b.db, crm.NewInbound{ConversationID: v.ID, Body: body, ProviderSID: "SM" + phone,
		ReceivedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	v.Contact = c
	return v
}

// flag hands a conversation off as the agent would.
func (b *testBundle) flag(t testing.TB, v crm.Conversation, reason string) {
	t.Helper()
	tx, err := b.db.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(b.ctx)
	locked, err := crm.LockConversation(b.ctx, tx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	desk := handoff.NewDesk(handoff.DeskConfig{Hours: hours.MustParse("24/7", "UTC")})
	if _, err := desk.Open(b.ctx, tx, handoff.OpenRequest{Conversation: locked, Decision: handoff.Decision{Handoff: true, Reason: reason},
		Summary: handoff.Summary{Wants: "a quote", Next: "call"}, SLAMinutes: 10}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(b.ctx); err != nil {
		t.Fatal(err)
	}
}

func (b *testBundle) rep(t testing.TB, name, phone string) crm.Rep {
	t.Helper()
	r, err := crm.AddRep(b.ctx, b.db, crm.NewRep{Name: name, Phone: phone}, "US")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (b *testBundle) login(t testing.TB, email string, role auth.Role, repID string) *browser {
	t.Helper()
	if _, err := auth.AddUser(b.ctx, b.db, auth.NewUser{Email: email, Password: password, Role: role, RepID: repID}); err != nil {
		t.Fatal(err)
	}
	br := b.browser(t)
	page := br.get(t, "/login")
	resp := br.post(t, "/login", url.Values{"email": {email}, "password": {password}, "csrf": {hidden(t, page.body, "csrf")}, "next": {"/"}})
	if resp.status != http.StatusOK || resp.url.Path != "/" {
		t.Fatalf("login as %s: %d at %s\n%s", email, resp.status, resp.url, resp.body)
	}
	br.csrf = hidden(t, resp.body, "csrf")
	return br
}

// browser is a console user: cookies, and the session's CSRF token.
type browser struct {
	b      *testBundle
	client *http.Client
	csrf   string
}

func (b *testBundle) browser(t testing.TB) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{b: b, client: &http.Client{Jar: jar}}
}

type page struct {
	status int
	url    *url.URL
	body   string
}

func (br *browser) do(t testing.TB, req *http.Request) page {
	t.Helper()
	resp, err := br.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, url: resp.Request.URL, body: string(body)}
}

func (br *browser) get(t testing.TB, path string) page {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, br.b.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return br.do(t, req)
}

// post sends a form as the console's pages do: same origin, with the
// session's CSRF token unless the form has one.
func (br *browser) post(t testing.TB, path string, form url.Values) page {
	t.Helper()
	if form.Get("csrf") == "" && br.csrf != "" {
		form.Set("csrf", br.csrf)
	}
	req, err := http.NewRequest(http.MethodPost, br.b.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", br.b.srv.URL)
	return br.do(t, req)
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

func hidden(t testing.TB, body, name string) string {
	t.Helper()
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		if m[1] == name {
			return m[2]
		}
	}
	t.Fatalf("no hidden %s field in:\n%s", name, body)
	return ""
}

// api calls /api/v1 with the test key.
func (b *testBundle) api(t testing.TB, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

func (b *testBundle) get(t *testing.T, path, key string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func TestConversationsAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := b.conversation(t, "+19705552001", "how much is a tune-up?")
	flagged := b.conversation(t, "+19705552002", "I want a quote for a new furnace")
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	b.flag(t, flagged, handoff.ReasonBuyingIntent)

	tests := []struct {
		name, path, key string
		status          int
		want            string
	}{
		{"no key", "/api/v1/conversations", "", 401, `"error"`},
		{"wrong key", "/api/v1/conversations", "nope", 401, `"error"`},
		{"list", "/api/v1/conversations", apiKey, 200, `"conversations"`},
		{"by phone", "/api/v1/conversations?phone=(970)%20555-2001", apiKey, 200, "+19705552001"},
		{"by state", "/api/v1/conversations?state=handoff_pending", apiKey, 200, `"reason":"buying_intent"`},
		{"bad state", "/api/v1/conversations?state=sleeping", apiKey, 400, "state must be"},
		{"bad phone", "/api/v1/conversations?phone=abc", apiKey, 400, "not a phone number"},
		{"bad limit", "/api/v1/conversations?limit=0", apiKey, 400, "limit"},
		{"one", "/api/v1/conversations/" + v.ID, apiKey, 200, "how much is a tune-up?"},
		{"unknown id", "/api/v1/conversations/00000000-0000-0000-0000-000000000000", apiKey, 404, "not found"},
		{"malformed id", "/api/v1/conversations/x';drop", apiKey, 404, "not found"},
	}
	for _, tt := range tests {
		status, body := b.get(t, tt.path, tt.key)
		if status != tt.status || !strings.Contains(string(body), tt.want) {
			t.Errorf("%s: %d %s; want %d containing %q", tt.name, status, body, tt.status, tt.want)
		}
	}

	_, body := b.get(t, "/api/v1/conversations", apiKey)
	var list struct {
		Conversations []map[string]any `json:"conversations"`
	}
	if err := json.Unmarshal(body, &list); err != nil || len(list.Conversations) != 2 {
		t.Fatalf("list = %s (%v)", body, err)
	}
	if _, ok := list.Conversations[0]["messages"]; ok {
		t.Fatal("the list must not carry messages")
	}
	_, body = b.get(t, "/api/v1/conversations/"+v.ID, apiKey)
	var one struct {
		ID      string `json:"id"`
		Channel string `json:"channel"`
		Mode    string `json:"mode"`
		Contact struct {
			Phone    string `json:"phone"`
			OptedOut *bool  `json:"opted_out"`
		} `json:"contact"`
		AssignedRep *struct{} `json:"assigned_rep"`
		Handoff     *struct{} `json:"handoff"`
		Messages    []struct {
			Direction, Author, Body, Status string
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &one); err != nil {
		t.Fatal(err)
	}
	if one.ID != v.ID || one.Channel != "sms" || one.Mode != "ai" || one.Contact.Phone != "+19705552001" || one.Contact.OptedOut == nil ||
		len(one.Messages) != 1 || one.Messages[0].Direction != "inbound" || one.Messages[0].Author != "lead" ||
		one.AssignedRep != nil || one.Handoff != nil {
		t.Fatalf("conversation = %s", body)
	}

	// A flagged conversation names its rep and its handoff as DESIGN.md shows.
	_, got := b.api(t, http.MethodGet, "/api/v1/conversations/"+flagged.ID, "")
	rep, _ := got["assigned_rep"].(map[string]any)
	h, _ := got["handoff"].(map[string]any)
	if got["mode"] != "handoff_pending" || rep["id"] != alex.ID || rep["name"] != "Alex Rivera" || rep["phone"] != "+19705550181" ||
		h["reason"] != "buying_intent" || !strings.Contains(str(h["summary"]), "Wants: a quote") || h["created_at"] == nil ||
		h["claimed_at"] != nil {
		t.Fatalf("flagged conversation = %v", got)
	}
}

func str(v any) string { s, _ := v.(string); return s }

// TestRepActionsAPI walks a flagged conversation through takeover, reply,
// note, hand-back and close over /api/v1, with every refusal the issue
// names: 401, 403, 404, 409, and 4xx for bad input.
func TestRepActionsAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	sam := b.rep(t, "Sam Ortiz", "+19705550182")
	v := b.conversation(t, "+19705552011", "can someone call me about a quote?")
	b.flag(t, v, handoff.ReasonHumanRequest)
	path := "/api/v1/conversations/" + v.ID

	steps := []struct {
		name, action, body string
		status             int
		mode               string // the mode afterwards, "" to skip
		want               string // in the error, when status is not 200
	}{
		{"unknown conversation", "/takeover", `{"rep_id":"` + alex.ID + `"}`, 404, "", "not found"},
		{"malformed json", "/takeover", `{"rep_id":`, 400, "handoff_pending", "JSON"},
		{"unknown field", "/takeover", `{"rep":"x"}`, 400, "handoff_pending", "unknown field"},
		{"takeover without a rep", "/takeover", `{}`, 422, "handoff_pending", "rep_id"},
		{"takeover by an unknown rep", "/takeover", `{"rep_id":"00000000-0000-0000-0000-000000000000"}`, 422, "handoff_pending", "no rep"},
		{"reply before takeover", "/reply", `{"text":"hi"}`, 409, "handoff_pending", "take the conversation over first"},
		{"takeover by alex", "/takeover", `{"rep_id":"` + alex.ID + `"}`, 200, "human", ""},
		{"takeover again by alex", "/takeover", `{"rep_id":"` + alex.ID + `"}`, 200, "human", ""},
		{"takeover by sam", "/takeover", `{"rep_id":"` + sam.ID + `"}`, 409, "human", "another rep"},
		{"reply as sam", "/reply", `{"rep_id":"` + sam.ID + `","text":"hi"}`, 403, "human", "another rep"},
		{"empty reply", "/reply", `{"rep_id":"` + alex.ID + `","text":"  "}`, 422, "human", "text: is empty"},
		{"reply as alex", "/reply", `{"rep_id":"` + alex.ID + `","text":"Hi, this is Alex. When suits you?"}`, 200, "human", ""},
		{"reply for the business", "/reply", `{"text":"Following up from Summit."}`, 200, "human", ""},
		{"note by sam", "/note", `{"rep_id":"` + sam.ID + `","text":"knows the family"}`, 200, "human", ""},
		{"handback by sam", "/handback", `{"rep_id":"` + sam.ID + `"}`, 403, "human", "another rep"},
		{"handback by alex", "/handback", `{"rep_id":"` + alex.ID + `"}`, 200, "ai", ""},
		{"handback again", "/handback", `{}`, 200, "ai", ""},
		{"reply after handback", "/reply", `{"rep_id":"` + alex.ID + `","text":"one more"}`, 409, "ai", "take the conversation over first"},
		{"close with a made-up outcome", "/close", `{"outcome":"won"}`, 422, "ai", "outcome"},
		{"close as booked", "/close", `{"outcome":"booked"}`, 200, "closed", ""},
		{"close again, same outcome", "/close", `{"outcome":"booked"}`, 200, "closed", ""},
		{"close again, other outcome", "/close", `{"outcome":"spam"}`, 409, "closed", "closed"},
		{"takeover when closed", "/takeover", `{"rep_id":"` + alex.ID + `"}`, 409, "closed", "closed"},
	}
	for _, s := range steps {
		p := path
		if s.name == "unknown conversation" {
			p = "/api/v1/conversations/00000000-0000-0000-0000-000000000000"
		}
		status, got := b.api(t, http.MethodPost, p+s.action, s.body)
		if status != s.status {
			t.Fatalf("%s: %d %v, want %d", s.name, status, got, s.status)
		}
		if s.status != 200 && !strings.Contains(str(got["error"]), s.want) {
			t.Fatalf("%s: error %q, want it to say %q", s.name, got["error"], s.want)
		}
		if s.mode != "" {
			if _, now := b.api(t, http.MethodGet, path, ""); now["mode"] != s.mode {
				t.Fatalf("%s: mode %v, want %s", s.name, now["mode"], s.mode)
			}
		}
	}

	// The replies are recorded as the rep's, each with its send job; the
	// note, takeover and hand-back are on the timeline.
	conv, err := crm.GetConversation(b.ctx, b.db, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	var replies []string
	for _, m := range conv.Messages {
		if m.Author == crm.AuthorRep {
			replies = append(replies, m.Body)
		}
	}
	if len(replies) != 2 || replies[0] != "Hi, this is Alex. When suits you?" {
		t.Fatalf("rep replies = %q", replies)
	}
	var sends int
	if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM river_job WHERE kind = 'send'`).Scan(&sends); err != nil || sends != 2 {
		t.Fatalf("send jobs = %d (%v), want 2", sends, err)
	}
	kinds := map[string]int{}
	for _, e := range conv.Timeline {
		kinds[e.Kind]++
	}
	for _, k := range []string{handoff.EventTakenOver, handoff.EventNote, handoff.EventHandedBack, handoff.EventClosed, handoff.EventRepReplied} {
		if kinds[k] == 0 {
			t.Errorf("no %s event on the timeline: %v", k, kinds)
		}
	}
	if kinds[handoff.EventTakenOver] != 1 || kinds[handoff.EventClosed] != 1 {
		t.Errorf("idempotent actions wrote twice: %v", kinds)
	}
	h, err := handoff.LatestHandoff(b.ctx, b.db, v.ID)
	if err != nil || h.ClaimedBy != alex.ID || h.ClaimedAt == nil || h.EndedHow != "handed_back" {
		t.Fatalf("handoff after the walk = %+v (%v)", h, err)
	}
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path+"/takeover", strings.NewReader(`{"rep_id":"`+alex.ID+`"}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("takeover without a key: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("takeover without a key: %d, want 401", resp.StatusCode)
	}
}

// TestReplyToAnOptedOutLead refuses to text a lead who opted out.
func TestReplyToAnOptedOutLead(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	v := b.conversation(t, "+19705552012", "talk to a person")
	b.flag(t, v, handoff.ReasonHumanRequest)
	if status, got := b.api(t, http.MethodPost, "/api/v1/conversations/"+v.ID+"/takeover", `{"rep_id":"`+alex.ID+`"}`); status != 200 {
		t.Fatalf("takeover: %d %v", status, got)
	}
	if err := crm.OptOut(b.ctx, b.db, v.Contact.ID, "STOP", time.Now()); err != nil {
		t.Fatal(err)
	}
	status, got := b.api(t, http.MethodPost, "/api/v1/conversations/"+v.ID+"/reply", `{"rep_id":"`+alex.ID+`","text":"hello?"}`)
	if status != http.StatusConflict || !strings.Contains(str(got["error"]), "opted out") {
		t.Fatalf("reply to an opted-out lead: %d %v", status, got)
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		if status, body := b.get(t, p, ""); status != 200 {
			t.Errorf("%s: %d %s", p, status, body)
		}
	}
	if status, _ := b.get(t, "/nowhere", ""); status != 404 {
		t.Errorf("unknown path: %d", status)
	}
}
