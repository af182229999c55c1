package agent

import (
	"context"
	"fmt"
	"strings"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/lexicon"
)

// Thresholds tune how much the offline responder says.
type Thresholds struct {
	// K is how many chunks each search asks for.
	K int
	// MaxSegments bounds an SMS reply.
	MaxSegments int
	// MaxSentences bounds how many knowledge sentences a spoken answer
	// quotes: a caller cannot re-read them.
	MaxSentences int
}

// DefaultThresholds: ten chunks are more than most questions need and
// few enough to rate every sentence of them in well under a millisecond.
func DefaultThresholds() Thresholds {
	return Thresholds{K: 10, MaxSegments: 2, MaxSentences: 2}
}

// Offline answers leads from the business's knowledge without a language
// model: it quotes the part of a retrieved chunk that answers the
// question (see answer.go), and says so plainly when none does. It is
// safe for concurrent use.
type Offline struct {
	retriever  Retriever
	business   Business
	thresholds Thresholds
	classifier Classifier
	lex        *lexicon.Lexicon
	units      *unitCache
}

var _ Responder = (*Offline)(nil)

// offlineModel is Reply.Model for the offline responder.
const offlineModel = "offline"

// NewOffline returns the offline responder for business b, searching r,
// reading intent with NewIntentClassifier.
func NewOffline(r Retriever, b Business) *Offline {
	lex := lexicon.Default()
	return &Offline{retriever: r, business: b, thresholds: DefaultThresholds(), classifier: NewIntentClassifier(),
		lex: lex, units: newUnitCache(lex, 4096)}
}

// WithClassifier returns a copy of o that reads intent signals with c;
// nil keeps the built-in classifier.
func (o *Offline) WithClassifier(c Classifier) *Offline {
	if c == nil {
		c = NewIntentClassifier()
	}
	cp := *o
	cp.classifier = c
	return &cp
}

// WithThresholds returns a copy of o that uses t; zero fields keep their
// defaults.
func (o *Offline) WithThresholds(t Thresholds) *Offline {
	d := DefaultThresholds()
	if t.K <= 0 {
		t.K = d.K
	}
	if t.MaxSegments <= 0 {
		t.MaxSegments = d.MaxSegments
	}
	if t.MaxSentences <= 0 {
		t.MaxSentences = d.MaxSentences
	}
	c := *o
	c.thresholds = t
	return &c
}

// Turn answers the lead's new message. The reply carries the message's
// intent signals for the escalation rules; Signals.Coverage is how much of
// the question the quoted knowledge covers, 0 when the reply says it does
// not know, and 1 when the turn asked the knowledge nothing (small talk,
// an answer to our question, a request for a person, a complaint).
func (o *Offline) Turn(ctx context.Context, in TurnInput) (Reply, error) {
	text := strings.TrimSpace(in.Text)
	sig := o.classifier.Classify(text, in.History)
	var r Reply
	var coverage float64
	var err error
	switch in.Purpose {
	case PurposeFirstTouch:
		r, coverage, err = o.firstTouch(ctx, in, sig)
	case PurposeFollowUp:
		r, coverage = o.followUp(in), 1
	default:
		r, coverage, err = o.reply(ctx, in, text, sig)
	}
	if err != nil {
		return Reply{}, err
	}
	sig.Coverage = coverage
	r.Signals, r.Path, r.Model = sig, PathOffline, offlineModel
	return r, nil
}

// reply chooses what to say, and how well the knowledge covered it.
func (o *Offline) reply(ctx context.Context, in TurnInput, text string, sig Signals) (Reply, float64, error) {
	// A request for a person or a complaint is not answered with a
	// knowledge snippet, whatever words it shares with the knowledge.
	// Whether it hands off is the escalation rules' decision; the reply
	// only promises what any outcome keeps: a person will follow up.
	switch {
	case !hasLetterOrDigit(text):
	case sig.Intent == IntentHuman && sig.HumanRequest >= HandoffThreshold:
		return o.finish(o.personRequested(), OutcomeAsked, nil), 1, nil
	case sig.Intent == IntentComplaint && sig.Complaint >= HandoffThreshold:
		return o.finish(o.sorry(), OutcomeAsked, nil), 1, nil
	case sig.Intent == IntentBuying && answersOurQuestion(text, in.History):
		// "Yes" to our offer to book: a greeting would be wrong.
		return o.finish(o.nextSteps(), OutcomeAsked, nil), 1, nil
	}

	switch classify(text, in.Lead) {
	case intentEmpty, intentGreeting:
		return o.finish(o.greeting(in.Lead), OutcomeAsked, nil), 1, nil
	case intentThanks:
		return o.finish(o.thanks(), OutcomeAsked, nil), 1, nil
	case intentIdentity:
		return o.finish(o.identity(), OutcomeAsked, nil), 1, nil
	}
	if answersOurQuestion(text, in.History) {
		return o.finish(o.acknowledge(), OutcomeAsked, nil), 1, nil
	}

	q := withHistory(o.lex, readQuestion(o.lex, text), in.History)
	if !namesTopic(q) {
		// "How much is it?", "how much do you charge?" with nothing
		// named before: ask what about.
		return o.finish(clarify(q.kind), OutcomeAsked, nil), 1, nil
	}
	return o.answer(ctx, in, q)
}

