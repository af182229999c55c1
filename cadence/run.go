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
	StopReplied    = "replied"     // the lead answered: the agent has the conversation
	StopOptedOut   = "opted_out"   // the lead opted out
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
// and returns its first step. A conversation with a cadence running keeps
// it (ok is false): a second form from the same lead does not start a
// second series of texts.
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
		VALUES ($1, NULLIF($2, '')::uuid, $3, $4, $5, 0, $6)
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

// Sent records that step went out at `at` and returns the next step to
// schedule; done is true when it was the last (the run completed).
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

// Stopper says why a run must stop before a step goes out, or "" when the
// step may go: what the stop conditions read of the conversation.
func Stopper(conv crm.Conversation, r Run) string {
	switch {
	case conv.Contact.OptedOut:
		return StopOptedOut
	case conv.Mode == crm.ModeClosed:
		return StopClosed
	case conv.Mode != crm.ModeAI:
		return StopHandedOff
	}
	for _, m := range conv.Messages {
		if m.Direction == crm.Inbound && !m.CreatedAt.Before(r.StartedAt) {
			return StopReplied
		}
	}
	return ""
}
