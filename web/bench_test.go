package web_test

import (
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/auth"
)

// BenchmarkInboxPage measures the console's inbox with 10,000
// conversations: 9,000 with the agent, 500 with reps and 500 waiting for
// one (each with its handoff), 10,000 contacts and 30,000 messages, as a
// signed-in rep loads it over loopback HTTP. The figure is the whole
// request: queries, template and transfer.
func BenchmarkInboxPage(b *testing.B) {
	bundle := setup(b)
	alex := bundle.rep(b, "Alex Rivera", "+19705550181")
	seedInbox(b, bundle, alex.ID)
	br := bundle.login(b, "alex@example.com", auth.RoleRep, alex.ID)
	for i := 0; i < 20; i++ { // warm the pool, the plans and the templates
		br.get(b, "/")
	}
	const n = 300
	lat := make([]time.Duration, n)
	for i := range lat {
		start := time.Now()
		if p := br.get(b, "/"); p.status != 200 {
			b.Fatalf("inbox: %d", p.status)
		}
		lat[i] = time.Since(start)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(p float64) float64 { return float64(lat[int(float64(n-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.95), "p95-ms")
}

// seedInbox fills the database with BenchmarkInboxPage's 10,000
// conversations, those in handoff_pending and human with rep alexID.
func seedInbox(b *testing.B, bundle *testBundle, alexID string) {
	seed := `
		INSERT INTO contacts (phone, name) SELECT '+1970' || lpad(g::text, 7, '0'), 'Lead ' || g FROM generate_series(1, 10000) g;
		INSERT INTO conversations (contact_id, channel, mode, assigned_rep_id, last_message_at)
			SELECT c.id, 'sms',
				CASE WHEN n % 20 = 0 THEN 'handoff_pending' WHEN n % 20 = 1 THEN 'human' ELSE 'ai' END,
				CASE WHEN n % 20 IN (0, 1) THEN $1::uuid END,
				now() - n * interval '1 minute'
			FROM (SELECT id, row_number() OVER (ORDER BY phone) AS n FROM contacts) c;
		INSERT INTO messages (conversation_id, direction, author, body, created_at)
			SELECT v.id, CASE WHEN k % 2 = 0 THEN 'inbound' ELSE 'outbound' END, CASE WHEN k % 2 = 0 THEN 'lead' ELSE 'ai' END,
				'message ' || k || ' about a furnace tune-up and the maintenance plan', v.last_message_at - k * interval '1 second'
			FROM conversations v, generate_series(0, 2) k;
		INSERT INTO handoffs (conversation_id, reason, summary, rep_id, due_at, created_at)
			SELECT id, 'buying_intent', 'Wants: a quote' || chr(10) || 'Next: call', assigned_rep_id, now() + interval '5 minutes', last_message_at
			FROM conversations WHERE mode IN ('handoff_pending', 'human');
		ANALYZE;`
	for _, stmt := range strings.Split(seed, ";") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		var args []any
		if strings.Contains(stmt, "$1") {
			args = []any{alexID}
		}
		if _, err := bundle.db.Exec(bundle.ctx, stmt, args...); err != nil {
			b.Fatalf("seed: %v\n%s", err, stmt)
		}
	}
}

// BenchmarkInboxSearch measures the inbox with a search and filters over
// the same 10,000 conversations (a third of the contacts with a lead
// source): a name, a phone number as typed, a message's words with a
// state, a search that matches nothing (the worst case: every message
// read), and filters alone, in turn.
func BenchmarkInboxSearch(b *testing.B) {
	bundle := setup(b)
	alex := bundle.rep(b, "Alex Rivera", "+19705550181")
	seedInbox(b, bundle, alex.ID)
	if _, err := bundle.db.Exec(bundle.ctx, `UPDATE contacts SET source = 'google_ads' WHERE right(phone, 1) IN ('1', '4', '7');
		ANALYZE contacts`); err != nil {
		b.Fatal(err)
	}
	br := bundle.login(b, "alex@example.com", auth.RoleRep, alex.ID)
	queries := []url.Values{
		{"q": {"Lead 7777"}},
		{"q": {"(970) 000-4242"}},
		{"q": {"maintenance plan"}, "state": {"ai"}, "channel": {"sms"}},
		{"q": {"no such words"}},
		{"reason": {"buying_intent"}, "rep": {alex.ID}, "source": {"google_ads"}},
		{"state": {"human"}, "channel": {"sms"}, "q": {"tune-up"}},
	}
	for i := 0; i < 20; i++ {
		br.get(b, "/?"+queries[i%len(queries)].Encode())
	}
	const n = 300
	lat := make([]time.Duration, n)
	for i := range lat {
		path := "/?" + queries[i%len(queries)].Encode()
		start := time.Now()
		if p := br.get(b, path); p.status != 200 {
			b.Fatalf("inbox %s: %d", path, p.status)
		}
		lat[i] = time.Since(start)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(p float64) float64 { return float64(lat[int(float64(n-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.95), "p95-ms")
}
