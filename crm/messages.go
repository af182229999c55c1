package crm

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

const messageColumns = `m.id::text, m.conversation_id::text, m.direction, m.author, m.body,
	COALESCE(m.provider_sid, ''), COALESCE(m.reply_to::text, ''), m.outcome, m.status,
	COALESCE(m.error_code, 0), m.error_message, m.citations, m.media, m.segments, m.created_at, m.sent_at,
	m.answered_by, m.model, m.prompt_version, m.prompt_tokens, m.completion_tokens, m.latency_ms, m.signals,
	m.channel, COALESCE(m.call_id::text, '')`

func scanMessage(row interface{ Scan(...any) error }, m *Message) error {
	var citations, media, signals []byte
	var t Turn
	if err := row.Scan(&m.ID, &m.ConversationID, &m.Direction, &m.Author, &m.Body,
		&m.ProviderSID, &m.ReplyTo, &m.Outcome, &m.Status,
		&m.ErrorCode, &m.ErrorMessage, &citations, &media, &m.Segments, &m.CreatedAt, &m.SentAt,
		&t.AnsweredBy, &t.Model, &t.PromptVersion, &t.PromptTokens, &t.CompletionTokens, &t.LatencyMS, &signals,
		&m.Channel, &m.CallID); err != nil {
		return err
	}
	if t.AnsweredBy != "" {
		if err := json.Unmarshal(signals, &t.Signals); err != nil {
			return fmt.Errorf("message %s signals: %w", m.ID, err)
		}
		m.Turn = &t
	}
	if err := json.Unmarshal(citations, &m.Citations); err != nil {
		return fmt.Errorf("message %s citations: %w", m.ID, err)
	}
	if err := json.Unmarshal(media, &m.Media); err != nil {
		return fmt.Errorf("message %s media: %w", m.ID, err)
	}
	return nil
}

// NewInbound is a lead's message as it arrived.
type NewInbound struct {
	ConversationID string
	Body           string
	ProviderSID    string // required: makes provider retries idempotent
	Media          []Media
	ReceivedAt     time.Time
	// Channel is sms (the default) or voice; CallID ties a caller's words
	// to their call.
	Channel string
	CallID  string
}

// RecordInbound stores a lead's message once per ProviderSID. inserted is
// false when the provider had already delivered it (a webhook retry); the
// stored message is returned either way.
func RecordInbound(ctx context.Context, db DB, in NewInbound) (m Message, inserted bool, err error) {
	if in.ProviderSID == "" {
		return Message{}, false, fmt.Errorf("record inbound: provider sid is required")
	}
	media := in.Media
	if media == nil {
		media = []Media{}
	}
	mediaJSON, err := json.Marshal(media)
	if err != nil {
		return Message{}, false, fmt.Errorf("record inbound %s: %w", in.ProviderSID, err)
	}
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = time.Now()
	}
	if in.Channel == "" {
		in.Channel = "sms"
	}
	err = scanMessage(db.QueryRow(ctx, `
		INSERT INTO messages AS m (conversation_id, direction, author, body, provider_sid, status, media, created_at, channel, call_id)
		VALUES ($1, 'inbound', 'lead', $2, $3, 'received', $4, $5, $6, NULLIF($7, '')::uuid)
		ON CONFLICT (provider_sid) DO NOTHING
		RETURNING `+messageColumns, in.ConversationID, in.Body, in.ProviderSID, mediaJSON, in.ReceivedAt, in.Channel, in.CallID), &m)
	if err == nil {
		return m, true, touchConversation(ctx, db, in.ConversationID, in.ReceivedAt)
	}
	if err != pgx.ErrNoRows {
		return Message{}, false, fmt.Errorf("record inbound %s: %w", in.ProviderSID, err)
	}
	m, err = MessageBySID(ctx, db, in.ProviderSID)
	return m, false, err
}

// NewOutbound is a message about to be sent to a lead.
type NewOutbound struct {
	ConversationID string
	Author         string // ai, rep or system
	Body           string
	// ReplyTo is the inbound message this automatic reply answers. At most
	// one outbound message answers each inbound one.
	ReplyTo   string
	Outcome   string
	Citations []int64
	Segments  int
	// Turn says how an agent reply was produced; nil for other messages.
	Turn *Turn
	// Channel is sms (the default) or voice: a spoken reply is recorded,
	// not sent (Status "spoken").
	Channel string
	CallID  string
}

