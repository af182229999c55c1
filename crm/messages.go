package crm

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

const messageColumns = `m.id::text, m.conversation_id::text, m.direction, m.author, m.body,
	COALESCE(m.provider_sid, ''), COALESCE(m.reply_to::text, ''), m.outcome, m.status,
	COALESCE(m.error_code, 0), m.error_message, m.citations, m.media, m.segments, m.created_at, m.sent_at,
	m.answered_by, m.model, m.prompt_version, m.prompt_tokens, m.completion_tokens, m.latency_ms, m.signals,
	m.channel, COALESCE(m.call_id::text, ''), m.auto_reply`

func scanMessage(row interface{ Scan(...any) error }, m *Message) error {
	var citations, media, signals []byte
	var t Turn
	if err := row.Scan(&m.ID, &m.ConversationID, &m.Direction, &m.Author, &m.Body,
		&m.ProviderSID, &m.ReplyTo, &m.Outcome, &m.Status,
		&m.ErrorCode, &m.ErrorMessage, &citations, &media, &m.Segments, &m.CreatedAt, &m.SentAt,
		&t.AnsweredBy, &t.Model, &t.PromptVersion, &t.PromptTokens, &t.CompletionTokens, &t.LatencyMS, &signals,
		&m.Channel, &m.CallID, &m.AutoReply); err != nil {
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
	// Channel is sms (the default), voice or email; CallID ties a
	// caller's words to their call.
	Channel string
	CallID  string
	// AutoReply marks an email that answered itself (Message.AutoReply).
	AutoReply bool
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
		in.Channel = ChannelSMS
	}
	err = scanMessage(db.QueryRow(ctx, `
		INSERT INTO messages AS m (conversation_id, direction, author, body, provider_sid, status, media, created_at, channel, call_id,
			auto_reply)
		VALUES ($1, 'inbound', 'lead', $2, $3, 'received', $4, $5, $6, NULLIF($7, '')::uuid, $8)
		ON CONFLICT (provider_sid) DO NOTHING
		RETURNING `+messageColumns, in.ConversationID, in.Body, in.ProviderSID, mediaJSON, in.ReceivedAt, in.Channel, in.CallID,
		in.AutoReply), &m)
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
	// Unasked marks a text the business sends on its own initiative (a
	// first touch, a follow-up): its send stands down when the lead writes
	// after it was written, or a person takes the conversation.
	Unasked bool
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
		out.Channel = ChannelSMS
	}
	if out.Channel == ChannelVoice {
		status = StatusSpoken
	}
	err = scanMessage(db.QueryRow(ctx, `
		INSERT INTO messages AS m (conversation_id, direction, author, body, reply_to, status, outcome, citations, segments,
			answered_by, model, prompt_version, prompt_tokens, completion_tokens, latency_ms, signals, channel, call_id, unasked)
		VALUES ($1, 'outbound', $2, $3, $4, $15, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $16, NULLIF($17, '')::uuid, $18)
		ON CONFLICT (reply_to) DO NOTHING
		RETURNING `+messageColumns, out.ConversationID, out.Author, out.Body, replyTo, out.Outcome, citJSON, out.Segments,
		t.AnsweredBy, t.Model, t.PromptVersion, t.PromptTokens, t.CompletionTokens, t.LatencyMS, signals, status, out.Channel, out.CallID,
		out.Unasked), &m)
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
	err := scanMessage(db.QueryRow(ctx, `UPDATE messages m SET provider_sid = $2, status = $3,
			sent_at = CASE WHEN m.provider_sid = $2 THEN COALESCE(m.sent_at, $4) ELSE $4 END,
			sending_until = NULL, unsure_since = NULL
		WHERE m.id = $1
		RETURNING `+messageColumns, id, providerSID, status, at), &m)
	if err != nil {
		return Message{}, fmt.Errorf("mark message %s sent: %w", id, notFound(err))
	}
	return applyEarlyReports(ctx, db, m)
}

