package agent

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The words and phrases the fact rules look for, each list the one source
// of its rule's expression and of the words from which a streamed reply
// holds a sentence back to check it (streamHolds). A phrase's words match
// with a space or a hyphen between them: "money back", "money-back".
var (
	// freeWords state a price of nothing (statesFree tells "free" as a
	// price from "feel free").
	freeWords = []string{"free", "complimentary", "no charge", "no cost", "no extra charge", "no extra cost"}
	// discountWords announce a discount or promotion.
	discountWords = []string{"discount", "discounts", "discounted", "coupon", "coupons",
		"promo", "promos", "promotion", "promotions", "promotional", "rebate", "rebates",
		"on sale", "sale price", "half off", "bogo", "clearance"}
	// guaranteeWords give a guarantee, a warranty or a promise.
	guaranteeWords = []string{"guarantee", "guarantees", "guaranteed", "guaranteeing",
		"warranty", "warranties", "warrantied", "money back", "risk free", "lifetime",
		"we promise", "i promise", "promised"}
	// forLifeWords say a guarantee has no end.
	forLifeWords = []string{"lifetime", "for life", "forever", "for as long as you own"}
	// relativeDayWords name a day by today's date: the evidence must say
	// the same for a visit or call on it.
	relativeDayWords = []string{"today", "tonight", "tomorrow", "this morning", "this afternoon",
		"this evening", "this weekend", "next week", "later today", "first thing"}
)

