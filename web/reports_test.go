package web_test

import (
	"encoding/csv"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/channels/twilio"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/reports"
	"github.com/leadagent/leadagent/web"
)

// seedReport records what a day of leads leaves behind, through the real
// flows where there is one: a facebook lead texted by the AI after 12 s,
// handed off, claimed by Alex and booked; a google lead after hours
// without consent; a third contact who texted in and opted out.
func (b *testBundle) seedReport(t *testing.T) crm.Rep {
	t.Helper()
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	booked := b.conversation(t, "+19705553001", "I want a quote for a new furnace")
	other := b.conversation(t, "+19705553002", "do you fix boilers?")
	gone := b.conversation(t, "+19705553003", "STOP")
	at := time.Now().Add(-time.Hour).Truncate(time.Microsecond)
	for _, l := range []struct {
		conv           crm.Conversation
		source         string
		consent, after bool
		touch          time.Duration
	}{
		{booked, "facebook_ad", true, false, 12 * time.Second},
		{other, "google", false, true, 0},
	} {
		if _, err := b.db.Exec(b.ctx, `UPDATE contacts SET source = $2 WHERE id = $1`, l.conv.Contact.ID, l.source); err != nil {
			t.Fatal(err)
		}
		// The first touch as the inbox records it: the agent's message,
		// sent_at when the provider accepted it.
		var first *string
		if l.touch > 0 {
			var id string
			if err := b.db.QueryRow(b.ctx, `INSERT INTO messages (conversation_id, direction, author, body, status, created_at, sent_at)
				VALUES ($1, 'outbound', 'ai', 'Hi! Thanks for reaching out.', 'sent', $2, $3) RETURNING id::text`,
				l.conv.ID, at, at.Add(l.touch)).Scan(&id); err != nil {
				t.Fatal(err)
			}
			first = &id
		}
		if _, err := b.db.Exec(b.ctx, `INSERT INTO leads (contact_id, conversation_id, source, sms_consent, after_hours, created_at,
				first_touch_message_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7::uuid)`,
			l.conv.Contact.ID, l.conv.ID, l.source, l.consent, l.after, at, first); err != nil {
			t.Fatal(err)
		}
	}
	// The opt-out as the inbox records it: the contact's flag and the event.
	if err := crm.OptOut(b.ctx, b.db, gone.Contact.ID, "STOP", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := crm.AddEvent(b.ctx, b.db, crm.NewEvent{ConversationID: gone.ID, ContactID: gone.Contact.ID,
		Detail: crm.OptedOut{Keyword: "STOP"}}); err != nil {
		t.Fatal(err)
	}
	b.flag(t, booked, handoff.ReasonBuyingIntent)
	for _, step := range []struct{ path, body string }{
		{"/takeover", `{"rep_id": "` + alex.ID + `"}`},
		{"/close", `{"outcome": "booked", "rep_id": "` + alex.ID + `"}`},
	} {
		if status, got := b.api(t, http.MethodPost, "/api/v1/conversations/"+booked.ID+step.path, step.body); status != 200 {
			t.Fatalf("%s: %d %v", step.path, status, got)
		}
	}
	return alex
}

func TestReportsSummaryAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.seedReport(t)

	status, got := b.api(t, http.MethodGet, "/api/v1/reports/summary", "")
	if status != http.StatusOK {
		t.Fatalf("summary: %d %v", status, got)
	}
	// The keys the issue names, with its shapes: numbers, and {p50, p90} objects.
	for _, k := range []string{"leads", "ai_first_response_rate", "after_hours_leads", "handoff_conversion_rate", "opt_outs",
		"cadence_completion_rate"} {
		if _, ok := got[k].(float64); !ok {
			t.Errorf("%s = %v, want a number", k, got[k])
		}
	}
	for _, k := range []string{"speed_to_lead_seconds", "handoff_claim_minutes"} {
		p, ok := got[k].(map[string]any)
		if _, has50 := p["p50"]; !ok || !has50 {
			t.Errorf("%s = %v, want {p50, p90}", k, got[k])
		}
		if _, has90 := p["p90"]; !has90 {
			t.Errorf("%s = %v, want {p50, p90}", k, got[k])
		}
	}
	speed := got["speed_to_lead_seconds"].(map[string]any)
	claim := got["handoff_claim_minutes"].(map[string]any)
	handoffs, _ := got["handoffs"].(map[string]any)
	// Three leads: two forms and the contact who texted STOP; the AI
	// answered one of them first.
	if got["leads"] != 3.0 || got["ai_first_response_rate"] != 1.0/3 || got["after_hours_leads"] != 1.0 ||
		speed["p50"] != 12.0 || speed["p90"] != 12.0 || handoffs["buying_intent"] != 1.0 || handoffs["complaint"] != 0.0 ||
		claim["of"] != 1.0 || got["handoff_conversion_rate"] != 1.0 || got["opt_outs"] != 1.0 || got["cadence_completion_rate"] != 0.0 {
		t.Errorf("summary = %v", got)
	}
	if p50, _ := claim["p50"].(float64); p50 < 0 || p50 > 1 {
		t.Errorf("claimed at once, but p50 = %v minutes", claim["p50"])
	}
	first, _ := got["ai_first_response"].(map[string]any)
	if first["count"] != 1.0 || first["of"] != 3.0 {
		t.Errorf("ai_first_response = %v, want 1 of 3", first)
	}
	if ch, _ := got["leads_by_channel"].(map[string]any); ch["form"] != 2.0 || ch["text"] != 1.0 || ch["call"] != 0.0 {
		t.Errorf("leads_by_channel = %v, want 2 forms, 1 text", got["leads_by_channel"])
	}

	bySource, _ := got["by_source"].([]any)
	if len(bySource) != 3 { // facebook_ad, google, and "" for the opted-out contact, who came from no source
		t.Fatalf("by_source = %v", got["by_source"])
	}
	// One lead each: by name, "" (the contact who texted STOP) first.
	if none := bySource[0].(map[string]any); none["source"] != "" || none["leads"] != 1.0 || none["opt_outs"] != 1.0 {
		t.Errorf("by_source[\"\"] = %v", none)
	}
	fb := bySource[1].(map[string]any)
	for _, k := range []string{"source", "leads", "ai_first_response_rate", "speed_to_lead_seconds", "after_hours_leads", "handoffs",
		"handoff_conversion_rate", "opt_outs"} {
		if _, ok := fb[k]; !ok {
			t.Errorf("by_source lacks %s: %v", k, fb)
		}
	}
	if fb["source"] != "facebook_ad" || fb["leads"] != 1.0 || fb["handoffs"] != 1.0 || fb["handoff_conversion_rate"] != 1.0 {
		t.Errorf("facebook_ad = %v", fb)
	}
	byRep, _ := got["by_rep"].([]any)
	if len(byRep) != 1 {
		t.Fatalf("by_rep = %v", got["by_rep"])
	}
	if r := byRep[0].(map[string]any); r["rep_id"] != alex.ID || r["name"] != "Alex Rivera" || r["handoffs_claimed"] != 1.0 ||
		r["booked"] != 1.0 || r["conversion_rate"] != 1.0 {
		t.Errorf("by_rep = %v", r)
	}

	tests := []struct {
		name, query, key string
		status           int
		want             string
	}{
		{"no key", "", "", 401, `"error"`},
		{"dates", "?from=2026-11-01&to=2026-12-01", apiKey, 200, `"from":"2026-11-01T00:00:00-06:00"`},
		{"RFC 3339", "?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00%2B01:00", apiKey, 200, `"to":"2026-11-02T00:00:00+01:00"`},
		{"a range with nothing in it", "?from=2020-01-01&to=2020-02-01", apiKey, 200, `"leads":0`},
		{"bad from", "?from=yesterday", apiKey, 400, `"error":"from: \"yesterday\" is not a date`},
		{"bad to", "?to=2026-13-01", apiKey, 400, `"error":"to: `},
		{"from after to", "?from=2026-12-01&to=2026-11-01", apiKey, 400, `"error":"from: `},
		{"from equal to to", "?from=2026-11-01&to=2026-11-01", apiKey, 400, `is not before to`},
	}
	for _, tt := range tests {
		status, body := b.get(t, "/api/v1/reports/summary"+tt.query, tt.key)
		if status != tt.status || !strings.Contains(string(body), tt.want) {
			t.Errorf("%s: %d %s; want %d containing %s", tt.name, status, body, tt.status, tt.want)
		}
	}
}

