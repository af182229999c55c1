package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/cadence"
	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/inbox/budget"
)

// fakeClock is a clock a test sets.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func consented(at time.Time) *crm.Consent {
	return &crm.Consent{SMS: true, Text: "I agree to receive texts from Summit Home Services. Reply STOP to opt out.",
		CapturedAt: at, IP: "203.0.113.7"}
}

// TestLeadIntake: a form lead with consent is texted at once by the agent;
// the same external_id twice changes nothing; a lead who matches a contact
// by phone or email updates it; without consent nobody texts the lead and
// a rep is told instead; bad input names its field.
func TestLeadIntake(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	ib, reps := b.withDesk(t, hours.MustParse("24/7", "America/Denver"), nil)
	now := time.Now()

	in := crm.NewLead{Phone: "(970) 555-2201", Name: "Dana Reyes", Email: "Dana@Example.com", Source: "facebook_ad",
		Message: "how much is a furnace tune-up?", ExternalID: "fb-1001", Consent: consented(now)}
	got, err := ib.ReceiveLead(b.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !got.NewContact || got.Repeat || got.FirstTouch != inbox.FirstTouchQueued || got.Contact.Phone != "+19705552201" ||
		got.Contact.Email != "dana@example.com" {
		t.Fatalf("new lead = %+v", got)
	}
	first := b.replies(t, "+19705552201", 1)[0]
	for _, want := range []string{"Hi Dana", "AI assistant", "$129", "?"} {
		if !strings.Contains(first.Body, want) {
			t.Errorf("first touch %q lacks %q", first.Body, want)
		}
	}
	b.settle(t)
	lead, err := crm.GetLead(b.ctx, b.db, got.Lead.ID)
	if err != nil || lead.FirstTouchAt == nil || lead.FirstTouchMessageID == "" || !lead.SMSConsent {
		t.Fatalf("lead after the first touch = %+v (%v)", lead, err)
	}
	if run, ok, err := cadence.ActiveRun(b.ctx, b.db, lead.ConversationID); err != nil || !ok || run.NextStep != 0 {
		t.Fatalf("cadence = %+v %v %v", run, ok, err)
	}
	var evidence string
	if err := b.db.QueryRow(b.ctx, `SELECT text || ' @ ' || ip FROM consents WHERE lead_id = $1`, lead.ID).Scan(&evidence); err != nil ||
		!strings.Contains(evidence, "I agree to receive texts") || !strings.HasSuffix(evidence, "203.0.113.7") {
		t.Fatalf("consent evidence = %q (%v)", evidence, err)
	}

	// The ad platform retries: nothing changes, nothing more is sent.
	again, err := ib.ReceiveLead(b.ctx, in)
	if err != nil || !again.Repeat || again.Lead.ID != got.Lead.ID {
		t.Fatalf("repeat = %+v (%v)", again, err)
	}
	b.settle(t)
	if n := len(b.sandbox.MessagesTo("+19705552201")); n != 1 {
		t.Fatalf("a retried delivery of the lead sent %d texts in all, want the 1 first touch", n)
	}
	// A second form from the same person by email, with a new phone: the
	// contact is updated, not duplicated, and the merge is on the timeline.
	merged, err := ib.ReceiveLead(b.ctx, crm.NewLead{Phone: "+19705552202", Email: "dana@example.com", Source: "google_ads",
		Message: "also, do you do water heaters?", Consent: consented(now)})
	if err != nil || merged.NewContact || merged.Contact.ID != got.Contact.ID || merged.Contact.Phone != "+19705552202" ||
		merged.Contact.Source != "facebook_ad" {
		t.Fatalf("merge = %+v (%v)", merged, err)
	}
	b.settle(t)
	var contacts int
	if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM contacts`).Scan(&contacts); err != nil || contacts != 1 {
		t.Fatalf("contacts = %d (%v)", contacts, err)
	}
	v := b.conversation(t, "+19705552202")
	if !hasEvent(v, crm.EventLeadMerged) || !hasEvent(v, inbox.EventCadenceStarted) {
		t.Fatalf("merge timeline: %v", v.Timeline)
	}
	// The new form's question gets its own first touch, at the new phone;
	// the cadence already running goes on (one per conversation).
	if n := len(b.sandbox.MessagesTo("+19705552202")); n != 1 {
		t.Fatalf("the second form got %d first touches", n)
	}
	var runs int
	if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM cadence_runs`).Scan(&runs); err != nil || runs != 1 {
		t.Fatalf("cadence runs = %d (%v)", runs, err)
	}

	// No consent: the lead is not texted; the owner is told to call.
	noConsent, err := ib.ReceiveLead(b.ctx, crm.NewLead{Phone: "+19705552203", Name: "Sam Lee", Source: "walk_in",
		Message: "need a new AC", OwnerEmail: "", Consent: &crm.Consent{SMS: false, Text: "no texts please", CapturedAt: now}})
	if err != nil || noConsent.FirstTouch != inbox.FirstTouchNoConsent {
		t.Fatalf("no consent = %+v (%v)", noConsent, err)
	}
	b.settle(t)
	if n := len(b.sandbox.MessagesTo("+19705552203")); n != 0 {
		t.Fatalf("a lead without consent was texted %d times", n)
	}
	told := 0
	for _, r := range reps {
		for _, m := range b.sandbox.MessagesTo(r.Phone) {
			if strings.Contains(m.Body, "no SMS consent") && strings.Contains(m.Body, "+19705552203") {
				told++
			}
		}
	}
	if told != 1 {
		t.Fatalf("reps told of the lead without consent: %d", told)
	}

	var invalid *crm.InvalidError
	for _, bad := range []struct {
		lead  crm.NewLead
		field string
	}{
		{crm.NewLead{Phone: "12"}, "phone"},
		{crm.NewLead{}, "phone"},
		{crm.NewLead{Phone: "+19705552204", Email: "dana at example"}, "email"},
		{crm.NewLead{Phone: "+19705552204", Consent: &crm.Consent{SMS: true, CapturedAt: now}}, "consent.text"},
		{crm.NewLead{Phone: "+19705552204", Consent: &crm.Consent{SMS: true, Text: "ok"}}, "consent.captured_at"},
		{crm.NewLead{Phone: "+19705552204", Consent: &crm.Consent{SMS: true, Text: "ok", CapturedAt: now, IP: "nope"}}, "consent.ip"},
	} {
		_, err := ib.ReceiveLead(b.ctx, bad.lead)
		if !errors.As(err, &invalid) || invalid.Field != bad.field {
			t.Errorf("%+v: %v, want an error about %s", bad.lead, err, bad.field)
		}
	}
}

