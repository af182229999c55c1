package reports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/reports"
	"github.com/leadagent/leadagent/store/storetest"
)

// nov is the month the fixture's rows fall in (and around).
var nov = reports.Range{From: day(2026, 11, 1), To: day(2026, 12, 1)}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// fixture inserts rows as the other packages would have written them.
type fixture struct {
	t   testing.TB
	ctx context.Context
	db  *pgxpool.Pool
	n   int
}

func setup(t testing.TB) *fixture {
	t.Helper()
	return &fixture{t: t, ctx: context.Background(), db: storetest.NewDB(t)}
}

func (f *fixture) id(sql string, args ...any) string {
	f.t.Helper()
	var id string
	if err := f.db.QueryRow(f.ctx, sql, args...).Scan(&id); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
	return id
}

func (f *fixture) rep(name string, active bool) string {
	f.n++
	return f.id(`INSERT INTO reps (name, phone, active) VALUES ($1, $2, $3) RETURNING id::text`,
		name, "+1970555"+pad(f.n), active)
}

// contact makes a contact; optedOut, when not zero, is when it opted out.
func (f *fixture) contact(source string, optedOut time.Time) string {
	f.n++
	var at *time.Time
	if !optedOut.IsZero() {
		at = &optedOut
	}
	id := f.id(`INSERT INTO contacts (phone, source, opted_out, opted_out_at) VALUES ($1, $2, $3, $4) RETURNING id::text`,
		"+1303555"+pad(f.n), source, at != nil, at)
	if at != nil {
		f.event(id, "opted_out", *at)
	}
	return id
}

// event records a timeline event of contact at at, as the inbox does.
func (f *fixture) event(contact, kind string, at time.Time) {
	f.id(`INSERT INTO timeline_events (contact_id, kind, created_at) VALUES ($1, $2, $3) RETURNING id::text`, contact, kind, at)
}

func (f *fixture) conversation(contact, mode, outcome string) string {
	return f.id(`INSERT INTO conversations (contact_id, channel, mode, closed_outcome) VALUES ($1, 'sms', $2, $3) RETURNING id::text`,
		contact, mode, outcome)
}

// lead records a lead of contact at at, in conversation conv ("" for
// none); touch, when not zero, is how long the provider took to accept its
// first message. That is recorded as the inbox records it: the agent's
// message in conv, sent_at set when accepted, named by the lead's
// first_touch_message_id.
func (f *fixture) lead(contact, conv, source string, consent, afterHours bool, at time.Time, touch time.Duration) {
	var first *string
	if touch > 0 {
		id := f.id(`INSERT INTO messages (conversation_id, direction, author, body, status, created_at, sent_at)
			VALUES ($1, 'outbound', 'ai', 'Hi! Thanks for reaching out.', 'sent', $2, $3) RETURNING id::text`,
			conv, at, at.Add(touch))
		first = &id
	}
	f.id(`INSERT INTO leads (contact_id, conversation_id, source, sms_consent, after_hours, created_at, first_touch_message_id)
		VALUES ($1, NULLIF($2, '')::uuid, $3, $4, $5, $6, $7::uuid) RETURNING id::text`,
		contact, conv, source, consent, afterHours, at, first)
}

// handoff hands conv off at at to rep ("" for nobody); claimedBy, when not
// "", took it over after claim.
func (f *fixture) handoff(conv, reason, rep string, at time.Time, claimedBy string, claim time.Duration) {
	var claimedAt *time.Time
	if claimedBy != "" {
		t := at.Add(claim)
		claimedAt = &t
	}
	f.id(`INSERT INTO handoffs (conversation_id, reason, rep_id, created_at, claimed_at, claimed_by, ended_at)
		VALUES ($1, $2, NULLIF($3, '')::uuid, $4, $5, NULLIF($6, '')::uuid, $4) RETURNING id::text`,
		conv, reason, rep, at, claimedAt, claimedBy)
}