// namesTopic reports whether q names what it asks about: a word that is
// not only a cue for the kind of fact ("charge", "long") or the verb a
// duration is asked with ("how long does it take?"), or an earlier
// turn's topic. A fact question ("what are your hours?") names its topic
// by its kind.
func namesTopic(q question) bool {
	if q.fact() != kindAny {
		return true
	}
	for _, t := range q.terms {
		if !t.cue && !(q.kind == kindDuration && takesTime[t.word]) {
			return true
		}
	}
	return false
}

// takesTime are the verbs a duration is asked with. They stay words of
// the question ("the first consultation takes about 30 minutes" answers
// "how long does the first visit take?"), but name nothing.
var takesTime = wordSet(`take takes taking took last lasts`)

// finish fits the text to the channel and fills in the reply.
func (o *Offline) finish(text string, outcome Outcome, citations []int64) Reply {
	text = TrimToSegments(text, o.thresholds.MaxSegments)
	if text == "" {
		// Only a single word longer than the budget trims to nothing.
		text, outcome, citations = TrimToSegments(o.unknown(nil), o.thresholds.MaxSegments), OutcomeUnknown, nil
	}
	n, _ := Segments(text)
	return Reply{Text: text, Outcome: outcome, Citations: citations, Segments: n}
}

func (o *Offline) businessName() string {
	if o.business.Name != "" {
		return o.business.Name
	}
	return "this business"
}

func (o *Offline) greeting(lead Lead) string {
	return hello(lead) + "! I'm the AI assistant for " + o.businessName() + ". How can I help you today?"
}

func (o *Offline) thanks() string {
	return "You're welcome! I'm the AI assistant for " + o.businessName() + ". Is there anything else I can help with?"
}

func (o *Offline) identity() string {
	return "I'm the AI assistant for " + o.businessName() + ", not a person. I can answer questions about our services, and someone from our team can follow up with you. How can I help?"
}

// acknowledge thanks the lead for answering a qualifying question: what
// they said is for the person who follows up, not for the knowledge base.
func (o *Offline) acknowledge() string {
	return "Thanks, that helps. Someone from " + o.businessName() + " will follow up with you about next steps. Is there anything else I can help with in the meantime?"
}

// personRequested answers a lead who asks for a person: someone will
// reach out; the phone number for what cannot wait.
func (o *Offline) personRequested() string {
	s := "Of course. I'll have someone from " + o.businessName() + " reach out to you."
	if o.business.Phone != "" {
		s += " If it's urgent, call " + o.business.Phone + "."
	}
	return s + " Is there anything you'd like me to pass along?"
}

// sorry answers a complaint: an apology and a person, never a knowledge
// snippet or an excuse.
func (o *Offline) sorry() string {
	return "I'm sorry about that. I'll make sure someone from " + o.businessName() + " follows up with you personally. Is there anything else you'd like me to pass along?"
}

// nextSteps answers a lead who said yes to our offer to book: a person
// confirms the details; the assistant promises no time of its own.
func (o *Offline) nextSteps() string {
	return "Great! Someone from " + o.businessName() + " will reach out to set that up with you. Is there anything else I can help with in the meantime?"
}

// clarify asks what a message without a topic is about.
func clarify(k kind) string {
	switch k {
	case kindPrice:
		return "Happy to help with pricing. Which service are you asking about?"
	case kindTime, kindDuration:
		return "Happy to help. Which service or appointment are you asking about?"
	}
	return "Happy to help! What can I help you with?"
}

// unknownTexts say plainly that the knowledge has no answer, in words
// that change from one time to the next in a conversation, and what
// happens next: a person follows up. %s is the business's name.
var unknownTexts = []string{
	"Sorry, I don't have that information and I don't want to guess. Someone from %s will follow up with you.",
	"That's not something I can answer from what I have, so I've noted your question for the team at %s, and a person will get back to you.",
	"I'm not sure about that one, and I'd rather not guess. I'll pass your question to someone at %s who can answer it.",
}

// unknown says plainly that the knowledge has no answer and what happens
// next, in words not yet used in this conversation.
func (o *Offline) unknown(history []Message) string {
	pick := 0
	for i := range unknownTexts {
		pick = i
		if !saidBefore(history, fmt.Sprintf(unknownTexts[i], o.businessName())) {
			break
		}
	}
	s := fmt.Sprintf(unknownTexts[pick], o.businessName())
	if o.business.Phone != "" {
		s += " If it's urgent, call " + o.business.Phone + "."
	}
	return s
}

// saidBefore reports whether the agent wrote text earlier in history.
func saidBefore(history []Message, text string) bool {
	for _, m := range history {
		if m.From == FromAI && strings.Contains(m.Text, text) {
			return true
		}
	}
	return false
}

// hello greets the lead by first name when their name looks like one:
// "Hi Dana", else "Hi there".
func hello(lead Lead) string {
	if first := firstName(lead.Name); first != "" {
		return "Hi " + first
	}
	return "Hi there"
}

// firstName returns the first word of a lead's name when it looks like a
// name, so a greeting never says "Hi +19705550123!".
func firstName(name string) string {
	return FoldGSM(crm.FirstName(name))
}
