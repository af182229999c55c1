package crm_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/crm"
)

// TestNormalizeConsent is consent.sms and consent.email as a form gives
// them: each needs the words and the time, and the address it is for; a
// lead may come without a phone only with an email and consent to email.
func TestNormalizeConsent(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 30, 22, 4, 5, 0, time.UTC)
	const words = "I agree to texts and emails from Summit."
	consent := func(sms, email bool) *crm.Consent {
		return &crm.Consent{SMS: sms, Email: email, Text: words, CapturedAt: at.Add(-time.Minute), IP: "203.0.113.7"}
	}
	tests := []struct {
		name         string
		lead         crm.NewLead
		field, words string // the field refused and words its reason has; "" for none
		phone        string // the phone as stored
	}{
		{"texts", crm.NewLead{Phone: "(970) 555-0101", Consent: consent(true, false)}, "", "", "+19705550101"},
		{"email, with a phone", crm.NewLead{Phone: "(970) 555-0101", Email: "Dana@Example.com", Consent: consent(false, true)}, "", "", "+19705550101"},
		{"email, without a phone", crm.NewLead{Email: "dana@example.com", Consent: consent(false, true)}, "", "", ""},
		{"both", crm.NewLead{Phone: "+19705550101", Email: "dana@example.com", Consent: consent(true, true)}, "", "", "+19705550101"},
		{"no consent at all", crm.NewLead{Phone: "+19705550101", Email: "dana@example.com"}, "", "", "+19705550101"},
		{"a no to both", crm.NewLead{Phone: "+19705550101", Consent: &crm.Consent{Text: "no thanks"}}, "", "", "+19705550101"},

		{"email without an address", crm.NewLead{Phone: "+19705550101", Consent: consent(false, true)}, "email", "consent.email", ""},
		{"email without its words", crm.NewLead{Email: "dana@example.com",
			Consent: &crm.Consent{Email: true, CapturedAt: at}}, "consent.text", "consent.email", ""},
		{"email without its time", crm.NewLead{Email: "dana@example.com",
			Consent: &crm.Consent{Email: true, Text: words}}, "consent.captured_at", "consent.email", ""},
		{"email consent at a future time", crm.NewLead{Email: "dana@example.com",
			Consent: &crm.Consent{Email: true, Text: words, CapturedAt: at.Add(time.Hour)}}, "consent.captured_at", "future", ""},
		{"email consent from an IP that is not one", crm.NewLead{Email: "dana@example.com",
			Consent: &crm.Consent{Email: true, Text: words, CapturedAt: at, IP: "nope"}}, "consent.ip", "", ""},
		{"texts without a phone", crm.NewLead{Email: "dana@example.com", Consent: consent(true, true)}, "phone", "consent.sms", ""},
		{"texts without their words", crm.NewLead{Phone: "+19705550101",
			Consent: &crm.Consent{SMS: true, CapturedAt: at}}, "consent.text", "consent.sms", ""},
		{"no phone, no consent to email", crm.NewLead{Email: "dana@example.com", Consent: consent(false, false)}, "phone", "is required", ""},
		{"no phone, no email", crm.NewLead{Consent: consent(false, true)}, "email", "consent.email", ""},
		{"nothing at all", crm.NewLead{}, "phone", "is required", ""},
		{"a bad phone beside consent to email", crm.NewLead{Phone: "555", Email: "dana@example.com", Consent: consent(false, true)},
			"phone", "not a phone number", ""},
		{"an address that is not one", crm.NewLead{Email: "dana@", Consent: consent(false, true)}, "email", "not an email address", ""},
	}
	for _, tt := range tests {
		in := tt.lead
		in.ReceivedAt = at
		err := in.Normalize("US")
		var invalid *crm.InvalidError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.field != "" && (!errors.As(err, &invalid) || invalid.Field != tt.field || !strings.Contains(invalid.Reason, tt.words)):
			t.Errorf("%s: error %v, want one naming %s with %q", tt.name, err, tt.field, tt.words)
		case tt.field == "" && in.Phone != tt.phone:
			t.Errorf("%s: phone %q, want %q", tt.name, in.Phone, tt.phone)
		}
	}
}

