package agent

import (
	"sort"
	"strings"

	"github.com/leadagent/leadagent/knowledge"
)

// candidate is a knowledge sentence considered for the answer.
type candidate struct {
	passage
	rank      int // of its chunk in the search results
	chunkID   int64
	terms     map[string]int // what the sentence itself speaks of
	ctxTerms  map[string]int // what its FAQ question or list intro adds
	headTerms map[string]int // what its document title and heading add
	quote     bool           // a testimonial: an opinion, not a fact to quote
	conflicts bool           // about the other side of what is asked (see exclusive)
	// leansOnPrev: the sentence starts with a pronoun ("It costs $19")
	// and needs the one before it to make sense.
	leansOnPrev bool
	// chunkSentences is how many sentences its chunk has.
	chunkSentences int
	// offTopic: its heading is about something the lead did not ask (a
	// member benefit when the lead asks the travel fee).
	offTopic bool
	// asked: it is the first sentence under an FAQ question or list intro
	// that asks what the lead asks (see asksTheSame), so it answers the
	// lead without repeating the question.
	asked bool
	score float64 // as a unit of its own
}

// answer is what choose picked.
type answer struct {
	text      string
	citations []int64
	asked     map[string]bool // terms the lead asked about
	topics    map[string]bool // terms of the chosen sentences
}

// choose picks the sentences of the results that answer needs, within the
// channel's budget, or reports that nothing answers well enough.
func (o *Offline) choose(results []knowledge.Result, q query, channel string) (answer, bool) {
	needs, capability := q.needs, q.capability
	th := o.thresholds
	total := 0.0
	for _, n := range needs {
		total += n.weight
	}
	if total == 0 {
		return answer{}, false
	}
	cands := o.candidates(results, needs, total, capability)
	if len(cands) == 0 {
		return answer{}, false
	}
	chosen := bestUnit(cands, needs, total, len(results), th.MaxSegments, capability)
	// The main unit alone must answer: sentences added after it only
	// complete it, so two unrelated sentences that each match half the
	// question ("hot" here, "tub" there) never add up to an answer.
	if coverage(chosen, needs, total) < th.MinCoverage || !coversTopic(chosen, needs) || capability && !meetsAction(chosen, needs) {
		return answer{}, false
	}

	maxSentences := th.MaxSentences
	if channel == ChannelVoice {
		// Spoken answers stay short: a caller cannot re-read them.
		maxSentences = min(maxSentences, 2)
	}
	if chosen[0].leansOnPrev && !follows(chosen[0], chosen) {
		// Quote "It costs $19 a month" only with what "it" is.
		if prev, ok := previous(cands, chosen[0]); ok && fits(joinSentences(append(chosen, prev)), th.MaxSegments) {
			chosen = append(chosen, prev)
		}
	}
	for len(chosen) < maxSentences {
		next, ok := pickNext(cands, chosen, needs, total, th.MaxSegments)
		if !ok {
			break
		}
		chosen = append(chosen, next)
	}
	if !statesAnAskedCue(chosen, needs) {
		return answer{}, false
	}
	text := joinSentences(chosen)
	sources := make([]string, 0, len(chosen))
	var citations []int64
	seen := map[int64]bool{}
	for _, c := range chosen {
		if !seen[c.chunkID] {
			seen[c.chunkID] = true
			citations = append(citations, c.chunkID)
			sources = append(sources, sourceText(results[c.rank]))
		}
	}
	if !numbersGrounded(text, sources) {
		return answer{}, false
	}
	asked, topics := map[string]bool{}, map[string]bool{}
	for _, n := range needs {
		asked[n.alts[0]] = true
	}
	for _, c := range chosen {
		for t := range c.terms {
			topics[t] = true
		}
	}
	return answer{text: text, citations: citations, asked: asked, topics: topics}, true
}