// cadenceBundle runs the inbox on a test's clock, standing at 10:00 in
// Denver; River keeps the real time, and runScheduled stands in for the
// hours and days a cadence waits.
func cadenceBundle(t *testing.T, edits ...func(*testBundle)) (*testBundle, *inbox.Inbox, *fakeClock, map[string]crm.Rep) {
	t.Helper()
	b := setup(t, options{})
	for _, edit := range edits {
		edit(b)
	}
	denver, _ := time.LoadLocation("America/Denver")
	d := time.Now().In(denver)
	clock := &fakeClock{t: time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, denver)}
	ib, reps := b.withDesk(t, hours.MustParse("24/7", "America/Denver"), clock.now)
	return b, ib, clock, reps
}

// TestCadenceRunsToTheEnd: with nothing said back, the lead gets the first
// touch and every step, in order, once; then the cadence is complete.
func TestCadenceRunsToTheEnd(t *testing.T) {
	t.Parallel()
	b, ib, clock, _ := cadenceBundle(t)
	phone := "+19705552301"
	start := clock.now()
	if _, err := ib.ReceiveLead(b.ctx, crm.NewLead{Phone: phone, Name: "Dana Reyes", Message: "do you install heat pumps?",
		Consent: consented(start)}); err != nil {
		t.Fatal(err)
	}
	b.replies(t, phone, 1)
	for i, after := range []time.Duration{time.Hour, 24 * time.Hour, 72 * time.Hour, 7 * 24 * time.Hour} {
		b.settle(t)
		clock.set(start.Add(after))
		b.runScheduled(t, "follow_up")
		b.replies(t, phone, i+2)
	}
	b.settle(t)
	msgs := b.sandbox.MessagesTo(phone)
	if len(msgs) != 5 {
		t.Fatalf("%d texts, want the first touch and 4 steps", len(msgs))
	}
	if !strings.Contains(msgs[1].Body, "following up on your message (\"do you install heat pumps\")") ||
		!strings.Contains(msgs[2].Body, "Any questions I can answer about do you install heat pumps") ||
		!strings.Contains(msgs[4].Body, "last check-in") {
		t.Fatalf("steps:\n%s\n%s\n%s", msgs[1].Body, msgs[2].Body, msgs[4].Body)
	}
	v := b.conversation(t, phone)
	if _, ok, err := cadence.ActiveRun(b.ctx, b.db, v.ID); err != nil || ok {
		t.Fatalf("a finished cadence is still active (%v)", err)
	}
	var state string
	var sent int
	if err := b.db.QueryRow(b.ctx, `SELECT state, next_step FROM cadence_runs WHERE conversation_id = $1`, v.ID).Scan(&state, &sent); err != nil ||
		state != cadence.StateCompleted || sent != 4 {
		t.Fatalf("run: %s, %d sent (%v)", state, sent, err)
	}
	if !hasEvent(v, inbox.EventCadenceCompleted) {
		t.Fatal("no completion on the timeline")
	}
}

