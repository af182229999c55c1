// Package hours owns a business's weekly opening hours in its time zone:
// parsing the schedule an admin writes ("Mon-Fri 09:00-17:00"), whether a
// moment is inside it, when it next opens, and how to say that moment to a
// lead. It keeps no state and knows nothing of reps or messages.
package hours

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

const (
	dayMinutes  = 24 * 60
	weekMinutes = 7 * dayMinutes

	// maxZoneChanges bounds the search in NextOpen and NextClose. Each step
	// either answers or moves to the zone's next offset change, and no zone
	// changes offset more than a few times a week, while every wall minute of
	// the week comes round within seven days between changes.
	maxZoneChanges = 16
)

// Schedule is a weekly opening schedule in one time zone. The zero Schedule
// is never open. A Schedule is immutable and safe to share between goroutines.
type Schedule struct {
	loc *time.Location
	tz  string
	// spans are the open minutes of the local week, counted from Sunday
	// 00:00 wall time: sorted, disjoint and never touching, so that two
	// schedules open at the same wall minutes have equal spans.
	spans []weekSpan
}

// weekSpan is [start, end) in minutes of the week, 0 <= start < end <= weekMinutes.
type weekSpan struct{ start, end int }

// daySpan is [start, end) in minutes after the midnight of the day it
// belongs to; end passes 24:00 when the span runs overnight.
type daySpan struct{ start, end int }

// Parse reads a schedule such as "Mon-Fri 09:00-17:00" in the IANA time
// zone tz ("America/Denver"; "" or "UTC" for UTC).
//
// Entries are separated by "," or ";" and each is a list of days followed
// by one or more spans, or by "closed". A later entry replaces the hours of
// the days it names, so "Mon-Sun 09:00-17:00, Sun closed" is closed on
// Sunday. A span that ends before it starts runs into the next day. The
// whole schedule may also be "" or "closed" (never open) or "24/7" or
// "always".
func Parse(spec, tz string) (Schedule, error) {
	loc, name, err := loadZone(tz)
	if err != nil {
		return Schedule{}, fmt.Errorf("hours %q: %w", spec, err)
	}
	days, err := parseSpec(lex(spec))
	if err != nil {
		return Schedule{}, fmt.Errorf("hours %q: %w", spec, err)
	}
	return Schedule{loc: loc, tz: name, spans: weekSpans(days)}, nil
}

// MustParse is Parse for tests and built-in defaults; it panics on error.
func MustParse(spec, tz string) Schedule {
	s, err := Parse(spec, tz)
	if err != nil {
		panic(err)
	}
	return s
}

func loadZone(tz string) (*time.Location, string, error) {
	switch tz {
	case "", "UTC":
		return time.UTC, "UTC", nil
	case "Local":
		// The server's zone says nothing about the business's.
		return nil, "", fmt.Errorf("time zone %q: name an IANA zone such as America/Denver", tz)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, "", fmt.Errorf("time zone %q: %w", tz, err)
	}
	return loc, tz, nil
}

// Open reports whether t is inside an opening span: start inclusive, end
// exclusive, by the wall clock of the schedule's zone.
func (s Schedule) Open(t time.Time) bool {
	return s.openAt(weekMinute(t.In(s.Location())))
}

// NextOpen returns t itself when the schedule is open at t, otherwise the
// first later instant at which it is; the zero time when the schedule is
// never open. The result is in the schedule's zone. A span that starts in a
// spring-forward gap opens at the first instant after the gap.
func (s Schedule) NextOpen(t time.Time) time.Time {
	if s.IsZero() {
		return time.Time{}
	}
	return s.next(t, true)
}

// NextClose returns when the span containing t ends: the first instant
// after t at which the schedule is closed, in the schedule's zone. It
// returns the zero time when the schedule is closed at t, and when it never
// closes (24/7), so callers ask Open first.
func (s Schedule) NextClose(t time.Time) time.Time {
	if s.alwaysOpen() || !s.Open(t) {
		return time.Time{}
	}
	return s.next(t, false)
}

// Location returns the schedule's time zone; UTC for the zero Schedule.
func (s Schedule) Location() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

// TimeZone returns the IANA name the schedule was parsed with, "UTC" for
// the zero Schedule or an empty name.
func (s Schedule) TimeZone() string {
	if s.tz == "" {
		return "UTC"
	}
	return s.tz
}

// IsZero reports whether the schedule is never open.
func (s Schedule) IsZero() bool { return len(s.spans) == 0 }

