package agent

import (
	"context"
	"math"
	"regexp"
	"strings"

	"github.com/leadagent/leadagent/knowledge"
)

// This file rates the units of the retrieved chunks against a question
// and picks the one to quote, or finds that none answers.

// How far a word met only around a unit counts: in the FAQ question it
// answers (in full when the unit opens the answer), the list intro above
// it, its headings, its document's title; a synonym or a related word;
// a likely typo of a word it has.
const (
	creditAnswered    = 0.9
	creditContext     = 0.7
	creditHeading     = 0.6
	creditHeadingItem = 0.8
	creditTitle       = 0.4
	creditRelated     = 0.6
	creditRelCtx      = 0.4
	creditTypo        = 0.8
	creditCue         = 1.0
)

// rated is a unit with how well it answers a question.
type rated struct {
	f        unitFeatures
	u        *unit
	result   knowledge.Result
	rank     int
	coverage float64 // weighted share of the question's words met
	own      float64 // the same, of the lead's own words only (-1: none)
	focus    float64 // how far the heaviest own word is met (-1: none)
	// absent is the share, by weight, of the words the lead asks about
	// that no retrieved chunk has: the knowledge does not speak of them.
	absent float64
	score  float64
	// wh: the question it is weighed for asks what, which, how...,
	// which a bare "Yes." does not answer (quote).
	wh bool
}

// match is how far u meets t, 0..1.
func match(t term, u *unit) float64 {
	if u.textKeys[t.key] && !otherCompound(t, u) && !partOfCompound(t, u) {
		return 1
	}
	for _, k := range t.implied {
		if u.textKeys[k] {
			return 1
		}
	}
	best := 0.0
	switch {
	case u.ctxKeys[t.key] && u.answers:
		best = creditAnswered
	case u.ctxKeys[t.key]:
		best = creditContext
	case u.headKeys[t.key] && u.item:
		// A list item or table row is plainly about its section.
		best = creditHeadingItem
	case u.headKeys[t.key]:
		best = creditHeading
	case u.titleKeys[t.key]:
		best = creditTitle
	}
	if t.asks != kindAny && u.facts.has(t.asks) {
		// "located" is met by an address, "cost" by a price: the
		// answer states the fact the word asks for.
		best = max(best, creditCue)
	}
	if t.phrase || best >= creditRelated {
		return best
	}
	for _, a := range t.alts {
		switch {
		case u.textKeys[a]:
			return max(best, creditRelated)
		case u.ctxKeys[a] || u.headKeys[a]:
			best = max(best, creditRelCtx)
		}
	}
	if len(t.word) >= 5 && !u.rawWords[t.word] {
		for w := range u.rawWords {
			if typo(t.word, w) {
				return max(best, creditTypo)
			}
		}
	}
	return best
}

// otherCompound reports whether a unit has t's word only in compounds
// that say another kind of it than the lead does, or another thing: "pool
// pumps" are not the "heat pumps" it repairs, "hot tub heaters" not its
// "water heaters", and an "emergency service" is not its "emergency
// brake".
func otherCompound(t term, u *unit) bool {
	if mods, ok := u.heads[t.key]; ok && t.mod != "" && !mods[t.mod] {
		return true
	}
	if heads, ok := u.mods[t.key]; ok && !heads[t.next] {
		return true
	}
	// "do you have parking?" and a list of towns with "Oak Park": a word
	// of everyday English is not the name it is part of ("Belmont",
	// which WordNet knows only as a name, is).
	names, ok := u.names[t.key]
	return ok && t.common && !names[t.prev+" "+t.key] && !names[t.key+" "+t.next]
}

// partOfCompound reports whether the lead's word is the head of a
// compound the unit says nothing of: "panels" of "solar panels" in a
// unit on steel panels, which has neither the compound nor "solar".
func partOfCompound(t term, u *unit) bool {
	return t.compound != "" && !u.textKeys[t.compound] && !u.textKeys[t.mod]
}

