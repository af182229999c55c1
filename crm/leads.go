package crm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// Consent is a lead's consent to texts and to email as the form captured
// it: kept as evidence (a consents row for each channel it speaks of),
// with what they agreed to, when, where and from which address.
type Consent struct {
	SMS bool `json:"sms"`
	// Email is consent to marketing email: a first touch and follow-ups
	// by email, with an unsubscribe link in each.
	Email      bool      `json:"email"`
	Text       string    `json:"text"`
	CapturedAt time.Time `json:"captured_at"`
	IP         string    `json:"ip,omitempty"`
	// Source is where it was captured (the form's page, the ad platform).
	Source string `json:"source,omitempty"`
	// Version names the version of the consent words the lead saw
	// ("2026-11-form-v3"), free text; PageURL is the http(s) page they
	// saw them on. Both are optional.
	Version string `json:"version,omitempty"`
	PageURL string `json:"page_url,omitempty"`
}

// NewLead is a lead as a web form, an ad platform or an import row gives
// it.
type NewLead struct {
	Phone      string
	Name       string
	Email      string
	Source     string
	Message    string
	ExternalID string
	OwnerEmail string
	// Consent is nil when the form said nothing about consent.
	Consent    *Consent
	ReceivedAt time.Time
	// Test marks a lead the platform sent to test the connection (a
	// Google Ads form's "send test data"): recorded like any other, and
	// said so on the timeline.
	Test bool
}

// Lead is one lead as it arrived.
type Lead struct {
	ID                  string    `json:"id"`
	ContactID           string    `json:"contact_id"`
	ConversationID      string    `json:"conversation_id"`
	ExternalID          string    `json:"external_id,omitempty"`
	Source              string    `json:"source"`
	Message             string    `json:"message,omitempty"`
	Merged              bool      `json:"merged"`
	SMSConsent          bool      `json:"sms_consent"`
	EmailConsent        bool      `json:"email_consent"`
	AfterHours          bool      `json:"after_hours"`
	CreatedAt           time.Time `json:"created_at"`
	FirstTouchMessageID string    `json:"first_touch_message_id,omitempty"`
	// FirstTouchAt is when the provider accepted the first message (its
	// sent_at): the end of the speed-to-lead clock.
	FirstTouchAt *time.Time `json:"first_touch_at,omitempty"`
}

// Limits on what a lead may carry.
const (
	maxLeadName    = 200
	maxLeadMessage = 2000
	maxLeadField   = 200
)

// Normalize checks a lead and puts it in stored form: the phone in E.164
// (region reads numbers without a country code), the email lower-cased.
// A lead needs a phone, unless it gives an email and consent to email
// (then it is reached by email alone). Free text (name, source, message,
// consent text) keeps what it can of bytes that are not text (CleanText);
// a field that identifies something (phone, email, external id, owner
// email, consent IP) is refused for them instead, since changing it would
// make it another. Every problem is an *InvalidError naming the field as
// the API takes it ("phone", "consent.text").
func (in *NewLead) Normalize(region string) error {
	if err := in.clean(); err != nil {
		return err
	}
	var err error
	if in.Email, err = normalEmail("email", in.Email); err != nil {
		return err
	}
	emailOnly := in.Consent != nil && in.Consent.Email
	phone, ok := NormalizePhone(in.Phone, region)
	switch {
	case strings.TrimSpace(in.Phone) == "" && !emailOnly:
		return &InvalidError{"phone", "is required (or an email with consent.email)"}
	case strings.TrimSpace(in.Phone) == "":
		phone = ""
	case !ok:
		return &InvalidError{"phone", fmt.Sprintf("%q is not a phone number", in.Phone)}
	}
	in.Phone = phone
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Source = strings.TrimSpace(in.Source)
	in.ExternalID = strings.TrimSpace(in.ExternalID)
	in.Message = strings.TrimSpace(in.Message)
	for _, f := range []struct {
		name, value string
		max         int
	}{{"name", in.Name, maxLeadName}, {"source", in.Source, maxLeadField}, {"external_id", in.ExternalID, maxLeadField},
		{"message", in.Message, maxLeadMessage}, {"owner_email", in.OwnerEmail, maxLeadField}} {
		if n := utf8.RuneCountInString(f.value); n > f.max {
			return &InvalidError{f.name, fmt.Sprintf("is %d characters; at most %d", n, f.max)}
		}
	}
	if in.OwnerEmail, err = normalEmail("owner_email", in.OwnerEmail); err != nil {
		return err
	}
	if c := in.Consent; c != nil {
		if err := c.normalize(in.ReceivedAt); err != nil {
			return err
		}
		switch {
		case c.SMS && in.Phone == "":
			return &InvalidError{"phone", "is required with consent.sms: the number the lead agreed to be texted at"}
		case c.Email && in.Email == "":
			return &InvalidError{"email", "is required with consent.email: the address the lead agreed to get email at"}
		}
	}
	return nil
}