// TestRecordLeadWithEmailConsent: a lead who agreed to email and not to
// texts is recorded on the contact's email conversation, with its consent
// to email as evidence; one without a phone makes a contact without one;
// a form's yes to email does not undo an unsubscribe; a lead who agreed
// to both is the SMS conversation's.
func TestRecordLeadWithEmailConsent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	record := func(t *testing.T, in crm.NewLead) crm.RecordedLead {
		t.Helper()
		in.ReceivedAt = at
		if err := in.Normalize("US"); err != nil {
			t.Fatal(err)
		}
		var rec crm.RecordedLead
		if err := pgx.BeginFunc(b.ctx, b.db, func(tx pgx.Tx) (err error) {
			rec, err = crm.RecordLead(b.ctx, tx, in, "", false)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return rec
	}
	channelOf := func(t *testing.T, convID string) string {
		t.Helper()
		v, err := crm.ConversationWithContact(b.ctx, b.db, convID)
		if err != nil {
			t.Fatal(err)
		}
		return v.Channel
	}
	consents := func(t *testing.T, leadID string) map[string]bool {
		t.Helper()
		rows, err := b.db.Query(b.ctx, `SELECT channel, granted FROM consents WHERE lead_id = $1`, leadID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		var ch string
		var granted bool
		if _, err := pgx.ForEachRow(rows, []any{&ch, &granted}, func() error { out[ch] = granted; return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	consent := func(sms, email bool) *crm.Consent {
		return &crm.Consent{SMS: sms, Email: email, Text: "I agree to hear from Summit.", CapturedAt: at}
	}

	t.Run("email only, no phone", func(t *testing.T) {
		rec := record(t, crm.NewLead{Email: "dana@example.com", Name: "Dana", Consent: consent(false, true)})
		if !rec.NewContact || rec.Contact.Phone != "" || rec.Contact.PhoneValid || rec.Contact.Email != "dana@example.com" {
			t.Fatalf("contact %+v", rec.Contact)
		}
		if !rec.Lead.EmailConsent || rec.Lead.SMSConsent || channelOf(t, rec.Lead.ConversationID) != crm.ChannelEmail {
			t.Fatalf("lead %+v on a %s conversation", rec.Lead, channelOf(t, rec.Lead.ConversationID))
		}
		if got := consents(t, rec.Lead.ID); len(got) != 1 || !got[crm.ChannelEmail] {
			t.Fatalf("consents %v, want email granted only", got)
		}
		l, err := crm.GetLead(b.ctx, b.db, rec.Lead.ID)
		if err != nil || !l.EmailConsent {
			t.Fatalf("stored lead %+v (%v)", l, err)
		}
		// The same person again by email, now with a phone: merged, the
		// phone kept, still reached by email.
		again := record(t, crm.NewLead{Phone: "+19705550111", Email: "dana@example.com", Consent: consent(false, true)})
		if again.NewContact || again.Contact.ID != rec.Contact.ID || again.Contact.Phone != "+19705550111" ||
			again.Lead.ConversationID != rec.Lead.ConversationID {
			t.Fatalf("merged %+v", again)
		}
	})

	t.Run("both: the SMS conversation", func(t *testing.T) {
		rec := record(t, crm.NewLead{Phone: "+19705550112", Email: "sam@example.com", Consent: consent(true, true)})
		if !rec.Lead.SMSConsent || !rec.Lead.EmailConsent || channelOf(t, rec.Lead.ConversationID) != crm.ChannelSMS {
			t.Fatalf("lead %+v", rec.Lead)
		}
		if got := consents(t, rec.Lead.ID); len(got) != 2 || !got[crm.ChannelSMS] || !got[crm.ChannelEmail] {
			t.Fatalf("consents %v, want both granted", got)
		}
	})

	t.Run("texts only: no email consent recorded", func(t *testing.T) {
		rec := record(t, crm.NewLead{Phone: "+19705550113", Email: "lee@example.com", Consent: consent(true, false)})
		if got := consents(t, rec.Lead.ID); len(got) != 1 || !got[crm.ChannelSMS] || rec.Lead.EmailConsent {
			t.Fatalf("consents %v, lead %+v", got, rec.Lead)
		}
	})

	t.Run("an unsubscribe stands", func(t *testing.T) {
		first := record(t, crm.NewLead{Email: "kim@example.com", Consent: consent(false, true)})
		tok, err := crm.UnsubscribeToken(b.ctx, b.db, first.Contact.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := pgx.BeginFunc(b.ctx, b.db, func(tx pgx.Tx) error {
			c, err := crm.ContactByUnsubscribeToken(b.ctx, tx, tok)
			if err != nil {
				return err
			}
			_, err = crm.OptOutOfEmail(b.ctx, tx, c.ID, crm.EmailOptedOut{Via: "link"}, at)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		again := record(t, crm.NewLead{Email: "kim@example.com", Message: "still want a quote", Consent: consent(false, true)})
		if again.Lead.EmailConsent {
			t.Fatal("a form's yes undid an email unsubscribe")
		}
		if got := consents(t, again.Lead.ID); len(got) != 1 || got[crm.ChannelEmail] {
			t.Fatalf("consents %v, want email kept as not granted", got)
		}
	})

	t.Run("a new address is not known to bounce", func(t *testing.T) {
		rec := record(t, crm.NewLead{Phone: "+19705550114", Email: "old@example.com", Consent: consent(false, true)})
		if err := crm.MarkEmailInvalid(b.ctx, b.db, rec.Contact.ID, "bounced 5.1.1"); err != nil {
			t.Fatal(err)
		}
		record(t, crm.NewLead{Phone: "+19705550114", Email: "new@example.com", Consent: consent(false, true)})
		st, err := crm.GetEmailState(b.ctx, b.db, rec.Contact.ID)
		if err != nil || st.Invalid {
			t.Fatalf("email state %+v (%v) after a new address", st, err)
		}
	})
}
