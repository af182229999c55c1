package inbox

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/cadence"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"

	"github.com/leadagent/leadagent/internal/errkind"
)

// ErrOptedOut means a rep tried to text a lead who opted out.
var ErrOptedOut = errkind.New(errkind.Conflict, "the lead opted out of texts: nothing can be sent to them")

// maxRepReply bounds a rep's reply: ten SMS segments.
const maxRepReply = 1530

// Takeover gives a conversation to the actor's rep; the agent stays silent
// until a rep hands it back.
func (ib *Inbox) Takeover(ctx context.Context, conversationID string, actor handoff.Actor) error {
	return ib.withConversation(ctx, conversationID, func(tx pgx.Tx, conv crm.Conversation) error {
		changed, err := ib.desk.Takeover(ctx, tx, conv, actor)
		if err != nil || !changed {
			return err
		}
		return ib.stopCadence(ctx, tx, conv, cadence.StopHandedOff)
	})
}

// Reply sends a rep's text to the lead as the business number (or, on an
// email conversation, by email from the business's address), recorded
// with author rep, through the same send job as the agent's replies.
func (ib *Inbox) Reply(ctx context.Context, conversationID string, actor handoff.Actor, text string) (crm.Message, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return crm.Message{}, &crm.InvalidError{Field: "text", Reason: "is empty"}
	}
	if n := utf8.RuneCountInString(text); n > maxRepReply {
		return crm.Message{}, &crm.InvalidError{Field: "text", Reason: fmt.Sprintf("is %d characters; at most %d (ten texts)", n, maxRepReply)}
	}
	var msg crm.Message
	err := ib.withConversation(ctx, conversationID, func(tx pgx.Tx, conv crm.Conversation) error {
		repID, err := handoff.CanReply(conv, actor)
		if err != nil {
			return err
		}
		out := crm.NewOutbound{ConversationID: conv.ID, Author: crm.AuthorRep, Body: text}
		if conv.Channel == crm.ChannelEmail {
			// An email conversation is answered by email, in the thread
			// of the lead's latest email: the send path mails it and
			// checks the email consent at send.
			out.Channel = crm.ChannelEmail
		} else {
			if conv.Contact.OptedOut {
				return fmt.Errorf("reply in %s: %w", conv.ID, ErrOptedOut)
			}
			out.Segments, _ = agent.Segments(text)
		}
		var inserted bool
		msg, inserted, err = crm.RecordOutbound(ctx, tx, out)
		if err != nil {
			return err
		}
		if !inserted {
			return fmt.Errorf("reply in %s: not recorded", conv.ID)
		}
		if _, err := ib.jobs.InsertTx(ctx, tx, SendArgs{MessageID: msg.ID}, nil); err != nil {
			return fmt.Errorf("enqueue send of %s: %w", msg.ID, err)
		}
		return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID,
			Detail: handoff.RepReplied{MessageID: msg.ID, RepID: repID, By: actor.Name}})
	})
	return msg, err
}

// Note adds a rep's note to the conversation's timeline.
func (ib *Inbox) Note(ctx context.Context, conversationID string, actor handoff.Actor, text string) error {
	return ib.withConversation(ctx, conversationID, func(tx pgx.Tx, conv crm.Conversation) error {
		return ib.desk.Note(ctx, tx, conv, actor, text)
	})
}

// Handback returns a conversation to the agent.
func (ib *Inbox) Handback(ctx context.Context, conversationID string, actor handoff.Actor) error {
	return ib.withConversation(ctx, conversationID, func(tx pgx.Tx, conv crm.Conversation) error {
		_, err := ib.desk.Handback(ctx, tx, conv, actor)
		return err
	})
}

// Close ends a conversation with an outcome (handoff.CloseOutcomes).
func (ib *Inbox) Close(ctx context.Context, conversationID string, actor handoff.Actor, outcome string) error {
	return ib.withConversation(ctx, conversationID, func(tx pgx.Tx, conv crm.Conversation) error {
		changed, err := ib.desk.Close(ctx, tx, conv, actor, outcome)
		if err != nil || !changed {
			return err
		}
		return ib.stopCadence(ctx, tx, conv, cadence.StopClosed)
	})
}

// withConversation runs fn in a transaction holding the conversation's
// row, so a rep's action and the agent's reply see one mode.
func (ib *Inbox) withConversation(ctx context.Context, id string, fn func(tx pgx.Tx, conv crm.Conversation) error) error {
	return ib.inTx(ctx, func(tx pgx.Tx) error {
		conv, err := crm.LockConversation(ctx, tx, id)
		if err != nil {
			return err
		}
		return fn(tx, conv)
	})
}
