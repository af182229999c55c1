package inbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/crm"
)

type sendWorker struct {
	river.WorkerDefaults[SendArgs]
	ib *Inbox
}

// Work delivers one outbound message. The message row stays locked while
// the provider is called, so two attempts never both send; a message that
// already has a provider SID is never sent again. Rate limits and server
// errors are retried with backoff; other refusals are final.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	ib := w.ib
	var sendErr error
	err := ib.inTx(ctx, func(tx pgx.Tx) error {
		msg, err := crm.LockMessage(ctx, tx, job.Args.MessageID)
		if err != nil {
			return err
		}
		conv, err := crm.ConversationWithContact(ctx, tx, msg.ConversationID)
		if err != nil {
			return err
		}
		sendErr, err = ib.deliver(ctx, tx, conv, msg)
		return err
	})
	if errors.Is(err, crm.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if sendErr != nil && !channels.IsPermanent(sendErr) {
		ib.logger.Warn("send failed, will retry", "message_id", job.Args.MessageID, "attempt", job.Attempt, "err", sendErr)
		return fmt.Errorf("send %s: %w", job.Args.MessageID, sendErr)
	}
	return nil
}

// deliver sends one outbound message, locked by the caller's transaction,
// unless it was sent, suppressed or failed already, or the lead opted out.
// sendErr is the provider's refusal, recorded when final; a retryable one
// leaves the message pending for the caller to retry.
func (ib *Inbox) deliver(ctx context.Context, tx pgx.Tx, conv crm.Conversation, msg crm.Message) (sendErr, err error) {
	if msg.ProviderSID != "" || msg.Status != crm.StatusPending {
		return nil, nil
	}
	contact := conv.Contact
	event := func(kind string, detail map[string]any) error {
		return crm.AddEvent(ctx, tx, crm.Event{ConversationID: conv.ID, ContactID: contact.ID, Kind: kind, Detail: detail})
	}
	if contact.OptedOut && !confirmsOptOut(msg) {
		if err := crm.MarkUnsent(ctx, tx, msg.ID, crm.StatusSuppressed, 0, "lead opted out"); err != nil {
			return nil, err
		}
		return nil, event(crm.EventSuppressed, map[string]any{"message_id": msg.ID, "reason": "opted out"})
	}
	res, err := ib.sender.Send(ctx, channels.Outbound{To: contact.Phone, Body: msg.Body, StatusCallback: ib.callback})
	if err != nil {
		return err, ib.refused(ctx, tx, msg, contact, err, event)
	}
	now := ib.now()
	sent, err := crm.MarkSent(ctx, tx, msg.ID, res.ProviderSID, res.Status, now)
	if err != nil {
		return nil, err
	}
	if err := event(crm.EventMessageSent, map[string]any{"message_id": msg.ID, "sid": res.ProviderSID}); err != nil {
		return nil, err
	}
	if sent.Status != res.Status {
		// Delivery reports overtook the send; act on them now.
		return nil, ib.delivered(ctx, tx, conv, sent)
	}
	return nil, nil
}

// confirmsOptOut reports whether msg is the confirmation of an opt-out in
// plain words, which goes to the lead although they have opted out.
func confirmsOptOut(msg crm.Message) bool {
	return msg.Author == crm.AuthorSystem && msg.Outcome == string(agent.OutcomeOptedOut)
}

// refused records a provider refusal. Permanent ones mark the message
// failed (and, for "unsubscribed", the lead opted out); retryable ones
// leave it pending for the next attempt.
func (ib *Inbox) refused(ctx context.Context, tx pgx.Tx, msg crm.Message, contact crm.Contact, err error,
	event func(string, map[string]any) error) error {
	var se *channels.SendError
	if !errors.As(err, &se) || se.Retryable() {
		return nil
	}
	if err := crm.MarkUnsent(ctx, tx, msg.ID, "failed", se.Code, se.Message); err != nil {
		return err
	}
	if se.Code == channels.CodeUnsubscribed {
		if _, err := crm.OptOutByPhone(ctx, tx, contact.Phone, strconv.Itoa(se.Code), time.Now()); err != nil {
			return err
		}
		if err := event(crm.EventOptedOut, map[string]any{"reason": "carrier reports unsubscribed", "code": se.Code}); err != nil {
			return err
		}
	}
	return event(crm.EventMessageFailed, map[string]any{"message_id": msg.ID, "code": se.Code, "error": se.Message})
}

// DeliveryStatus applies a provider status callback. An unsubscribed error
// (21610) also opts the lead out.
func (ib *Inbox) DeliveryStatus(ctx context.Context, r channels.DeliveryReport) error {
	return ib.inTx(ctx, func(tx pgx.Tx) error {
		m, found, changed, err := crm.RecordDeliveryReport(ctx, tx, crm.DeliveryReport{
			ProviderSID: r.ProviderSID, Status: r.Status, ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage,
		})
		if err != nil || !found || !changed {
			return err
		}
		conv, err := crm.ConversationWithContact(ctx, tx, m.ConversationID)
		if err != nil {
			return err
		}
		return ib.delivered(ctx, tx, conv, m)
	})
}

// delivered puts a message's new delivery status on the timeline; an
// unsubscribed error (21610) also opts the lead out.
func (ib *Inbox) delivered(ctx context.Context, tx pgx.Tx, conv crm.Conversation, m crm.Message) error {
	detail := map[string]any{"message_id": m.ID, "status": m.Status}
	if m.ErrorCode != 0 {
		detail["error_code"] = m.ErrorCode
	}
	if err := crm.AddEvent(ctx, tx, crm.Event{ConversationID: conv.ID, ContactID: conv.Contact.ID, Kind: crm.EventDeliveryStatus, Detail: detail}); err != nil {
		return err
	}
	if m.ErrorCode == channels.CodeUnsubscribed && !conv.Contact.OptedOut {
		if _, err := crm.OptOutByPhone(ctx, tx, conv.Contact.Phone, strconv.Itoa(m.ErrorCode), ib.now()); err != nil {
			return err
		}
		return crm.AddEvent(ctx, tx, crm.Event{ConversationID: conv.ID, ContactID: conv.Contact.ID, Kind: crm.EventOptedOut,
			Detail: map[string]any{"reason": "carrier reports unsubscribed", "code": m.ErrorCode}})
	}
	return nil
}
