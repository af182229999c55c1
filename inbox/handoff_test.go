package inbox_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/inbox"
)

// withDesk starts an inbox whose desk has the given hours and clock, with
// reps Alex and Sam on duty and Jordan as the admin to tell last.
func (b *testBundle) withDesk(t testing.TB, sched hours.Schedule, now func() time.Time, edits ...func(*inbox.Config)) (*inbox.Inbox, map[string]crm.Rep) {
	t.Helper()
	reps := map[string]crm.Rep{}
	for _, r := range []crm.NewRep{{Name: "Alex Rivera", Phone: "+19705550181"}, {Name: "Sam Ortiz", Phone: "+19705550182"},
		{Name: "Jordan Lee", Phone: "+19705550180"}} {
		rep, err := crm.AddRep(b.ctx, b.db, r, "US")
		if err != nil {
			t.Fatal(err)
		}
		reps[strings.Fields(r.Name)[0]] = rep
	}
	if _, err := auth.AddUser(b.ctx, b.db, auth.NewUser{Email: "jordan@example.com", Password: "long enough password",
		Role: auth.RoleAdmin, RepID: reps["Jordan"].ID}); err != nil {
		t.Fatal(err)
	}
	away := false
	if _, err := crm.SetRepDuty(b.ctx, b.db, reps["Jordan"].ID, crm.RepDuty{Active: &away}); err != nil {
		t.Fatal(err)
	}
	desk := handoff.NewDesk(handoff.DeskConfig{Hours: sched, BusinessName: "Summit", ConsoleURL: "https://leads.example.com", Now: now,
		Admins: func(ctx context.Context, db crm.DB) ([]crm.Rep, error) {
			r, err := crm.GetRep(ctx, db, reps["Jordan"].ID)
			return []crm.Rep{r}, err
		}})
	ib := b.newInboxWith(t, func(c *inbox.Config) {
		c.Desk, c.Now = desk, now
		for _, edit := range edits {
			edit(c)
		}
	})
	b.swapReceiver(ib)
	return ib, reps
}

// TestHandoffEndToEnd is the whole flow of issue 5 on real parts: buying
// intent hands off, the rep is texted the summary and the lead one holding
// message; the agent stays silent while the rep has it; the rep takes
// over and replies as the business; handed back, the agent answers again.
func TestHandoffEndToEnd(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	ib, reps := b.withDesk(t, hours.MustParse("24/7", "America/Denver"), nil)
	phone, alex := "+19705552101", reps["Alex"]

	b.text(t, phone, "I'd like to get a quote for a new AC unit next week, budget around $7k")
	hold := b.replies(t, phone, 1)[0]
	if !strings.Contains(hold.Body, "a person will follow up shortly") {
		t.Fatalf("holding message = %q", hold.Body)
	}
	b.settle(t)
	toRep := b.sandbox.MessagesTo(alex.Phone)
	v := b.conversation(t, phone)
	if len(toRep) != 1 {
		t.Fatalf("rep got %d texts", len(toRep))
	}
	for _, want := range []string{"Summit: handoff, buying intent", phone, "Wants: ", "Budget: around $7k", "Timing: next week",
		"https://leads.example.com/console/c/" + v.ID} {
		if !strings.Contains(toRep[0].Body, want) {
			t.Errorf("rep's text lacks %q:\n%s", want, toRep[0].Body)
		}
	}
	if v.Mode != crm.ModeHandoffPending || v.AssignedRepID != alex.ID {
		t.Fatalf("after handoff: %s with %q", v.Mode, v.AssignedRepID)
	}
	out := v.Messages[1]
	if out.Outcome != "handoff" || out.Turn.Signals["handoff_reason"] != "buying_intent" {
		t.Fatalf("holding message recorded as %s / %v", out.Outcome, out.Turn.Signals)
	}

	// The lead writes again: no answer from the agent; the rep hears of it.
	b.text(t, phone, "also, are you free saturday?")
	b.settle(t)
	if n := len(b.sandbox.MessagesTo(phone)); n != 1 {
		t.Fatalf("the agent spoke after the handoff: %d messages to the lead", n)
	}
	if toRep = b.sandbox.MessagesTo(alex.Phone); len(toRep) != 2 || !strings.Contains(toRep[1].Body, `wrote: "also, are you free saturday?"`) {
		t.Fatalf("rep's texts: %+v", toRep)
	}

	actor := handoff.Actor{RepID: alex.ID, Name: alex.Name}
	if err := ib.Takeover(b.ctx, v.ID, actor); err != nil {
		t.Fatal(err)
	}
	if _, err := ib.Reply(b.ctx, v.ID, actor, "Hi, Alex from Summit here. Saturday at 10 works. Shall I book it?"); err != nil {
		t.Fatal(err)
	}
	got := b.replies(t, phone, 2)
	if got[1].Body != "Hi, Alex from Summit here. Saturday at 10 works. Shall I book it?" || got[1].From != business {
		t.Fatalf("rep's reply at the lead: %+v", got[1])
	}
	if err := ib.Handback(b.ctx, v.ID, actor); err != nil {
		t.Fatal(err)
	}
	b.text(t, phone, "what are your hours?")
	got = b.replies(t, phone, 3)
	b.settle(t)
	v = b.conversation(t, phone)
	last := v.Messages[len(v.Messages)-1]
	if v.Mode != crm.ModeAI || last.Author != crm.AuthorAI || got[2].Body != last.Body {
		t.Fatalf("after hand-back: %s, last by %s: %q", v.Mode, last.Author, last.Body)
	}
	h, err := handoff.LatestHandoff(b.ctx, b.db, v.ID)
	if err != nil || h.ClaimedBy != alex.ID || h.EndedHow != "handed_back" {
		t.Fatalf("handoff = %+v (%v)", h, err)
	}
}

