package reports

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadagent/leadagent/handoff"
)

// Range is the half-open interval [From, To) a report counts: a row
// belongs to it by its own timestamp (see Summary).
type Range struct {
	From time.Time
	To   time.Time
}

// Rate is a share with what it was counted from: Count of Of. Rate is 0
// when Of is 0, so a range with nothing in it reads as zeros, not NaN.
type Rate struct {
	Rate  float64 `json:"rate"`
	Count int     `json:"count"`
	Of    int     `json:"of"`
}

func rateOf(count, of int) Rate {
	r := Rate{Count: count, Of: of}
	if of > 0 {
		r.Rate = float64(count) / float64(of)
	}
	return r
}

// Percentiles are the median and 90th percentile of Of samples,
// interpolated (PostgreSQL's percentile_cont). Both are null when there
// are no samples: no data is not a speed of 0 seconds.
type Percentiles struct {
	P50 *float64 `json:"p50"`
	P90 *float64 `json:"p90"`
	Of  int      `json:"of"`
}

// Cadences are the follow-up cadences started in the range, by state.
type Cadences struct {
	Started   int `json:"started"`
	Active    int `json:"active"`
	Completed int `json:"completed"`
	Stopped   int `json:"stopped"`
	// StopReasons counts the stopped ones by why they stopped.
	StopReasons map[string]int `json:"stop_reasons"`
}

// SourceFigures are a report's figures for the leads of one source ("" for
// leads that named none).
type SourceFigures struct {
	Source                string      `json:"source"`
	Leads                 int         `json:"leads"`
	AIFirstResponseRate   float64     `json:"ai_first_response_rate"`
	AIFirstResponse       Rate        `json:"ai_first_response"`
	SpeedToLeadSeconds    Percentiles `json:"speed_to_lead_seconds"`
	AfterHoursLeads       int         `json:"after_hours_leads"`
	Handoffs              int         `json:"handoffs"`
	HandoffConversionRate float64     `json:"handoff_conversion_rate"`
	HandoffConversion     Rate        `json:"handoff_conversion"`
	OptOuts               int         `json:"opt_outs"`
}

// RepFigures are a report's figures for one rep.
type RepFigures struct {
	RepID string `json:"rep_id"`
	Name  string `json:"name"`
	// HandoffsAssigned were routed to the rep (the rep texted first).
	HandoffsAssigned int `json:"handoffs_assigned"`
	// HandoffsClaimed were taken over by the rep, whoever was texted.
	HandoffsClaimed     int         `json:"handoffs_claimed"`
	HandoffClaimMinutes Percentiles `json:"handoff_claim_minutes"`
	// Booked counts the conversations the rep claimed that closed booked.
	Booked         int     `json:"booked"`
	ConversionRate float64 `json:"conversion_rate"`
	Conversion     Rate    `json:"conversion"`
}

// Report is the summary of one range. The top-level keys the issue names
// are plain numbers or {p50, p90} objects; the Rate objects beside each
// rate carry its numerator and denominator.
type Report struct {
	From                  time.Time       `json:"from"`
	To                    time.Time       `json:"to"`
	Leads                 int             `json:"leads"`
	LeadsByChannel        map[string]int  `json:"leads_by_channel"`
	AIFirstResponseRate   float64         `json:"ai_first_response_rate"`
	AIFirstResponse       Rate            `json:"ai_first_response"`
	SpeedToLeadSeconds    Percentiles     `json:"speed_to_lead_seconds"`
	AfterHoursLeads       int             `json:"after_hours_leads"`
	Handoffs              map[string]int  `json:"handoffs"`
	HandoffsTotal         int             `json:"handoffs_total"`
	HandoffClaimMinutes   Percentiles     `json:"handoff_claim_minutes"`
	HandoffConversionRate float64         `json:"handoff_conversion_rate"`
	HandoffConversion     Rate            `json:"handoff_conversion"`
	OptOuts               int             `json:"opt_outs"`
	OptOutsByChannel      map[string]int  `json:"opt_outs_by_channel"`
	CadenceCompletionRate float64         `json:"cadence_completion_rate"`
	CadenceCompletion     Rate            `json:"cadence_completion"`
	Cadences              Cadences        `json:"cadences"`
	BySource              []SourceFigures `json:"by_source"`
	ByRep                 []RepFigures    `json:"by_rep"`
}

// LeadChannels are the ways a lead reaches the business, as
// Report.LeadsByChannel names them: a leads row (form, ad platform, API,
// import), a text, an email, a call.
var LeadChannels = []string{"form", "text", "email", "call"}

