package handoff_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/store/storetest"
)

// clock is a fake clock the desk reads.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type testBundle struct {
	ctx   context.Context
	db    *pgxpool.Pool
	clock *clock
	desk  *handoff.Desk
	reps  map[string]crm.Rep // by first name
}

// denver is the business's hours in every test: Mon-Fri 09:00-17:00 in
// America/Denver, so clock times written in UTC exercise the zone.
var denver = hours.MustParse("Mon-Fri 09:00-17:00", "America/Denver")

// setup returns a desk on a fresh database with three reps: Alex and Sam
// work business hours, Sam is also on call, and Jordan is away.
func setup(t *testing.T, admins ...string) *testBundle {
	t.Helper()
	b := &testBundle{ctx: context.Background(), db: storetest.NewDB(t), clock: &clock{t: utc("2026-12-01T17:00:00Z")},
		reps: map[string]crm.Rep{}}
	for _, r := range []crm.NewRep{
		{Name: "Alex Rivera", Phone: "+19705550181"},
		{Name: "Sam Ortiz", Phone: "+19705550182", OnCall: true},
		{Name: "Jordan Lee", Phone: "+19705550180"},
	} {
		rep, err := crm.AddRep(b.ctx, b.db, r, "US")
		if err != nil {
			t.Fatal(err)
		}
		b.reps[strings.Fields(r.Name)[0]] = rep
	}
	away := false
	if _, err := crm.SetRepDuty(b.ctx, b.db, b.reps["Jordan"].ID, crm.RepDuty{Active: &away}); err != nil {
		t.Fatal(err)
	}
	b.desk = handoff.NewDesk(handoff.DeskConfig{Hours: denver, BusinessName: "Summit", ConsoleURL: "https://leads.example.com/",
		Now: b.clock.now, Admins: func(ctx context.Context, db crm.DB) ([]crm.Rep, error) {
			var out []crm.Rep
			for _, name := range admins {
				out = append(out, b.reps[name])
			}
			return out, nil
		}})
	return b
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// lead makes a contact, optionally owned by a rep, with an open
// conversation the agent has.
func (b *testBundle) lead(t *testing.T, phone, name, owner string) crm.Conversation {
	t.Helper()
	c, err := crm.ContactByPhone(b.ctx, b.db, phone, "US")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Exec(b.ctx, `UPDATE contacts SET name = $2 WHERE id = $1`, c.ID, name); err != nil {
		t.Fatal(err)
	}
	if owner != "" {
		if err := crm.SetOwner(b.ctx, b.db, c.ID, b.reps[owner].ID); err != nil {
			t.Fatal(err)
		}
	}
	v, err := crm.OpenConversation(b.ctx, b.db, c.ID, "sms")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// tx runs fn on the conversation, locked, in a committed transaction.
func (b *testBundle) tx(t *testing.T, id string, fn func(tx pgx.Tx, conv crm.Conversation) error) error {
	t.Helper()
	return pgx.BeginFunc(b.ctx, b.db, func(tx pgx.Tx) error {
		conv, err := crm.LockConversation(b.ctx, tx, id)
		if err != nil {
			return err
		}
		return fn(tx, conv)
	})
}

func (b *testBundle) open(t *testing.T, v crm.Conversation, reason string) handoff.Opened {
	t.Helper()
	var out handoff.Opened
	err := b.tx(t, v.ID, func(tx pgx.Tx, conv crm.Conversation) error {
		var err error
		out, err = b.desk.Open(b.ctx, tx, handoff.OpenRequest{Conversation: conv,
			Decision: handoff.Decision{Handoff: true, Reason: reason, Detail: "test"},
			Summary:  handoff.Summary{Wants: "a quote on a new furnace", Timing: "next week", Next: "call to quote and book"}, SLAMinutes: 10})
		return err
	})
	if err != nil {
		t.Fatalf("open handoff: %v", err)
	}
	return out
}

func (b *testBundle) step(t *testing.T, do func(tx pgx.Tx) (handoff.Work, error)) handoff.Work {
	t.Helper()
	var w handoff.Work
	if err := pgx.BeginFunc(b.ctx, b.db, func(tx pgx.Tx) error {
		var err error
		w, err = do(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (b *testBundle) notification(t *testing.T, id string) handoff.Notification {
	t.Helper()
	var n handoff.Notification
	if err := pgx.BeginFunc(b.ctx, b.db, func(tx pgx.Tx) error {
		var err error
		n, err = handoff.LockNotification(b.ctx, tx, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRouting is who gets a handoff, by the clock: business hours in
// Denver while the clock is in UTC, the lead's owner first, round robin,
// the on-call rep after hours, and nobody (until the next opening) when
// nobody is on call.
func TestRouting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		at      string // UTC
		owner   string
		offCall bool   // Sam is taken off call first
		want    string // first name, "" for nobody
		nextAt  string // with nobody: the next opening, UTC
		holding string // in the lead's holding message
	}{
		// 17:00 UTC on a Tuesday in December is 10:00 MST: open.
		{name: "open, no owner: the rep assigned longest ago", at: "2026-12-01T17:00:00Z", want: "Alex", holding: "shortly"},
		{name: "open, owner on duty", at: "2026-12-01T17:00:00Z", owner: "Sam", want: "Sam"},
		{name: "open, owner away", at: "2026-12-01T17:00:00Z", owner: "Jordan", want: "Alex"},
		// 01:30 UTC Wednesday is 18:30 MST Tuesday: closed, Sam on call.
		{name: "evening: the on-call rep", at: "2026-12-02T01:30:00Z", want: "Sam", holding: "shortly"},
		{name: "evening, owner not on call", at: "2026-12-02T01:30:00Z", owner: "Alex", want: "Sam"},
		{name: "weekend: the on-call rep", at: "2026-12-05T18:00:00Z", want: "Sam"},
		// 15:59 UTC is 08:59 MST: one minute before opening.
		{name: "just before opening, nobody on call", at: "2026-12-01T15:59:00Z", offCall: true, want: "",
			nextAt: "2026-12-01T16:00:00Z", holding: "today at 9:00 AM"},
		{name: "friday night, nobody on call", at: "2026-12-05T02:00:00Z", offCall: true, want: "",
			nextAt: "2026-12-07T16:00:00Z", holding: "Monday at 9:00 AM"},
		// Summer time: 09:00 MDT is 15:00 UTC.
		{name: "summer evening, nobody on call", at: "2026-07-08T03:00:00Z", offCall: true, want: "",
			nextAt: "2026-07-08T15:00:00Z", holding: "tomorrow at 9:00 AM"},
		// The Sunday DST ends (Nov 1): Monday opens at 16:00 UTC.
		{name: "across the end of summer time", at: "2026-10-31T20:00:00Z", offCall: true, want: "",
			nextAt: "2026-11-02T16:00:00Z", holding: "Monday at 9:00 AM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			if tt.offCall {
				off := false
				if _, err := crm.SetRepDuty(b.ctx, b.db, b.reps["Sam"].ID, crm.RepDuty{OnCall: &off}); err != nil {
					t.Fatal(err)
				}
			}
			b.clock.set(utc(tt.at))
			out := b.open(t, b.lead(t, "+19705551001", "Dana Reyes", tt.owner), handoff.ReasonBuyingIntent)
			got := ""
			if out.Rep != nil {
				got = strings.Fields(out.Rep.Name)[0]
			}
			if got != tt.want {
				t.Fatalf("rep = %q, want %q", got, tt.want)
			}
			if tt.want == "" {
				if !out.NextOnDuty.Equal(utc(tt.nextAt)) || out.Work.Assign == nil || !out.Work.Assign.At.Equal(utc(tt.nextAt)) ||
					len(out.Work.Notify) != 0 || out.Work.SLA != nil {
					t.Fatalf("nobody on duty: next %v, work %+v", out.NextOnDuty, out.Work)
				}
			} else if len(out.Work.Notify) != 1 || out.Work.SLA == nil || !out.Work.SLA.At.Equal(utc(tt.at).Add(10*time.Minute)) {
				t.Fatalf("work = %+v", out.Work)
			}
			if tt.holding != "" && !strings.Contains(out.Holding, "a person will follow up "+tt.holding) {
				t.Fatalf("holding = %q, want it to say %q", out.Holding, tt.holding)
			}
		})
	}
}

// TestRoundRobin spreads handoffs over the reps on duty, in turn.
func TestRoundRobin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var got []string
	for i, phone := range []string{"+19705551011", "+19705551012", "+19705551013", "+19705551014"} {
		b.clock.set(utc("2026-12-01T17:00:00Z").Add(time.Duration(i) * time.Minute))
		out := b.open(t, b.lead(t, phone, "", ""), handoff.ReasonHumanRequest)
		got = append(got, strings.Fields(out.Rep.Name)[0])
	}
	if strings.Join(got, " ") != "Alex Sam Alex Sam" {
		t.Fatalf("turns = %v", got)
	}
}

// TestNotificationText is what the rep reads on their lock screen.
func TestNotificationText(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := b.lead(t, "+19705551021", "Dana Reyes", "")
	out := b.open(t, v, handoff.ReasonBuyingIntent)
	n := b.notification(t, out.Work.Notify[0])
	want := "Summit: handoff, buying intent\n" +
		"Dana Reyes +19705551021\n" +
		"Wants: a quote on a new furnace\n" +
		"Timing: next week · Next: call to quote and book\n" +
		"https://leads.example.com/console/c/" + v.ID
	if n.Body != want || n.To != "+19705550181" || n.Kind != handoff.NotifyHandoff || n.Status != "pending" {
		t.Fatalf("notification = %+v\nbody:\n%s", n, n.Body)
	}
	if out.Holding != "Thanks, Dana! I've passed this to our team, and a person will follow up shortly. You can add any details here in the meantime." {
		t.Fatalf("holding = %q", out.Holding)
	}
	conv, err := crm.GetConversation(b.ctx, b.db, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if conv.Mode != crm.ModeHandoffPending || conv.AssignedRepID != b.reps["Alex"].ID {
		t.Fatalf("conversation = %s with %s", conv.Mode, conv.AssignedRepID)
	}
	// A second handoff while one is open is refused: the agent no longer has it.
	err = b.tx(t, v.ID, func(tx pgx.Tx, conv crm.Conversation) error {
		_, err := b.desk.Open(b.ctx, tx, handoff.OpenRequest{Conversation: conv, Decision: handoff.Decision{Handoff: true, Reason: "complaint"}})
		return err
	})
	if !errors.Is(err, handoff.ErrNotWithAgent) {
		t.Fatalf("second open: %v", err)
	}
}

// TestSLA widens the circle while nobody claims the handoff: the next rep
// on duty after the SLA, the admins after twice it; a claim stops it.
func TestSLA(t *testing.T) {
	t.Parallel()
	t.Run("unclaimed", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "Jordan")
		t0 := utc("2026-12-01T17:00:00Z")
		v := b.lead(t, "+19705551031", "Dana Reyes", "")
		out := b.open(t, v, handoff.ReasonBuyingIntent)
		id := out.Handoff.ID

		b.clock.set(t0.Add(10 * time.Minute))
		w := b.step(t, func(tx pgx.Tx) (handoff.Work, error) { return b.desk.SLA(b.ctx, tx, id, 1, 10) })
		if len(w.Notify) != 1 || w.SLA == nil || w.SLA.Step != 2 || !w.SLA.At.Equal(t0.Add(20*time.Minute)) {
			t.Fatalf("step 1 work = %+v", w)
		}
		if n := b.notification(t, w.Notify[0]); n.To != b.reps["Sam"].Phone || !strings.HasPrefix(n.Body, "Summit: Unclaimed for 10 min. handoff") {
			t.Fatalf("step 1 texted %s: %q", n.To, n.Body)
		}
		// The same step again (a retried job) does nothing.
		if w := b.step(t, func(tx pgx.Tx) (handoff.Work, error) { return b.desk.SLA(b.ctx, tx, id, 1, 10) }); len(w.Notify) != 0 || w.SLA != nil {
			t.Fatalf("step 1 twice = %+v", w)
		}
		b.clock.set(t0.Add(20 * time.Minute))
		w = b.step(t, func(tx pgx.Tx) (handoff.Work, error) { return b.desk.SLA(b.ctx, tx, id, 2, 10) })
		if len(w.Notify) != 1 || w.SLA != nil {
			t.Fatalf("step 2 work = %+v", w)
		}
		if n := b.notification(t, w.Notify[0]); n.To != b.reps["Jordan"].Phone || n.Kind != handoff.NotifyAdmin ||
			!strings.Contains(n.Body, "SLA missed: unclaimed for 20 min.") {
			t.Fatalf("step 2 texted %s: %q", n.To, n.Body)
		}
		conv, err := crm.GetConversation(b.ctx, b.db, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range conv.Timeline {
			kinds = append(kinds, e.Kind)
		}
		want := "handoff rep_notified rep_notified sla_next_rep rep_notified sla_admins"
		if strings.Join(kinds, " ") != want {
			t.Fatalf("timeline = %v\nwant %s", kinds, want)
		}
	})
	t.Run("claimed", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "Jordan")
		v := b.lead(t, "+19705551032", "", "")
		out := b.open(t, v, handoff.ReasonComplaint)
		b.clock.set(b.clock.now().Add(3 * time.Minute))
		if err := b.tx(t, v.ID, func(tx pgx.Tx, conv crm.Conversation) error {
			_, err := b.desk.Takeover(b.ctx, tx, conv, handoff.Actor{RepID: b.reps["Alex"].ID, Name: "Alex Rivera"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		b.clock.set(b.clock.now().Add(10 * time.Minute))
		for step := 1; step <= 2; step++ {
			if w := b.step(t, func(tx pgx.Tx) (handoff.Work, error) { return b.desk.SLA(b.ctx, tx, out.Handoff.ID, step, 10) }); len(w.Notify) != 0 {
				t.Fatalf("step %d after a claim = %+v", step, w)
			}
		}
		h, err := handoff.LatestHandoff(b.ctx, b.db, v.ID)
		if err != nil || h.ClaimedBy != b.reps["Alex"].ID || h.ClaimedAt == nil || h.ClaimedAt.Sub(h.CreatedAt) != 3*time.Minute || h.DueAt != nil {
			t.Fatalf("claimed handoff = %+v (%v)", h, err)
		}
	})
	t.Run("nobody else on duty", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "Jordan")
		b.clock.set(utc("2026-12-02T03:00:00Z")) // 20:00 MST: only Sam, on call
		out := b.open(t, b.lead(t, "+19705551033", "", ""), handoff.ReasonHumanRequest)
		if out.Rep == nil || out.Rep.Name != "Sam Ortiz" {
			t.Fatalf("rep = %+v", out.Rep)
		}
		b.clock.set(b.clock.now().Add(10 * time.Minute))
		w := b.step(t, func(tx pgx.Tx) (handoff.Work, error) { return b.desk.SLA(b.ctx, tx, out.Handoff.ID, 1, 10) })
		if len(w.Notify) != 1 || b.notification(t, w.Notify[0]).Kind != handoff.NotifyAdmin || w.SLA != nil {
			t.Fatalf("with nobody else on duty step 1 goes to the admins: %+v", w)
		}
	})
}

// TestNextRepComesOnDuty: a handoff that found nobody goes to the first
// rep on duty at the next opening, and its SLA starts then.
func TestNextRepComesOnDuty(t *testing.T) {
	t.Parallel()
	b := setup(t)
	off := false
	if _, err := crm.SetRepDuty(b.ctx, b.db, b.reps["Sam"].ID, crm.RepDuty{OnCall: &off}); err != nil {
		t.Fatal(err)
	}
	b.clock.set(utc("2026-12-02T04:00:00Z")) // 21:00 MST Tuesday
	v := b.lead(t, "+19705551041", "Dana Reyes", "Sam")
	out := b.open(t, v, handoff.ReasonBuyingIntent)
	if out.Rep != nil || out.Work.Assign == nil {
		t.Fatalf("opened = %+v", out)
	}
	if !strings.Contains(out.Holding, "tomorrow at 9:00 AM") {
		t.Fatalf("holding = %q", out.Holding)
	}
	// The assign job runs at the opening: Sam, the owner, is on duty now.
	b.clock.set(out.Work.Assign.At)
	w := b.step(t, func(tx pgx.Tx) (handoff.Work, error) { return b.desk.Assign(b.ctx, tx, out.Handoff.ID, 10) })
	if len(w.Notify) != 1 || w.SLA == nil || !w.SLA.At.Equal(utc("2026-12-02T16:10:00Z")) {
		t.Fatalf("assign work = %+v", w)
	}
	if n := b.notification(t, w.Notify[0]); n.To != b.reps["Sam"].Phone {
		t.Fatalf("texted %s", n.To)
	}
	conv, _ := crm.GetConversation(b.ctx, b.db, v.ID)
	if conv.AssignedRepID != b.reps["Sam"].ID || conv.Mode != crm.ModeHandoffPending {
		t.Fatalf("conversation %s with %s", conv.Mode, conv.AssignedRepID)
	}
	// Run again (a retried job): nothing more.
	if w := b.step(t, func(tx pgx.Tx) (handoff.Work, error) { return b.desk.Assign(b.ctx, tx, out.Handoff.ID, 10) }); len(w.Notify) != 0 {
		t.Fatalf("assign twice = %+v", w)
	}
}

// TestEveryRepAwayWhileOpen: a handoff that finds every rep away during
// business hours looks again a few minutes later, not at once and not
// every minute.
func TestEveryRepAwayWhileOpen(t *testing.T) {
	t.Parallel()
	b := setup(t)
	away := false
	for _, name := range []string{"Alex", "Sam"} {
		if _, err := crm.SetRepDuty(b.ctx, b.db, b.reps[name].ID, crm.RepDuty{Active: &away}); err != nil {
			t.Fatal(err)
		}
	}
	now := utc("2026-12-01T17:00:00Z") // 10:00 MST Tuesday: open
	b.clock.set(now)
	out := b.open(t, b.lead(t, "+19705551051", "Dana Reyes", ""), handoff.ReasonBuyingIntent)
	if out.Rep != nil || out.Work.Assign == nil || !out.Work.Assign.At.Equal(now.Add(5*time.Minute)) {
		t.Fatalf("opened with every rep away: rep %v, work %+v", out.Rep, out.Work)
	}
	b.clock.set(out.Work.Assign.At)
	w := b.step(t, func(tx pgx.Tx) (handoff.Work, error) { return b.desk.Assign(b.ctx, tx, out.Handoff.ID, 10) })
	if w.Assign == nil || !w.Assign.At.Equal(now.Add(10*time.Minute)) || len(w.Notify) != 0 {
		t.Fatalf("still nobody: work %+v", w)
	}
}

// TestLeadWrote: a lead who writes while a person has the conversation
// buzzes the rep once per quiet window, not once per text.
func TestLeadWrote(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := b.lead(t, "+19705551051", "Dana Reyes", "")
	b.open(t, v, handoff.ReasonHumanRequest)
	wrote := func(body string) handoff.Work {
		return b.step(t, func(tx pgx.Tx) (handoff.Work, error) {
			conv, err := crm.LockConversation(b.ctx, tx, v.ID)
			if err != nil {
				return handoff.Work{}, err
			}
			return b.desk.LeadWrote(b.ctx, tx, conv, crm.Message{Body: body})
		})
	}
	w := wrote("also, it's making a noise")
	if len(w.Notify) != 1 || !strings.Contains(b.notification(t, w.Notify[0]).Body, `Dana Reyes +19705551051 wrote: "also, it's making a noise"`) {
		t.Fatalf("first = %+v", w)
	}
	b.clock.set(b.clock.now().Add(2 * time.Minute))
	if w := wrote("hello?"); len(w.Notify) != 0 {
		t.Fatalf("within the quiet window = %+v", w)
	}
	b.clock.set(b.clock.now().Add(5 * time.Minute))
	if w := wrote("anyone?"); len(w.Notify) != 1 {
		t.Fatalf("after the quiet window = %+v", w)
	}
}

// TestRepActions is the table of who may do what, by the conversation's
// state: the errors the API answers 403 and 409 with.
func TestRepActions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := handoff.Actor{RepID: b.reps["Alex"].ID, Name: "Alex Rivera"}
	sam := handoff.Actor{RepID: b.reps["Sam"].ID, Name: "Sam Ortiz"}
	admin := handoff.Actor{Admin: true, Name: "dana@example.com"}
	v := b.lead(t, "+19705551061", "", "")
	b.open(t, v, handoff.ReasonBuyingIntent)
	act := func(fn func(tx pgx.Tx, conv crm.Conversation) error) error { return b.tx(t, v.ID, fn) }
	takeover := func(a handoff.Actor) error {
		return act(func(tx pgx.Tx, c crm.Conversation) error { _, err := b.desk.Takeover(b.ctx, tx, c, a); return err })
	}
	reply := func(a handoff.Actor) error {
		return act(func(tx pgx.Tx, c crm.Conversation) error { _, err := handoff.CanReply(c, a); return err })
	}
	handback := func(a handoff.Actor) error {
		return act(func(tx pgx.Tx, c crm.Conversation) error { _, err := b.desk.Handback(b.ctx, tx, c, a); return err })
	}
	closeAs := func(a handoff.Actor, outcome string) func() error {
		return func() error {
			return act(func(tx pgx.Tx, c crm.Conversation) error {
				_, err := b.desk.Close(b.ctx, tx, c, a, outcome)
				return err
			})
		}
	}
	var invalid *crm.InvalidError
	steps := []struct {
		name string
		do   func() error
		want error // nil, a sentinel, or errInvalid
	}{
		{"reply before anyone has it", func() error { return reply(alex) }, handoff.ErrNotClaimed},
		{"an admin without a rep cannot take over", func() error { return takeover(admin) }, errInvalid},
		{"alex takes over", func() error { return takeover(alex) }, nil},
		{"alex again: no change", func() error { return takeover(alex) }, nil},
		{"sam takes over", func() error { return takeover(sam) }, handoff.ErrClaimed},
		{"sam replies", func() error { return reply(sam) }, handoff.ErrForbidden},
		{"alex replies", func() error { return reply(alex) }, nil},
		{"an admin replies", func() error { return reply(admin) }, nil},
		{"sam hands back", func() error { return handback(sam) }, handoff.ErrForbidden},
		{"sam closes", closeAs(sam, "booked"), handoff.ErrForbidden},
		{"a made-up outcome", closeAs(alex, "won"), errInvalid},
		{"alex hands back", func() error { return handback(alex) }, nil},
		{"sam takes over now", func() error { return takeover(sam) }, nil},
		{"an admin closes", closeAs(admin, "not_interested"), nil},
		{"closed: takeover", func() error { return takeover(alex) }, handoff.ErrClosed},
		{"closed: reply", func() error { return reply(admin) }, handoff.ErrClosed},
		{"closed: hand back", func() error { return handback(admin) }, handoff.ErrClosed},
	}
	for _, s := range steps {
		err := s.do()
		switch {
		case s.want == errInvalid:
			if !errors.As(err, &invalid) {
				t.Fatalf("%s: %v, want bad input", s.name, err)
			}
		case !errors.Is(err, s.want) || (s.want == nil && err != nil):
			t.Fatalf("%s: %v, want %v", s.name, err, s.want)
		}
	}
}

var errInvalid = errors.New("invalid input")
