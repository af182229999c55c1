package agent

import (
	"math"
)

// The offline responder rates each unit of the retrieved chunks by a
// linear function of the features below, and decides whether the best one
// answers by a logistic function of the question's. Both sets of weights
// are learned from businesses' knowledge and eval suites by `make train`
// (agent/internal/answerfit) and written to answer_weights.go; what they
// measure is general (how much of the question a unit meets, and where),
// never a business's words.

// Features of a unit for a question, by index into unitFeatures.
const (
	fCoverage      = iota // weighted share of all the question's words met, earlier turns' included
	fOwn                  // of the lead's own words
	fAskedText            // share of the asked words (not asides or cues) the unit says itself
	fAbout                // share of the asked words in its FAQ question, list intro, headings or title
	fFocus                // how far the heaviest asked word is met
	fKindMissing          // the question asks a price, a time or a duration and the unit states none
	fAnswersFAQ           // it opens the answer to an FAQ question, times how much of the asked words that question has
	fLeans                // it opens with "It..." without what "it" is
	fQuote                // a testimonial
	fSaid                 // the agent said it already in this conversation
	fExtraSentences       // sentences beyond the first
	fLength               // characters / 300
	fRank                 // 1 for the retriever's first chunk, towards 0 for its last
	fRetrieval            // the chunk's retrieval score over the first chunk's
	fItem                 // list items or table rows
	fBackground           // share of the earlier turns' words met
	fSimilarity           // cosine of the unit's and the question's local embeddings
	fLabel                // how much of its FAQ question, list intro or heading the lead's message says
	fRareCoverage         // coverage with the words weighted by how few chunks of the knowledge hold them
	fPrecision            // share of the unit's own words that the question has
	nUnitFeatures
)

// unitFeatureNames name the features, for the trainer's report.
var unitFeatureNames = [nUnitFeatures]string{"coverage", "own", "asked_text", "about", "focus", "kind_missing",
	"answers_faq", "leans", "quote", "said", "extra_sentences", "length", "rank", "retrieval", "item", "background",
	"similarity", "label", "rare_coverage", "precision"}

// UnitFeatureNames returns the names of the features units are rated by,
// in order.
func UnitFeatureNames() []string { return unitFeatureNames[:] }

type unitFeatures [nUnitFeatures]float64

func (f unitFeatures) score() float64 {
	s := 0.0
	for i, x := range f {
		s += rankWeights[i] * x
	}
	return s
}

// Features of the decision to answer with the best unit.
const (
	dBias        = iota
	dScore            // the best unit's score
	dOwn              // its share of the lead's own words
	dFocus            // how far it meets the heaviest asked word (0 when none)
	dAbsent           // weight of the heaviest asked word no retrieved chunk has
	dKindMissing      // it states no fact of the kind asked
	dFollowUp         // the message leans on earlier turns
	dCoverage         // its share of all words
	dMargin           // its score over the second best unit of another chunk
	dSimilarity       // its embedding similarity
	nDecisionFeatures
)

var decisionFeatureNames = [nDecisionFeatures]string{"bias", "score", "own", "focus", "absent", "kind_missing",
	"follow_up", "coverage", "margin", "similarity"}

// DecisionFeatureNames returns the names of the features the decision to
// answer is made by, in order.
func DecisionFeatureNames() []string { return decisionFeatureNames[:] }

type decisionFeatures [nDecisionFeatures]float64

// probability is how likely the best unit answers the question.
func (f decisionFeatures) probability() float64 {
	z := 0.0
	for i, x := range f {
		z += decisionWeights[i] * x
	}
	return 1 / (1 + math.Exp(-z))
}
