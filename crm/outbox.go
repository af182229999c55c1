package crm

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// The outbox of public events. Other programs (a business's own CRM, by
// webhooks) hear of some changes: a Detail that is Published says as what.
// AddEvent writes the event's public payload into the event_outbox table in
// the same statement as the timeline event, so a change and its public
// event commit or roll back together, when a consumer subscribed to its
// type (Subscribe); package webhooks reads the outbox and delivers it.
// crm owns the event_outbox and outbox_subscriptions tables and the
// payload's shape (PayloadVersion); webhooks owns endpoints and
// deliveries.

// Public event types: the names other programs subscribe to.
const (
	PublicLeadCreated        = "lead.created"
	PublicLeadMerged         = "lead.merged"
	PublicMessageReceived    = "message.received"
	PublicMessageSent        = "message.sent"
	PublicCallCompleted      = "call.completed"
	PublicHandoffOpened      = "handoff.opened"
	PublicHandoffClaimed     = "handoff.claimed"
	PublicConversationBack   = "conversation.handed_back"
	PublicConversationClosed = "conversation.closed"
	PublicContactOptedOut    = "contact.opted_out"
	PublicContactOptedIn     = "contact.opted_in"
	PayloadVersion           = 1
)

// PublicEventTypes lists every public event type, in the README's order.
func PublicEventTypes() []string {
	return []string{PublicLeadCreated, PublicLeadMerged, PublicMessageReceived, PublicMessageSent,
		PublicCallCompleted, PublicHandoffOpened, PublicHandoffClaimed, PublicConversationBack,
		PublicConversationClosed, PublicContactOptedOut, PublicContactOptedIn}
}

// Published is a Detail other programs hear about.
type Published interface {
	Detail
	// PublicEvent says as what the event is published; a zero Type is not
	// published (a detail whose kind is public only in some cases).
	PublicEvent() PublicEvent
}

// PublicEvent is what a Published detail adds to its public payload.
// Every payload's data has the contact and, when the event is a
// conversation's, the conversation (with its assigned rep); MessageID and
// LeadID add the message and the lead as stored (the redacted text), and
// Data adds fields of the event's own under their keys. A "handoff" object
// in Data without a "rep" gets the conversation's assigned rep.
type PublicEvent struct {
	Type      string
	MessageID string
	LeadID    string
	Data      map[string]any
}

// publishSQL records a timeline event and its public payload in one
// statement. $1..$5 are as for the plain insert; $6 the public type, $7
// the message id, $8 the lead id, $9 the detail's own data.
const publishSQL = `WITH e AS (
		INSERT INTO timeline_events (conversation_id, contact_id, kind, detail) VALUES ($1, $2, $3, $4)
		RETURNING id, conversation_id, contact_id, created_at),
	v AS (
		SELECT jsonb_build_object('id', c.id, 'channel', c.channel, 'mode', c.mode,
			'assigned_rep', (SELECT jsonb_build_object('id', r.id, 'name', r.name) FROM reps r WHERE r.id = c.assigned_rep_id),
			'closed_outcome', nullif(c.closed_outcome, '')) AS conv,
			(SELECT jsonb_build_object('id', r.id, 'name', r.name) FROM reps r WHERE r.id = c.assigned_rep_id) AS rep
		FROM conversations c WHERE c.id = $1),
	o AS (
		INSERT INTO event_outbox (event_type, timeline_event_id, contact_id, conversation_id, payload)
		SELECT $6::text, e.id, e.contact_id, e.conversation_id, jsonb_build_object(
			'type', $6::text, 'version', 1,
			'timestamp', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
			'data', jsonb_strip_nulls(jsonb_build_object(
				'contact', (SELECT jsonb_build_object('id', k.id, 'phone', k.phone, 'name', nullif(k.name, ''),
					'email', nullif(k.email, ''), 'source', nullif(k.source, ''), 'stage', k.stage, 'opted_out', k.opted_out)
					FROM contacts k WHERE k.id = e.contact_id),
				'conversation', (SELECT conv FROM v),
				'message', (SELECT jsonb_build_object('id', m.id, 'direction', m.direction, 'author', m.author,
					'body', m.body, 'channel', m.channel, 'created_at', m.created_at)
					FROM messages m WHERE m.id = $7::uuid),
				'lead', (SELECT jsonb_build_object('id', l.id, 'source', l.source, 'message', l.message,
					'sms_consent', l.sms_consent, 'email_consent', l.email_consent, 'after_hours', l.after_hours, 'external_id', l.external_id,
					'merged', l.merged, 'created_at', l.created_at)
					FROM leads l WHERE l.id = $8::uuid)))
			|| CASE WHEN $9::jsonb ? 'handoff' AND NOT ($9::jsonb -> 'handoff') ? 'rep'
				THEN jsonb_set($9::jsonb, '{handoff,rep}', coalesce((SELECT rep FROM v), 'null'::jsonb))
				ELSE $9::jsonb END)
		FROM e WHERE EXISTS (SELECT 1 FROM outbox_subscriptions s WHERE $6::text = ANY (s.events)))
	SELECT pg_notify($5, e.conversation_id::text) FROM e WHERE e.conversation_id IS NOT NULL`

