package inbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/crm"
)

// historyTurns is how many earlier messages the agent reads.
const historyTurns = 12

type respondWorker struct {
	river.WorkerDefaults[RespondArgs]
	ib *Inbox
}

// Work asks the agent for a reply to one inbound message and records it
// with its send job. A retried job finds the reply recorded and stops: at
// most one reply per inbound message.
func (w *respondWorker) Work(ctx context.Context, job *river.Job[RespondArgs]) error {
	ib := w.ib
	in, err := crm.GetMessage(ctx, ib.db, job.Args.MessageID)
	if errors.Is(err, crm.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	conv, err := crm.GetConversation(ctx, ib.db, in.ConversationID)
	if err != nil {
		return err
	}
	if conv.Mode != crm.ModeAI || conv.Contact.OptedOut {
		return nil // a person took over, or the lead opted out, since the message came in
	}
	for _, m := range conv.Messages {
		if m.ReplyTo == in.ID {
			return nil // answered by an earlier attempt
		}
	}

	turn := agent.TurnInput{
		Channel: conv.Channel,
		Lead: agent.Lead{Name: conv.Contact.Name, Source: conv.Contact.Source, Stage: conv.Contact.Stage,
			Notes: conv.Contact.Notes},
		History: history(conv.Messages, in.ID),
		Text:    in.Body,
	}
	reply, err := ib.agent.Turn(ctx, turn)
	if err != nil {
		return fmt.Errorf("agent turn for %s: %w", in.ID, err)
	}
	body := reply.Text
	if len(in.Media) > 0 {
		if n, _ := agent.Segments(mediaNote + body); n <= 2 {
			body = mediaNote + body
		}
	}
	segments, _ := agent.Segments(body)
	return ib.inTx(ctx, func(tx pgx.Tx) error {
		return ib.queueReply(ctx, tx, crm.NewOutbound{
			ConversationID: conv.ID, Author: crm.AuthorAI, Body: body, ReplyTo: in.ID,
			Outcome: string(reply.Outcome), Citations: reply.Citations, Segments: segments,
		}, func(kind string, detail map[string]any) error {
			return crm.AddEvent(ctx, tx, crm.Event{ConversationID: conv.ID, ContactID: conv.Contact.ID, Kind: kind, Detail: detail})
		})
	})
}

// history returns the conversation before the message being answered, in
// the agent's terms, at most historyTurns long.
func history(msgs []crm.Message, upTo string) []agent.Message {
	var out []agent.Message
	for _, m := range msgs {
		if m.ID == upTo {
			break
		}
		if m.Body == "" {
			continue
		}
		out = append(out, agent.Message{From: m.Author, Text: m.Body})
	}
	if len(out) > historyTurns {
		out = out[len(out)-historyTurns:]
	}
	return out
}
