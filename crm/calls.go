package crm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Call is one phone call from a lead.
type Call struct {
	ID              string     `json:"id"`
	CallSID         string     `json:"call_sid"`
	ConversationID  string     `json:"conversation_id,omitempty"`
	ContactID       string     `json:"contact_id,omitempty"`
	Direction       string     `json:"direction"`
	From            string     `json:"from"`
	To              string     `json:"to"`
	Status          string     `json:"status"`
	Outcome         string     `json:"outcome,omitempty"`
	DurationSeconds *int       `json:"duration_seconds,omitempty"`
	Reprompts       int        `json:"reprompts"`
	HandoffID       int64      `json:"handoff_id,omitempty"`
	DialRepID       string     `json:"dial_rep_id,omitempty"`
	DialStatus      string     `json:"dial_status,omitempty"`
	StartedAt       time.Time  `json:"started_at"`
	EndedAt         *time.Time `json:"ended_at,omitempty"`
}

// Call outcomes.
const (
	CallAnsweredByAgent = "answered_by_agent" // the agent talked with the caller
	CallHandedOff       = "handed_off"        // handed to a rep, who calls back
	CallDialedRep       = "dialed_rep"        // connected to a rep
	CallCallback        = "callback"          // nobody could take it: a person calls back
	CallTextFollowUp    = "text_follow_up"    // could not hear the caller: continued by text
	CallAbandoned       = "abandoned"         // hung up before saying anything
)

const callColumns = `k.id::text, k.call_sid, COALESCE(k.conversation_id::text, ''), COALESCE(k.contact_id::text, ''), k.direction,
	k.from_phone, k.to_phone, k.status, k.outcome, k.duration_seconds, k.reprompts, COALESCE(k.handoff_id, 0),
	COALESCE(k.dial_rep_id::text, ''), k.dial_status, k.started_at, k.ended_at`

func scanCall(row pgx.Row) (Call, error) {
	var k Call
	err := row.Scan(&k.ID, &k.CallSID, &k.ConversationID, &k.ContactID, &k.Direction, &k.From, &k.To, &k.Status, &k.Outcome,
		&k.DurationSeconds, &k.Reprompts, &k.HandoffID, &k.DialRepID, &k.DialStatus, &k.StartedAt, &k.EndedAt)
	return k, err
}

// NewCall is a call as the provider announced it.
type NewCall struct {
	CallSID        string
	ConversationID string
	ContactID      string
	Direction      string
	From, To       string
	Status         string
	At             time.Time
}

// RecordCall stores a call once per CallSID; inserted is false for a
// provider's retry, and the stored call is returned either way.
func RecordCall(ctx context.Context, db DB, in NewCall) (k Call, inserted bool, err error) {
	if in.CallSID == "" {
		return Call{}, false, fmt.Errorf("record call: call sid is required")
	}
	if in.Direction == "" {
		in.Direction = "inbound"
	}
	k, err = scanCall(db.QueryRow(ctx, `
		INSERT INTO calls AS k (call_sid, conversation_id, contact_id, direction, from_phone, to_phone, status, started_at)
		VALUES ($1, NULLIF($2, '')::uuid, NULLIF($3, '')::uuid, $4, $5, $6, $7, $8)
		ON CONFLICT (call_sid) DO NOTHING
		RETURNING `+callColumns, in.CallSID, in.ConversationID, in.ContactID, in.Direction, in.From, in.To, in.Status, in.At))
	if err == nil {
		return k, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return Call{}, false, fmt.Errorf("record call %s: %w", in.CallSID, err)
	}
	k, err = CallBySID(ctx, db, in.CallSID)
	return k, false, err
}

// CallBySID returns the call with this CallSID.
func CallBySID(ctx context.Context, db DB, sid string) (Call, error) {
	k, err := scanCall(db.QueryRow(ctx, `SELECT `+callColumns+` FROM calls k WHERE k.call_sid = $1`, sid))
	if err != nil {
		return Call{}, fmt.Errorf("call %s: %w", sid, notFound(err))
	}
	return k, nil
}

// LockCall returns a call and holds its row until the transaction ends.
func LockCall(ctx context.Context, tx pgx.Tx, sid string) (Call, error) {
	k, err := scanCall(tx.QueryRow(ctx, `SELECT `+callColumns+` FROM calls k WHERE k.call_sid = $1 FOR UPDATE`, sid))
	if err != nil {
		return Call{}, fmt.Errorf("lock call %s: %w", sid, notFound(err))
	}
	return k, nil
}

// CallChange is what a webhook learned of a call; zero fields stay.
type CallChange struct {
	Status     string
	Outcome    string // set only while the call has none, unless Force
	Force      bool
	Duration   *int
	Reprompts  *int
	HandoffID  int64
	DialRepID  string
	DialStatus string
	EndedAt    *time.Time
}

// UpdateCall applies a change to a call and returns it.
func UpdateCall(ctx context.Context, db DB, id string, c CallChange) (Call, error) {
	var handoff *int64
	if c.HandoffID != 0 {
		handoff = &c.HandoffID
	}
	k, err := scanCall(db.QueryRow(ctx, `
		UPDATE calls k SET
			status = COALESCE(NULLIF($2, ''), k.status),
			outcome = CASE WHEN $3 <> '' AND (k.outcome = '' OR $4) THEN $3 ELSE k.outcome END,
			duration_seconds = COALESCE($5, k.duration_seconds),
			reprompts = COALESCE($6, k.reprompts),
			handoff_id = COALESCE($7, k.handoff_id),
			dial_rep_id = COALESCE(NULLIF($8, '')::uuid, k.dial_rep_id),
			dial_status = COALESCE(NULLIF($9, ''), k.dial_status),
			ended_at = COALESCE($10, k.ended_at)
		WHERE k.id = $1
		RETURNING `+callColumns, id, c.Status, c.Outcome, c.Force, c.Duration, c.Reprompts, handoff, c.DialRepID, c.DialStatus, c.EndedAt))
	if err != nil {
		return Call{}, fmt.Errorf("update call %s: %w", id, notFound(err))
	}
	return k, nil
}

// CallerSpoke reports whether the caller said anything on the call.
func CallerSpoke(ctx context.Context, db DB, callID string) (bool, error) {
	var yes bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM messages WHERE call_id = $1 AND direction = 'inbound')`, callID).Scan(&yes); err != nil {
		return false, fmt.Errorf("turns of call %s: %w", callID, err)
	}
	return yes, nil
}

// ReplyTo returns the outbound message answering an inbound one, or
// ErrNotFound while there is none yet.
func ReplyTo(ctx context.Context, db DB, inboundID string) (Message, error) {
	var m Message
	if err := scanMessage(db.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages m WHERE m.reply_to = $1`, inboundID), &m); err != nil {
		return Message{}, fmt.Errorf("reply to %s: %w", inboundID, notFound(err))
	}
	return m, nil
}

// CallMessages returns what was said on a call, by the caller and to
// them, in order.
func CallMessages(ctx context.Context, db DB, callID string) ([]Message, error) {
	rows, err := db.Query(ctx, `SELECT `+messageColumns+` FROM messages m WHERE m.call_id = $1 ORDER BY m.created_at, m.id`, callID)
	if err != nil {
		return nil, fmt.Errorf("messages of call %s: %w", callID, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Message, error) {
		var m Message
		err := scanMessage(row, &m)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("messages of call %s: %w", callID, err)
	}
	return list, nil
}

// Timeline event kinds of calls.
const (
	EventCallStarted = "call_started"
	EventCallEnded   = "call_ended"
)
