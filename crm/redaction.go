package crm

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// CleanText is s as PostgreSQL can store it and a person can read it:
// bytes that are not UTF-8 become U+FFFD and NUL characters are dropped.
// Free text from outside (a text, a form, a call) goes through it before
// it is stored, so a stray byte costs one character, never the message.
func CleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// unstorable says why s cannot be kept as an identifier (a phone number,
// an email, an external id), which must not be changed to be stored; ""
// when it can be.
func unstorable(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "holds bytes that are not UTF-8 text, which an identifier cannot"
	case strings.IndexByte(s, 0) >= 0:
		return "holds a NUL character, which an identifier cannot"
	}
	return ""
}

// LastInbound returns the latest message the lead sent in a conversation
// since since: a text that may hold the first half of what the next one
// finishes. ErrNotFound when there is none.
func LastInbound(ctx context.Context, db DB, conversationID string, since time.Time) (Message, error) {
	var m Message
	err := scanMessage(db.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages m
		WHERE m.conversation_id = $1 AND m.direction = 'inbound' AND m.created_at >= $2
		ORDER BY m.created_at DESC, m.id DESC LIMIT 1`, conversationID, since), &m)
	if err != nil {
		return Message{}, fmt.Errorf("last inbound of %s: %w", conversationID, notFound(err))
	}
	return m, nil
}

// RedactInbound replaces the body of a lead's message with its redacted
// form, when a later message showed what it held (the first half of a
// card number sent over two texts).
func RedactInbound(ctx context.Context, db DB, id, body string) error {
	tag, err := db.Exec(ctx, `UPDATE messages SET body = $2 WHERE id = $1 AND direction = 'inbound'`, id, body)
	if err != nil {
		return fmt.Errorf("redact message %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("redact message %s: %w", id, ErrNotFound)
	}
	return nil
}
