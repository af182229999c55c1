package handoff

import (
	"fmt"
	"slices"
)

// Signals are what one turn read in the lead's message (the agent's
// intent signals, in this package's terms). Scores are 0..1 calibrated
// probabilities; Sentiment runs from -1 (angry) to 1 (delighted).
type Signals struct {
	BuyingIntent float64
	HumanRequest float64
	Complaint    float64
	// Sensitive is a safety emergency, a legal threat or dispute, or a
	// request to discriminate: what no agent should answer alone.
	Sensitive float64
	Sentiment float64
}

// Turn is what Decide reads of one agent turn.
type Turn struct {
	// Text is the lead's message (or messages, joined) the turn answered.
	Text    string
	Signals Signals
	// Unknown is true when the agent said the knowledge has no answer.
	Unknown bool
	// UnknownBefore is how many of the agent's replies right before this
	// turn, in a row, said the knowledge has no answer.
	UnknownBefore int
	// Requested is the reason the language model gave when it asked for a
	// handoff itself ("" when it did not, or without a model).
	Requested string
}

// Decision is whether a turn hands the conversation to a person, and why.
type Decision struct {
	Handoff bool
	Reason  string
	// Detail says which rule fired, in words for the timeline:
	// `buying intent 0.82 ≥ 0.60`, `keyword "estimate"`.
	Detail string
}

// Decide applies the rules to one turn. It is a pure function of its
// inputs, so the rules can be tested as a table. When more than one
// reason fires, the first in Reasons wins.
func Decide(r Rules, t Turn) Decision {
	words := phraseWords(t.Text)
	score := map[string]float64{
		ReasonBuyingIntent: t.Signals.BuyingIntent,
		ReasonHumanRequest: t.Signals.HumanRequest,
		ReasonComplaint:    t.Signals.Complaint,
		ReasonSensitive:    t.Signals.Sensitive,
	}
	for _, reason := range Reasons {
		rule := r.Rule(reason)
		if !rule.Enabled {
			continue
		}
		if k := findPhrase(words, rule.Keywords); k != "" {
			return Decision{Handoff: true, Reason: reason, Detail: fmt.Sprintf("keyword %q", k)}
		}
		if scored(reason) && score[reason] >= rule.Threshold {
			return Decision{Handoff: true, Reason: reason,
				Detail: fmt.Sprintf("%s %.2f ≥ %.2f", ReasonLabel(reason), score[reason], rule.Threshold)}
		}
		if reason == ReasonComplaint && r.NegativeSentiment < 0 && t.Signals.Sentiment <= r.NegativeSentiment {
			return Decision{Handoff: true, Reason: reason,
				Detail: fmt.Sprintf("sentiment %.2f ≤ %.2f", t.Signals.Sentiment, r.NegativeSentiment)}
		}
		if reason == ReasonUnknownAnswer && t.Unknown && t.UnknownBefore+1 >= r.UnknownStreak {
			return Decision{Handoff: true, Reason: reason,
				Detail: fmt.Sprintf("%d answers in a row the knowledge could not give", t.UnknownBefore+1)}
		}
	}
	// The model asked for a person for a reason the rules did not see;
	// honour it when the business lets that reason hand off.
	if t.Requested != "" && slices.Contains(Reasons, t.Requested) && r.Rule(t.Requested).Enabled {
		return Decision{Handoff: true, Reason: t.Requested, Detail: "the model asked for a handoff"}
	}
	return Decision{}
}
