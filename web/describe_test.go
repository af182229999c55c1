package web

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
)

// TestStoredEventsDescribe is the timeline's contract with the rows
// already in the database: each kind's JSON as it has been stored reads
// into its package's type, says the words the console has always shown,
// and is written back with the same keys.
func TestStoredEventsDescribe(t *testing.T) {
	t.Parallel()
	kinds, err := eventKinds()
	if err != nil {
		t.Fatal(err)
	}
	next := time.Date(2025, 3, 4, 16, 0, 0, 0, time.UTC)
	tests := []struct {
		kind, stored, want string
	}{
		// handoff's
		{handoff.EventHandoff, `{"detail": "asked for a quote", "handoff_id": 7, "reason": "buying_intent", "rules_version": 1, "summary": "Wants a quote."}`,
			"Handed off: buying intent (asked for a quote)"},
		{handoff.EventRepNotified, `{"handoff_id": 7, "kind": "handoff", "notification_id": "n1", "rep": "Alex Rivera", "rep_id": "r1"}`,
			"Alex Rivera was texted the handoff"},
		{handoff.EventRepNotified, `{"kind": "lead_message", "notification_id": "n1", "rep": "Alex Rivera", "rep_id": "r1"}`,
			"Alex Rivera was texted that the lead wrote"},
		{handoff.EventRepNotified, `{"handoff_id": 7, "kind": "sla_next_rep", "notification_id": "n1", "rep": "Sam Lee", "rep_id": "r2"}`,
			"Sam Lee was texted: still unclaimed"},
		{handoff.EventRepNotified, `{"handoff_id": 7, "kind": "sla_admin", "notification_id": "n1", "rep": "Ann", "rep_id": "r3"}`,
			"Ann (admin) was texted: SLA missed"},
		{handoff.EventRepNotified, `{"kind": "new_lead", "lead_id": "l1", "notification_id": "n1", "rep": "Alex Rivera", "rep_id": "r1"}`,
			"Alex Rivera was texted to call the lead (no SMS consent)"},
		{handoff.EventNoRepOnDuty, `{"handoff_id": 7, "next_on_duty": "2025-03-04T16:00:00Z"}`,
			"Nobody on duty: the next rep will be texted at " + next.Local().Format("Mon Jan 2 15:04")},
		{handoff.EventNoRepOnDuty, `{"handoff_id": 7}`, "Nobody on duty, and no opening hours set"},
		{handoff.EventNoRepOnDuty, `{"kind": "new_lead", "lead_id": "l1"}`, "Nobody on duty, and no opening hours set"},
		{handoff.EventRepAssigned, `{"handoff_id": 7, "rep": "Alex Rivera", "rep_id": "r1"}`,
			"Alex Rivera came on duty and was given the handoff"},
		{handoff.EventSLANextRep, `{"handoff_id": 7, "rep": "Sam Lee", "rep_id": "r2", "waited_minutes": 10}`,
			"Unclaimed after 10 min: asked Sam Lee too"},
		{handoff.EventSLAAdmins, `{"admins": ["Ann"], "handoff_id": 7, "waited_minutes": 20}`,
			"Unclaimed after 20 min: the admins were told"},
		{handoff.EventTakenOver, `{"from": "handoff_pending", "handoff_id": 7, "rep": "Alex Rivera", "rep_id": "r1", "waited_seconds": 0}`,
			"Alex Rivera took over"},
		{handoff.EventTakenOver, `{"from": "ai", "rep": "Alex Rivera", "rep_id": "r1"}`, "Alex Rivera took over"},
		{handoff.EventHandedBack, `{"by": "Alex Rivera"}`, "Handed back to the agent by Alex Rivera"},
		{handoff.EventClosed, `{"by": "Alex Rivera", "outcome": "not_interested"}`, "Closed as not interested by Alex Rivera"},
		{handoff.EventNote, `{"by": "Alex Rivera", "rep_id": "r1", "text": "call after 5"}`, "Note by Alex Rivera"},
		{handoff.EventRepReplied, `{"by": "Alex Rivera", "message_id": "m1", "rep_id": "r1"}`, "rep replied"},

		// crm's
		{crm.EventMessageReceived, `{"media": 1, "message_id": "m1", "redacted": true, "redacted_earlier": "m0", "sid": "SM1"}`, "message received"},
		{crm.EventMessageReceived, `{"call_sid": "CA1", "confidence": 0.9, "message_id": "m1"}`, "message received"},
		{crm.EventReplyQueued, `{"author": "ai", "message_id": "m1", "outcome": "answered"}`, "reply queued"},
		{crm.EventMessageSent, `{"found_by": "status callback", "message_id": "m1", "sid": "SM1"}`, "message sent"},
		{crm.EventDeliveryStatus, `{"error_code": 30007, "message_id": "m1", "status": "undelivered"}`, "delivery status"},
		{crm.EventMessageFailed, `{"code": 30007, "error": "Carrier violation", "message_id": "m1"}`, "A text failed: Carrier violation"},
		{crm.EventOptedOut, `{"message_id": "m1", "phrase": "stop texting", "words": "please stop texting me"}`,
			`The lead opted out of texts: "please stop texting me"`},
		{crm.EventOptedOut, `{"keyword": "STOP", "message_id": "m1"}`, "The lead opted out of texts"},
		{crm.EventOptedOut, `{"code": 21610, "reason": "carrier reports unsubscribed"}`, "The lead opted out of texts"},
		{crm.EventOptedIn, `{"keyword": "START", "message_id": "m1"}`, "The lead opted back in"},
		{crm.EventSuppressed, `{"message_id": "m1", "reason": "opted out"}`, "Not sent: the lead opted out"},
		{crm.EventSuppressed, `{"lead_id": "l1", "reason": "opted out"}`, "Not sent: the lead opted out"},
		{crm.EventMediaReceived, `{}`, "The lead sent a picture"},
		{crm.EventPhoneUnparsed, `{"from": "12345"}`, "The sender's number could not be read: 12345"},
		{crm.EventLeadCreated, `{"after_hours": true, "lead_id": "l1", "message": "need a roof", "sms_consent": false, "source": "facebook_ad"}`,
			`New lead from facebook ad, no SMS consent: "need a roof"`},
		{crm.EventLeadCreated, `{"after_hours": false, "external_id": "x9", "lead_id": "l1", "message": "", "owner_unknown": "x@example.com", "sms_consent": true, "source": ""}`,
			"New lead"},
		{crm.EventLeadCreated, `{"after_hours": false, "email_consent": true, "lead_id": "l1", "message": "", "sms_consent": false, "source": "google"}`,
			"New lead from google, email consent only"},
		{crm.EventLeadMerged, `{"changed": ["name", "email"], "lead_id": "l1"}`, "The lead matched this contact (updated: [name email])"},
		{crm.EventStageChanged, `{"by": "Alex Rivera", "from": "new", "to": "customer", "why": "closed as booked"}`,
			"Stage: new → customer (closed as booked)"},
		{crm.EventStageChanged, `{"by": "Alex Rivera", "from": "new", "to": "not_interested", "why": ""}`, "Stage: new → not interested"},
		{crm.EventCallStarted, `{"call_id": "c1", "call_sid": "CA1"}`, "The lead called"},
		{crm.EventCallEnded, `{"call_id": "c1", "call_sid": "CA1", "duration_seconds": 42, "outcome": "answered_by_agent", "status": "completed"}`,
			"Call ended after 42 s: answered by agent"},
		// Deliberately new: the console said only "name learned".
		{crm.EventNameLearned, `{"message_id": "m1", "name": "Mike"}`, "Lead gave their name: Mike"},

		// inbox's
		{"agent_fallback", `{"reason": "timeout"}`, "The model failed (timeout); the offline agent answered"},
		{"guardrail", `{"rules": ["ai_disclosure", "unsupported_price", "a_new_rule"]}`,
			"A guardrail changed the reply: said it is the AI assistant; removed a price the knowledge does not give; a new rule"},
		{"handoff_requested", `{"reason": "buying_intent", "summary": "Wants a quote."}`, "The model asked for a person: Wants a quote."},
		{"callback_requested", `{"when": "tomorrow after 3"}`, "The lead asked for a call back tomorrow after 3"},
		{"first_touch", `{"lead_id": "l1", "message_id": "m1"}`, "First text to the lead written"},
		{"first_touch", `{"channel": "email", "lead_id": "l1", "message_id": "m1"}`, "First email to the lead written"},
		{"first_touch_skipped", `{"lead_id": "l1", "reason": "the same form came in earlier today"}`,
			"No first text: the same form came in earlier today"},
		{"first_touch_waiting", `{"law": "", "lead_id": "l1", "reason": "", "time_zone": "America/Denver", "until": "2025-03-04T15:00:00Z"}`,
			"First text held for quiet hours (America/Denver)"},
		{"cadence_started", `{"run_id": "run1", "steps": 3, "version": 2}`, "Follow-ups started (3 steps)"},
		{"cadence_step_sent", `{"message_id": "m1", "run_id": "run1", "step": 2}`, "Follow-up 2 sent"},
		{"cadence_step_sent", `{"channel": "email", "message_id": "m1", "run_id": "run1", "step": 2}`, "Follow-up 2 sent by email"},
		{"cadence_step_skipped", `{"reason": "opted out of email", "run_id": "run1", "step": 3}`, "Follow-up 3 skipped: opted out of email"},
		{"cadence_step_waiting", `{"law": "Fla. Stat. 501.059", "reason": "daily contact cap", "run_id": "run1", "state": "FL", "step": 2, "time_zone": "America/New_York", "until": "2025-03-05T13:00:00Z"}`,
			"Follow-up 2 held for daily contact cap in FL (America/New_York)"},
		{"cadence_stopped", `{"reason": "send_failed", "run_id": "run1", "step": 2}`, "Follow-ups stopped: send failed"},
		{"cadence_completed", `{"run_id": "run1", "step": 3, "steps": 3}`, "Follow-ups finished"},

		// email's (crm/email.go)
		{crm.EventEmailOptedOut, `{"via": "one_click"}`, "The lead unsubscribed from email"},
		{crm.EventEmailBounced, `{"address": "dana@example.com", "hard": true, "status": "5.1.1"}`, "An email bounced: the address does not exist"},
		{crm.EventEmailBounced, `{"address": "dana@example.com", "hard": false, "status": "4.2.2"}`, "An email bounced for now"},
		{crm.EventEmailAutoReply, `{"message_id": "m1"}`, "An automatic reply arrived (not answered)"},
		{crm.EventEmailReceived, `{"attachments": [{"content_type": "image/jpeg", "name": "unit.jpg", "size": 2048}], "kind": "personal", "message_id": "m1", "subject": "AC quote"}`,
			`Email: "AC quote" with 1 attachment(s) (not opened)`},

		// A kind nobody records any more reads as its name.
		{"wrapped_up", `{"by": "someone"}`, "wrapped up"},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.kind] = true
		e := crm.Event{ID: 1, Kind: tt.kind, Detail: json.RawMessage(tt.stored)}
		d, err := kinds.Detail(e)
		if err != nil {
			t.Errorf("%s %s: %v", tt.kind, tt.stored, err)
			continue
		}
		if got := d.Describe(); got != tt.want {
			t.Errorf("%s %s:\n got %q\nwant %q", tt.kind, tt.stored, got, tt.want)
		}
		if _, unknown := d.(crm.Unknown); unknown {
			continue
		}
		if d.EventKind() != tt.kind {
			t.Errorf("%s reads as a %s", tt.kind, d.EventKind())
		}
		// Written again, the detail has the keys it was stored with.
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := keys(t, b), keys(t, []byte(tt.stored)); !slices.Equal(got, want) {
			t.Errorf("%s writes keys %v, stored %v", tt.kind, got, want)
		}
	}
	for _, k := range kinds.Known() {
		if !covered[k] {
			t.Errorf("kind %q has no stored example here", k)
		}
	}
}

func keys(t *testing.T, b []byte) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestNoteShowsItsText: a rep's note is the one event whose words go
// under its line, apart from what it says.
func TestNoteShowsItsText(t *testing.T) {
	t.Parallel()
	kinds, err := eventKinds()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{events: kinds}
	at := time.Date(2025, 3, 4, 16, 0, 0, 0, time.UTC)
	items := s.timeline(conversationView{Conversation: crm.Conversation{Timeline: []crm.Event{
		{ID: 1, Kind: crm.EventMessageReceived, Detail: json.RawMessage(`{"message_id": "m1"}`), CreatedAt: at},
		{ID: 2, Kind: handoff.EventNote, Detail: json.RawMessage(`{"by": "Alex Rivera", "rep_id": "r1", "text": "call after 5"}`), CreatedAt: at},
	}}})
	if len(items) != 1 || items[0].Text != "Note by Alex Rivera" || items[0].Note != "call after 5" || items[0].Kind != handoff.EventNote {
		t.Fatalf("timeline %+v, want the note alone, its text apart", items)
	}
}