// Summary computes the report of r. Each thing is counted by its own
// timestamp: leads when they arrived (see arrivalsSQL), handoffs by
// handoffs.created_at (their claims and conversions follow them, whenever
// they happened), opt-outs by when each was recorded, cadences by
// cadence_runs.started_at.
//
//   - leads: everyone who reached the business: each leads row, and each
//     conversation a lead started by texting or calling; leads_by_channel
//     splits them into form, text, email and call.
//   - ai_first_response: leads the AI answered first (for a form lead, the
//     first-touch text the provider accepted; for a text or call, the
//     agent's first message after it), of all the leads. A form lead
//     without SMS consent is not texted, and counts as not answered.
//   - speed_to_lead_seconds: from arrival to that first response, over the
//     leads that have one.
//   - opt_outs: opt-outs recorded in the range, each one: STOP, START,
//     STOP is two; opt_outs_by_channel splits them into sms (STOP) and
//     email (an unsubscribe).
//   - handoffs: handoff rows by reason; handoff_claim_minutes:
//     claimed_at - created_at over the claimed ones.
//   - handoff_conversion: conversations handed off in the range that are
//     now closed with the outcome booked, of the conversations handed off
//     in the range (a conversation handed off twice counts once).
//   - cadence_completion: cadences that ran every step, of those started in
//     the range that have ended (completed or stopped); active ones have no
//     outcome yet and are counted apart.
//
// Leads count under their own source; handoffs and opt-outs under their
// contact's source (the first one the contact came from).
func Summary(ctx context.Context, db DB, r Range) (Report, error) {
	if !r.From.Before(r.To) {
		return Report{}, fmt.Errorf("report: from %s is not before to %s", r.From.Format(time.RFC3339), r.To.Format(time.RFC3339))
	}
	rep := Report{From: r.From, To: r.To, LeadsByChannel: map[string]int{}, OptOutsByChannel: map[string]int{}, Handoffs: map[string]int{}, Cadences: Cadences{StopReasons: map[string]int{}},
		BySource: []SourceFigures{}, ByRep: []RepFigures{}}
	for _, reason := range handoff.Reasons {
		rep.Handoffs[reason] = 0
	}
	sources := map[string]*SourceFigures{}
	source := func(name string) *SourceFigures {
		if s, ok := sources[name]; ok {
			return s
		}
		s := &SourceFigures{Source: name}
		sources[name] = s
		return s
	}
	for _, step := range []func(context.Context, DB, Range, *Report, func(string) *SourceFigures) error{
		summarizeLeads, summarizeHandoffs, summarizeOptOuts, summarizeCadences, summarizeReps,
	} {
		if err := step(ctx, db, r, &rep, source); err != nil {
			return Report{}, fmt.Errorf("report %s to %s: %w", r.From.Format(time.RFC3339), r.To.Format(time.RFC3339), err)
		}
	}
	for _, s := range sources {
		s.AIFirstResponseRate = s.AIFirstResponse.Rate
		s.HandoffConversionRate = s.HandoffConversion.Rate
		rep.BySource = append(rep.BySource, *s)
	}
	slices.SortFunc(rep.BySource, func(a, b SourceFigures) int {
		return cmp.Or(cmp.Compare(b.Leads, a.Leads), cmp.Compare(a.Source, b.Source))
	})
	rep.AIFirstResponseRate = rep.AIFirstResponse.Rate
	rep.HandoffConversionRate = rep.HandoffConversion.Rate
	rep.CadenceCompletionRate = rep.CadenceCompletion.Rate
	return rep, nil
}

