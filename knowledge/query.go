package knowledge

import (
	"math"
	"strings"
)

// A question as search weighs it: its words, the words a general-English
// lexicon adds for them, and how much each one says.
//
// Not every word of a question says as much. "How do I get rid of the
// smell in my dishwasher" is about "smell" and "dishwasher"; "get" and
// "rid" are the form of the question. Two things tell them apart without
// a model: how rare a word is in the knowledge base (inverse document
// frequency, from PostgreSQL's statistics of the full-text column, see
// termStats) and a short list of words that mostly frame questions
// (questionForm). Each term's weight is the product of the two, and
// expansions from the lexicon count less than the words the lead used.

// queryTerm is one word search looks for.
type queryTerm struct {
	word string // lower case, as words() splits it
	stem string // stem(word)
	// form is the weight of the word's role: 1 for a content word,
	// less for the words that frame a question and for expansions.
	form float64
	// idf is the word's inverse document frequency in the knowledge base;
	// 1 until termStats sets it.
	idf float64
	// expansion marks a word the lexicon added.
	expansion bool
	// pos is the position of the word among the question's words (for
	// word pairs); -1 for an expansion.
	pos int
}

// weight is how much the term counts in a ranking.
func (t queryTerm) weight() float64 { return t.form * t.idf }

// queryPlan is a question analysed for search.
type queryPlan struct {
	terms []queryTerm
}

// expansionWeight is the share of an original word's weight that a word
// the lexicon adds gets: a synonym is evidence, but weaker than the word
// the lead chose.
const expansionWeight = 0.5

// questionFormWeight is the weight of the words in questionForm.
const questionFormWeight = 0.35

// questionForm are words that frame questions more than they say what the
// question is about ("what is the best way to…", "is it possible to…",
// "I want to know…"). They still count, a little: "best" can matter.
var questionForm = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		know need needs want wants wanted like way ways best possible possibly
		happen happens thing things something anything everything someone
		anyone somebody anybody everyone one ones tell say said ask asking
		question questions info information go going goes use using make
		making take taking give really actually exactly currently still
		already ever even much many lot lots kind sort type types case cases
		able allowed supposed mean means regarding concerning consider
		considered should would could anyone else guys hey dear sir madam
		yes yeah well good right sure find found look looking see show
		try trying help`) {
		m[w] = true
	}
	return m
}()

// analyzeQuery splits a question into the terms search looks for: its
// content words once each (stopwords dropped), then the lexicon's
// expansions. IDF is filled in later, from the knowledge base.
func analyzeQuery(question string) queryPlan {
	ws := words(question)
	var p queryPlan
	seen := map[string]bool{}
	pos := 0
	for _, w := range ws {
		if isStopword(w) || !tsWord(w) {
			continue
		}
		s := stem(w)
		if seen[s] {
			pos++
			continue
		}
		seen[s] = true
		form := 1.0
		if questionForm[w] {
			form = questionFormWeight
		}
		p.terms = append(p.terms, queryTerm{word: w, stem: s, form: form, idf: 1, pos: pos})
		pos++
		if len(p.terms) == maxQueryTerms {
			return p
		}
	}
	for _, x := range expandWords(ws) {
		s := stem(x)
		if seen[s] || !tsWord(x) {
			continue
		}
		seen[s] = true
		p.terms = append(p.terms, queryTerm{word: x, stem: s, form: expansionWeight, idf: 1, expansion: true, pos: -1})
		if len(p.terms) == 2*maxQueryTerms {
			break
		}
	}
	return p
}

// empty reports whether the question has nothing to search for.
func (p queryPlan) empty() bool { return len(p.terms) == 0 }

// words returns the terms' words, in order.
func (p queryPlan) words() []string {
	out := make([]string, len(p.terms))
	for i, t := range p.terms {
		out[i] = t.word
	}
	return out
}

// tsquery is the to_tsquery('english', …) input of the full-text search:
// the question's own words ORed (see orQuery for why OR). The lexicon's
// expansions are left out: ts_rank_cd would weigh a synonym as much as
// the lead's word, and its cost grows with the words of the query (on a
// large base, a millisecond for a handful of synonyms). They count where
// they can be weighed: in BM25F over the candidates and in the weighted
// query vector.
func (p queryPlan) tsquery() string {
	var ws []string
	for _, t := range p.terms {
		if !t.expansion {
			ws = append(ws, t.word)
		}
	}
	return orQuery(strings.Join(ws, " "))
}

// setIDF fills in each term's inverse document frequency from the
// estimated number of chunks that hold it (df) among n. The BM25 form,
// ln(1 + (n-df+0.5)/(df+0.5)), is positive however common the word; a
// word in every chunk gets almost nothing. Without statistics (n == 0)
// every word counts the same.
func (p *queryPlan) setIDF(n float64, df map[string]float64) {
	if n <= 0 {
		return
	}
	// Scaled so that a word found in one chunk of n weighs 1 whatever n
	// is: the weights then mean the same in small and large bases.
	top := bm25IDF(n, 1)
	for i := range p.terms {
		d, ok := df[p.terms[i].word]
		if !ok {
			// A stopword to PostgreSQL but not to us: common.
			d = n
		}
		p.terms[i].idf = bm25IDF(n, d) / top
	}
}

func bm25IDF(n, df float64) float64 {
	df = min(max(df, 0), n)
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}