// normalize checks the consent's own fields: with consent to a channel,
// the words the lead agreed to and when; a time not in the future, an IP
// that is one, and its version and page (normalizeWhere).
func (c *Consent) normalize(received time.Time) error {
	c.Text = strings.TrimSpace(c.Text)
	given := ""
	switch {
	case c.SMS:
		given = "consent.sms"
	case c.Email:
		given = "consent.email"
	}
	switch {
	case given != "" && c.Text == "":
		return &InvalidError{"consent.text", "is required with " + given + ": the words the lead agreed to"}
	case given != "" && c.CapturedAt.IsZero():
		return &InvalidError{"consent.captured_at", "is required with " + given + ": when the lead agreed"}
	case !c.CapturedAt.IsZero() && c.CapturedAt.After(received.Add(5*time.Minute)):
		return &InvalidError{"consent.captured_at", "is in the future"}
	case c.IP != "" && net.ParseIP(strings.TrimSpace(c.IP)) == nil:
		return &InvalidError{"consent.ip", fmt.Sprintf("%q is not an IP address", c.IP)}
	case utf8.RuneCountInString(c.Text) > maxLeadMessage:
		return &InvalidError{"consent.text", fmt.Sprintf("is longer than %d characters", maxLeadMessage)}
	}
	c.IP = strings.TrimSpace(c.IP)
	return c.normalizeWhere()
}

// maxPageURL bounds a consent's page URL: longer than any browser keeps.
const maxPageURL = 2000