func (f *fixture) cadence(conv, state, reason string, at time.Time) {
	f.id(`INSERT INTO cadence_runs (conversation_id, version, steps, started_at, state, stop_reason)
		VALUES ($1, 0, '[]', $2, $3, $4) RETURNING id::text`, conv, at, state, reason)
}

func (f *fixture) message(conv, direction, author string) {
	f.id(`INSERT INTO messages (conversation_id, direction, author, body) VALUES ($1, $2, $3, 'hi') RETURNING id::text`,
		conv, direction, author)
}

func pad(n int) string {
	return string([]byte{byte('0' + n/1000%10), byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)})
}

// month fills the fixture every test here reads: November 2026 with rows
// just outside it on both sides, each figure's expected value worked out
// in the comments.
func (f *fixture) month() {
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, time.UTC) }
	alex, sam := f.rep("Alex Rivera", true), f.rep("Sam Ortiz", true)
	jo := f.rep("Jo Park", false) // away now, but had a handoff in November
	f.rep("Pat Away", false)      // away and nothing in November: not listed
	f.rep("Dee Quiet", true)      // active with nothing: listed with zeros

	c1, c2 := f.contact("facebook_ad", time.Time{}), f.contact("facebook_ad", time.Time{})
	c3, c4 := f.contact("google", time.Time{}), f.contact("", time.Time{})
	c5 := f.contact("google", at(10, 9, 0))                                       // opted out in November
	c6 := f.contact("facebook_ad", time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)) // before it
	c7 := f.contact("", time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC))         // on its last second

	v1 := f.conversation(c1, "closed", "booked")
	v2 := f.conversation(c2, "human", "")
	v3 := f.conversation(c3, "closed", "not_interested")
	v4 := f.conversation(c4, "closed", "booked")
	v5 := f.conversation(c5, "handoff_pending", "")
	v6 := f.conversation(c6, "ai", "")

	// Leads: speeds 10, 20, 30, 40 s in November (p50 25, p90 37), each
	// first touch an AI message (five in all, with October's).
	f.lead(c1, v1, "facebook_ad", true, true, at(2, 10, 0), 10*time.Second)
	f.lead(c2, v2, "facebook_ad", true, false, at(3, 10, 0), 20*time.Second)
	f.lead(c3, v3, "google", true, true, at(4, 22, 0), 30*time.Second)
	f.lead(c4, v4, "", true, false, at(5, 10, 0), 0) // consent, not touched (yet)
	f.lead(c5, v5, "google", false, true, at(6, 23, 0), 0)
	f.lead(c1, v1, "facebook_ad", true, false, at(7, 10, 0), 40*time.Second)
	f.lead(c6, v6, "facebook_ad", true, false, time.Date(2026, 10, 31, 23, 59, 59, 0, time.UTC), 1000*time.Second)
	f.lead(c7, "", "google", true, false, day(2026, 12, 1), 0) // to is exclusive

	// Handoffs: claims after 2, 4, 10, 6 min in November (p50 5, p90 8.8).
	f.handoff(v1, "buying_intent", alex, at(5, 12, 0), alex, 2*time.Minute)
	f.handoff(v1, "human_request", alex, at(8, 12, 0), sam, 4*time.Minute) // v1 again, after a hand-back
	f.handoff(v2, "complaint", sam, at(9, 12, 0), sam, 10*time.Minute)
	f.handoff(v3, "buying_intent", sam, at(11, 12, 0), "", 0)
	f.handoff(v4, "buying_intent", jo, at(12, 12, 0), alex, 6*time.Minute)
	f.handoff(v5, "sensitive", "", time.Date(2026, 10, 20, 12, 0, 0, 0, time.UTC), "", 0)
	f.handoff(v3, "unknown_answer", "", day(2026, 12, 1), "", 0)

	f.cadence(v1, "completed", "", at(2, 10, 0))
	f.cadence(v2, "stopped", "lead_replied", at(3, 10, 0))
	f.cadence(v3, "stopped", "opted_out", at(4, 22, 0))
	f.cadence(v4, "active", "", at(5, 10, 0))
	f.cadence(v5, "completed", "", at(6, 23, 0))
	f.cadence(v1, "completed", "", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))

	for _, m := range [][2]string{{"inbound", "lead"}, {"inbound", "lead"}, {"inbound", "lead"},
		{"outbound", "ai"}, {"outbound", "ai"}, {"outbound", "rep"}} {
		f.message(v2, m[0], m[1])
	}
}

