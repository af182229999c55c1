package reports

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// SpeedToLeadBuckets are the upper bounds, in seconds, of the speed-to-lead
// histogram: a second to an hour.
var SpeedToLeadBuckets = []float64{1, 2, 5, 10, 30, 60, 300, 900, 3600}

// ClaimBuckets are the upper bounds, in seconds, of the handoff claim
// histogram: a minute to a day, around the 10-minute SLA.
var ClaimBuckets = []float64{60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 86400}

// Collector is a prometheus.Collector that reads its counters and
// histograms from PostgreSQL. Every process shares the one database, so
// any replica reports the same totals and nothing is counted twice across
// processes; a restart loses nothing.
//
// A scrape's figures are kept for MaxAge (15 s) and served again to every
// scrape until then: /metrics may be open (no METRICS_TOKEN), so however
// often anyone asks, one process makes at most one pass over the tables
// per MaxAge.
// Concurrent scrapes wait for the one pass under way rather than start
// their own. A pass that failed is kept too (its metrics are errors until
// MaxAge has passed), so a struggling database is not asked again at the
// scrapers' rate. The figures are at most MaxAge old: they move with
// leads, not seconds.
//
// What a pass costs: five aggregate queries, one pass over each of leads
// (joined to the first-touch messages), handoffs, contacts, messages and
// cadence_runs (sequential scans, since every row is counted; plain reads,
// which never block writers). The work grows linearly with the rows:
// milliseconds for a young business, about half a second of one core for
// 100,000 leads and a million messages on a 2-core machine, half of it
// counting messages, the largest table. Every replica reports the same
// leadagent_* totals, so one scrape target for them is enough (the runtime
// metrics are each process's own), every 30 to 60 s. Past tens of
// millions of messages, point that scrape at a read replica (DESIGN.md's
// path) or keep these counts in a rollup table written with the rows.
// Timeout bounds a pass; a query that fails or times out makes its
// metrics an error in the scrape while the rest are still served.
//
// A lead's source is whatever the form or ad platform sent, so it is not
// a label as it stands: leadagent_leads_total names the MaxSources
// commonest sources that read as a source's name ("facebook_ad",
// "google"; lower case) and counts every other lead, an email or a phone
// number sent as a source among them, under source="other". Leads
// without a source are source="".
//
// leadagent_opt_outs_total counts opt-outs as events, as the summary does:
// an opt-in does not lower it. leadagent_cadence_runs_total can step down,
// as a run moves from state="active" to "completed" or "stopped"; read it
// as a current count, not with rate().
type Collector struct {
	db DB
	// Timeout bounds the queries of one pass.
	Timeout time.Duration
	// MaxAge is how long a pass's figures are served before the next
	// scrape queries again; 0 queries on every scrape.
	MaxAge time.Duration
	// Now is the clock MaxAge is measured on (time.Now).
	Now func() time.Time
	// MaxSources bounds the source label's values (DefaultMaxSources);
	// the rest count as "other".
	MaxSources int

	leads, firstTouches, speedToLead *prometheus.Desc
	handoffs, claim, optOuts         *prometheus.Desc
	messages, cadenceRuns            *prometheus.Desc

	mu       sync.Mutex // held for a pass, so one runs at a time
	snapshot []prometheus.Metric
	takenAt  time.Time
}

// DefaultMaxAge is how long a Collector serves one pass's figures.
const DefaultMaxAge = 15 * time.Second

// DefaultMaxSources is how many sources get a series of their own.
const DefaultMaxSources = 20

// otherSource is the label of the leads whose source has no series.
const otherSource = "other"

// NewCollector returns the collector over db, with a 10-second timeout and
// figures kept for DefaultMaxAge.
func NewCollector(db DB) *Collector {
	return &Collector{
		db:         db,
		Timeout:    10 * time.Second,
		MaxAge:     DefaultMaxAge,
		Now:        time.Now,
		MaxSources: DefaultMaxSources,
		leads: prometheus.NewDesc("leadagent_leads_total",
			"Leads: everyone who reached the business (forms, ad platforms, imports, texts, emails, calls), by source.", []string{"source"}, nil),
		firstTouches: prometheus.NewDesc("leadagent_first_touches_total",
			"Leads the agent answered first (a text the provider accepted, or a spoken reply).", nil, nil),
		speedToLead: prometheus.NewDesc("leadagent_speed_to_lead_seconds",
			"Seconds from a lead's arrival to the agent's first response.", nil, nil),
		handoffs: prometheus.NewDesc("leadagent_handoffs_total",
			"Conversations handed to a person, by reason.", []string{"reason"}, nil),
		claim: prometheus.NewDesc("leadagent_handoff_claim_seconds",
			"Seconds from a handoff to a rep taking the conversation over, for claimed handoffs.", nil, nil),
		optOuts: prometheus.NewDesc("leadagent_opt_outs_total",
			"Opt-outs recorded, by channel: sms (STOP, START, STOP is two) or email (an unsubscribe).", []string{"channel"}, nil),
		messages: prometheus.NewDesc("leadagent_messages_total",
			"Messages recorded, by channel (sms, voice, email), direction and author.", []string{"channel", "direction", "author"}, nil),
		cadenceRuns: prometheus.NewDesc("leadagent_cadence_runs_total",
			"Follow-up cadences started, by the state they are in now.", []string{"state"}, nil),
	}
}

