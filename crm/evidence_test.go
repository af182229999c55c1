package crm_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/crm"
)

func TestConsentVersionAndPage(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 30, 22, 4, 5, 0, time.UTC)
	for _, tt := range []struct {
		name, version, page string
		field               string // the field refused; "" for none
		wantVersion         string
	}{
		{"both", "  2026-11-form-v3 ", "https://summit.example/quote?utm=fb", "", "2026-11-form-v3"},
		{"neither", "", "", "", ""},
		{"plain http", "v1", "http://summit.example/", "", "v1"},
		{"not a URL", "v1", "summit.example/quote", "consent.page_url", ""},
		{"another scheme", "v1", "javascript:alert(1)", "consent.page_url", ""},
		{"no host", "v1", "https:///quote", "consent.page_url", ""},
		{"a space", "v1", "https://summit.example/a b", "consent.page_url", ""},
		{"a NUL", "v1", "https://summit.example/\x00", "consent.page_url", ""},
		{"too long a version", strings.Repeat("v", 201), "", "consent.version", ""},
	} {
		in := crm.NewLead{Phone: "+19705550101", ReceivedAt: at,
			Consent: &crm.Consent{SMS: true, Text: "I agree", CapturedAt: at, Version: tt.version, PageURL: tt.page}}
		err := in.Normalize("US")
		var invalid *crm.InvalidError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.field != "" && (!errors.As(err, &invalid) || invalid.Field != tt.field):
			t.Errorf("%s: error %v, want one naming %s", tt.name, err, tt.field)
		case tt.field == "" && in.Consent.Version != tt.wantVersion:
			t.Errorf("%s: version %q, want %q", tt.name, in.Consent.Version, tt.wantVersion)
		}
	}
}

// TestContactEvidence records a lead with consent, a message each way, a
// keyword opt-out, an opt-in and a carrier's unsubscribe as the inbox
// does, and reads them back as evidence.
func TestContactEvidence(t *testing.T) {
	t.Parallel()
	b := setup(t)
	at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	in := crm.NewLead{Phone: "(970) 555-0142", Name: "Dana Reyes", Source: "facebook_ad", ReceivedAt: at,
		Consent: &crm.Consent{SMS: true, Text: "I agree to texts from Summit.", CapturedAt: at.Add(-time.Minute), IP: "203.0.113.7",
			Version: "2026-11-form-v3", PageURL: "https://summit.example/quote"}}
	if err := in.Normalize("US"); err != nil {
		t.Fatal(err)
	}
	tx, err := b.db.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := crm.RecordLead(b.ctx, tx, in, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(b.ctx); err != nil {
		t.Fatal(err)
	}
	contactID, convID := rec.Contact.ID, rec.Lead.ConversationID

	out, _, err := crm.RecordOutbound(b.ctx, b.db, crm.NewOutbound{ConversationID: convID, Author: crm.AuthorAI, Body: "Hi Dana!"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := crm.MarkSent(b.ctx, b.db, out.ID, "SMevidence1", "queued", at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := crm.RecordDeliveryReport(b.ctx, b.db, crm.DeliveryReport{ProviderSID: "SMevidence1", Status: "delivered"}); err != nil {
		t.Fatal(err)
	}
	stop, _, err := crm.RecordInbound(b.ctx, b.db, crm.NewInbound{ConversationID: convID, Body: "Stop.", ProviderSID: "SMstop",
		ReceivedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := crm.OptOut(b.ctx, b.db, contactID, "STOP", stop.CreatedAt); err != nil {
		t.Fatal(err)
	}
	events := []crm.NewEvent{
		{Detail: crm.OptedOut{Keyword: "STOP", MessageID: stop.ID}},
		// An opt-in recorded before events named the message.
		{Detail: crm.OptedIn{Keyword: "START"}},
		{Detail: crm.OptedOut{Reason: "carrier reports unsubscribed", Code: 21610}},
	}
	for _, e := range events {
		e.ConversationID, e.ContactID = convID, contactID
		if err := crm.AddEvent(b.ctx, b.db, e); err != nil {
			t.Fatal(err)
		}
	}

	now := at.Add(time.Hour)
	ev, err := crm.ContactEvidence(b.ctx, b.db, contactID, now)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Contact.Phone != "+19705550142" || !ev.Contact.OptedOut || !ev.GeneratedAt.Equal(now) {
		t.Errorf("contact = %+v", ev.Contact)
	}
	if len(ev.Consents) != 1 {
		t.Fatalf("consents = %+v", ev.Consents)
	}
	c := ev.Consents[0]
	if c.Text != "I agree to texts from Summit." || c.Version != "2026-11-form-v3" || c.PageURL != "https://summit.example/quote" ||
		c.Source != "facebook_ad" || c.IP != "203.0.113.7" || !c.Granted || c.Channel != "sms" || !c.CapturedAt.Equal(at.Add(-time.Minute)) {
		t.Errorf("consent = %+v", c)
	}
	want := []crm.OptChange{
		{Kind: crm.OptOutChange, Method: crm.OptByKeyword, Words: "Stop.", Keyword: "STOP", MessageID: stop.ID, At: stop.CreatedAt},
		{Kind: crm.OptInChange, Method: crm.OptByKeyword, Words: "START", Keyword: "START"},
		{Kind: crm.OptOutChange, Method: crm.OptByCarrier, Reason: "carrier reports unsubscribed"},
	}
	if len(ev.OptChanges) != len(want) {
		t.Fatalf("opt changes = %+v", ev.OptChanges)
	}
	for i, w := range want {
		g := ev.OptChanges[i]
		if g.Kind != w.Kind || g.Method != w.Method || g.Words != w.Words || g.Keyword != w.Keyword || g.Reason != w.Reason ||
			g.MessageID != w.MessageID || g.ConversationID != convID || g.RecordedAt.IsZero() ||
			(!w.At.IsZero() && !g.At.Equal(w.At)) || (w.At.IsZero() && !g.At.Equal(g.RecordedAt)) {
			t.Errorf("opt change %d = %+v, want %+v", i, g, w)
		}
	}
	if len(ev.Messages) != 2 {
		t.Fatalf("messages = %+v", ev.Messages)
	}
	sent, got := ev.Messages[0], ev.Messages[1]
	if sent.Direction != crm.Outbound || sent.Author != crm.AuthorAI || sent.Status != "delivered" || sent.SentAt == nil ||
		len(sent.DeliveryReports) != 1 || sent.DeliveryReports[0].Status != "delivered" || sent.DeliveryReports[0].ReceivedAt.IsZero() {
		t.Errorf("sent message = %+v", sent)
	}
	if got.Direction != crm.Inbound || got.Author != crm.AuthorLead || got.Body != "Stop." || got.DeliveryReports == nil {
		t.Errorf("received message = %+v", got)
	}

	for _, id := range []string{"00000000-0000-0000-0000-000000000000", "nope"} {
		if _, err := crm.ContactEvidence(b.ctx, b.db, id, now); !errors.Is(err, crm.ErrNotFound) {
			t.Errorf("evidence of %q: %v, want ErrNotFound", id, err)
		}
	}
}
