package crm_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/store/storetest"
)

type testBundle struct {
	ctx context.Context
	db  *pgxpool.Pool
}

func setup(t *testing.T) testBundle {
	t.Helper()
	return testBundle{ctx: context.Background(), db: storetest.NewDB(t)}
}

// conversation makes a contact and its open SMS conversation.
func (b testBundle) conversation(t *testing.T, phone string) (crm.Contact, crm.Conversation) {
	t.Helper()
	c, err := crm.ContactByPhone(b.ctx, b.db, phone, "US")
	if err != nil {
		t.Fatal(err)
	}
	v, err := crm.OpenConversation(b.ctx, b.db, c.ID, "sms")
	if err != nil {
		t.Fatal(err)
	}
	return c, v
}

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, region, want string
		ok                bool
	}{
		{"+19705551234", "US", "+19705551234", true},
		{"(970) 555-1234", "US", "+19705551234", true},
		{"970.555.1234", "US", "+19705551234", true},
		{"1 970 555 1234", "US", "+19705551234", true},
		{"020 7946 0018", "GB", "+442079460018", true},
		{"+44 20 7946 0018", "US", "+442079460018", true},
		{"12345", "US", "12345", false},
		{"SUMMITHOME", "US", "SUMMITHOME", false},
		{"", "US", "", false},
	}
	for _, tt := range tests {
		got, ok := crm.NormalizePhone(tt.raw, tt.region)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizePhone(%q, %s) = %q, %v; want %q, %v", tt.raw, tt.region, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseKeyword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		want crm.Keyword
	}{
		{"STOP", crm.KeywordOptOut},
		{"stop", crm.KeywordOptOut},
		{" Stop. ", crm.KeywordOptOut},
		{"StopAll", crm.KeywordOptOut},
		{"unsubscribe", crm.KeywordOptOut},
		{"CANCEL", crm.KeywordOptOut},
		{"end", crm.KeywordOptOut},
		{"Quit!", crm.KeywordOptOut},
		{"revoke", crm.KeywordOptOut},
		{"optout", crm.KeywordOptOut},
		{"start", crm.KeywordOptIn},
		{"UNSTOP", crm.KeywordOptIn},
		{"Yes", crm.KeywordOptIn},
		{"help", crm.KeywordHelp},
		{"INFO?", crm.KeywordHelp},
		{"stop texting me", crm.KeywordNone},
		{"please cancel my appointment", crm.KeywordNone},
		{"yes please, tuesday works", crm.KeywordNone},
		{"", crm.KeywordNone},
		{"🛑", crm.KeywordNone},
	}
	for _, tt := range tests {
		if got, _ := crm.ParseKeyword(tt.body); got != tt.want {
			t.Errorf("ParseKeyword(%q) = %v, want %v", tt.body, got, tt.want)
		}
	}
}

func FuzzParseKeyword(f *testing.F) {
	for _, s := range []string{"STOP", " stop ", "stop now", "YES!", "héllo", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		k, word := crm.ParseKeyword(body)
		if (k == crm.KeywordNone) != (word == "") {
			t.Fatalf("ParseKeyword(%q) = %v, %q: keyword and word disagree", body, k, word)
		}
	})
}

func TestContactByPhoneIsOnePerNumber(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, err := crm.ContactByPhone(b.ctx, b.db, "+19705551234", "US")
	if err != nil {
		t.Fatal(err)
	}
	again, err := crm.ContactByPhone(b.ctx, b.db, "(970) 555-1234", "US")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != again.ID || again.Phone != "+19705551234" || !again.PhoneValid {
		t.Fatalf("same number gave %+v then %+v", a, again)
	}
	odd, err := crm.ContactByPhone(b.ctx, b.db, "SUMMIT", "US")
	if err != nil {
		t.Fatal(err)
	}
	if odd.Phone != "SUMMIT" || odd.PhoneValid {
		t.Fatalf("unparseable sender stored as %+v", odd)
	}
}

func TestOpenConversationConcurrent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c, err := crm.ContactByPhone(b.ctx, b.db, "+19705550001", "US")
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := crm.OpenConversation(b.ctx, b.db, c.ID, "sms")
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = v.ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("concurrent opens gave different conversations: %v", ids)
		}
	}
}

func TestRecordInboundIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, v := b.conversation(t, "+19705550002")
	in := crm.NewInbound{ConversationID: v.ID, Body: "hi", ProviderSID: "SM1", Media: []crm.Media{{URL: "http://x/1", ContentType: "image/jpeg"}}}
	first, inserted, err := crm.RecordInbound(b.ctx, b.db, in)
	if err != nil || !inserted {
		t.Fatalf("first: inserted=%v err=%v", inserted, err)
	}
	second, inserted, err := crm.RecordInbound(b.ctx, b.db, in)
	if err != nil || inserted {
		t.Fatalf("retry: inserted=%v err=%v", inserted, err)
	}
	if first.ID != second.ID || len(second.Media) != 1 {
		t.Fatalf("retry returned %+v, want %+v", second, first)
	}
	msgs, err := crm.Messages(b.ctx, b.db, v.ID)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("messages = %d, %v; want 1", len(msgs), err)
	}
}

