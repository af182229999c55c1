// Package turn owns one turn of a lead's conversation as the product plays
// it, so that the inbox's reply job and the eval runner play the same and
// an eval measures what production does: what a lead's message asks of
// the product before any agent reads it ([Screen]: an opt-out keyword, an
// opt-out in plain words, START, HELP, and what the product texts in
// answer under the [Confirmations] setting), what the agent reads of the
// conversation and the call to it ([Ask]), and the escalation rules'
// decision on its reply ([Turn.Escalate]).
//
// It reads no database and sends nothing: the inbox records and sends what
// a turn decides, in its transactions, and the eval runner checks it.
package turn

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
)

// HistoryTurns is how many earlier messages the agent reads.
const HistoryTurns = 12

// Business is who the product speaks for when it answers without the
// agent: HELP's answer and an opt-out's confirmation.
type Business struct {
	Name  string
	Phone string // how to reach a person
}

// Confirmations says who confirms a carrier keyword (STOP, START, HELP and
// their synonyms) to the lead: the setting SMS_OPT_OUT_CONFIRMATIONS.
type Confirmations string

const (
	// ConfirmByTwilio: the number has Twilio's default opt-out handling,
	// which answers the keywords itself; the product sends nothing for
	// them. The default.
	ConfirmByTwilio Confirmations = "twilio"
	// ConfirmBySelf: Twilio's handling is off on the number; the product
	// sends the one confirmation itself, and nothing else with it.
	ConfirmBySelf Confirmations = "self"
)

// ParseConfirmations reads the setting, in any case; "" is
// ConfirmByTwilio.
func ParseConfirmations(s string) (Confirmations, error) {
	switch c := Confirmations(strings.ToLower(strings.TrimSpace(s))); c {
	case "":
		return ConfirmByTwilio, nil
	case ConfirmByTwilio, ConfirmBySelf:
		return c, nil
	}
	return "", fmt.Errorf("opt-out confirmations %q: want twilio or self", s)
}

// Action is what the product does with a lead's message.
type Action int

const (
	// Agent: the agent answers.
	Agent Action = iota
	// OptOut: a carrier keyword (STOP). Record the opt-out and send
	// nothing more, ever: the carrier confirms it, or, under
	// ConfirmBySelf, the product's one Confirmation does.
	OptOut
	// OptOutInWords: an opt-out in plain words ("please stop texting me").
	// Record it and send Reply, the one confirmation: the carrier cannot
	// read free text.
	OptOutInWords
	// OptIn: START from a lead who opted out. Lift the opt-out; the
	// carrier confirms it, or, under ConfirmBySelf, Confirmation.
	OptIn
	// Help: HELP or INFO. The carrier answers it, or, under
	// ConfirmBySelf, Reply.
	Help
)

// Screened is what a lead's message asks of the product before any agent
// reads it.
type Screened struct {
	Action Action
	// Keyword is the carrier keyword the message is, if any; Word is it as
	// sent (upper case), or the words of an opt-out in plain words.
	Keyword crm.Keyword
	Word    string
	// Reply is the product's own answer, for Help and OptOutInWords, and
	// Outcome the turn's outcome when the agent does not answer. Send
	// says whether it goes out.
	Reply   string
	Outcome agent.Outcome
	// Confirmation confirms an OptOut or OptIn keyword when the product
	// confirms keywords itself (ConfirmBySelf).
	Confirmation string
}

// Send is what the product texts the lead in answer, under c; "" for
// nothing. An opt-out in plain words always gets its confirmation (the
// carrier cannot read free text); a carrier keyword gets the product's
// answer only when the product confirms keywords itself. The inbox sends
// an OptOut's or OptIn's once, when the keyword changed the lead's
// consent.
func (s Screened) Send(c Confirmations) string {
	switch s.Action {
	case OptOutInWords:
		return s.Reply
	case Help:
		if c == ConfirmBySelf {
			return s.Reply
		}
	case OptOut, OptIn:
		if c == ConfirmBySelf {
			return s.Confirmation
		}
	}
	return ""
}

// Screen reads a lead's message for what the product answers itself. A
// START or YES from a lead who has not opted out is an answer to a
// question, and goes to the agent.
func Screen(body string, optedOut bool, b Business) Screened {
	k, word := crm.ParseKeyword(body)
	switch k {
	case crm.KeywordOptOut:
		return Screened{Action: OptOut, Keyword: k, Word: word, Outcome: agent.OutcomeOptedOut, Confirmation: crm.OptOutConfirmation(b.Name)}
	case crm.KeywordHelp:
		return Screened{Action: Help, Keyword: k, Word: word, Reply: crm.HelpText(b.Name, b.Phone), Outcome: agent.OutcomeAnswered}
	case crm.KeywordOptIn:
		if optedOut {
			return Screened{Action: OptIn, Keyword: k, Word: word, Confirmation: crm.OptInConfirmation(b.Name)}
		}
		return Screened{Action: Agent, Keyword: k, Word: word}
	}
	if phrase, ok := crm.ParseRevocation(body); ok {
		return Screened{Action: OptOutInWords, Word: phrase, Reply: crm.OptOutConfirmation(b.Name), Outcome: agent.OutcomeOptedOut}
	}
	return Screened{Action: Agent}
}

