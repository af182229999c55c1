package agent

import (
	"regexp"
	"strconv"
	"strings"
)

// This file reads times and promises of time: a time of day ("3pm", "by
// noon", "a las tres"), a weekday, a date, a wait ("within the hour", "in
// 20 minutes", "en una hora"), a day named by today ("tomorrow morning",
// "esta noche") and haste ("right away", "on the way", "en camino").

var (
	// relativeDayWords name a day by today's date: the evidence must say
	// the same for a visit or call on it.
	relativeDayWords = []string{"today", "tonight", "tomorrow", "this morning", "this afternoon",
		"this evening", "this weekend", "next week", "later today", "first thing", "end of day", "end of the day", "eod",
		"hoy", "esta noche", "esta tarde", "esta manana", "manana", "pasado manana", "este fin de semana", "la proxima semana"}
	// hasteWords promise speed without a number: said of a visit or a
	// call they are a promise of time the evidence must make.
	hasteWords = []string{"right away", "right now", "immediately", "asap", "as soon as possible", "shortly", "soon",
		"in a bit", "in a jiffy", "any minute", "in no time", "in a few minutes", "in a few", "within minutes", "straight away",
		"pronto", "de inmediato", "inmediatamente", "enseguida", "en seguida", "ahora mismo", "lo antes posible"}
	// onTheWayWords say someone is already coming: a promise whatever
	// verb goes with it.
	onTheWayWords = []string{"on the way", "on our way", "on his way", "on her way", "on their way", "en route", "enroute",
		"headed your way", "heading your way", "heading over", "dispatched", "en camino", "va para alla", "ya vamos"}
)

var weekdayNames = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// spanishWeekdays are the weekdays in Spanish (folded), by English name.
var spanishWeekdays = map[string]string{"lunes": "monday", "martes": "tuesday", "miercoles": "wednesday", "jueves": "thursday",
	"viernes": "friday", "sabado": "saturday", "sabados": "saturday", "domingo": "sunday", "domingos": "sunday"}

var monthNumbers = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
	"ene": 1, "abr": 4, "ago": 8, "dic": 12}

var (
	reClock       = regexp.MustCompile(`\b(\d{1,2})(?:[:.h]([0-5]\d))? ?([ap])\.? ?m\b\.?`)
	reClock24     = regexp.MustCompile(`\b([01]?\d|2[0-3]):([0-5]\d)\b`)
	reNoon        = regexp.MustCompile(`\b(noon|midday|midnight|mediodia|medianoche)\b`)
	reOClock      = regexp.MustCompile(`\b(\d{1,2}) ?o'?clock\b`)
	reSpanishHour = regexp.MustCompile(`\ba las? (\d{1,2})(?:[:.](\d{2}))?(?: (?:de la|del) (manana|tarde|noche))?\b`)
	// "by 5", "before 3", "at 4 today": an hour without its half of the
	// day, when nothing after it makes it a count.
	reBareHour      = regexp.MustCompile(`\b(?:by|before|at|around|until|till|after) (\d{1,2})(?:\s*[.,!?;](?:\s|$)|\s*$|\s+(?:today|tonight|tomorrow|this|on|o'clock)\b)`)
	reWeekdayName   = regexp.MustCompile(`\b(` + strings.Join(weekdayNames, "|") + `|lunes|martes|miercoles|jueves|viernes|sabados?|domingos?)s?\b`)
	reDayAbbr       = regexp.MustCompile(`\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b`)
	reDayRange      = regexp.MustCompile(`\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.? ?(?:-|to|through|thru|until) ?(mon|tue|wed|thu|fri|sat|sun)[a-z]*`)
	reMonthDay      = regexp.MustCompile(`\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (\d{1,2})(?:st|nd|rd|th)?\b`)
	reDayMonth      = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)? (?:of |de )?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic)[a-z]*\b`)
	reNumDate       = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})(?:/\d{2,4})?\b`)
	reISODate       = regexp.MustCompile(`\b\d{4}-(\d{2})-(\d{2})\b`)
	relDayPhrases   = newPhraseSet(relativeDayWords)
	hastePhrases    = newPhraseSet(hasteWords)
	onTheWayPhrases = newPhraseSet(onTheWayWords)
	// Waits: "within 45 minutes", "in an hour", "within the hour", "under
	// 2 hours", "en 1 hora", "dentro de media hora", "be there in 20".
	reWait       = regexp.MustCompile(`\b(?:within|in|under|inside of|in less than|less than|en|dentro de|en menos de|antes de) (?:the next |the |an? |about |around |just |only |unos |una |un |la proxima )?(\d+|half an?|media|a couple of|a few|un par de)? ?(minutes?|mins?|hours?|hrs?|minutos?|horas?)\b`)
	reBareWait   = regexp.MustCompile(`\b(?:there|here|over|out|arrive|llegamos|llega|estamos ahi|estaremos ahi) (?:in|en) (\d{1,2})\b(?:\s*[.,!?;]|\s*$)`)
	reArrival    = regexp.MustCompile(`\b(come|coming|comes|visit|arrive|arriving|arrives|be there|be at your|at your door|out there|over there|stop by|swing by|send(?:ing)? (?:a|someone|somebody|out|over|the)|dispatch\w*|show up|head over|drive over|get there|see you|llega\w*|ir a su|ira|iremos|enviar\w*|mandar\w*|visita\w*|estara ahi|estaremos ahi)\b`)
	reScheduling = regexp.MustCompile(`\b(come|coming|visit|arrive|arriving|appointment|appt|schedul\w*|book\w*|send|sending|technician|tech|be there|stop by|call you|call back|reach out|get back|get to you|available|availability|opening|slot|out there|swing by|see you|all set|confirmed|locked in|reserved|pencil\w*|you're on|works for|cita|agend\w*|program\w*|confirmad\w*|reservad\w*|tecnico|llamar\w*|visita\w*|llega\w*|venir|vamos)\b`)
)

