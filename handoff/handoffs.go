package handoff

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/crm"
)

// Handoff is one time a conversation was handed to a person.
type Handoff struct {
	ID             int64      `json:"id"`
	ConversationID string     `json:"-"`
	Reason         string     `json:"reason"`
	Detail         string     `json:"detail,omitempty"`
	Summary        string     `json:"summary"`
	MessageID      string     `json:"message_id,omitempty"`
	RulesVersion   int        `json:"rules_version"`
	RepID          string     `json:"rep_id,omitempty"`
	DueAt          *time.Time `json:"due_at,omitempty"`
	SLAStep        int        `json:"sla_step"`
	CreatedAt      time.Time  `json:"created_at"`
	ClaimedAt      *time.Time `json:"claimed_at"`
	ClaimedBy      string     `json:"claimed_by,omitempty"`
	EndedAt        *time.Time `json:"ended_at,omitempty"`
	EndedHow       string     `json:"ended_how,omitempty"`
}

// Open reports whether the handoff still waits for, or is with, a person.
func (h Handoff) Open() bool { return h.EndedAt == nil }

const handoffColumns = `h.id, h.conversation_id::text, h.reason, h.detail, h.summary, COALESCE(h.message_id::text, ''),
	h.rules_version, COALESCE(h.rep_id::text, ''), h.due_at, h.sla_step, h.created_at, h.claimed_at,
	COALESCE(h.claimed_by::text, ''), h.ended_at, h.ended_how`

func handoffDest(h *Handoff) []any {
	return []any{&h.ID, &h.ConversationID, &h.Reason, &h.Detail, &h.Summary, &h.MessageID, &h.RulesVersion, &h.RepID,
		&h.DueAt, &h.SLAStep, &h.CreatedAt, &h.ClaimedAt, &h.ClaimedBy, &h.EndedAt, &h.EndedHow}
}

// LatestHandoff returns a conversation's newest handoff, open or ended.
func LatestHandoff(ctx context.Context, db crm.DB, conversationID string) (Handoff, error) {
	var h Handoff
	err := db.QueryRow(ctx, `SELECT `+handoffColumns+` FROM handoffs h WHERE h.conversation_id = $1
		ORDER BY h.id DESC LIMIT 1`, conversationID).Scan(handoffDest(&h)...)
	if err != nil {
		return Handoff{}, fmt.Errorf("latest handoff of %s: %w", conversationID, notFound(err))
	}
	return h, nil
}

// lockHandoff returns a handoff and holds its row until the transaction
// ends, so two SLA steps or a step and a claim take turns.
func lockHandoff(ctx context.Context, db crm.DB, id int64) (Handoff, error) {
	var h Handoff
	err := db.QueryRow(ctx, `SELECT `+handoffColumns+` FROM handoffs h WHERE h.id = $1 FOR UPDATE`, id).Scan(handoffDest(&h)...)
	if err != nil {
		return Handoff{}, fmt.Errorf("lock handoff %d: %w", id, notFound(err))
	}
	return h, nil
}

// openHandoff returns the conversation's open handoff, locked.
func openHandoff(ctx context.Context, db crm.DB, conversationID string) (Handoff, bool, error) {
	var h Handoff
	err := db.QueryRow(ctx, `SELECT `+handoffColumns+` FROM handoffs h WHERE h.conversation_id = $1 AND h.ended_at IS NULL
		FOR UPDATE`, conversationID).Scan(handoffDest(&h)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return Handoff{}, false, nil
	}
	if err != nil {
		return Handoff{}, false, fmt.Errorf("open handoff of %s: %w", conversationID, err)
	}
	return h, true, nil
}

func insertHandoff(ctx context.Context, db crm.DB, h Handoff) (Handoff, error) {
	var out Handoff
	err := db.QueryRow(ctx, `
		INSERT INTO handoffs AS h (conversation_id, reason, detail, summary, message_id, rules_version, rep_id, due_at, created_at)
		VALUES ($1, $2, $3, $4, NULLIF($5, '')::uuid, $6, NULLIF($7, '')::uuid, $8, $9)
		RETURNING `+handoffColumns, h.ConversationID, h.Reason, h.Detail, h.Summary, h.MessageID, h.RulesVersion, h.RepID,
		h.DueAt, h.CreatedAt).Scan(handoffDest(&out)...)
	if err != nil {
		return Handoff{}, fmt.Errorf("record handoff of %s: %w", h.ConversationID, err)
	}
	return out, nil
}

