package agent

import (
	"math"
	"slices"
	"strings"
)

// Intent classes, for Signals.Intent.
const (
	IntentBuying    = "buying_intent"
	IntentHuman     = "human_request"
	IntentComplaint = "complaint"
	IntentFAQ       = "faq"
	IntentOther     = "other"
)

// IntentClassifier reads intent signals from a lead's message without a
// model: weighted phrase lexicons per signal over normalised words (see
// intent_lexicon.go), negation within a clause, the shape of the message
// (a question, a lone "agent"), the turn before it (a "yes" to our offer
// to book) and sentiment. It is safe for concurrent use and costs tens of
// microseconds a message.
//
// Scores are evidence turned into 0..1 by 1-exp(-evidence); the weights
// are tuned so that a score of 0.5 is where a handoff class becomes the
// message's Intent. Coverage is left 0: how well the knowledge covered the
// question is the responder's to say.
type IntentClassifier struct {
	lex [icClasses]icIndex
}

var _ Classifier = (*IntentClassifier)(nil)

// icIndex finds a class's entries by the first word of their pattern.
type icIndex struct {
	byStem   map[string][]int
	byPrefix []int // entries whose first word is a prefix (word*)
	entries  []icEntry
	pats     []icPattern
}

// HandoffThreshold is the score at which buying intent, a request for a
// person or a complaint becomes the message's Intent.
const HandoffThreshold = 0.5

// Tuning of how evidence adds up.
const (
	// icFrameDamp scales buying words asked about in a price or
	// capability question ("how much to install ...", "do you take
	// appointments ...").
	icFrameDamp = 0.25
	// icOtherPrior and icQuestionPrior are the evidence every message
	// starts with for "other", and that a question adds for "faq".
	icOtherPrior    = 0.6
	icQuestionPrior = 0.6
	// icNegationWindow is how many words before a phrase a negator
	// reaches.
	icNegationWindow = 3
)

// NewIntentClassifier compiles the lexicons.
func NewIntentClassifier() *IntentClassifier {
	c := &IntentClassifier{}
	for class, entries := range icLexicon {
		idx := icIndex{byStem: map[string][]int{}, entries: entries}
		for i, e := range entries {
			p := compileICPattern(e.pat, icMacros)
			idx.pats = append(idx.pats, p)
			prefixed := false
			for _, w := range p.firstWords() {
				if w.prefix != "" || w.exact != "" {
					prefixed = true
					continue
				}
				if !slices.Contains(idx.byStem[w.stem], i) {
					idx.byStem[w.stem] = append(idx.byStem[w.stem], i)
				}
			}
			if prefixed {
				idx.byPrefix = append(idx.byPrefix, i)
			}
		}
		c.lex[class] = idx
	}
	return c
}

// icMatch is one lexicon phrase found in a clause.
type icMatch struct {
	entry      int
	start, end int
}

// find returns the phrases of idx in clause, each entry at most once,
// with negated ones dropped unless the entry carries its own negation.
func (idx *icIndex) find(clause []icToken, keepNegated bool) []icMatch {
	var out []icMatch
	seen := map[int]bool{}
	try := func(e, i int) {
		if seen[e] {
			return
		}
		end := idx.pats[e].match(clause, i)
		if end < 0 {
			return
		}
		if !keepNegated && idx.entries[e].flags&icNoNeg == 0 && icNegated(clause, i) {
			return
		}
		seen[e] = true
		out = append(out, icMatch{entry: e, start: i, end: end})
	}
	for i, t := range clause {
		for _, e := range idx.byStem[t.stem] {
			try(e, i)
		}
		for _, e := range idx.byPrefix {
			try(e, i)
		}
	}
	return out
}

// icNegated reports whether a negator in the words before clause[i]
// reaches it: "I don't want to book yet", "no need for a person". A
// negator followed by "sure", "know", ... does not count: "not sure how to
// book" still asks how to book.
func icNegated(clause []icToken, i int) bool {
	for k := i - 1; k >= 0 && k >= i-icNegationWindow; k-- {
		if !icNegators[clause[k].raw] {
			continue
		}
		if k+1 < len(clause) && icNotNegating[clause[k+1].raw] {
			continue
		}
		if k > 0 && (clause[k-1].raw == "can" || clause[k-1].raw == "could") {
			// "I can't reach anyone": unable, still wanting.
			continue
		}
		return true
	}
	return false
}

// icEvidence collects weights of evidence for one signal.
type icEvidence []float64

// total adds the weights with diminishing returns: the strongest counts
// in full, the next half, the one after a quarter. Three ways of saying
// "I want to book" are not three times as sure as one.
func (e icEvidence) total() float64 {
	s := slices.Clone(e)
	slices.SortFunc(s, func(a, b float64) int {
		switch {
		case a > b:
			return -1
		case a < b:
			return 1
		}
		return 0
	})
	sum, f := 0.0, 1.0
	for _, w := range s {
		sum += w * f
		f /= 2
	}
	return sum
}

