package agent

import (
	"context"
	"time"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/knowledge"
)

// Retriever finds the knowledge chunks that best match a query, best first.
// knowledge's hybrid search implements it; tests use an in-memory one.
type Retriever interface {
	Search(ctx context.Context, query string, k int) ([]knowledge.Result, error)
}

// RetrieverFunc adapts a function to Retriever, such as knowledge's search
// with its options:
//
//	agent.RetrieverFunc(func(ctx context.Context, q string, k int) ([]knowledge.Result, error) {
//		return base.Search(ctx, q, knowledge.SearchOptions{K: k, Namespace: ns})
//	})
type RetrieverFunc func(ctx context.Context, query string, k int) ([]knowledge.Result, error)

// Search calls f.
func (f RetrieverFunc) Search(ctx context.Context, query string, k int) ([]knowledge.Result, error) {
	return f(ctx, query, k)
}

// Outcome is what a turn did, stored on the outbound message and used by
// evals and metrics.
type Outcome string

const (
	// OutcomeAnswered: answered from knowledge; Reply.Citations says from which chunks.
	OutcomeAnswered Outcome = "answered"
	// OutcomeAsked: asked a qualifying or clarifying question.
	OutcomeAsked Outcome = "asked"
	// OutcomeUnknown: the knowledge has no answer; the reply says so and
	// offers a follow-up by a person, inventing nothing.
	OutcomeUnknown Outcome = "unknown"
	// OutcomeHandoff: handed to a human; Reply.HandoffReason says why.
	OutcomeHandoff Outcome = "handoff"
	// OutcomeOptedOut: the lead opted out; nothing more is sent.
	OutcomeOptedOut Outcome = "opted_out"
)

// Handoff reasons, for Reply.HandoffReason when Outcome is OutcomeHandoff
// (crm owns the words).
const (
	ReasonBuyingIntent  = crm.ReasonBuyingIntent
	ReasonHumanRequest  = crm.ReasonHumanRequest
	ReasonComplaint     = crm.ReasonComplaint
	ReasonUnknownAnswer = crm.ReasonUnknownAnswer
	ReasonSensitive     = crm.ReasonSensitive
)

// Channels a turn can be on.
const (
	ChannelSMS   = crm.ChannelSMS
	ChannelVoice = crm.ChannelVoice
	// ChannelEmail has no segment limit: a reply is kept short, within
	// EmailMaxChars.
	ChannelEmail = crm.ChannelEmail
)

// EmailMaxChars bounds an email reply: longer than a text, still short.
const EmailMaxChars = 1200

// Authors of a Message.
const (
	FromLead   = crm.AuthorLead
	FromAI     = crm.AuthorAI
	FromRep    = crm.AuthorRep
	FromSystem = crm.AuthorSystem
)

// Business is what the agent may say about the business itself, besides its
// knowledge base.
type Business struct {
	Name        string
	Phone       string // how to reach a person
	Hours       string
	ServiceArea string
}

// Lead is the person the agent is talking to, as the CRM knows them.
type Lead struct {
	Name, Source, Stage, Notes string
	Owner                      string // the rep who owns the lead, if any
	// Background is the lead's CRM history in a compact form, one line
	// each, oldest first: earlier conversations, calls, stage changes
	// ("2026-10-02 sms: asked about financing a furnace").
	Background []string
}

// Message is one earlier turn of the conversation.
type Message struct {
	From string // FromLead, FromAI, FromRep or FromSystem
	Text string
}

// TurnInput is everything one turn needs.
type TurnInput struct {
	Channel string // ChannelSMS, ChannelVoice or ChannelEmail
	Lead    Lead
	History []Message // earlier turns, oldest first
	Text    string    // the lead's new message(s), joined
	// FirstTurn is true when the agent has not spoken in this conversation
	// yet (the place to say it is an AI assistant, where the business asks).
	FirstTurn bool
	// Purpose is why the agent writes: an answer to the lead's message
	// (PurposeReply, the zero value), the first message to a lead who filled
	// in a form (PurposeFirstTouch; Text is the form's message, maybe
	// empty), or a follow-up to a lead who has not answered (PurposeFollowUp;
	// Text is empty).
	Purpose string
}

// Purposes of a turn.
const (
	PurposeReply      = ""
	PurposeFirstTouch = "first_touch"
	PurposeFollowUp   = "follow_up"
)

// Reply is the agent's answer to one turn.
type Reply struct {
	Text          string
	Outcome       Outcome
	HandoffReason string  // set when Outcome is OutcomeHandoff
	Citations     []int64 // ids of the knowledge chunks the reply used
	Segments      int     // SMS segments Text takes

	// Signals is what the turn read in the lead's message, for the
	// escalation rules.
	Signals Signals
	// Path says who answered: PathLLM, PathOffline (no model configured)
	// or PathFallback (the model failed and the offline responder answered).
	Path string
	// Model is the model that wrote Text ("offline" for the offline responder).
	Model string
	// PromptVersion is the prompt version that produced Text ("" offline).
	PromptVersion string
	Usage         Usage
	// Latency is the turn's own time, the model's included.
	Latency time.Duration
	// Guardrails lists the guardrails that replaced or changed the reply
	// ("no_human_claim", "unsupported_price", ...), for the timeline.
	Guardrails []string
	// FallbackReason says why the model's answer was not used, when Path is
	// PathFallback ("timeout", "http 429", "malformed tool call").
	FallbackReason string
	// HandoffSummary is the model's note for the rep when it requested a
	// handoff: what the lead wants, in a sentence or two.
	HandoffSummary string
	// Callback is when the lead asked to be called back, in their words
	// ("tomorrow after 3"), when they asked; redacted.
	Callback string
}

// Who answered a turn.
const (
	PathLLM      = "llm"
	PathOffline  = "offline"
	PathFallback = "fallback"
)

// Usage is what a turn cost in model tokens.
type Usage struct {
	PromptTokens     int `json:"prompt"`
	CompletionTokens int `json:"completion"`
}

// Signals are one turn's intent signals. Scores are 0..1 calibrated
// probabilities; Sentiment runs from -1 (angry) to 1 (delighted).
type Signals struct {
	BuyingIntent float64 `json:"buying_intent"`
	HumanRequest float64 `json:"human_request"`
	Complaint    float64 `json:"complaint"`
	// Sensitive is a safety emergency, a legal threat or dispute, or a
	// request to discriminate.
	Sensitive float64 `json:"sensitive"`
	Sentiment float64 `json:"sentiment"`
	// Coverage is how well the knowledge covered the question, 0..1
	// (0: nothing found; the reply said it does not know).
	Coverage float64 `json:"coverage"`
	// Intent is the single most likely class: "buying_intent",
	// "human_request", "complaint", "sensitive", "faq" or "other".
	Intent string `json:"intent"`
}

// Classifier reads intent signals from a lead's message and the turns
// before it, without a language model.
type Classifier interface {
	Classify(text string, history []Message) Signals
}

// Prompt is the rendered system prompt a model turn runs with.
type Prompt struct {
	Version string // the stored version's id, e.g. "v3"
	System  string
}

// PromptSource returns the active prompt, rendered for the business.
type PromptSource func(ctx context.Context) (Prompt, error)

// Responder answers one turn. Implementations must be safe for concurrent
// use: the workers call one Responder from many goroutines.
type Responder interface {
	Turn(ctx context.Context, in TurnInput) (Reply, error)
}