// typo reports whether a and b differ by one edit, or share a long start
// ("chnge" and "change", "reccomend" and "recommend").
func typo(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 || a[0] != b[0] {
		return false
	}
	// One edit: skip the first difference in each way and compare the rest.
	i := 0
	for i < la && i < lb && a[i] == b[i] {
		i++
	}
	switch {
	case la == lb:
		return a[i+1:] == b[i+1:] || i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case la > lb:
		return a[i+1:] == b[i:]
	default:
		return a[i:] == b[i+1:]
	}
}

// weights returns each term's weight: how much the word says in English
// and, when known, how few of the knowledge's chunks hold it, times the
// scale of where it was said (an aside, an earlier turn, a cue).
func weights(q question, idf []float64) []float64 {
	out := make([]float64, len(q.terms))
	for i, t := range q.terms {
		out[i] = t.weight
		if idf != nil && t.base > 0 {
			out[i] = t.weight / t.base * ((1-idfShare)*t.base + idfShare*idf[i])
		}
	}
	return out
}

// idfShare is the share of a word's weight that comes from its rarity in
// the knowledge when that is known.
const idfShare = 0.5

// focusTerm returns the index of the word a question is most about: the
// heaviest of the lead's own asked words, leaving out those that only
// frame it ("cost") and unknown words no retrieved chunk has (a typo, a
// filler, a name), or -1.
func focusTerm(q question, w []float64, units [][]unit) int {
	// "what brand of AC do you install?": the noun "what" asks for.
	if m := reWhatNoun.FindStringSubmatch(q.text); m != nil {
		for i, t := range q.terms {
			if t.word == m[1] && !t.cue && !t.background && !t.aside && !t.phrase && t.known {
				return i
			}
		}
	}
	focus := -1
	for i, t := range q.terms {
		if t.background || t.aside || t.phrase || t.cue {
			continue
		}
		if !t.known && !anyHas(units, t.key) {
			continue
		}
		if focus < 0 || w[i] > w[focus] {
			focus = i
		}
	}
	return focus
}

// reWhatNoun finds the noun a question asks which of: "what brand of AC",
// "which towns do you cover".
var reWhatNoun = regexp.MustCompile(`(?:^|[^a-z'])(?:what|which)\s+([a-z]+)\s+(?:of|do|does|did|is|are|can|should|would|will)\b`)

// anyMeets reports whether any unit meets t at all.
func anyMeets(units [][]unit, t term) bool {
	for _, us := range units {
		for k := range us {
			if match(t, &us[k]) > 0 {
				return true
			}
		}
	}
	return false
}

func anyHas(units [][]unit, key string) bool {
	for _, us := range units {
		for k := range us {
			if u := &us[k]; u.textKeys[key] || u.ctxKeys[key] || u.headKeys[key] {
				return true
			}
		}
	}
	return false
}

// TermCounter is implemented by a Retriever that can say how common words
// are in the knowledge it searches: how many of its chunks hold each word
// (any inflection), and how many chunks there are. The offline responder
// then also weighs a lead's words by how much they tell the business's
// chunks apart: in a dentist's knowledge "appointment" is everywhere and
// "bring" in one section.
type TermCounter interface {
	TermCounts(ctx context.Context, words []string) (counts map[string]int, chunks int, err error)
}

// rarity returns each term's inverse document frequency in the
// knowledge, scaled to 0..1, or nil when counts are unknown.
func rarity(q question, counts map[string]int, chunks int) []float64 {
	if chunks < 2 {
		return nil
	}
	top := math.Log(float64(chunks) + 1)
	out := make([]float64, len(q.terms))
	for i, t := range q.terms {
		df, ok := counts[t.word]
		if !ok || t.phrase {
			out[i] = 0.5
			continue
		}
		out[i] = math.Log((float64(chunks)+1)/(float64(df)+1)) / top
	}
	return out
}

