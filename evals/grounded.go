package evals

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/leadagent/leadagent/agent"
)

// Grounding is what the lexical grounded check found in a reply.
type Grounding struct {
	// Sentences is how many sentences the reply has; Factual how many of
	// them state something checkable.
	Sentences, Factual int
	// Unsupported lists the factual sentences the evidence does not
	// support, in the reply's order.
	Unsupported []Unsupported
}

// Unsupported is one factual sentence the evidence does not support.
type Unsupported struct {
	Sentence string
	// MissingNumbers are numbers of the sentence that no evidence text has.
	MissingNumbers []string
	// MissingWords are content words of the sentence the evidence lacks;
	// Covered of Words content words were found.
	MissingWords   []string
	Covered, Words int
}

// Grounded reports whether every factual sentence is supported.
func (g Grounding) Grounded() bool { return len(g.Unsupported) == 0 }

// MinWordSupport is the share of a factual sentence's content words that
// must appear in the evidence for the lexical check to call it supported.
const MinWordSupport = 0.6

// GroundedLexical is the grounded check without a judge model: a lexical
// approximation of "every factual sentence is supported by the retrieved
// chunks". It can miss a wrong claim written in the chunks' words and flag
// a right one written in other words; a judge model reads meaning instead.
//
// The reply is split into sentences (at line breaks, then as
// agent.SplitSentences splits). A sentence is factual when it has a number
// (a price, a time, a count: "$129", "9:00", "24/7"), or when it is not a
// question and has at least two content words (words outside a stoplist of
// function words and chat words, and outside ignore: the lead's and the
// business's names) and is not the agent's boilerplate ("I'm the AI
// assistant for...", "someone will follow up", "how can I help"). A factual
// sentence is supported when every number in it appears in the evidence
// (normalised: "$1,200" is 1200, "9:00" is 9, "129.00" is 129) and at least
// MinWordSupport of its content words do, compared lower-cased and
// crudely stemmed ("prices", "pricing" and "price" are one word).
//
// evidence is every text the reply may draw on: the retrieved chunks, the
// business's own details and the lead's messages, which a reply may echo.
func GroundedLexical(reply string, evidence []string, ignore []string) Grounding {
	numbers := map[string]bool{}
	words := map[string]bool{}
	for _, e := range evidence {
		// A reply is folded for SMS as it is sent ("33⅓%" is "33 1/3%"):
		// its numbers are the folded evidence's.
		for _, n := range numbersOf(agent.FoldGSM(e)) {
			numbers[n] = true
		}
		for _, w := range tokens(e) {
			words[stemWord(w)] = true
		}
	}
	skip := map[string]bool{}
	for _, s := range ignore {
		for _, w := range tokens(s) {
			skip[w] = true
		}
	}
	var g Grounding
	for _, sentence := range replySentences(reply) {
		g.Sentences++
		nums := numbersOf(sentence)
		content := contentWords(sentence, skip)
		if len(nums) == 0 && (len(content) < 2 || isQuestion(sentence) || boilerplate(sentence)) {
			continue
		}
		g.Factual++
		u := Unsupported{Sentence: sentence, Words: len(content)}
		for _, n := range nums {
			if !numbers[n] {
				u.MissingNumbers = appendNew(u.MissingNumbers, n)
			}
		}
		for _, w := range content {
			if words[stemWord(w)] {
				u.Covered++
			} else {
				u.MissingWords = appendNew(u.MissingWords, w)
			}
		}
		wordsOK := u.Words == 0 || float64(u.Covered) >= MinWordSupport*float64(u.Words)
		if len(u.MissingNumbers) > 0 || !wordsOK {
			g.Unsupported = append(g.Unsupported, u)
		}
	}
	return g
}

// Detail says what the check found, for the report.
func (g Grounding) Detail() string {
	if g.Grounded() {
		switch g.Factual {
		case 0:
			return "lexical: no factual sentences"
		case 1:
			return "lexical: the factual sentence is supported by the retrieved chunks"
		}
		return fmt.Sprintf("lexical: all %d factual sentences are supported by the retrieved chunks", g.Factual)
	}
	u := g.Unsupported[0]
	var why []string
	if len(u.MissingNumbers) > 0 {
		why = append(why, "numbers not in the chunks: "+strings.Join(u.MissingNumbers, ", "))
	}
	if u.Words > 0 && float64(u.Covered) < MinWordSupport*float64(u.Words) {
		why = append(why, fmt.Sprintf("%d of %d content words found, missing: %s", u.Covered, u.Words, strings.Join(u.MissingWords, ", ")))
	}
	s := fmt.Sprintf("lexical: not supported by the retrieved chunks: %q (%s)", u.Sentence, strings.Join(why, "; "))
	if n := len(g.Unsupported) - 1; n > 0 {
		s += fmt.Sprintf("; and %d more sentence(s)", n)
	}
	return s
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// replySentences splits a reply at line breaks, then into sentences.
func replySentences(reply string) []string {
	var out []string
	for _, line := range strings.Split(reply, "\n") {
		for _, s := range agent.SplitSentences(line) {
			if strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
				out = append(out, s)
			}
		}
	}
	return out
}

func isQuestion(sentence string) bool {
	return strings.HasSuffix(strings.TrimRight(sentence, `"')]”’ `), "?")
}

