package handoff

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/leadagent/leadagent/crm"
)

// Reasons a conversation is handed to a person: crm's words.
const (
	ReasonBuyingIntent  = crm.ReasonBuyingIntent
	ReasonHumanRequest  = crm.ReasonHumanRequest
	ReasonComplaint     = crm.ReasonComplaint
	ReasonUnknownAnswer = crm.ReasonUnknownAnswer
	ReasonSensitive     = crm.ReasonSensitive
)

// Reasons lists every reason, in the order Decide prefers them when more
// than one fires: a sensitive topic or a complaint tells the rep more
// than a request for a person, which tells more than buying words.
var Reasons = []string{ReasonSensitive, ReasonComplaint, ReasonHumanRequest, ReasonBuyingIntent, ReasonUnknownAnswer}

// ReasonLabel is a reason in words, for texts and the console.
func ReasonLabel(reason string) string {
	switch reason {
	case ReasonBuyingIntent:
		return "buying intent"
	case ReasonHumanRequest:
		return "asked for a person"
	case ReasonComplaint:
		return "complaint"
	case ReasonUnknownAnswer:
		return "question the knowledge can't answer"
	case ReasonSensitive:
		return "sensitive topic"
	}
	return strings.ReplaceAll(reason, "_", " ")
}

// Rule is how one reason escalates.
type Rule struct {
	// Enabled reasons hand off; a disabled one never does, whatever the
	// signals or keywords say.
	Enabled bool `json:"enabled"`
	// Threshold is the signal score (0..1) at or above which the reason
	// fires; buying_intent, human_request, complaint and sensitive have
	// one. The scores are calibrated probabilities: 0.6 fires when the
	// classifier gives the reason 60% or more.
	Threshold float64 `json:"threshold,omitempty"`
	// Keywords are words or phrases that fire the reason whatever the
	// scores ("estimate", "speak to a manager"). For sensitive they are
	// the business's own list of topics it wants a person for, beside
	// the classifier's emergencies, legal threats and discrimination.
	Keywords []string `json:"keywords"`
}

// Rules are the escalation rules an admin tunes in the console. Every
// saved change is a new version; the active one applies from the next turn.
type Rules struct {
	BuyingIntent  Rule `json:"buying_intent"`
	HumanRequest  Rule `json:"human_request"`
	Complaint     Rule `json:"complaint"`
	UnknownAnswer Rule `json:"unknown_answer"`
	Sensitive     Rule `json:"sensitive"`
	// NegativeSentiment fires complaint when the lead's sentiment is at or
	// below it (-1 angry .. 1 delighted); 0 leaves sentiment out.
	NegativeSentiment float64 `json:"negative_sentiment"`
	// UnknownStreak is how many answers in a row the knowledge could not
	// give before unknown_answer fires.
	UnknownStreak int `json:"unknown_streak"`
	// SLAMinutes is how long a handoff may wait unclaimed before the next
	// rep is told, and as long again before the admins are.
	SLAMinutes int `json:"sla_minutes"`
}

// DefaultRules apply until an admin saves rules of their own. The scores
// are the intent classifier's calibrated probabilities (agent/intent), so
// the thresholds read as odds. A request for a person and a complaint
// hand off at even odds (0.5); buying intent a little below (0.45), where
// 5-fold cross-validation over the public intent sets measures handoff
// precision 0.92 at recall 0.86, buying precision 0.93 at recall 0.83 and
// complaint precision 0.83. At 0.5 buying recall is 0.82 and handoff
// recall 0.85, on the edge of what a missed sale costs; on the cases of
// businesses the model was not trained on, 0.45 and 0.5 decide the same
// 300 cases alike (0.4 adds a false alarm). A sensitive topic
// hands off at 0.3, because a missed emergency, legal threat or request
// to discriminate costs more than a rep's glance at a false alarm: on the
// cases of businesses the model was not trained on, 0.3 finds 9 of 12
// sensitive messages (0.4 finds 6) for two more false alarms in 288, and
// on the public sets four more in 31,106. `make train` prints these
// figures and the sweeps behind them; quality_test.go measures the rules.
//
// The default sensitive keywords are a few phrases that mean a gas leak
// or a threat whatever surrounds them; the business adds its own. Words
// such as "lawyer", "injury" or "hospital" are not among them: at an
// injury firm's intake line they are in every other ordinary question,
// and the classifier tells an emergency from an old accident.
func DefaultRules() Rules {
	return Rules{
		BuyingIntent:  Rule{Enabled: true, Threshold: 0.45},
		HumanRequest:  Rule{Enabled: true, Threshold: 0.5},
		Complaint:     Rule{Enabled: true, Threshold: 0.5},
		UnknownAnswer: Rule{Enabled: true},
		Sensitive: Rule{Enabled: true, Threshold: 0.3, Keywords: []string{
			"sue you", "legal action", "better business bureau", "bbb", "news station", "reporter",
			"gas leak", "smell gas", "gas smell", "smells like gas", "smell of gas", "fire department",
		}},
		// The complaint probability already pulls sentiment down, so at
		// -0.7 this floor fires only where the complaint rule would; it
		// stays as the business's knob for a complaint threshold raised
		// above it.
		NegativeSentiment: -0.7,
		UnknownStreak:     2,
		SLAMinutes:        10,
	}
}

