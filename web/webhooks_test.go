package web_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/web"
	"github.com/leadagent/leadagent/webhooks"
)

// hookReceiver is a business's CRM: it verifies every delivery with the
// Standard Webhooks library and keeps what verified.
type hookReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	secret string
	got    []map[string]any
	ids    []string
}

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		wh, err := standardwebhooks.NewWebhook(r.secret)
		if err == nil {
			err = wh.Verify(body, req.Header)
		}
		if err != nil {
			t.Errorf("receiver: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var p map[string]any
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("receiver: %v", err)
		}
		r.got = append(r.got, p)
		r.ids = append(r.ids, req.Header.Get("webhook-id"))
		_, _ = io.WriteString(w, "thanks")
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// setupHooks is setup with webhooks out: deliver posts what is queued.
func setupHooks(t *testing.T) (*testBundle, func()) {
	t.Helper()
	var hooks *webhooks.Webhooks
	b := setupWith(t, func(cfg *web.Config) {
		jobs, err := river.NewClient(riverpgxv5.New(cfg.DB), &river.Config{})
		if err != nil {
			t.Fatal(err)
		}
		if hooks, err = webhooks.New(webhooks.Config{DB: cfg.DB, Jobs: jobs, Logger: quiet()}); err != nil {
			t.Fatal(err)
		}
		cfg.WebhookSender = hooks
	})
	deliver := func() {
		t.Helper()
		if _, err := hooks.Dispatch(b.ctx); err != nil {
			t.Fatal(err)
		}
		rows, _ := b.db.Query(b.ctx, `SELECT id::text FROM webhook_deliveries WHERE status = 'pending' ORDER BY seq`)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if err := hooks.Deliver(b.ctx, id, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	return b, deliver
}

func field(t *testing.T, v any, path ...string) any {
	t.Helper()
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("no %s in %v", k, v)
		}
		v = m[k]
	}
	return v
}

// TestWebhooksOut: an endpoint added through the API hears of a lead
// posted to the API, the lead's text and their STOP, each signed so the
// spec's library verifies it; its delivery log lists them newest first.
func TestWebhooksOut(t *testing.T) {
	t.Parallel()
	b, deliver := setupHooks(t)
	r := newHookReceiver(t)
	status, created := b.api(t, http.MethodPost, "/api/v1/webhook-endpoints",
		`{"url": "`+r.srv.URL+`/leadagent", "events": ["lead.created", "message.received", "contact.opted_out"]}`)
	if status != http.StatusCreated || !strings.HasPrefix(created["secret"].(string), "whsec_") || created["id"] == "" {
		t.Fatalf("create endpoint: %d %v", status, created)
	}
	r.secret = created["secret"].(string)
	id := created["id"].(string)

	if status, body := b.api(t, http.MethodPost, "/api/v1/leads", `{"phone": "(970) 555-3101", "name": "Dana Reyes",
		"email": "dana@example.com", "source": "facebook_ad", "message": "furnace quote please"}`); status != http.StatusCreated {
		t.Fatalf("lead: %d %v", status, body)
	}
	b.text(t, "+19705553101", "Is Tuesday ok?")
	b.text(t, "+19705553101", "STOP")
	deliver()

	types := map[string]map[string]any{}
	for _, p := range r.got {
		if field(t, p, "version") != float64(1) {
			t.Errorf("version: %v", p)
		}
		if types[p["type"].(string)] == nil {
			types[p["type"].(string)] = p // the first of its type
		}
	}
	lead := types["lead.created"]
	if lead == nil || field(t, lead, "data", "contact", "name") != "Dana Reyes" || field(t, lead, "data", "contact", "email") != "dana@example.com" ||
		field(t, lead, "data", "lead", "source") != "facebook_ad" || field(t, lead, "data", "lead", "sms_consent") != false {
		t.Errorf("lead.created: %v", lead)
	}
	msg := types["message.received"]
	if msg == nil || field(t, msg, "data", "message", "body") != "Is Tuesday ok?" || field(t, msg, "data", "contact", "phone") != "+19705553101" {
		t.Errorf("message.received: %v (got %v)", msg, r.got)
	}
	stop := types["contact.opted_out"]
	if stop == nil || field(t, stop, "data", "keyword") != "STOP" {
		t.Errorf("contact.opted_out: %v", stop)
	}
	if len(r.got) != 4 { // the lead, two texts, the opt-out
		t.Errorf("%d deliveries: %v", len(r.got), r.got)
	}

	resp := b.apiGet(t, "/api/v1/webhook-endpoints/"+id+"/deliveries")
	var log struct {
		Deliveries []webhooks.Delivery `json:"deliveries"`
	}
	if err := json.Unmarshal([]byte(resp), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Deliveries) != 4 || log.Deliveries[0].EventType != "contact.opted_out" ||
		log.Deliveries[3].EventType != "lead.created" || len(log.Deliveries[0].Attempts) != 1 ||
		log.Deliveries[0].Attempts[0].StatusCode != 200 || log.Deliveries[0].Attempts[0].ResponseBody != "thanks" {
		t.Errorf("delivery log: %s", resp)
	}
	if strings.Contains(b.apiGet(t, "/api/v1/webhook-endpoints"), "whsec_") {
		t.Error("the endpoint list shows a secret")
	}

	// Replay sends the same event again.
	if status, _ := b.api(t, http.MethodPost, "/api/v1/webhook-deliveries/"+log.Deliveries[3].ID+"/replay", ""); status != http.StatusAccepted {
		t.Fatalf("replay: %d", status)
	}
	deliver()
	if n := len(r.got); n != 5 || r.got[4]["type"] != "lead.created" || r.ids[4] != r.ids[0] {
		t.Errorf("after the replay: %d deliveries, last %v", n, r.got[n-1]["type"])
	}

	if status := b.apiStatus(t, http.MethodDelete, "/api/v1/webhook-endpoints/"+id); status != http.StatusNoContent {
		t.Fatalf("delete: %d", status)
	}
	if status := b.apiStatus(t, http.MethodDelete, "/api/v1/webhook-endpoints/"+id); status != http.StatusNotFound {
		t.Fatalf("delete again: %d", status)
	}
	if status := b.apiStatus(t, http.MethodGet, "/api/v1/webhook-endpoints/"+id+"/deliveries"); status != http.StatusNotFound {
		t.Fatalf("deliveries of a deleted endpoint: %d", status)
	}
}

func (b *testBundle) apiStatus(t *testing.T, method, path string) int {
	t.Helper()
	req, _ := http.NewRequest(method, b.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+apiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (b *testBundle) apiGet(t *testing.T, path string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+apiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return readAll(t, resp)
}

// TestWebhookEndpointsAPIValidation: what POST /api/v1/webhook-endpoints
// refuses, and why.
func TestWebhookEndpointsAPIValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name, body string
		status     int
		want       string
	}{
		{"good", `{"url": "https://crm.example.com/h", "events": ["lead.created", "conversation.closed"]}`, 201, `"secret":"whsec_`},
		{"no url", `{"events": ["lead.created"]}`, 422, `url is required`},
		{"relative url", `{"url": "/h", "events": ["lead.created"]}`, 422, `not an absolute http(s) URL`},
		{"mailto", `{"url": "mailto:a@example.com", "events": ["lead.created"]}`, 422, `not an absolute http(s) URL`},
		{"no events", `{"url": "https://crm.example.com/h", "events": []}`, 422, `events is required`},
		{"unknown event", `{"url": "https://crm.example.com/h", "events": ["lead.deleted"]}`, 422, `unknown event \"lead.deleted\"`},
		{"not JSON", `{"url": `, 422, `not a JSON endpoint`},
		{"an unknown field", `{"url": "https://crm.example.com/h", "events": ["lead.created"], "secret": "x"}`, 422, `unknown field`},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/api/v1/webhook-endpoints", strings.NewReader(tt.body))
		req.Header.Set("Authorization", "Bearer "+apiKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %s; want %d with %s", tt.name, resp.StatusCode, body, tt.status, tt.want)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, b.srv.URL+"/api/v1/webhook-endpoints", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without a key: %d", resp.StatusCode)
	}
}

var shownSecret = regexp.MustCompile(`value="(whsec_[^"]+)"`)

// TestWebhooksConsole: an admin adds an endpoint (its secret shown once),
// sends a test, sees it in the delivery log, and deletes it; a rep may
// not open the page.
func TestWebhooksConsole(t *testing.T) {
	t.Parallel()
	b, deliver := setupHooks(t)
	r := newHookReceiver(t)
	br := b.login(t, "admin@example.com", auth.RoleAdmin, "")
	p := br.get(t, "/console/webhooks")
	if p.status != http.StatusOK || !strings.Contains(p.body, "No endpoints yet") {
		t.Fatalf("page: %d\n%s", p.status, p.body)
	}
	p = br.post(t, "/console/webhooks", url.Values{"url": {r.srv.URL}, "events": {"lead.created", "handoff.opened"}})
	m := shownSecret.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil {
		t.Fatalf("add: %d\n%s", p.status, p.body)
	}
	r.secret = html.UnescapeString(m[1])
	if p = br.get(t, "/console/webhooks"); strings.Contains(p.body, m[1]) || !strings.Contains(p.body, "lead.created, handoff.opened") &&
		!strings.Contains(p.body, "handoff.opened, lead.created") {
		t.Fatalf("the page again shows the secret or not the events:\n%s", p.body)
	}
	list, err := webhooks.Endpoints(b.ctx, b.db)
	if err != nil || len(list) != 1 {
		t.Fatal(list, err)
	}
	if p = br.post(t, "/console/webhooks/"+list[0].ID+"/test", url.Values{}); p.status != http.StatusOK || !strings.Contains(p.body, "test event") {
		t.Fatalf("test: %d\n%s", p.status, p.body)
	}
	deliver()
	if len(r.got) != 1 || r.got[0]["type"] != webhooks.EventTest {
		t.Fatalf("received %v", r.got)
	}
	if p = br.get(t, "/console/webhooks"); !strings.Contains(p.body, "webhook.test") || !strings.Contains(p.body, "HTTP 200") ||
		!strings.Contains(p.body, "Replay") {
		t.Fatalf("delivery log:\n%s", p.body)
	}
	if p = br.post(t, "/console/webhooks", url.Values{"url": {"nope"}, "events": {"lead.created"}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "not an absolute http(s) URL") {
		t.Fatalf("bad url: %d\n%s", p.status, p.body)
	}
	if p = br.post(t, "/console/webhooks/"+list[0].ID+"/delete", url.Values{}); p.status != http.StatusOK || !strings.Contains(p.body, "No endpoints yet") {
		t.Fatalf("delete: %d\n%s", p.status, p.body)
	}

	// An endpoint disabled for failing is told to the admins here and on
	// the reports page.
	e, err := webhooks.CreateEndpoint(b.ctx, b.db, webhooks.NewEndpoint{URL: "https://crm.example.com/down", Events: []string{"lead.created"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Exec(b.ctx, `UPDATE webhook_endpoints SET disabled_at = now(), disabled_reason = 'every delivery failed: HTTP 502.' WHERE id = $1`, e.ID); err != nil {
		t.Fatal(err)
	}
	if p = br.get(t, "/console/webhooks"); !strings.Contains(p.body, "was disabled") || !strings.Contains(p.body, "HTTP 502") {
		t.Fatalf("no banner:\n%s", p.body)
	}
	if p = br.get(t, "/console/reports"); !strings.Contains(p.body, "1 webhook endpoint is disabled") {
		t.Fatalf("no notice on the reports page:\n%s", p.body)
	}
	if p = br.post(t, "/console/webhooks/"+e.ID+"/enable", url.Values{}); strings.Contains(p.body, "was disabled") {
		t.Fatalf("enable: %d\n%s", p.status, p.body)
	}

	rep := b.rep(t, "Alex Rivera", "+19705550181")
	repBr := b.login(t, "alex@example.com", auth.RoleRep, rep.ID)
	if p = repBr.get(t, "/console/webhooks"); p.status == http.StatusOK && strings.Contains(p.body, "Add an endpoint") {
		t.Fatal("a rep sees the webhooks page")
	}
}
