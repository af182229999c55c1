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
	fCoverage       = iota // weighted share of all the question's words met, earlier turns' included
	fOwn                   // of the lead's own words
	fAskedText             // share of the asked words (not asides or cues) the unit says itself
	fAbout                 // share of the asked words in its FAQ question, list intro, headings or title
	fFocus                 // how far the heaviest asked word is met
	fKindMissing           // the question asks a price, a time or a duration and the unit states none
	fAnswersFAQ            // it opens the answer to an FAQ question, times how much of the asked words that question has
	fLeans                 // it opens with "It..." without what "it" is
	fQuote                 // a testimonial
	fSaid                  // the agent said it already in this conversation
	fExtraSentences        // sentences beyond the first
	fLength                // characters / 300
	fRank                  // 1 for the retriever's first chunk, towards 0 for its last
	fRetrieval             // the chunk's retrieval score over the first chunk's
	fItem                  // list items or table rows
	fBackground            // share of the earlier turns' words met
	fSimilarity            // cosine of the unit's and the question's local embeddings
	fLabel                 // how much of its FAQ question, list intro or heading the lead's message says
	fRareCoverage          // coverage with the words weighted by how few chunks of the knowledge hold them
	fPrecision             // share of the unit's own words that the question has
	fIdle                  // its sentences that share no word with the question
	fWhole                 // it is the whole of its paragraph, list or answer
	fFactWithFocus         // one of its sentences says the heaviest asked word and states the kind of fact asked
	fNegative              // it says what the business does not do, and the question asks what it does
	nUnitFeatures
)

// unitFeatureNames name the features, for the trainer's report.
var unitFeatureNames = [nUnitFeatures]string{"coverage", "own", "asked_text", "about", "focus", "kind_missing",
	"answers_faq", "leans", "quote", "said", "extra_sentences", "length", "rank", "retrieval", "item", "background",
	"similarity", "label", "rare_coverage", "precision", "idle", "whole", "fact_with_focus", "negative"}

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

// Features of the decision to answer with the best unit. Few, as there
// are few cases to learn it from, and about how much of the question the
// unit meets, not how it ranked: the best of poor answers is still poor.
const (
	dBias       = iota
	dOwn        // share of the lead's own words it meets
	dRare       // the same, with the words weighted by rarity in the knowledge
	dAbsent     // share, by weight, of the asked words no retrieved chunk has
	dFollowUp   // the message leans on earlier turns
	dBackground // share of the earlier turns' words it meets
	dLabel      // how much of its FAQ question, list intro or heading the lead says
	dAbout      // share of the asked words in its FAQ question, list intro, headings or title
	nDecisionFeatures
)

var decisionFeatureNames = [nDecisionFeatures]string{"bias", "own", "rare_coverage", "absent", "follow_up", "background", "label", "about"}

// DecisionFeatureNames returns the names of the features the decision to
// answer is made by, in order.
func DecisionFeatureNames() []string { return decisionFeatureNames[:] }

type decisionFeatures [nDecisionFeatures]float64

// probability is how likely the best unit answers the question.
func (f decisionFeatures) probability() float64 {
	return DecisionProbability(decisionWeights[:], f[:])
}

// DecisionProbability is how likely a unit with the decision features f
// answers, under weights w (both named by DecisionFeatureNames): the
// logistic of the weighted features.
func DecisionProbability(w, f []float64) float64 {
	z := 0.0
	for i, x := range f {
		z += w[i] * x
	}
	return 1 / (1 + math.Exp(-z))
}
