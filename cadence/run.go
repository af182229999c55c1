package cadence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/crm"
)

// Run is one lead's way through a cadence.
type Run struct {
	ID             string     `json:"id"`
	ConversationID string     `json:"conversation_id"`
	LeadID         string     `json:"lead_id,omitempty"`
	Version        int        `json:"version"`
	Cadence        Cadence    `json:"cadence"`
	StartedAt      time.Time  `json:"started_at"`
	NextStep       int        `json:"next_step"`
	NextAt         *time.Time `json:"next_at,omitempty"`
	State          string     `json:"state"` // active, stopped, completed
	StopReason     string     `json:"stop_reason,omitempty"`
}

// Run states.
const (
	StateActive    = "active"
	StateStopped   = "stopped"
	StateCompleted = "completed"
)

// Reasons a run stops, for the timeline and reports.
const (
	StopReplied    = "replied"     // the lead answered, on any channel: the agent has the conversation
	StopOptedOut   = "opted_out"   // the lead opted out of every channel the steps left could take
	StopNoConsent  = "no_consent"  // the lead agreed to none of the channels the steps left take
	StopHandedOff  = "handed_off"  // a rep has, or is about to take, the conversation
	StopClosed     = "closed"      // the conversation was closed
	StopSendFailed = "send_failed" // the provider refused a step for good
)

// Due is a step to schedule.
type Due struct {
	RunID string
	Step  int
	At    time.Time
}

const runColumns = `r.id::text, r.conversation_id::text, COALESCE(r.lead_id::text, ''), r.version, r.steps, r.started_at,
	r.next_step, r.next_at, r.state, r.stop_reason`

func scanRun(row pgx.Row) (Run, error) {
	var r Run
	var steps []byte
	if err := row.Scan(&r.ID, &r.ConversationID, &r.LeadID, &r.Version, &steps, &r.StartedAt, &r.NextStep, &r.NextAt,
		&r.State, &r.StopReason); err != nil {
		return r, err
	}
	return r, json.Unmarshal(steps, &r.Cadence)
}

// Start begins the active cadence for a lead's conversation at startedAt
// and returns its first step. A contact with a cadence running on any of
// its conversations keeps it (ok is false): a second form from the same
// lead, by text or by email, does not start a second series.
func Start(ctx context.Context, db crm.DB, conversationID, leadID string, startedAt time.Time) (run Run, first Due, ok bool, err error) {
	v, err := Active(ctx, db)
	if err != nil {
		return Run{}, Due{}, false, err
	}
	steps, err := json.Marshal(v.Cadence)
	if err != nil {
		return Run{}, Due{}, false, fmt.Errorf("start cadence: %w", err)
	}
	at := startedAt.Add(time.Duration(v.Cadence.Steps[0].After))
	run, err = scanRun(db.QueryRow(ctx, `
		INSERT INTO cadence_runs AS r (conversation_id, lead_id, version, steps, started_at, next_step, next_at)
		SELECT $1, NULLIF($2, '')::uuid, $3, $4, $5, 0, $6
		WHERE NOT EXISTS (SELECT 1 FROM cadence_runs o JOIN conversations ov ON ov.id = o.conversation_id
			WHERE o.state = 'active' AND ov.contact_id = (SELECT contact_id FROM conversations WHERE id = $1))
		ON CONFLICT (conversation_id) WHERE state = 'active' DO NOTHING
		RETURNING `+runColumns, conversationID, leadID, v.Version, steps, startedAt, at))
	if errors.Is(err, pgx.ErrNoRows) {
		return Run{}, Due{}, false, nil
	}
	if err != nil {
		return Run{}, Due{}, false, fmt.Errorf("start cadence for %s: %w", conversationID, err)
	}
	return run, Due{RunID: run.ID, Step: 0, At: at}, true, nil
}

