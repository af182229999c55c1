package crm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ChannelEmail is a conversation held by email.
const ChannelEmail = "email"

// Timeline event kinds of email: consent to email is apart from consent to
// texts, so opting out of one leaves the other.
const (
	EventEmailOptedOut  = "email_opted_out"
	EventEmailBounced   = "email_bounced"
	EventEmailAutoReply = "email_auto_reply"
)

// EmailEventTypes lists crm's email kinds, for a Kinds reader.
func EmailEventTypes() []EventType {
	return []EventType{TypeOf[EmailOptedOut](), TypeOf[EmailBounced](), TypeOf[EmailAutoReply](), TypeOf[EmailReceived]()}
}

// EmailOptedOut: the lead unsubscribed from email (Via: "one_click" from
// the List-Unsubscribe header, "link" from the page the email links to,
// "mailto" from the unsubscribe address, "reply" when they wrote it in an
// email, MessageID and Words then saying which and how).
type EmailOptedOut struct {
	Via       string `json:"via"`
	MessageID string `json:"message_id,omitempty"`
	Words     string `json:"words,omitempty"`
}

func (EmailOptedOut) EventKind() string { return EventEmailOptedOut }
func (EmailOptedOut) Describe() string  { return "The lead unsubscribed from email" }

// EmailBounced: an email to the lead bounced; Hard marks the address
// invalid.
type EmailBounced struct {
	Address   string `json:"address"`
	MessageID string `json:"message_id,omitempty"`
	Hard      bool   `json:"hard"`
	Status    string `json:"status,omitempty"`
}

func (EmailBounced) EventKind() string { return EventEmailBounced }
func (d EmailBounced) Describe() string {
	if d.Hard {
		return "An email bounced: the address does not exist"
	}
	return "An email bounced for now"
}

// EmailAutoReply: the lead's mailbox answered by itself (out of office);
// nobody answers it.
type EmailAutoReply struct {
	MessageID string `json:"message_id,omitempty"`
}

func (EmailAutoReply) EventKind() string { return EventEmailAutoReply }
func (EmailAutoReply) Describe() string  { return "An automatic reply arrived (not answered)" }

// EmailState is what email needs of a contact beyond Contact.
type EmailState struct {
	OptedOut   bool
	OptedOutAt *time.Time
	Invalid    bool
	Reason     string
}

// GetEmailState returns the contact's email consent and address state.
func GetEmailState(ctx context.Context, db DB, contactID string) (EmailState, error) {
	var s EmailState
	err := db.QueryRow(ctx, `SELECT email_opted_out, email_opted_out_at, email_invalid, email_invalid_reason
		FROM contacts WHERE id = $1`, contactID).Scan(&s.OptedOut, &s.OptedOutAt, &s.Invalid, &s.Reason)
	if err != nil {
		return EmailState{}, fmt.Errorf("email state of contact %s: %w", contactID, notFound(err))
	}
	return s, nil
}

// newToken is 20 random bytes in lower-case hex: what cannot be guessed,
// and survives a mail server that lower-cases the address it rides in.
func newToken() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// tokenOf returns the row's email_token, setting a random one the first
// time.
func tokenOf(ctx context.Context, db DB, table, id string) (string, error) {
	tok, err := newToken()
	if err != nil {
		return "", err
	}
	var got string
	err = db.QueryRow(ctx, `UPDATE `+table+` SET email_token = COALESCE(email_token, $2)
		WHERE id = $1 RETURNING email_token`, id, tok).Scan(&got)
	if err != nil {
		return "", fmt.Errorf("email token of %s %s: %w", strings.TrimSuffix(table, "s"), id, notFound(err))
	}
	return got, nil
}

// UnsubscribeToken is the contact's unsubscribe token, the same in every
// email to them.
func UnsubscribeToken(ctx context.Context, db DB, contactID string) (string, error) {
	if !IsUUID(contactID) {
		return "", fmt.Errorf("unsubscribe token of contact %q: %w", contactID, ErrNotFound)
	}
	return tokenOf(ctx, db, "contacts", contactID)
}