// TestSLAThroughRiver runs the SLA's steps as River jobs: while nobody
// claims the handoff, ten minutes on (the desk's clock moved, the job made
// due) the next rep is texted, ten more and the admin is.
func TestSLAThroughRiver(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	clock := &fakeClock{t: time.Now()}
	_, reps := b.withDesk(t, hours.MustParse("24/7", "UTC"), clock.now)
	phone := "+19705552102"
	b.text(t, phone, "can I talk to a real person please")
	b.replies(t, phone, 1)
	b.settle(t)
	wait := func(rep crm.Rep) []sandbox.Message {
		t.Helper()
		clock.set(clock.now().Add(10 * time.Minute))
		b.runScheduled(t, "sla")
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		if _, err := b.sandbox.WaitUntil(ctx, func([]sandbox.Message) bool { return len(b.sandbox.MessagesTo(rep.Phone)) == 1 }); err != nil {
			t.Fatalf("%s was never told: %v", rep.Name, err)
		}
		return b.sandbox.MessagesTo(rep.Phone)
	}
	first := b.sandbox.MessagesTo(reps["Alex"].Phone)
	second := wait(reps["Sam"])
	admin := wait(reps["Jordan"])
	b.settle(t)
	if len(first) != 1 || !strings.Contains(second[0].Body, "Unclaimed for 10 min.") ||
		!strings.Contains(admin[0].Body, "SLA missed: unclaimed for 20 min.") {
		t.Fatalf("texts: alex %v, sam %v, jordan %v", first, second, admin)
	}
	v := b.conversation(t, phone)
	for _, kind := range []string{handoff.EventHandoff, handoff.EventSLANextRep, handoff.EventSLAAdmins} {
		if !hasEvent(v, kind) {
			t.Errorf("no %s on the timeline", kind)
		}
	}
}

// gatedAgent answers only when the test lets it, so a rep can take over
// while the agent is thinking.
type gatedAgent struct {
	started chan struct{}
	release chan struct{}
	inner   agent.Responder
}