// containsAny reports whether s contains any of subs.
func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// clockTime is a time of day: exact ("15:00") when the half of the day is
// known, loose ("~3:00", twelve-hour) always.
type clockTime struct{ exact, loose string }

func mkClock(h, m int, half string) clockTime {
	t := clockTime{loose: "~" + strconv.Itoa(h%12) + ":" + twoDigits(m)}
	switch {
	case half == "a":
		t.exact = twoDigits(h%12) + ":" + twoDigits(m)
	case half == "p":
		t.exact = twoDigits(h%12+12) + ":" + twoDigits(m)
	case h > 12 || h == 0:
		t.exact = twoDigits(h) + ":" + twoDigits(m)
	}
	return t
}

// timesIn returns the times of day in folded, spelled-out text, with
// where each is.
func timesIn(s string) []claim {
	if !hasDigit(s) && !reNoon.MatchString(s) {
		return nil
	}
	var out []claim
	add := func(t clockTime, at []int) {
		out = append(out, claim{kind: claimClock, value: t.loose, exact: t.exact, at: at})
	}
	covered := map[int]bool{}
	for _, m := range reClock.FindAllStringSubmatchIndex(s, -1) {
		h, _ := strconv.Atoi(s[m[2]:m[3]])
		minute := 0
		if m[4] >= 0 {
			minute, _ = strconv.Atoi(s[m[4]:m[5]])
		}
		if h > 12 {
			continue
		}
		covered[m[2]] = true
		add(mkClock(h, minute, s[m[6]:m[7]]), m[:2])
	}
	for _, m := range reClock24.FindAllStringSubmatchIndex(s, -1) {
		if covered[m[2]] {
			continue
		}
		covered[m[2]] = true
		h, _ := strconv.Atoi(s[m[2]:m[3]])
		minute, _ := strconv.Atoi(s[m[4]:m[5]])
		add(mkClock(h, minute, ""), m[:2])
	}
	for _, m := range reNoon.FindAllStringIndex(s, -1) {
		if w := s[m[0]:m[1]]; w == "midnight" || w == "medianoche" {
			add(mkClock(0, 0, "a"), m)
		} else {
			add(mkClock(12, 0, "p"), m)
		}
	}
	for _, re := range []*regexp.Regexp{reOClock, reBareHour} {
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			if covered[m[2]] {
				continue
			}
			covered[m[2]] = true
			if h, _ := strconv.Atoi(s[m[2]:m[3]]); h <= 24 {
				add(mkClock(h, 0, ""), m[:2])
			}
		}
	}
	for _, m := range reSpanishHour.FindAllStringSubmatchIndex(s, -1) {
		if covered[m[2]] {
			continue
		}
		h, _ := strconv.Atoi(s[m[2]:m[3]])
		minute := 0
		if m[4] >= 0 {
			minute, _ = strconv.Atoi(s[m[4]:m[5]])
		}
		half := ""
		switch sub(s, m, 3) {
		case "manana":
			half = "a"
		case "tarde", "noche":
			half = "p"
		}
		if h <= 24 {
			add(mkClock(h, minute, half), m[:2])
		}
	}
	return out
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// weekdaysIn returns the days named in folded text; for evidence,
// abbreviations count and ranges ("mon-fri", "monday to friday") give
// every day in them.
func weekdaysIn(s string, evidence bool) []claim {
	if !containsAny(s, "day", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo") {
		return nil
	}
	var out []claim
	add := func(day string, at []int) { out = append(out, claim{kind: claimDay, value: day, at: at}) }
	for _, m := range reWeekdayName.FindAllStringSubmatchIndex(s, -1) {
		day := s[m[2]:m[3]]
		if en, ok := spanishWeekdays[day]; ok {
			day = en
		}
		add(day, m[:2])
	}
	if !evidence {
		return out
	}
	index := func(abbr string) int {
		for i, d := range weekdayNames {
			if strings.HasPrefix(d, abbr[:3]) {
				return i
			}
		}
		return -1
	}
	for _, m := range reDayAbbr.FindAllStringSubmatchIndex(s, -1) {
		if i := index(s[m[2]:m[3]]); i >= 0 {
			add(weekdayNames[i], m[:2])
		}
	}
	for _, m := range reDayRange.FindAllStringSubmatchIndex(s, -1) {
		from, to := index(s[m[2]:m[3]]), index(s[m[4]:m[5]])
		if from < 0 || to < 0 {
			continue
		}
		for i := from; ; i = (i + 1) % 7 {
			add(weekdayNames[i], m[:2])
			if i == to {
				break
			}
		}
	}
	return out
}

