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
	// FirstTouch says what the lead will get: "queued" (a text, or an
	// email, at once: Channel says which), "no_consent" (nothing; a rep
	// was told to call), "opted_out" (nothing ever), "unreachable" (no
	// phone, and email cannot reach them), "repeat" (the same form came
	// earlier today and was answered).
	FirstTouch string
	// Channel is how the first touch goes when it is queued: sms or email.
	Channel string
}

// FirstTouch outcomes.
const (
	FirstTouchQueued      = "queued"
	FirstTouchNoConsent   = "no_consent"
	FirstTouchOptedOut    = "opted_out"
	FirstTouchUnreachable = "unreachable"
	FirstTouchRepeat      = "repeat" // the same form within a day: answered already
)

// ReceiveLead records a lead and starts speed to lead, in one
// transaction: the contact (matched by phone or email, or new), consent
// evidence, the lead, its timeline, and then the first touch job and the
// follow-up cadence: by text with SMS consent; by email with consent to
// email and not to texts (when email can be sent: SMTP_URL,
// BUSINESS_POSTAL_ADDRESS, PUBLIC_URL); with neither, a text to the
// lead's owner or the rep on duty instead. The same external_id twice
// changes nothing. Bad input is a *crm.InvalidError naming the field.
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
			EmailConsent: rec.Lead.EmailConsent, AfterHours: rec.Lead.AfterHours, ExternalID: in.ExternalID, Test: in.Test}
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
		mail, err := crm.GetEmailState(ctx, tx, rec.Contact.ID)
		if err != nil {
			return err
		}
		emailReady := ib.mailer.CanMarket()
		byEmail := rec.Lead.EmailConsent && !mail.Invalid && emailReady
		switch {
		case same:
			out.FirstTouch = FirstTouchRepeat
			return event(FirstTouchSkipped{LeadID: rec.Lead.ID, Reason: "the same form came in earlier today"})
		case rec.Lead.SMSConsent:
			out.FirstTouch, out.Channel = FirstTouchQueued, crm.ChannelSMS
			if _, err := ib.jobs.InsertTx(ctx, tx, FirstTouchArgs{LeadID: rec.Lead.ID}, nil); err != nil {
				return fmt.Errorf("enqueue first touch of %s: %w", rec.Lead.ID, err)
			}
		case byEmail:
			out.FirstTouch, out.Channel = FirstTouchQueued, crm.ChannelEmail
			if _, err := ib.jobs.InsertTx(ctx, tx, FirstTouchEmailArgs{LeadID: rec.Lead.ID}, nil); err != nil {
				return fmt.Errorf("enqueue first touch of %s by email: %w", rec.Lead.ID, err)
			}
		case rec.Contact.Phone == "":
			// Nobody can call a lead without a phone: their email
			// unsubscribed or bounced, or email is not set up.
			out.FirstTouch = FirstTouchUnreachable
			why := "email is not set up"
			switch {
			case mail.OptedOut:
				why = "opted out of email"
			case mail.Invalid:
				why = "email address invalid"
			}
			return event(crm.Suppressed{LeadID: rec.Lead.ID, Reason: why})
		case rec.Contact.OptedOut:
			out.FirstTouch = FirstTouchOptedOut
			return event(crm.Suppressed{LeadID: rec.Lead.ID, Reason: "opted out"})
		default:
			out.FirstTouch = FirstTouchNoConsent
			if rec.Lead.EmailConsent && !emailReady {
				ib.logger.Warn("a lead agreed to email, which is not set up: set SMTP_URL, EMAIL_FROM, BUSINESS_POSTAL_ADDRESS and PUBLIC_URL",
					"lead_id", rec.Lead.ID)
				if err := event(FirstTouchSkipped{LeadID: rec.Lead.ID, Reason: "email is not set up"}); err != nil {
					return err
				}
			}
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
	return w.ib.firstTouch(ctx, job.Args.LeadID, crm.ChannelSMS)
}

// FirstTouchEmailArgs is the job that writes and sends a lead's first
// message by email: a lead who agreed to email and not to texts.
type FirstTouchEmailArgs struct {
	LeadID string `json:"lead_id"`
}

func (FirstTouchEmailArgs) Kind() string { return "first_touch_email" }