// RecordOutbound stores an outbound message in status pending, for the send
// job to deliver. With ReplyTo set, inserted is false when a reply to that
// message already exists, and that reply is returned.
func RecordOutbound(ctx context.Context, db DB, out NewOutbound) (m Message, inserted bool, err error) {
	citations := out.Citations
	if citations == nil {
		citations = []int64{}
	}
	citJSON, err := json.Marshal(citations)
	if err != nil {
		return Message{}, false, fmt.Errorf("record outbound: %w", err)
	}
	var replyTo *string
	if out.ReplyTo != "" {
		replyTo = &out.ReplyTo
	}
	t := Turn{}
	if out.Turn != nil {
		t = *out.Turn
	}
	signals, err := json.Marshal(t.Signals)
	if err != nil || t.Signals == nil {
		signals = []byte("{}")
	}
	status := StatusPending
	if out.Channel == "" {
		out.Channel = "sms"
	}
	if out.Channel == "voice" {
		status = StatusSpoken
	}
	err = scanMessage(db.QueryRow(ctx, `
		INSERT INTO messages AS m (conversation_id, direction, author, body, reply_to, status, outcome, citations, segments,
			answered_by, model, prompt_version, prompt_tokens, completion_tokens, latency_ms, signals, channel, call_id)
		VALUES ($1, 'outbound', $2, $3, $4, $15, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $16, NULLIF($17, '')::uuid)
		ON CONFLICT (reply_to) DO NOTHING
		RETURNING `+messageColumns, out.ConversationID, out.Author, out.Body, replyTo, out.Outcome, citJSON, out.Segments,
		t.AnsweredBy, t.Model, t.PromptVersion, t.PromptTokens, t.CompletionTokens, t.LatencyMS, signals, status, out.Channel, out.CallID), &m)
	if err == nil {
		return m, true, touchConversation(ctx, db, out.ConversationID, m.CreatedAt)
	}
	if err != pgx.ErrNoRows || replyTo == nil {
		return Message{}, false, fmt.Errorf("record outbound in %s: %w", out.ConversationID, err)
	}
	err = scanMessage(db.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages m WHERE m.reply_to = $1`, *replyTo), &m)
	if err != nil {
		return Message{}, false, fmt.Errorf("reply to %s: %w", *replyTo, notFound(err))
	}
	return m, false, nil
}

func touchConversation(ctx context.Context, db DB, id string, at time.Time) error {
	_, err := db.Exec(ctx, `UPDATE conversations SET last_message_at = GREATEST(last_message_at, $2), updated_at = now() WHERE id = $1`, id, at)
	if err != nil {
		return fmt.Errorf("touch conversation %s: %w", id, err)
	}
	return nil
}

// GetMessage returns one message.
func GetMessage(ctx context.Context, db DB, id string) (Message, error) {
	var m Message
	if err := scanMessage(db.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages m WHERE m.id = $1`, id), &m); err != nil {
		return Message{}, fmt.Errorf("get message %s: %w", id, notFound(err))
	}
	return m, nil
}

// LockMessage returns one message and holds its row lock until the
// transaction ends, so two send attempts cannot both go ahead.
func LockMessage(ctx context.Context, tx pgx.Tx, id string) (Message, error) {
	var m Message
	if err := scanMessage(tx.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages m WHERE m.id = $1 FOR UPDATE`, id), &m); err != nil {
		return Message{}, fmt.Errorf("lock message %s: %w", id, notFound(err))
	}
	return m, nil
}

// MessageBySID returns the message with a provider SID.
func MessageBySID(ctx context.Context, db DB, sid string) (Message, error) {
	var m Message
	if err := scanMessage(db.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages m WHERE m.provider_sid = $1`, sid), &m); err != nil {
		return Message{}, fmt.Errorf("message %s: %w", sid, notFound(err))
	}
	return m, nil
}