// normalizeWhere checks the consent's version and page URL: the version
// is free text of a field's length, the page an absolute http(s) URL.
func (c *Consent) normalizeWhere() error {
	c.Version = strings.Join(strings.Fields(c.Version), " ")
	c.PageURL = strings.TrimSpace(c.PageURL)
	if n := utf8.RuneCountInString(c.Version); n > maxLeadField {
		return &InvalidError{"consent.version", fmt.Sprintf("is %d characters; at most %d", n, maxLeadField)}
	}
	if c.PageURL == "" {
		return nil
	}
	if n := len(c.PageURL); n > maxPageURL {
		return &InvalidError{"consent.page_url", fmt.Sprintf("is %d characters; at most %d", n, maxPageURL)}
	}
	u, err := url.Parse(c.PageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(c.PageURL, " \t\r\n") {
		return &InvalidError{"consent.page_url", fmt.Sprintf("%q is not an http(s) URL", c.PageURL)}
	}
	return nil
}

// clean applies CleanText to the lead's free text and refuses bytes that
// are not text in its identifiers.
func (in *NewLead) clean() error {
	ids := []struct {
		name, value string
	}{{"phone", in.Phone}, {"email", in.Email}, {"external_id", in.ExternalID}, {"owner_email", in.OwnerEmail}}
	if in.Consent != nil {
		ids = append(ids, struct{ name, value string }{"consent.ip", in.Consent.IP},
			struct{ name, value string }{"consent.page_url", in.Consent.PageURL})
	}
	for _, f := range ids {
		if why := unstorable(f.value); why != "" {
			return &InvalidError{f.name, why}
		}
	}
	in.Name, in.Source, in.Message = CleanText(in.Name), CleanText(in.Source), CleanText(in.Message)
	if in.Consent != nil {
		in.Consent.Text, in.Consent.Version = CleanText(in.Consent.Text), CleanText(in.Consent.Version)
	}
	return nil
}

// Redact applies redact (agent.Redact) to the lead's free text: the name,
// source, message, consent text and consent version, which people fill
// with anything, card numbers included. It reports whether it changed
// anything.
func (in *NewLead) Redact(redact func(string) (string, bool)) bool {
	fields := []*string{&in.Name, &in.Source, &in.Message}
	if in.Consent != nil {
		fields = append(fields, &in.Consent.Text, &in.Consent.Version)
	}
	changed := false
	for _, f := range fields {
		var c bool
		*f, c = redact(*f)
		changed = changed || c
	}
	return changed
}

func normalEmail(field, raw string) (string, error) {
	raw = strings.ToLower(strings.TrimSpace(raw))
	if raw == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(raw)
	if err != nil || a.Address != raw {
		return "", &InvalidError{field, fmt.Sprintf("%q is not an email address", raw)}
	}
	return raw, nil
}

// RecordedLead is what RecordLead did.
type RecordedLead struct {
	Lead    Lead
	Contact Contact
	// Repeat is true when the lead's external_id was seen before: nothing
	// was changed, and Lead is the one recorded then.
	Repeat bool
	// NewContact is true when no contact matched.
	NewContact bool
	// Changed lists what the lead changed of an existing contact.
	Changed []string
}

// RecordLead stores a normalized lead in tx: the contact it matches by
// phone, else by email, updated with what the lead brings (or a new
// contact), its conversation, its consent evidence and the lead row. The
// lead's conversation is where it will be reached: the open SMS one,
// unless the lead agreed to email and not to texts (or gave no phone),
// then the open email one. A form's consent does not undo an opt-out: a
// STOP stands until START, an email unsubscribe stands. A lead with an
// external_id seen before changes nothing. ownerRepID ("" for none)
// becomes the contact's owner.
func RecordLead(ctx context.Context, tx pgx.Tx, in NewLead, ownerRepID string, afterHours bool) (RecordedLead, error) {
	var out RecordedLead
	if in.ExternalID != "" {
		// Two deliveries of one lead at once take turns here, so the
		// second finds the first's row.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('lead:' || $1))`, in.ExternalID); err != nil {
			return out, fmt.Errorf("record lead %s: %w", in.ExternalID, err)
		}
		l, err := LeadByExternalID(ctx, tx, in.ExternalID)
		if err == nil {
			out.Lead, out.Repeat = l, true
			out.Contact, err = GetContact(ctx, tx, l.ContactID)
			return out, err
		}
		if !errors.Is(err, ErrNotFound) {
			return out, err
		}
	}
	who := in.Phone
	if who == "" {
		who = in.Email
	}
	c, err := matchContact(ctx, tx, in.Phone, in.Email)
	switch {
	case errors.Is(err, ErrNotFound):
		out.NewContact = true
		err = scanContact(tx.QueryRow(ctx, `
			INSERT INTO contacts AS c (phone, phone_valid, name, email, source, owner_rep_id)
			VALUES (NULLIF($1, ''), $1 <> '', $2, $3, $4, NULLIF($5, '')::uuid)
			RETURNING `+contactColumns, in.Phone, in.Name, in.Email, in.Source, ownerRepID), &c)
		if err != nil {
			return out, fmt.Errorf("record lead %s: new contact: %w", who, err)
		}
	case err != nil:
		return out, err
	default:
		if c, out.Changed, err = mergeLead(ctx, tx, c, in, ownerRepID); err != nil {
			return out, err
		}
	}
	email, err := GetEmailState(ctx, tx, c.ID)
	if err != nil {
		return out, err
	}
	smsConsent, emailConsent := false, false
	var asked consentAsked
	if in.Consent != nil {
		asked = consentAsked{sms: in.Consent.SMS, email: in.Consent.Email}
		if c.OptedOut && in.Consent.SMS {
			// A form's checkbox does not undo a STOP: the lead must text START.
			in.Consent.SMS = false
		}
		if email.OptedOut && in.Consent.Email {
			// Nor an email unsubscribe.
			in.Consent.Email = false
		}
		smsConsent, emailConsent = in.Consent.SMS && c.Phone != "", in.Consent.Email && c.Email != ""
	}
	channel := ChannelSMS
	if (!smsConsent && emailConsent) || c.Phone == "" {
		channel = ChannelEmail
	}
	conv, err := OpenConversation(ctx, tx, c.ID, channel)
	if err != nil {
		return out, err
	}
	err = scanLead(tx.QueryRow(ctx, `
		INSERT INTO leads AS l (contact_id, conversation_id, external_id, source, message, merged, sms_consent, email_consent,
			after_hours, created_at)
		VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6, $7, $8, $9, $10)
		RETURNING `+leadColumns, c.ID, conv.ID, in.ExternalID, in.Source, in.Message, !out.NewContact, smsConsent, emailConsent,
		afterHours, in.ReceivedAt), &out.Lead)
	if err != nil {
		return out, fmt.Errorf("record lead %s: %w", who, err)
	}
	if in.Consent != nil {
		if err := recordConsent(ctx, tx, c.ID, out.Lead.ID, in.Source, *in.Consent, asked); err != nil {
			return out, err
		}
	}
	out.Contact = c
	return out, nil
}