// GetRun returns a run.
func GetRun(ctx context.Context, db crm.DB, id string) (Run, error) {
	r, err := scanRun(db.QueryRow(ctx, `SELECT `+runColumns+` FROM cadence_runs r WHERE r.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Run{}, fmt.Errorf("cadence run %s: %w", id, crm.ErrNotFound)
	}
	if err != nil {
		return Run{}, fmt.Errorf("cadence run %s: %w", id, err)
	}
	return r, nil
}

// Due reports whether step is the run's next one to send.
func (r Run) Due(step int) bool {
	return r.State == StateActive && r.NextStep == step && step < len(r.Cadence.Steps)
}

// Lock returns a run and holds its row until the transaction ends.
func Lock(ctx context.Context, tx pgx.Tx, id string) (Run, error) {
	r, err := scanRun(tx.QueryRow(ctx, `SELECT `+runColumns+` FROM cadence_runs r WHERE r.id = $1 FOR UPDATE`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Run{}, fmt.Errorf("cadence run %s: %w", id, crm.ErrNotFound)
	}
	if err != nil {
		return Run{}, fmt.Errorf("cadence run %s: %w", id, err)
	}
	return r, nil
}

// ActiveRun returns the conversation's running cadence, if any.
func ActiveRun(ctx context.Context, db crm.DB, conversationID string) (Run, bool, error) {
	r, err := scanRun(db.QueryRow(ctx, `SELECT `+runColumns+` FROM cadence_runs r WHERE r.conversation_id = $1 AND r.state = 'active'`,
		conversationID))
	if errors.Is(err, pgx.ErrNoRows) {
		return Run{}, false, nil
	}
	if err != nil {
		return Run{}, false, fmt.Errorf("cadence of %s: %w", conversationID, err)
	}
	return r, true, nil
}

// StopActive ends the conversation's running cadence, if it has one, for a
// reason, and returns it (ok is false when none was running).
func StopActive(ctx context.Context, db crm.DB, conversationID, reason string, at time.Time) (run Run, ok bool, err error) {
	run, err = scanRun(db.QueryRow(ctx, `UPDATE cadence_runs r SET state = 'stopped', stop_reason = $2, next_at = NULL, updated_at = $3
		WHERE r.conversation_id = $1 AND r.state = 'active'
		RETURNING `+runColumns, conversationID, reason, at))
	if errors.Is(err, pgx.ErrNoRows) {
		return Run{}, false, nil
	}
	if err != nil {
		return Run{}, false, fmt.Errorf("stop cadence of %s: %w", conversationID, err)
	}
	return run, true, nil
}

// Stop ends a run for a reason; a run already ended stays as it is.
func Stop(ctx context.Context, db crm.DB, id, reason string, at time.Time) error {
	if _, err := db.Exec(ctx, `UPDATE cadence_runs SET state = 'stopped', stop_reason = $2, next_at = NULL, updated_at = $3
		WHERE id = $1 AND state = 'active'`, id, reason, at); err != nil {
		return fmt.Errorf("stop cadence %s: %w", id, err)
	}
	return nil
}

// Sent records that step went out (or was skipped: see Decide) at `at`
// and returns the next step to schedule; done is true when it was the
// last (the run completed).
func Sent(ctx context.Context, db crm.DB, r Run, step int, at time.Time) (next Due, done bool, err error) {
	n := step + 1
	if n >= len(r.Cadence.Steps) {
		_, err := db.Exec(ctx, `UPDATE cadence_runs SET state = 'completed', next_step = $2,
			next_at = NULL, updated_at = $3 WHERE id = $1`, r.ID, n, at)
		if err != nil {
			return Due{}, false, fmt.Errorf("complete cadence %s: %w", r.ID, err)
		}
		return Due{}, true, nil
	}
	due := r.StartedAt.Add(time.Duration(r.Cadence.Steps[n].After))
	if due.Before(at) {
		due = at // a late step does not make the next one fire at once
	}
	if _, err := db.Exec(ctx, `UPDATE cadence_runs SET next_step = $2, next_at = $3, updated_at = $4
		WHERE id = $1`, r.ID, n, due, at); err != nil {
		return Due{}, false, fmt.Errorf("advance cadence %s: %w", r.ID, err)
	}
	return Due{RunID: r.ID, Step: n, At: due}, false, nil
}

// Wait moves a step that fell outside the lead's contact window (see
// Window) to the next allowed minute.
func Wait(ctx context.Context, db crm.DB, id string, until, at time.Time) error {
	if _, err := db.Exec(ctx, `UPDATE cadence_runs SET next_at = $2, updated_at = $3 WHERE id = $1`, id, until, at); err != nil {
		return fmt.Errorf("delay cadence %s: %w", id, err)
	}
	return nil
}

// StopContact ends every cadence running on any of the contact's
// conversations, for a reason, and returns them: a lead who replies on
// one channel is followed up on none.
func StopContact(ctx context.Context, db crm.DB, contactID, reason string, at time.Time) ([]Run, error) {
	rows, err := db.Query(ctx, `UPDATE cadence_runs r SET state = 'stopped', stop_reason = $2, next_at = NULL, updated_at = $3
		FROM conversations v
		WHERE v.id = r.conversation_id AND v.contact_id = $1 AND r.state = 'active'
		RETURNING `+runColumns, contactID, reason, at)
	if err != nil {
		return nil, fmt.Errorf("stop cadences of contact %s: %w", contactID, err)
	}
	runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Run, error) { return scanRun(row) })
	if err != nil {
		return nil, fmt.Errorf("stop cadences of contact %s: %w", contactID, err)
	}
	return runs, nil
}

// ActiveRunsOf returns the cadences running on any of the contact's
// conversations.
func ActiveRunsOf(ctx context.Context, db crm.DB, contactID string) ([]Run, error) {
	rows, err := db.Query(ctx, `SELECT `+runColumns+` FROM cadence_runs r JOIN conversations v ON v.id = r.conversation_id
		WHERE v.contact_id = $1 AND r.state = 'active' ORDER BY r.started_at`, contactID)
	if err != nil {
		return nil, fmt.Errorf("cadences of contact %s: %w", contactID, err)
	}
	runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Run, error) { return scanRun(row) })
	if err != nil {
		return nil, fmt.Errorf("cadences of contact %s: %w", contactID, err)
	}
	return runs, nil
}

// Reach is how a run's lead may be reached when a step is due: the
// channels they agreed to on the form (with an address to use them), and
// what they revoked since.
type Reach struct {
	// SMS: the lead agreed to texts and has a phone. Email: the lead
	// agreed to email, has an address, and marketing email can be sent
	// (a postal address and an unsubscribe link to put in it).
	SMS, Email bool
	// SMSOptedOut: the lead sent STOP, opted out in words, or the carrier
	// reports the number unsubscribed. EmailOptedOut: the lead
	// unsubscribed from email, or the address bounced for good.
	SMSOptedOut, EmailOptedOut bool
}

// ChannelFor is the channel a step takes to this lead, opt-outs aside:
// its own when the lead agreed to it; an sms step goes by email to a lead
// who agreed to email and not to texts; "" when the lead agreed to
// neither (an email step to a lead who agreed to texts only).
func (r Reach) ChannelFor(s Step) string {
	switch {
	case s.Channel == crm.ChannelEmail && r.Email:
		return crm.ChannelEmail
	case s.Channel == crm.ChannelSMS && r.SMS:
		return crm.ChannelSMS
	case s.Channel == crm.ChannelSMS && r.Email:
		return crm.ChannelEmail
	}
	return ""
}

// Open reports whether the lead has not opted out of channel: an email
// unsubscribe closes email only, a STOP texts only.
func (r Reach) Open(channel string) bool {
	switch channel {
	case crm.ChannelSMS:
		return !r.SMSOptedOut
	case crm.ChannelEmail:
		return !r.EmailOptedOut
	}
	return false
}

// Conditions is what the stop conditions read when a message to the lead
// is due.
type Conditions struct {
	// Mode is the mode of the conversation the cadence runs on.
	Mode crm.Mode
	// Replied: the lead wrote since the run started, on any channel (an
	// out-of-office email, a STOP or an opt-out in words is no reply).
	Replied bool
	Reach   Reach
}

// Stopper says why nothing more goes to the lead on channel, or "" when
// it may: opted out of that channel, the conversation closed or with a
// person, or the lead replied. A first touch reads it for its own channel.
func (c Conditions) Stopper(channel string) string {
	if !c.Reach.Open(channel) {
		return StopOptedOut
	}
	return c.held()
}

// held says why nothing more goes to the lead on any channel: the
// conversation closed or with a person, or the lead replied.
func (c Conditions) held() string {
	switch {
	case c.Mode == crm.ModeClosed:
		return StopClosed
	case c.Mode != crm.ModeAI:
		return StopHandedOff
	case c.Replied:
		return StopReplied
	}
	return ""
}

// Decision is what becomes of a due step.
type Decision struct {
	// Stop ends the run, for this reason (Stop*).
	Stop string
	// Skip passes over the step, for this reason ("no email consent",
	// "opted out of email"): a later step may still go on another channel.
	Skip string
	// Channel is how the step goes, when it goes.
	Channel string
}

// Decide applies the stop conditions to step: the run stops when no step
// from this one on may reach the lead (every channel they agreed to is
// opted out), or the conversation is closed or with a person, or the lead
// replied; a step whose own channel the lead did not agree to, or opted
// out of, is skipped while a later step may still go on another.
func (r Run) Decide(step int, c Conditions) Decision {
	if step < 0 || step >= len(r.Cadence.Steps) {
		return Decision{Stop: StopNoConsent}
	}
	if why := r.Unreachable(step, c.Reach); why != "" {
		return Decision{Stop: why}
	}
	if why := c.held(); why != "" {
		return Decision{Stop: why}
	}
	s := r.Cadence.Steps[step]
	ch := c.Reach.ChannelFor(s)
	switch {
	case ch == "":
		return Decision{Skip: "no " + s.Channel + " consent"}
	case !c.Reach.Open(ch):
		return Decision{Skip: "opted out of " + ch}
	}
	return Decision{Channel: ch}
}

// Unreachable says why none of the steps from step on can reach the lead
// (StopOptedOut, StopNoConsent), or "" when one can.
func (r Run) Unreachable(step int, reach Reach) string {
	if step >= len(r.Cadence.Steps) {
		return ""
	}
	consented := false
	for _, s := range r.Cadence.Steps[step:] {
		ch := reach.ChannelFor(s)
		if ch == "" {
			continue
		}
		consented = true
		if reach.Open(ch) {
			return ""
		}
	}
	if consented {
		return StopOptedOut
	}
	return StopNoConsent
}
