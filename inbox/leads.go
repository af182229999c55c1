package inbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/cadence"
	"github.com/leadagent/leadagent/crm"
)

// firstTouchQueue works first touches one at a time, in order of arrival:
// under a burst, leads are texted in the order they came, as fast as the
// number's send rate allows, and the rest wait in the queue.
const firstTouchQueue = "first_touch"

// NewLead is what happened to a lead from a form, an ad platform or an
// import.
type NewLead struct {
	Lead    crm.Lead
	Contact crm.Contact
	// Repeat: the same external_id was delivered before; nothing changed.
	Repeat bool
	// NewContact: no contact matched the phone or email.
	NewContact bool
	// FirstTouch says what the lead will get: "queued" (a text, at once),
	// "no_consent" (no text; a rep was told), "opted_out" (no text ever),
	// "repeat" (the same form came earlier today and was answered).
	FirstTouch string
}

// FirstTouch outcomes.
const (
	FirstTouchQueued    = "queued"
	FirstTouchNoConsent = "no_consent"
	FirstTouchOptedOut  = "opted_out"
	FirstTouchRepeat    = "repeat" // the same form within a day: answered already
)

// ReceiveLead records a lead and starts speed to lead, in one
// transaction: the contact (matched by phone or email, or new), consent
// evidence, the lead, its timeline, and then, with SMS consent, the first
// touch job and the follow-up cadence; without it, a text to the lead's
// owner or the rep on duty instead. The same external_id twice changes
// nothing. Bad input is a *crm.InvalidError naming the field.
func (ib *Inbox) ReceiveLead(ctx context.Context, in crm.NewLead) (NewLead, error) {
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = ib.now()
	}
	if err := in.Normalize(ib.region); err != nil {
		return NewLead{}, err
	}
	var out NewLead
	err := ib.inTx(ctx, func(tx pgx.Tx) error {
		owner, ownerErr := "", error(nil)
		if in.OwnerEmail != "" {
			rep, err := crm.RepByEmail(ctx, tx, in.OwnerEmail)
			switch {
			case err == nil:
				owner = rep.ID
			case errors.Is(err, crm.ErrNotFound):
				ownerErr = err // recorded on the timeline; the lead is not refused for it
			default:
				return err
			}
		}
		sched, err := ib.desk.Hours(ctx, tx)
		if err != nil {
			return err
		}
		rec, err := crm.RecordLead(ctx, tx, in, owner, !sched.Open(in.ReceivedAt))
		if err != nil {
			return err
		}
		out = NewLead{Lead: rec.Lead, Contact: rec.Contact, Repeat: rec.Repeat, NewContact: rec.NewContact}
		if rec.Repeat {
			out.FirstTouch = "" // decided the first time
			return nil
		}
		event := func(detail crm.Detail) error {
			return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: rec.Lead.ConversationID, ContactID: rec.Contact.ID, Detail: detail})
		}
		created := crm.LeadCreated{LeadID: rec.Lead.ID, Source: in.Source, Message: in.Message, SMSConsent: rec.Lead.SMSConsent,
			AfterHours: rec.Lead.AfterHours, ExternalID: in.ExternalID, Test: in.Test}
		if ownerErr != nil {
			created.OwnerUnknown = in.OwnerEmail
		}
		if err := event(created); err != nil {
			return err
		}
		if !rec.NewContact {
			if err := event(crm.LeadMerged{LeadID: rec.Lead.ID, Changed: rec.Changed}); err != nil {
				return err
			}
		}
		same := false
		if !rec.NewContact {
			// The same form twice in a day (a double submit, a list
			// imported again) is answered once.
			if same, err = crm.SameLeadSince(ctx, tx, rec.Contact.ID, rec.Lead.ID, in.Message, in.ReceivedAt.Add(-24*time.Hour)); err != nil {
				return err
			}
		}
		switch {
		case same:
			out.FirstTouch = FirstTouchRepeat
			return event(FirstTouchSkipped{LeadID: rec.Lead.ID, Reason: "the same form came in earlier today"})
		case rec.Contact.OptedOut:
			out.FirstTouch = FirstTouchOptedOut
			return event(crm.Suppressed{LeadID: rec.Lead.ID, Reason: "opted out"})
		case !rec.Lead.SMSConsent:
			out.FirstTouch = FirstTouchNoConsent
			conv, err := crm.LockConversation(ctx, tx, rec.Lead.ConversationID)
			if err != nil {
				return err
			}
			w, err := ib.desk.NewLeadWithoutConsent(ctx, tx, conv, rec.Lead)
			if err != nil {
				return err
			}
			return ib.enqueue(ctx, tx, w)
		}
		out.FirstTouch = FirstTouchQueued
		if _, err := ib.jobs.InsertTx(ctx, tx, FirstTouchArgs{LeadID: rec.Lead.ID}, nil); err != nil {
			return fmt.Errorf("enqueue first touch of %s: %w", rec.Lead.ID, err)
		}
		run, first, started, err := cadence.Start(ctx, tx, rec.Lead.ConversationID, rec.Lead.ID, in.ReceivedAt)
		if err != nil || !started {
			return err
		}
		if err := event(CadenceStarted{RunID: run.ID, Version: run.Version, Steps: len(run.Cadence.Steps)}); err != nil {
			return err
		}
		return ib.scheduleFollowUp(ctx, tx, first)
	})
	return out, err
}