// matchContact finds the contact a lead belongs to, and locks it: the one
// with its phone, else the oldest with its email.
func matchContact(ctx context.Context, tx pgx.Tx, phone, email string) (Contact, error) {
	var c Contact
	err := pgx.ErrNoRows
	if phone != "" {
		err = scanContact(tx.QueryRow(ctx, `SELECT `+contactColumns+` FROM contacts c WHERE c.phone = $1 FOR UPDATE`, phone), &c)
	}
	if errors.Is(err, pgx.ErrNoRows) && email != "" {
		err = scanContact(tx.QueryRow(ctx, `SELECT `+contactColumns+` FROM contacts c WHERE lower(c.email) = $1 AND c.email <> ''
			ORDER BY c.created_at LIMIT 1 FOR UPDATE`, email), &c)
	}
	if err != nil {
		return Contact{}, fmt.Errorf("match lead %s: %w", phone+" "+email, notFound(err))
	}
	return c, nil
}

// mergeLead updates a contact with what a new lead brings: a name or an
// email it lacked (a new address is not known to bounce), the phone the
// lead gave (texts go there now), the owner; its first source stays, for
// attribution.
func mergeLead(ctx context.Context, tx pgx.Tx, c Contact, in NewLead, ownerRepID string) (Contact, []string, error) {
	var changed []string
	if in.Name != "" && in.Name != c.Name {
		changed = append(changed, "name")
	}
	if in.Email != "" && !strings.EqualFold(in.Email, c.Email) {
		changed = append(changed, "email")
	}
	if in.Phone != "" && in.Phone != c.Phone {
		changed = append(changed, "phone")
	}
	if c.Source == "" && in.Source != "" {
		changed = append(changed, "source")
	}
	if ownerRepID != "" && ownerRepID != c.OwnerRepID {
		changed = append(changed, "owner")
	}
	if len(changed) == 0 {
		return c, nil, nil
	}
	err := scanContact(tx.QueryRow(ctx, `
		UPDATE contacts c SET name = COALESCE(NULLIF($2, ''), c.name), email = COALESCE(NULLIF($3, ''), c.email),
			email_invalid = CASE WHEN $3 <> '' AND lower($3) <> lower(c.email) THEN false ELSE c.email_invalid END,
			email_invalid_reason = CASE WHEN $3 <> '' AND lower($3) <> lower(c.email) THEN '' ELSE c.email_invalid_reason END,
			phone = COALESCE(NULLIF($4, ''), c.phone), phone_valid = CASE WHEN $4 <> '' THEN true ELSE c.phone_valid END,
			source = CASE WHEN c.source = '' THEN $5 ELSE c.source END,
			owner_rep_id = COALESCE(NULLIF($6, '')::uuid, c.owner_rep_id), updated_at = now()
		WHERE c.id = $1
		RETURNING `+contactColumns, c.ID, in.Name, in.Email, in.Phone, in.Source, ownerRepID), &c)
	if err != nil {
		return c, nil, fmt.Errorf("merge lead into contact %s: %w", c.ID, err)
	}
	return c, changed, nil
}

// consentAsked says which channels a form's consent said yes to, before
// an earlier opt-out undid it.
type consentAsked struct{ sms, email bool }