// phrasePattern is a regular expression alternation matching any of the
// phrases, lower-cased, longest first.
func phrasePattern(phrases []string) string {
	alts := make([]string, 0, len(phrases))
	for _, p := range phrases {
		words := strings.Fields(p)
		for i, w := range words {
			words[i] = regexp.QuoteMeta(w)
		}
		alts = append(alts, strings.Join(words, "[ -]"))
	}
	slices.SortStableFunc(alts, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return strings.Join(alts, "|")
}

// evidenceIndex is what the evidence states, in the forms a reply would
// state it: amounts, percentages, times, days, dates, durations, words.
// Each set is built the first time a reply needs it: most replies state
// no date, and reading every chunk for dates would cost more than the
// rest of the check.
type evidenceIndex struct {
	lower     string // all evidence, folded and lower-cased
	money     map[string]bool
	percent   map[string]bool
	times     map[string]bool // "15:00" when the half of the day is known, "~3:00" always
	days      map[string]bool // "monday", with ranges ("Mon-Fri") expanded
	dates     map[string]bool // "10/5"
	durations map[string]bool // "24 hour"
	terms     map[string]bool // "2 year"
}

func newEvidenceIndex(texts []string) *evidenceIndex {
	return &evidenceIndex{lower: strings.ToLower(FoldGSM(strings.Join(texts, "\n")))}
}

// lazySet fills *set from the evidence on first use.
func (idx *evidenceIndex) lazySet(set *map[string]bool, extract func(string) []string) map[string]bool {
	if *set == nil {
		*set = map[string]bool{}
		for _, v := range extract(idx.lower) {
			(*set)[v] = true
		}
	}
	return *set
}

func (idx *evidenceIndex) moneySet() map[string]bool   { return idx.lazySet(&idx.money, moneyIn) }
func (idx *evidenceIndex) percentSet() map[string]bool { return idx.lazySet(&idx.percent, percentsIn) }
func (idx *evidenceIndex) daySet() map[string]bool {
	return idx.lazySet(&idx.days, func(s string) []string { return weekdaysIn(s, true) })
}
func (idx *evidenceIndex) dateSet() map[string]bool { return idx.lazySet(&idx.dates, datesIn) }
func (idx *evidenceIndex) durationSet() map[string]bool {
	return idx.lazySet(&idx.durations, durationsIn)
}
func (idx *evidenceIndex) termSet() map[string]bool { return idx.lazySet(&idx.terms, termLengthsIn) }
func (idx *evidenceIndex) timeSet() map[string]bool {
	return idx.lazySet(&idx.times, func(s string) []string {
		var out []string
		for _, t := range timesIn(s) {
			out = append(out, t.loose)
			if t.exact != "" {
				out = append(out, t.exact)
			}
		}
		return out
	})
}

// unsupported returns the guardrails that text breaks: each price,
// discount, guarantee or appointment time it states that the evidence
// does not.
func (idx *evidenceIndex) unsupported(text string) []string {
	lower := strings.ToLower(FoldGSM(text))
	var rules []string
	add := func(rule string) {
		for _, r := range rules {
			if r == rule {
				return
			}
		}
		rules = append(rules, rule)
	}
	for _, m := range moneyIn(lower) {
		if !idx.moneySet()[m] {
			add(GuardUnsupportedPrice)
		}
	}
	if statesFree(lower) && !idx.mentionsFree() {
		add(GuardUnsupportedPrice)
	}
	for _, p := range percentsIn(lower) {
		if !idx.percentSet()[p] {
			add(GuardUnsupportedDiscount)
		}
	}
	for _, m := range reDiscount.FindAllString(lower, -1) {
		if !strings.Contains(idx.lower, discountStem(m)) {
			add(GuardUnsupportedDiscount)
		}
	}
	if statesSpecial(lower) && !statesSpecial(idx.lower) {
		add(GuardUnsupportedDiscount)
	}
	for _, sentence := range SplitSentences(lower) {
		if idx.guaranteeUnsupported(sentence) {
			add(GuardUnsupportedGuarantee)
		}
		if idx.appointmentUnsupported(sentence) {
			add(GuardUnsupportedAppointment)
		}
	}
	return rules
}

// Prices: "$89", "$1,500.00", "USD 40", "$2k", "89 dollars".
var reMoneyAmount = regexp.MustCompile(`(?:\$|\busd ?)\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?:\s?(k)\b)?|\b(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))? ?(?:dollars?|bucks|usd)\b`)

// moneyIn returns the amounts in lower-cased text, normalised ("1500",
// "7.5").
func moneyIn(lower string) []string {
	var out []string
	for _, m := range reMoneyAmount.FindAllStringSubmatch(lower, -1) {
		whole, cents, thousands := m[1], m[2], m[3] == "k"
		if whole == "" {
			whole, cents = m[4], m[5]
		}
		n := whole
		if cents != "" {
			n += "." + cents
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(n, ",", ""), 64)
		if err != nil {
			continue
		}
		if thousands {
			v *= 1000
		}
		out = append(out, strconv.FormatFloat(v, 'f', -1, 64))
	}
	return out
}

// normalizeNumber writes a number without thousands separators or
// trailing zero decimals.
func normalizeNumber(n string) string {
	v, err := strconv.ParseFloat(strings.ReplaceAll(n, ",", ""), 64)
	if err != nil {
		return n
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

var rePercentage = regexp.MustCompile(`(\d+(?:\.\d+)?) ?(?:%|percent\b|per cent\b)`)

func percentsIn(lower string) []string {
	var out []string
	for _, m := range rePercentage.FindAllStringSubmatch(lower, -1) {
		out = append(out, normalizeNumber(m[1]))
	}
	return out
}

// "Free", as a price: not "feel free", "toll-free" or "free to call".
var (
	reFreePrice   = regexp.MustCompile(`\b(?:` + phrasePattern(freeWords) + `)\b`)
	reNotPriceFre = regexp.MustCompile(`(?:feel|toll|hands|worry|hassle|stress|trouble|care|smoke|scent|gluten|sugar|fragrance|duty)[ -]$`)
)

func statesFree(lower string) bool {
	for _, loc := range reFreePrice.FindAllStringIndex(lower, -1) {
		before := lower[max(0, loc[0]-12):loc[0]]
		after := lower[loc[1]:min(len(lower), loc[1]+4)]
		if reNotPriceFre.MatchString(before) || strings.HasPrefix(after, " to ") {
			continue
		}
		return true
	}
	return false
}

func (idx *evidenceIndex) mentionsFree() bool {
	return statesFree(idx.lower)
}

// Discounts and promotions a reply may not invent.
var reDiscount = regexp.MustCompile(`\b(?:` + phrasePattern(discountWords) + `)\b`)

// "Special" is a promotion next to an amount or a season, or as an
// offer: "$99 special", "tune-up special this month", "special offer".
var (
	reSpecial       = regexp.MustCompile(`\bspecials?\b`)
	reSpecialBefore = regexp.MustCompile(`(?:\$\d[\d,.]*k?|month(?:'s|ly)?|week(?:'s|ly)?|season(?:'s|al)?|holiday|spring|summer|fall|winter)(?:\s+[\w-]+){0,3}\s+$`)
	reSpecialAfter  = regexp.MustCompile(`^\s+(?:this|for|of the|offers?|deals?|prices?|pricing|rates?|promotions?|discounts?|until|ends|going on|running)\b`)
)

// statesSpecial reports whether lower-cased text announces a special.
func statesSpecial(lower string) bool {
	for _, loc := range reSpecial.FindAllStringIndex(lower, -1) {
		before := lower[max(0, loc[0]-40):loc[0]]
		after := lower[loc[1]:min(len(lower), loc[1]+20)]
		if reSpecialBefore.MatchString(before) || reSpecialAfter.MatchString(after) || strings.HasPrefix(lower[loc[0]:], "specials") {
			return true
		}
	}
	return false
}

// discountStem is what the evidence must mention for a discount word to
// be supported.
func discountStem(match string) string {
	match = strings.ReplaceAll(match, "-", " ") // "half-off"
	for _, stem := range []string{"discount", "coupon", "promo", "rebate", "sale", "half off", "bogo", "clearance"} {
		if strings.Contains(match, stem) {
			return stem
		}
	}
	return match
}

// Guarantees and promises.
var (
	reGuarantee = regexp.MustCompile(`\b(` + phrasePattern(guaranteeWords) + `)\b`)
	reNegated   = regexp.MustCompile(`(?:n't|\bnot|\bnever|\bno|\bcannot)\s+(?:\w+\s+){0,2}$`)
)

func guaranteeStem(word string) string {
	switch {
	case strings.HasPrefix(word, "guarantee"):
		return "guarantee"
	case strings.HasPrefix(word, "warrant"):
		return "warrant"
	case strings.HasPrefix(word, "money"):
		return "money"
	case strings.HasPrefix(word, "risk"):
		return "risk"
	case strings.Contains(word, "promise"):
		return "promise"
	}
	return word
}

// guaranteeUnsupported reports whether a sentence promises a guarantee or
// warranty that the evidence does not give, or gives for another length
// ("10-year warranty" where the knowledge says two years). "We can't
// guarantee" promises nothing.
func (idx *evidenceIndex) guaranteeUnsupported(sentence string) bool {
	found := false
	for _, loc := range reGuarantee.FindAllStringSubmatchIndex(sentence, -1) {
		if reNegated.MatchString(sentence[:loc[0]]) {
			continue
		}
		found = true
		if !strings.Contains(idx.lower, guaranteeStem(sentence[loc[2]:loc[3]])) {
			return true
		}
	}
	if !found {
		return false
	}
	for _, term := range termLengthsIn(sentence) {
		if !idx.termSet()[term] {
			return true
		}
	}
	return false
}

// reTermLength matches how long a guarantee or warranty runs: "2-year",
// "90 days", "six months".
var reTermLength = regexp.MustCompile(`\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)[ -](year|month|week|day)s?\b`)

// reForLife matches a guarantee without end.
var reForLife = regexp.MustCompile(`\b(?:` + phrasePattern(forLifeWords) + `)\b`)

var numberWords = map[string]string{"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
	"seven": "7", "eight": "8", "nine": "9", "ten": "10", "twelve": "12"}

// termLengthsIn returns the lengths of time in lower-cased text, "2 year",
// and "life" for a lifetime.
func termLengthsIn(lower string) []string {
	var out []string
	if reForLife.MatchString(lower) {
		out = append(out, "life")
	}
	for _, m := range reTermLength.FindAllStringSubmatch(lower, -1) {
		n := m[1]
		if w, ok := numberWords[n]; ok {
			n = w
		}
		out = append(out, n+" "+m[2])
	}
	return out
}

// Times, days and dates.
var (
	reClock       = regexp.MustCompile(`\b(\d{1,2})(?::([0-5]\d))? ?([ap])\.? ?m\b\.?`)
	reClock24     = regexp.MustCompile(`\b([01]?\d|2[0-3]):([0-5]\d)\b`)
	reNoon        = regexp.MustCompile(`\b(noon|midday|midnight)\b`)
	reWeekdayName = regexp.MustCompile(`\b(` + strings.Join(weekdayNames, "|") + `)s?\b`)
	reDayAbbr     = regexp.MustCompile(`\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b`)
	reDayRange    = regexp.MustCompile(`\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.? ?(?:-|to|through|thru|until) ?(mon|tue|wed|thu|fri|sat|sun)[a-z]*`)
	reMonthDay    = regexp.MustCompile(`\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (\d{1,2})(?:st|nd|rd|th)?\b`)
	reDayMonth    = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b`)
	reNumDate     = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})(?:/\d{2,4})?\b`)
	reISODate     = regexp.MustCompile(`\b\d{4}-(\d{2})-(\d{2})\b`)
	reRelDay      = regexp.MustCompile(`\b(` + phrasePattern(relativeDayWords) + `)\b`)
	reWaitPromise = regexp.MustCompile(`\b(?:within|in|under) (?:the next |an? |about |around )?(\d+|one|two|three|four|an?)? ?(minutes?|mins?|hours?|hrs?)\b`)
	reScheduling  = regexp.MustCompile(`\b(come|coming|visit|arrive|arriving|appointment|appt|schedul\w*|book\w*|send|sending|technician|tech|be there|stop by|call you|reach out|get back|available|availability|opening|slot|out there|swing by|see you)\b`)
)

var weekdayNames = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

var monthNumbers = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// clockTime is a time of day: exact ("15:00") when the half of the day is
// known, loose ("~3:00", twelve-hour) always.
type clockTime struct{ exact, loose string }

func timesIn(lower string) []clockTime {
	var out []clockTime
	mk := func(h, m int, half string) clockTime {
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
	covered := map[int]bool{}
	for _, m := range reClock.FindAllStringSubmatchIndex(lower, -1) {
		h, _ := strconv.Atoi(lower[m[2]:m[3]])
		minute := 0
		if m[4] >= 0 {
			minute, _ = strconv.Atoi(lower[m[4]:m[5]])
		}
		if h > 12 {
			continue
		}
		covered[m[0]] = true
		out = append(out, mk(h, minute, lower[m[6]:m[7]]))
	}
	for _, m := range reClock24.FindAllStringSubmatchIndex(lower, -1) {
		if covered[m[0]] {
			continue
		}
		h, _ := strconv.Atoi(lower[m[2]:m[3]])
		minute, _ := strconv.Atoi(lower[m[4]:m[5]])
		out = append(out, mk(h, minute, ""))
	}
	for _, m := range reNoon.FindAllString(lower, -1) {
		if m == "midnight" {
			out = append(out, mk(0, 0, "a"))
		} else {
			out = append(out, mk(12, 0, "p"))
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

// weekdaysIn returns the days named in lower-cased text; for evidence,
// abbreviations count and ranges ("mon-fri", "monday to friday") give
// every day in them.
func weekdaysIn(lower string, evidence bool) []string {
	var out []string
	for _, m := range reWeekdayName.FindAllStringSubmatch(lower, -1) {
		out = append(out, m[1])
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
	for _, m := range reDayAbbr.FindAllStringSubmatch(lower, -1) {
		if i := index(m[1]); i >= 0 {
			out = append(out, weekdayNames[i])
		}
	}
	for _, m := range reDayRange.FindAllStringSubmatch(lower, -1) {
		from, to := index(m[1]), index(m[2])
		if from < 0 || to < 0 {
			continue
		}
		for i := from; ; i = (i + 1) % 7 {
			out = append(out, weekdayNames[i])
			if i == to {
				break
			}
		}
	}
	return out
}

// datesIn returns calendar dates as "month/day".
func datesIn(lower string) []string {
	var out []string
	add := func(month, day int) {
		if month >= 1 && month <= 12 && day >= 1 && day <= 31 {
			out = append(out, strconv.Itoa(month)+"/"+strconv.Itoa(day))
		}
	}
	for _, m := range reMonthDay.FindAllStringSubmatch(lower, -1) {
		d, _ := strconv.Atoi(m[2])
		add(monthNumbers[m[1]], d)
	}
	for _, m := range reDayMonth.FindAllStringSubmatch(lower, -1) {
		d, _ := strconv.Atoi(m[1])
		add(monthNumbers[m[2]], d)
	}
	for _, m := range reNumDate.FindAllStringSubmatch(lower, -1) {
		mo, _ := strconv.Atoi(m[1])
		d, _ := strconv.Atoi(m[2])
		add(mo, d)
	}
	for _, m := range reISODate.FindAllStringSubmatch(lower, -1) {
		mo, _ := strconv.Atoi(m[1])
		d, _ := strconv.Atoi(m[2])
		add(mo, d)
	}
	return out
}

// durationsIn returns promised waits ("within 2 hours") as "2 hour".
func durationsIn(lower string) []string {
	var out []string
	words := map[string]string{"": "1", "a": "1", "an": "1", "one": "1", "two": "2", "three": "3", "four": "4"}
	for _, m := range reWaitPromise.FindAllStringSubmatch(lower, -1) {
		n := m[1]
		if w, ok := words[n]; ok {
			n = w
		}
		unit := "minute"
		if strings.HasPrefix(m[2], "h") {
			unit = "hour"
		}
		out = append(out, n+" "+unit)
	}
	return out
}

// appointmentUnsupported reports whether a sentence names a time of day,
// weekday, date or wait the evidence does not, or, when it is about a
// visit or call, a day ("tomorrow") the evidence does not mention.
func (idx *evidenceIndex) appointmentUnsupported(sentence string) bool {
	for _, t := range timesIn(sentence) {
		times := idx.timeSet()
		if t.exact != "" && times[t.exact] {
			continue
		}
		if t.exact == "" && times[t.loose] {
			continue
		}
		// "7:00" in the evidence, no half of the day given, supports "7am".
		if t.exact != "" && times[t.loose] && !idx.hasExactFor(t.loose) {
			continue
		}
		return true
	}
	for _, d := range weekdaysIn(sentence, false) {
		if !idx.daySet()[d] {
			return true
		}
	}
	for _, d := range datesIn(sentence) {
		if !idx.dateSet()[d] {
			return true
		}
	}
	for _, d := range durationsIn(sentence) {
		if !idx.durationSet()[d] {
			return true
		}
	}
	if reScheduling.MatchString(sentence) {
		for _, rel := range reRelDay.FindAllString(sentence, -1) {
			if !strings.Contains(idx.lower, strings.ReplaceAll(rel, "-", " ")) {
				return true
			}
		}
	}
	return false
}

// hasExactFor reports whether the evidence gave the loose time with its
// half of the day, so that the other half is not supported.
func (idx *evidenceIndex) hasExactFor(loose string) bool {
	hm := strings.TrimPrefix(loose, "~")
	h, m, _ := strings.Cut(hm, ":")
	hour, _ := strconv.Atoi(h)
	minute, _ := strconv.Atoi(m)
	times := idx.timeSet()
	return times[twoDigits(hour)+":"+twoDigits(minute)] || times[twoDigits(hour+12)+":"+twoDigits(minute)]
}