// FirstTouchArgs is the job that writes and sends a lead's first message.
type FirstTouchArgs struct {
	LeadID string `json:"lead_id"`
}

func (FirstTouchArgs) Kind() string { return "first_touch" }

func (FirstTouchArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: firstTouchQueue, MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type firstTouchWorker struct {
	river.WorkerDefaults[FirstTouchArgs]
	ib *Inbox
}

// Work writes the lead's first message with the agent (a personal opener
// from the form's message and the knowledge), records it, and sends it on
// the send path (see send) from this job: first touches run one at a time,
// so they go out in the order the leads arrived, and the speed-to-lead
// clock stops when Twilio accepts. A send that must wait (for the send
// budget, or a retry) is handed to a send job. A retried job finds the
// message written and only sends it.
func (w *firstTouchWorker) Work(ctx context.Context, job *river.Job[FirstTouchArgs]) error {
	ib := w.ib
	lead, err := crm.GetLead(ctx, ib.db, job.Args.LeadID)
	if errors.Is(err, crm.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	msgID := lead.FirstTouchMessageID
	if msgID == "" {
		conv, err := crm.ConversationWithMessages(ctx, ib.db, lead.ConversationID)
		if err != nil {
			return err
		}
		if skip := firstTouchSkip(conv, lead); skip != "" {
			return ib.skipFirstTouch(ctx, conv, lead, skip)
		}
		if ib.firstTouchInWindow {
			if err := ib.holdFirstTouch(ctx, conv, lead); err != nil {
				return err
			}
		}
		reply, err := ib.agent.Turn(ctx, agent.TurnInput{Channel: agent.ChannelSMS, Purpose: agent.PurposeFirstTouch, FirstTurn: true,
			Lead: agent.Lead{Name: conv.Contact.Name, Source: lead.Source, Stage: conv.Contact.Stage, Notes: conv.Contact.Notes},
			Text: lead.Message})
		if err != nil {
			return fmt.Errorf("first touch of %s: %w", lead.ID, err)
		}
		if msgID, err = ib.recordFirstTouch(ctx, lead, reply); err != nil || msgID == "" {
			if errors.Is(err, crm.ErrNotFound) {
				return river.JobCancel(err)
			}
			return err
		}
	}
	wait, err := ib.send(ctx, messages{ib}, msgID)
	if errors.Is(err, crm.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err == nil && wait == 0 {
		return nil
	}
	if err != nil {
		ib.logger.Warn("first touch not sent, a send job will retry", "lead_id", lead.ID, "message_id", msgID, "err", err)
		wait = ib.backoff(1)
	}
	if _, err := ib.jobs.Insert(ctx, SendArgs{MessageID: msgID}, &river.InsertOpts{ScheduledAt: time.Now().Add(wait)}); err != nil {
		return fmt.Errorf("first touch of %s: enqueue send of %s: %w", lead.ID, msgID, err)
	}
	return nil
}

// recordFirstTouch records a lead's first message, checking again under
// the conversation's lock that it is still wanted (the lead may have
// texted, or a rep taken over, while the agent wrote); id is "" when it is
// not. Its commit does not wait for the disk: the send's claim, which
// must, comes next and flushes it too, and a record lost before that is
// written again when the job is retried.
func (ib *Inbox) recordFirstTouch(ctx context.Context, lead crm.Lead, reply agent.Reply) (id string, err error) {
	err = ib.inRelaxedTx(ctx, func(tx pgx.Tx) error {
		conv, err := crm.LockConversation(ctx, tx, lead.ConversationID)
		if err != nil {
			return err
		}
		if conv.Messages, err = crm.Messages(ctx, tx, conv.ID); err != nil {
			return err
		}
		if skip := firstTouchSkip(conv, lead); skip != "" {
			return ib.skipFirstTouchTx(ctx, tx, conv, lead, skip)
		}
		segments, _ := agent.Segments(reply.Text)
		msg, inserted, err := crm.RecordOutbound(ctx, tx, crm.NewOutbound{ConversationID: conv.ID, Author: crm.AuthorAI, Body: reply.Text,
			Outcome: string(reply.Outcome), Citations: reply.Citations, Segments: segments, Turn: turnOf(reply), Unasked: true})
		if err != nil {
			return err
		}
		if !inserted {
			return fmt.Errorf("first touch of %s: not recorded", lead.ID)
		}
		if err := crm.SetFirstTouch(ctx, tx, lead.ID, msg.ID); err != nil {
			return err
		}
		id = msg.ID
		return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID,
			Detail: FirstTouch{LeadID: lead.ID, MessageID: msg.ID}})
	})
	return id, err
}

// firstTouchSkip says why a lead gets no first touch now, or "": the
// cadence's stop conditions, counted from the lead's arrival (a lead who
// texted first is answered as a reply).
func firstTouchSkip(conv crm.Conversation, lead crm.Lead) string {
	return cadence.Stopper(conv, cadence.Run{StartedAt: lead.CreatedAt})
}

func (ib *Inbox) skipFirstTouch(ctx context.Context, conv crm.Conversation, lead crm.Lead, why string) error {
	return ib.inTx(ctx, func(tx pgx.Tx) error { return ib.skipFirstTouchTx(ctx, tx, conv, lead, why) })
}

func (ib *Inbox) skipFirstTouchTx(ctx context.Context, tx pgx.Tx, conv crm.Conversation, lead crm.Lead, why string) error {
	return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID,
		Detail: FirstTouchSkipped{LeadID: lead.ID, Reason: why}})
}
