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
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/turn"
)

// NotifyArgs is the job that texts one notification to a rep.
type NotifyArgs struct {
	NotificationID string `json:"notification_id"`
}

func (NotifyArgs) Kind() string { return "notify" }

func (NotifyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: sendQueue, MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SLAArgs is the job that runs one SLA step of a handoff when it is due.
type SLAArgs struct {
	HandoffID int64 `json:"handoff_id"`
	Step      int   `json:"step"`
}

func (SLAArgs) Kind() string { return "sla" }

func (SLAArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// AssignArgs is the job that looks for a rep on duty for a handoff that
// found nobody, at the next opening. At is part of the args so the same
// handoff can be looked at again at a later opening.
type AssignArgs struct {
	HandoffID int64 `json:"handoff_id"`
	At        int64 `json:"at"` // unix seconds
}

func (AssignArgs) Kind() string { return "assign" }

func (AssignArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// enqueue inserts the jobs a desk decision asked for, in the caller's
// transaction.
func (ib *Inbox) enqueue(ctx context.Context, tx pgx.Tx, w handoff.Work) error {
	for _, id := range w.Notify {
		if _, err := ib.jobs.InsertTx(ctx, tx, NotifyArgs{NotificationID: id}, nil); err != nil {
			return fmt.Errorf("enqueue notification %s: %w", id, err)
		}
	}
	if s := w.SLA; s != nil {
		if _, err := ib.jobs.InsertTx(ctx, tx, SLAArgs{HandoffID: s.HandoffID, Step: s.Step}, &river.InsertOpts{ScheduledAt: ib.onRiverClock(s.At)}); err != nil {
			return fmt.Errorf("enqueue sla step %d of handoff %d: %w", s.Step, s.HandoffID, err)
		}
	}
	if s := w.Assign; s != nil {
		if _, err := ib.jobs.InsertTx(ctx, tx, AssignArgs{HandoffID: s.HandoffID, At: s.At.Unix()}, &river.InsertOpts{ScheduledAt: ib.onRiverClock(s.At)}); err != nil {
			return fmt.Errorf("enqueue rep search for handoff %d: %w", s.HandoffID, err)
		}
	}
	return nil
}

// escalate applies the active escalation rules to a turn, as turn
// decides for every caller. When they hand off, the conversation goes to a
// rep and the reply becomes the holding message the desk chose; opened is
// the new handoff (nil when none).
func (ib *Inbox) escalate(ctx context.Context, tx pgx.Tx, conv crm.Conversation, in crm.Message, t *turn.Turn) (opened *handoff.Opened, err error) {
	rules, err := handoff.ActiveRules(ctx, tx)
	if err != nil {
		return nil, err
	}
	_, err = t.Escalate(rules.Rules, func(decision handoff.Decision) (string, error) {
		var leads []string
		for _, m := range conv.Messages {
			if m.Direction == crm.Inbound && m.Body != "" {
				leads = append(leads, m.Body)
			}
		}
		o, err := ib.desk.Open(ctx, tx, handoff.OpenRequest{
			Conversation: conv, Decision: decision, MessageID: in.ID, RulesVersion: rules.Version, SLAMinutes: rules.Rules.SLAMinutes,
			Summary: handoff.Summarize(handoff.SummaryInput{Reason: decision.Reason, Lead: leads, ModelSummary: t.Reply.HandoffSummary}),
		})
		if err != nil {
			return "", err
		}
		opened = &o
		return o.Holding, nil
	})
	if err != nil || opened == nil {
		return nil, err
	}
	if err := ib.stopCadence(ctx, tx, conv, cadence.StopHandedOff); err != nil {
		return nil, err
	}
	return opened, ib.enqueue(ctx, tx, opened.Work)
}

type notifyWorker struct {
	river.WorkerDefaults[NotifyArgs]
	ib *Inbox
}

// Work texts one notification to a rep, once, on the send path that texts
// leads (see send): its moment in the send budget, a claim, the call with
// nothing held, the SID recorded, and a look at the provider before any
// attempt after one whose outcome is unknown.
func (w *notifyWorker) Work(ctx context.Context, job *river.Job[NotifyArgs]) error {
	return w.ib.sendJob(ctx, notifications{w.ib}, job.Args.NotificationID, job.Attempt, job.MaxAttempts)
}

// notifications is the outbox of texts to reps. Each is its own turn: reps'
// texts are few, and none waits behind another's.
type notifications struct{ ib *Inbox }

func (notifications) kind() string { return "notification" }

func (b notifications) read(ctx context.Context, db crm.DB, id string) (text, error) {
	n, s, err := handoff.NotificationSend(ctx, db, id)
	return notificationText(n, s), err
}

func (b notifications) lock(ctx context.Context, tx pgx.Tx, id string) (text, error) {
	n, s, err := handoff.LockNotificationSend(ctx, tx, id)
	return notificationText(n, s), err
}

func notificationText(n handoff.Notification, s crm.SendState) text {
	segments, _ := agent.Segments(n.Body)
	return text{id: n.ID, to: n.To, body: n.Body, sid: n.ProviderSID, segments: segments,
		done: n.ProviderSID != "" || n.Status != crm.StatusPending, send: s}
}

func (b notifications) claim(ctx context.Context, tx pgx.Tx, id string, lease time.Duration) error {
	_, err := handoff.ClaimNotification(ctx, tx, id, lease)
	return err
}

func (b notifications) sent(ctx context.Context, tx pgx.Tx, t text, res channels.SendResult, how string) error {
	if how != "" {
		b.ib.logger.Info("rep notification found at the provider, not sent again", "notification_id", t.id, "sid", res.ProviderSID)
	}
	return handoff.MarkNotificationSent(ctx, tx, t.id, res.ProviderSID, res.Status, b.ib.now())
}

func (b notifications) refused(ctx context.Context, tx pgx.Tx, t text, se *channels.SendError) error {
	b.ib.logger.Warn("rep notification refused", "notification_id", t.id, "code", se.Code, "err", se.Message)
	return handoff.MarkNotificationFailed(ctx, tx, t.id, se.Code, se.Message)
}

// suppress never comes: a rep is always texted.
func (b notifications) suppress(context.Context, pgx.Tx, text) error { return nil }

func (b notifications) unsure(ctx context.Context, db crm.DB, id string, settle time.Duration) error {
	return handoff.NotificationSendUnsure(ctx, db, id, settle)
}

func (b notifications) notTaken(ctx context.Context, db crm.DB, id string) error {
	return handoff.NotificationNotTaken(ctx, db, id)
}

type slaWorker struct {
	river.WorkerDefaults[SLAArgs]
	ib *Inbox
}

// Work runs an SLA step that came due; a claimed handoff makes it a no-op.
func (w *slaWorker) Work(ctx context.Context, job *river.Job[SLAArgs]) error {
	return w.ib.deskStep(ctx, job.Args.HandoffID, func(tx pgx.Tx, minutes int) (handoff.Work, error) {
		return w.ib.desk.SLA(ctx, tx, job.Args.HandoffID, job.Args.Step, minutes)
	})
}

type assignWorker struct {
	river.WorkerDefaults[AssignArgs]
	ib *Inbox
}

// Work looks for a rep on duty for a handoff that found nobody.
func (w *assignWorker) Work(ctx context.Context, job *river.Job[AssignArgs]) error {
	return w.ib.deskStep(ctx, job.Args.HandoffID, func(tx pgx.Tx, minutes int) (handoff.Work, error) {
		return w.ib.desk.Assign(ctx, tx, job.Args.HandoffID, minutes)
	})
}

// deskStep runs a scheduled desk step with the active rules' SLA and
// enqueues what it asks for, in one transaction.
func (ib *Inbox) deskStep(ctx context.Context, handoffID int64, step func(tx pgx.Tx, slaMinutes int) (handoff.Work, error)) error {
	err := ib.inTx(ctx, func(tx pgx.Tx) error {
		rules, err := handoff.ActiveRules(ctx, tx)
		if err != nil {
			return err
		}
		w, err := step(tx, rules.Rules.SLAMinutes)
		if err != nil {
			return err
		}
		return ib.enqueue(ctx, tx, w)
	})
	if errors.Is(err, crm.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("handoff %d: %w", handoffID, err))
	}
	return err
}
