package agent

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// The fact rules read what a reply claims (a price, a percentage, a price
// of nothing, a discount, a guarantee and how long it runs, a time, a
// day, a wait, a phone number, a link) and look for the same claim in the
// evidence, said of the same thing. Each reader lives in a file of its
// own (amounts, offers, times, contacts), the evidence's index in
// guardrail_evidence.go, the words around a claim in
// guardrail_context.go.

// claimKind is what a claim states.
type claimKind uint8

const (
	claimMoney     claimKind = iota + 1 // "usd:89"; "usd:0" for "free", "no charge", "we'll waive it"
	claimPercent                        // "10"
	claimDiscount                       // "coupon", "promo", "match", "off", "special"
	claimGuarantee                      // "warranty", "guarantee", "refund", "promise"
	claimTerm                           // how long a guarantee runs: "2 year", "life"
	claimClock                          // "~3:00" (exact: "15:00")
	claimDay                            // "saturday"
	claimDate                           // "10/14"
	claimWait                           // "2 hour"
	claimRelDay                         // "tomorrow", "esta noche"
	claimSoon                           // "right away", "on the way"
	claimCount                          // a length or distance: "24 hour", "12 month"
	claimPhone                          // digits
	claimLink                           // host and path
	claimEmail                          // address
	claimHandle                         // "@name"
	claimPayWith                        // "zelle", "giftcard"
)

// rule is the guardrail a claim of the kind breaks when the evidence
// does not make it.
func (k claimKind) rule() string {
	switch k {
	case claimMoney:
		return GuardUnsupportedPrice
	case claimPercent, claimDiscount:
		return GuardUnsupportedDiscount
	case claimGuarantee, claimTerm:
		return GuardUnsupportedGuarantee
	case claimPhone, claimLink, claimEmail, claimHandle, claimPayWith:
		return GuardUnsupportedContact
	case claimCount:
		return GuardUnsupportedNumber
	}
	return GuardUnsupportedAppointment
}

// family is the kinds whose claims are about the same sort of thing: a
// word the evidence puts around a price of another item is a conflict
// for a percentage off, as much as for another price.
func (k claimKind) family() int {
	switch k {
	case claimMoney, claimPercent, claimDiscount:
		return 1
	case claimGuarantee, claimTerm:
		return 2
	case claimClock, claimDay, claimDate, claimWait, claimRelDay, claimSoon, claimCount:
		return 3
	}
	return 4
}

// contact reports whether a claim of the kind is a place to reach or pay:
// the evidence gives it or not, whatever the words around it.
func (k claimKind) contact() bool { return k >= claimPhone }

// claim is one thing a text states: its kind, its value as compared with
// the evidence's, and where it is in the text read.
type claim struct {
	kind  claimKind
	value string
	exact string // a clock time with its half of the day: "15:00"
	at    []int
}

func (c claim) key() string { return strconv.Itoa(int(c.kind)) + "|" + c.value }

// claimReader reads the claims of some kinds from a sentence, folded and
// with its numbers spelled (claimText). Evidence is read more widely than
// a reply: its day ranges give every day in them, and its "today" counts
// without a visit next to it.
type claimReader struct {
	kinds []claimKind
	read  func(s string, evidence bool) []claim
}

// claimReaders are the readers, in the order a reply's broken rules are
// listed. The evidence is read by one only when a reply states a claim of
// its kinds: most replies state a price or a time, not both, and reading
// every chunk for everything would cost more than the rest of the turn.
var claimReaders = []claimReader{
	{[]claimKind{claimMoney}, func(s string, _ bool) []claim { return append(moneyIn(s), freeIn(s)...) }},
	{[]claimKind{claimPercent}, func(s string, _ bool) []claim { return percentsIn(s) }},
	{[]claimKind{claimDiscount}, func(s string, _ bool) []claim { return discountsIn(s) }},
	{[]claimKind{claimGuarantee, claimTerm}, func(s string, _ bool) []claim {
		// A length is a guarantee's term only beside a guarantee.
		if g := guaranteesIn(s); len(g) > 0 {
			return append(g, termsIn(s)...)
		}
		return nil
	}},
	{[]claimKind{claimClock}, func(s string, _ bool) []claim { return timesIn(s) }},
	{[]claimKind{claimDay}, weekdaysIn},
	{[]claimKind{claimDate}, func(s string, _ bool) []claim { return datesIn(s) }},
	{[]claimKind{claimWait}, func(s string, _ bool) []claim { return waitsIn(s) }},
	{[]claimKind{claimRelDay, claimSoon}, relativeDaysIn},
	{[]claimKind{claimCount}, func(s string, _ bool) []claim { return countsIn(s) }},
	{[]claimKind{claimPhone, claimLink, claimEmail, claimHandle, claimPayWith}, func(s string, _ bool) []claim { return contactsIn(s) }},
}