// setSLA records who was asked and when the next SLA step is due.
func setSLA(ctx context.Context, db crm.DB, id int64, repID string, step int, due *time.Time) error {
	_, err := db.Exec(ctx, `UPDATE handoffs SET rep_id = COALESCE(NULLIF($2, '')::uuid, rep_id), sla_step = $3, due_at = $4
		WHERE id = $1`, id, repID, step, due)
	if err != nil {
		return fmt.Errorf("set sla of handoff %d: %w", id, err)
	}
	return nil
}

func claimHandoff(ctx context.Context, db crm.DB, id int64, repID string, at time.Time) error {
	if _, err := db.Exec(ctx, `UPDATE handoffs SET claimed_at = COALESCE(claimed_at, $3), claimed_by = COALESCE(claimed_by, $2::uuid),
		due_at = NULL WHERE id = $1`, id, repID, at); err != nil {
		return fmt.Errorf("claim handoff %d: %w", id, err)
	}
	return nil
}

func endHandoff(ctx context.Context, db crm.DB, id int64, how string, at time.Time) error {
	if _, err := db.Exec(ctx, `UPDATE handoffs SET ended_at = $3, ended_how = $2, due_at = NULL WHERE id = $1 AND ended_at IS NULL`,
		id, how, at); err != nil {
		return fmt.Errorf("end handoff %d: %w", id, err)
	}
	return nil
}

// Notification is one text to a rep.
type Notification struct {
	ID             string     `json:"id"`
	ConversationID string     `json:"conversation_id,omitempty"`
	HandoffID      int64      `json:"handoff_id,omitempty"`
	RepID          string     `json:"rep_id,omitempty"`
	Kind           string     `json:"kind"`
	To             string     `json:"to"`
	Body           string     `json:"body"`
	Status         string     `json:"status"`
	ProviderSID    string     `json:"provider_sid,omitempty"`
	ErrorCode      int        `json:"error_code,omitempty"`
	ErrorMessage   string     `json:"error_message,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	SentAt         *time.Time `json:"sent_at,omitempty"`
}

// Kinds of notification.
const (
	NotifyHandoff     = "handoff"      // a conversation was handed to the rep
	NotifyNextRep     = "sla_next_rep" // unclaimed past the SLA: the next rep
	NotifyAdmin       = "sla_admin"    // unclaimed past twice the SLA: an admin
	NotifyLeadMessage = "lead_message" // the lead wrote again while a person has it
	NotifyNewLead     = "new_lead"     // a lead who may not be texted: call them
)

const notificationColumns = `n.id::text, COALESCE(n.conversation_id::text, ''), COALESCE(n.handoff_id, 0), COALESCE(n.rep_id::text, ''),
	n.kind, n.to_phone, n.body, n.status, COALESCE(n.provider_sid, ''), COALESCE(n.error_code, 0), n.error_message, n.created_at, n.sent_at`

func notificationDest(n *Notification) []any {
	return []any{&n.ID, &n.ConversationID, &n.HandoffID, &n.RepID, &n.Kind, &n.To, &n.Body, &n.Status, &n.ProviderSID,
		&n.ErrorCode, &n.ErrorMessage, &n.CreatedAt, &n.SentAt}
}

func insertNotification(ctx context.Context, db crm.DB, n Notification) (Notification, error) {
	var handoffID *int64
	if n.HandoffID != 0 {
		handoffID = &n.HandoffID
	}
	var out Notification
	err := db.QueryRow(ctx, `
		INSERT INTO notifications AS n (conversation_id, handoff_id, rep_id, kind, to_phone, body, created_at)
		VALUES (NULLIF($1, '')::uuid, $2, NULLIF($3, '')::uuid, $4, $5, $6, $7)
		RETURNING `+notificationColumns, n.ConversationID, handoffID, n.RepID, n.Kind, n.To, n.Body, n.CreatedAt).Scan(notificationDest(&out)...)
	if err != nil {
		return Notification{}, fmt.Errorf("record %s notification to %s: %w", n.Kind, n.To, err)
	}
	return out, nil
}

// LockNotification returns a notification and holds its row until the
// transaction ends, so two send attempts cannot both go ahead.
func LockNotification(ctx context.Context, tx pgx.Tx, id string) (Notification, error) {
	var n Notification
	err := tx.QueryRow(ctx, `SELECT `+notificationColumns+` FROM notifications n WHERE n.id = $1 FOR UPDATE`, id).Scan(notificationDest(&n)...)
	if err != nil {
		return Notification{}, fmt.Errorf("lock notification %s: %w", id, notFound(err))
	}
	return n, nil
}

// MarkNotificationSent records that the provider accepted a notification.
func MarkNotificationSent(ctx context.Context, db crm.DB, id, providerSID, status string, at time.Time) error {
	if _, err := db.Exec(ctx, `UPDATE notifications SET provider_sid = $2, status = $3, sent_at = $4 WHERE id = $1`,
		id, providerSID, status, at); err != nil {
		return fmt.Errorf("mark notification %s sent: %w", id, err)
	}
	return nil
}

// MarkNotificationFailed records that a notification will not be sent.
func MarkNotificationFailed(ctx context.Context, db crm.DB, id string, code int, reason string) error {
	if _, err := db.Exec(ctx, `UPDATE notifications SET status = 'failed', error_code = NULLIF($2, 0), error_message = $3 WHERE id = $1`,
		id, code, reason); err != nil {
		return fmt.Errorf("mark notification %s failed: %w", id, err)
	}
	return nil
}

// notifiedReps returns the reps a handoff has texted so far.
func notifiedReps(ctx context.Context, db crm.DB, handoffID int64) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT rep_id::text FROM notifications WHERE handoff_id = $1 AND rep_id IS NOT NULL`, handoffID)
	if err != nil {
		return nil, fmt.Errorf("reps notified of handoff %d: %w", handoffID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("reps notified of handoff %d: %w", handoffID, err)
	}
	return ids, nil
}