// MarkUnsent records that an outbound message will not be sent: status is
// failed (the provider refused) or suppressed (the lead opted out).
func MarkUnsent(ctx context.Context, db DB, id, status string, code int, reason string) error {
	_, err := db.Exec(ctx, `UPDATE messages SET status = $2, error_code = NULLIF($3, 0), error_message = $4, sending_until = NULL
		WHERE id = $1`, id, status, code, reason)
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

// SendState is where an outbound text stands on its way to the provider:
// the claims made so far, and whether one may have reached the provider
// without its answer being recorded. A text is claimed in one short
// transaction, sent with none open, and its SID recorded in another; the
// state is what lets the next attempt tell a text that certainly did not
// go from one that may have.
type SendState struct {
	Attempts  int
	ClaimedAt *time.Time
	// SendingUntil, while set, says the latest claim is unresolved: its
	// call runs until then at most, or the process that made it died.
	SendingUntil *time.Time
	// UnsureSince is the claim time of the oldest earlier attempt whose
	// outcome is unknown.
	UnsureSince *time.Time
	// Now is the database's clock when the state was read, which the
	// times above are on.
	Now time.Time
}

// InFlight is how long the latest claim's call may still run; zero when
// no call can be running.
func (s SendState) InFlight() time.Duration {
	if s.SendingUntil == nil || !s.SendingUntil.After(s.Now) {
		return 0
	}
	return s.SendingUntil.Sub(s.Now)
}

// Unsure returns the time since which an attempt may have reached the
// provider without its answer being recorded; ok is false when every
// attempt so far certainly did not.
func (s SendState) Unsure() (since time.Time, ok bool) {
	if s.UnsureSince != nil {
		since, ok = *s.UnsureSince, true
	}
	if s.SendingUntil != nil && s.ClaimedAt != nil && (!ok || s.ClaimedAt.Before(since)) {
		since, ok = *s.ClaimedAt, true
	}
	return since, ok
}

// SendStateColumns selects a SendState from a table with the claim
// columns (messages, and handoff's notifications) under alias.
func SendStateColumns(alias string) string {
	return strings.NewReplacer("t.", alias+".").Replace(`t.send_attempts, t.claimed_at, t.sending_until, t.unsure_since, clock_timestamp()`)
}

// SendStateDest is where SendStateColumns scan to.
func SendStateDest(s *SendState) []any {
	return []any{&s.Attempts, &s.ClaimedAt, &s.SendingUntil, &s.UnsureSince, &s.Now}
}

// ClaimSQL is the SET list that claims a text in a table with the claim
// columns, with the lease in seconds as $2: one more attempt, its call
// running until the lease ends, and an earlier claim left unresolved
// folded into the doubt.
const ClaimSQL = `send_attempts = send_attempts + 1,
	unsure_since = CASE WHEN sending_until IS NULL THEN unsure_since ELSE LEAST(unsure_since, claimed_at) END,
	claimed_at = clock_timestamp(), sending_until = clock_timestamp() + make_interval(secs => $2)`

// Outgoing is an outbound text with what the send path decides on: where
// it goes, whether the lead may be texted and still wants it, and how many
// of the conversation's texts wait ahead of it.
type Outgoing struct {
	Message
	ContactID string
	To        string
	OptedOut  bool
	Mode      Mode // the conversation's
	// Unasked: see NewOutbound.
	Unasked bool
	// LeadWrote says the lead wrote after the text was recorded, on any
	// channel (an email's auto-reply aside): an unasked text or email is
	// stale then.
	LeadWrote bool
	// Ahead counts the conversation's texts recorded before this one that
	// still wait to be sent: a conversation's texts go one at a time, in
	// order, so a lead who floods waits behind their own texts only. Texts
	// waiting longer than a day do not hold the others back.
	Ahead int
	Send  SendState
}

var outgoingQuery = `SELECT ` + messageColumns + `, k.id::text, COALESCE(k.phone, ''), k.opted_out, c.mode, m.unasked,
	EXISTS (SELECT 1 FROM messages i JOIN conversations ic ON ic.id = i.conversation_id
		WHERE ic.contact_id = c.contact_id AND i.direction = 'inbound' AND NOT i.auto_reply AND i.created_at > m.created_at),
	(SELECT count(*) FROM messages a WHERE a.conversation_id = m.conversation_id AND a.direction = 'outbound'
		AND a.status = 'pending' AND a.provider_sid IS NULL AND (a.created_at, a.id) < (m.created_at, m.id)
		AND a.created_at > now() - interval '1 day'),
	` + SendStateColumns("m") + `
	FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = c.contact_id
	WHERE m.id = $1`

func scanOutgoing(row pgx.Row, o *Outgoing) error {
	extra := append([]any{&o.ContactID, &o.To, &o.OptedOut, &o.Mode, &o.Unasked, &o.LeadWrote, &o.Ahead}, SendStateDest(&o.Send)...)
	return scanMessage(withExtra{row, extra}, &o.Message)
}

// withExtra scans a row's further columns after the ones asked for.
type withExtra struct {
	row   pgx.Row
	extra []any
}

func (r withExtra) Scan(dest ...any) error {
	return r.row.Scan(append(dest, r.extra...)...)
}

// GetOutgoing reads an outbound text as the send path decides on it.
func GetOutgoing(ctx context.Context, db DB, id string) (Outgoing, error) {
	var o Outgoing
	if err := scanOutgoing(db.QueryRow(ctx, outgoingQuery, id), &o); err != nil {
		return Outgoing{}, fmt.Errorf("outgoing message %s: %w", id, notFound(err))
	}
	return o, nil
}

// LockOutgoing reads an outbound text and holds its row until the
// transaction ends, so two attempts cannot both claim it.
func LockOutgoing(ctx context.Context, tx pgx.Tx, id string) (Outgoing, error) {
	var o Outgoing
	if err := scanOutgoing(tx.QueryRow(ctx, outgoingQuery+` FOR UPDATE OF m`, id), &o); err != nil {
		return Outgoing{}, fmt.Errorf("lock outgoing message %s: %w", id, notFound(err))
	}
	return o, nil
}

// ClaimSend records an attempt to send a message, locked by the caller:
// the call may run for lease, after which the claim counts as unresolved
// (its process died). An earlier claim left unresolved becomes doubt
// (UnsureSince), which the caller has settled with the provider first.
func ClaimSend(ctx context.Context, tx pgx.Tx, id string, lease time.Duration) (SendState, error) {
	var s SendState
	err := tx.QueryRow(ctx, `UPDATE messages m SET `+ClaimSQL+` WHERE m.id = $1 RETURNING `+SendStateColumns("m"),
		id, lease.Seconds()).Scan(SendStateDest(&s)...)
	if err != nil {
		return SendState{}, fmt.Errorf("claim message %s: %w", id, notFound(err))
	}
	return s, nil
}

// SendUnsure records that the latest attempt's outcome is unknown (no
// answer, or a 5xx): the claim stays unresolved for settle more, the time
// the provider gets to list a message it accepted late, and the next
// attempt looks for it before sending.
func SendUnsure(ctx context.Context, db DB, id string, settle time.Duration) error {
	_, err := db.Exec(ctx, `UPDATE messages SET sending_until = clock_timestamp() + make_interval(secs => $2)
		WHERE id = $1 AND sending_until IS NOT NULL`, id, settle.Seconds())
	if err != nil {
		return fmt.Errorf("message %s: record unknown send outcome: %w", id, err)
	}
	return nil
}

// SendNotTaken records that the provider certainly did not take the
// latest attempt (it answered 429): nothing of it needs looking for.
func SendNotTaken(ctx context.Context, db DB, id string) error {
	if _, err := db.Exec(ctx, `UPDATE messages SET sending_until = NULL WHERE id = $1`, id); err != nil {
		return fmt.Errorf("message %s: release send claim: %w", id, err)
	}
	return nil
}

// RecordedSIDs returns which of sids are already recorded on a message.
func RecordedSIDs(ctx context.Context, db DB, sids []string) (map[string]bool, error) {
	rows, err := db.Query(ctx, `SELECT provider_sid FROM messages WHERE provider_sid = ANY($1)`, sids)
	if err != nil {
		return nil, fmt.Errorf("recorded sids: %w", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("recorded sids: %w", err)
	}
	out := make(map[string]bool, len(got))
	for _, sid := range got {
		out[sid] = true
	}
	return out, nil
}

// ClaimedTo returns the one message to phone whose send was claimed and
// never recorded, for a status callback that names a SID no message has:
// that SID is that message's, sent by an attempt that died (or timed out)
// before it recorded it. ok is false unless exactly one message to phone
// has an unresolved claim and its call is over: a call still running
// records its own answer.
func ClaimedTo(ctx context.Context, db DB, phone string) (id string, ok bool, err error) {
	rows, err := db.Query(ctx, `SELECT m.id::text, COALESCE(m.sending_until > clock_timestamp(), false) FROM messages m
		JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = c.contact_id
		WHERE k.phone = $1 AND m.direction = 'outbound' AND m.status = 'pending' AND m.provider_sid IS NULL
			AND (m.sending_until IS NOT NULL OR m.unsure_since IS NOT NULL)
		LIMIT 2`, phone)
	if err != nil {
		return "", false, fmt.Errorf("claimed messages to %s: %w", phone, err)
	}
	type claim struct {
		id       string
		inFlight bool
	}
	claims, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (claim, error) {
		var c claim
		return c, row.Scan(&c.id, &c.inFlight)
	})
	if err != nil {
		return "", false, fmt.Errorf("claimed messages to %s: %w", phone, err)
	}
	if len(claims) != 1 || claims[0].inFlight {
		return "", false, nil
	}
	return claims[0].id, true, nil
}

// NextQueued returns the conversation's next text waiting to be sent: the
// oldest outbound message of id's conversation still pending. ok is false
// when none waits.
func NextQueued(ctx context.Context, db DB, id string) (next string, ok bool, err error) {
	err = db.QueryRow(ctx, `SELECT n.id::text FROM messages m JOIN messages n ON n.conversation_id = m.conversation_id
		WHERE m.id = $1 AND n.direction = 'outbound' AND n.status = 'pending' AND n.provider_sid IS NULL
			AND n.created_at > now() - interval '1 day'
		ORDER BY n.created_at, n.id LIMIT 1`, id).Scan(&next)
	if err == pgx.ErrNoRows {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("next text after %s: %w", id, err)
	}
	return next, true, nil
}

// UnaskedSentTo returns when the automated texts the business sent a
// contact on its own initiative (first touches, follow-ups; see
// NewOutbound.Unasked) went out since a moment, in every conversation of
// the contact: what a state's cap on contacts a day counts. A text
// recorded but not yet sent counts as going out at now; one suppressed or
// never sent does not count.
func UnaskedSentTo(ctx context.Context, db DB, contactID string, since, now time.Time) ([]time.Time, error) {
	rows, err := db.Query(ctx, `SELECT COALESCE(m.sent_at, $3)
		FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE c.contact_id = $1 AND m.direction = 'outbound' AND m.unasked AND m.channel = 'sms'
			AND (m.sent_at > $2 OR (m.sent_at IS NULL AND m.status = $4))`, contactID, since, now, StatusPending)
	if err != nil {
		return nil, fmt.Errorf("automated texts to %s: %w", contactID, err)
	}
	times, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	if err != nil {
		return nil, fmt.Errorf("automated texts to %s: %w", contactID, err)
	}
	return times, nil
}

// InboundSince returns what the lead wrote since a moment on every
// conversation of the contact (texts, words on a call, emails), oldest
// first, leaving out emails that answered themselves (out-of-office):
// what a follow-up's "the lead replied" reads.
func InboundSince(ctx context.Context, db DB, contactID string, since time.Time) ([]Message, error) {
	rows, err := db.Query(ctx, `SELECT `+messageColumns+` FROM messages m JOIN conversations v ON v.id = m.conversation_id
		WHERE v.contact_id = $1 AND m.direction = 'inbound' AND NOT m.auto_reply AND m.created_at >= $2
		ORDER BY m.created_at, m.id`, contactID, since)
	if err != nil {
		return nil, fmt.Errorf("messages from contact %s: %w", contactID, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Message, error) {
		var m Message
		err := scanMessage(row, &m)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("messages from contact %s: %w", contactID, err)
	}
	return list, nil
}