// recordConsent keeps the consent as evidence, a row per channel: texts
// (granted or not, as the form said), unless the consent speaks of email
// alone; email when the form said yes to it. A yes that met an earlier
// opt-out is kept as not granted.
func recordConsent(ctx context.Context, tx pgx.Tx, contactID, leadID, source string, c Consent, asked consentAsked) error {
	if c.Source == "" {
		c.Source = source
	}
	captured := c.CapturedAt
	if captured.IsZero() {
		captured = time.Now()
	}
	type row struct {
		channel string
		granted bool
	}
	var rows []row
	if asked.sms || !asked.email {
		rows = append(rows, row{ChannelSMS, c.SMS})
	}
	if asked.email {
		rows = append(rows, row{ChannelEmail, c.Email})
	}
	for _, r := range rows {
		if _, err := tx.Exec(ctx, `INSERT INTO consents (contact_id, lead_id, channel, granted, text, captured_at, source, ip, version, page_url)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, contactID, leadID, r.channel, r.granted, c.Text, captured, c.Source, c.IP,
			c.Version, c.PageURL); err != nil {
			return fmt.Errorf("record %s consent of %s: %w", r.channel, contactID, err)
		}
	}
	return nil
}

const leadColumns = `l.id::text, l.contact_id::text, COALESCE(l.conversation_id::text, ''), COALESCE(l.external_id, ''), l.source,
	l.message, l.merged, l.sms_consent, l.email_consent, l.after_hours, l.created_at, COALESCE(l.first_touch_message_id::text, ''),
	(SELECT m.sent_at FROM messages m WHERE m.id = l.first_touch_message_id)`

func scanLead(row pgx.Row, l *Lead) error {
	return row.Scan(&l.ID, &l.ContactID, &l.ConversationID, &l.ExternalID, &l.Source, &l.Message, &l.Merged, &l.SMSConsent,
		&l.EmailConsent, &l.AfterHours, &l.CreatedAt, &l.FirstTouchMessageID, &l.FirstTouchAt)
}

// GetLead returns one lead.
func GetLead(ctx context.Context, db DB, id string) (Lead, error) {
	if !IsUUID(id) {
		return Lead{}, fmt.Errorf("get lead %q: %w", id, ErrNotFound)
	}
	var l Lead
	if err := scanLead(db.QueryRow(ctx, `SELECT `+leadColumns+` FROM leads l WHERE l.id = $1`, id), &l); err != nil {
		return Lead{}, fmt.Errorf("get lead %s: %w", id, notFound(err))
	}
	return l, nil
}

// LeadByExternalID returns the lead an ad platform or form delivered with
// this id.
func LeadByExternalID(ctx context.Context, db DB, externalID string) (Lead, error) {
	var l Lead
	if err := scanLead(db.QueryRow(ctx, `SELECT `+leadColumns+` FROM leads l WHERE l.external_id = $1`, externalID), &l); err != nil {
		return Lead{}, fmt.Errorf("lead %q: %w", externalID, notFound(err))
	}
	return l, nil
}

// SetFirstTouch records the lead's first message, before it is sent.
func SetFirstTouch(ctx context.Context, db DB, leadID, messageID string) error {
	if _, err := db.Exec(ctx, `UPDATE leads SET first_touch_message_id = $2 WHERE id = $1 AND first_touch_message_id IS NULL`,
		leadID, messageID); err != nil {
		return fmt.Errorf("first touch of lead %s: %w", leadID, err)
	}
	return nil
}

// SameLeadSince reports whether the contact sent the same lead (the same
// message, in any case and spacing) since since, besides lead exceptID: a
// form submitted twice, or a list imported again.
func SameLeadSince(ctx context.Context, db DB, contactID, exceptID, message string, since time.Time) (bool, error) {
	var yes bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM leads WHERE contact_id = $1 AND id <> $2 AND created_at >= $4
		AND lower(regexp_replace(message, '\s+', ' ', 'g')) = lower(regexp_replace($3, '\s+', ' ', 'g')))`,
		contactID, exceptID, strings.TrimSpace(message), since).Scan(&yes)
	if err != nil {
		return false, fmt.Errorf("same lead of %s: %w", contactID, err)
	}
	return yes, nil
}
