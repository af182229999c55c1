package reports_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/reports"
)

// textIn records a conversation a lead started by texting at at; reply,
// when not zero, is how long the agent's answer took to be accepted.
func (f *fixture) textIn(contact string, at time.Time, reply time.Duration) string {
	v := f.conversation(contact, "ai", "")
	f.id(`INSERT INTO messages (conversation_id, direction, author, body, created_at) VALUES ($1, 'inbound', 'lead', 'hi', $2) RETURNING id::text`, v, at)
	if reply > 0 {
		f.id(`INSERT INTO messages (conversation_id, direction, author, body, status, created_at, sent_at)
			VALUES ($1, 'outbound', 'ai', 'Hello!', 'sent', $2, $3) RETURNING id::text`, v, at.Add(time.Second), at.Add(reply))
	}
	return v
}

// emailIn records a conversation a lead started by email at at; reply,
// when not zero, is how long the agent's answer took to be accepted by
// the mail server.
func (f *fixture) emailIn(contact string, at time.Time, reply time.Duration) {
	v := f.id(`INSERT INTO conversations (contact_id, channel, mode) VALUES ($1, 'email', 'ai') RETURNING id::text`, contact)
	f.id(`INSERT INTO messages (conversation_id, direction, author, body, channel, created_at)
		VALUES ($1, 'inbound', 'lead', 'Do you service Ford trucks?', 'email', $2) RETURNING id::text`, v, at)
	if reply > 0 {
		f.id(`INSERT INTO messages (conversation_id, direction, author, body, status, channel, created_at, sent_at)
			VALUES ($1, 'outbound', 'ai', 'We do.', 'sent', 'email', $2, $3) RETURNING id::text`, v, at.Add(time.Second), at.Add(reply))
	}
}

// callIn records a call a lead made at at, in a new conversation; spoke,
// when not zero, is when the agent answered in words.
func (f *fixture) callIn(contact string, at time.Time, spoke time.Duration) {
	v := f.conversation(contact, "ai", "")
	call := f.id(`INSERT INTO calls (call_sid, conversation_id, contact_id, started_at) VALUES ($1, $2, $3, $4) RETURNING id::text`,
		"CA"+contact, v, contact, at)
	f.id(`INSERT INTO messages (conversation_id, direction, author, body, channel, call_id, created_at)
		VALUES ($1, 'inbound', 'lead', 'my AC is out', 'voice', $2, $3) RETURNING id::text`, v, call, at.Add(5*time.Second))
	if spoke > 0 {
		f.id(`INSERT INTO messages (conversation_id, direction, author, body, status, channel, call_id, created_at)
			VALUES ($1, 'outbound', 'ai', 'I can help', 'spoken', 'voice', $2, $3) RETURNING id::text`, v, call, at.Add(spoke))
	}
}

func TestSummaryCountsEveryoneWhoReachedTheBusiness(t *testing.T) {
	t.Parallel()
	f := setup(t)
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	// Six people text in; the agent answers five of them.
	for i := range 6 {
		var reply time.Duration
		if i < 5 {
			reply = time.Duration(i+1) * 10 * time.Second
		}
		f.textIn(f.contact("", time.Time{}), at(i+2, 10), reply)
	}
	// Two call; the agent speaks to one.
	f.callIn(f.contact("", time.Time{}), at(12, 9), 8*time.Second)
	f.callIn(f.contact("", time.Time{}), at(13, 9), 0)
	// One writes an email, answered in a minute: an email lead, not a text.
	f.emailIn(f.contact("", time.Time{}), at(13, 11), time.Minute)
	// A form lead, whose conversation is not a second arrival.
	c := f.contact("google", time.Time{})
	v := f.conversation(c, "ai", "")
	f.lead(c, v, "google", true, false, at(14, 9), 30*time.Second)
	// A conversation the business started (an outbound first) is no arrival,
	// nor is a text before the range.
	out := f.conversation(f.contact("", time.Time{}), "ai", "")
	f.message(out, "outbound", "rep")
	f.textIn(f.contact("", time.Time{}), time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC), time.Second)

	got, err := reports.Summary(f.ctx, f.db, nov)
	if err != nil {
		t.Fatal(err)
	}
	if got.Leads != 10 {
		t.Errorf("leads = %d, want 10 (6 texts, 2 calls, 1 email, 1 form)", got.Leads)
	}
	if want := map[string]int{"form": 1, "text": 6, "email": 1, "call": 2}; compare(got.LeadsByChannel, want) != "" {
		t.Errorf("leads by channel = %v, want %v", got.LeadsByChannel, want)
	}
	if got.AIFirstResponse != rate(8, 10) || got.AIFirstResponseRate != 8.0/10 {
		t.Errorf("AI first response = %+v (%v), want 8 of 10", got.AIFirstResponse, got.AIFirstResponseRate)
	}
	if got.SpeedToLeadSeconds.Of != 8 || got.SpeedToLeadSeconds.P50 == nil || *got.SpeedToLeadSeconds.P50 != 30 {
		t.Errorf("speed to lead = %+v, want 8 samples, median 30 s", got.SpeedToLeadSeconds)
	}
	var none reports.SourceFigures
	for _, s := range got.BySource {
		if s.Source == "" {
			none = s
		}
	}
	if none.Leads != 9 || none.AIFirstResponse != rate(7, 9) {
		t.Errorf("source \"\" = %+v, want 9 leads, 7 answered", none)
	}
}

