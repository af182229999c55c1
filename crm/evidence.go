package crm

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Evidence is one contact's consent record, as a business shows it in a
// TCPA dispute: every consent the contact gave (the words shown, their
// version, where and from which address), every opt-out and opt-in with
// the lead's own words, and every message sent to or received from them
// with its delivery status. The console's page, its JSON download and
// GET /api/v1/contacts/{id}/evidence all return it.
//
// The JSON field names are a contract: fields may be added, none renamed
// or removed. Times are RFC 3339. Lists are oldest first and never null:
//
//	{"generated_at": "…",
//	 "contact": {"id": "…", "phone": "+19705551234", "name": "…", "email": "…", "source": "…",
//	             "created_at": "…", "opted_out": false, "opted_out_at": null},
//	 "consents": [{"id": 1, "lead_id": "…", "channel": "sms", "granted": true,
//	               "text": "I agree to texts…", "version": "2026-11-form-v3",
//	               "page_url": "https://…", "source": "facebook_ad", "ip": "203.0.113.7",
//	               "captured_at": "…", "recorded_at": "…"}],
//	 "opt_changes": [{"kind": "opt_out | opt_in", "method": "keyword | words | carrier",
//	                  "words": "Stop", "keyword": "STOP", "phrase": "", "reason": "",
//	                  "message_id": "…", "conversation_id": "…", "at": "…", "recorded_at": "…"}],
//	 "messages": [{"id": "…", "conversation_id": "…", "channel": "sms", "direction": "inbound | outbound",
//	               "author": "lead | ai | rep | system", "body": "…", "status": "delivered",
//	               "error_code": 0, "error_message": "", "provider_sid": "SM…",
//	               "created_at": "…", "sent_at": null,
//	               "delivery_reports": [{"status": "delivered", "error_code": 0, "received_at": "…"}]}]}
type Evidence struct {
	GeneratedAt time.Time         `json:"generated_at"`
	Contact     EvidenceContact   `json:"contact"`
	Consents    []ConsentRecord   `json:"consents"`
	OptChanges  []OptChange       `json:"opt_changes"`
	Messages    []EvidenceMessage `json:"messages"`
}

// EvidenceContact is who the evidence is about.
type EvidenceContact struct {
	ID         string     `json:"id"`
	Phone      string     `json:"phone"`
	Name       string     `json:"name"`
	Email      string     `json:"email"`
	Source     string     `json:"source"`
	CreatedAt  time.Time  `json:"created_at"`
	OptedOut   bool       `json:"opted_out"`
	OptedOutAt *time.Time `json:"opted_out_at"`
}

