package agent

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file rates knowledge sentences against what a question needs; the
// choice of sentences is in compose.go.

// How much a need met only around a sentence counts: by the FAQ question
// it answers or the list intro above it (the sentence is about that, but
// does not say it), or only by its document's title or heading (a section
// is about many things).
const (
	contextCredit = 0.6
	headingCredit = 0.3
	// broaderCredit is for a broader term than the one asked: "cooling
	// systems" for "AC".
	broaderCredit = 0.5
)

// exclusive are pairs of terms a question asks one of, where a sentence
// about only the other answers a different question: the price of a new
// system is not the price of a repair.
var exclusive = [][2]string{{"repair", "install"}}

// conflicting reports whether a sentence (with its context) speaks only of
// the other side of an exclusive pair the question asks about.
func conflicting(needs []need, c candidate) bool {
	has := func(t string) bool { return c.terms[t]+c.ctxTerms[t]+c.headTerms[t] > 0 }
	asks := map[string]bool{}
	for _, n := range needs {
		if !n.background {
			asks[n.alts[0]] = true
		}
	}
	for _, pair := range exclusive {
		for i := range 2 {
			want, other := pair[i], pair[1-i]
			if asks[want] && !asks[other] && has(other) && !has(want) {
				return true
			}
		}
	}
	return false
}

// unitScore rates sentences as one answer: how much of the question they
// cover; a little for the retriever's rank, for saying the asked-for words
// more than once, for stating a fact, and, when the lead asks whether the
// business does something, for a sentence saying what "we" do; less for
// length, testimonials and each extra sentence.
func unitScore(unit []candidate, needs []need, total float64, n int, capability bool) float64 {
	s := coverage(unit, needs, total) + rankPrior(unit[0].rank, n)
	extra := 0
	for _, c := range unit {
		for _, nd := range needs {
			if k := c.terms[nd.alts[0]]; k > 1 {
				extra += k - 1
			}
		}
		if c.quote {
			s -= 0.5
		}
		if c.offTopic {
			s -= 0.1
		}
		if c.terms[cuePrice]+c.terms[cueTime]+c.terms[cueDuration] > 0 {
			// Between sentences that match alike, the one stating a price,
			// a time or a duration says more.
			s += 0.03
		}
		if capability && reWeDo.MatchString(c.text) {
			s += 0.05
		}
		if c.asked {
			// The knowledge's own answer to the lead's question beats a
			// sentence that only shares its words.
			s += 0.1
		}
	}
	s += 0.03 * float64(min(extra, 3))
	s -= lengthPenalty(joinSentences(unit))
	s -= 0.05 * float64(len(unit)-1)
	return s
}

// met reports how far a sentence meets a need: in full when it says it, in
// part when only its context or heading does, or a broader term. A cue (a
// price, a time) is met only when the sentence itself states one.
func met(n need, c candidate) float64 {
	t := n.alts[0]
	credit := 0.0
	switch {
	case c.terms[t] > 0:
		credit = 1
	case t == cuePrice && c.terms[cueFree] > 0:
		credit = 0.5
	case strings.HasPrefix(t, "#"):
		return 0
	case c.ctxTerms[t] > 0 && c.asked:
		credit = 1
	case c.ctxTerms[t] > 0:
		credit = contextCredit
	case c.headTerms[t] > 0:
		credit = headingCredit
	}
	if credit < 1 {
		for _, b := range n.broader {
			switch {
			case c.terms[b] > 0:
				credit = max(credit, broaderCredit)
			case c.ctxTerms[b] > 0:
				credit = max(credit, broaderCredit*contextCredit)
			case c.headTerms[b] > 0:
				credit = max(credit, broaderCredit*headingCredit)
			}
		}
	}
	if c.conflicts {
		credit /= 2
	}
	return credit
}

// sameQuestion is the share of what the lead asks (cues left out: a
// question states no fact) that an FAQ question or list intro must ask too
// for its answer to count as answering the lead's question in full.
const sameQuestion = 0.75

// asksTheSame reports whether a context (an FAQ question, a list intro)
// asks what the needs ask: every topic the lead names and most of the
// rest of what they said. "Why is my AC running but not cooling?" is
// answered by "The most common causes are a dirty filter..." though the
// answer repeats none of the question's words.
func asksTheSame(needs []need, ctx map[string]int) bool {
	total, sum := 0.0, 0.0
	for _, n := range needs {
		t := n.alts[0]
		if strings.HasPrefix(t, "#") || n.implied {
			continue
		}
		total += n.weight
		if ctx[t] > 0 {
			sum += n.weight
		} else if isTopic(n) {
			return false
		}
	}
	return total > 0 && sum >= sameQuestion*total
}

// coverage is the weighted share of needs the sentences meet together. A
// compound met only in part ("gas" of "gas fireplace") counts half: a gas
// furnace is not a gas fireplace.
func coverage(chosen []candidate, needs []need, total float64) float64 {
	credits := make([]float64, len(needs))
	partial := map[int]bool{} // compounds with a part unmet
	for i, n := range needs {
		for _, c := range chosen {
			credits[i] = max(credits[i], met(n, c))
		}
		if n.compound != 0 && credits[i] == 0 {
			partial[n.compound] = true
		}
	}
	sum := 0.0
	for i, n := range needs {
		if partial[n.compound] {
			credits[i] /= 2
		}
		sum += credits[i] * n.weight
	}
	return sum / total
}