// readerOf returns the index in claimReaders of the reader of kind k.
func readerOf(k claimKind) int {
	for i, r := range claimReaders {
		if slices.Contains(r.kinds, k) {
			return i
		}
	}
	return -1
}

// readClaims returns the claims a reply's sentence s makes (claimText).
// A question states no length ("is it over 15 years old?"), and a length
// that is a wait or a guarantee's term is checked as one ("within 2
// hours", "a 10-year warranty").
func readClaims(s string) []claim {
	question := endsInQuestion(s)
	var out []claim
	for _, r := range claimReaders {
		for _, c := range r.read(s, false) {
			if c.kind == claimCount && (question || overlaps(c, out)) {
				continue
			}
			out = append(out, c)
		}
	}
	return out
}

// overlaps reports whether c is where one of claims is.
func overlaps(c claim, claims []claim) bool {
	for _, o := range claims {
		if c.at[0] < o.at[1] && o.at[0] < c.at[1] {
			return true
		}
	}
	return false
}

// claimText is a sentence as the claim readers read it.
func claimText(sentence string) string {
	return spellNumbers(claimFold(sentence))
}

// unsupported returns the guardrails that text breaks: each price,
// discount, guarantee, time, phone number, link or email address it
// states that the evidence does not state of the same thing, and a
// request for the lead's card, bank or login data. lead is the lead's
// message: a bare "It's $89." is about what the lead asked.
func (idx *evidenceIndex) unsupported(text, lead string) []string {
	var rules []string
	add := func(rule string) {
		if !slices.Contains(rules, rule) {
			rules = append(rules, rule)
		}
	}
	var leadWords []string
	leadRead := false
	asked := func() []string {
		if !leadRead {
			leadRead = true
			leadWords = contextWords(claimText(clipText(lead, maxGuardInput)))
		}
		return leadWords
	}
	for _, sentence := range SplitSentences(text) {
		folded := claimFold(sentence)
		if asksForSecrets(folded) {
			add(GuardSensitiveRequest)
		}
		if idx.quotes(folded) {
			continue // the evidence says this sentence, word for word
		}
		s := spellNumbers(folded)
		claims := readClaims(s)
		for _, c := range claims {
			if offered(c, s) {
				if idx.need(c.kind); len(idx.placesFor(c)) > 0 {
					continue
				}
			}
			if !idx.supports(c, s, claims, asked) {
				add(c.kind.rule())
			}
		}
	}
	return rules
}

// supports reports whether the evidence makes claim c of sentence s
// about the same thing: a place where it makes the claim shares the
// words around it (attach). Without words of its own around it, a claim
// is about what the lead asked; with none there either, any place makes
// it.
func (idx *evidenceIndex) supports(c claim, s string, claims []claim, asked func() []string) bool {
	idx.need(c.kind)
	if c.kind.contact() {
		return idx.contactSupported(c)
	}
	places := idx.placesFor(c)
	if len(places) == 0 {
		return false
	}
	clause, wide := claimContext(s, readWords(s), c, claims)
	if len(wide) == 0 {
		wide = asked()
	}
	if len(wide) == 0 {
		return true
	}
	others := idx.othersFor(c)
	// The clause names what the claim is about ("a new furnace is
	// $89"); when it names nothing the evidence ties to the claim
	// ("capped at $75"), the rest of the sentence may ("seniors get 10%
	// off repairs, capped at $75").
	for _, around := range [][]string{clause, wide} {
		for _, p := range places {
			if len(around) > 0 && attach(around, p.words, others).holds() {
				return true
			}
		}
	}
	return false
}

// offered reports whether claim c of sentence s is a day or time the
// reply asks the lead about ("would Tuesday or Thursday work?"): it
// promises nothing, so a day or time the evidence gives at all (the
// business's hours) may be offered.
func offered(c claim, s string) bool {
	return (c.kind == claimDay || c.kind == claimClock || c.kind == claimDate) && endsInQuestion(s)
}

func endsInQuestion(s string) bool {
	return strings.HasSuffix(strings.TrimRight(s, ` "')`), "?")
}

// clauseWords end the clause a claim is in.
var clauseWords = wordSet(`and but or while whereas plus y pero o mientras`)