func (g gatedAgent) Turn(ctx context.Context, in agent.TurnInput) (agent.Reply, error) {
	g.started <- struct{}{}
	<-g.release
	return g.inner.Turn(ctx, in)
}

// TestAgentYieldsToARepMidTurn: a rep who takes over while the agent is
// writing its reply wins; the agent's reply is dropped, not sent.
func TestAgentYieldsToARepMidTurn(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	g := gatedAgent{started: make(chan struct{}, 1), release: make(chan struct{}), inner: b.agent}
	b.agent = g
	ib, reps := b.withDesk(t, hours.MustParse("24/7", "UTC"), nil)
	phone := "+19705552103"
	b.text(t, phone, "how much is a furnace tune-up?")
	<-g.started
	v := b.conversation(t, phone)
	if err := ib.Takeover(b.ctx, v.ID, handoff.Actor{RepID: reps["Sam"].ID, Name: "Sam Ortiz"}); err != nil {
		t.Fatal(err)
	}
	close(g.release)
	b.settle(t)
	if n := len(b.sandbox.MessagesTo(phone)); n != 0 {
		t.Fatalf("the agent answered a conversation a rep had taken: %d messages", n)
	}
	if v = b.conversation(t, phone); v.Mode != crm.ModeHuman || len(v.Messages) != 1 {
		t.Fatalf("after the race: %s, %d messages", v.Mode, len(v.Messages))
	}
}

// TestTwoUnknownAnswersHandOff: the second question in a row the
// knowledge cannot answer goes to a person.
func TestTwoUnknownAnswersHandOff(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	_, reps := b.withDesk(t, hours.MustParse("24/7", "UTC"), nil)
	phone := "+19705552104"
	b.text(t, phone, "do you groom dogs?")
	first := b.replies(t, phone, 1)[0]
	b.text(t, phone, "do you cater weddings?")
	second := b.replies(t, phone, 2)[1]
	b.settle(t)
	v := b.conversation(t, phone)
	if v.Messages[1].Outcome != "unknown" || v.Messages[3].Outcome != "handoff" || v.Mode != crm.ModeHandoffPending {
		t.Fatalf("outcomes %s, %s; mode %s\n%q\n%q", v.Messages[1].Outcome, v.Messages[3].Outcome, v.Mode, first.Body, second.Body)
	}
	h, err := handoff.LatestHandoff(b.ctx, b.db, v.ID)
	if err != nil || h.Reason != handoff.ReasonUnknownAnswer {
		t.Fatalf("handoff = %+v (%v)", h, err)
	}
	if len(b.sandbox.MessagesTo(reps["Alex"].Phone))+len(b.sandbox.MessagesTo(reps["Sam"].Phone)) != 1 {
		t.Fatal("no rep was texted")
	}
}

// TestRulesApplyWithoutRestart: an admin's saved rules decide the very next
// message of a running inbox; going back to the defaults does too.
func TestRulesApplyWithoutRestart(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.withDesk(t, hours.MustParse("24/7", "UTC"), nil)
	r := handoff.DefaultRules()
	r.BuyingIntent.Enabled = false
	if _, err := handoff.SaveRules(b.ctx, b.db, r, "dana@example.com", "quotes stay with the agent"); err != nil {
		t.Fatal(err)
	}
	b.text(t, "+19705552111", "I'd like to get a quote for a new furnace")
	b.replies(t, "+19705552111", 1)
	b.settle(t)
	if v := b.conversation(t, "+19705552111"); v.Mode != crm.ModeAI {
		t.Fatalf("buying intent handed off with the reason switched off: %s", v.Mode)
	}
	if err := handoff.ActivateRules(b.ctx, b.db, 0); err != nil {
		t.Fatal(err)
	}
	b.text(t, "+19705552112", "I'd like to get a quote for a new furnace")
	b.replies(t, "+19705552112", 1)
	b.settle(t)
	if v := b.conversation(t, "+19705552112"); v.Mode != crm.ModeHandoffPending {
		t.Fatalf("with the defaults back the same message is not handed off: %s", v.Mode)
	}
}