// Rule returns the rule of a reason.
func (r *Rules) Rule(reason string) *Rule {
	switch reason {
	case ReasonBuyingIntent:
		return &r.BuyingIntent
	case ReasonHumanRequest:
		return &r.HumanRequest
	case ReasonComplaint:
		return &r.Complaint
	case ReasonUnknownAnswer:
		return &r.UnknownAnswer
	case ReasonSensitive:
		return &r.Sensitive
	}
	return nil
}

// scored reports whether a reason fires on a signal score.
// Scored reports whether a reason hands off by a score reaching its
// rule's threshold (the others by keywords or a streak).
func Scored(reason string) bool { return scored(reason) }

func scored(reason string) bool {
	return reason == ReasonBuyingIntent || reason == ReasonHumanRequest || reason == ReasonComplaint ||
		reason == ReasonSensitive
}

// Validate checks the rules and tidies keywords (trimmed, lower case,
// deduplicated). The error names the field and what is wrong.
func (r *Rules) Validate() error {
	for _, reason := range Reasons {
		rule := r.Rule(reason)
		if scored(reason) && (rule.Threshold <= 0 || rule.Threshold > 1) {
			return &crm.InvalidError{Field: reason + ".threshold", Reason: fmt.Sprintf("%g is not a score above 0 and at most 1", rule.Threshold)}
		}
		if !scored(reason) {
			rule.Threshold = 0
		}
		var kws []string
		for _, k := range rule.Keywords {
			k = strings.Join(phraseWords(k), " ")
			if k == "" || slices.Contains(kws, k) {
				continue
			}
			if len(k) > 80 {
				return &crm.InvalidError{Field: reason + ".keywords", Reason: fmt.Sprintf("%q is longer than 80 characters", k)}
			}
			kws = append(kws, k)
		}
		if len(kws) > 200 {
			return &crm.InvalidError{Field: reason + ".keywords", Reason: "more than 200 keywords"}
		}
		if reason == ReasonUnknownAnswer && len(kws) > 0 {
			return &crm.InvalidError{Field: reason + ".keywords", Reason: "unknown_answer fires on answers the knowledge could not give, not on keywords"}
		}
		rule.Keywords = kws
	}
	if r.NegativeSentiment < -1 || r.NegativeSentiment > 0 {
		return &crm.InvalidError{Field: "negative_sentiment", Reason: fmt.Sprintf("%g is not from -1 to 0", r.NegativeSentiment)}
	}
	if r.UnknownStreak < 1 || r.UnknownStreak > 10 {
		return &crm.InvalidError{Field: "unknown_streak", Reason: fmt.Sprintf("%d is not from 1 to 10", r.UnknownStreak)}
	}
	if r.SLAMinutes < 1 || r.SLAMinutes > 24*60 {
		return &crm.InvalidError{Field: "sla_minutes", Reason: fmt.Sprintf("%d is not from 1 to 1440", r.SLAMinutes)}
	}
	return nil
}

// phraseWords splits text into lower-case words of letters and digits,
// dropping apostrophes inside words ("don't" → "dont"), so keywords and
// messages compare alike whatever their punctuation and case.
func phraseWords(s string) []string {
	s = strings.NewReplacer("'", "", "’", "").Replace(strings.ToLower(s))
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// findPhrase returns the first of phrases (each as phraseWords gave it,
// joined by spaces) that occurs in words as whole words, or "".
func findPhrase(words []string, phrases []string) string {
	for _, p := range phrases {
		pw := strings.Fields(p)
		if len(pw) == 0 {
			continue
		}
		for i := 0; i+len(pw) <= len(words); i++ {
			if slices.Equal(words[i:i+len(pw)], pw) {
				return p
			}
		}
	}
	return ""
}