// rate scores every unit of the results for q. qvec is the question's
// local embedding (nil leaves the similarity feature 0); idf, each term's
// rarity in the knowledge (nil leaves rare coverage 0).
func rate(q question, results []knowledge.Result, cache *unitCache, history []Message, qvec []float32, idf []float64) []rated {
	units := make([][]unit, len(results))
	for i, r := range results {
		units[i] = cache.of(r)
	}
	q, readable := weighForeign(q, idf, units)
	if !readable {
		return nil
	}
	w := weights(q, idf)
	focus := focusTerm(q, w, units)
	absentSum, knownSum := 0.0, 0.0
	for i, t := range q.terms {
		if t.background || t.aside || t.cue || t.phrase || !t.known || t.comparative || isNumber(t.word) {
			continue
		}
		knownSum += w[i]
		// A synonym is not enough to say the knowledge speaks of it:
		// WordNet's synonyms of a word cover all its senses ("fitting"
		// is also "adjustment"); a derived word is the same word.
		lit := t
		lit.alts = t.alts[:t.derived]
		if !anyMeets(units, lit) {
			absentSum += w[i]
		}
	}
	absent := 0.0
	if knownSum > 0 {
		absent = absentSum / knownSum
	}
	said := agentSaid(history)
	qkeys := map[string]bool{}
	for _, t := range q.terms {
		qkeys[t.key] = true
		for _, k := range t.implied {
			qkeys[k] = true
		}
	}
	said1 := map[string]bool{}
	for _, t := range q.terms {
		if !t.background && (t.asks == kindAny || factQuestions[t.asks].names) {
			said1[t.key] = true
			for _, k := range t.implied {
				said1[k] = true
			}
		}
	}
	topScore := 0.0
	if len(results) > 0 {
		topScore = results[0].Score
	}
	// What the question is, read once for all units.
	namesThem := reNamesThem.MatchString(q.text)
	asksWhether := reAsksYou.MatchString(q.text) && !reNegative.MatchString(q.text)
	wh := asksWh(q.text)
	fact := q.fact()
	var out []rated
	for ri, r := range results {
		for k := range units[ri] {
			u := &units[ri][k]
			if u.leans {
				// "He is a graduate of Emory" without the name, "We waive
				// the fee" without which: never quoted out of the context
				// it leans on; the window with it is among the units.
				continue
			}
			if namesThem && u.negative {
				// "What towns do you serve?" is not answered with those
				// it does not.
				continue
			}
			if !u.facts.has(fact) {
				// "Do you take credit cards?" is answered by the ways to
				// pay, or not at all ("Don't open new credit cards").
				continue
			}
			if u.n > 1 && !u.whole && sharesNone(u.sentKeys[u.n-1], qkeys) && !itemOfAsked(u, qkeys) &&
				(fact == kindAny || !u.sentFacts[u.n-1].has(fact)) {
				// A window that ends on a sentence about something else
				// (neither the question's words nor the fact it asks
				// for) quotes more than the answer; the window without
				// it is among the units.
				continue
			}
			x := rated{u: u, result: r, rank: ri, own: -1, focus: -1, absent: absent, wh: wh}
			var sum, total, ownSum, ownTotal, about, asked, askedText, faqCtx, bgSum, bgTotal, rareSum, rareTotal float64
			for i, t := range q.terms {
				m := match(t, u)
				sum += w[i] * m
				total += w[i]
				if idf != nil && !t.background {
					rw := idf[i] * w[i] / max(t.base, 0.01)
					rareSum += rw * m
					rareTotal += rw
				}
				if t.background {
					bgSum += w[i] * m
					bgTotal += w[i]
				} else {
					ownSum += w[i] * m
					ownTotal += w[i]
				}
				if !t.background && !t.aside && !t.cue {
					asked += w[i]
					if u.textKeys[t.key] {
						askedText += w[i]
					}
					if u.ctxKeys[t.key] || u.headKeys[t.key] || u.titleKeys[t.key] {
						about += w[i]
					}
					if u.ctxKeys[t.key] {
						faqCtx += w[i]
					}
				}
				if i == focus {
					x.focus = m
				}
			}
			f := &x.f
			if total > 0 {
				x.coverage = sum / total
			}
			if ownTotal > 0 {
				x.own = ownSum / ownTotal
				f[fOwn] = x.own
			}
			f[fCoverage] = x.coverage
			if rareTotal > 0 {
				f[fRareCoverage] = rareSum / rareTotal
			}
			if asked > 0 {
				f[fAskedText] = askedText / asked
				f[fAbout] = about / asked
				if u.answers {
					f[fAnswersFAQ] = faqCtx / asked
				}
			}
			if bgTotal > 0 {
				f[fBackground] = bgSum / bgTotal
			}
			f[fFocus] = max(0, x.focus)
			f[fKindMissing] = b2f(!u.facts.has(q.kind))
			f[fLeans] = b2f(u.leans)
			f[fQuote] = b2f(isQuotation(u.text))
			f[fSaid] = b2f(said(u.text))
			f[fExtraSentences] = float64(u.n - 1)
			f[fLength] = float64(len(u.text)) / 300
			f[fRank] = 1 - float64(ri)/float64(len(results))
			if topScore > 0 {
				f[fRetrieval] = r.Score / topScore
			}
			f[fItem] = b2f(u.item)
			f[fLabel] = labelShare(u, said1)
			f[fPrecision] = precision(u, qkeys)
			f[fIdle] = idle(u, qkeys, fact)
			f[fWhole] = b2f(u.whole)
			f[fNegative] = b2f(u.negative && asksWhether)
			if focus >= 0 && q.kind != kindAny {
				f[fFactWithFocus] = b2f(factWith(u, q.terms[focus], q.kind))
			}
			if qvec != nil && u.vec != nil {
				f[fSimilarity] = cosine(qvec, u.vec)
			}
			x.score = f.score()
			out = append(out, x)
		}
	}
	return out
}