// ReplyToken is the conversation's token for its Reply-To address.
func ReplyToken(ctx context.Context, db DB, conversationID string) (string, error) {
	if !IsUUID(conversationID) {
		return "", fmt.Errorf("reply token of conversation %q: %w", conversationID, ErrNotFound)
	}
	return tokenOf(ctx, db, "conversations", conversationID)
}

// ConversationByReplyToken finds the conversation a reply's address names.
func ConversationByReplyToken(ctx context.Context, db DB, token string) (Conversation, error) {
	var id string
	err := db.QueryRow(ctx, `SELECT id::text FROM conversations WHERE email_token = $1`, strings.ToLower(token)).Scan(&id)
	if err != nil {
		return Conversation{}, fmt.Errorf("conversation by reply token: %w", notFound(err))
	}
	return ConversationWithContact(ctx, db, id)
}

// ContactByUnsubscribeToken finds the contact an unsubscribe token names.
func ContactByUnsubscribeToken(ctx context.Context, db DB, token string) (Contact, error) {
	if token == "" {
		return Contact{}, fmt.Errorf("contact by unsubscribe token: %w", ErrNotFound)
	}
	var c Contact
	err := scanContact(db.QueryRow(ctx, `SELECT `+contactColumns+` FROM contacts c WHERE c.email_token = $1`, strings.ToLower(token)), &c)
	if err != nil {
		return Contact{}, fmt.Errorf("contact by unsubscribe token: %w", notFound(err))
	}
	return c, nil
}

// OptOutOfEmail opts a contact out of email (not of texts) at once and puts
// how on their timeline; false, with nothing changed, when they had opted
// out already, so a second click and a mail client's one-click POST beside
// a person's click record one event.
func OptOutOfEmail(ctx context.Context, tx pgx.Tx, contactID string, how EmailOptedOut, at time.Time) (bool, error) {
	tag, err := tx.Exec(ctx, `UPDATE contacts SET email_opted_out = true, email_opted_out_at = $2, updated_at = now()
		WHERE id = $1 AND NOT email_opted_out`, contactID, at)
	if err != nil {
		return false, fmt.Errorf("unsubscribe contact %s from email: %w", contactID, err)
	}
	if tag.RowsAffected() == 0 {
		return false, nil
	}
	// The event goes on the conversation a rep would open: the email one,
	// else the newest.
	var conv string
	err = tx.QueryRow(ctx, `SELECT COALESCE((SELECT id::text FROM conversations WHERE contact_id = $1
		ORDER BY channel = 'email' DESC, last_message_at DESC LIMIT 1), '')`, contactID).Scan(&conv)
	if err != nil {
		return false, fmt.Errorf("unsubscribe contact %s from email: %w", contactID, err)
	}
	if err := AddEvent(ctx, tx, NewEvent{ConversationID: conv, ContactID: contactID, Detail: how}); err != nil {
		return false, err
	}
	return true, nil
}

// MarkEmailInvalid records that the contact's address hard-bounced: no
// email goes to it again until it changes.
func MarkEmailInvalid(ctx context.Context, db DB, contactID, reason string) error {
	tag, err := db.Exec(ctx, `UPDATE contacts SET email_invalid = true, email_invalid_reason = $2, updated_at = now()
		WHERE id = $1`, contactID, reason)
	if err != nil {
		return fmt.Errorf("mark email of contact %s invalid: %w", contactID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("mark email of contact %s invalid: %w", contactID, ErrNotFound)
	}
	return nil
}

// ContactByEmail finds the contact with this address (the oldest, as a
// lead's merge does); ErrNotFound when none has it.
func ContactByEmail(ctx context.Context, db DB, email string) (Contact, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return Contact{}, fmt.Errorf("contact by email: %w", ErrNotFound)
	}
	var c Contact
	err := scanContact(db.QueryRow(ctx, `SELECT `+contactColumns+` FROM contacts c
		WHERE lower(c.email) = $1 AND c.email <> '' ORDER BY c.created_at LIMIT 1`, email), &c)
	if err != nil {
		return Contact{}, fmt.Errorf("contact by email %s: %w", email, notFound(err))
	}
	return c, nil
}

