package reports_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"github.com/prometheus/common/expfmt"

	"github.com/leadagent/leadagent/reports"
)

// scrape gathers c as Prometheus would, through a pedantic registry (which
// checks each metric against its description), in the text format; only
// the families named, when any are.
func scrape(t *testing.T, c prometheus.Collector, names ...string) (string, error) {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range families {
		if len(names) > 0 && !slices.Contains(names, mf.GetName()) {
			continue
		}
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	problems, err := promlint.NewWithMetricFamilies(families).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	return b.String(), nil
}

func sameScrape(t *testing.T, got, want string) {
	t.Helper()
	if strings.TrimSpace(got) != strings.TrimSpace(want) {
		t.Errorf("scrape:\n%s\nwant:\n%s", got, want)
	}
}

// TestCollector scrapes the fixture: every row counts, whatever its date.
func TestCollector(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.month()
	c := reports.NewCollector(f.db)
	// The AI's outbound messages are the five first touches and the two
	// replies in v2.
	want := `
# HELP leadagent_cadence_runs_total Follow-up cadences started, by the state they are in now.
# TYPE leadagent_cadence_runs_total counter
leadagent_cadence_runs_total{state="active"} 1
leadagent_cadence_runs_total{state="completed"} 3
leadagent_cadence_runs_total{state="stopped"} 2
# HELP leadagent_first_touches_total Leads the agent answered first (a text the provider accepted, or a spoken reply).
# TYPE leadagent_first_touches_total counter
leadagent_first_touches_total 5
# HELP leadagent_handoff_claim_seconds Seconds from a handoff to a rep taking the conversation over, for claimed handoffs.
# TYPE leadagent_handoff_claim_seconds histogram
leadagent_handoff_claim_seconds_bucket{le="60"} 0
leadagent_handoff_claim_seconds_bucket{le="120"} 1
leadagent_handoff_claim_seconds_bucket{le="300"} 2
leadagent_handoff_claim_seconds_bucket{le="600"} 4
leadagent_handoff_claim_seconds_bucket{le="900"} 4
leadagent_handoff_claim_seconds_bucket{le="1800"} 4
leadagent_handoff_claim_seconds_bucket{le="3600"} 4
leadagent_handoff_claim_seconds_bucket{le="7200"} 4
leadagent_handoff_claim_seconds_bucket{le="14400"} 4
leadagent_handoff_claim_seconds_bucket{le="86400"} 4
leadagent_handoff_claim_seconds_bucket{le="+Inf"} 4
leadagent_handoff_claim_seconds_sum 1320
leadagent_handoff_claim_seconds_count 4
# HELP leadagent_handoffs_total Conversations handed to a person, by reason.
# TYPE leadagent_handoffs_total counter
leadagent_handoffs_total{reason="buying_intent"} 3
leadagent_handoffs_total{reason="complaint"} 1
leadagent_handoffs_total{reason="human_request"} 1
leadagent_handoffs_total{reason="sensitive"} 1
leadagent_handoffs_total{reason="unknown_answer"} 1
# HELP leadagent_leads_total Leads: everyone who reached the business (forms, ad platforms, imports, texts, emails, calls), by source.
# TYPE leadagent_leads_total counter
leadagent_leads_total{source=""} 1
leadagent_leads_total{source="facebook_ad"} 4
leadagent_leads_total{source="google"} 3
# HELP leadagent_messages_total Messages recorded, by channel (sms, voice, email), direction and author.
# TYPE leadagent_messages_total counter
leadagent_messages_total{author="ai",channel="sms",direction="outbound"} 7
leadagent_messages_total{author="lead",channel="sms",direction="inbound"} 3
leadagent_messages_total{author="rep",channel="sms",direction="outbound"} 1
# HELP leadagent_opt_outs_total Opt-outs recorded, by channel: sms (STOP, START, STOP is two) or email (an unsubscribe).
# TYPE leadagent_opt_outs_total counter
leadagent_opt_outs_total{channel="email"} 0
leadagent_opt_outs_total{channel="sms"} 3
# HELP leadagent_speed_to_lead_seconds Seconds from a lead's arrival to the agent's first response.
# TYPE leadagent_speed_to_lead_seconds histogram
leadagent_speed_to_lead_seconds_bucket{le="1"} 0
leadagent_speed_to_lead_seconds_bucket{le="2"} 0
leadagent_speed_to_lead_seconds_bucket{le="5"} 0
leadagent_speed_to_lead_seconds_bucket{le="10"} 1
leadagent_speed_to_lead_seconds_bucket{le="30"} 3
leadagent_speed_to_lead_seconds_bucket{le="60"} 4
leadagent_speed_to_lead_seconds_bucket{le="300"} 4
leadagent_speed_to_lead_seconds_bucket{le="900"} 4
leadagent_speed_to_lead_seconds_bucket{le="3600"} 5
leadagent_speed_to_lead_seconds_bucket{le="+Inf"} 5
leadagent_speed_to_lead_seconds_sum 1100
leadagent_speed_to_lead_seconds_count 5
`
	got, err := scrape(t, c)
	if err != nil {
		t.Fatal(err)
	}
	sameScrape(t, got, want)
}

// TestCollectorOnAnEmptyDatabase: histograms with no samples, and no
// labelled series yet, rather than an error.
func TestCollectorOnAnEmptyDatabase(t *testing.T) {
	t.Parallel()
	f := setup(t)
	c := reports.NewCollector(f.db)
	want := `
# HELP leadagent_first_touches_total Leads the agent answered first (a text the provider accepted, or a spoken reply).
# TYPE leadagent_first_touches_total counter
leadagent_first_touches_total 0
# HELP leadagent_opt_outs_total Opt-outs recorded, by channel: sms (STOP, START, STOP is two) or email (an unsubscribe).
# TYPE leadagent_opt_outs_total counter
leadagent_opt_outs_total{channel="email"} 0
leadagent_opt_outs_total{channel="sms"} 0
# HELP leadagent_speed_to_lead_seconds Seconds from a lead's arrival to the agent's first response.
# TYPE leadagent_speed_to_lead_seconds histogram
leadagent_speed_to_lead_seconds_bucket{le="1"} 0
leadagent_speed_to_lead_seconds_bucket{le="2"} 0
leadagent_speed_to_lead_seconds_bucket{le="5"} 0
leadagent_speed_to_lead_seconds_bucket{le="10"} 0
leadagent_speed_to_lead_seconds_bucket{le="30"} 0
leadagent_speed_to_lead_seconds_bucket{le="60"} 0
leadagent_speed_to_lead_seconds_bucket{le="300"} 0
leadagent_speed_to_lead_seconds_bucket{le="900"} 0
leadagent_speed_to_lead_seconds_bucket{le="3600"} 0
leadagent_speed_to_lead_seconds_bucket{le="+Inf"} 0
leadagent_speed_to_lead_seconds_sum 0
leadagent_speed_to_lead_seconds_count 0
`
	got, err := scrape(t, c, "leadagent_first_touches_total", "leadagent_opt_outs_total", "leadagent_speed_to_lead_seconds")
	if err != nil {
		t.Fatal(err)
	}
	sameScrape(t, got, want)
}

// TestCollectorReportsAFailedQuery: a closed pool makes the scrape fail
// loudly, not report zeros.
func TestCollectorReportsAFailedQuery(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.db.Close()
	if _, err := scrape(t, reports.NewCollector(f.db)); err == nil || !strings.Contains(err.Error(), "leadagent metrics") {
		t.Errorf("scrape of a closed database: %v", err)
	}
}

// countingDB counts the queries a collector makes.
type countingDB struct {
	reports.DB
	queries atomic.Int64
}

func (d *countingDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	d.queries.Add(1)
	return d.DB.Query(ctx, sql, args...)
}

func (d *countingDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	d.queries.Add(1)
	return d.DB.QueryRow(ctx, sql, args...)
}

// TestCollectorKeepsAPassForMaxAge: scrapes within MaxAge, one after
// another or all at once, cost one pass over the tables and serve its
// figures; the first scrape after it queries again.
func TestCollectorKeepsAPassForMaxAge(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.month()
	db := &countingDB{DB: f.db}
	c := reports.NewCollector(db)
	if c.MaxAge != 15*time.Second {
		t.Errorf("MaxAge = %s, want 15s", c.MaxAge)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	c.Now = func() time.Time { return now }

	first, err := scrape(t, c)
	if err != nil {
		t.Fatal(err)
	}
	perPass := db.queries.Load()
	if perPass != 5 {
		t.Fatalf("a pass made %d queries, want 5", perPass)
	}
	// A new lead within the window is not counted yet.
	f.lead(f.contact("google", time.Time{}), "", "google", false, false, now, 0)
	now = now.Add(c.MaxAge - time.Millisecond)
	again, err := scrape(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if db.queries.Load() != perPass || again != first {
		t.Fatalf("a scrape within MaxAge queried again (%d queries) or changed:\n%s\nthen:\n%s", db.queries.Load(), first, again)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := reg.Gather(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if db.queries.Load() != perPass {
		t.Fatalf("20 concurrent scrapes within MaxAge made %d queries, want %d", db.queries.Load(), perPass)
	}

	now = now.Add(time.Millisecond)
	after, err := scrape(t, c, "leadagent_leads_total")
	if err != nil {
		t.Fatal(err)
	}
	if db.queries.Load() != 2*perPass || !strings.Contains(after, `leadagent_leads_total{source="google"} 4`) {
		t.Fatalf("after MaxAge: %d queries, want %d; leads:\n%s", db.queries.Load(), 2*perPass, after)
	}

	// MaxAge 0: every scrape queries.
	c.MaxAge = 0
	for range 2 {
		if _, err := scrape(t, c); err != nil {
			t.Fatal(err)
		}
	}
	if db.queries.Load() != 4*perPass {
		t.Fatalf("with MaxAge 0: %d queries, want %d", db.queries.Load(), 4*perPass)
	}
}

// TestSourceLabels: the source label takes the commonest names, and
// whatever else a form sends as a source (an email, a phone number, a URL,
// markup) counts as "other", so the series stay bounded.
func TestSourceLabels(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		leads map[string]int64
		limit int
		want  []reports.SourceCount
	}{
		{"names as they are", map[string]int64{"facebook_ad": 4, "google": 3, "": 1}, 20,
			[]reports.SourceCount{{"", 1}, {"facebook_ad", 4}, {"google", 3}}},
		{"case and spaces fold", map[string]int64{"Google": 2, " google ": 1, "GOOGLE": 1}, 20,
			[]reports.SourceCount{{"google", 4}}},
		{"what is no name is other", map[string]int64{"dana@example.com": 1, "+19705551234": 2, "https://evil.example/?q=1": 1,
			"<b>x</b>": 1, "9705551234": 1, "web form": 1, strings.Repeat("a", 41): 1, "google": 5}, 20,
			[]reports.SourceCount{{"google", 5}, {"other", 8}}},
		{"beyond the limit is other, ties by name", map[string]int64{"a": 5, "b": 3, "c": 3, "d": 1, "other": 2}, 2,
			[]reports.SourceCount{{"a", 5}, {"b", 3}, {"other", 6}}},
		{"nothing", map[string]int64{}, 20, nil},
	} {
		if got := reports.SourceLabels(tt.leads, tt.limit); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCollectorBoundsSources: a thousand leads, each with its own source
// written as an email, make one "other" series, not a thousand.
func TestCollectorBoundsSources(t *testing.T) {
	t.Parallel()
	f := setup(t)
	at := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	if _, err := f.db.Exec(f.ctx, `INSERT INTO leads (contact_id, source, created_at)
		SELECT $1, 'lead' || n || '@example.com', $2 FROM generate_series(1, 1000) n`, f.contact("", time.Time{}), at); err != nil {
		t.Fatal(err)
	}
	f.lead(f.contact("Facebook_Ad", time.Time{}), "", "Facebook_Ad", false, false, at, 0)
	got, err := scrape(t, reports.NewCollector(f.db), "leadagent_leads_total")
	if err != nil {
		t.Fatal(err)
	}
	sameScrape(t, got, `
# HELP leadagent_leads_total Leads: everyone who reached the business (forms, ad platforms, imports, texts, emails, calls), by source.
# TYPE leadagent_leads_total counter
leadagent_leads_total{source="facebook_ad"} 1
leadagent_leads_total{source="other"} 1000
`)
}