// ConsentRecord is one consent as a form, an ad platform or an import
// captured it.
type ConsentRecord struct {
	ID     int64  `json:"id"`
	LeadID string `json:"lead_id"`
	// Channel is what the consent is for: sms or email.
	Channel string `json:"channel"`
	// Granted is false when the form said the lead did not agree (or a
	// form's yes met an earlier STOP, which only START undoes, or an
	// earlier email unsubscribe).
	Granted bool `json:"granted"`
	// Text is the consent words the lead was shown; Version names them.
	Text    string `json:"text"`
	Version string `json:"version"`
	// PageURL is the page the lead saw them on; Source where the lead
	// came from (the form, the ad platform, an import).
	PageURL string `json:"page_url"`
	Source  string `json:"source"`
	IP      string `json:"ip"`
	// CapturedAt is when the lead agreed, as the form said; RecordedAt
	// when the business stored it.
	CapturedAt time.Time `json:"captured_at"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Opt change kinds and how they were asked for.
const (
	OptOutChange = "opt_out"
	OptInChange  = "opt_in"

	// OptByKeyword is a carrier keyword sent alone (STOP, START).
	OptByKeyword = "keyword"
	// OptByWords is an opt-out in plain words ("please stop texting me").
	OptByWords = "words"
	// OptByCarrier is the carrier reporting the number unsubscribed
	// (Twilio 21610).
	OptByCarrier = "carrier"
)

// OptChange is one opt-out or opt-in, with the words that caused it.
type OptChange struct {
	// Kind is opt_out or opt_in; Method keyword, words or carrier.
	Kind   string `json:"kind"`
	Method string `json:"method"`
	// Words is the lead's whole message as received ("Stop.", "please
	// stop texting me"); Keyword the carrier keyword it was read as
	// (STOP), Phrase the words that revoked consent in a plain-words
	// opt-out; Reason the carrier's, for method carrier.
	Words   string `json:"words"`
	Keyword string `json:"keyword"`
	Phrase  string `json:"phrase"`
	Reason  string `json:"reason"`
	// MessageID is the lead's message ("" for a carrier's report).
	MessageID      string `json:"message_id"`
	ConversationID string `json:"conversation_id"`
	// At is when the lead sent the message (else when it was recorded);
	// RecordedAt when the business recorded the change.
	At         time.Time `json:"at"`
	RecordedAt time.Time `json:"recorded_at"`
}

// EvidenceMessage is one message to or from the contact, with every
// delivery report the provider sent for it.
type EvidenceMessage struct {
	ID             string `json:"id"`
	ConversationID string `json:"conversation_id"`
	// Channel is sms, or voice for words said on a call.
	Channel   string `json:"channel"`
	Direction string `json:"direction"`
	Author    string `json:"author"`
	Body      string `json:"body"`
	// Status is the latest delivery status (queued, sent, delivered,
	// undelivered, failed; pending, suppressed, received, spoken).
	Status       string `json:"status"`
	ErrorCode    int    `json:"error_code"`
	ErrorMessage string `json:"error_message"`
	ProviderSID  string `json:"provider_sid"`
	// CreatedAt is when it was received or written; SentAt when the
	// provider accepted it (null when it never was).
	CreatedAt       time.Time        `json:"created_at"`
	SentAt          *time.Time       `json:"sent_at"`
	DeliveryReports []DeliveryRecord `json:"delivery_reports"`
}

// DeliveryRecord is one delivery status callback as received.
type DeliveryRecord struct {
	Status     string    `json:"status"`
	ErrorCode  int       `json:"error_code"`
	ReceivedAt time.Time `json:"received_at"`
}

// ContactEvidence gathers one contact's evidence as of now. A contact
// that does not exist, or an id that cannot be one, is ErrNotFound. Pass
// a read-only repeatable-read transaction for one consistent snapshot.
func ContactEvidence(ctx context.Context, db DB, contactID string, now time.Time) (Evidence, error) {
	if !IsUUID(contactID) {
		return Evidence{}, fmt.Errorf("evidence of contact %q: %w", contactID, ErrNotFound)
	}
	c, err := GetContact(ctx, db, contactID)
	if err != nil {
		return Evidence{}, fmt.Errorf("evidence: %w", err)
	}
	ev := Evidence{GeneratedAt: now, Contact: EvidenceContact{ID: c.ID, Phone: c.Phone, Name: c.Name, Email: c.Email,
		Source: c.Source, CreatedAt: c.CreatedAt, OptedOut: c.OptedOut, OptedOutAt: c.OptedOutAt}}
	if ev.Consents, err = consentRecords(ctx, db, contactID); err != nil {
		return Evidence{}, err
	}
	if ev.OptChanges, err = optChanges(ctx, db, contactID); err != nil {
		return Evidence{}, err
	}
	if ev.Messages, err = evidenceMessages(ctx, db, contactID); err != nil {
		return Evidence{}, err
	}
	return ev, nil
}

func consentRecords(ctx context.Context, db DB, contactID string) ([]ConsentRecord, error) {
	rows, err := db.Query(ctx, `SELECT id, COALESCE(lead_id::text, ''), channel, granted, text, version, page_url, source, ip,
		captured_at, created_at FROM consents WHERE contact_id = $1 ORDER BY captured_at, id`, contactID)
	if err != nil {
		return nil, fmt.Errorf("consents of contact %s: %w", contactID, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ConsentRecord, error) {
		var r ConsentRecord
		err := row.Scan(&r.ID, &r.LeadID, &r.Channel, &r.Granted, &r.Text, &r.Version, &r.PageURL, &r.Source, &r.IP,
			&r.CapturedAt, &r.RecordedAt)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("consents of contact %s: %w", contactID, err)
	}
	return nonNil(list), nil
}

// optChanges reads the contact's opt-outs and opt-ins from the timeline,
// where the inbox records them (EventOptedOut, EventOptedIn), with the
// lead's message that caused each.
func optChanges(ctx context.Context, db DB, contactID string) ([]OptChange, error) {
	rows, err := db.Query(ctx, `SELECT e.kind, e.detail, e.created_at, COALESCE(e.conversation_id::text, ''),
			COALESCE(m.id::text, ''), COALESCE(m.body, ''), m.created_at
		FROM timeline_events e
		LEFT JOIN messages m ON m.id = CASE WHEN e.detail->>'message_id' ~* '^[0-9a-f-]{36}$'
			THEN (e.detail->>'message_id')::uuid END
		WHERE e.contact_id = $1 AND e.kind IN ('opted_out', 'opted_in')
		ORDER BY e.id`, contactID)
	if err != nil {
		return nil, fmt.Errorf("opt-outs of contact %s: %w", contactID, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (OptChange, error) {
		var o OptChange
		var kind string
		var raw []byte
		var sentAt *time.Time
		if err := row.Scan(&kind, &raw, &o.RecordedAt, &o.ConversationID, &o.MessageID, &o.Words, &sentAt); err != nil {
			return o, err
		}
		// An opt-in's detail has the keys of an opt-out's by keyword.
		var d OptedOut
		if err := json.Unmarshal(raw, &d); err != nil {
			return o, err
		}
		o.Kind, o.Keyword, o.Phrase, o.Reason = OptOutChange, d.Keyword, d.Phrase, d.Reason
		if kind == EventOptedIn {
			o.Kind = OptInChange
		}
		switch {
		case d.Reason != "":
			o.Method = OptByCarrier
		case d.Keyword != "":
			o.Method = OptByKeyword
		default:
			o.Method = OptByWords
		}
		if o.Words == "" {
			// Recorded before events named the message: the words kept
			// on the event are what the lead sent.
			o.Words = d.Words
			if o.Words == "" {
				o.Words = d.Keyword
			}
		}
		o.At = o.RecordedAt
		if sentAt != nil {
			o.At = *sentAt
		}
		return o, nil
	})
	if err != nil {
		return nil, fmt.Errorf("opt-outs of contact %s: %w", contactID, err)
	}
	return nonNil(list), nil
}

func evidenceMessages(ctx context.Context, db DB, contactID string) ([]EvidenceMessage, error) {
	rows, err := db.Query(ctx, `SELECT m.id::text, m.conversation_id::text, m.channel, m.direction, m.author, m.body, m.status,
			COALESCE(m.error_code, 0), m.error_message, COALESCE(m.provider_sid, ''), m.created_at, m.sent_at,
			COALESCE((SELECT jsonb_agg(jsonb_build_object('status', r.status, 'error_code', COALESCE(r.error_code, 0),
				'received_at', r.received_at) ORDER BY r.id)
				FROM delivery_reports r WHERE r.provider_sid = m.provider_sid), '[]')
		FROM messages m JOIN conversations v ON v.id = m.conversation_id
		WHERE v.contact_id = $1
		ORDER BY m.created_at, m.id`, contactID)
	if err != nil {
		return nil, fmt.Errorf("messages of contact %s: %w", contactID, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (EvidenceMessage, error) {
		var m EvidenceMessage
		var reports []byte
		if err := row.Scan(&m.ID, &m.ConversationID, &m.Channel, &m.Direction, &m.Author, &m.Body, &m.Status,
			&m.ErrorCode, &m.ErrorMessage, &m.ProviderSID, &m.CreatedAt, &m.SentAt, &reports); err != nil {
			return m, err
		}
		return m, json.Unmarshal(reports, &m.DeliveryReports)
	})
	if err != nil {
		return nil, fmt.Errorf("messages of contact %s: %w", contactID, err)
	}
	return nonNil(list), nil
}

// nonNil keeps an empty list a list in JSON ([], not null).
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