// TestCadenceStops is each stop condition: nothing is sent once the lead
// replied, opted out (even without a STOP through us), was handed off, or
// the conversation was closed.
func TestCadenceStops(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		before func(b *testBundle, ib *inbox.Inbox, v crm.Conversation, reps map[string]crm.Rep) error
		reason string
		texts  int // texts to the lead in all, besides the first touch
	}{
		{"replied", func(b *testBundle, ib *inbox.Inbox, v crm.Conversation, _ map[string]crm.Rep) error {
			_, err := b.lead(v.Contact.Phone).Text(b.ctx, "Tuesday works, thanks")
			return err
		}, cadence.StopReplied, 1},
		{"opted out at the carrier", func(b *testBundle, ib *inbox.Inbox, v crm.Conversation, _ map[string]crm.Rep) error {
			return crm.OptOut(b.ctx, b.db, v.Contact.ID, "21610", time.Now())
		}, cadence.StopOptedOut, 0},
		{"opted out in plain words", func(b *testBundle, ib *inbox.Inbox, v crm.Conversation, _ map[string]crm.Rep) error {
			_, err := b.lead(v.Contact.Phone).Text(b.ctx, "please stop texting me")
			return err
		}, cadence.StopOptedOut, 1}, // the confirmation
		{"taken over", func(b *testBundle, ib *inbox.Inbox, v crm.Conversation, reps map[string]crm.Rep) error {
			return ib.Takeover(b.ctx, v.ID, handoff.Actor{RepID: reps["Alex"].ID, Name: "Alex Rivera"})
		}, cadence.StopHandedOff, 0},
		{"taken over, then handed back", func(b *testBundle, ib *inbox.Inbox, v crm.Conversation, reps map[string]crm.Rep) error {
			alex := handoff.Actor{RepID: reps["Alex"].ID, Name: "Alex Rivera"}
			if err := ib.Takeover(b.ctx, v.ID, alex); err != nil {
				return err
			}
			return ib.Handback(b.ctx, v.ID, alex)
		}, cadence.StopHandedOff, 0},
		{"closed", func(b *testBundle, ib *inbox.Inbox, v crm.Conversation, _ map[string]crm.Rep) error {
			return ib.Close(b.ctx, v.ID, handoff.Actor{Admin: true, Name: "admin"}, "not_interested")
		}, cadence.StopClosed, 0},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, ib, clock, reps := cadenceBundle(t)
			phone := fmt.Sprintf("+1970555240%d", i)
			// 22:00 for the lead: the first step (+1 h) finds quiet hours
			// and waits for 08:00.
			clock.set(clock.now().Add(12 * time.Hour))
			got, err := ib.ReceiveLead(b.ctx, crm.NewLead{Phone: phone, Name: "Dana", Consent: consented(clock.now())})
			if err != nil {
				t.Fatal(err)
			}
			b.replies(t, phone, 1)
			b.settle(t)
			clock.set(clock.now().Add(time.Hour))
			b.runScheduled(t, "follow_up")
			b.settle(t)
			v := b.conversation(t, phone)
			if !hasEvent(v, inbox.EventCadenceWaiting) {
				t.Fatalf("no quiet-hours wait on the timeline: %+v", v.Timeline)
			}
			if err := tt.before(b, ib, v, reps); err != nil {
				t.Fatal(err)
			}
			// Morning: the waiting step is due.
			clock.set(clock.now().Add(10 * time.Hour))
			b.runScheduled(t, "follow_up")
			b.settle(t)
			if n := len(b.sandbox.MessagesTo(phone)) - 1; n != tt.texts {
				t.Fatalf("%d texts after the first touch, want %d", n, tt.texts)
			}
			var state, reason string
			if err := b.db.QueryRow(b.ctx, `SELECT state, stop_reason FROM cadence_runs WHERE lead_id = $1`, got.Lead.ID).Scan(&state, &reason); err != nil ||
				state != cadence.StateStopped || reason != tt.reason {
				t.Fatalf("run: %s %q (%v), want stopped %q", state, reason, err, tt.reason)
			}
		})
	}
}

