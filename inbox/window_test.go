package inbox_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/leadagent/leadagent/cadence"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/inbox"
)

// weekendStart is Saturday 28 November 2026, 23:00 UTC: 18:00 in Tampa,
// 17:00 in Austin, 16:00 in Denver.
var weekendStart = time.Date(2026, 11, 28, 23, 0, 0, 0, time.UTC)

// TestContactWindowsOverAWeekend steps the clock hour by hour from
// Saturday evening to Monday through a Tampa, an Austin and a Denver lead
// who arrive at the same moment, with a cadence of five texts at +1 h,
// +2 h, +3 h, +15 h and +34 h: Tampa keeps to 08:00-20:00 and three
// automated texts in any 24 hours, Austin to 09:00-21:00 and noon on
// Sunday, Denver to 08:00-21:00.
func TestContactWindowsOverAWeekend(t *testing.T) {
	t.Parallel()
	b, ib, clock, _ := cadenceBundle(t)
	var c cadence.Cadence
	for i, after := range []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour, 15 * time.Hour, 34 * time.Hour} {
		c.Steps = append(c.Steps, cadence.Step{After: cadence.Duration(after), Channel: "sms",
			Message: fmt.Sprintf("Hi {{.FirstName}}, follow-up %d from {{.Business}}.", i+1)})
	}
	if _, err := cadence.Save(b.ctx, b.db, c, "test", "a weekend"); err != nil {
		t.Fatal(err)
	}
	clock.set(weekendStart)
	leads := []struct {
		city, phone string
		want        []string // when each automated text went out, UTC: the first touch, then the steps
	}{
		{"Tampa", "+18135550147", []string{
			"2026-11-28T23:00:00Z", // Sat 18:00: the first touch, at once
			"2026-11-29T00:00:00Z", // Sat 19:00
			"2026-11-29T13:00:00Z", // due Sat 20:00: Sun 08:00
			"2026-11-29T23:00:00Z", // three in 24 h: when the first touch is 24 h old (Sun 18:00)
			"2026-11-30T00:00:00Z", // three again: when step 1 is (Sun 19:00)
			"2026-11-30T13:00:00Z", // due Mon 04:00: 08:00
		}},
		{"Austin", "+15125550147", []string{
			"2026-11-28T23:00:00Z", // Sat 17:00
			"2026-11-29T00:00:00Z", // Sat 18:00
			"2026-11-29T01:00:00Z", // Sat 19:00
			"2026-11-29T02:00:00Z", // Sat 20:00: no cap in Texas
			"2026-11-29T18:00:00Z", // due Sun 08:00: noon on Sunday
			"2026-11-30T15:00:00Z", // due Mon 03:00: 09:00
		}},
		{"Denver", "+17205550147", []string{
			"2026-11-28T23:00:00Z", // Sat 16:00
			"2026-11-29T00:00:00Z", // Sat 17:00
			"2026-11-29T01:00:00Z", // Sat 18:00
			"2026-11-29T02:00:00Z", // Sat 19:00
			"2026-11-29T15:00:00Z", // due Sun 07:00: 08:00
			"2026-11-30T15:00:00Z", // due Mon 02:00: 08:00
		}},
	}
	for _, l := range leads {
		if _, err := ib.ReceiveLead(b.ctx, crm.NewLead{Phone: l.phone, Name: "Dana " + l.city, Message: "a quote for a new furnace",
			Consent: consented(weekendStart)}); err != nil {
			t.Fatal(err)
		}
	}
	for at := weekendStart; !at.After(weekendStart.Add(41 * time.Hour)); at = at.Add(time.Hour) {
		clock.set(at)
		b.runFollowUpsDue(t, at)
		b.settle(t)
	}
	for _, l := range leads {
		v := b.conversation(t, l.phone)
		var got []string
		for _, m := range v.Messages {
			if m.Direction == crm.Outbound && m.SentAt != nil {
				got = append(got, m.SentAt.UTC().Format(time.RFC3339))
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(l.want) {
			t.Errorf("%s: texts went out at\n%v\nwant\n%v", l.city, got, l.want)
		}
		if n := len(b.sandbox.MessagesTo(l.phone)); n != len(l.want) {
			t.Errorf("%s: %d texts at the provider, want %d", l.city, n, len(l.want))
		}
	}
	reasons := func(phone string) map[string]bool {
		out := map[string]bool{}
		for _, e := range b.conversation(t, phone).Timeline {
			if e.Kind == inbox.EventCadenceWaiting {
				d, err := crm.DetailAs[inbox.CadenceWaiting](e)
				if err != nil {
					t.Fatal(err)
				}
				out[d.State+"/"+d.Reason] = true
			}
		}
		return out
	}
	if r := reasons("+18135550147"); !r["FL/quiet hours"] || !r["FL/daily contact cap"] {
		t.Errorf("Tampa's waits on the timeline: %v", r)
	}
	if r := reasons("+15125550147"); !r["TX/quiet hours"] || len(r) != 1 {
		t.Errorf("Austin's waits on the timeline: %v", r)
	}
}

// runFollowUpsDue makes the follow-up jobs due by the inbox's clock at
// `at` run now, leaving later ones scheduled.
func (b *testBundle) runFollowUpsDue(t testing.TB, at time.Time) {
	t.Helper()
	if _, err := b.db.Exec(b.ctx, `UPDATE river_job SET state = 'available', scheduled_at = now() - interval '1 second'
		WHERE state = 'scheduled' AND kind = 'follow_up' AND (args->>'at')::bigint <= $1`, at.Unix()); err != nil {
		t.Fatal(err)
	}
}

// TestFirstTouchInWindow: by default a form lead's first touch goes at
// once, even at night; with FirstTouchInWindow it waits for the lead's
// window and goes when it opens.
func TestFirstTouchInWindow(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	clock := &fakeClock{}
	// Saturday 21:30 in Tampa: outside Florida's 08:00-20:00.
	night := time.Date(2026, 11, 29, 2, 30, 0, 0, time.UTC)
	clock.set(night)
	ib, _ := b.withDesk(t, hours.MustParse("24/7", "America/Denver"), clock.now, func(c *inbox.Config) { c.FirstTouchInWindow = true })
	phone := "+18135550148"
	if _, err := ib.ReceiveLead(b.ctx, crm.NewLead{Phone: phone, Name: "Dana", Message: "a quote please", Consent: consented(night)}); err != nil {
		t.Fatal(err)
	}
	b.settle(t)
	if n := len(b.sandbox.MessagesTo(phone)); n != 0 {
		t.Fatalf("%d texts at 21:30 in Florida, want none", n)
	}
	if !hasEvent(b.conversation(t, phone), inbox.EventFirstTouchWaiting) {
		t.Fatal("no wait on the timeline")
	}
	var scheduled time.Time
	if err := b.db.QueryRow(b.ctx, `SELECT scheduled_at FROM river_job WHERE kind = 'first_touch' AND state = 'scheduled'`).Scan(&scheduled); err != nil {
		t.Fatal(err)
	}
	if d := time.Until(scheduled); d < 10*time.Hour || d > 11*time.Hour {
		t.Fatalf("the first touch runs in %v, want the 10.5 h to 08:00", d)
	}
	clock.set(time.Date(2026, 11, 29, 13, 0, 0, 0, time.UTC)) // Sunday 08:00
	b.runScheduled(t, "first_touch")
	b.replies(t, phone, 1)

	// Without the setting, the same hour texts at once.
	other := setup(t, options{})
	ib2, _ := other.withDesk(t, hours.MustParse("24/7", "America/Denver"), func() time.Time { return night })
	if _, err := ib2.ReceiveLead(other.ctx, crm.NewLead{Phone: phone, Name: "Dana", Message: "a quote please", Consent: consented(night)}); err != nil {
		t.Fatal(err)
	}
	other.replies(t, phone, 1)
}
