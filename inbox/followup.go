package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/cadence"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/turn"
)

// FollowUpArgs is the job that sends one step of a lead's cadence when it
// is due. At is part of the args so a step held for quiet hours can be
// scheduled again while its first job is still running.
type FollowUpArgs struct {
	RunID string `json:"run_id"`
	Step  int    `json:"step"`
	At    int64  `json:"at"` // unix seconds
}

func (FollowUpArgs) Kind() string { return "follow_up" }

func (FollowUpArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

func (ib *Inbox) scheduleFollowUp(ctx context.Context, tx pgx.Tx, d cadence.Due) error {
	_, err := ib.jobs.InsertTx(ctx, tx, FollowUpArgs{RunID: d.RunID, Step: d.Step, At: d.At.Unix()}, &river.InsertOpts{ScheduledAt: ib.onRiverClock(d.At)})
	if err != nil {
		return fmt.Errorf("schedule step %d of cadence %s: %w", d.Step, d.RunID, err)
	}
	return nil
}

type followUpWorker struct {
	river.WorkerDefaults[FollowUpArgs]
	ib *Inbox
}

// Work queues one cadence step. The step's text is written first, outside
// any lock (a model may take seconds, and a lead's text must not wait for
// it); then the stop conditions are checked again, and the step recorded
// with its send job, in one transaction that holds the conversation: a
// lead who replied (on any channel), opted out of every channel left,
// was handed off or closed is never queued it. The send checks again
// before it goes (an unasked message to a lead who wrote since is
// suppressed), and a final refusal stops the cadence. A step goes by text
// or by email (cadence.Reach.ChannelFor); a step the lead cannot get (no
// consent to its channel, or an opt-out of it) is skipped while a later
// one may still go. A text that falls outside the lead's contact window
// (its state's hours, or its cap on texts a day) waits for the next
// allowed minute; an email does not wait, as those laws are about calls
// and texts.
func (w *followUpWorker) Work(ctx context.Context, job *river.Job[FollowUpArgs]) error {
	ib := w.ib
	step := job.Args.Step
	text, reply, channel, err := ib.writeStep(ctx, job.Args.RunID, step)
	if err == nil {
		err = ib.sendStep(ctx, job.Args.RunID, step, text, reply, channel)
	}
	if errors.Is(err, crm.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return fmt.Errorf("cadence %s step %d: %w", job.Args.RunID, step+1, err)
	}
	return nil
}

// writeStep writes a due step's text for the channel it goes on; channel
// is "" when the step will not go now (sent or stopped already, a stop
// condition holds, it is skipped, the contact window is closed), which
// sendStep then records.
func (ib *Inbox) writeStep(ctx context.Context, runID string, step int) (text string, reply agent.Reply, channel string, err error) {
	run, err := cadence.GetRun(ctx, ib.db, runID)
	if err != nil || !run.Due(step) {
		return "", agent.Reply{}, "", err
	}
	conv, err := crm.ConversationWithMessages(ctx, ib.db, run.ConversationID)
	if err != nil {
		return "", agent.Reply{}, "", err
	}
	hold, err := ib.stepHold(ctx, ib.db, conv, run, step)
	if err != nil || !hold.goes() {
		return "", agent.Reply{}, "", err
	}
	channel = hold.channel
	asked := ""
	if run.LeadID != "" {
		lead, err := crm.GetLead(ctx, ib.db, run.LeadID)
		if err != nil {
			return "", agent.Reply{}, "", err
		}
		asked = lead.Message
	}
	text, reply, err = ib.stepText(ctx, conv, run.Cadence.Steps[step], asked, channel)
	if err != nil {
		return "", agent.Reply{}, "", err
	}
	return text, reply, channel, nil
}

// stepHold is what becomes of a step now: a stop condition ends the run,
// a skip passes over the step, or the lead's contact window holds a text
// until a time in a zone. When none does (goes), channel is how the step
// goes out.
type stepHold struct {
	stop    string
	skip    string
	channel string
	until   time.Time
	tz      string
	reason  string // why it waits: holdQuietHours or holdDailyCap
	window  cadence.Window
}

// goes reports whether nothing holds the step.
func (h stepHold) goes() bool {
	return h.stop == "" && h.skip == "" && h.until.IsZero()
}

// Why an automated text waits, on the timeline.
const (
	holdQuietHours = "quiet hours"
	holdDailyCap   = "daily contact cap"
)

func (ib *Inbox) stepHold(ctx context.Context, db crm.DB, conv crm.Conversation, run cadence.Run, step int) (stepHold, error) {
	c, err := ib.conditions(ctx, db, conv, run.LeadID, run.StartedAt)
	if err != nil {
		return stepHold{}, err
	}
	d := run.Decide(step, c)
	switch {
	case d.Stop != "":
		return stepHold{stop: d.Stop}, nil
	case d.Skip != "":
		return stepHold{skip: d.Skip}, nil
	case d.Channel == crm.ChannelEmail:
		return stepHold{channel: crm.ChannelEmail}, nil
	}
	h, err := ib.windowHold(ctx, db, conv.Contact)
	h.channel = d.Channel
	return h, err
}

// conditions reads what the stop conditions need to know of the lead of
// conv: what they agreed to on their form (leadID; "" for a cadence
// without one, which was started for consent to texts), what they opted
// out of since, and whether they wrote on any channel since since.
func (ib *Inbox) conditions(ctx context.Context, db crm.DB, conv crm.Conversation, leadID string, since time.Time) (cadence.Conditions, error) {
	sms, mail := true, false
	if leadID != "" {
		lead, err := crm.GetLead(ctx, db, leadID)
		if err != nil {
			return cadence.Conditions{}, err
		}
		sms, mail = lead.SMSConsent, lead.EmailConsent
	}
	contact := conv.Contact
	st, err := crm.GetEmailState(ctx, db, contact.ID)
	if err != nil {
		return cadence.Conditions{}, err
	}
	wrote, err := crm.InboundSince(ctx, db, contact.ID, since)
	if err != nil {
		return cadence.Conditions{}, err
	}
	replied := false
	for _, m := range wrote {
		replied = replied || isReply(m)
	}
	return cadence.Conditions{Mode: conv.Mode, Replied: replied, Reach: cadence.Reach{
		SMS:         sms && contact.Phone != "",
		Email:       mail && contact.Email != "" && ib.mailer.CanMarket(),
		SMSOptedOut: contact.OptedOut, EmailOptedOut: st.OptedOut || st.Invalid,
	}}, nil
}

// isReply reports whether what a lead wrote answers the business's
// follow-ups, whatever its channel: everything but an email that answered
// itself (out-of-office) and a text that opts out (STOP, "please stop
// texting me"), which stops the texts and not the email.
func isReply(m crm.Message) bool {
	if m.AutoReply {
		return false
	}
	if m.Channel != crm.ChannelSMS && m.Channel != "" {
		return true
	}
	switch turn.Screen(m.Body, false, turn.Business{}).Action {
	case turn.OptOut, turn.OptOutInWords:
		return false
	}
	return true
}

// windowHold says until when an automated text to a contact waits for
// the contact window of their state (by area code) in their own time
// zone (by the number's region, else the business's): its hours, and its
// cap on automated texts in 24 hours. The zero value lets it go now.
func (ib *Inbox) windowHold(ctx context.Context, db crm.DB, contact crm.Contact) (stepHold, error) {
	tz := crm.PhoneTimeZone(contact.Phone)
	if tz == "" {
		sched, err := ib.desk.Hours(ctx, db)
		if err != nil {
			return stepHold{}, err
		}
		tz = sched.TimeZone()
	}
	now := ib.now()
	w := cadence.WindowFor(contact.Phone)
	var sent []time.Time
	if w.Cap > 0 {
		var err error
		if sent, err = crm.UnaskedSentTo(ctx, db, contact.ID, now.Add(-24*time.Hour), now); err != nil {
			return stepHold{}, err
		}
	}
	allowed, err := w.Allowed(now, tz, sent)
	if err != nil || !allowed.After(now) {
		return stepHold{}, err
	}
	reason := holdQuietHours
	if open, err := w.Allowed(now, tz, nil); err == nil && !open.After(now) {
		reason = holdDailyCap
	}
	return stepHold{until: allowed, tz: tz, reason: reason, window: w}, nil
}

// sendStep checks the step again under the conversation's lock and queues
// the text writeStep wrote for channel, or records why it does not go.
// An email step lands on the lead's email conversation, whichever
// conversation the cadence runs on.
func (ib *Inbox) sendStep(ctx context.Context, runID string, step int, text string, reply agent.Reply, channel string) error {
	return ib.inTx(ctx, func(tx pgx.Tx) error {
		// The conversation is locked before the run, as a lead's message
		// locks it before stopping the run: the other order would deadlock
		// against a reply arriving while its follow-up is sent. A run's
		// conversation never changes, so it is read unlocked first.
		unlocked, err := cadence.GetRun(ctx, tx, runID)
		if err != nil {
			return err
		}
		conv, err := crm.LockConversation(ctx, tx, unlocked.ConversationID)
		if err != nil {
			return err
		}
		run, err := cadence.Lock(ctx, tx, runID)
		if err != nil {
			return err
		}
		if !run.Due(step) {
			return nil // sent, stopped or moved on already
		}
		if conv.Messages, err = crm.Messages(ctx, tx, conv.ID); err != nil {
			return err
		}
		event := func(convID string, detail crm.Detail) error {
			return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: convID, ContactID: conv.Contact.ID, Detail: detail})
		}
		at := RunStep{RunID: run.ID, Step: step + 1}
		now := ib.now()
		stop := func(why string) error {
			if err := cadence.Stop(ctx, tx, run.ID, why, now); err != nil {
				return err
			}
			return event(conv.ID, CadenceStopped{RunStep: at, Reason: why})
		}
		// next records the step gone (or skipped) and schedules the next.
		next := func() error {
			next, done, err := cadence.Sent(ctx, tx, run, step, now)
			if err != nil {
				return err
			}
			if done {
				return event(conv.ID, CadenceCompleted{RunStep: at, Steps: len(run.Cadence.Steps)})
			}
			return ib.scheduleFollowUp(ctx, tx, next)
		}
		hold, err := ib.stepHold(ctx, tx, conv, run, step)
		switch {
		case err != nil:
			return err
		case hold.stop != "":
			return stop(hold.stop)
		case hold.skip != "":
			if err := event(conv.ID, CadenceSkipped{RunStep: at, Reason: hold.skip}); err != nil {
				return err
			}
			return next()
		case !hold.until.IsZero():
			if err := cadence.Wait(ctx, tx, run.ID, hold.until, now); err != nil {
				return err
			}
			if err := event(conv.ID, CadenceWaiting{RunStep: at, Hold: hold.detail()}); err != nil {
				return err
			}
			return ib.scheduleFollowUp(ctx, tx, cadence.Due{RunID: run.ID, Step: step, At: hold.until})
		case channel == "" || channel != hold.channel:
			// Nothing held it when it was written, or it was written for
			// another channel: the run moved under us; the retry writes
			// it afresh.
			return fmt.Errorf("step %d was not written for %s", step+1, hold.channel)
		}
		target := conv
		if channel != conv.Channel {
			open, err := crm.OpenConversation(ctx, tx, conv.Contact.ID, channel)
			if err != nil {
				return err
			}
			if target, err = crm.LockConversation(ctx, tx, open.ID); err != nil {
				return err
			}
			if target.Mode != crm.ModeAI {
				return stop(cadence.StopHandedOff) // a person has the lead's email
			}
		}
		out := crm.NewOutbound{ConversationID: target.ID, Author: crm.AuthorAI, Body: text, Outcome: string(agent.OutcomeAsked),
			Channel: channel, Unasked: true}
		if channel == crm.ChannelSMS {
			out.Segments, _ = agent.Segments(text)
		}
		if reply.Text != "" {
			out.Turn = turnOf(reply)
		}
		msg, _, err := crm.RecordOutbound(ctx, tx, out)
		if err != nil {
			return err
		}
		if _, err := ib.jobs.InsertTx(ctx, tx, SendArgs{MessageID: msg.ID}, nil); err != nil {
			return fmt.Errorf("enqueue send of %s: %w", msg.ID, err)
		}
		sent := CadenceStep{RunStep: at, MessageID: msg.ID}
		if channel == crm.ChannelEmail {
			sent.Channel = channel
		}
		if err := event(target.ID, sent); err != nil {
			return err
		}
		return next()
	})
}