// runScheduled makes River's scheduled jobs of a kind due now: the test's
// stand-in for time passing, with clock.set moving the inbox's clock.
func (b *testBundle) runScheduled(t testing.TB, kind string) {
	t.Helper()
	if _, err := b.db.Exec(b.ctx, `UPDATE river_job SET state = 'available', scheduled_at = now() - interval '1 second'
		WHERE state = 'scheduled' AND kind = $1`, kind); err != nil {
		t.Fatal(err)
	}
}

// TestQuietHours: a step due at 23:00 in the lead's zone (New York, while
// the business is in Denver) waits until 08:00 there.
func TestQuietHours(t *testing.T) {
	t.Parallel()
	b, ib, clock, _ := cadenceBundle(t)
	ny, _ := time.LoadLocation("America/New_York")
	d := clock.now().In(ny)
	clock.set(time.Date(d.Year(), d.Month(), d.Day(), 22, 30, 0, 0, ny))
	phone := "+12125552501"
	got, err := ib.ReceiveLead(b.ctx, crm.NewLead{Phone: phone, Name: "Dana", Consent: consented(clock.now())})
	if err != nil {
		t.Fatal(err)
	}
	b.replies(t, phone, 1) // the first touch answers the lead's own form: not held
	b.settle(t)
	clock.set(clock.now().Add(time.Hour)) // 23:30 in New York, 21:30 in Denver
	b.runScheduled(t, "follow_up")
	b.settle(t)
	var nextAt time.Time
	if err := b.db.QueryRow(b.ctx, `SELECT next_at FROM cadence_runs WHERE lead_id = $1`, got.Lead.ID).Scan(&nextAt); err != nil {
		t.Fatal(err)
	}
	want := time.Date(d.Year(), d.Month(), d.Day()+1, 8, 0, 0, 0, ny)
	if !nextAt.Equal(want) || len(b.sandbox.MessagesTo(phone)) != 1 {
		t.Fatalf("next step at %v, want %v; texts %d", nextAt.In(ny), want, len(b.sandbox.MessagesTo(phone)))
	}
	var scheduled time.Time
	if err := b.db.QueryRow(b.ctx, `SELECT scheduled_at FROM river_job WHERE kind = 'follow_up' AND state = 'scheduled'`).Scan(&scheduled); err != nil {
		t.Fatal(err)
	}
	if d := scheduled.Sub(time.Now()); d < 8*time.Hour || d > 9*time.Hour {
		t.Fatalf("the held step runs in %v, want the 8.5 h to 08:00", d)
	}
}