// datesIn returns calendar dates as "month/day".
func datesIn(s string) []claim {
	if !hasDigit(s) {
		return nil
	}
	var out []claim
	add := func(month, day int, at []int) {
		if month >= 1 && month <= 12 && day >= 1 && day <= 31 {
			out = append(out, claim{kind: claimDate, value: strconv.Itoa(month) + "/" + strconv.Itoa(day), at: at})
		}
	}
	for _, m := range reMonthDay.FindAllStringSubmatchIndex(s, -1) {
		d, _ := strconv.Atoi(s[m[4]:m[5]])
		add(monthNumbers[s[m[2]:m[3]]], d, m[:2])
	}
	for _, m := range reDayMonth.FindAllStringSubmatchIndex(s, -1) {
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		add(monthNumbers[s[m[4]:m[5]]], d, m[:2])
	}
	for _, m := range reNumDate.FindAllStringSubmatchIndex(s, -1) {
		if reFractionUnit.MatchString(s[m[1]:]) || reMixedNumber.MatchString(s[:m[0]]) {
			continue // "3/4 inch", "33 1/3%": a size or a share, not a date
		}
		mo, _ := strconv.Atoi(s[m[2]:m[3]])
		d, _ := strconv.Atoi(s[m[4]:m[5]])
		add(mo, d, m[:2])
	}
	for _, m := range reISODate.FindAllStringSubmatchIndex(s, -1) {
		mo, _ := strconv.Atoi(s[m[2]:m[3]])
		d, _ := strconv.Atoi(s[m[4]:m[5]])
		add(mo, d, m[:2])
	}
	return out
}