// candidates splits the usable results into scored sentences, in result
// order and, within a chunk, in reading order.
func (o *Offline) candidates(results []knowledge.Result, needs []need, total float64, capability bool) []candidate {
	var out []candidate
	seenChunk := map[int64]bool{}
	for rank, r := range results {
		if r.Score < o.thresholds.MinScore || seenChunk[r.ChunkID] {
			continue
		}
		seenChunk[r.ChunkID] = true
		// An FAQ entry arrives with its question as the title or heading:
		// that is what the answer answers, not a loose section name.
		head, faq := r.Title+" / "+r.Heading, ""
		if isQuestion(r.Title) || isQuestion(r.Heading) {
			head, faq = "", r.Title+" / "+r.Heading
		}
		var prev *candidate
		a := o.chunks.analyze(r, head, faq)
		passages := a.passages
		for i, p := range passages {
			if i == 0 && startsMidSentence(p.text) {
				// Chunks overlap: the first words may be the tail of a
				// sentence that began in the chunk before.
				continue
			}
			c := candidate{
				passage:   p,
				rank:      rank,
				chunkID:   r.ChunkID,
				terms:     a.terms[i],
				ctxTerms:  a.ctxTerms[i],
				headTerms: a.headTerms[i],
				quote:     a.quote[i],

				chunkSentences: len(passages),
			}
			if i == 0 || passages[i-1].context != p.context {
				// The first sentence after a question is its answer; the
				// rest add to it.
				c.asked = asksTheSame(needs, a.ctxTerms[i])
			}
			if prev != nil && prev.para == p.para && rePronounStart.MatchString(p.text) {
				// "It costs $19 a month": what "it" is, the sentence before says.
				c.ctxTerms = mergeTerms(c.ctxTerms, prev.terms)
				c.leansOnPrev = true
			}
			c.conflicts = conflicting(needs, c)
			c.offTopic = offTopic(needs, c.headTerms)
			c.score = unitScore([]candidate{c}, needs, total, len(results), capability)
			out = append(out, c)
			prev = &out[len(out)-1]
		}
	}
	return out
}

// bestUnit returns the best single sentence, or the best pair of adjacent
// sentences of one paragraph when the pair answers clearly more than either
// alone: prose often names the subject in one sentence and gives the fact
// in the next ("We also serve Greeley. Visits there carry a $39 fee.").
func bestUnit(cands []candidate, needs []need, total float64, n, maxSegments int, capability bool) []candidate {
	best := []candidate{cands[0]}
	bestScore := cands[0].score
	for i, c := range cands {
		if c.score > bestScore {
			best, bestScore = []candidate{c}, c.score
		}
		if i+1 >= len(cands) || !adjacent(c, cands[i+1]) {
			continue
		}
		pair := []candidate{c, cands[i+1]}
		gain := directCoverage(pair, needs, total) - max(directCoverage(pair[:1], needs, total), directCoverage(pair[1:], needs, total))
		switch {
		case pair[1].leansOnPrev:
			gain = coverage(pair, needs, total) - coverage(pair[1:], needs, total)
		case !aboutTopic(pair[0], needs) || !aboutTopic(pair[1], needs):
			// "Panel upgrade estimates are free. Repair visits are $89.":
			// the price is not the price of what was asked.
			continue
		}
		if gain < 0.1 {
			continue
		}
		if s := unitScore(pair, needs, total, n, capability); s > bestScore && fits(joinSentences(pair), maxSegments) {
			best, bestScore = pair, s
		}
	}
	return best
}

// adjacent reports whether b directly follows a in the same paragraph.
func adjacent(a, b candidate) bool {
	return a.chunkID == b.chunkID && a.para == b.para && b.pos == a.pos+1
}

