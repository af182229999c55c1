package crm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// The inbox's narrowing of ListConversations: search, filters, the leads
// waiting for a rep's call, and what a rep has not read yet.

// CallWaiting narrows a list by whether a lead waits for a rep's call.
type CallWaiting int

const (
	CallWaitingAny CallWaiting = iota
	// CallWaitingOnly keeps form leads without SMS consent (a rep was
	// texted to call them) that nobody has written to or heard from.
	CallWaitingOnly
	CallWaitingNone
)

// maxQuery bounds a search: longer text finds nothing more.
const maxQuery = 100

// waitingForCall is true for a conversation that only a phone call can
// start: a form lead without SMS consent, and no message either way.
const waitingForCall = `(v.mode = 'ai'
	AND EXISTS (SELECT 1 FROM leads l WHERE l.conversation_id = v.id AND NOT l.sms_consent)
	AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = v.id))`

// inboxConditions appends f's search and filters to where, their values
// to args.
func (f Filter) inboxConditions(where []string, args []any) ([]string, []any) {
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if r := []rune(q); len(r) > maxQuery {
			q = string(r[:maxQuery])
		}
		like := arg("%" + likeEscape(q) + "%")
		// IN, not EXISTS: the matching messages are found once (by the
		// trigram index) instead of every conversation's being read.
		cond := "c.name ILIKE " + like + " OR c.phone ILIKE " + like +
			" OR v.id IN (SELECT m.conversation_id FROM messages m WHERE m.body ILIKE " + like + ")"
		// "(970) 555-0101" finds +19705550101.
		if digits := onlyDigits(q); len(digits) >= 4 && digits != q {
			cond += " OR c.phone LIKE " + arg("%"+digits+"%")
		}
		where = append(where, "("+cond+")")
	}
	if f.Reason != "" {
		where = append(where, `EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = v.id AND h.reason = `+arg(f.Reason)+`
			AND h.id = (SELECT max(h2.id) FROM handoffs h2 WHERE h2.conversation_id = v.id))`)
	}
	if f.Source != "" {
		where = append(where, "c.source = "+arg(f.Source))
	}
	if f.Channel != "" {
		where = append(where, "v.channel = "+arg(f.Channel))
	}
	switch f.WaitingForCall {
	case CallWaitingOnly:
		where = append(where, waitingForCall)
	case CallWaitingNone:
		where = append(where, "NOT "+waitingForCall)
	}
	return where, args
}

// unreadColumn is true when the conversation is with reader and the lead
// wrote after reader last opened it.
func unreadColumn(reader string, args []any) (string, []any) {
	if reader == "" || !IsUUID(reader) {
		return "false", args
	}
	args = append(args, reader)
	n := len(args)
	return fmt.Sprintf(`(v.assigned_rep_id IS NOT DISTINCT FROM $%d::uuid AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = v.id
		AND m.direction = 'inbound' AND m.created_at > COALESCE((SELECT r.read_at FROM conversation_reads r
			WHERE r.conversation_id = v.id AND r.rep_id = $%d), '-infinity')))`, n, n), args
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MarkRead records that a rep opened a conversation at at: the lead's
// messages until then are read.
func MarkRead(ctx context.Context, db DB, repID, conversationID string, at time.Time) error {
	if !IsUUID(repID) || !IsUUID(conversationID) {
		return nil
	}
	_, err := db.Exec(ctx, `INSERT INTO conversation_reads (rep_id, conversation_id, read_at) VALUES ($1, $2, $3)
		ON CONFLICT (rep_id, conversation_id) DO UPDATE SET read_at = GREATEST(conversation_reads.read_at, EXCLUDED.read_at)`,
		repID, conversationID, at)
	if err != nil {
		return fmt.Errorf("mark %s read by %s: %w", conversationID, repID, err)
	}
	return nil
}

// CallTask is what a rep was asked to do for a lead who may not be
// texted: call them, about what their form said.
type CallTask struct {
	Source  string
	Message string
	// Rep is who was texted to call ("" when nobody was on duty).
	Rep string
}

// CallTasks returns the call task of each conversation in ids that has
// one (a lead without SMS consent), by conversation id.
func CallTasks(ctx context.Context, db DB, ids []string) (map[string]CallTask, error) {
	out := map[string]CallTask{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, `
		SELECT DISTINCT ON (l.conversation_id) l.conversation_id::text, l.source, l.message,
			COALESCE((SELECT r.name FROM notifications n JOIN reps r ON r.id = n.rep_id
				WHERE n.conversation_id = l.conversation_id AND n.kind = 'new_lead' ORDER BY n.created_at DESC LIMIT 1), '')
		FROM leads l WHERE l.conversation_id = ANY($1::uuid[]) AND NOT l.sms_consent
		ORDER BY l.conversation_id, l.created_at DESC`, ids)
	if err != nil {
		return nil, fmt.Errorf("call tasks: %w", err)
	}
	var id string
	var t CallTask
	_, err = pgx.ForEachRow(rows, []any{&id, &t.Source, &t.Message, &t.Rep}, func() error {
		out[id] = t
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("call tasks: %w", err)
	}
	return out, nil
}

// Sources lists the lead sources contacts came from, for a filter.
func Sources(ctx context.Context, db DB) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT source FROM contacts WHERE source <> '' ORDER BY source LIMIT 100`)
	if err != nil {
		return nil, fmt.Errorf("lead sources: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("lead sources: %w", err)
	}
	return list, nil
}

// CountWaitingForCall counts the leads waiting for a rep's call, of one
// rep when assignedRepID is set.
func CountWaitingForCall(ctx context.Context, db DB, assignedRepID string) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM conversations v
		WHERE ($1 = '' OR v.assigned_rep_id::text = $1) AND `+waitingForCall, assignedRepID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count leads waiting for a call: %w", err)
	}
	return n, nil
}