// Equal reports whether s and o are open at the same wall minutes of the
// week in the same named zone, however each was written.
func (s Schedule) Equal(o Schedule) bool {
	return s.TimeZone() == o.TimeZone() && slices.Equal(s.spans, o.spans)
}

// Say tells a lead when t is, relative to now, in the schedule's zone, for
// a text message: "today at 9:00 AM", "tomorrow at 9:00 AM", "Monday at
// 9:00 AM" within the coming week, "Mon, Jan 5 at 9:00 AM" otherwise.
func (s Schedule) Say(t, now time.Time) string {
	loc := s.Location()
	t, now = t.In(loc), now.In(loc)
	clock := t.Format("3:04 PM")
	switch days := civilDay(t) - civilDay(now); {
	case days == 0:
		return "today at " + clock
	case days == 1:
		return "tomorrow at " + clock
	case days >= 2 && days <= 6:
		return t.Weekday().String() + " at " + clock
	default:
		return t.Format("Mon, Jan 2") + " at " + clock
	}
}

// civilDay numbers t's calendar date, so that subtracting two gives whole
// days even across a DST change, when a local day is 23 or 25 hours long.
func civilDay(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// String returns the schedule in canonical form, such as
// "Mon-Fri 09:00-17:00, Sat 10:00-14:00"; Parse(s.String(), s.TimeZone())
// returns a schedule Equal to s.
func (s Schedule) String() string {
	switch {
	case s.IsZero():
		return "closed"
	case s.alwaysOpen():
		return "24/7"
	}
	var days [7][]daySpan
	for _, r := range s.runs() {
		for start, length := r.start, r.end-r.start; length > 0; {
			day, at := start/dayMinutes%7, start%dayMinutes
			n := min(length, dayMinutes-at)
			if length < dayMinutes {
				// Shorter than a day: one overnight span reads better than two.
				n = length
			}
			days[day] = append(days[day], daySpan{at, at + n})
			start, length = start+n, length-n
		}
	}
	for d := range days {
		slices.SortFunc(days[d], func(a, b daySpan) int { return a.start - b.start })
	}
	var entries []string
	var done [7]bool
	for i, d := range mondayFirst {
		if done[d] || len(days[d]) == 0 {
			continue
		}
		var same []int // positions in mondayFirst
		for j := i; j < len(mondayFirst); j++ {
			if e := mondayFirst[j]; !done[e] && slices.Equal(days[e], days[d]) {
				done[e] = true
				same = append(same, j)
			}
		}
		entries = append(entries, sayDays(same)+" "+saySpans(days[d]))
	}
	return strings.Join(entries, ", ")
}

// runs returns the open stretches of the week, joining the one that runs
// through Saturday midnight into Sunday; its end then passes weekMinutes.
func (s Schedule) runs() []weekSpan {
	n := len(s.spans)
	if n < 2 || s.spans[0].start != 0 || s.spans[n-1].end != weekMinutes {
		return s.spans
	}
	runs := slices.Clone(s.spans[1 : n-1])
	return append(runs, weekSpan{s.spans[n-1].start, weekMinutes + s.spans[0].end})
}

var mondayFirst = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// sayDays writes positions in mondayFirst as "Mon-Fri" or "Mon,Wed,Sat-Sun".
func sayDays(positions []int) string {
	if len(positions) == 7 {
		return "Daily"
	}
	var parts []string
	for i := 0; i < len(positions); {
		j := i
		for j+1 < len(positions) && positions[j+1] == positions[j]+1 {
			j++
		}
		part := shortDay(mondayFirst[positions[i]])
		if j > i {
			part += "-" + shortDay(mondayFirst[positions[j]])
		}
		parts = append(parts, part)
		i = j + 1
	}
	return strings.Join(parts, ",")
}

func shortDay(d time.Weekday) string { return d.String()[:3] }

func saySpans(spans []daySpan) string {
	parts := make([]string, len(spans))
	for i, sp := range spans {
		end := sp.end
		if end > dayMinutes {
			end -= dayMinutes
		}
		parts[i] = hhmm(sp.start) + "-" + hhmm(end)
	}
	return strings.Join(parts, " ")
}

func hhmm(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

func (s Schedule) alwaysOpen() bool {
	return len(s.spans) == 1 && s.spans[0] == weekSpan{0, weekMinutes}
}

// weekMinute is t's wall-clock minute of the week in t's own location.
func weekMinute(t time.Time) int {
	return int(t.Weekday())*dayMinutes + t.Hour()*60 + t.Minute()
}

func (s Schedule) openAt(minute int) bool {
	i := sort.Search(len(s.spans), func(i int) bool { return s.spans[i].end > minute })
	return i < len(s.spans) && s.spans[i].start <= minute
}

// minutesUntil counts wall minutes from the start of minute until the first
// minute whose openness is open, going round the week. The caller makes sure
// minute itself is not, and that such a minute exists.
func (s Schedule) minutesUntil(minute int, open bool) int {
	i := sort.Search(len(s.spans), func(i int) bool { return s.spans[i].end > minute })
	if open {
		if i < len(s.spans) {
			return s.spans[i].start - minute
		}
		return s.spans[0].start + weekMinutes - minute
	}
	end := s.spans[i].end
	if end == weekMinutes && s.spans[0].start == 0 {
		end += s.spans[0].end
	}
	return end - minute
}

// next finds the first instant from t whose openness is open. Between two
// offset changes of the zone, wall time moves with real time, so the answer
// is plain arithmetic on wall minutes; when that answer falls past the next
// change (a DST gap or a repeated hour), it starts again from the change.
func (s Schedule) next(t time.Time, open bool) time.Time {
	cur := t.In(s.Location())
	for range maxZoneChanges {
		minute := weekMinute(cur)
		if s.openAt(minute) == open {
			return cur
		}
		ahead := time.Duration(s.minutesUntil(minute, open))*time.Minute -
			time.Duration(cur.Second())*time.Second - time.Duration(cur.Nanosecond())
		candidate := cur.Add(ahead)
		_, change := cur.ZoneBounds()
		if change.IsZero() || candidate.Before(change) {
			return candidate
		}
		cur = change
	}
	return time.Time{}
}

// weekSpans turns each day's spans into the schedule's canonical spans.
func weekSpans(days [7][]daySpan) []weekSpan {
	var all []weekSpan
	for d, spans := range days {
		for _, sp := range spans {
			start, end := d*dayMinutes+sp.start, d*dayMinutes+sp.end
			if end <= weekMinutes {
				all = append(all, weekSpan{start, end})
				continue
			}
			// Saturday night runs into Sunday morning at the start of the week.
			all = append(all, weekSpan{start, weekMinutes}, weekSpan{0, end - weekMinutes})
		}
	}
	slices.SortFunc(all, func(a, b weekSpan) int { return a.start - b.start })
	var merged []weekSpan
	for _, sp := range all {
		if n := len(merged); n > 0 && sp.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// The spec grammar.

var dashes = strings.NewReplacer("\u2013", "-", "\u2014", "-")

// lex splits a spec into words, with each "," and ";" a word of its own,
// and rejoins what admins split with spaces: "Mon - Fri", "9 am - 5 pm".
func lex(spec string) []string {
	var words []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			words = append(words, word.String())
			word.Reset()
		}
	}
	for _, r := range dashes.Replace(spec) {
		switch {
		case r == ',' || r == ';':
			flush()
			words = append(words, string(r))
		case unicode.IsSpace(r):
			flush()
		default:
			word.WriteRune(r)
		}
	}
	flush()
	var out []string
	for _, w := range words {
		if n := len(out); n > 0 && !isSep(out[n-1]) && !isSep(w) && joins(out[n-1], w) {
			out[n-1] += w
			continue
		}
		out = append(out, w)
	}
	return out
}

func joins(prev, next string) bool {
	if strings.HasSuffix(prev, "-") || strings.HasPrefix(next, "-") {
		return true
	}
	if last := prev[len(prev)-1]; last < '0' || last > '9' {
		return false
	}
	lower := strings.ToLower(next)
	for _, m := range []string{"am", "pm"} {
		if rest, ok := strings.CutPrefix(lower, m); ok && (rest == "" || rest[0] == '-') {
			return true
		}
	}
	return false
}

func isSep(w string) bool { return w == "," || w == ";" }

func startsWithDigit(w string) bool { return w != "" && w[0] >= '0' && w[0] <= '9' }

// daySet holds one bit per time.Weekday.
type daySet uint8

const (
	everyDay daySet = 1<<7 - 1
	weekdays daySet = everyDay &^ (1<<time.Sunday | 1<<time.Saturday)
	weekends daySet = 1<<time.Sunday | 1<<time.Saturday
)

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday,
	"mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday,
}

var dayGroups = map[string]daySet{
	"daily": everyDay, "everyday": everyDay,
	"weekdays": weekdays, "weekday": weekdays,
	"weekends": weekends, "weekend": weekends,
}

type parser struct {
	words []string
	pos   int
}

func (p *parser) peek(at int) string {
	if at < len(p.words) {
		return p.words[at]
	}
	return ""
}

func parseSpec(words []string) ([7][]daySpan, error) {
	var days [7][]daySpan
	var content []string
	for _, w := range words {
		if !isSep(w) {
			content = append(content, w)
		}
	}
	if len(content) == 0 || len(content) == 1 && strings.EqualFold(content[0], "closed") {
		return days, nil
	}
	p := &parser{words: words}
	for p.pos < len(p.words) {
		switch w := strings.ToLower(p.words[p.pos]); {
		case isSep(w):
			p.pos++
			continue
		case w == "24/7" || w == "always":
			for d := range days {
				days[d] = []daySpan{{0, dayMinutes}}
			}
			p.pos++
			continue
		}
		set, named, err := p.days()
		if err != nil {
			return days, err
		}
		spans, err := p.spans(named)
		if err != nil {
			return days, err
		}
		for d := range days {
			if set&(1<<d) != 0 {
				days[d] = spans
			}
		}
	}
	return days, nil
}

// days reads a list of days ("Mon,Wed", "Mon-Fri Sat", "Every day") and
// returns them with the words that named them, for error messages.
func (p *parser) days() (daySet, string, error) {
	var set daySet
	var named []string
	for {
		d, width, err := p.dayAt(p.pos)
		if err != nil {
			return 0, "", err
		}
		set |= d
		named = append(named, p.words[p.pos:p.pos+width]...)
		p.pos += width
		// A comma followed by another day continues the list; a comma
		// after the hours starts the next entry.
		if p.peek(p.pos) == "," {
			if _, _, err := p.dayAt(p.pos + 1); err == nil {
				p.pos++
				continue
			}
		}
		if _, _, err := p.dayAt(p.pos); err != nil {
			return set, strings.Join(named, ","), nil
		}
	}
}

// dayAt reads the day word at position at and says how many words it took.
func (p *parser) dayAt(at int) (daySet, int, error) {
	raw := p.peek(at)
	w := strings.TrimSuffix(strings.ToLower(raw), ":")
	if w == "every" && strings.TrimSuffix(strings.ToLower(p.peek(at+1)), ":") == "day" {
		return everyDay, 2, nil
	}
	if set, ok := dayGroups[w]; ok {
		return set, 1, nil
	}
	if d, ok := dayNames[w]; ok {
		return 1 << d, 1, nil
	}
	if from, to, ok := strings.Cut(w, "-"); ok {
		a, okA := dayNames[from]
		b, okB := dayNames[to]
		if okA && okB {
			return dayRange(a, b), 1, nil
		}
	}
	switch {
	case raw == "":
		return 0, 0, fmt.Errorf("missing days at the end")
	case isSep(raw):
		return 0, 0, fmt.Errorf("%q where a day should be", raw)
	case startsWithDigit(w):
		return 0, 0, fmt.Errorf("%s needs days before it, as in \"Mon-Fri %s\"", raw, raw)
	case w == "closed":
		return 0, 0, fmt.Errorf("%q needs days before it, as in \"Sun closed\"", raw)
	}
	return 0, 0, fmt.Errorf("%q is not a day of the week", raw)
}

// dayRange includes both ends and wraps past Sunday: "Fri-Mon" is four days.
func dayRange(from, to time.Weekday) daySet {
	var set daySet
	for d := from; ; d = (d + 1) % 7 {
		set |= 1 << d
		if d == to {
			return set
		}
	}
}

// spans reads the hours after a list of days: "closed", or spans separated
// by spaces or commas. A nil result means closed.
func (p *parser) spans(named string) ([]daySpan, error) {
	if p.peek(p.pos) == "," {
		if next := p.peek(p.pos + 1); startsWithDigit(next) || strings.EqualFold(next, "closed") {
			p.pos++
		}
	}
	if strings.EqualFold(p.peek(p.pos), "closed") {
		p.pos++
		return nil, nil
	}
	var spans []daySpan
	for startsWithDigit(p.peek(p.pos)) {
		sp, err := parseSpan(p.words[p.pos])
		if err != nil {
			return nil, err
		}
		spans = append(spans, sp)
		p.pos++
		if p.peek(p.pos) == "," && startsWithDigit(p.peek(p.pos+1)) {
			p.pos++
		}
	}
	if len(spans) > 0 {
		return spans, nil
	}
	if next := p.peek(p.pos); next != "" && !isSep(next) {
		return nil, fmt.Errorf("%q after %q is not a span of hours such as 09:00-17:00", next, named)
	}
	return nil, fmt.Errorf("missing times after %q", named)
}

// clock is one side of a span as written.
type clock struct {
	hour, minute int
	meridiem     byte // 'a' or 'p'; 0 on a 24-hour clock
	hourDigits   int
}

func parseClock(text string) (clock, bool) {
	w := strings.ToLower(text)
	var c clock
	if rest, ok := strings.CutSuffix(w, "am"); ok {
		w, c.meridiem = rest, 'a'
	} else if rest, ok := strings.CutSuffix(w, "pm"); ok {
		w, c.meridiem = rest, 'p'
	}
	hh, mm, hasMinutes := strings.Cut(w, ":")
	if !isDigits(hh, 1, 2) || hasMinutes && !isDigits(mm, 2, 2) {
		return c, false
	}
	c.hour, _ = strconv.Atoi(hh)
	c.hourDigits = len(hh)
	if hasMinutes {
		c.minute, _ = strconv.Atoi(mm)
	}
	switch {
	case c.minute > 59:
		return c, false
	case c.meridiem != 0:
		return c, c.hour >= 1 && c.hour <= 12
	default:
		return c, c.hour < 24 || c.hour == 24 && c.minute == 0
	}
}

func isDigits(s string, least, most int) bool {
	if len(s) < least || len(s) > most {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (c clock) minutes() int {
	h := c.hour
	switch {
	case c.meridiem == 'a' && h == 12:
		h = 0
	case c.meridiem == 'p' && h != 12:
		h += 12
	}
	return h*60 + c.minute
}

func otherMeridiem(m byte) byte {
	if m == 'a' {
		return 'p'
	}
	return 'a'
}

// say12 writes minutes after midnight as "9am" or "5:30pm".
func say12(minutes int) string {
	h, m, mer := minutes/60%24, minutes%60, "am"
	if h >= 12 {
		mer = "pm"
	}
	if h = h % 12; h == 0 {
		h = 12
	}
	if m == 0 {
		return fmt.Sprintf("%d%s", h, mer)
	}
	return fmt.Sprintf("%d:%02d%s", h, m, mer)
}

// parseSpan reads "09:00-17:00", "9-17", "9am-5pm", "9-5pm" or "22:00-02:00".
func parseSpan(word string) (daySpan, error) {
	from, to, ok := strings.Cut(word, "-")
	if !ok || strings.Contains(to, "-") {
		return daySpan{}, fmt.Errorf("%s is not a span of hours such as 09:00-17:00", word)
	}
	a, ok := parseClock(from)
	if !ok {
		return daySpan{}, fmt.Errorf("%s is not a time of day", from)
	}
	b, ok := parseClock(to)
	if !ok {
		return daySpan{}, fmt.Errorf("%s is not a time of day", to)
	}
	// "9-5pm" means 9am, "1-5pm" 1pm: the bare side takes the other's
	// meridiem unless that would put the span the wrong way round.
	switch {
	case a.meridiem == 0 && b.meridiem != 0 && a.hour >= 1 && a.hour <= 12:
		if a.meridiem = b.meridiem; a.minutes() >= b.minutes() {
			a.meridiem = otherMeridiem(b.meridiem)
		}
	case b.meridiem == 0 && a.meridiem != 0 && b.hour >= 1 && b.hour <= 12:
		if b.meridiem = a.meridiem; b.minutes() <= a.minutes() {
			b.meridiem = otherMeridiem(a.meridiem)
		}
	}
	start, end := a.minutes(), b.minutes()
	switch {
	case start == dayMinutes:
		return daySpan{}, fmt.Errorf("%s cannot start at 24:00; write 00:00", word)
	case start == end && start == 0:
		return daySpan{}, fmt.Errorf("%s starts and ends at the same time; write 00:00-24:00 for the whole day", word)
	case start == end:
		return daySpan{}, fmt.Errorf("%s starts and ends at the same time", word)
	case end < start && a.meridiem == 0 && b.meridiem == 0 && a.hour <= 12 && b.hourDigits == 1:
		// "9-5" is office hours to most people and 20 overnight hours on a
		// 24-hour clock; guessing either way misleads leads.
		return daySpan{}, fmt.Errorf("%s is ambiguous: write %s-%s, or %s-%s to run overnight",
			word, say12(start), say12(end+12*60), hhmm(start), hhmm(end))
	case end < start:
		end += dayMinutes
	}
	return daySpan{start, end}, nil
}