// Subscribe says which public event types a consumer of the outbox (the
// webhooks' endpoints, a CRM sync) wants. A change writes its public event
// into the outbox only when some consumer wants its type, so a business
// with no endpoint and no sync writes nothing more per change (no outbox
// row to write, then delete, per inbound text). No types unsubscribes the
// consumer.
func Subscribe(ctx context.Context, db DB, consumer string, types []string) error {
	var err error
	if len(types) == 0 {
		_, err = db.Exec(ctx, `DELETE FROM outbox_subscriptions WHERE consumer = $1`, consumer)
	} else {
		_, err = db.Exec(ctx, `INSERT INTO outbox_subscriptions (consumer, events) VALUES ($1, $2)
			ON CONFLICT (consumer) DO UPDATE SET events = excluded.events, updated_at = now()`, consumer, types)
	}
	if err != nil {
		return fmt.Errorf("subscribe %s to the outbox: %w", consumer, err)
	}
	return nil
}

// Subscribers returns the outbox's consumers and the types each wants.
func Subscribers(ctx context.Context, db DB) (map[string][]string, error) {
	rows, err := db.Query(ctx, `SELECT consumer, events FROM outbox_subscriptions`)
	if err != nil {
		return nil, fmt.Errorf("outbox subscribers: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var name string
		var types []string
		if err := rows.Scan(&name, &types); err != nil {
			return nil, fmt.Errorf("outbox subscribers: %w", err)
		}
		out[name] = types
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox subscribers: %w", err)
	}
	return out, nil
}

// publication is what AddEvent adds to its insert for a published detail:
// ok is false for one that is not published.
func publication(d Detail) (pe PublicEvent, data []byte, ok bool, err error) {
	p, isPub := d.(Published)
	if !isPub {
		return PublicEvent{}, nil, false, nil
	}
	pe = p.PublicEvent()
	if pe.Type == "" {
		return PublicEvent{}, nil, false, nil
	}
	if pe.Data == nil {
		pe.Data = map[string]any{}
	}
	if data, err = json.Marshal(pe.Data); err != nil {
		return PublicEvent{}, nil, false, fmt.Errorf("public %s payload: %w", pe.Type, err)
	}
	return pe, data, true, nil
}

// OutboxEvent is a public event waiting in the outbox.
type OutboxEvent struct {
	ID              int64
	Type            string
	TimelineEventID *int64
	ContactID       string
	ConversationID  string
	Payload         json.RawMessage
}

// TakeOutbox removes up to limit events from the outbox, oldest first, and
// returns them. Concurrent takers skip each other's rows; the caller's
// transaction decides whether they are gone.
func TakeOutbox(ctx context.Context, db DB, limit int) ([]OutboxEvent, error) {
	rows, err := db.Query(ctx, `DELETE FROM event_outbox WHERE id IN (
			SELECT id FROM event_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
		RETURNING id, event_type, timeline_event_id, coalesce(contact_id::text, ''), coalesce(conversation_id::text, ''), payload`, limit)
	if err != nil {
		return nil, fmt.Errorf("take outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxEvent
	for rows.Next() {
		var e OutboxEvent
		if err := rows.Scan(&e.ID, &e.Type, &e.TimelineEventID, &e.ContactID, &e.ConversationID, &e.Payload); err != nil {
			return nil, fmt.Errorf("take outbox: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("take outbox: %w", err)
	}
	// DELETE ... RETURNING does not keep the subquery's order.
	slices.SortFunc(out, func(a, b OutboxEvent) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}