func ptr(f float64) *float64 { return &f }

func pct(p50, p90 float64, of int) reports.Percentiles {
	return reports.Percentiles{P50: ptr(p50), P90: ptr(p90), Of: of}
}

func rate(count, of int) reports.Rate {
	r := reports.Rate{Count: count, Of: of}
	if of > 0 {
		r.Rate = float64(count) / float64(of)
	}
	return r
}

func TestSummary(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.month()
	got, err := reports.Summary(f.ctx, f.db, nov)
	if err != nil {
		t.Fatal(err)
	}
	none := reports.Percentiles{}
	want := reports.Report{
		From: nov.From, To: nov.To,
		Leads:                 6, // 8 rows, one before November, one at its exclusive end
		LeadsByChannel:        map[string]int{"form": 6, "text": 0, "email": 0, "call": 0},
		AIFirstResponseRate:   4.0 / 6, // 4 touched of the 6 (c5 gave no consent, c4 not yet)
		AIFirstResponse:       rate(4, 6),
		SpeedToLeadSeconds:    pct(25, 37, 4), // 10, 20, 30, 40
		AfterHoursLeads:       3,
		Handoffs:              map[string]int{"buying_intent": 3, "human_request": 1, "complaint": 1, "sensitive": 0, "unknown_answer": 0},
		HandoffsTotal:         5,
		HandoffClaimMinutes:   pct(5, 8.8, 4), // 2, 4, 6, 10
		HandoffConversionRate: 0.5,            // v1 and v4 booked, of v1..v4
		HandoffConversion:     rate(2, 4),
		OptOuts:               2, // c5 and c7
		OptOutsByChannel:      map[string]int{"sms": 2, "email": 0},
		CadenceCompletionRate: 0.5, // 2 completed of the 4 that ended
		CadenceCompletion:     rate(2, 4),
		Cadences: reports.Cadences{Started: 5, Active: 1, Completed: 2, Stopped: 2,
			StopReasons: map[string]int{"lead_replied": 1, "opted_out": 1}},
		BySource: []reports.SourceFigures{
			{Source: "facebook_ad", Leads: 3, AIFirstResponseRate: 1, AIFirstResponse: rate(3, 3), SpeedToLeadSeconds: pct(20, 36, 3),
				AfterHoursLeads: 1, Handoffs: 3, HandoffConversionRate: 0.5, HandoffConversion: rate(1, 2)},
			{Source: "google", Leads: 2, AIFirstResponseRate: 0.5, AIFirstResponse: rate(1, 2), SpeedToLeadSeconds: pct(30, 30, 1),
				AfterHoursLeads: 2, Handoffs: 1, HandoffConversion: rate(0, 1), OptOuts: 1},
			{Source: "", Leads: 1, AIFirstResponse: rate(0, 1), SpeedToLeadSeconds: none,
				Handoffs: 1, HandoffConversionRate: 1, HandoffConversion: rate(1, 1), OptOuts: 1},
		},
		ByRep: []reports.RepFigures{
			{Name: "Alex Rivera", HandoffsAssigned: 2, HandoffsClaimed: 2, HandoffClaimMinutes: pct(4, 5.6, 2), Booked: 2,
				ConversionRate: 1, Conversion: rate(2, 2)},
			{Name: "Dee Quiet"},
			{Name: "Jo Park", HandoffsAssigned: 1},
			{Name: "Sam Ortiz", HandoffsAssigned: 2, HandoffsClaimed: 2, HandoffClaimMinutes: pct(7, 9.4, 2), Booked: 1,
				ConversionRate: 0.5, Conversion: rate(1, 2)},
		},
	}
	for i := range got.ByRep {
		if got.ByRep[i].RepID == "" {
			t.Errorf("rep %s has no id", got.ByRep[i].Name)
		}
		got.ByRep[i].RepID = ""
	}
	if diff := compare(got, want); diff != "" {
		t.Errorf("summary of November:\n%s", diff)
	}
}

