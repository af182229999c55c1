package crm

import (
	"strings"
	"unicode"

	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

const contactColumns = `c.id::text, COALESCE(c.phone, ''), c.phone_valid, c.name, c.email, c.source, c.stage, c.notes,
	c.opted_out, c.opted_out_at, c.opt_out_keyword, c.created_at, COALESCE(c.owner_rep_id::text, '')`

func scanContact(row interface{ Scan(...any) error }, c *Contact) error {
	return row.Scan(contactDest(c)...)
}

// contactDest is where contactColumns scan to.
func contactDest(c *Contact) []any {
	return []any{&c.ID, &c.Phone, &c.PhoneValid, &c.Name, &c.Email, &c.Source, &c.Stage, &c.Notes,
		&c.OptedOut, &c.OptedOutAt, &c.OptOutKeyword, &c.CreatedAt, &c.OwnerRepID}
}

// ContactByPhone upserts the contact for a phone number as a carrier sent
// it. The number is stored in E.164 when it parses (numbers without a
// country code read as region's); otherwise exactly as given, with
// PhoneValid false, so a short code or odd sender still has one contact.
func ContactByPhone(ctx context.Context, db DB, raw, region string) (Contact, error) {
	phone, ok := NormalizePhone(raw, region)
	if phone == "" {
		return Contact{}, fmt.Errorf("contact by phone: empty phone number")
	}
	var c Contact
	err := insertOrSelect(ctx, func() error {
		return scanContact(db.QueryRow(ctx, `
		WITH ins AS (
			INSERT INTO contacts (phone, phone_valid) VALUES ($1, $2)
			ON CONFLICT (phone) DO NOTHING
			RETURNING *)
		SELECT `+contactColumns+` FROM ins c
		UNION ALL
		SELECT `+contactColumns+` FROM contacts c WHERE c.phone = $1
		LIMIT 1`, phone, ok), &c)
	})
	if err != nil {
		return Contact{}, fmt.Errorf("contact by phone %s: %w", phone, err)
	}
	return c, nil
}

// GetContact returns one contact.
func GetContact(ctx context.Context, db DB, id string) (Contact, error) {
	var c Contact
	if err := scanContact(db.QueryRow(ctx, `SELECT `+contactColumns+` FROM contacts c WHERE c.id = $1`, id), &c); err != nil {
		return Contact{}, fmt.Errorf("get contact %s: %w", id, notFound(err))
	}
	return c, nil
}

// ContactIDs lists every contact's id, oldest first (a resync of all).
func ContactIDs(ctx context.Context, db DB) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT id::text FROM contacts ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	return ids, nil
}

// OptOut records that the contact asked for no more texts, with the keyword
// they used. Nothing is sent to them again until OptIn.
func OptOut(ctx context.Context, db DB, contactID, keyword string, at time.Time) error {
	tag, err := db.Exec(ctx, `
		UPDATE contacts SET opted_out = true, opted_out_at = $2, opt_out_keyword = $3, updated_at = now()
		WHERE id = $1`, contactID, at, keyword)
	if err != nil {
		return fmt.Errorf("opt out contact %s: %w", contactID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("opt out contact %s: %w", contactID, ErrNotFound)
	}
	return nil
}

// RevokeConsent records an opt-out a lead asked for in plain words, with
// their words as its evidence (cut to maxRevocationWords). revoked is
// false, and nothing changes, when the lead had opted out already: the
// one confirmation such an opt-out gets goes out once, however many
// messages say it, even when two of them arrive at once.
func RevokeConsent(ctx context.Context, db DB, contactID, words string, at time.Time) (revoked bool, err error) {
	if r := []rune(words); len(r) > maxRevocationWords {
		words = string(r[:maxRevocationWords])
	}
	tag, err := db.Exec(ctx, `
		UPDATE contacts SET opted_out = true, opted_out_at = $2, opt_out_keyword = $3, updated_at = now()
		WHERE id = $1 AND NOT opted_out`, contactID, at, words)
	if err != nil {
		return false, fmt.Errorf("revoke consent of contact %s: %w", contactID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// maxRevocationWords bounds the words kept as an opt-out's evidence: one
// SMS's worth.
const maxRevocationWords = 160

// OptIn lifts an opt-out (the lead sent START, UNSTOP or YES).
func OptIn(ctx context.Context, db DB, contactID string) error {
	tag, err := db.Exec(ctx, `
		UPDATE contacts SET opted_out = false, opted_out_at = NULL, opt_out_keyword = '', updated_at = now()
		WHERE id = $1`, contactID)
	if err != nil {
		return fmt.Errorf("opt in contact %s: %w", contactID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("opt in contact %s: %w", contactID, ErrNotFound)
	}
	return nil
}

// OptBackIn lifts an opt-out, as OptIn does, and reports whether there
// was one to lift: the one confirmation of a START goes out once, however
// many STARTs arrive, even at once.
func OptBackIn(ctx context.Context, db DB, contactID string) (lifted bool, err error) {
	tag, err := db.Exec(ctx, `
		UPDATE contacts SET opted_out = false, opted_out_at = NULL, opt_out_keyword = '', updated_at = now()
		WHERE id = $1 AND opted_out`, contactID)
	if err != nil {
		return false, fmt.Errorf("opt in contact %s: %w", contactID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// OptOutByPhone opts out the contact with this number, for a carrier's
// "unsubscribed" answer (Twilio 21610), which names only the number.
func OptOutByPhone(ctx context.Context, db DB, phone, reason string, at time.Time) (Contact, error) {
	var c Contact
	err := scanContact(db.QueryRow(ctx, `
		UPDATE contacts c SET opted_out = true, opted_out_at = COALESCE(c.opted_out_at, $2),
			opt_out_keyword = CASE WHEN c.opted_out THEN c.opt_out_keyword ELSE $3 END, updated_at = now()
		WHERE c.phone = $1
		RETURNING `+contactColumns, phone, at, reason), &c)
	if err != nil {
		return Contact{}, fmt.Errorf("opt out %s: %w", phone, notFound(err))
	}
	return c, nil
}

// SetOwner makes a rep the lead's owner ("" for nobody).
func SetOwner(ctx context.Context, db DB, contactID, repID string) error {
	var rep *string
	if repID != "" {
		rep = &repID
	}
	tag, err := db.Exec(ctx, `UPDATE contacts SET owner_rep_id = $2, updated_at = now() WHERE id = $1`, contactID, rep)
	if err != nil {
		return fmt.Errorf("set owner of contact %s: %w", contactID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set owner of contact %s: %w", contactID, ErrNotFound)
	}
	return nil
}

// FirstName is the first word of a person's name when it looks like one,
// so a greeting never says "Hi +19705550123" or "Thanks, dana@example.com";
// "" otherwise.
func FirstName(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 || strings.ContainsAny(f[0], "0123456789@+") || !strings.ContainsFunc(f[0], unicode.IsLetter) {
		return ""
	}
	return f[0]
}
