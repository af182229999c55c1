package handoff

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/crm"
)

// A notification goes out as a lead's message does (see crm.SendState):
// claimed in one short transaction, sent with none open, its SID recorded
// in another, and looked for at Twilio before it is sent again after an
// attempt whose outcome is unknown.

// NotificationSend reads a notification and where its sending stands.
func NotificationSend(ctx context.Context, db crm.DB, id string) (Notification, crm.SendState, error) {
	return scanNotificationSend(db.QueryRow(ctx, notificationSendQuery, id), id)
}

// LockNotificationSend reads a notification and where its sending stands,
// and holds its row until the transaction ends.
func LockNotificationSend(ctx context.Context, tx pgx.Tx, id string) (Notification, crm.SendState, error) {
	return scanNotificationSend(tx.QueryRow(ctx, notificationSendQuery+` FOR UPDATE`, id), id)
}

var notificationSendQuery = `SELECT ` + notificationColumns + `, ` + crm.SendStateColumns("n") + ` FROM notifications n WHERE n.id = $1`

func scanNotificationSend(row pgx.Row, id string) (Notification, crm.SendState, error) {
	var n Notification
	var s crm.SendState
	if err := row.Scan(append(notificationDest(&n), crm.SendStateDest(&s)...)...); err != nil {
		return Notification{}, crm.SendState{}, fmt.Errorf("notification %s: %w", id, notFound(err))
	}
	return n, s, nil
}

// ClaimNotification records an attempt to send a notification, locked by
// the caller (crm.ClaimSend says how).
func ClaimNotification(ctx context.Context, tx pgx.Tx, id string, lease time.Duration) (crm.SendState, error) {
	var s crm.SendState
	err := tx.QueryRow(ctx, `UPDATE notifications n SET `+crm.ClaimSQL+` WHERE n.id = $1 RETURNING `+crm.SendStateColumns("n"),
		id, lease.Seconds()).Scan(crm.SendStateDest(&s)...)
	if err != nil {
		return crm.SendState{}, fmt.Errorf("claim notification %s: %w", id, notFound(err))
	}
	return s, nil
}

// NotificationSendUnsure records that the latest attempt's outcome is
// unknown (crm.SendUnsure says how).
func NotificationSendUnsure(ctx context.Context, db crm.DB, id string, settle time.Duration) error {
	_, err := db.Exec(ctx, `UPDATE notifications SET sending_until = clock_timestamp() + make_interval(secs => $2)
		WHERE id = $1 AND sending_until IS NOT NULL`, id, settle.Seconds())
	if err != nil {
		return fmt.Errorf("notification %s: record unknown send outcome: %w", id, err)
	}
	return nil
}

// NotificationNotTaken records that the provider certainly did not take
// the latest attempt.
func NotificationNotTaken(ctx context.Context, db crm.DB, id string) error {
	if _, err := db.Exec(ctx, `UPDATE notifications SET sending_until = NULL WHERE id = $1`, id); err != nil {
		return fmt.Errorf("notification %s: release send claim: %w", id, err)
	}
	return nil
}

// RecordedNotificationSIDs returns which of sids are already recorded on a
// notification.
func RecordedNotificationSIDs(ctx context.Context, db crm.DB, sids []string) (map[string]bool, error) {
	rows, err := db.Query(ctx, `SELECT provider_sid FROM notifications WHERE provider_sid = ANY($1)`, sids)
	if err != nil {
		return nil, fmt.Errorf("recorded notification sids: %w", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("recorded notification sids: %w", err)
	}
	out := make(map[string]bool, len(got))
	for _, sid := range got {
		out[sid] = true
	}
	return out, nil
}