func TestSummaryOfAnEmptyRange(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.month()
	got, err := reports.Summary(f.ctx, f.db, reports.Range{From: day(2025, 1, 1), To: day(2025, 2, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Leads != 0 || got.AIFirstResponseRate != 0 || got.AIFirstResponse.Of != 0 || got.SpeedToLeadSeconds.P50 != nil ||
		got.HandoffsTotal != 0 || got.HandoffClaimMinutes.P90 != nil || got.HandoffConversionRate != 0 || got.OptOuts != 0 ||
		got.CadenceCompletionRate != 0 || len(got.BySource) != 0 || got.Handoffs["buying_intent"] != 0 {
		t.Errorf("empty range: %+v", got)
	}
	if len(got.ByRep) != 3 { // the active reps, with zeros
		t.Errorf("empty range lists reps %+v", got.ByRep)
	}
	// JSON keeps the shapes: numbers, {p50, p90} objects (null without samples), lists not null.
	raw, _ := json.Marshal(got)
	for _, want := range []string{`"leads":0`, `"ai_first_response_rate":0`, `"speed_to_lead_seconds":{"p50":null,"p90":null,"of":0}`,
		`"handoff_conversion_rate":0`, `"by_source":[]`, `"handoffs":{"buying_intent":0,`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("JSON lacks %s:\n%s", want, raw)
		}
	}
	if _, err := reports.Summary(f.ctx, f.db, reports.Range{From: nov.To, To: nov.From}); err == nil {
		t.Error("a range that ends before it starts was summarised")
	}
}

func TestParseRange(t *testing.T) {
	t.Parallel()
	denver, err := time.LoadLocation("America/Denver")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC) // Nov 19, 20:00 in Denver
	tests := []struct {
		name, from, to string
		want           reports.Range
		param          string // the parameter a *RangeError names
	}{
		{"dates are midnights in the business's zone", "2026-11-01", "2026-12-01",
			reports.Range{time.Date(2026, 11, 1, 0, 0, 0, 0, denver), time.Date(2026, 12, 1, 0, 0, 0, 0, denver)}, ""},
		{"RFC 3339", "2026-11-01T09:00:00Z", "2026-11-01T17:30:00-07:00",
			reports.Range{time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC)}, ""},
		{"an unescaped + in a query string", "2026-11-01T09:00:00 01:00", "",
			reports.Range{time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 0, 0, 0, 0, denver)}, ""},
		{"default: the 30 days to the end of today", "", "",
			reports.Range{time.Date(2026, 10, 21, 0, 0, 0, 0, denver), time.Date(2026, 11, 20, 0, 0, 0, 0, denver)}, ""},
		{"from defaults to 30 days before to", "", "2026-12-01",
			reports.Range{time.Date(2026, 11, 1, 0, 0, 0, 0, denver), time.Date(2026, 12, 1, 0, 0, 0, 0, denver)}, ""},
		{"bad from", "last week", "", reports.Range{}, "from"},
		{"bad to", "2026-11-01", "2026-13-01", reports.Range{}, "to"},
		{"from after to", "2026-12-01", "2026-11-01", reports.Range{}, "from"},
		{"from equal to to", "2026-11-01", "2026-11-01", reports.Range{}, "from"},
	}
	for _, tt := range tests {
		got, err := reports.ParseRange(tt.from, tt.to, now, denver)
		var re *reports.RangeError
		switch {
		case tt.param != "":
			if !errors.As(err, &re) || re.Param != tt.param || !strings.HasPrefix(err.Error(), tt.param+": ") {
				t.Errorf("%s: err %v, want one naming %s", tt.name, err, tt.param)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case !got.From.Equal(tt.want.From) || !got.To.Equal(tt.want.To):
			t.Errorf("%s: %s to %s, want %s to %s", tt.name, got.From, got.To, tt.want.From, tt.want.To)
		}
	}
}

