package crm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Detail is what one kind of timeline event records. Each kind is a type
// owned by the package that records it (crm for the generic ones, handoff
// for the desk's, inbox for speed to lead and the agent's turns), stored
// as JSON under its kind, and able to say itself in a rep's words.
type Detail interface {
	// EventKind is the kind the detail is stored under ("handoff").
	EventKind() string
	// Describe says the event in a rep's words, for the console.
	Describe() string
}

// Event is one entry of a conversation's timeline, as stored: its detail
// is the JSON its kind's Detail type wrote. Kinds.Detail reads it.
type Event struct {
	ID             int64           `json:"id"`
	ConversationID string          `json:"-"`
	ContactID      string          `json:"-"`
	Kind           string          `json:"kind"`
	Detail         json.RawMessage `json:"detail,omitempty"`
	CreatedAt      time.Time       `json:"created_at"`
}

// NewEvent is an event to record: whose timeline, and what happened.
type NewEvent struct {
	// ConversationID is empty for an event of the contact's alone.
	ConversationID string
	ContactID      string
	Detail         Detail
}

// AddEvent appends an event to a contact's (and, when set, a
// conversation's) timeline, and announces the conversation's change on
// ChangedChannel. A Published detail's public event goes to the outbox in
// the same statement (outbox.go).
func AddEvent(ctx context.Context, db DB, e NewEvent) error {
	if e.Detail == nil {
		return fmt.Errorf("add event to contact %s: no detail", e.ContactID)
	}
	kind := e.Detail.EventKind()
	b, err := json.Marshal(e.Detail)
	if err != nil {
		return fmt.Errorf("add %s event: %w", kind, err)
	}
	var conv *string
	if e.ConversationID != "" {
		conv = &e.ConversationID
	}
	pe, data, published, err := publication(e.Detail)
	if err != nil {
		return fmt.Errorf("add %s event: %w", kind, err)
	}
	if published {
		// The public event goes into the outbox in the same statement: it
		// commits with the change or not at all.
		if _, err := db.Exec(ctx, publishSQL, conv, e.ContactID, kind, b, ChangedChannel,
			pe.Type, optionalID(pe.MessageID), optionalID(pe.LeadID), data); err != nil {
			return fmt.Errorf("add %s event: %w", kind, err)
		}
		return nil
	}
	// Every event is a change a console showing the conversation should
	// see: the notice goes out when the transaction commits, once however
	// many events it wrote.
	if _, err := db.Exec(ctx, `WITH e AS (
			INSERT INTO timeline_events (conversation_id, contact_id, kind, detail) VALUES ($1, $2, $3, $4)
			RETURNING conversation_id)
		SELECT pg_notify($5, e.conversation_id::text) FROM e WHERE e.conversation_id IS NOT NULL`,
		conv, e.ContactID, kind, b, ChangedChannel); err != nil {
		return fmt.Errorf("add %s event: %w", kind, err)
	}
	return nil
}

// optionalID is nil for an empty id.
func optionalID(id string) *string {
	if id == "" {
		return nil
	}
	return &id
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
		// An empty detail reads as none, as the API has always shown it.
		if d := bytes.TrimSpace(detail); len(d) > 0 && !bytes.Equal(d, []byte("{}")) && !bytes.Equal(d, []byte("null")) {
			e.Detail = detail
		}
		return e, nil
	})
	if err != nil {
		return nil, fmt.Errorf("timeline of %s: %w", conversationID, err)
	}
	return events, nil
}

// EventType reads the stored detail of one kind of event.
type EventType struct {
	Kind   string
	decode func(json.RawMessage) (Detail, error)
}

// TypeOf is the EventType of the kind T is stored under.
func TypeOf[T Detail]() EventType {
	var zero T
	return EventType{Kind: zero.EventKind(), decode: func(b json.RawMessage) (Detail, error) {
		var d T
		if len(b) > 0 {
			if err := json.Unmarshal(b, &d); err != nil {
				return nil, err
			}
		}
		return d, nil
	}}
}

// DetailAs reads e's detail as T, the type of e's kind.
func DetailAs[T Detail](e Event) (T, error) {
	var d T
	if e.Kind != d.EventKind() {
		return d, fmt.Errorf("event %d: a %s event, not %s", e.ID, e.Kind, d.EventKind())
	}
	if len(e.Detail) > 0 {
		if err := json.Unmarshal(e.Detail, &d); err != nil {
			return d, fmt.Errorf("event %d (%s): %w", e.ID, e.Kind, err)
		}
	}
	return d, nil
}

// Kinds reads timeline events of the kinds it was made with. Each package
// that records events lists its own (crm.EventTypes, handoff.EventTypes,
// inbox.EventTypes); the reader puts them together.
type Kinds struct {
	types map[string]EventType
}

// NewKinds makes a reader of the kinds in lists. A kind listed twice is
// an error: two packages would own it.
func NewKinds(lists ...[]EventType) (Kinds, error) {
	k := Kinds{types: map[string]EventType{}}
	for _, list := range lists {
		for _, t := range list {
			if _, dup := k.types[t.Kind]; dup {
				return Kinds{}, fmt.Errorf("timeline event kind %q is listed twice", t.Kind)
			}
			k.types[t.Kind] = t
		}
	}
	return k, nil
}

// Detail reads e's detail as its kind's type. A kind the reader does not
// know (one no longer recorded) is an Unknown; a detail that does not
// decode is an error.
func (k Kinds) Detail(e Event) (Detail, error) {
	t, ok := k.types[e.Kind]
	if !ok {
		return Unknown{Kind: e.Kind}, nil
	}
	d, err := t.decode(e.Detail)
	if err != nil {
		return nil, fmt.Errorf("event %d (%s): %w", e.ID, e.Kind, err)
	}
	return d, nil
}

// Known lists the kinds the reader knows, in no order.
func (k Kinds) Known() []string {
	out := make([]string, 0, len(k.types))
	for kind := range k.types {
		out = append(out, kind)
	}
	return out
}

// Unknown is an event of a kind no package reads: it says only its kind.
type Unknown struct {
	Kind string `json:"-"`
}

// EventKind is the kind it was stored under.
func (u Unknown) EventKind() string { return u.Kind }

// Describe says the kind in words.
func (u Unknown) Describe() string { return Words(u.Kind) }

// Words says a stored word ("not_interested") as a rep reads it ("not
// interested").
func Words(s string) string { return strings.ReplaceAll(s, "_", " ") }