// stepText writes a step for its channel: its template, or the agent's
// follow-up from the conversation; asked is what the lead's form said, if
// they came from one. An email's text is fitted to email (emailText): the
// send adds its greeting and sign-off.
func (ib *Inbox) stepText(ctx context.Context, conv crm.Conversation, s cadence.Step, asked, channel string) (string, agent.Reply, error) {
	first := "there"
	if f := crm.FirstName(conv.Contact.Name); f != "" {
		first = f
	}
	if s.Message != "" {
		text, err := s.Render(cadence.Vars{FirstName: first, Name: conv.Contact.Name, Business: ib.business.Name,
			Topic: topicOf(conv.Messages, asked)})
		if channel == crm.ChannelEmail {
			text = emailText(text)
		}
		return text, agent.Reply{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	in := turn.Prepare(turn.Input{Channel: channel,
		Lead:    agent.Lead{Name: conv.Contact.Name, Source: conv.Contact.Source, Stage: conv.Contact.Stage, Notes: conv.Contact.Notes},
		History: history(conv.Messages), Text: asked})
	in.Purpose = agent.PurposeFollowUp
	reply, err := ib.agent.Turn(ctx, in)
	if err != nil {
		return "", agent.Reply{}, fmt.Errorf("follow-up text: %w", err)
	}
	if channel == crm.ChannelEmail {
		return emailText(reply.Text), reply, nil
	}
	return reply.Text, reply, nil
}

// topicOf is what the lead last asked about, in a few words, for a
// template's {{.Topic}}: their latest message, else their form's.
func topicOf(msgs []crm.Message, asked string) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Direction == crm.Inbound && msgs[i].Body != "" {
			return clipWords(msgs[i].Body, 8)
		}
	}
	return clipWords(asked, 8)
}

// clipWords keeps the first n words of s, without closing punctuation.
func clipWords(s string, n int) string {
	w := strings.Fields(s)
	if len(w) > n {
		w = w[:n]
	}
	return strings.TrimRight(strings.Join(w, " "), ".,;:!? ")
}

// detail is a wait's timeline detail.
func (h stepHold) detail() Hold {
	return Hold{Until: h.until, TimeZone: h.tz, Reason: h.reason, Law: h.window.Law, State: h.window.State}
}

// holdFirstTouch snoozes a first touch until the lead's contact window
// opens, returning the snooze as its error; nil lets it go now.
func (ib *Inbox) holdFirstTouch(ctx context.Context, conv crm.Conversation, lead crm.Lead) error {
	hold, err := ib.windowHold(ctx, ib.db, conv.Contact)
	if err != nil || hold.until.IsZero() {
		return err
	}
	if err := crm.AddEvent(ctx, ib.db, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID,
		Detail: FirstTouchWaiting{Hold: hold.detail(), LeadID: lead.ID}}); err != nil {
		return err
	}
	return river.JobSnooze(max(time.Until(ib.onRiverClock(hold.until)), 0))
}
