package agent

import (
	"math"
	"strings"

	// Named so: this package calls the offline responder's own reading
	// of small talk an intent (smalltalk.go).
	intentmodel "github.com/leadagent/leadagent/agent/intent"
)

// Intent classes, for Signals.Intent.
const (
	IntentBuying    = "buying_intent"
	IntentHuman     = "human_request"
	IntentComplaint = "complaint"
	IntentSensitive = "sensitive"
	IntentFAQ       = "faq"
	IntentOther     = "other"
)

// HandoffThreshold is the probability at which the offline responder
// treats a message as a request for a person or a complaint and promises
// a person instead of quoting the knowledge. Whether the conversation is
// handed off is the escalation rules' decision, with thresholds of their
// own.
const HandoffThreshold = 0.5

// IntentClassifier reads intent signals from a lead's message with the
// trained classifier of package intent, reading the message as an answer
// to the agent's message before it. It is safe for concurrent use and
// costs tens of microseconds a message.
//
// BuyingIntent, HumanRequest, Complaint and Sensitive are calibrated
// probabilities: 0.6 means about 60% of such messages belong to the class.
// Intent is the most likely class. Coverage is left 0: how well the
// knowledge covered the question is the responder's to say.
type IntentClassifier struct {
	model *intentmodel.Model
}

var _ Classifier = (*IntentClassifier)(nil)

// NewIntentClassifier returns the classifier with the weights built into
// the binary.
func NewIntentClassifier() *IntentClassifier {
	return &IntentClassifier{model: intentmodel.Default()}
}

// Classify reads the signals of text, the lead's new message, with
// history, the turns before it, oldest first.
func (c *IntentClassifier) Classify(text string, history []Message) Signals {
	p := c.model.Predict(text, agentAsked(history))
	s := Signals{
		BuyingIntent: p[intentmodel.BuyingIntent],
		HumanRequest: p[intentmodel.HumanRequest],
		Complaint:    p[intentmodel.Complaint],
		Sensitive:    p[intentmodel.Sensitive],
		Intent:       p.Best().String(),
	}
	s.Sentiment = sentiment(text, s.Complaint)
	return s
}

// agentAsked is the agent's message the lead's new one answers: the last
// turn, when the agent wrote it. After a message of the lead's own, or of
// a rep, the lead is not answering the agent.
func agentAsked(history []Message) string {
	if n := len(history); n > 0 && history[n-1].From == FromAI {
		return history[n-1].Text
	}
	return ""
}

// praise lifts the sentiment of a message that is not a complaint.
var praise = wordSet(`thanks thank thx ty appreciate appreciated great awesome amazing perfect excellent wonderful
	fantastic love loved best happy glad helpful nice friendly recommend`)

var friendlyEmoji = []string{"👍", "🙂", "😊", "😀", "😃", "😄", "😁", "❤", "😍", "🙏", "👌", "🎉", "🙌"}

// sentiment rates a message from -1 (angry) to 1 (delighted). The
// complaint probability pulls it down; praise and friendly emoji lift it
// only as far as the message is not a complaint, so "great job, it broke
// again" reads as the complaint it is.
func sentiment(text string, complaint float64) float64 {
	lift := 0
	for _, w := range words(strings.ToLower(text)) {
		if praise[w] {
			lift++
		}
	}
	for _, e := range friendlyEmoji {
		lift += strings.Count(text, e)
	}
	s := math.Tanh(0.8*float64(lift))*(1-complaint) - complaint
	return max(-1, min(1, s))
}
