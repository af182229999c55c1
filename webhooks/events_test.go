package webhooks_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/webhooks"
)

// TestEveryPublicEventType records one event of each public type with the
// detail types the product records them with, and checks what each
// payload carries. WEBHOOK_EXAMPLES=1 prints the payloads (the README's
// examples).
func TestEveryPublicEventType(t *testing.T) {
	t.Parallel()
	b := setup(t, webhooks.Config{})
	r := newReceiver(t)
	b.endpoint(t, r, crm.PublicEventTypes()...)
	ctx := b.ctx
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// A form lead, then the same person again.
	var rec crm.RecordedLead
	must(pgx.BeginFunc(ctx, b.db, func(tx pgx.Tx) error {
		var err error
		rec, err = crm.RecordLead(ctx, tx, crm.NewLead{Phone: "+19705550142", Name: "Dana Reyes", Email: "dana@example.com",
			Source: "facebook_ad", Message: "Quote for a new furnace?", ExternalID: "fb-lead-881",
			Consent: &crm.Consent{SMS: true, Text: "I agree to texts from Summit.", CapturedAt: time.Now()}}, "", true)
		if err != nil {
			return err
		}
		return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: rec.Lead.ConversationID, ContactID: rec.Contact.ID,
			Detail: crm.LeadCreated{LeadID: rec.Lead.ID, Source: "facebook_ad", SMSConsent: true}})
	}))
	must(pgx.BeginFunc(ctx, b.db, func(tx pgx.Tx) error {
		again, err := crm.RecordLead(ctx, tx, crm.NewLead{Phone: "+19705550142", Email: "dana@example.com", Source: "google"}, "", false)
		if err != nil {
			return err
		}
		return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: again.Lead.ConversationID, ContactID: again.Contact.ID,
			Detail: crm.LeadMerged{LeadID: again.Lead.ID, Changed: again.Changed}})
	}))
	v, in := b.inbound(t, b.db, "+19705550142", "Can someone come Tuesday?")
	ev := func(d crm.Detail) {
		must(crm.AddEvent(ctx, b.db, crm.NewEvent{ConversationID: v.ID, ContactID: v.ContactID, Detail: d}))
	}

	out, _, err := crm.RecordOutbound(ctx, b.db, crm.NewOutbound{ConversationID: v.ID, Author: crm.AuthorAI,
		Body: "Yes, Tuesday works. Morning or afternoon?", ReplyTo: in.ID, Outcome: "asked"})
	must(err)
	_, err = crm.MarkSent(ctx, b.db, out.ID, "SMd00d", "queued", time.Now())
	must(err)
	ev(crm.MessageSent{MessageID: out.ID, SID: "SMd00d"})
	ev(crm.CallEnded{CallSID: "CA5e1", CallID: "8f14e45f-ceea-467f-a0e6-1c4e7b3a9d2c", DurationSeconds: 94, Outcome: "answered", Status: "completed"})

	alex, err := crm.AddRep(ctx, b.db, crm.NewRep{Name: "Alex Rivera", Phone: "+19705550181"}, "US")
	must(err)
	must(crm.SetMode(ctx, b.db, v.ID, crm.ModeChange{Mode: crm.ModeHandoffPending, AssignedRepID: alex.ID, At: time.Now()}))
	ev(handoff.HandedOff{HandoffID: 7, Reason: "buying_intent", Detail: "asked for a quote",
		Summary: "Dana wants a furnace quote; free Tuesday."})
	must(crm.SetMode(ctx, b.db, v.ID, crm.ModeChange{Mode: crm.ModeHuman, AssignedRepID: alex.ID, At: time.Now()}))
	waited := 95
	ev(handoff.TakenOver{Rep: alex.Name, RepID: alex.ID, From: "handoff_pending", HandoffID: 7, WaitedSeconds: &waited})
	must(crm.SetMode(ctx, b.db, v.ID, crm.ModeChange{Mode: crm.ModeAI, At: time.Now()}))
	ev(handoff.HandedBack{By: alex.Name})
	ev(handoff.Closed{Outcome: "booked", By: alex.Name})
	ev(crm.OptedOut{Keyword: "STOP", MessageID: in.ID})
	ev(crm.OptedIn{Keyword: "START"})

	b.dispatch(t)
	for _, err := range b.deliverAll(t) {
		must(err)
	}
	got := map[string]map[string]any{}
	for range crm.PublicEventTypes() {
		p := r.next(t).payload
		got[p["type"].(string)] = p
	}
	r.none(t)

	checks := map[string][]string{
		crm.PublicLeadCreated:        {"contact.phone=+19705550142", "contact.name=Dana Reyes", "lead.source=facebook_ad", "lead.sms_consent=true", "lead.message=Quote for a new furnace?"},
		crm.PublicLeadMerged:         {"lead.source=google", "lead.merged=true"},
		crm.PublicMessageReceived:    {"message.body=Can someone come Tuesday?", "message.direction=inbound", "message.author=lead"},
		crm.PublicMessageSent:        {"message.body=Yes, Tuesday works. Morning or afternoon?", "message.direction=outbound", "message.author=ai"},
		crm.PublicCallCompleted:      {"call.duration_seconds=94", "call.status=completed"},
		crm.PublicHandoffOpened:      {"handoff.reason=buying_intent", "handoff.rep.name=Alex Rivera"},
		crm.PublicHandoffClaimed:     {"handoff.rep.name=Alex Rivera", "handoff.waited_seconds=95"},
		crm.PublicConversationBack:   {"by=Alex Rivera"},
		crm.PublicConversationClosed: {"outcome=booked"},
		crm.PublicContactOptedOut:    {"keyword=STOP"},
		crm.PublicContactOptedIn:     {"keyword=START"},
	}
	for typ, want := range checks {
		p := got[typ]
		if p == nil {
			t.Errorf("no %s delivered", typ)
			continue
		}
		data := p["data"]
		if fmt.Sprint(dig(data, "contact.id")) != v.ContactID {
			t.Errorf("%s: contact %v", typ, dig(data, "contact"))
		}
		for _, w := range want {
			path, value, _ := cut(w)
			if g := fmt.Sprint(dig(data, path)); g != value {
				t.Errorf("%s: data.%s = %q, want %q", typ, path, g, value)
			}
		}
	}
	if os.Getenv("WEBHOOK_EXAMPLES") != "" {
		for _, typ := range crm.PublicEventTypes() {
			out, _ := json.MarshalIndent(got[typ], "", "  ")
			fmt.Printf("#### %s\n\n```json\n%s\n```\n\n", typ, out)
		}
	}
}

func cut(s string) (string, string, bool) {
	for i := range s {
		if s[i] == '=' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// dig reads a dotted path of JSON objects.
func dig(v any, path string) any {
	start := 0
	for i := 0; i <= len(path); i++ {
		if i == len(path) || path[i] == '.' {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[path[start:i]]
			start = i + 1
		}
	}
	return v
}