// InsertOpts: emails need no turn in the SMS send rate, so they do not
// queue behind the texts' first touches.
func (FirstTouchEmailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type firstTouchEmailWorker struct {
	river.WorkerDefaults[FirstTouchEmailArgs]
	ib *Inbox
}

// Work writes the lead's first email as the first text is written (the
// same first-touch words, fitted to email: a greeting, the words, the
// business as sign-off), records it on the lead's email conversation and
// sends it as marketing email (the postal address, List-Unsubscribe and
// the unsubscribe link), through the send path's email branch: a retry
// finds the message written, and sends it with the Message-ID its first
// claim chose, so the lead gets it once.
func (w *firstTouchEmailWorker) Work(ctx context.Context, job *river.Job[FirstTouchEmailArgs]) error {
	return w.ib.firstTouch(ctx, job.Args.LeadID, crm.ChannelEmail)
}

// firstTouch writes, records and sends a lead's first message on channel.
func (ib *Inbox) firstTouch(ctx context.Context, leadID, channel string) error {
	lead, err := crm.GetLead(ctx, ib.db, leadID)
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
		skip, err := ib.firstTouchSkip(ctx, ib.db, conv, lead, channel)
		if err != nil {
			return err
		}
		if skip != "" {
			return ib.skipFirstTouch(ctx, conv, lead, skip)
		}
		if ib.firstTouchInWindow && channel == crm.ChannelSMS {
			if err := ib.holdFirstTouch(ctx, conv, lead); err != nil {
				return err
			}
		}
		// The same words whatever the channel: the text's, whose
		// guardrails make it say who writes; an email drops the text's
		// greeting and opt-out line for its own.
		reply, err := ib.agent.Turn(ctx, agent.TurnInput{Channel: agent.ChannelSMS, Purpose: agent.PurposeFirstTouch, FirstTurn: true,
			Lead: agent.Lead{Name: conv.Contact.Name, Source: lead.Source, Stage: conv.Contact.Stage, Notes: conv.Contact.Notes},
			Text: lead.Message})
		if err != nil {
			return fmt.Errorf("first touch of %s: %w", lead.ID, err)
		}
		if msgID, err = ib.recordFirstTouch(ctx, lead, reply, channel); err != nil || msgID == "" {
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

// recordFirstTouch records a lead's first message on channel, checking
// again under the conversation's lock that it is still wanted (the lead
// may have written, or a rep taken over, while the agent wrote); id is ""
// when it is not. Its commit does not wait for the disk: the send's
// claim, which must, comes next and flushes it too, and a record lost
// before that is written again when the job is retried.
func (ib *Inbox) recordFirstTouch(ctx context.Context, lead crm.Lead, reply agent.Reply, channel string) (id string, err error) {
	err = ib.inRelaxedTx(ctx, func(tx pgx.Tx) error {
		conv, err := crm.LockConversation(ctx, tx, lead.ConversationID)
		if err != nil {
			return err
		}
		if conv.Messages, err = crm.Messages(ctx, tx, conv.ID); err != nil {
			return err
		}
		skip, err := ib.firstTouchSkip(ctx, tx, conv, lead, channel)
		if err != nil {
			return err
		}
		if skip != "" {
			return ib.skipFirstTouchTx(ctx, tx, conv, lead, skip)
		}
		out := crm.NewOutbound{ConversationID: conv.ID, Author: crm.AuthorAI, Body: reply.Text, Outcome: string(reply.Outcome),
			Citations: reply.Citations, Turn: turnOf(reply), Unasked: true, Channel: channel}
		if channel == crm.ChannelEmail {
			out.Body = emailText(reply.Text)
		} else {
			out.Segments, _ = agent.Segments(reply.Text)
		}
		msg, inserted, err := crm.RecordOutbound(ctx, tx, out)
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
		touch := FirstTouch{LeadID: lead.ID, MessageID: msg.ID}
		if channel == crm.ChannelEmail {
			touch.Channel = channel
		}
		return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID, Detail: touch})
	})
	return id, err
}

// firstTouchSkip says why a lead gets no first touch on channel now, or
// "": the cadence's stop conditions, counted from the lead's arrival (a
// lead who wrote first, on any channel, is answered as a reply).
func (ib *Inbox) firstTouchSkip(ctx context.Context, db crm.DB, conv crm.Conversation, lead crm.Lead, channel string) (string, error) {
	c, err := ib.conditions(ctx, db, conv, lead.ID, lead.CreatedAt)
	if err != nil {
		return "", err
	}
	return c.Stopper(channel), nil
}

func (ib *Inbox) skipFirstTouch(ctx context.Context, conv crm.Conversation, lead crm.Lead, why string) error {
	return ib.inTx(ctx, func(tx pgx.Tx) error { return ib.skipFirstTouchTx(ctx, tx, conv, lead, why) })
}

func (ib *Inbox) skipFirstTouchTx(ctx context.Context, tx pgx.Tx, conv crm.Conversation, lead crm.Lead, why string) error {
	return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID,
		Detail: FirstTouchSkipped{LeadID: lead.ID, Reason: why}})
}