// Describe sends every metric's description.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.leads, c.firstTouches, c.speedToLead, c.handoffs, c.claim, c.optOuts, c.messages, c.cadenceRuns} {
		ch <- d
	}
}

// Collect sends the figures of the last pass, making a new one when that
// is older than MaxAge.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	for _, m := range c.figures() {
		ch <- m
	}
}

func (c *Collector) figures() []prometheus.Metric {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.Now()
	if c.snapshot != nil && now.Sub(c.takenAt) < c.MaxAge {
		return c.snapshot
	}
	c.snapshot, c.takenAt = c.pass(), now
	return c.snapshot
}

// pass runs the queries. Prometheus's Collect takes no context, so the
// pass's own deadline is Timeout.
func (c *Collector) pass() []prometheus.Metric {
	ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
	defer cancel()
	out := []prometheus.Metric{}
	emit := func(m prometheus.Metric) { out = append(out, m) }
	c.collectLeads(ctx, emit)
	c.collectHandoffs(ctx, emit)
	c.collectOptOuts(ctx, emit)
	c.collectMessages(ctx, emit)
	c.collectCadences(ctx, emit)
	return out
}

// bucketColumns counts, in the same pass, the rows whose expr is at or
// below each bound: a Prometheus histogram's cumulative buckets.
func bucketColumns(expr string, bounds []float64) string {
	cols := make([]string, len(bounds))
	for i, b := range bounds {
		cols[i] = fmt.Sprintf("count(*) FILTER (WHERE %s <= %g)", expr, b)
	}
	return strings.Join(cols, ", ")
}

// histogram accumulates buckets over the rows of a grouped query.
type histogram struct {
	count   uint64
	sum     float64
	buckets map[float64]uint64
}

func newHistogram(bounds []float64) *histogram {
	h := &histogram{buckets: make(map[float64]uint64, len(bounds))}
	for _, b := range bounds {
		h.buckets[b] = 0
	}
	return h
}

// scanTargets are the destinations for count, sum and the bucket columns;
// add folds them into h.
func (h *histogram) scanTargets(bounds []float64) (dest []any, add func()) {
	var count int64
	var sum float64
	counts := make([]int64, len(bounds))
	dest = []any{&count, &sum}
	for i := range counts {
		dest = append(dest, &counts[i])
	}
	return dest, func() {
		h.count += uint64(count)
		h.sum += sum
		for i, b := range bounds {
			h.buckets[b] += uint64(counts[i])
		}
	}
}

func (c *Collector) collectLeads(ctx context.Context, emit func(prometheus.Metric)) {
	// Leads and first touches as the summary counts them (arrivalsSQL),
	// over all time.
	// date_part, not extract: float8 arithmetic, several times faster than
	// extract's numeric over every row.
	rows, err := c.db.Query(ctx, `
		SELECT source, count(*), count(s), COALESCE(sum(s), 0), `+bucketColumns("s", SpeedToLeadBuckets)+`
		FROM (SELECT a.source, date_part('epoch', a.responded_at - a.arrived_at) AS s
			FROM (`+arrivalsSQL+`) a) l
		GROUP BY source`, allTime.From, allTime.To)
	if err != nil {
		c.fail(emit, err, c.leads, c.firstTouches, c.speedToLead)
		return
	}
	defer rows.Close()
	hist := newHistogram(SpeedToLeadBuckets)
	bySource := map[string]int64{}
	for rows.Next() {
		var source string
		var leads int64
		dest, add := hist.scanTargets(SpeedToLeadBuckets)
		if err := rows.Scan(append([]any{&source, &leads}, dest...)...); err != nil {
			c.fail(emit, err, c.leads, c.firstTouches, c.speedToLead)
			return
		}
		add()
		bySource[source] += leads
	}
	if err := rows.Err(); err != nil {
		c.fail(emit, err, c.leads, c.firstTouches, c.speedToLead)
		return
	}
	for _, s := range SourceLabels(bySource, c.MaxSources) {
		emit(prometheus.MustNewConstMetric(c.leads, prometheus.CounterValue, float64(s.Leads), s.Label))
	}
	// The leads with a first touch are the histogram's samples.
	emit(prometheus.MustNewConstMetric(c.firstTouches, prometheus.CounterValue, float64(hist.count)))
	emit(prometheus.MustNewConstHistogram(c.speedToLead, hist.count, hist.sum, hist.buckets))
}