func icScore(e float64) float64 {
	if e <= 0 {
		return 0
	}
	return 1 - math.Exp(-e)
}

// Classify reads the signals of text, the lead's new message, with
// history, the turns before it, oldest first. Coverage is left 0.
func (c *IntentClassifier) Classify(text string, history []Message) Signals {
	t := icNormalize(text)
	var ev [icClasses]icEvidence
	for _, clause := range t.clauses {
		c.readClause(clause, &ev)
	}
	c.readShape(t, &ev)
	readHistory(t, history, &ev)

	sentiment := icSentiment(t)
	if sentiment < -0.6 {
		// Strong negative feeling is a complaint in itself.
		ev[icComplaint] = append(ev[icComplaint], (-sentiment-0.6)*2)
	}
	if t.profanity > 0 {
		ev[icComplaint] = append(ev[icComplaint], 0.6)
	}
	if t.shouting && sentiment < 0 {
		ev[icComplaint] = append(ev[icComplaint], 0.4)
	}
	if t.question {
		ev[icFAQ] = append(ev[icFAQ], icQuestionPrior)
	}
	ev[icOther] = append(ev[icOther], icOtherPrior)

	buying := ev[icBuying].total() - ev[icDefer].total()
	s := Signals{
		BuyingIntent: icScore(buying),
		HumanRequest: icScore(ev[icHuman].total()),
		Complaint:    icScore(ev[icComplaint].total()),
		Sentiment:    sentiment,
	}
	faq, other := icScore(ev[icFAQ].total()), icScore(ev[icOther].total())
	s.Intent = icIntent(s, faq, other)
	return s
}

// icIntent picks the single most likely class: a handoff class when its
// score reaches HandoffThreshold, else a question about the business or
// anything else.
func icIntent(s Signals, faq, other float64) string {
	best, bestScore := "", 0.0
	for _, c := range []struct {
		name  string
		score float64
	}{{IntentHuman, s.HumanRequest}, {IntentComplaint, s.Complaint}, {IntentBuying, s.BuyingIntent}} {
		if c.score > bestScore {
			best, bestScore = c.name, c.score
		}
	}
	if bestScore >= HandoffThreshold {
		return best
	}
	if faq > other {
		return IntentFAQ
	}
	return IntentOther
}

// readClause adds the evidence of one clause's phrases.
func (c *IntentClassifier) readClause(clause []icToken, ev *[icClasses]icEvidence) {
	price := c.lex[icPriceFrame].find(clause, true)
	capability := c.lex[icCapFrame].find(clause, true)
	asks := c.lex[icAskFrame].find(clause, true)
	policy := len(c.lex[icPolicyFrame].find(clause, true)) > 0
	identity := len(c.lex[icIdentityFrame].find(clause, true)) > 0
	for _, class := range []icClass{icBuying, icHuman, icComplaint, icFAQ, icOther, icDefer} {
		idx := &c.lex[class]
		for _, m := range idx.find(clause, false) {
			e := idx.entries[m.entry]
			if class == icBuying && e.flags&icPastOK == 0 && icDoneAlready(clause[m.start:m.end]) {
				continue
			}
			w := e.w
			switch {
			case class == icBuying && icFramed(price, capability, asks, m, e.flags&icFirm != 0):
				w *= icFrameDamp
			case class == icComplaint && policy:
				w *= icFrameDamp
			case class == icComplaint && len(price)+len(capability) > 0 && icQuestionClause(clause):
				// "Do you charge extra for weekends?" asks a price.
				w *= 0.5
			case class == icHuman && identity && e.flags&icNoNeg == 0:
				w *= icFrameDamp
			}
			ev[class] = append(ev[class], w)
		}
	}
}

// icQuestionClause reports whether a clause opens like a question.
func icQuestionClause(clause []icToken) bool {
	return len(clause) > 1 && icQuestionStarts[clause[0].raw]
}

// icPastForms are buying verbs in the past: "I booked", "the order I
// placed" speak of a purchase made, by a customer, not a lead's wish.
var icPastForms = wordSet(`booked scheduled ordered purchased bought applied enrolled signed placed reserved
	registered rented subscribed paid hired installed`)

func icDoneAlready(toks []icToken) bool {
	for _, t := range toks {
		if icPastForms[t.raw] {
			return true
		}
	}
	return false
}

// icFramed reports whether a buying phrase is asked about rather than
// asked for. A phrase that is not firm is framed by any price or
// capability question in its clause ("do you take appointments on
// Saturdays?"); a firm one only by a price question right around it
// ("how much to book a tune-up?") or a question of what the lead must do
// ("do I need to book ahead?"), not by "can you book me ...", which asks
// for it.
func icFramed(price, capability, asks []icMatch, m icMatch, firm bool) bool {
	if len(asks) > 0 {
		return true
	}
	if !firm {
		return len(price)+len(capability) > 0
	}
	for _, f := range price {
		if f.start <= m.start && f.end+1 >= m.start {
			return true
		}
	}
	return false
}