// labelShare is the largest share, by weight, of one of a unit's labels
// (its FAQ question, list intro or nearest heading) that the lead's words
// say: "what do I need to bring?" says all of the heading "What to bring".
func labelShare(u *unit, keys map[string]bool) float64 {
	best := 0.0
	for _, l := range u.labels {
		var have, total float64
		for _, k := range l {
			total += k.weight
			if keys[k.key] {
				have += k.weight
			}
		}
		// A label of one common word ("Work") says little when the lead
		// says it too.
		best = max(best, have/max(total, minLabelWeight))
	}
	return best
}

// factWith reports whether one of a unit's sentences says t and states a
// fact of kind k: "Repairs have a $325 minimum" for "what's your minimum
// for a repair", where a price two sentences from the word is another
// thing's price.
func factWith(u *unit, t term, k kind) bool {
	for i, keys := range u.sentKeys {
		if !u.sentFacts[i].has(k) {
			continue
		}
		if keys[t.key] {
			return true
		}
		for _, x := range t.implied {
			if keys[x] {
				return true
			}
		}
		for _, x := range t.alts[:t.derived] {
			if keys[x] {
				return true
			}
		}
	}
	return false
}

// minLabelWeight is the least weight a label counts as having.
const minLabelWeight = 0.6

// sharesNone reports whether a sentence has none of the question's keys.
func sharesNone(keys, qkeys map[string]bool) bool {
	for k := range keys {
		if qkeys[k] {
			return false
		}
	}
	return true
}

// itemOfAsked reports whether a unit's sentences are list items or rows
// under an intro, columns or a heading that have the question's words:
// the items of "Installed prices include ...:" are about what the intro
// says.
func itemOfAsked(u *unit, qkeys map[string]bool) bool {
	// The headings above a list name it as an intro does: the items
	// under "What to bring" are what to bring.
	return u.item && (!sharesNone(u.ctxKeys, qkeys) || !sharesNone(u.headKeys, qkeys))
}

// idle counts a unit's sentences that share no word with the question
// nor state the fact it asks for: what a window quotes besides the
// answer.
func idle(u *unit, qkeys map[string]bool, fact kind) float64 {
	if itemOfAsked(u, qkeys) {
		return 0
	}
	n := 0
	for i, ks := range u.sentKeys {
		if fact != kindAny && u.sentFacts[i].has(fact) {
			continue
		}
		hit := false
		for k := range ks {
			if qkeys[k] {
				hit = true
				break
			}
		}
		if !hit {
			n++
		}
	}
	return float64(n)
}

// precision is the share of a unit's own words that the question (with
// its earlier turns) has: a unit about what was asked says little else.
func precision(u *unit, qkeys map[string]bool) float64 {
	if len(u.textKeys) == 0 {
		return 0
	}
	n := 0
	for k := range u.textKeys {
		if qkeys[k] {
			n++
		}
	}
	return float64(n) / float64(len(u.textKeys))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func cosine(a, b []float32) float64 {
	var dot float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
	}
	return dot
}

