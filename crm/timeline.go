package crm

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// AddEvent appends an event to a contact's (and, when set, a
// conversation's) timeline, and announces the conversation's change on
// ChangedChannel.
func AddEvent(ctx context.Context, db DB, e Event) error {
	detail := e.Detail
	if detail == nil {
		detail = map[string]any{}
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("add %s event: %w", e.Kind, err)
	}
	var conv *string
	if e.ConversationID != "" {
		conv = &e.ConversationID
	}
	// Every event is a change a console showing the conversation should
	// see: the notice goes out when the transaction commits, once however
	// many events it wrote.
	if _, err := db.Exec(ctx, `WITH e AS (
			INSERT INTO timeline_events (conversation_id, contact_id, kind, detail) VALUES ($1, $2, $3, $4)
			RETURNING conversation_id)
		SELECT pg_notify($5, e.conversation_id::text) FROM e WHERE e.conversation_id IS NOT NULL`,
		conv, e.ContactID, e.Kind, b, ChangedChannel); err != nil {
		return fmt.Errorf("add %s event: %w", e.Kind, err)
	}
	return nil
}

// Timeline returns a conversation's events, oldest first.
func Timeline(ctx context.Context, db DB, conversationID string) ([]Event, error) {
	rows, err := db.Query(ctx, `SELECT id, conversation_id::text, contact_id::text, kind, detail, created_at
		FROM timeline_events WHERE conversation_id = $1 ORDER BY id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("timeline of %s: %w", conversationID, err)
	}
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Event, error) {
		var e Event
		var detail []byte
		if err := row.Scan(&e.ID, &e.ConversationID, &e.ContactID, &e.Kind, &detail, &e.CreatedAt); err != nil {
			return e, err
		}
		return e, json.Unmarshal(detail, &e.Detail)
	})
	if err != nil {
		return nil, fmt.Errorf("timeline of %s: %w", conversationID, err)
	}
	return events, nil
}
