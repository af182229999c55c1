package inbox_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/inbox"
)

// recordingAgent passes turns to the offline agent and keeps what it saw.
type recordingAgent struct {
	next  agent.Responder
	mu    sync.Mutex
	turns []agent.TurnInput
}

func (r *recordingAgent) Turn(ctx context.Context, in agent.TurnInput) (agent.Reply, error) {
	r.mu.Lock()
	r.turns = append(r.turns, in)
	r.mu.Unlock()
	return r.next.Turn(ctx, in)
}

func TestFragmentsGetOneReply(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	rec := &recordingAgent{next: b.agent}
	b.agent = rec
	ib := b.newInboxWith(t, func(c *inboxConfig) { c.Debounce = 1500 * time.Millisecond })
	b.swapReceiver(ib)

	phone := "+19705551201"
	b.text(t, phone, "hi")
	b.text(t, phone, "we need a furnace tune-up")
	b.text(t, phone, "how much is it?")
	b.replies(t, phone, 1)
	b.settle(t)
	if n := len(b.sandbox.MessagesTo(phone)); n != 1 {
		t.Fatalf("%d replies to three quick messages, want 1", n)
	}
	if len(rec.turns) != 1 {
		t.Fatalf("the agent ran %d turns, want 1", len(rec.turns))
	}
	if got := rec.turns[0].Text; !strings.Contains(got, "furnace tune-up") || !strings.Contains(got, "how much") {
		t.Fatalf("the turn read %q, want all three messages", got)
	}
	if !rec.turns[0].FirstTurn {
		t.Fatal("the first reply of a conversation must be marked FirstTurn")
	}
}

func TestTurnMetadataAndBackground(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	rec := &recordingAgent{next: b.agent}
	b.agent = rec
	ib := b.newInboxWith(t, func(c *inboxConfig) {
		c.Redact = func(s string) (string, bool) {
			return strings.ReplaceAll(s, "4111 1111 1111 1111", "[card]"), strings.Contains(s, "4111")
		}
	})
	b.swapReceiver(ib)

	phone := "+19705551202"
	// An earlier, closed conversation is the lead's background.
	c, err := crm.ContactByPhone(b.ctx, b.db, phone, "US")
	if err != nil {
		t.Fatal(err)
	}
	old, err := crm.OpenConversation(b.ctx, b.db, c.ID, "sms")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := crm.RecordInbound(b.ctx, b.db, crm.NewInbound{ConversationID: old.ID, Body: "asked about financing a furnace", ProviderSID: "SMold",
		ReceivedAt: time.Now().Add(-30 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Exec(b.ctx, `UPDATE conversations SET mode = 'closed' WHERE id = $1`, old.ID); err != nil {
		t.Fatal(err)
	}

	b.text(t, phone, "my card is 4111 1111 1111 1111, what are your hours?")
	b.replies(t, phone, 1)
	b.settle(t)
	if len(rec.turns) != 1 || len(rec.turns[0].Lead.Background) != 1 || !strings.Contains(rec.turns[0].Lead.Background[0], "financing") {
		t.Fatalf("background reaching the agent: %+v", rec.turns)
	}
	if strings.Contains(rec.turns[0].Text, "4111") {
		t.Fatalf("the agent saw the card number: %q", rec.turns[0].Text)
	}
	v := b.conversation(t, phone)
	if strings.Contains(v.Messages[0].Body, "4111") {
		t.Fatalf("card number stored: %q", v.Messages[0].Body)
	}
	out := v.Messages[1]
	if out.Turn == nil || out.Turn.AnsweredBy == "" || out.Turn.LatencyMS <= 0 || out.Turn.Signals == nil {
		t.Fatalf("reply without turn metadata: %+v", out.Turn)
	}
}

// scriptedAgent answers every turn with one reply, to test what the inbox
// records of the agent's requests.
type scriptedAgent struct{ reply agent.Reply }

func (s scriptedAgent) Turn(context.Context, agent.TurnInput) (agent.Reply, error) {
	return s.reply, nil
}

func TestAgentRequestsGoOnTheTimeline(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.agent = scriptedAgent{agent.Reply{
		Text: "Thanks! Someone from our team will follow up about your quote.", Outcome: agent.OutcomeHandoff,
		HandoffReason: agent.ReasonBuyingIntent, HandoffSummary: "Wants a quote for a new furnace.",
		Callback: "tomorrow after 3", Path: agent.PathLLM, Model: "scripted",
	}}
	b.swapReceiver(b.newInboxWith(t, func(*inboxConfig) {}))
	phone := "+19705551203"
	b.text(t, phone, "I want a quote for a new furnace, call me tomorrow after 3")
	b.replies(t, phone, 1)
	b.settle(t)
	v := b.conversation(t, phone)
	var handoff inbox.HandoffRequested
	var callback inbox.CallbackRequested
	for _, e := range v.Timeline {
		var err error
		switch e.Kind {
		case inbox.EventHandoffRequested:
			handoff, err = crm.DetailAs[inbox.HandoffRequested](e)
		case inbox.EventCallbackRequested:
			callback, err = crm.DetailAs[inbox.CallbackRequested](e)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if handoff.Reason != "buying_intent" || handoff.Summary != "Wants a quote for a new furnace." || callback.When != "tomorrow after 3" {
		t.Fatalf("timeline: handoff %v callback %v", handoff, callback)
	}
	if out := v.Messages[1]; out.Outcome != "handoff" || out.Turn == nil || out.Turn.Model != "scripted" || out.Turn.AnsweredBy != "llm" {
		t.Fatalf("reply recorded as %+v %+v", out, out.Turn)
	}
}