var reportData = regexp.MustCompile(`(?s)<script type="application/json" id="report-data">(.*?)</script>`)

func TestConsoleReports(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.seedReport(t)
	// A source from a web form is data, never markup or script.
	hostile := b.conversation(t, "+19705553009", "hi")
	if _, err := b.db.Exec(b.ctx, `INSERT INTO leads (contact_id, conversation_id, source, created_at) VALUES ($1, $2, $3, now() - interval '1 hour')`,
		hostile.Contact.ID, hostile.ID, `</script><script>alert(1)</script>`); err != nil {
		t.Fatal(err)
	}

	if p := b.browser(t).get(t, "/console/reports"); p.url.Path != "/login" {
		t.Fatalf("signed out: at %s", p.url)
	}
	rep := b.login(t, "alex@example.com", auth.RoleRep, alex.ID)
	admin := b.login(t, "dana@example.com", auth.RoleAdmin, "")
	for who, br := range map[string]*browser{"rep": rep, "admin": admin} {
		p := br.get(t, "/console/reports")
		if p.status != 200 {
			t.Fatalf("%s: %d\n%s", who, p.status, p.body)
		}
		for _, want := range []string{`<a href="/console/reports" aria-current="page">Reports</a>`, "Speed to lead", "Handoffs by reason",
			"Leads by source", "Handoffs by rep", `href="/console/reports.csv?from=`, `<script src="/static/chart.umd.js" defer>`,
			`<script src="/static/reports.js" defer>`, `<dd class="big">4</dd>`, `<dd class="big">12 s</dd>`, "Alex Rivera", "facebook_ad"} {
			if !strings.Contains(p.body, want) {
				t.Errorf("%s: the page lacks %s", who, want)
			}
		}
		if strings.Contains(p.body, "<script>alert(1)") {
			t.Fatalf("%s: a lead's source broke out of the page's data", who)
		}
		m := reportData.FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("%s: no report data in\n%s", who, p.body)
		}
		var data struct {
			Report  reports.Report    `json:"report"`
			Reasons map[string]string `json:"reasons"`
		}
		if err := json.Unmarshal([]byte(m[1]), &data); err != nil {
			t.Fatalf("%s: report data is not JSON: %v\n%s", who, err, m[1])
		}
		if data.Report.Leads != 4 || data.Reasons["buying_intent"] != "buying intent" || len(data.Report.BySource) != 4 {
			t.Errorf("%s: report data = %+v", who, data)
		}
		if !strings.Contains(m[1], `\u003c/script\u003e`) {
			t.Errorf("%s: the hostile source is not escaped in the data: %s", who, m[1])
		}
	}

	bad := rep.get(t, "/console/reports?from=2026-12-01&to=2026-11-01")
	if bad.status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(bad.body), "from: ") ||
		!strings.Contains(bad.body, `name="from" value="2026-12-01"`) || strings.Contains(bad.body, "report-data") {
		t.Errorf("a backwards range: %d\n%s", bad.status, bad.body)
	}
	for _, asset := range []string{"/static/chart.umd.js", "/static/reports.js"} {
		if p := rep.get(t, asset); p.status != 200 || len(p.body) < 1000 {
			t.Errorf("%s: %d, %d bytes", asset, p.status, len(p.body))
		}
	}
}