func (c *Collector) collectHandoffs(ctx context.Context, emit func(prometheus.Metric)) {
	rows, err := c.db.Query(ctx, `
		SELECT reason, count(*), count(s), COALESCE(sum(s), 0), `+bucketColumns("s", ClaimBuckets)+`
		FROM (SELECT reason, date_part('epoch', claimed_at - created_at) AS s FROM handoffs) h
		GROUP BY reason`)
	if err != nil {
		c.fail(emit, err, c.handoffs, c.claim)
		return
	}
	defer rows.Close()
	hist := newHistogram(ClaimBuckets)
	var out []prometheus.Metric
	for rows.Next() {
		var reason string
		var n int64
		dest, add := hist.scanTargets(ClaimBuckets)
		if err := rows.Scan(append([]any{&reason, &n}, dest...)...); err != nil {
			c.fail(emit, err, c.handoffs, c.claim)
			return
		}
		add()
		out = append(out, prometheus.MustNewConstMetric(c.handoffs, prometheus.CounterValue, float64(n), reason))
	}
	if err := rows.Err(); err != nil {
		c.fail(emit, err, c.handoffs, c.claim)
		return
	}
	for _, m := range out {
		emit(m)
	}
	emit(prometheus.MustNewConstHistogram(c.claim, hist.count, hist.sum, hist.buckets))
}

// allTime is the range the collector's totals count over.
var allTime = Range{From: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}

func (c *Collector) collectOptOuts(ctx context.Context, emit func(prometheus.Metric)) {
	// Every channel has a series: one nobody opted out of is a 0, not a
	// missing series.
	c.collectCounts(ctx, emit, c.optOuts, `SELECT count(o.channel), k.channel
		FROM unnest($3::text[]) k(channel) LEFT JOIN (`+optOutsSQL+`) o ON o.channel = k.channel
		GROUP BY k.channel`, 1, allTime.From, allTime.To, OptOutChannels)
}

func (c *Collector) collectMessages(ctx context.Context, emit func(prometheus.Metric)) {
	c.collectCounts(ctx, emit, c.messages, `SELECT count(*), channel, direction, author FROM messages GROUP BY channel, direction, author`, 3)
}

func (c *Collector) collectCadences(ctx context.Context, emit func(prometheus.Metric)) {
	c.collectCounts(ctx, emit, c.cadenceRuns, `SELECT count(*), state FROM cadence_runs GROUP BY state`, 1)
}

// collectCounts sends one counter per row of query: a count, then its
// labels' values.
func (c *Collector) collectCounts(ctx context.Context, emit func(prometheus.Metric), desc *prometheus.Desc, query string, labels int, args ...any) {
	rows, err := c.db.Query(ctx, query, args...)
	if err != nil {
		c.fail(emit, err, desc)
		return
	}
	defer rows.Close()
	var out []prometheus.Metric
	for rows.Next() {
		var n int64
		values := make([]string, labels)
		dest := []any{&n}
		for i := range values {
			dest = append(dest, &values[i])
		}
		if err := rows.Scan(dest...); err != nil {
			c.fail(emit, err, desc)
			return
		}
		out = append(out, prometheus.MustNewConstMetric(desc, prometheus.CounterValue, float64(n), values...))
	}
	if err := rows.Err(); err != nil {
		c.fail(emit, err, desc)
		return
	}
	for _, m := range out {
		emit(m)
	}
}

// fail reports a query's error as the scrape's error for its metrics.
func (c *Collector) fail(emit func(prometheus.Metric), err error, descs ...*prometheus.Desc) {
	for _, d := range descs {
		emit(prometheus.NewInvalidMetric(d, fmt.Errorf("leadagent metrics: %w", err)))
	}
}

// SourceCount is the leads of one value of the source label.
type SourceCount struct {
	Label string
	Leads int64
}

// reSourceName is what a source's name looks like: a word of letters,
// digits and _ . - that starts with a letter. An email, a phone number or
// a URL does not.
var reSourceName = regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,39}$`)

// SourceLabels folds leads by source into at most limit+2 label values,
// by label: the limit commonest sources that read as a name (lower-cased;
// ties by name), "" for leads without a source, and "other" for the
// rest. However many sources the forms send, the series stay bounded.
func SourceLabels(leads map[string]int64, limit int) []SourceCount {
	named := map[string]int64{}
	var other int64
	for source, n := range leads {
		label := strings.ToLower(strings.TrimSpace(source))
		switch {
		case label == "":
			named[""] += n
		case reSourceName.MatchString(label) && label != otherSource:
			named[label] += n
		default:
			other += n
		}
	}
	ranked := make([]SourceCount, 0, len(named))
	for label, n := range named {
		if label != "" {
			ranked = append(ranked, SourceCount{label, n})
		}
	}
	sort.Slice(ranked, func(i, j int) bool {
		if ranked[i].Leads != ranked[j].Leads {
			return ranked[i].Leads > ranked[j].Leads
		}
		return ranked[i].Label < ranked[j].Label
	})
	var out []SourceCount
	for i, s := range ranked {
		if i < limit {
			out = append(out, s)
		} else {
			other += s.Leads
		}
	}
	if n, ok := named[""]; ok {
		out = append(out, SourceCount{"", n})
	}
	if other > 0 {
		out = append(out, SourceCount{otherSource, other})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}