// ContactForEmail returns the contact with this address, creating one
// (without a phone number) when nobody has it. created says which.
func ContactForEmail(ctx context.Context, tx pgx.Tx, address, name string) (c Contact, created bool, err error) {
	address = strings.ToLower(strings.TrimSpace(address))
	if address == "" || !strings.Contains(address, "@") {
		return Contact{}, false, fmt.Errorf("contact for email %q: not an address", address)
	}
	// Two emails from a new address at once take turns, so they make one contact.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('email:' || $1))`, address); err != nil {
		return Contact{}, false, fmt.Errorf("contact for email %s: %w", address, err)
	}
	c, err = ContactByEmail(ctx, tx, address)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return c, false, err
	}
	err = scanContact(tx.QueryRow(ctx, `INSERT INTO contacts AS c (phone, phone_valid, email, name, source)
		VALUES (NULL, false, $1, $2, 'email') RETURNING `+contactColumns, address, name), &c)
	if err != nil {
		return Contact{}, false, fmt.Errorf("contact for email %s: new contact: %w", address, err)
	}
	return c, true, nil
}

// EmailReceived: an email from the lead was recorded: its subject, the
// attachments it carried (recorded, not read) and what it was (personal
// or auto_reply).
type EmailReceived struct {
	MessageID   string            `json:"message_id"`
	Subject     string            `json:"subject,omitempty"`
	Kind        string            `json:"kind"`
	Attachments []EmailAttachment `json:"attachments,omitempty"`
}

// EmailAttachment is an attachment's name, type and size.
type EmailAttachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// EventEmailReceived is an email's arrival, beside its message_received.
const EventEmailReceived = "email_received"

func (EmailReceived) EventKind() string { return EventEmailReceived }
func (d EmailReceived) Describe() string {
	s := "Email"
	if d.Subject != "" {
		s += `: "` + d.Subject + `"`
	}
	if n := len(d.Attachments); n > 0 {
		s += fmt.Sprintf(" with %d attachment(s) (not opened)", n)
	}
	return s
}

// EmailReply is what an email to a lead needs beyond its message: the
// address and name, the contact's email consent, the conversation's reply
// token and the email it answers.
type EmailReply struct {
	To, Name string
	State    EmailState
	// ReplyToken is the conversation's, set the first time.
	ReplyToken string
	// InReplyTo is the Message-ID of the email the message follows in its
	// thread, without brackets, and Subject that email's subject: the
	// lead's email it answers, else (a follow-up to a lead who has not
	// written) our latest email before it. Both are empty when it follows
	// none: a first email.
	InReplyTo string
	Subject   string
	// MessageID and SentSubject are what the message was claimed with
	// (ClaimEmailID): a retry sends the same email.
	MessageID   string
	SentSubject string
}