// directCoverage is coverage counting only what the sentences say about
// what the lead asks, leaving out generic words and the lead's own things
// ("my furnace"): what a further sentence must add. The answer to an FAQ
// question that asks what the lead asks says what its question says.
func directCoverage(chosen []candidate, needs []need, total float64) float64 {
	sum := 0.0
	for _, n := range needs {
		if n.background || n.weight < weightCue {
			continue
		}
		for _, c := range chosen {
			if t := n.alts[0]; c.terms[t] > 0 || c.asked && c.ctxTerms[t] > 0 {
				sum += n.weight
				break
			}
		}
	}
	return sum / total
}

// coversTopic: when the question names a topic ("roofing", "Denver"),
// at least one of those must be met; generic words alone ("install",
// "price") do not make an answer.
func coversTopic(chosen []candidate, needs []need) bool {
	topics := 0
	for _, n := range needs {
		if !isTopic(n) {
			continue
		}
		topics++
		for _, c := range chosen {
			if met(n, c) > 0 {
				return true
			}
		}
	}
	return topics == 0
}

func isQuestion(s string) bool {
	return strings.HasSuffix(strings.TrimSpace(s), "?")
}

// startsMidSentence reports whether text begins with a lower-case word, as
// the tail of a sentence cut at a chunk boundary does.
func startsMidSentence(text string) bool {
	r, _ := utf8.DecodeRuneInString(text)
	return unicode.IsLower(r)
}

// offTopic reports whether a heading names topics and none of them is
// among what the question asks.
func offTopic(needs []need, head map[string]int) bool {
	named := false
	for t := range head {
		if strings.HasPrefix(t, "#") || genericTerms[t] {
			continue
		}
		named = true
		for _, n := range needs {
			if n.alts[0] == t || slices.Contains(n.broader, t) {
				return false
			}
		}
	}
	return named
}

// actionTerms are what a lead asks the business to do.
var actionTerms = map[string]bool{"install": true, "repair": true, "clear": true}

// meetsAction: when the lead asks whether the business does something
// ("do you install windows?"), the answer must speak of doing it, not
// merely mention the thing ("your arrival window").
func meetsAction(chosen []candidate, needs []need) bool {
	for _, n := range needs {
		if n.background || n.implied || !actionTerms[n.alts[0]] {
			continue
		}
		for _, c := range chosen {
			if met(n, c) >= contextCredit {
				return true
			}
		}
		return false
	}
	return true
}

// aboutTopic reports whether a sentence is about one of the question's
// topics, in its own words or its FAQ question or list intro, or whether
// the question names no topic.
func aboutTopic(c candidate, needs []need) bool {
	topics := 0
	for _, n := range needs {
		if !isTopic(n) {
			continue
		}
		topics++
		if met(n, c) >= contextCredit {
			return true
		}
	}
	return topics == 0
}

// statesAnAskedCue: a question asking how much, when or how long is
// answered only by sentences that state a price, a time or a duration.
func statesAnAskedCue(chosen []candidate, needs []need) bool {
	asked := false
	for _, n := range needs {
		if !strings.HasPrefix(n.alts[0], "#") {
			continue
		}
		asked = true
		for _, c := range chosen {
			if met(n, c) > 0 {
				return true
			}
		}
	}
	return !asked
}

// rePronounStart finds a sentence whose subject is a pronoun.
var rePronounStart = regexp.MustCompile(`^(?:It|Its|It's|This|That|They|These|Those|Both|Each|Either)\b`)

func mergeTerms(a, b map[string]int) map[string]int {
	out := make(map[string]int, len(a)+len(b))
	for t, n := range a {
		out[t] += n
	}
	for t, n := range b {
		if !strings.HasPrefix(t, "#") {
			out[t] += n
		}
	}
	return out
}

// statesEveryAskedCue reports whether c states every kind of fact the
// question asks for.
func statesEveryAskedCue(c candidate, needs []need) bool {
	for _, n := range needs {
		if strings.HasPrefix(n.alts[0], "#") && c.terms[n.alts[0]] == 0 {
			return false
		}
	}
	return true
}

// reWeDo finds a sentence that says what the business does.
var reWeDo = regexp.MustCompile(`(?i)^(?:yes\W+)?(?:we|our (?:licensed )?(?:plumbers|technicians|electricians|team))\b`)

// rankPrior slightly prefers sentences from chunks the retriever ranked
// higher, to break ties between equally matching sentences.
func rankPrior(rank, n int) float64 {
	if n <= 1 {
		return 0.05
	}
	return 0.05 * (1 - float64(rank)/float64(n))
}

// lengthPenalty keeps long sentences from crowding an SMS.
func lengthPenalty(s string) float64 {
	n := utf8.RuneCountInString(s)
	switch {
	case n > 260:
		return 0.15
	case n > 180:
		return 0.05
	}
	return 0
}

func anyIn(alts []string, set map[string]bool) bool {
	for _, a := range alts {
		if set[a] {
			return true
		}
	}
	return false
}