// reFractionUnit follows a fraction that is a size or a share.
var reFractionUnit = regexp.MustCompile(`^(?:[ -]?(?:inch|in\b|"|ton|cup|mile|lb|hp|horsepower|pulgada|%|percent\b|por ?ciento\b)|\s+(?:of an?|de)\b)`)

// reMixedNumber ends with the whole number before a fraction ("2 1/2").
var reMixedNumber = regexp.MustCompile(`\d[ -]$`)

// waitCounts are the counts a wait is said in without a digit.
var waitCounts = map[string]string{"": "1", "half an": "0.5", "half a": "0.5", "media": "0.5", "a couple of": "2", "un par de": "2", "a few": "few"}

// waitsIn returns promised waits in folded, spelled-out text, as "2
// hour", "0.5 hour", "20 minute".
func waitsIn(s string) []claim {
	if !hasDigit(s) && !containsAny(s, "min", "hour", "hr", "hora") {
		return nil
	}
	var out []claim
	for _, m := range reWait.FindAllStringSubmatchIndex(s, -1) {
		n := sub(s, m, 1)
		if w, ok := waitCounts[n]; ok {
			n = w
		}
		unit := "minute"
		if strings.HasPrefix(sub(s, m, 2), "h") {
			unit = "hour"
		}
		out = append(out, claim{kind: claimWait, value: n + " " + unit, at: m[:2]})
	}
	for _, m := range reBareWait.FindAllStringSubmatchIndex(s, -1) {
		out = append(out, claim{kind: claimWait, value: s[m[2]:m[3]] + " minute", at: m[:2]})
	}
	return out
}

// relativeDaysIn returns the days named by today ("tomorrow") and the
// haste ("right away") that folded text promises for a visit or a call,
// and anyone said to be on the way. Evidence gives them whatever verb
// goes with them.
func relativeDaysIn(s string, evidence bool) []claim {
	var out []claim
	for _, loc := range onTheWayPhrases.find(s) {
		out = append(out, claim{kind: claimSoon, value: "on the way", at: loc})
	}
	if !evidence && !reScheduling.MatchString(s) && !reArrival.MatchString(s) {
		return out
	}
	for _, loc := range relDayPhrases.find(s) {
		out = append(out, claim{kind: claimRelDay, value: strings.ReplaceAll(s[loc[0]:loc[1]], "-", " "), at: loc})
	}
	// "Someone will follow up soon" promises little; "a tech can come
	// right away" promises a visit.
	if evidence || reArrival.MatchString(s) || reStrongHaste.MatchString(s) {
		for _, loc := range hastePhrases.find(s) {
			if reNegated.MatchString(s[max(0, loc[0]-16):loc[0]]) {
				continue
			}
			out = append(out, claim{kind: claimSoon, value: strings.ReplaceAll(s[loc[0]:loc[1]], "-", " "), at: loc})
		}
	}
	return out
}

// reCount is a length of time or a distance: "24 hours", "a 3-hour
// window", "12 meses".
var reCount = regexp.MustCompile(`\b(\d+(?:\.\d+)?)[ -](hour|hr|minute|min|day|week|month|year|yr|mile|hora|minuto|dia|semana|mes|ano)(?:s|es)?\b`)

var countUnits = map[string]string{"hr": "hour", "min": "minute", "yr": "year", "hora": "hour", "minuto": "minute",
	"dia": "day", "semana": "week", "mes": "month", "ano": "year"}

// countsIn returns the lengths and distances in folded, spelled-out
// text, as "24 hour".
func countsIn(s string) []claim {
	if !hasDigit(s) {
		return nil
	}
	var out []claim
	for _, m := range reCount.FindAllStringSubmatchIndex(s, -1) {
		unit := s[m[4]:m[5]]
		if u, ok := countUnits[unit]; ok {
			unit = u
		}
		out = append(out, claim{kind: claimCount, value: normalizeNumber(s[m[2]:m[3]]) + " " + unit, at: m[:2]})
	}
	return out
}

// reStrongHaste is haste that is a promise even of a call.
var reStrongHaste = regexp.MustCompile(`\b(?:right away|right now|immediately|any minute|within minutes|in a few minutes|de inmediato|inmediatamente|enseguida|ahora mismo)\b`)