// Messages returns a conversation's messages, oldest first.
func Messages(ctx context.Context, db DB, conversationID string) ([]Message, error) {
	rows, err := db.Query(ctx, `SELECT `+messageColumns+` FROM messages m
		WHERE m.conversation_id = $1 ORDER BY m.created_at, m.id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("messages of %s: %w", conversationID, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Message, error) {
		var m Message
		err := scanMessage(row, &m)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("messages of %s: %w", conversationID, err)
	}
	return list, nil
}

// MarkSent records that the provider accepted an outbound message, and
// applies any delivery report that overtook the send.
func MarkSent(ctx context.Context, db DB, id, providerSID, status string, at time.Time) (Message, error) {
	if err := lockSID(ctx, db, providerSID); err != nil {
		return Message{}, fmt.Errorf("mark message %s sent: %w", id, err)
	}
	var m Message
	err := scanMessage(db.QueryRow(ctx, `UPDATE messages m SET provider_sid = $2, status = $3, sent_at = $4 WHERE m.id = $1
		RETURNING `+messageColumns, id, providerSID, status, at), &m)
	if err != nil {
		return Message{}, fmt.Errorf("mark message %s sent: %w", id, notFound(err))
	}
	return applyEarlyReports(ctx, db, m)
}

// MarkUnsent records that an outbound message will not be sent: status is
// failed (the provider refused) or suppressed (the lead opted out).
func MarkUnsent(ctx context.Context, db DB, id, status string, code int, reason string) error {
	_, err := db.Exec(ctx, `UPDATE messages SET status = $2, error_code = NULLIF($3, 0), error_message = $4 WHERE id = $1`,
		id, status, code, reason)
	if err != nil {
		return fmt.Errorf("mark message %s %s: %w", id, status, err)
	}
	return nil
}

// statusRank orders Twilio's delivery statuses so a late "sent" callback
// never overwrites "delivered" (callbacks can arrive out of order).
var statusRank = map[string]int{
	"pending": 0, "accepted": 1, "scheduled": 1, "queued": 2, "sending": 3, "sent": 4,
	"delivered": 5, "read": 6, "undelivered": 6, "failed": 6, "canceled": 6,
}

// newer reports whether status should replace current.
func newer(status, current string) bool {
	r, ok := statusRank[status]
	if !ok {
		return true // a status we do not know: keep what the provider says
	}
	return r > statusRank[current]
}

// DeliveryReport is one status callback from the provider.
type DeliveryReport struct {
	ProviderSID  string
	Status       string
	ErrorCode    int
	ErrorMessage string
}

// RecordDeliveryReport keeps a status callback and applies it to the
// message with that SID. found is false when no message has the SID yet
// (the send job has not recorded it): MarkSent applies it then. changed is
// false for a duplicate or out-of-order callback.
func RecordDeliveryReport(ctx context.Context, db DB, r DeliveryReport) (m Message, found, changed bool, err error) {
	if err := lockSID(ctx, db, r.ProviderSID); err != nil {
		return Message{}, false, false, fmt.Errorf("record delivery report %s: %w", r.ProviderSID, err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO delivery_reports (provider_sid, status, error_code, error_message)
		VALUES ($1, $2, NULLIF($3, 0), $4)`, r.ProviderSID, r.Status, r.ErrorCode, r.ErrorMessage); err != nil {
		return Message{}, false, false, fmt.Errorf("record delivery report %s: %w", r.ProviderSID, err)
	}
	err = scanMessage(db.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages m WHERE m.provider_sid = $1 FOR UPDATE`, r.ProviderSID), &m)
	if err == pgx.ErrNoRows {
		return Message{}, false, false, nil
	}
	if err != nil {
		return Message{}, false, false, fmt.Errorf("delivery report %s: %w", r.ProviderSID, err)
	}
	if !newer(r.Status, m.Status) {
		return m, true, false, nil
	}
	m, err = setStatus(ctx, db, m.ID, r)
	return m, true, err == nil, err
}

func setStatus(ctx context.Context, db DB, id string, r DeliveryReport) (Message, error) {
	var m Message
	err := scanMessage(db.QueryRow(ctx, `
		UPDATE messages m SET status = $2, error_code = COALESCE(NULLIF($3, 0), m.error_code),
			error_message = CASE WHEN $4 = '' THEN m.error_message ELSE $4 END
		WHERE m.id = $1
		RETURNING `+messageColumns, id, r.Status, r.ErrorCode, r.ErrorMessage), &m)
	if err != nil {
		return Message{}, fmt.Errorf("set status of message %s: %w", id, notFound(err))
	}
	return m, nil
}

// lockSID makes the send that records a SID and a delivery report for it
// take turns, until their transactions end: without it, a report that
// arrives while the send is committing finds no message with the SID, and
// the send's look for early reports misses the report not yet committed.
func lockSID(ctx context.Context, db DB, sid string) error {
	_, err := db.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('sid:' || $1))`, sid)
	return err
}

// applyEarlyReports applies delivery reports that arrived before the SID was
// recorded. It returns the message as it stands afterwards.
func applyEarlyReports(ctx context.Context, db DB, m Message) (Message, error) {
	rows, err := db.Query(ctx, `SELECT status, COALESCE(error_code, 0), error_message
		FROM delivery_reports WHERE provider_sid = $1 ORDER BY id`, m.ProviderSID)
	if err != nil {
		return m, fmt.Errorf("early reports for %s: %w", m.ProviderSID, err)
	}
	reports, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (DeliveryReport, error) {
		r := DeliveryReport{ProviderSID: m.ProviderSID}
		return r, row.Scan(&r.Status, &r.ErrorCode, &r.ErrorMessage)
	})
	if err != nil {
		return m, fmt.Errorf("early reports for %s: %w", m.ProviderSID, err)
	}
	for _, r := range reports {
		if newer(r.Status, m.Status) {
			if m, err = setStatus(ctx, db, m.ID, r); err != nil {
				return m, err
			}
		}
	}
	return m, nil
}
