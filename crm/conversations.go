package crm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

const conversationColumns = `v.id::text, v.contact_id::text, v.channel, v.mode, v.created_at, v.updated_at, v.last_message_at,
	COALESCE(v.assigned_rep_id::text, ''), v.closed_outcome, v.closed_at`

func scanConversation(row interface{ Scan(...any) error }, v *Conversation, extra ...any) error {
	return row.Scan(append([]any{&v.ID, &v.ContactID, &v.Channel, &v.Mode, &v.CreatedAt, &v.UpdatedAt, &v.LastMessageAt,
		&v.AssignedRepID, &v.ClosedOutcome, &v.ClosedAt}, extra...)...)
}

// OpenConversation returns the contact's open conversation on channel,
// starting one when there is none. Concurrent callers get the same one.
func OpenConversation(ctx context.Context, db DB, contactID, channel string) (Conversation, error) {
	var v Conversation
	err := insertOrSelect(ctx, func() error {
		return scanConversation(db.QueryRow(ctx, `
		WITH ins AS (
			INSERT INTO conversations (contact_id, channel) VALUES ($1, $2)
			ON CONFLICT (contact_id, channel) WHERE mode <> 'closed' DO NOTHING
			RETURNING *)
		SELECT `+conversationColumns+` FROM ins v
		UNION ALL
		SELECT `+conversationColumns+` FROM conversations v
		WHERE v.contact_id = $1 AND v.channel = $2 AND v.mode <> 'closed'
		LIMIT 1`, contactID, channel), &v)
	})
	if err != nil {
		return Conversation{}, fmt.Errorf("open conversation for %s: %w", contactID, err)
	}
	return v, nil
}

// GetConversation returns a conversation with its contact, messages and timeline.
func GetConversation(ctx context.Context, db DB, id string) (Conversation, error) {
	v, err := ConversationWithMessages(ctx, db, id)
	if err != nil {
		return Conversation{}, err
	}
	if v.Timeline, err = Timeline(ctx, db, id); err != nil {
		return Conversation{}, err
	}
	return v, nil
}

// ConversationWithMessages returns a conversation with its contact and
// messages, without the timeline: what the agent's turn reads.
func ConversationWithMessages(ctx context.Context, db DB, id string) (Conversation, error) {
	v, err := ConversationWithContact(ctx, db, id)
	if err != nil {
		return Conversation{}, err
	}
	if v.Messages, err = Messages(ctx, db, id); err != nil {
		return Conversation{}, err
	}
	return v, nil
}

// ConversationWithContact returns a conversation and its contact only,
// for work that needs neither messages nor timeline (sending, delivery
// reports).
func ConversationWithContact(ctx context.Context, db DB, id string) (Conversation, error) {
	if !IsUUID(id) {
		return Conversation{}, fmt.Errorf("get conversation %q: %w", id, ErrNotFound)
	}
	var v Conversation
	err := scanConversation(db.QueryRow(ctx, `
		SELECT `+conversationColumns+`, `+contactColumns+`
		FROM conversations v JOIN contacts c ON c.id = v.contact_id
		WHERE v.id = $1`, id), &v, contactDest(&v.Contact)...)
	if err != nil {
		return Conversation{}, fmt.Errorf("get conversation %s: %w", id, notFound(err))
	}
	return v, nil
}

// Filter narrows ListConversations.
type Filter struct {
	Mode  Mode   // "" for every mode
	Phone string // exact E.164 (or as stored)
	// AssignedRepID keeps the conversations with (or offered to) one rep.
	AssignedRepID string
	// OldestHandoffFirst orders by the open handoff's age, the one waiting
	// longest first, instead of newest message first; conversations without
	// an open handoff come after those with one. With a Limit, the
	// conversations left out are the ones that have waited least.
	OldestHandoffFirst bool
	Limit              int // default 50, at most 500

	// Query finds a name, phone number or message text (inbox.go).
	Query string
	// Reason keeps conversations whose latest handoff gave this reason.
	Reason  string
	Source  string // the contact's lead source
	Channel string
	// WaitingForCall keeps or leaves out leads only a call can reach.
	WaitingForCall CallWaiting
	// ReaderRepID fills Unread for this rep's conversations.
	ReaderRepID string
}

// openHandoffAt is when a conversation's open handoff was opened (at most
// one is open), NULL without one.
const openHandoffAt = `(SELECT h.created_at FROM handoffs h WHERE h.conversation_id = v.id AND h.ended_at IS NULL)`

// ListConversations returns conversations newest first (or as f orders
// them), with their contact and last message, without the messages
// themselves.
func ListConversations(ctx context.Context, db DB, f Filter) ([]Conversation, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 500 {
		f.Limit = 500
	}
	if f.AssignedRepID != "" && !IsUUID(f.AssignedRepID) {
		return []Conversation{}, nil // no rep has that id
	}
	var where []string
	args := []any{f.Limit}
	if f.Mode != "" {
		args = append(args, string(f.Mode))
		where = append(where, fmt.Sprintf("v.mode = $%d", len(args)))
	}
	if f.Phone != "" {
		args = append(args, f.Phone)
		where = append(where, fmt.Sprintf("c.phone = $%d", len(args)))
	}
	if f.AssignedRepID != "" {
		args = append(args, f.AssignedRepID)
		where = append(where, fmt.Sprintf("v.assigned_rep_id = $%d", len(args)))
	}
	where, args = f.inboxConditions(where, args)
	unread, args := unreadColumn(f.ReaderRepID, args)
	cond := ""
	if len(where) > 0 {
		cond = "WHERE " + strings.Join(where, " AND ")
	}
	order := "v.last_message_at DESC, v.id DESC"
	if f.OldestHandoffFirst {
		order = openHandoffAt + " ASC NULLS LAST, v.last_message_at, v.id"
	}
	rows, err := db.Query(ctx, `
		SELECT `+conversationColumns+`, `+contactColumns+`,
			COALESCE((SELECT m.body FROM messages m WHERE m.conversation_id = v.id
				ORDER BY m.created_at DESC, m.id DESC LIMIT 1), ''),
			`+unread+`
		FROM conversations v JOIN contacts c ON c.id = v.contact_id
		`+cond+`
		ORDER BY `+order+`
		LIMIT $1`, args...)
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Conversation, error) {
		var v Conversation
		err := scanConversation(row, &v, append(contactDest(&v.Contact), &v.LastMessage, &v.Unread)...)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	return list, nil
}