// pickNext returns the sentence that best adds to the chosen ones: one
// that meets a need they leave open, or a neighbour of a chosen sentence in
// its paragraph that is nearly as relevant and states the kind of fact
// asked for (the Saturday hours after the weekday ones). It must fit the
// budget and not repeat what is already said.
func pickNext(cands, chosen []candidate, needs []need, total float64, maxSegments int) (candidate, bool) {
	base := directCoverage(chosen, needs, total)
	lead := chosen[0]
	var pick candidate
	pickPriority := 0.0
	for _, c := range cands {
		if isChosen(c, chosen) || repeats(c, chosen) || c.quote || !aboutTopic(c, needs) {
			continue
		}
		if c.leansOnPrev && !follows(c, chosen) || completesChunk(c, chosen) {
			continue
		}
		// What the sentence adds must be in its own words: a heading or
		// FAQ question that matches is not an answer to add.
		gain := directCoverage(append(chosen[:len(chosen):len(chosen)], c), needs, total) - base
		continues := false
		for _, x := range chosen {
			if adjacent(x, c) || adjacent(c, x) && !x.leansOnPrev {
				continues = c.score >= 0.75*lead.score && statesEveryAskedCue(c, needs)
			}
		}
		if gain < 0.1 && !continues {
			continue
		}
		priority := 2*gain + c.score
		if continues {
			priority += 0.2
		}
		if priority <= pickPriority {
			continue
		}
		if !fits(joinSentences(append(chosen[:len(chosen):len(chosen)], c)), maxSegments) {
			continue
		}
		pick, pickPriority = c, priority
	}
	return pick, pickPriority > 0
}

// completesChunk reports whether adding c would quote every sentence of a
// chunk of three or more: an answer picks sentences, it does not paste
// the knowledge.
func completesChunk(c candidate, chosen []candidate) bool {
	if c.chunkSentences < 3 {
		return false
	}
	n := 0
	for _, x := range chosen {
		if x.chunkID == c.chunkID {
			n++
		}
	}
	return n+1 >= c.chunkSentences
}

// follows reports whether the sentence before c is among the chosen.
func follows(c candidate, chosen []candidate) bool {
	for _, x := range chosen {
		if adjacent(x, c) {
			return true
		}
	}
	return false
}

// previous returns the sentence before c in its paragraph.
func previous(cands []candidate, c candidate) (candidate, bool) {
	for _, x := range cands {
		if adjacent(x, c) {
			return x, true
		}
	}
	return candidate{}, false
}

// isQuotation: a sentence in quotation marks, or attributed with a dash,
// is a customer's voice (a review), not the business's fact.
func isQuotation(s string) bool {
	return strings.HasPrefix(s, "\"") || strings.HasPrefix(s, "“") || strings.HasPrefix(s, "'") ||
		strings.Contains(s, "\" -") || strings.Contains(s, "” —")
}

func isChosen(c candidate, chosen []candidate) bool {
	for _, x := range chosen {
		if x.chunkID == c.chunkID && x.pos == c.pos {
			return true
		}
	}
	return false
}

// repeats reports whether c says mostly what a chosen sentence says, as
// when an FAQ answer repeats a document.
func repeats(c candidate, chosen []candidate) bool {
	for _, x := range chosen {
		if strings.EqualFold(x.text, c.text) || jaccard(x.terms, c.terms) >= 0.6 {
			return true
		}
	}
	return false
}

func jaccard(a, b map[string]int) float64 {
	inter, union := 0, len(a)
	for t := range b {
		if a[t] > 0 {
			inter++
		} else {
			union++
		}
	}
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// joinSentences orders the chosen sentences as the knowledge does: by the
// chunk of the first pick, then position in the chunk, and joins them.
func joinSentences(chosen []candidate) string {
	order := map[int64]int{}
	for _, c := range chosen {
		if _, ok := order[c.chunkID]; !ok {
			order[c.chunkID] = len(order)
		}
	}
	sorted := append([]candidate(nil), chosen...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if order[a.chunkID] != order[b.chunkID] {
			return order[a.chunkID] < order[b.chunkID]
		}
		return a.pos < b.pos
	})
	parts := make([]string, len(sorted))
	for i, c := range sorted {
		parts[i] = ensureStop(c.text)
	}
	return FoldGSM(strings.Join(parts, " "))
}

// numbersGrounded reports whether every number in text appears in one of
// the sources: the offline responder never states a number it was not
// given.
func numbersGrounded(text string, sources []string) bool {
	all := FoldGSM(strings.Join(sources, "\n"))
	have := map[string]bool{}
	for _, n := range numbersIn(all) {
		have[n] = true
	}
	for _, n := range numbersIn(text) {
		if !have[n] {
			return false
		}
	}
	return true
}

// sourceText is the text of a result that an answer may take numbers from.
func sourceText(r knowledge.Result) string {
	return r.Title + "\n" + r.Heading + "\n" + r.Content
}
