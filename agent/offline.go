package agent

import (
	"context"
	"fmt"
	"strings"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/knowledge"
)

// Thresholds tune when the offline responder answers and how much it says.
type Thresholds struct {
	// K is how many chunks each search asks for.
	K int
	// MinScore drops chunks the retriever scored below it. The scale is the
	// retriever's own (reciprocal rank fusion gives about 1/61 for a first
	// place in one list), so the default 0 keeps every chunk returned and
	// leaves the decision to MinCoverage.
	MinScore float64
	// MinCoverage is the share, weighted, of what the question asks for
	// (its content words, and the kind of fact: a price, a time) that the
	// chosen sentences must cover for the responder to answer rather than
	// say it does not know.
	MinCoverage float64
	// MaxSegments bounds an SMS reply.
	MaxSegments int
	// MaxSentences bounds how many knowledge sentences one answer quotes.
	MaxSentences int
}

// DefaultThresholds are tuned on the demo business's knowledge and the
// lead questions in the tests.
func DefaultThresholds() Thresholds {
	return Thresholds{K: 8, MinScore: 0, MinCoverage: 0.55, MaxSegments: 2, MaxSentences: 3}
}

// Offline answers leads from the business's knowledge without a language
// model: it quotes the sentences of the best retrieved chunks that answer
// the question. It is safe for concurrent use.
type Offline struct {
	retriever  Retriever
	business   Business
	thresholds Thresholds
	classifier Classifier
	chunks     *chunkCache
}

var _ Responder = (*Offline)(nil)

// offlineModel is Reply.Model for the offline responder.
const offlineModel = "offline"

// NewOffline returns the offline responder for business b, searching r,
// reading intent with NewIntentClassifier.
func NewOffline(r Retriever, b Business) *Offline {
	return &Offline{retriever: r, business: b, thresholds: DefaultThresholds(), classifier: NewIntentClassifier(),
		chunks: newChunkCache(4096)}
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
	if t.MinCoverage <= 0 {
		t.MinCoverage = d.MinCoverage
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

	queries := queriesFor(text, in.History)
	if len(topicNeeds(queries[0].needs)) == 0 {
		// "How much is it?" with nothing named before: ask what about.
		return o.finish(clarify(queries[0].needs), OutcomeAsked, nil), 1, nil
	}
	for _, q := range queries {
		results, err := o.retriever.Search(ctx, q.text, o.thresholds.K)
		if err != nil {
			return Reply{}, 0, fmt.Errorf("offline turn: search knowledge: %w", err)
		}
		if a, ok := o.choose(results, q, in.Channel); ok {
			reply := o.withQuestion(in, a)
			return o.finish(reply, OutcomeAnswered, a.citations), o.answerCoverage(results, q, a), nil
		}
	}
	return o.finish(o.unknown(), OutcomeUnknown, nil), 0, nil
}

// answerCoverage is the share of what q asks that the sentences of answer
// a cover, as choose measured it: the quoted sentences with their FAQ
// questions, list intros and headings.
func (o *Offline) answerCoverage(results []knowledge.Result, q query, a answer) float64 {
	total := 0.0
	for _, n := range q.needs {
		total += n.weight
	}
	if total == 0 {
		return 0
	}
	cited := map[int64]bool{}
	for _, id := range a.citations {
		cited[id] = true
	}
	var quoted []candidate
	for _, c := range o.candidates(results, q.needs, total, q.capability) {
		if cited[c.chunkID] && strings.Contains(a.text, FoldGSM(strings.TrimSuffix(ensureStop(c.text), "."))) {
			quoted = append(quoted, c)
		}
	}
	if len(quoted) == 0 {
		return 0
	}
	return min(1, coverage(quoted, q.needs, total))
}

// finish fits the text to the channel and fills in the reply.
func (o *Offline) finish(text string, outcome Outcome, citations []int64) Reply {
	text = TrimToSegments(text, o.thresholds.MaxSegments)
	if text == "" {
		// Only a single word longer than the budget trims to nothing.
		text, outcome, citations = TrimToSegments(o.unknown(), o.thresholds.MaxSegments), OutcomeUnknown, nil
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
func clarify(needs []need) string {
	for _, n := range needs {
		switch n.alts[0] {
		case cuePrice:
			return "Happy to help with pricing. Which service are you asking about?"
		case cueTime, cueDuration:
			return "Happy to help. Which service or appointment are you asking about?"
		}
	}
	return "Happy to help! What do you need help with at your home?"
}

// unknown says plainly that the knowledge has no answer and offers a person.
func (o *Offline) unknown() string {
	s := "Sorry, I don't have that information and I don't want to guess. Someone from " + o.businessName() + " will follow up with you."
	if o.business.Phone != "" {
		s += " If it's urgent, call " + o.business.Phone + "."
	}
	return s
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