// CountByMode counts conversations in each mode, of one rep when
// assignedRepID is set.
func CountByMode(ctx context.Context, db DB, assignedRepID string) (map[Mode]int, error) {
	rows, err := db.Query(ctx, `SELECT mode, count(*) FROM conversations
		WHERE $1 = '' OR assigned_rep_id::text = $1 GROUP BY mode`, assignedRepID)
	if err != nil {
		return nil, fmt.Errorf("count conversations: %w", err)
	}
	out := map[Mode]int{}
	var mode Mode
	var n int
	_, err = pgx.ForEachRow(rows, []any{&mode, &n}, func() error {
		out[mode] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count conversations: %w", err)
	}
	return out, nil
}

// IsUUID reports whether s is a UUID in text form. It keeps a malformed id
// from becoming a database error: an id that cannot exist is simply not
// found.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}

// Background returns a contact's history outside one conversation in a
// compact form for the agent, one line per earlier conversation, oldest
// first: when, channel, mode, the lead's first words and the last outcome.
func Background(ctx context.Context, db DB, contactID, exceptConversation string, limit int) ([]string, error) {
	if limit <= 0 {
		limit = 5
	}
	rows, err := db.Query(ctx, `
		SELECT v.created_at, v.channel, v.mode,
			COALESCE((SELECT m.body FROM messages m WHERE m.conversation_id = v.id AND m.direction = 'inbound'
				ORDER BY m.created_at LIMIT 1), ''),
			COALESCE((SELECT m.outcome FROM messages m WHERE m.conversation_id = v.id AND m.outcome <> ''
				ORDER BY m.created_at DESC LIMIT 1), '')
		FROM conversations v
		WHERE v.contact_id = $1 AND v.id <> $2
		ORDER BY v.created_at DESC LIMIT $3`, contactID, exceptConversation, limit)
	if err != nil {
		return nil, fmt.Errorf("background of %s: %w", contactID, err)
	}
	lines, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (string, error) {
		var at time.Time
		var channel, mode, first, outcome string
		if err := row.Scan(&at, &channel, &mode, &first, &outcome); err != nil {
			return "", err
		}
		line := fmt.Sprintf("%s %s (%s): %q", at.Format("2006-01-02"), channel, mode, Clip(first, 120))
		if outcome != "" {
			line += ", last outcome " + outcome
		}
		return line, nil
	})
	if err != nil {
		return nil, fmt.Errorf("background of %s: %w", contactID, err)
	}
	for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	return lines, nil
}

// Clip joins s's whitespace and shortens it to at most n runes, on a word
// boundary when it can, marked with "…".
func Clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// LockConversation returns a conversation and its contact and holds the
// conversation's row lock until the transaction ends, so a rep's takeover
// and the agent's reply cannot both act on the mode they read.
func LockConversation(ctx context.Context, tx pgx.Tx, id string) (Conversation, error) {
	if !IsUUID(id) {
		return Conversation{}, fmt.Errorf("lock conversation %q: %w", id, ErrNotFound)
	}
	var v Conversation
	err := scanConversation(tx.QueryRow(ctx, `
		SELECT `+conversationColumns+`, `+contactColumns+`
		FROM conversations v JOIN contacts c ON c.id = v.contact_id
		WHERE v.id = $1 FOR UPDATE OF v`, id), &v, contactDest(&v.Contact)...)
	if err != nil {
		return Conversation{}, fmt.Errorf("lock conversation %s: %w", id, notFound(err))
	}
	return v, nil
}

// ModeChange moves a conversation to another mode.
type ModeChange struct {
	Mode Mode
	// AssignedRepID is who has it now; "" keeps whoever had it.
	AssignedRepID string
	// Outcome is how a rep closed it, with Mode closed.
	Outcome string
	At      time.Time
}

// SetMode changes a conversation's mode (and, with it, who has it).
func SetMode(ctx context.Context, db DB, id string, c ModeChange) error {
	if !c.Mode.Valid() {
		return fmt.Errorf("set mode of %s: %q is not a mode", id, c.Mode)
	}
	var rep *string
	if c.AssignedRepID != "" {
		rep = &c.AssignedRepID
	}
	var closedAt *time.Time
	if c.Mode == ModeClosed {
		closedAt = &c.At
	}
	tag, err := db.Exec(ctx, `UPDATE conversations SET mode = $2, assigned_rep_id = COALESCE($3, assigned_rep_id),
			closed_outcome = $4, closed_at = $5, updated_at = $6
		WHERE id = $1`, id, string(c.Mode), rep, c.Outcome, closedAt, c.At)
	if err != nil {
		return fmt.Errorf("set mode of %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set mode of %s: %w", id, ErrNotFound)
	}
	return nil
}

// ChangedChannel is the PostgreSQL NOTIFY channel on which every change to
// a conversation is announced (the payload is its id), so consoles served
// by any process update live. AddEvent announces.
const ChangedChannel = "leadagent_conversation"