// numberPattern finds numbers with their inner separators: 1,200 9:30
// 24/7 3.5.
var numberPattern = regexp.MustCompile(`\d+(?:[.,:/]\d+)*`)

// numbersOf returns the numbers of text, normalised so that one number
// written two ways compares equal.
func numbersOf(text string) []string {
	found := numberPattern.FindAllString(text, -1)
	out := make([]string, 0, len(found))
	for _, n := range found {
		out = append(out, normalizeNumber(n))
	}
	return out
}

func normalizeNumber(n string) string {
	n = strings.ReplaceAll(n, ",", "")
	for _, zero := range []string{":00", ".00", ".0"} {
		if strings.HasSuffix(n, zero) && !strings.Contains(strings.TrimSuffix(n, zero), ":") {
			n = strings.TrimSuffix(n, zero)
			break
		}
	}
	return n
}

// tokens returns text's words lower-cased, apostrophes dropped ("don't"
// is "dont"), numbers left out.
func tokens(text string) []string {
	text = strings.NewReplacer("'", "", "’", "", "‘", "").Replace(strings.ToLower(text))
	fields := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := fields[:0]
	for _, f := range fields {
		if strings.IndexFunc(f, unicode.IsLetter) < 0 {
			continue
		}
		out = append(out, f)
	}
	return out
}

// contentWords are a sentence's words that say something: not function
// words, chat words, the ignored names or the words of the agent's
// boilerplate phrases ("call (970) 555-0100 if it's urgent" is a phone
// number, not a claim about urgency).
func contentWords(sentence string, skip map[string]bool) []string {
	text := " " + strings.Join(tokens(sentence), " ") + " "
	for _, m := range boilerplateMarkers {
		text = strings.ReplaceAll(text, " "+m+" ", " ")
	}
	var out []string
	for _, w := range strings.Fields(text) {
		if len([]rune(w)) < 2 || stopwords[w] || skip[w] {
			continue
		}
		out = append(out, w)
	}
	return out
}

// stemWord strips common English suffixes, the same way on both sides of
// the comparison; it is crude on purpose ("pricing" and "price" are
// "pric").
func stemWord(w string) string {
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		w = w[:n-3] + "y"
	case n > 4 && strings.HasSuffix(w, "sses"):
		w = w[:n-2]
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		w = w[:n-1]
	}
	n = len(w)
	switch {
	case n > 5 && strings.HasSuffix(w, "ing"):
		w = w[:n-3]
	case n > 4 && strings.HasSuffix(w, "ed"):
		w = w[:n-2]
	case n > 4 && strings.HasSuffix(w, "ly"):
		w = w[:n-2]
	}
	if n = len(w); n > 3 && strings.HasSuffix(w, "e") {
		w = w[:n-1]
	}
	return w
}

// boilerplateMarkers are phrases of the agent's own framing: who it is,
// that a person will follow up, offers to help. A sentence with one and
// no number states nothing about the business worth checking.
var boilerplateMarkers = []string{
	"ai assistant", "automated assistant", "virtual assistant", "not a person", "a real person",
	"follow up", "follows up", "followup", "reach out", "get back to you", "pass along", "passed this",
	"pass this", "confirm the details", "set up a time", "set that up", "take it from here", "be in touch",
	"how can i help", "can i help", "anything else", "happy to help", "glad to help", "here to help",
	"let me know", "what do you need", "feel free",
	"dont have that information", "dont want to guess", "dont know", "not sure", "wrong information",
	"dont have an answer", "noted it for", "noted your question",
	"cant confirm", "cant share", "unable to", "add any details", "in the meantime",
	"sorry", "thank you", "thanks", "youre welcome", "of course", "reply stop", "good question",
	"if its urgent", "if its an emergency", "if it cant wait", "if anyone is in danger", "to reach a person", "our team",
}

func boilerplate(sentence string) bool {
	s := " " + strings.Join(tokens(sentence), " ") + " "
	for _, m := range boilerplateMarkers {
		if strings.Contains(s, " "+m+" ") {
			return true
		}
	}
	return false
}

// stopwords are English function words and the chat words of a text
// conversation; neither carries a claim.
var stopwords = wordSet(`
a about above after again against all am an and any are as at be because been before being below
between both but by can cant could couldnt did didnt do does doesnt doing dont down during each few
for from further had hadnt has hasnt have havent having he her here hers herself him himself his how
i id if ill im in into is isnt it its itself ive just lets me more most my myself no nor not now of
off on once only or other our ours ourselves out over own same she should shouldnt so some such than
that thats the their theirs them themselves then there theres these they theyre this those through
to too under until up us very was wasnt we were werent weve what whats when where which while who
whom why will with wont would wouldnt you youd youll youre youve your yours yourself yourselves
also may might must shall get got go going gone make made let see seem want need like know think
yes yeah ok okay sure hi hello hey thanks thank please great good happy glad help welcome sorry
today right well really just absolutely definitely certainly awesome perfect wonderful
one every much many lot lots something anything everything nothing someone anyone everyone
call text reach contact
across along around among within without via per near behind beyond toward towards upon onto inside
outside since though although unless whether either neither yet still even ever
`)

func wordSet(list string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		m[w] = true
	}
	return m
}