// TestCadenceSurvivesARestart: the workers stop after the first step and
// others start: every step goes out, none twice.
func TestCadenceSurvivesARestart(t *testing.T) {
	t.Parallel()
	b, ib, clock, _ := cadenceBundle(t)
	phone := "+19705552601"
	start := clock.now()
	if _, err := ib.ReceiveLead(b.ctx, crm.NewLead{Phone: phone, Name: "Dana", Consent: consented(start)}); err != nil {
		t.Fatal(err)
	}
	b.replies(t, phone, 1)
	b.settle(t)
	clock.set(start.Add(time.Hour))
	b.runScheduled(t, "follow_up")
	b.replies(t, phone, 2)
	b.settle(t)
	stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ib.Stop(stop); err != nil {
		t.Fatal(err)
	}
	// Down for the day: step 2 comes due while no worker runs; a new
	// process comes up and sends it, and the rest, once each.
	clock.set(start.Add(24 * time.Hour))
	b.runScheduled(t, "follow_up")
	next := b.newInboxWith(t, func(c *inbox.Config) { c.Now = clock.now })
	b.swapReceiver(next)
	b.replies(t, phone, 3)
	for i, after := range []time.Duration{72 * time.Hour, 7 * 24 * time.Hour} {
		b.settle(t)
		clock.set(start.Add(after))
		b.runScheduled(t, "follow_up")
		b.replies(t, phone, i+4)
	}
	b.settle(t)
	seen := map[string]bool{}
	for _, m := range b.sandbox.MessagesTo(phone) {
		if seen[m.Body] {
			t.Fatalf("sent twice: %q", m.Body)
		}
		seen[m.Body] = true
	}
	if n := len(b.sandbox.MessagesTo(phone)); n != 5 {
		t.Fatalf("%d texts, want 5", n)
	}
}

// TestLeadBurst: 1,000 leads in well under a minute are all texted once,
// in the order they arrived, at the configured send rate.
func TestLeadBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("a thousand leads")
	}
	t.Parallel()
	b := setup(t, options{})
	ib := b.newInboxWith(t, func(c *inbox.Config) {
		c.Budget = sendBudget(t, 400)
		c.Desk = handoff.NewDesk(handoff.DeskConfig{Hours: hours.MustParse("24/7", "UTC")})
	})
	const n = 1000
	phones := make([]string, n)
	for i := range phones {
		phones[i] = fmt.Sprintf("+1970%07d", 4000000+i)
		if _, err := ib.ReceiveLead(b.ctx, crm.NewLead{Phone: phones[i], Name: "Lead", Source: "burst", Consent: consented(time.Now())}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Minute)
	defer cancel()
	want := map[string]int{}
	for i, p := range phones {
		want[p] = i
	}
	msgs, err := b.sandbox.WaitUntil(ctx, func(all []sandbox.Message) bool { return len(all) >= n })
	if err != nil {
		t.Fatalf("first touches: %v (%d of %d)", err, len(msgs), n)
	}
	b.settle(t)
	msgs = b.sandbox.Messages()
	if len(msgs) != n {
		t.Fatalf("%d texts for %d leads", len(msgs), n)
	}
	for i, m := range msgs {
		if want[m.To] != i {
			t.Fatalf("text %d went to lead %d: out of order", i, want[m.To])
		}
	}
}