// recentlyNotified reports whether the rep got a notification of kind
// about the conversation since since.
func recentlyNotified(ctx context.Context, db crm.DB, conversationID, repID, kind string, since time.Time) (bool, error) {
	var yes bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM notifications WHERE conversation_id = $1 AND rep_id = $2
		AND kind = $3 AND created_at >= $4)`, conversationID, repID, kind, since).Scan(&yes)
	if err != nil {
		return false, fmt.Errorf("recent notifications of %s: %w", conversationID, err)
	}
	return yes, nil
}

func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return crm.ErrNotFound
	}
	return err
}

// LatestHandoffs returns the newest handoff of each of the conversations
// that has one, by conversation id.
func LatestHandoffs(ctx context.Context, db crm.DB, conversationIDs []string) (map[string]Handoff, error) {
	out := map[string]Handoff{}
	if len(conversationIDs) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, `SELECT DISTINCT ON (h.conversation_id) `+handoffColumns+` FROM handoffs h
		WHERE h.conversation_id = ANY($1::uuid[]) ORDER BY h.conversation_id, h.id DESC`, conversationIDs)
	if err != nil {
		return nil, fmt.Errorf("latest handoffs: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Handoff, error) {
		var h Handoff
		return h, row.Scan(handoffDest(&h)...)
	})
	if err != nil {
		return nil, fmt.Errorf("latest handoffs: %w", err)
	}
	for _, h := range list {
		out[h.ConversationID] = h
	}
	return out, nil
}

// GetHandoff returns one handoff.
func GetHandoff(ctx context.Context, db crm.DB, id int64) (Handoff, error) {
	var h Handoff
	err := db.QueryRow(ctx, `SELECT `+handoffColumns+` FROM handoffs h WHERE h.id = $1`, id).Scan(handoffDest(&h)...)
	if err != nil {
		return Handoff{}, fmt.Errorf("handoff %d: %w", id, notFound(err))
	}
	return h, nil
}