// icLoneBuying are the words that alone, or with filler, ask to buy or
// book: "quote please", "book".
var icLoneBuying = wordSet(`book booking schedule quote estimate appointment buy purchase order signup sign up
	reserve reservation demo sales`)

// icLoneHuman are the words that make a lone request for a person.
var icLoneHuman = wordSet(`agent agents human humans representative representatives operator person someone somebody
	manager supervisor owner real live call callback`)

// readShape adds what the message's shape says: a lone keyword.
func (c *IntentClassifier) readShape(t icText, ev *[icClasses]icEvidence) {
	if t.n == 0 || t.n > 6 {
		return
	}
	human, buying, other := false, false, false
	for _, tok := range t.icAll() {
		switch {
		case icLoneHuman[tok.raw]:
			human = true
		case icLoneBuying[tok.raw]:
			buying = true
		case icFiller[tok.raw] || icHumanWords[tok.raw]:
		default:
			other = true
		}
	}
	if other {
		return
	}
	switch {
	case buying:
		// "sales call", "book a call": buying, though it names a person.
		ev[icBuying] = append(ev[icBuying], 1.5)
	case human:
		ev[icHuman] = append(ev[icHuman], 2.2)
	}
}

// readHistory reads the lead's message as an answer to our last turn: a
// "yes" to an offer to book is buying intent, to an offer of a person a
// request for one; a "no" puts buying off.
func readHistory(t icText, history []Message, ev *[icClasses]icEvidence) {
	if len(history) == 0 || t.n == 0 || t.n > 12 {
		return
	}
	last := history[len(history)-1]
	if last.From != FromAI || !strings.Contains(last.Text, "?") {
		return
	}
	// Only the last question counts: "Tune-ups are $129. Want me to book one?"
	q := strings.ToLower(last.Text)
	if i := strings.LastIndexAny(q[:strings.LastIndex(q, "?")], ".!?\n"); i >= 0 {
		q = q[i+1:]
	}
	booking := slices.ContainsFunc(icOfferBooking, func(s string) bool { return strings.Contains(q, s) })
	person := slices.ContainsFunc(icOfferPerson, func(s string) bool { return strings.Contains(q, s) })
	scheduling := strings.Contains(q, "what day") || strings.Contains(q, "what time") ||
		strings.Contains(q, "when would") || strings.Contains(q, "when works") || strings.Contains(q, "good time") ||
		strings.Contains(q, "which day") || strings.Contains(q, "best time")
	if !booking && !person && !scheduling {
		return
	}
	first := t.clauses[0][0].raw
	switch {
	case icDeclineWords[first] && !icAffirmWords[first]:
		ev[icDefer] = append(ev[icDefer], 1.5)
	case icAffirmWords[first] || t.n <= 3 && icAffirmWords[t.clauses[len(t.clauses)-1][0].raw]:
		if booking || scheduling || !person {
			ev[icBuying] = append(ev[icBuying], 2.0)
		} else {
			ev[icHuman] = append(ev[icHuman], 2.0)
		}
	case (booking || scheduling) && icMentionsTime(t):
		ev[icBuying] = append(ev[icBuying], 1.6)
	}
}

var icTimeWords = wordSet(`today tomorrow tonight morning afternoon evening monday tuesday wednesday thursday friday
	saturday sunday weekend week am pm noon anytime asap mon tue tues wed thu thur thurs fri sat sun`)

// icMentionsTime reports whether a message names a day or a time.
func icMentionsTime(t icText) bool {
	for _, tok := range t.icAll() {
		if icTimeWords[tok.raw] || isNumber(tok.raw) && len(tok.raw) <= 2 {
			return true
		}
		if strings.HasSuffix(tok.raw, "am") || strings.HasSuffix(tok.raw, "pm") {
			if isNumber(tok.raw[:len(tok.raw)-2]) && len(tok.raw) > 2 {
				return true
			}
		}
	}
	return false
}

// icSentiment rates the message from -1 to 1: sentiment words, turned
// around by a negator before them and strengthened by an intensifier,
// emoji, and the tone (exclamation marks and capitals make it stronger).
func icSentiment(t icText) float64 {
	sum := t.emoji - 0.4*float64(t.profanity)
	for _, clause := range t.clauses {
		for i, tok := range clause {
			v, ok := icSentimentWords[tok.raw]
			if !ok {
				continue
			}
			if i > 0 && icIntensifiers[clause[i-1].raw] {
				v *= 1.5
			}
			if icNegated(clause, i) {
				v *= -0.5
			}
			sum += v
		}
	}
	if t.exclaims > 0 {
		sum *= 1 + 0.15*float64(min(t.exclaims, 3))
	}
	if t.shouting && sum < 0 {
		sum *= 1.5
	}
	return math.Tanh(sum / 1.2)
}