// GetEmailReply reads what an email to the lead needs, for the outbound
// message id.
func GetEmailReply(ctx context.Context, db DB, id string) (EmailReply, error) {
	var r EmailReply
	var convID, contactID, replyTo, sid string
	// The lead's email it answers: the one it replies to (the agent's),
	// else the lead's latest before it (a rep's reply, a follow-up), so
	// the reply stays in the thread.
	err := db.QueryRow(ctx, `SELECT m.conversation_id::text, k.id::text, COALESCE(k.email, ''), k.name,
			COALESCE(i.id::text, ''), COALESCE(i.provider_sid, ''), COALESCE(m.email_message_id, ''), COALESCE(m.email_subject, '')
		FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = c.contact_id
		LEFT JOIN LATERAL (SELECT x.id, x.provider_sid FROM messages x
			WHERE x.id = m.reply_to OR m.reply_to IS NULL AND x.conversation_id = m.conversation_id
				AND x.direction = 'inbound' AND x.created_at <= m.created_at
			ORDER BY x.created_at DESC, x.id DESC LIMIT 1) i ON true
		WHERE m.id = $1`, id).Scan(&convID, &contactID, &r.To, &r.Name, &replyTo, &sid, &r.MessageID, &r.SentSubject)
	if err != nil {
		return EmailReply{}, fmt.Errorf("email reply %s: %w", id, notFound(err))
	}
	if r.State, err = GetEmailState(ctx, db, contactID); err != nil {
		return EmailReply{}, err
	}
	if r.ReplyToken, err = ReplyToken(ctx, db, convID); err != nil {
		return EmailReply{}, err
	}
	if mid, ok := strings.CutPrefix(sid, "email:"); ok && !strings.HasPrefix(mid, "sha256:") {
		r.InReplyTo = mid
	}
	if replyTo != "" {
		err = db.QueryRow(ctx, `SELECT COALESCE((SELECT detail->>'subject' FROM timeline_events
			WHERE conversation_id = $1 AND kind = $2 AND detail->>'message_id' = $3 ORDER BY id LIMIT 1), '')`,
			convID, EventEmailReceived, replyTo).Scan(&r.Subject)
		if err != nil {
			return EmailReply{}, fmt.Errorf("email reply %s: subject: %w", id, err)
		}
		return r, nil
	}
	// Nothing from the lead to answer: a follow-up goes in the thread of
	// our latest email that went out before it (the first touch's).
	err = db.QueryRow(ctx, `SELECT p.email_message_id, COALESCE(p.email_subject, '') FROM messages m JOIN messages p
			ON p.conversation_id = m.conversation_id AND p.direction = 'outbound' AND p.channel = 'email'
				AND p.email_message_id IS NOT NULL AND p.sent_at IS NOT NULL AND (p.created_at, p.id) < (m.created_at, m.id)
		WHERE m.id = $1 ORDER BY p.created_at DESC, p.id DESC LIMIT 1`, id).Scan(&r.InReplyTo, &r.Subject)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return EmailReply{}, fmt.Errorf("email reply %s: thread: %w", id, err)
	}
	return r, nil
}

// ClaimEmailID gives the message the Message-ID newID and the subject,
// unless an earlier claim gave it them: it returns the ones the message
// goes out with.
func ClaimEmailID(ctx context.Context, tx pgx.Tx, id, newID, subject string) (messageID, sentSubject string, err error) {
	err = tx.QueryRow(ctx, `UPDATE messages SET email_message_id = COALESCE(email_message_id, $2),
			email_subject = COALESCE(email_subject, $3)
		WHERE id = $1 RETURNING email_message_id, email_subject`, id, newID, subject).Scan(&messageID, &sentSubject)
	if err != nil {
		return "", "", fmt.Errorf("claim message id of %s: %w", id, notFound(err))
	}
	return messageID, sentSubject, nil
}

// ConversationByEmailMessageID finds the conversation of the email we
// sent with this Message-ID (without brackets): a lead's answer names it
// in In-Reply-To or References.
func ConversationByEmailMessageID(ctx context.Context, db DB, messageID string) (Conversation, error) {
	messageID = strings.Trim(strings.TrimSpace(messageID), "<>")
	if messageID == "" {
		return Conversation{}, fmt.Errorf("conversation by message id: %w", ErrNotFound)
	}
	var id string
	err := db.QueryRow(ctx, `SELECT conversation_id::text FROM messages WHERE provider_sid = $1 AND direction = 'outbound'`,
		"email:"+messageID).Scan(&id)
	if err != nil {
		return Conversation{}, fmt.Errorf("conversation by message id %s: %w", messageID, notFound(err))
	}
	return ConversationWithContact(ctx, db, id)
}