func TestCSV(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.month()
	f.lead(f.contact("=HYPERLINK(\"x\")", time.Time{}), "", "=HYPERLINK(\"x\")", false, false, time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), 0)
	rep, err := reports.Summary(f.ctx, f.db, nov)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := reports.CSV(&b, rep); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, b.String())
	}
	got := map[string]string{}
	for i, r := range records {
		if len(r) != 4 {
			t.Fatalf("row %d has %d columns: %v", i, len(r), r)
		}
		got[r[0]+"|"+r[1]+"|"+r[2]] = r[3]
	}
	if h := records[0]; strings.Join(h, ",") != "scope,name,metric,value" {
		t.Errorf("header %v", h)
	}
	for key, want := range map[string]string{
		"range||from":                             "2026-11-01T00:00:00Z",
		"range||to":                               "2026-12-01T00:00:00Z",
		"total||leads":                            "7",
		"total||ai_first_response_rate":           strconv.FormatFloat(4.0/7, 'f', -1, 64),
		"total||ai_first_response_of":             "7",
		"channel|form|leads":                      "7",
		"channel|text|leads":                      "0",
		"total||speed_to_lead_seconds_p50":        "25",
		"total||speed_to_lead_seconds_p90":        "37",
		"total||handoff_claim_minutes_p90":        "8.8",
		"total||handoff_conversion_rate":          "0.5",
		"total||opt_outs":                         "2",
		"channel|sms|opt_outs":                    "2",
		"channel|email|opt_outs":                  "0",
		"channel|email|leads":                     "0",
		"total||cadence_completion_rate":          "0.5",
		"reason|buying_intent|handoffs":           "3",
		"source|facebook_ad|leads":                "3",
		"source||speed_to_lead_seconds_p50":       "",  // no samples
		"source|'=HYPERLINK(\"x\")|leads":         "1", // not a formula
		"rep|Sam Ortiz|handoff_claim_minutes_p50": "7",
		"rep|Alex Rivera|conversion_rate":         "1",
	} {
		if v, ok := got[key]; !ok || !sameValue(v, want) {
			t.Errorf("%s = %q (present %v), want %q", key, v, ok, want)
		}
	}
}

// sameValue compares two numbers as text to the ninth decimal
// (percentiles are interpolated in floating point); other text exactly.
func sameValue(got, want string) bool {
	g, errG := strconv.ParseFloat(got, 64)
	w, errW := strconv.ParseFloat(want, 64)
	if errG != nil || errW != nil {
		return got == want
	}
	return math.Abs(g-w) < 1e-9
}

// compare returns the lines where got and want differ as JSON, with
// numbers rounded to the ninth decimal; "" when they agree.
func compare(got, want any) string {
	g, w := normalized(got), normalized(want)
	var b strings.Builder
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			fmt.Fprintf(&b, "line %d:\n  got  %s\n  want %s\n", i+1, gl, wl)
		}
	}
	return b.String()
}

func normalized(v any) []string {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		panic(err)
	}
	out, _ := json.MarshalIndent(round(tree), "", "  ")
	return strings.Split(string(out), "\n")
}

func round(v any) any {
	switch v := v.(type) {
	case float64:
		return math.Round(v*1e9) / 1e9
	case map[string]any:
		for k, x := range v {
			v[k] = round(x)
		}
	case []any:
		for i, x := range v {
			v[i] = round(x)
		}
	}
	return v
}
