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
// lead who replied, opted out, was handed off or closed is never queued
// it. The send checks again before it goes (an unasked text to a lead who
// wrote since is suppressed), and a final refusal stops the cadence. A
// step that falls outside the lead's contact window (its state's hours,
// or its cap on texts a day) waits for the next allowed minute.
func (w *followUpWorker) Work(ctx context.Context, job *river.Job[FollowUpArgs]) error {
	ib := w.ib
	step := job.Args.Step
	text, reply, ok, err := ib.writeStep(ctx, job.Args.RunID, step)
	if err == nil {
		err = ib.sendStep(ctx, job.Args.RunID, step, text, reply, ok)
	}
	if errors.Is(err, crm.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return fmt.Errorf("cadence %s step %d: %w", job.Args.RunID, step+1, err)
	}
	return nil
}

// writeStep writes a due step's text; ok is false when the step will not
// go now (sent or stopped already, a stop condition holds, the contact
// window is closed), which sendStep then records.
func (ib *Inbox) writeStep(ctx context.Context, runID string, step int) (text string, reply agent.Reply, ok bool, err error) {
	run, err := cadence.GetRun(ctx, ib.db, runID)
	if err != nil || !run.Due(step) {
		return "", agent.Reply{}, false, err
	}
	conv, err := crm.ConversationWithMessages(ctx, ib.db, run.ConversationID)
	if err != nil {
		return "", agent.Reply{}, false, err
	}
	if hold, err := ib.stepHold(ctx, ib.db, conv, run); err != nil || hold != (stepHold{}) {
		return "", agent.Reply{}, false, err
	}
	asked := ""
	if run.LeadID != "" {
		lead, err := crm.GetLead(ctx, ib.db, run.LeadID)
		if err != nil {
			return "", agent.Reply{}, false, err
		}
		asked = lead.Message
	}
	text, reply, err = ib.stepText(ctx, conv, run.Cadence.Steps[step], asked)
	return text, reply, err == nil, err
}

// stepHold is why a step does not go out now: a stop condition, or the
// lead's contact window until a time in a zone. The zero value lets it go.
type stepHold struct {
	stop   string
	until  time.Time
	tz     string
	reason string // why it waits: holdQuietHours or holdDailyCap
	window cadence.Window
}

// Why an automated text waits, on the timeline.
const (
	holdQuietHours = "quiet hours"
	holdDailyCap   = "daily contact cap"
)

func (ib *Inbox) stepHold(ctx context.Context, db crm.DB, conv crm.Conversation, run cadence.Run) (stepHold, error) {
	if reason := cadence.Stopper(conv, run); reason != "" {
		return stepHold{stop: reason}, nil
	}
	return ib.windowHold(ctx, db, conv.Contact)
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
// the text writeStep wrote, or records why it does not go.
func (ib *Inbox) sendStep(ctx context.Context, runID string, step int, text string, reply agent.Reply, written bool) error {
	return ib.inTx(ctx, func(tx pgx.Tx) error {
		run, err := cadence.Lock(ctx, tx, runID)
		if err != nil {
			return err
		}
		if !run.Due(step) {
			return nil // sent, stopped or moved on already
		}
		conv, err := crm.LockConversation(ctx, tx, run.ConversationID)
		if err != nil {
			return err
		}
		if conv.Messages, err = crm.Messages(ctx, tx, conv.ID); err != nil {
			return err
		}
		event := func(detail crm.Detail) error {
			return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID, Detail: detail})
		}
		at := RunStep{RunID: run.ID, Step: step + 1}
		now := ib.now()
		hold, err := ib.stepHold(ctx, tx, conv, run)
		switch {
		case err != nil:
			return err
		case hold.stop != "":
			if err := cadence.Stop(ctx, tx, run.ID, hold.stop, now); err != nil {
				return err
			}
			return event(CadenceStopped{RunStep: at, Reason: hold.stop})
		case !hold.until.IsZero():
			if err := cadence.Wait(ctx, tx, run.ID, hold.until, now); err != nil {
				return err
			}
			if err := event(CadenceWaiting{RunStep: at, Hold: hold.detail()}); err != nil {
				return err
			}
			return ib.scheduleFollowUp(ctx, tx, cadence.Due{RunID: run.ID, Step: step, At: hold.until})
		case !written:
			// Nothing held it when it was written, and nothing does now:
			// the run moved under us; the retry writes it afresh.
			return fmt.Errorf("step %d was not written", step+1)
		}
		segments, _ := agent.Segments(text)
		out := crm.NewOutbound{ConversationID: conv.ID, Author: crm.AuthorAI, Body: text, Outcome: string(agent.OutcomeAsked), Segments: segments,
			Unasked: true}
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
		if err := event(CadenceStep{RunStep: at, MessageID: msg.ID}); err != nil {
			return err
		}
		next, done, err := cadence.Sent(ctx, tx, run, step, now)
		if err != nil {
			return err
		}
		if done {
			return event(CadenceCompleted{RunStep: at, Steps: len(run.Cadence.Steps)})
		}
		return ib.scheduleFollowUp(ctx, tx, next)
	})
}

// stepText writes a step: its template, or the agent's follow-up from the
// conversation; asked is what the lead's form said, if they came from one.
func (ib *Inbox) stepText(ctx context.Context, conv crm.Conversation, s cadence.Step, asked string) (string, agent.Reply, error) {
	first := "there"
	if f := crm.FirstName(conv.Contact.Name); f != "" {
		first = f
	}
	if s.Message != "" {
		text, err := s.Render(cadence.Vars{FirstName: first, Name: conv.Contact.Name, Business: ib.business.Name,
			Topic: topicOf(conv.Messages, asked)})
		return text, agent.Reply{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	in := turn.Prepare(turn.Input{Channel: agent.ChannelSMS,
		Lead:    agent.Lead{Name: conv.Contact.Name, Source: conv.Contact.Source, Stage: conv.Contact.Stage, Notes: conv.Contact.Notes},
		History: history(conv.Messages), Text: asked})
	in.Purpose = agent.PurposeFollowUp
	reply, err := ib.agent.Turn(ctx, in)
	if err != nil {
		return "", agent.Reply{}, fmt.Errorf("follow-up text: %w", err)
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
