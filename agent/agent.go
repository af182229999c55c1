package agent

import (
	"context"

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

// Handoff reasons, for Reply.HandoffReason when Outcome is OutcomeHandoff.
const (
	ReasonBuyingIntent  = "buying_intent"
	ReasonHumanRequest  = "human_request"
	ReasonComplaint     = "complaint"
	ReasonUnknownAnswer = "unknown_answer"
	ReasonSensitive     = "sensitive"
)

// Channels a turn can be on.
const (
	ChannelSMS   = "sms"
	ChannelVoice = "voice"
)

// Authors of a Message.
const (
	FromLead   = "lead"
	FromAI     = "ai"
	FromRep    = "rep"
	FromSystem = "system"
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
}

// Message is one earlier turn of the conversation.
type Message struct {
	From string // FromLead, FromAI, FromRep or FromSystem
	Text string
}

// TurnInput is everything one turn needs.
type TurnInput struct {
	Channel string // ChannelSMS or ChannelVoice
	Lead    Lead
	History []Message // earlier turns, oldest first
	Text    string    // the lead's new message(s), joined
}

// Reply is the agent's answer to one turn.
type Reply struct {
	Text          string
	Outcome       Outcome
	HandoffReason string  // set when Outcome is OutcomeHandoff
	Citations     []int64 // ids of the knowledge chunks the reply used
	Segments      int     // SMS segments Text takes
}

// Responder answers one turn. Implementations must be safe for concurrent
// use: the workers call one Responder from many goroutines.
type Responder interface {
	Turn(ctx context.Context, in TurnInput) (Reply, error)
}
