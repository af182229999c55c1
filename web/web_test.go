package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/twilio"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/store/storetest"
	"github.com/leadagent/leadagent/web"
)

const apiKey = "k_test_0123456789"

type testBundle struct {
	ctx       context.Context
	db        *pgxpool.Pool
	srv       *httptest.Server
	simulated []string
}

// nopReceiver stands in for the inbox: these tests are about the router.
type nopReceiver struct{}

func (nopReceiver) Receive(context.Context, channels.Inbound) error               { return nil }
func (nopReceiver) DeliveryStatus(context.Context, channels.DeliveryReport) error { return nil }

func setup(t *testing.T, open bool) *testBundle {
	t.Helper()
	b := &testBundle{ctx: context.Background(), db: storetest.NewDB(t)}
	h, err := web.New(web.Config{
		DB:           b.db,
		Webhooks:     &twilio.Webhooks{Receiver: nopReceiver{}, Validator: twilio.NewValidator("token", "")},
		APIKeys:      []string{apiKey},
		OpenConsole:  open,
		BusinessName: "Summit Home Services",
		Simulate: func(_ context.Context, _, from, body string) error {
			b.simulated = append(b.simulated, from+": "+body)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	b.srv = httptest.NewServer(h)
	t.Cleanup(b.srv.Close)
	return b
}

// conversation makes a contact with one inbound message.
func (b *testBundle) conversation(t *testing.T, phone, body string) crm.Conversation {
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
	return v
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
	b := setup(t, true)
	v := b.conversation(t, "+19705552001", "how much is a tune-up?")
	b.conversation(t, "+19705552002", "are you open sunday?")

	tests := []struct {
		name, path, key string
		status          int
		want            string
	}{
		{"no key", "/api/v1/conversations", "", 401, `"error"`},
		{"wrong key", "/api/v1/conversations", "nope", 401, `"error"`},
		{"list", "/api/v1/conversations", apiKey, 200, `"conversations"`},
		{"by phone", "/api/v1/conversations?phone=(970)%20555-2001", apiKey, 200, "+19705552001"},
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
		Messages []struct {
			Direction, Author, Body, Status string
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &one); err != nil {
		t.Fatal(err)
	}
	if one.ID != v.ID || one.Channel != "sms" || one.Mode != "ai" || one.Contact.Phone != "+19705552001" || one.Contact.OptedOut == nil ||
		len(one.Messages) != 1 || one.Messages[0].Direction != "inbound" || one.Messages[0].Author != "lead" {
		t.Fatalf("conversation = %s", body)
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	for _, p := range []string{"/healthz", "/readyz"} {
		if status, body := b.get(t, p, ""); status != 200 {
			t.Errorf("%s: %d %s", p, status, body)
		}
	}
	if status, _ := b.get(t, "/nowhere", ""); status != 404 {
		t.Errorf("unknown path: %d", status)
	}
}

func TestConsole(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	conv := b.conversation(t, "+19705552003", "do you service furnaces?")
	status, body := b.get(t, "/", "")
	if status != 200 || !strings.Contains(string(body), "do you service furnaces?") || !strings.Contains(string(body), "Lead simulator") {
		t.Fatalf("console home: %d %s", status, body)
	}
	resp := b.postForm(t, "/console/simulate", url.Values{"from": {"(970) 555-2004"}, "body": {"hi there"}}, b.srv.URL)
	if resp.StatusCode != http.StatusNoContent || len(b.simulated) != 1 || b.simulated[0] != "+19705552004: hi there" {
		t.Fatalf("simulate: %d %v", resp.StatusCode, b.simulated)
	}
	if resp := b.postForm(t, "/console/simulate", url.Values{"from": {"nope"}, "body": {"hi"}}, b.srv.URL); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("simulate with a bad phone: %d", resp.StatusCode)
	}
	if _, _, err := crm.RecordOutbound(b.ctx, b.db, crm.NewOutbound{ConversationID: conv.ID, Author: crm.AuthorAI, Body: "Yes, we do.",
		Outcome: "answered", Turn: &crm.Turn{AnsweredBy: "fallback", Model: "offline"}}); err != nil {
		t.Fatal(err)
	}
	status, body = b.get(t, "/console/thread?phone=%2B19705552003", "")
	if status != 200 || !strings.Contains(string(body), "do you service furnaces?") || !strings.Contains(string(body), "answered · fallback") {
		t.Fatalf("thread: %d %s", status, body)
	}
}

func TestConsoleRefusesCrossSitePosts(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	form := url.Values{"from": {"+19705552005"}, "body": {"hi"}}
	for _, origin := range []string{"", "https://evil.example", "null"} {
		if resp := b.postForm(t, "/console/simulate", form, origin); resp.StatusCode != http.StatusForbidden {
			t.Errorf("origin %q: %d, want 403", origin, resp.StatusCode)
		}
	}
	if len(b.simulated) != 0 {
		t.Fatalf("a cross-site post went through: %v", b.simulated)
	}
}

func TestConsolePrompts(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	status, body := b.get(t, "/console/prompts?name=sms", "")
	if status != 200 || !strings.Contains(string(body), "sms@default") {
		t.Fatalf("prompts page: %d %s", status, body)
	}
	bad := b.postForm(t, "/console/prompts", url.Values{"name": {"sms"}, "body": {"Hello {{.Nope}}"}}, b.srv.URL)
	if bad.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid template: %d", bad.StatusCode)
	}
	ok := b.postForm(t, "/console/prompts", url.Values{"name": {"sms"}, "body": {"You answer for {{.BusinessName}}. Be brief."}, "note": {"shorter"}}, b.srv.URL)
	if ok.StatusCode != http.StatusOK || !strings.Contains(ok.Request.URL.RawQuery, "show=v1") {
		t.Fatalf("create: %d %s", ok.StatusCode, ok.Request.URL)
	}
	status, body = b.get(t, "/console/prompts?name=sms&show=v1", "")
	if status != 200 || !strings.Contains(string(body), `<span class="add">&#43;You answer for {{.BusinessName}}. Be brief.`) {
		t.Fatalf("diff of v1 against the default: %s", body)
	}
	act := b.postForm(t, "/console/prompts/activate", url.Values{"name": {"sms"}, "version": {"v1"}}, b.srv.URL)
	if act.StatusCode != http.StatusOK || !strings.Contains(act.Request.URL.RawQuery, "active") {
		t.Fatalf("activate: %d %s", act.StatusCode, act.Request.URL)
	}
	if resp := b.postForm(t, "/console/prompts/activate", url.Values{"name": {"sms"}, "version": {"v9"}}, b.srv.URL); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("activate unknown: %d", resp.StatusCode)
	}
}

// postForm posts a form as a browser would, with origin as its Origin
// header ("" sends none). Redirects are followed.
func (b *testBundle) postForm(t *testing.T, path string, form url.Values, origin string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestConsoleNeedsAKeyOutsideTheSandbox(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	if status, _ := b.get(t, "/", ""); status != http.StatusUnauthorized {
		t.Fatalf("closed console without credentials: %d", status)
	}
	req, _ := http.NewRequest(http.MethodGet, b.srv.URL+"/", nil)
	req.SetBasicAuth("admin", apiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("closed console with an API key: %d", resp.StatusCode)
	}
}
