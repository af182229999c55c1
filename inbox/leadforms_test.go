package inbox_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/leadforms"
)

// fakeGraph is the Graph API's lead endpoint as Meta documents it: it
// checks each request's path, version and token, answers 500 to a lead's
// first fetch when down is set (an outage), and 404 for a lead it does
// not have.
type fakeGraph struct {
	t     *testing.T
	mu    sync.Mutex
	leads map[string]string
	down  map[string]bool
	calls map[string]int
}

func (g *fakeGraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	id, ok := strings.CutPrefix(r.URL.Path, "/v19.0/")
	if r.Method != http.MethodGet || !ok || r.URL.Query().Get("access_token") != "page-token" {
		g.t.Errorf("graph request %s %s", r.Method, r.URL.Path)
		http.Error(w, `{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190}}`, http.StatusBadRequest)
		return
	}
	g.calls[id]++
	if g.down[id] && g.calls[id] == 1 {
		http.Error(w, `{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","code":2}}`,
			http.StatusInternalServerError)
		return
	}
	body, ok := g.leads[id]
	if !ok {
		http.Error(w, `{"error":{"message":"Unsupported get request.","type":"GraphMethodException","code":100}}`, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(body))
}

func graphLead(id, name, phone string, checked string) string {
	return `{"created_time":"2024-01-01T00:00:00+0000","id":"` + id + `","field_data":[{"name":"full_name","values":["` + name + `"]},
		{"name":"phone_number","values":["` + phone + `"]},{"name":"email","values":["` + strings.ToLower(strings.Fields(name)[0]) + `@example.com"]},
		{"name":"what_do_you_need_help_with?","values":["My furnace makes a noise"]}],
		"custom_disclaimer_responses":[{"checkbox_key":"sms_ok","is_checked":"` + checked + `"}]}`
}

// TestFacebookLeadJob: a lead Facebook announced is fetched from the
// Graph API by a job, through an outage, and recorded as every lead is:
// with its consent checkbox checked it is texted; without, a rep is told;
// a lead that is gone is not retried; the same lead twice is one lead.
func TestFacebookLeadJob(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	graph := &fakeGraph{t: t, calls: map[string]int{}, down: map[string]bool{"1001": true}, leads: map[string]string{
		"1001": graphLead("1001", "Jane Doe", "+19705554001", "1"),
		"1002": graphLead("1002", "Sam Lee", "+19705554002", "0"),
	}}
	srv := httptest.NewServer(graph)
	t.Cleanup(srv.Close)
	ib := b.newInboxWith(t, func(c *inboxConfig) {
		c.Facebook = &leadforms.Graph{Base: srv.URL, Version: "v19.0", PageToken: "page-token", ConsentCheckbox: "sms_ok"}
	})
	queue := []inbox.FacebookLeadArgs{{LeadgenID: "1001", FormID: "F1"}, {LeadgenID: "1002", FormID: "F1"}, {LeadgenID: "1003", FormID: "F1"}}
	if err := ib.QueueFacebookLeads(b.ctx, queue); err != nil {
		t.Fatal(err)
	}
	if err := ib.QueueFacebookLeads(b.ctx, queue[:1]); err != nil { // announced twice
		t.Fatal(err)
	}
	b.settle(t)
	first := b.replies(t, "+19705554001", 1)[0]
	if !strings.Contains(first.Body, "Jane") {
		t.Errorf("first touch %q", first.Body)
	}

	// Announced again with another form id: another job, the same lead.
	if err := ib.QueueFacebookLeads(b.ctx, []inbox.FacebookLeadArgs{{LeadgenID: "1002", FormID: "F2"}}); err != nil {
		t.Fatal(err)
	}
	b.settle(t)

	rows, err := b.db.Query(b.ctx, `SELECT external_id, source, sms_consent FROM leads ORDER BY external_id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var ext, source string
		var consent bool
		if err := rows.Scan(&ext, &source, &consent); err != nil {
			t.Fatal(err)
		}
		got = append(got, ext+" "+source+" "+map[bool]string{true: "consent", false: "no consent"}[consent])
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := "facebook:1001 facebook_lead_ads consent|facebook:1002 facebook_lead_ads no consent"
	if strings.Join(got, "|") != want {
		t.Errorf("leads:\n %s\nwant\n %s", strings.Join(got, "|"), want)
	}
	var fetches1001, firstTouches, cancelled int
	graph.mu.Lock()
	fetches1001 = graph.calls["1001"]
	graph.mu.Unlock()
	if fetches1001 != 2 {
		t.Errorf("lead 1001 fetched %d times, want 2 (once down, once up)", fetches1001)
	}
	if err := b.db.QueryRow(b.ctx, `SELECT (SELECT count(*) FROM river_job WHERE kind = 'first_touch'),
		(SELECT count(*) FROM river_job WHERE kind = 'facebook_lead' AND state = 'cancelled' AND args->>'leadgen_id' = '1003')`).
		Scan(&firstTouches, &cancelled); err != nil {
		t.Fatal(err)
	}
	if firstTouches != 1 || cancelled != 1 {
		t.Errorf("first touches %d, gone lead's job cancelled %d; want 1, 1", firstTouches, cancelled)
	}
	if msgs := b.sandbox.MessagesTo("+19705554002"); len(msgs) != 0 {
		t.Errorf("a lead without consent was texted: %+v", msgs)
	}
	v := b.conversation(t, "+19705554002")
	if !hasEvent(v, "no_rep_on_duty") && !hasEvent(v, "rep_notified") {
		t.Errorf("no rep told of the lead without consent: %+v", v.Timeline)
	}
}
