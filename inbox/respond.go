package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/turn"
)

type respondWorker struct {
	river.WorkerDefaults[RespondArgs]
	ib *Inbox
}

// Work asks the agent for one reply to a lead's unanswered messages and
// records it with its send job. When the lead has written again since, the
// newer message's job answers them all (debounce). A retried job finds the
// reply recorded and stops: at most one reply per inbound message.
func (w *respondWorker) Work(ctx context.Context, job *river.Job[RespondArgs]) error {
	ib := w.ib
	in, err := crm.GetMessage(ctx, ib.db, job.Args.MessageID)
	if errors.Is(err, crm.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	conv, err := crm.ConversationWithMessages(ctx, ib.db, in.ConversationID)
	if err != nil {
		return err
	}
	if ok, err := mayAnswer(ctx, ib.db, conv); err != nil || !ok {
		return err // a person took over, or the lead opted out, since the message came in
	}
	pending, before, ok := unanswered(conv.Messages, in.ID)
	if !ok {
		return nil // answered already, or a newer message's job will answer
	}
	background, err := crm.Background(ctx, ib.db, conv.Contact.ID, conv.ID, 5)
	if err != nil {
		return err
	}
	texts := make([]string, 0, len(pending))
	media := false
	for _, m := range pending {
		if answerable(m.Body) {
			texts = append(texts, m.Body)
		}
		media = media || len(m.Media) > 0
	}
	t, err := turn.Ask(ctx, ib.agent, turn.Input{
		Channel: conv.Channel,
		Lead: agent.Lead{Name: conv.Contact.Name, Source: conv.Contact.Source, Stage: conv.Contact.Stage,
			Notes: conv.Contact.Notes, Background: background},
		History: history(before),
		Text:    strings.Join(texts, "\n"),
	}, ib.now)
	if err != nil {
		return fmt.Errorf("agent turn for %s: %w", in.ID, err)
	}
	return ib.inTx(ctx, func(tx pgx.Tx) error {
		locked, err := crm.LockConversation(ctx, tx, conv.ID)
		if err != nil {
			return err
		}
		if ok, err := mayAnswer(ctx, tx, locked); err != nil || !ok {
			return err // a rep took over, or the lead opted out, while the agent was thinking
		}
		locked.Messages = conv.Messages
		event := func(detail crm.Detail) error {
			return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID, Detail: detail})
		}
		if err := turnEvents(t.Reply, event); err != nil {
			return err
		}
		if _, err := ib.escalate(ctx, tx, locked, in, t); err != nil {
			return err
		}
		reply := t.Reply
		body := reply.Text
		if media {
			if n, _ := agent.Segments(mediaNote + body); n <= 2 {
				body = mediaNote + body
			}
		}
		segments, _ := agent.Segments(body)
		out := crm.NewOutbound{
			ConversationID: conv.ID, Author: crm.AuthorAI, Body: body, ReplyTo: in.ID,
			Outcome: string(reply.Outcome), Citations: reply.Citations, Segments: segments, Turn: turnOf(reply),
		}
		if conv.Channel == crm.ChannelEmail {
			out.Channel, out.Segments = crm.ChannelEmail, 0 // the send path mails it
		}
		return ib.queueReply(ctx, tx, out, event)
	})
}

// mayAnswer reports whether the agent may still answer on conv: it is the
// agent's, and the lead has not opted out of its channel (on email, of
// email, and the address is not known to bounce; consent to texts is
// apart).
func mayAnswer(ctx context.Context, db crm.DB, conv crm.Conversation) (bool, error) {
	if conv.Mode != crm.ModeAI {
		return false, nil
	}
	if conv.Channel != crm.ChannelEmail {
		return !conv.Contact.OptedOut, nil
	}
	st, err := crm.GetEmailState(ctx, db, conv.Contact.ID)
	if err != nil {
		return false, fmt.Errorf("may answer on %s: %w", conv.ID, err)
	}
	return !st.OptedOut && !st.Invalid, nil
}

// turnEvents puts on the timeline what a turn did besides its reply: the
// model failed and the offline responder answered, the model asked for a
// person or a call back, a guardrail changed the reply.
func turnEvents(reply agent.Reply, event func(crm.Detail) error) error {
	if reply.Path == agent.PathFallback {
		if err := event(AgentFallback{Reason: reply.FallbackReason}); err != nil {
			return err
		}
	}
	if reply.Outcome == agent.OutcomeHandoff {
		if err := event(HandoffRequested{Reason: reply.HandoffReason, Summary: reply.HandoffSummary}); err != nil {
			return err
		}
	}
	if reply.Callback != "" {
		if err := event(CallbackRequested{When: reply.Callback}); err != nil {
			return err
		}
	}
	if len(reply.Guardrails) > 0 {
		return event(Guardrail{Rules: reply.Guardrails})
	}
	return nil
}

// unanswered splits a conversation around the message being answered: the
// lead's messages since our last reply (the ones this reply answers) and
// everything before them. ok is false when the message has a reply, or
// when the lead wrote again after it (that message's job answers).
func unanswered(msgs []crm.Message, id string) (pending, before []crm.Message, ok bool) {
	at := -1
	for i, m := range msgs {
		if m.ReplyTo == id {
			return nil, nil, false
		}
		if m.ID == id {
			at = i
		}
	}
	if at < 0 {
		return nil, nil, false
	}
	for _, m := range msgs[at+1:] {
		if m.Direction == crm.Inbound && answerable(m.Body) {
			return nil, nil, false
		}
	}
	start := at
	for start > 0 && msgs[start-1].Direction == crm.Inbound {
		start--
	}
	return msgs[start : at+1], msgs[:start], true
}

// answerable reports whether a lead's message is for the agent: text that
// the product does not answer itself (STOP, HELP, an opt-out in plain
// words). "Yes" (an opt-in keyword too) is an answer to our question
// unless the lead had opted out, and then the inbox opts them in and no
// reply job is made for it.
func answerable(body string) bool {
	return strings.TrimSpace(body) != "" && turn.Screen(body, false, turn.Business{}).Action == turn.Agent
}

func turnOf(r agent.Reply) *crm.Turn {
	path := r.Path
	if path == "" {
		path = agent.PathOffline
	}
	return &crm.Turn{
		AnsweredBy: path, Model: r.Model, PromptVersion: r.PromptVersion,
		PromptTokens: r.Usage.PromptTokens, CompletionTokens: r.Usage.CompletionTokens,
		LatencyMS: float64(r.Latency.Microseconds()) / 1000,
		Signals: map[string]any{
			"intent": r.Signals.Intent, "buying_intent": r.Signals.BuyingIntent, "human_request": r.Signals.HumanRequest,
			"complaint": r.Signals.Complaint, "sensitive": r.Signals.Sensitive, "sentiment": r.Signals.Sentiment, "coverage": r.Signals.Coverage,
			"handoff_reason": r.HandoffReason,
		},
	}
}

// history is a conversation's messages in a turn's terms, each with the
// outcome it recorded; turn decides how much of it the agent reads.
func history(msgs []crm.Message) []turn.Message {
	out := make([]turn.Message, len(msgs))
	for i, m := range msgs {
		out[i] = turn.Message{From: m.Author, Text: m.Body, Outcome: agent.Outcome(m.Outcome)}
	}
	return out
}