func TestConsoleReportsCSV(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.seedReport(t)
	br := b.login(t, "alex@example.com", auth.RoleRep, alex.ID)
	from, to := time.Now().AddDate(0, 0, -1).Format(time.DateOnly), time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
	resp, err := br.client.Get(b.srv.URL + "/console/reports.csv?from=" + from + "&to=" + to)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="leadagent-report-`+from+`-to-`+to+`.csv"` {
		t.Fatalf("csv: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, body)
	}
	want := map[string]string{"total||leads": "3", "channel|text|leads": "1", "total||opt_outs": "1", "total||speed_to_lead_seconds_p50": "12", "reason|buying_intent|handoffs": "1",
		"source|google|after_hours_leads": "1", "rep|Alex Rivera|booked": "1"}
	for _, r := range rows {
		if v, ok := want[r[0]+"|"+r[1]+"|"+r[2]]; ok {
			if r[3] != v {
				t.Errorf("%v, want %s", r, v)
			}
			delete(want, r[0]+"|"+r[1]+"|"+r[2])
		}
	}
	if len(want) > 0 {
		t.Errorf("csv lacks %v:\n%s", want, body)
	}
	if p := br.get(t, "/console/reports.csv?to=nope"); p.status != http.StatusBadRequest || !strings.Contains(p.body, "to: ") {
		t.Errorf("bad to: %d %s", p.status, p.body)
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if status, body := b.get(t, "/metrics", ""); status != 404 || !strings.Contains(string(body), `"error":"metrics are off"`) {
		t.Errorf("metrics without a handler: %d %s", status, body)
	}

	b.seedReport(t)
	if _, err := b.db.Exec(b.ctx, `INSERT INTO cadence_runs (conversation_id, version, steps, started_at)
		SELECT id, 0, '[]', now() FROM conversations LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(reports.NewCollector(b.db), collectors.NewGoCollector())
	h, err := web.New(web.Config{
		DB:       b.db,
		Webhooks: &twilio.Webhooks{Receiver: nopReceiver{}, Validator: twilio.NewValidator("token", "")},
		Metrics:  promhttp.HandlerFor(reg, promhttp.HandlerOpts{}),
		Logger:   quiet(),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	// No API key: Prometheus scrapes it as it is.
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("metrics: %d", resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	value := func(name string, labels map[string]string) (float64, bool) {
		mf, ok := families[name]
		if !ok {
			return 0, false
		}
	next:
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue next
				}
			}
			switch mf.GetType() {
			case dto.MetricType_COUNTER:
				return m.GetCounter().GetValue(), true
			case dto.MetricType_HISTOGRAM:
				return float64(m.GetHistogram().GetSampleCount()), true
			}
		}
		return 0, false
	}
	for _, tt := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"leadagent_leads_total", map[string]string{"source": "facebook_ad"}, 1},
		{"leadagent_leads_total", map[string]string{"source": "google"}, 1},
		{"leadagent_first_touches_total", nil, 1},
		{"leadagent_speed_to_lead_seconds", nil, 1},
		{"leadagent_handoffs_total", map[string]string{"reason": "buying_intent"}, 1},
		{"leadagent_handoff_claim_seconds", nil, 1},
		{"leadagent_opt_outs_total", map[string]string{"channel": "sms"}, 1},
		{"leadagent_messages_total", map[string]string{"channel": "sms", "direction": "inbound", "author": "lead"}, 3},
		{"leadagent_cadence_runs_total", map[string]string{"state": "active"}, 1},
	} {
		if got, ok := value(tt.name, tt.labels); !ok || got != tt.want {
			t.Errorf("%s%v = %v (present %v), want %v", tt.name, tt.labels, got, ok, tt.want)
		}
	}
	speed := families["leadagent_speed_to_lead_seconds"].GetMetric()[0].GetHistogram()
	if speed.GetSampleSum() != 12 {
		t.Errorf("speed to lead sum = %v, want 12", speed.GetSampleSum())
	}
	for _, bucket := range speed.GetBucket() {
		if want := map[bool]uint64{true: 1, false: 0}[bucket.GetUpperBound() >= 12]; bucket.GetCumulativeCount() != want {
			t.Errorf("speed to lead bucket le=%v = %d, want %d", bucket.GetUpperBound(), bucket.GetCumulativeCount(), want)
		}
	}
	if _, ok := families["go_goroutines"]; !ok {
		t.Error("no Go runtime metrics")
	}
}