// sendBudget is the business number's send budget at perSecond segments a
// second, without bursts.
func sendBudget(t testing.TB, perSecond float64) *budget.Budget {
	t.Helper()
	b, err := budget.New(business, perSecond, 1)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// followUpGate holds the agent's follow-up turns until released, and
// answers everything else at once.
type followUpGate struct {
	inner   agent.Responder
	started chan struct{}
	release chan struct{}
}

func (g followUpGate) Turn(ctx context.Context, in agent.TurnInput) (agent.Reply, error) {
	if in.Purpose == agent.PurposeFollowUp {
		g.started <- struct{}{}
		<-g.release
	}
	return g.inner.Turn(ctx, in)
}

// TestFollowUpWritesOutsideTheLock: while the agent writes a follow-up, the
// lead's text is taken at once (the webhook does not wait for the agent),
// and the step, checked again before it goes, is not sent to a lead who
// just replied.
func TestFollowUpWritesOutsideTheLock(t *testing.T) {
	t.Parallel()
	b, ib, clock, _ := cadenceBundle(t, func(b *testBundle) {
		b.agent = followUpGate{inner: b.agent, started: make(chan struct{}, 1), release: make(chan struct{})}
	})
	gate := b.agent.(followUpGate)
	phone := "+19705552701"
	start := clock.now()
	if _, err := ib.ReceiveLead(b.ctx, crm.NewLead{Phone: phone, Name: "Dana", Consent: consented(start)}); err != nil {
		t.Fatal(err)
	}
	b.replies(t, phone, 1)
	b.settle(t)
	clock.set(start.Add(time.Hour))
	b.runScheduled(t, "follow_up")
	<-gate.started // the agent is writing step 1

	texted := make(chan error, 1)
	go func() { _, err := b.lead(phone).Text(b.ctx, "sorry, was busy. yes please call me"); texted <- err }()
	select {
	case err := <-texted:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		close(gate.release)
		t.Fatal("the lead's text waited for the agent writing a follow-up")
	}
	close(gate.release)
	b.settle(t)
	for _, m := range b.sandbox.MessagesTo(phone)[1:] {
		if strings.Contains(m.Body, "again") {
			t.Fatalf("the follow-up went out after the lead replied: %q", m.Body)
		}
	}
	var state, reason string
	if err := b.db.QueryRow(b.ctx, `SELECT state, stop_reason FROM cadence_runs WHERE conversation_id =
		(SELECT id FROM conversations WHERE contact_id = (SELECT id FROM contacts WHERE phone = $1))`, phone).Scan(&state, &reason); err != nil ||
		state != cadence.StateStopped || reason != cadence.StopReplied {
		t.Fatalf("run %s %q (%v)", state, reason, err)
	}
}

// TestFirstTouchSkips: no first touch for the same form twice in a day, a
// lead who opted out, or a lead who texted before the first touch went.
func TestFirstTouchSkips(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	ib, _ := b.withDesk(t, hours.MustParse("24/7", "UTC"), nil)
	now := time.Now()

	twice := crm.NewLead{Phone: "+19705552801", Name: "Dana", Message: "quote for a furnace please", Consent: consented(now)}
	if got, err := ib.ReceiveLead(b.ctx, twice); err != nil || got.FirstTouch != inbox.FirstTouchQueued {
		t.Fatalf("first form: %+v (%v)", got, err)
	}
	if got, err := ib.ReceiveLead(b.ctx, twice); err != nil || got.FirstTouch != inbox.FirstTouchRepeat {
		t.Fatalf("the same form again: %+v (%v)", got, err)
	}

	b.text(t, "+19705552802", "STOP")
	b.settle(t)
	if got, err := ib.ReceiveLead(b.ctx, crm.NewLead{Phone: "+19705552802", Consent: consented(now)}); err != nil ||
		got.FirstTouch != inbox.FirstTouchOptedOut {
		t.Fatalf("a lead who opted out: %+v (%v)", got, err)
	}

	// The lead texts between the form and its first touch: the agent
	// answers the text, and the first touch stands down. On a database of
	// its own where nothing works jobs until the text is in, so the first
	// touch cannot win the race (b's inbox above works every job of b's).
	g := setup(t, options{})
	desk := func(c *inbox.Config) {
		c.Desk = handoff.NewDesk(handoff.DeskConfig{Hours: hours.MustParse("24/7", "UTC")})
	}
	lead, err := g.inbox.ReceiveLead(g.ctx, crm.NewLead{Phone: "+19705552803", Name: "Sam", Consent: consented(now)})
	if err != nil {
		t.Fatal(err)
	}
	g.text(t, "+19705552803", "hi, what are your hours?")
	g.newInboxWith(t, desk)
	g.settle(t)
	v := g.conversation(t, "+19705552803")
	if !hasEvent(v, inbox.EventFirstTouchSkipped) {
		t.Fatalf("no first touch skipped on the timeline: %+v", v.Timeline)
	}
	if l, _ := crm.GetLead(g.ctx, g.db, lead.Lead.ID); l.FirstTouchMessageID != "" {
		t.Fatalf("a first touch was written after the lead texted")
	}
	if n := len(g.sandbox.MessagesTo("+19705552803")); n != 1 {
		t.Fatalf("%d texts to the lead who wrote first, want the 1 answer", n)
	}
	b.settle(t)
	if n := len(b.sandbox.MessagesTo("+19705552801")); n != 1 {
		t.Fatalf("the same form twice got %d first touches", n)
	}
	if n := len(b.sandbox.MessagesTo("+19705552802")); n != 0 {
		t.Fatalf("a lead who opted out was texted %d times", n)
	}
}