// agentSaid returns a test of whether the agent already said a text in
// the conversation: a follow-up wants what comes next, not the same again.
func agentSaid(history []Message) func(string) bool {
	var said []string
	for _, m := range history {
		if m.From == FromAI {
			said = append(said, strings.ToLower(m.Text))
		}
	}
	return func(text string) bool {
		t := strings.ToLower(strings.TrimSuffix(text, "."))
		for _, s := range said {
			if len(t) > 20 && strings.Contains(s, t) {
				return true
			}
		}
		return false
	}
}

// decision returns the features of the decision to quote x, the best
// of rs, for q.
func decision(q question, x rated, _ []rated) decisionFeatures {
	var d decisionFeatures
	d[dBias] = 1
	d[dOwn] = x.f[fOwn]
	d[dRare] = x.f[fRareCoverage]
	d[dAbsent] = x.absent
	d[dFollowUp] = b2f(q.followUp)
	d[dBackground] = x.f[fBackground]
	d[dLabel] = x.f[fLabel]
	d[dAbout] = x.f[fAbout]
	return d
}

// answerProbability is the probability at or above which the best unit is
// quoted; below it the responder says it does not know.
const answerProbability = 0.5

// kindMet: a question that asks for a price, a time or a duration is
// answered only by a unit that states one.
func (q question) kindMet(u *unit) bool {
	return u.facts.has(q.kind)
}

// isFollowUpOnly: the lead's own words name nothing (all weight is in the
// earlier turns').
func isFollowUpOnly(q question) bool {
	own := 0.0
	for _, t := range q.terms {
		if !t.background {
			own += t.weight
		}
	}
	return own < 0.5
}

// best returns the best unit that fits the budget, and whether one does.
func best(rs []rated, fitsBudget func(string) bool) (rated, bool) {
	var top rated
	found := false
	for _, x := range rs {
		if !fitsBudget(x.u.text) {
			continue
		}
		if !found || x.score > top.score || x.score == top.score && len(x.u.text) < len(top.u.text) {
			top, found = x, true
		}
	}
	return top, found
}

// questionParts splits a message that asks two things ("do you pull the
// permit? and is the tear-off extra") into its questions; a message that
// asks one thing is one part.
func questionParts(norm string) []string {
	var parts []string
	for _, s := range strings.SplitAfter(norm, "?") {
		s = strings.TrimSpace(s)
		if len(words(s)) < 2 || containsText(parts, s) {
			continue
		}
		if len(parts) > 0 && !strings.HasSuffix(s, "?") && !reQuestionStart.MatchString(s) {
			// "...after i drop the car off? i live like 3 miles away":
			// what follows a question and asks nothing says why the
			// lead asks, not another thing to answer.
			continue
		}
		parts = append(parts, s)
	}
	if len(parts) == 1 {
		// "do you do oil changes on saturdays and do i need an appointment"
		if i := reSecondQuestion.FindStringIndex(parts[0]); i != nil && i[0] > 10 {
			parts = []string{strings.TrimSpace(parts[0][:i[0]]), strings.TrimSpace(parts[0][i[0]:])}
		} else if a, b, ok := twoFacts(parts[0]); ok {
			parts = []string{a, b}
		}
	}
	return parts
}

// twoFacts splits a question that asks for two kinds of fact joined by
// "and" ("whats your address and phone number"), each a question of its
// own.
func twoFacts(s string) (string, string, bool) {
	for _, loc := range reAnd.FindAllStringIndex(s, -1) {
		a, b := strings.TrimSpace(s[:loc[0]]), strings.TrimSpace(s[loc[1]:])
		ka, kb := kindOf(a), kindOf(b)
		_, fa := factQuestions[ka]
		_, fb := factQuestions[kb]
		if fa && fb && ka != kb {
			return a, b, true
		}
	}
	return "", "", false
}

var reAnd = regexp.MustCompile(`\s(?:and|&|plus)\s`)

// reSecondQuestion finds where a second question starts in a message
// without question marks.
var reSecondQuestion = regexp.MustCompile(`\s(?:and|also|plus|,)\s+(?:also\s+)?(?:do|does|did|is|are|can|could|will|would|what|how|when|where|who|what's)\s`)