// The grand total comes from the same scan as the per-source and
// per-channel rows (GROUPING SETS), so they always add up; the () set
// yields its row even when the range is empty.
func summarizeLeads(ctx context.Context, db DB, r Range, rep *Report, source func(string) *SourceFigures) error {
	rows, err := db.Query(ctx, `
		SELECT GROUPING(source, channel), COALESCE(source, ''), COALESCE(channel, ''),
			count(*),
			count(responded_at),
			count(*) FILTER (WHERE after_hours),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', responded_at - arrived_at)),
			percentile_cont(0.9) WITHIN GROUP (ORDER BY date_part('epoch', responded_at - arrived_at))
		FROM (`+arrivalsSQL+`) a
		GROUP BY GROUPING SETS ((source), (channel), ())`, r.From, r.To)
	if err != nil {
		return fmt.Errorf("leads: %w", err)
	}
	defer rows.Close()
	for _, ch := range LeadChannels {
		rep.LeadsByChannel[ch] = 0
	}
	for rows.Next() {
		var set int
		var name, channel string
		var leads, touched, afterHours int
		var speed Percentiles
		if err := rows.Scan(&set, &name, &channel, &leads, &touched, &afterHours, &speed.P50, &speed.P90); err != nil {
			return fmt.Errorf("leads: %w", err)
		}
		speed.Of = touched
		switch set {
		case 1: // by source
			s := source(name)
			s.Leads, s.AIFirstResponse, s.SpeedToLeadSeconds, s.AfterHoursLeads = leads, rateOf(touched, leads), speed, afterHours
		case 2: // by channel
			rep.LeadsByChannel[channel] = leads
		case 3:
			rep.Leads, rep.AIFirstResponse, rep.SpeedToLeadSeconds, rep.AfterHoursLeads = leads, rateOf(touched, leads), speed, afterHours
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("leads: %w", err)
	}
	return nil
}

// booked is a conversation closed with the outcome booked.
const booked = `v.mode = 'closed' AND v.closed_outcome = 'booked'`

// claimMinutes is how long a handoff waited for a rep, NULL while unclaimed.
const claimMinutes = `date_part('epoch', h.claimed_at - h.created_at) / 60`

func summarizeHandoffs(ctx context.Context, db DB, r Range, rep *Report, source func(string) *SourceFigures) error {
	// GROUPING(reason, source): 1 for the per-reason rows, 2 per source, 3 the total.
	rows, err := db.Query(ctx, `
		SELECT GROUPING(h.reason, c.source), COALESCE(h.reason, ''), COALESCE(c.source, ''),
			count(*),
			count(DISTINCT h.conversation_id),
			count(DISTINCT h.conversation_id) FILTER (WHERE `+booked+`),
			count(h.claimed_at),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY `+claimMinutes+`),
			percentile_cont(0.9) WITHIN GROUP (ORDER BY `+claimMinutes+`)
		FROM handoffs h
		JOIN conversations v ON v.id = h.conversation_id
		JOIN contacts c ON c.id = v.contact_id
		WHERE h.created_at >= $1 AND h.created_at < $2
		GROUP BY GROUPING SETS ((h.reason), (c.source), ())`, r.From, r.To)
	if err != nil {
		return fmt.Errorf("handoffs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var set int
		var reason, name string
		var handoffs, conversations, bookedN int
		var claim Percentiles
		if err := rows.Scan(&set, &reason, &name, &handoffs, &conversations, &bookedN, &claim.Of, &claim.P50, &claim.P90); err != nil {
			return fmt.Errorf("handoffs: %w", err)
		}
		switch set {
		case 1:
			rep.Handoffs[reason] = handoffs
		case 2:
			s := source(name)
			s.Handoffs, s.HandoffConversion = handoffs, rateOf(bookedN, conversations)
		case 3:
			rep.HandoffsTotal, rep.HandoffClaimMinutes, rep.HandoffConversion = handoffs, claim, rateOf(bookedN, conversations)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("handoffs: %w", err)
	}
	return nil
}

// Opt-outs are the events of the range (see optOutsSQL), not the contacts
// opted out now: an opt-in later does not take one back.
func summarizeOptOuts(ctx context.Context, db DB, r Range, rep *Report, source func(string) *SourceFigures) error {
	// GROUPING(source, channel): 1 for the per-source rows, 2 per channel, 3 the total.
	rows, err := db.Query(ctx, `
		SELECT GROUPING(source, channel), COALESCE(source, ''), COALESCE(channel, ''), count(*)
		FROM (`+optOutsSQL+`) o
		GROUP BY GROUPING SETS ((source), (channel), ())`, r.From, r.To)
	if err != nil {
		return fmt.Errorf("opt-outs: %w", err)
	}
	defer rows.Close()
	for _, ch := range OptOutChannels {
		rep.OptOutsByChannel[ch] = 0
	}
	for rows.Next() {
		var set int
		var name, channel string
		var n int
		if err := rows.Scan(&set, &name, &channel, &n); err != nil {
			return fmt.Errorf("opt-outs: %w", err)
		}
		switch set {
		case 1:
			source(name).OptOuts = n
		case 2:
			rep.OptOutsByChannel[channel] = n
		case 3:
			rep.OptOuts = n
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("opt-outs: %w", err)
	}
	return nil
}

func summarizeCadences(ctx context.Context, db DB, r Range, rep *Report, _ func(string) *SourceFigures) error {
	rows, err := db.Query(ctx, `
		SELECT state, stop_reason, count(*)
		FROM cadence_runs
		WHERE started_at >= $1 AND started_at < $2
		GROUP BY state, stop_reason`, r.From, r.To)
	if err != nil {
		return fmt.Errorf("cadences: %w", err)
	}
	defer rows.Close()
	c := &rep.Cadences
	for rows.Next() {
		var state, reason string
		var n int
		if err := rows.Scan(&state, &reason, &n); err != nil {
			return fmt.Errorf("cadences: %w", err)
		}
		c.Started += n
		switch state {
		case "active":
			c.Active += n
		case "completed":
			c.Completed += n
		case "stopped":
			c.Stopped += n
			c.StopReasons[cmp.Or(reason, "unknown")] += n
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("cadences: %w", err)
	}
	rep.CadenceCompletion = rateOf(c.Completed, c.Completed+c.Stopped)
	return nil
}

// Every active rep is listed, with zeros when the range gave them nothing;
// a rep marked away only when they had handoffs in it.
func summarizeReps(ctx context.Context, db DB, r Range, rep *Report, _ func(string) *SourceFigures) error {
	rows, err := db.Query(ctx, `
		WITH h AS (
			SELECT h.id, h.conversation_id, h.rep_id, h.claimed_by, `+claimMinutes+` AS minutes, `+booked+` AS booked
			FROM handoffs h JOIN conversations v ON v.id = h.conversation_id
			WHERE h.created_at >= $1 AND h.created_at < $2
		)
		SELECT r.id::text, r.name,
			count(h.id) FILTER (WHERE h.rep_id = r.id),
			count(h.id) FILTER (WHERE h.claimed_by = r.id),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN h.claimed_by = r.id THEN h.minutes END),
			percentile_cont(0.9) WITHIN GROUP (ORDER BY CASE WHEN h.claimed_by = r.id THEN h.minutes END),
			count(DISTINCT h.conversation_id) FILTER (WHERE h.claimed_by = r.id),
			count(DISTINCT h.conversation_id) FILTER (WHERE h.claimed_by = r.id AND h.booked)
		FROM reps r
		LEFT JOIN h ON h.rep_id = r.id OR h.claimed_by = r.id
		GROUP BY r.id, r.name, r.active
		HAVING r.active OR count(h.id) > 0
		ORDER BY lower(r.name), r.id`, r.From, r.To)
	if err != nil {
		return fmt.Errorf("reps: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f RepFigures
		var conversations int
		if err := rows.Scan(&f.RepID, &f.Name, &f.HandoffsAssigned, &f.HandoffsClaimed, &f.HandoffClaimMinutes.P50,
			&f.HandoffClaimMinutes.P90, &conversations, &f.Booked); err != nil {
			return fmt.Errorf("reps: %w", err)
		}
		f.HandoffClaimMinutes.Of = f.HandoffsClaimed
		f.Conversion = rateOf(f.Booked, conversations)
		f.ConversionRate = f.Conversion.Rate
		rep.ByRep = append(rep.ByRep, f)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reps: %w", err)
	}
	return nil
}

// RangeError is a from or to the report cannot use; Param names which.
type RangeError struct {
	Param  string
	Reason string
}

func (e *RangeError) Error() string { return e.Param + ": " + e.Reason }

// DefaultDays is how far back a report reaches when from is not given.
const DefaultDays = 30

// ParseRange reads a report's from and to as a request gives them: a date
// (2026-11-01, midnight in loc, the business's time zone) or an RFC 3339
// time. to is exclusive and defaults to the end of today (midnight
// tomorrow in loc); from defaults to DefaultDays days before to. A bad
// value, or from not before to, is a *RangeError.
func ParseRange(from, to string, now time.Time, loc *time.Location) (Range, error) {
	if loc == nil {
		loc = time.UTC
	}
	var r Range
	var err error
	if to == "" {
		y, m, d := now.In(loc).Date()
		r.To = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	} else if r.To, err = parseBound("to", to, loc); err != nil {
		return Range{}, err
	}
	if from == "" {
		r.From = r.To.AddDate(0, 0, -DefaultDays)
	} else if r.From, err = parseBound("from", from, loc); err != nil {
		return Range{}, err
	}
	if !r.From.Before(r.To) {
		return Range{}, &RangeError{Param: "from", Reason: fmt.Sprintf("%s is not before to (%s; to is exclusive)",
			r.From.Format(time.RFC3339), r.To.Format(time.RFC3339))}
	}
	return r, nil
}

func parseBound(param, v string, loc *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	if t, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	// An unescaped "+01:00" arrives as " 01:00" from a query string.
	if t, err := time.Parse(time.RFC3339, strings.Replace(v, " ", "+", 1)); err == nil {
		return t, nil
	}
	return time.Time{}, &RangeError{Param: param,
		Reason: fmt.Sprintf("%q is not a date (2026-11-01) or an RFC 3339 time (2026-11-01T09:00:00-07:00)", clip(v, 40))}
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// IsRangeError reports whether err is a bad from or to.
func IsRangeError(err error) bool {
	var re *RangeError
	return errors.As(err, &re)
}

// CSV writes rep as one long table, the shape spreadsheets pivot: a header
// row, then one row per figure with the columns scope, name, metric, value.
// scope is range (from, to), total, channel (leads by how they came),
// reason (handoffs by reason), source or rep; name is the channel, the
// reason, the source or the rep's name ("" for total and
// range). Rates come with their _count and _of; a percentile of no samples
// is an empty value. Times are RFC 3339. A name a spreadsheet would run as
// a formula (=, +, -, @) is written with a leading apostrophe.
func CSV(w io.Writer, rep Report) error {
	cw := csv.NewWriter(w)
	row := func(scope, name, metric, value string) {
		_ = cw.Write([]string{scope, cellText(name), metric, value}) // the error sticks; Flush reports it
	}
	num := func(scope, name, metric string, n int) { row(scope, name, metric, strconv.Itoa(n)) }
	rate := func(scope, name, metric string, r Rate) {
		row(scope, name, metric+"_rate", formatFloat(r.Rate))
		num(scope, name, metric+"_count", r.Count)
		num(scope, name, metric+"_of", r.Of)
	}
	pct := func(scope, name, metric string, p Percentiles) {
		row(scope, name, metric+"_p50", formatOptional(p.P50))
		row(scope, name, metric+"_p90", formatOptional(p.P90))
		num(scope, name, metric+"_of", p.Of)
	}
	row("scope", "name", "metric", "value")
	row("range", "", "from", rep.From.Format(time.RFC3339))
	row("range", "", "to", rep.To.Format(time.RFC3339))

	num("total", "", "leads", rep.Leads)
	rate("total", "", "ai_first_response", rep.AIFirstResponse)
	pct("total", "", "speed_to_lead_seconds", rep.SpeedToLeadSeconds)
	num("total", "", "after_hours_leads", rep.AfterHoursLeads)
	num("total", "", "handoffs", rep.HandoffsTotal)
	pct("total", "", "handoff_claim_minutes", rep.HandoffClaimMinutes)
	rate("total", "", "handoff_conversion", rep.HandoffConversion)
	num("total", "", "opt_outs", rep.OptOuts)
	for _, ch := range sortedKeys(rep.OptOutsByChannel) {
		num("channel", ch, "opt_outs", rep.OptOutsByChannel[ch])
	}
	rate("total", "", "cadence_completion", rep.CadenceCompletion)
	num("total", "", "cadences_started", rep.Cadences.Started)
	num("total", "", "cadences_active", rep.Cadences.Active)

	for _, ch := range sortedKeys(rep.LeadsByChannel) {
		num("channel", ch, "leads", rep.LeadsByChannel[ch])
	}
	for _, reason := range sortedKeys(rep.Handoffs) {
		num("reason", reason, "handoffs", rep.Handoffs[reason])
	}
	for _, s := range rep.BySource {
		num("source", s.Source, "leads", s.Leads)
		rate("source", s.Source, "ai_first_response", s.AIFirstResponse)
		pct("source", s.Source, "speed_to_lead_seconds", s.SpeedToLeadSeconds)
		num("source", s.Source, "after_hours_leads", s.AfterHoursLeads)
		num("source", s.Source, "handoffs", s.Handoffs)
		rate("source", s.Source, "handoff_conversion", s.HandoffConversion)
		num("source", s.Source, "opt_outs", s.OptOuts)
	}
	for _, r := range rep.ByRep {
		num("rep", r.Name, "handoffs_assigned", r.HandoffsAssigned)
		num("rep", r.Name, "handoffs_claimed", r.HandoffsClaimed)
		row("rep", r.Name, "handoff_claim_minutes_p50", formatOptional(r.HandoffClaimMinutes.P50))
		row("rep", r.Name, "handoff_claim_minutes_p90", formatOptional(r.HandoffClaimMinutes.P90))
		num("rep", r.Name, "booked", r.Booked)
		rate("rep", r.Name, "conversion", r.Conversion)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report csv: %w", err)
	}
	return nil
}

// cellText keeps a spreadsheet from running a source or a name (which
// come from web forms) as a formula.
func cellText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func formatOptional(f *float64) string {
	if f == nil {
		return ""
	}
	return formatFloat(*f)
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