// Message is one earlier message of the conversation.
type Message struct {
	From    string // agent.FromLead, FromAI, FromRep or FromSystem
	Text    string
	Outcome agent.Outcome // what the agent's reply did; "" for others
}

// Input is one turn for the agent: the lead's message (or messages,
// joined) and everything known before it.
type Input struct {
	Channel string
	Lead    agent.Lead
	// History is every earlier message of the conversation, oldest first;
	// the agent reads the last HistoryTurns of them.
	History []Message
	Text    string
}

// Prepare is what the agent reads of a turn: the last HistoryTurns
// messages with text, and whether it has spoken in the conversation yet.
func Prepare(in Input) agent.TurnInput {
	out := agent.TurnInput{Channel: in.Channel, Lead: in.Lead, Text: in.Text, FirstTurn: true}
	for _, m := range in.History {
		if m.From == agent.FromAI {
			out.FirstTurn = false
		}
		if m.Text != "" {
			out.History = append(out.History, agent.Message{From: m.From, Text: m.Text})
		}
	}
	if len(out.History) > HistoryTurns {
		out.History = out.History[len(out.History)-HistoryTurns:]
	}
	return out
}

// Turn is a turn the agent has answered, waiting for the escalation rules.
type Turn struct {
	Input Input
	Reply agent.Reply
}

// Ask asks the agent for its reply to a turn. The reply's latency is the
// agent's own when it reports one, else the call's, on now's clock.
func Ask(ctx context.Context, r agent.Responder, in Input, now func() time.Time) (*Turn, error) {
	started := now()
	reply, err := r.Turn(ctx, Prepare(in))
	if err != nil {
		return nil, err
	}
	if reply.Latency == 0 {
		reply.Latency = now().Sub(started)
	}
	return &Turn{Input: in, Reply: reply}, nil
}

// Answered is a turn whose reply was had another way (a call's streamed
// answer), for the escalation rules.
func Answered(in Input, reply agent.Reply) *Turn {
	return &Turn{Input: in, Reply: reply}
}

// Escalate applies the escalation rules to the turn's reply. When they
// hand off, open records the handoff and returns the lead's holding
// message, which replaces the reply (outcome handoff, the rules' reason,
// no citations). A handoff the model asked for for a reason the rules do
// not hand off leaves its reply standing, as a question to the lead.
func (t *Turn) Escalate(rules handoff.Rules, open func(handoff.Decision) (holding string, err error)) (handoff.Decision, error) {
	r := &t.Reply
	ht := handoff.Turn{
		Text:          t.Input.Text,
		Signals:       handoffSignals(r.Signals),
		Unknown:       r.Outcome == agent.OutcomeUnknown,
		UnknownBefore: UnknownStreak(t.Input.History),
	}
	if r.Outcome == agent.OutcomeHandoff {
		ht.Requested = r.HandoffReason
	}
	decision := handoff.Decide(rules, ht)
	if !decision.Handoff {
		if r.Outcome == agent.OutcomeHandoff {
			r.Outcome, r.HandoffReason = agent.OutcomeAsked, ""
		}
		return decision, nil
	}
	holding, err := open(decision)
	if err != nil {
		return decision, err
	}
	r.Text, r.Outcome, r.HandoffReason, r.Citations = holding, agent.OutcomeHandoff, decision.Reason, nil
	return decision, nil
}

// handoffSignals is the agent's reading of a turn in the escalation
// rules' terms: the one place the two meet, for the inbox, calls and
// evals alike, so a signal either side gains is mapped here and nowhere
// else.
func handoffSignals(s agent.Signals) handoff.Signals {
	return handoff.Signals{
		BuyingIntent: s.BuyingIntent,
		HumanRequest: s.HumanRequest,
		Complaint:    s.Complaint,
		Sentiment:    s.Sentiment,
		Sensitive:    s.Sensitive,
	}
}

// UnknownStreak counts the agent's replies at the end of a history, in a
// row, that said the knowledge has no answer; other authors' messages in
// between do not break the streak.
func UnknownStreak(history []Message) int {
	n := 0
	for i := len(history) - 1; i >= 0; i-- {
		m := history[i]
		if m.From != agent.FromAI {
			continue
		}
		if m.Outcome != agent.OutcomeUnknown {
			break
		}
		n++
	}
	return n
}