// clauseEdges returns where the clauses of s end: punctuation (not the
// comma of "$4,800" or the colon of "7:00"), a dash between spaces, a
// conjunction.
func clauseEdges(s string) [][]int {
	var out [][]int
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ';' || c == '(' || c == ')':
			out = append(out, []int{i, i + 1})
		case (c == ',' || c == ':') && (i+1 == len(s) || s[i+1] == ' '):
			out = append(out, []int{i, i + 1})
		case c == '-' && i > 0 && s[i-1] == ' ' && i+1 < len(s) && s[i+1] == ' ':
			out = append(out, []int{i - 1, i + 2})
		}
	}
	for _, w := range wordSpans(s) {
		if clauseWords[s[w[0]:w[1]]] {
			out = append(out, w)
		}
	}
	slices.SortFunc(out, func(a, b []int) int { return cmp.Compare(a[0], b[0]) })
	return out
}

// claimContext returns the words around claim c of sentence s (whose
// words are words, and whose claims are claims): those of its own clause, and, wider, those of its
// clause and of the sentence's clauses that state nothing of its kind.
// In "a new furnace starts at $4,800, and a new AC at $5,200" the first
// amount is about a furnace, not an AC; in "seniors get 10% off any
// repair, up to $75" the amount is about seniors and repairs.
func claimContext(s string, words sentenceWords, c claim, claims []claim) (own, wide []string) {
	edges := clauseEdges(s)
	bounds := make([]int, 0, len(edges)*2+2)
	bounds = append(bounds, 0)
	for _, e := range edges {
		bounds = append(bounds, e[0], e[1])
	}
	bounds = append(bounds, len(s))
	// Clause i is s[bounds[2i]:bounds[2i+1]].
	clauseOf := func(at int) int {
		for i := 0; i+1 < len(bounds); i += 2 {
			if at < bounds[i+1] || i+2 >= len(bounds) {
				return i
			}
		}
		return 0
	}
	mine := clauseOf(c.at[0])
	taken := map[int]bool{}
	for _, other := range claims {
		if other.kind == c.kind {
			taken[clauseOf(other.at[0])] = true
		}
	}
	own = words.in(bounds[mine], bounds[mine+1])
	wide = slices.Clone(own)
	for i := 0; i+1 < len(bounds); i += 2 {
		if i != mine && !taken[i] {
			wide = append(wide, words.in(bounds[i], bounds[i+1])...)
		}
	}
	return own, wide
}

// claimVocabulary are the words the claim readers look for, which say
// what a sentence claims rather than what it is about.
var claimVocabulary = func() map[string]bool {
	set := wordSet(`percent pct ciento por off half mitad special specials especial am pm noon midday midnight mediodia
		medianoche o'clock dollar dollars bucks usd eur euro euros peso pesos dolares cents k grand thousand hundred mil
		weekday weekdays weekend weekends morning mornings afternoon afternoons evening evenings night nights noche tarde sale refund waive
		mon tue tues wed thu thur thurs fri sat sun mondays tuesdays wednesdays thursdays fridays saturdays sundays`)
	// Phrases of several words ("on the house") say what they claim
	// together; their words alone ("house") may say what it is about.
	for _, list := range [][]string{freeWords, discountWords, guaranteeWords, forLifeWords, relativeDayWords, hasteWords, onTheWayWords, weekdayNames} {
		for _, p := range list {
			if !strings.Contains(p, " ") {
				set[p] = true
			}
		}
	}
	for w := range spanishWeekdays {
		set[w] = true
	}
	for _, m := range []string{"january", "february", "march", "april", "may", "june", "july", "august", "september",
		"october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"} {
		set[m] = true
	}
	for w := range numberWords {
		set[w] = true
	}
	return set
}()

// minQuoteWords is the fewest words a sentence needs for its being in the
// evidence word for word to vouch for it: "there is no charge" alone may
// be said of another thing than the evidence says it of.
const minQuoteWords = 6

// quotes reports whether folded, a reply's sentence as claimFold makes
// it, is a run of the evidence's words, word for word (punctuation and
// markup aside), and long enough to carry what it is about with it. The
// offline responder quotes the knowledge; its quotes need no reading.
func (idx *evidenceIndex) quotes(folded string) bool {
	w := words(folded)
	if len(w) < 3 {
		return false
	}
	if idx.units == nil {
		idx.readUnits()
	}
	if idx.plain == "" {
		idx.plain = " " + strings.Join(words(idx.lower), " ") + " "
		idx.wholeUnits = map[string]bool{}
		for _, u := range idx.units {
			idx.wholeUnits[strings.Join(words(u.s), " ")] = true
		}
	}
	joined := strings.Join(w, " ")
	// A whole line or sentence of the evidence ("Case costs reimbursed:
	// $600") carries its subject however short; a run inside one must be
	// long enough to.
	if idx.wholeUnits[joined] {
		return true
	}
	return len(w) >= minQuoteWords && strings.Contains(idx.plain, " "+joined+" ")
}