func TestRecordOutboundOneReplyPerInbound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, v := b.conversation(t, "+19705550003")
	in, _, err := crm.RecordInbound(b.ctx, b.db, crm.NewInbound{ConversationID: v.ID, Body: "price?", ProviderSID: "SM2"})
	if err != nil {
		t.Fatal(err)
	}
	out := crm.NewOutbound{ConversationID: v.ID, Author: crm.AuthorAI, Body: "It is $89.", ReplyTo: in.ID, Outcome: "answered", Citations: []int64{4, 7}}
	first, inserted, err := crm.RecordOutbound(b.ctx, b.db, out)
	if err != nil || !inserted {
		t.Fatalf("first: %v %v", inserted, err)
	}
	out.Body = "a second, different reply"
	second, inserted, err := crm.RecordOutbound(b.ctx, b.db, out)
	if err != nil || inserted || second.ID != first.ID || second.Body != "It is $89." {
		t.Fatalf("second reply to the same message: inserted=%v %+v %v", inserted, second, err)
	}
	if len(second.Citations) != 2 || second.Status != crm.StatusPending {
		t.Fatalf("stored reply = %+v", second)
	}
}

func TestDeliveryReports(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, v := b.conversation(t, "+19705550004")
	m, _, err := crm.RecordOutbound(b.ctx, b.db, crm.NewOutbound{ConversationID: v.ID, Author: crm.AuthorAI, Body: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	// The callback overtakes the send job: kept, then applied by MarkSent.
	_, found, _, err := crm.RecordDeliveryReport(b.ctx, b.db, crm.DeliveryReport{ProviderSID: "SMx", Status: "sent"})
	if err != nil || found {
		t.Fatalf("early report: found=%v err=%v", found, err)
	}
	m, err = crm.MarkSent(b.ctx, b.db, m.ID, "SMx", "queued", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != "sent" {
		t.Fatalf("after MarkSent status = %q, want the early report's sent", m.Status)
	}
	steps := []struct {
		status  string
		changed bool
		want    string
	}{
		{"delivered", true, "delivered"},
		{"sent", false, "delivered"}, // late and out of order
		{"delivered", false, "delivered"},
	}
	for _, s := range steps {
		got, found, changed, err := crm.RecordDeliveryReport(b.ctx, b.db, crm.DeliveryReport{ProviderSID: "SMx", Status: s.status})
		if err != nil || !found || changed != s.changed || got.Status != s.want {
			t.Errorf("report %s: status=%s found=%v changed=%v err=%v; want %s changed=%v", s.status, got.Status, found, changed, err, s.want, s.changed)
		}
	}
}

func TestOptOutAndIn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c, _ := b.conversation(t, "+19705550005")
	if err := crm.OptOut(b.ctx, b.db, c.ID, "STOP", time.Now()); err != nil {
		t.Fatal(err)
	}
	got, err := crm.GetContact(b.ctx, b.db, c.ID)
	if err != nil || !got.OptedOut || got.OptOutKeyword != "STOP" || got.OptedOutAt == nil {
		t.Fatalf("after opt out: %+v %v", got, err)
	}
	if err := crm.OptIn(b.ctx, b.db, c.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ = crm.GetContact(b.ctx, b.db, c.ID); got.OptedOut {
		t.Fatalf("still opted out after opt in: %+v", got)
	}
	if _, err := crm.OptOutByPhone(b.ctx, b.db, "+19705550005", "21610", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, _ = crm.GetContact(b.ctx, b.db, c.ID); !got.OptedOut || got.OptOutKeyword != "21610" {
		t.Fatalf("opt out by phone: %+v", got)
	}
}

func TestListAndGetConversation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, older := b.conversation(t, "+19705550006")
	_, newer := b.conversation(t, "+19705550007")
	for i, v := range []crm.Conversation{older, newer} {
		if _, _, err := crm.RecordInbound(b.ctx, b.db, crm.NewInbound{ConversationID: v.ID, Body: "msg", ProviderSID: "SML" + string(rune('a'+i)),
			ReceivedAt: time.Now().Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := crm.ListConversations(b.ctx, b.db, crm.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != newer.ID || list[0].LastMessage != "msg" || list[0].Contact.Phone != "+19705550007" {
		t.Fatalf("list = %+v", list)
	}
	list, err = crm.ListConversations(b.ctx, b.db, crm.Filter{Phone: "+19705550006"})
	if err != nil || len(list) != 1 || list[0].ID != older.ID {
		t.Fatalf("by phone = %+v %v", list, err)
	}
	if _, err := crm.GetConversation(b.ctx, b.db, "not-a-uuid"); !errors.Is(err, crm.ErrNotFound) {
		t.Fatalf("malformed id: %v, want ErrNotFound", err)
	}
	if _, err := crm.GetConversation(b.ctx, b.db, "00000000-0000-0000-0000-000000000000"); !errors.Is(err, crm.ErrNotFound) {
		t.Fatalf("unknown id: %v, want ErrNotFound", err)
	}
	got, err := crm.GetConversation(b.ctx, b.db, older.ID)
	if err != nil || len(got.Messages) != 1 || got.Mode != crm.ModeAI {
		t.Fatalf("get = %+v %v", got, err)
	}
}