func TestSummaryCountsEachOptOut(t *testing.T) {
	t.Parallel()
	f := setup(t)
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	c := f.contact("facebook_ad", time.Time{})
	f.event(c, "opted_out", at(3, 9)) // STOP
	f.event(c, "opted_in", at(4, 9))  // START
	f.event(c, "opted_out", at(5, 9)) // STOP
	f.event(c, "opted_out", at(5, 10))
	f.event(c, "opted_in", at(6, 9)) // START: still two opt-outs
	// STOP again the next month, and one before: not November's.
	f.event(c, "opted_out", time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
	d := f.contact("", time.Time{})
	f.event(d, "opted_out", time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC))
	f.event(d, "opted_out", at(2, 9)) // a carrier's report while opted out already: not another
	// Unsubscribing from email is another channel's opt-out: not a repeat of
	// the texts' one before it, and the texts' STOP after it is not one of
	// email's.
	f.event(c, "email_opted_out", at(5, 11))
	f.event(c, "email_opted_out", at(7, 11)) // the same address again: not another

	got, err := reports.Summary(f.ctx, f.db, nov)
	if err != nil {
		t.Fatal(err)
	}
	if got.OptOuts != 3 {
		t.Errorf("opt-outs = %d, want 3 (STOP, START, STOP; one unsubscribe)", got.OptOuts)
	}
	if want := map[string]int{"sms": 2, "email": 1}; compare(got.OptOutsByChannel, want) != "" {
		t.Errorf("opt-outs by channel = %v, want %v", got.OptOutsByChannel, want)
	}
	if len(got.BySource) != 1 || got.BySource[0].Source != "facebook_ad" || got.BySource[0].OptOuts != 3 {
		t.Errorf("by source = %+v, want facebook_ad with 3", got.BySource)
	}
}

// TestCollectorCountsAsTheSummaryDoes: /metrics counts leads, first
// touches and opt-outs over all time as the summary counts them in a range.
func TestCollectorCountsAsTheSummaryDoes(t *testing.T) {
	t.Parallel()
	f := setup(t)
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	c := f.contact("", time.Time{})
	f.textIn(c, at(2, 9), 5*time.Second)
	f.textIn(f.contact("", time.Time{}), at(2, 10), 0)
	f.callIn(f.contact("", time.Time{}), at(3, 9), 2*time.Second)
	f.event(c, "opted_out", at(4, 9))
	f.event(c, "opted_in", at(5, 9))
	f.event(c, "opted_out", at(6, 9))
	f.event(c, "email_opted_out", at(6, 10))
	f.emailIn(f.contact("", time.Time{}), at(7, 9), 0)

	sum, err := reports.Summary(f.ctx, f.db, nov)
	if err != nil {
		t.Fatal(err)
	}
	got, err := scrape(t, reports.NewCollector(f.db), "leadagent_leads_total", "leadagent_first_touches_total", "leadagent_opt_outs_total")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		fmt.Sprintf(`leadagent_leads_total{source=""} %d`, sum.Leads),
		fmt.Sprintf("leadagent_first_touches_total %d", sum.AIFirstResponse.Count),
		fmt.Sprintf(`leadagent_opt_outs_total{channel="sms"} %d`, sum.OptOutsByChannel["sms"]),
		fmt.Sprintf(`leadagent_opt_outs_total{channel="email"} %d`, sum.OptOutsByChannel["email"]),
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, got)
		}
	}
	if sum.Leads != 4 || sum.AIFirstResponse.Count != 2 || sum.OptOuts != 3 || sum.OptOutsByChannel["email"] != 1 {
		t.Errorf("summary: %d leads, %d answered, %d opt-outs (%v); want 4, 2, 3 (one by email)",
			sum.Leads, sum.AIFirstResponse.Count, sum.OptOuts, sum.OptOutsByChannel)
	}
}
