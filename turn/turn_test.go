package turn_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/turn"
)

var summit = turn.Business{Name: "Summit Home Services", Phone: "(970) 555-0100"}

func TestScreen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body     string
		optedOut bool
		want     turn.Action
		outcome  agent.Outcome
		replies  bool
	}{
		{"STOP", false, turn.OptOut, agent.OutcomeOptedOut, false},
		{" stop. ", false, turn.OptOut, agent.OutcomeOptedOut, false},
		{"please stop texting me", false, turn.OptOutInWords, agent.OutcomeOptedOut, true},
		{"take me off your list", false, turn.OptOutInWords, agent.OutcomeOptedOut, true},
		{"HELP", false, turn.Help, agent.OutcomeAnswered, true},
		{"START", true, turn.OptIn, "", false},
		{"yes", true, turn.OptIn, "", false},
		{"yes", false, turn.Agent, "", false}, // an answer to a question
		{"can you stop by tomorrow?", false, turn.Agent, "", false},
		{"I want to cancel my appointment", false, turn.Agent, "", false},
		{"how much is a tune-up?", false, turn.Agent, "", false},
	}
	for _, tt := range tests {
		got := turn.Screen(tt.body, tt.optedOut, summit)
		if got.Action != tt.want || got.Outcome != tt.outcome || (got.Reply != "") != tt.replies {
			t.Errorf("Screen(%q, opted out %v) = %+v; want action %v, outcome %q, reply %v", tt.body, tt.optedOut, got, tt.want, tt.outcome, tt.replies)
		}
	}
	if got := turn.Screen("HELP", false, summit).Reply; got != crm.HelpText(summit.Name, summit.Phone) {
		t.Errorf("HELP answered %q", got)
	}
}

// The confirmation fits one segment whatever the business is called.
func TestOptOutConfirmationIsOneSegment(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Summit Home Services", "", "A", "Peak Roofing & Exteriors",
		"The Very Long Name Heating, Cooling, Plumbing & Electrical Co.", "Café Plomería ☀", "Braces {and} [brackets] ~ ^ | \\"} {
		s := turn.Screen("please stop texting me", false, turn.Business{Name: name})
		if n, _ := agent.Segments(s.Reply); n != 1 {
			t.Errorf("confirmation for %q is %d segments: %q", name, n, s.Reply)
		}
	}
}

func TestPrepare(t *testing.T) {
	t.Parallel()
	var long []turn.Message
	for i := range 20 {
		from := agent.FromLead
		if i%2 == 1 {
			from = agent.FromAI
		}
		long = append(long, turn.Message{From: from, Text: fmt.Sprint(i)})
	}
	tests := []struct {
		name    string
		history []turn.Message
		want    int
		first   bool
	}{
		{"no history", nil, 0, true},
		{"the lead only", []turn.Message{{From: agent.FromLead, Text: "hi"}, {From: agent.FromSystem, Text: "HELP answer"}}, 2, true},
		{"the agent spoke", []turn.Message{{From: agent.FromLead, Text: "hi"}, {From: agent.FromAI, Text: "Hello!"}}, 2, false},
		{"empty bodies are left out", []turn.Message{{From: agent.FromLead, Text: ""}, {From: agent.FromAI, Text: ""}}, 0, false},
		{"the last twelve", long, turn.HistoryTurns, false},
	}
	for _, tt := range tests {
		got := turn.Prepare(turn.Input{Channel: agent.ChannelSMS, History: tt.history, Text: "now"})
		if len(got.History) != tt.want || got.FirstTurn != tt.first || got.Text != "now" || got.Channel != agent.ChannelSMS {
			t.Errorf("%s: %d messages, first turn %v; want %d, %v", tt.name, len(got.History), got.FirstTurn, tt.want, tt.first)
		}
	}
	if got := turn.Prepare(turn.Input{History: long}); got.History[0].Text != "8" || got.History[11].Text != "19" {
		t.Errorf("kept %v, want the last twelve", got.History)
	}
}

type scripted struct {
	reply agent.Reply
	saw   *agent.TurnInput
}

func (s scripted) Turn(_ context.Context, in agent.TurnInput) (agent.Reply, error) {
	if s.saw != nil {
		*s.saw = in
	}
	return s.reply, nil
}

func TestEscalate(t *testing.T) {
	t.Parallel()
	unknown := []turn.Message{{From: agent.FromLead, Text: "solar?"}, {From: agent.FromAI, Text: "I don't know.", Outcome: agent.OutcomeUnknown}}
	noHuman := handoff.DefaultRules()
	noHuman.Rule(handoff.ReasonHumanRequest).Enabled = false
	tests := []struct {
		name    string
		rules   handoff.Rules
		history []turn.Message
		reply   agent.Reply
		handoff string // the reason, "" for none
		outcome agent.Outcome
		text    string
	}{
		{"an answer stands", handoff.DefaultRules(), nil,
			agent.Reply{Text: "A tune-up is $129.", Outcome: agent.OutcomeAnswered, Citations: []int64{1}}, "", agent.OutcomeAnswered, "A tune-up is $129."},
		{"buying intent hands off", handoff.DefaultRules(), nil,
			agent.Reply{Text: "Sure!", Outcome: agent.OutcomeAnswered, Signals: agent.Signals{BuyingIntent: 0.9}}, "buying_intent", agent.OutcomeHandoff, "holding buying_intent"},
		{"a second unknown answer in a row hands off", handoff.DefaultRules(), unknown,
			agent.Reply{Text: "I don't know.", Outcome: agent.OutcomeUnknown}, "unknown_answer", agent.OutcomeHandoff, "holding unknown_answer"},
		{"a first unknown answer does not", handoff.DefaultRules(), nil,
			agent.Reply{Text: "I don't know.", Outcome: agent.OutcomeUnknown}, "", agent.OutcomeUnknown, "I don't know."},
		{"a model's request the rules allow hands off", handoff.DefaultRules(), nil,
			agent.Reply{Text: "Let me get someone.", Outcome: agent.OutcomeHandoff, HandoffReason: "human_request"}, "human_request", agent.OutcomeHandoff, "holding human_request"},
		{"a model's request the rules do not allow is a question", noHuman, nil,
			agent.Reply{Text: "Would you like a call?", Outcome: agent.OutcomeHandoff, HandoffReason: "human_request"}, "", agent.OutcomeAsked, "Would you like a call?"},
	}
	for _, tt := range tests {
		var saw agent.TurnInput
		tr, err := turn.Ask(context.Background(), scripted{reply: tt.reply, saw: &saw}, turn.Input{History: tt.history, Text: "hi"}, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		if saw.Text != "hi" || tr.Reply.Latency <= 0 {
			t.Errorf("%s: the agent saw %+v; latency %v", tt.name, saw, tr.Reply.Latency)
		}
		d, err := tr.Escalate(tt.rules, func(d handoff.Decision) (string, error) { return "holding " + d.Reason, nil })
		if err != nil {
			t.Fatal(err)
		}
		r := tr.Reply
		if d.Reason != tt.handoff || d.Handoff != (tt.handoff != "") || r.Outcome != tt.outcome || r.Text != tt.text {
			t.Errorf("%s: decision %+v, reply %q %s; want %q, %s %q", tt.name, d, r.Text, r.Outcome, tt.handoff, tt.outcome, tt.text)
		}
		if d.Handoff && (r.HandoffReason != d.Reason || r.Citations != nil) {
			t.Errorf("%s: a handed-off reply keeps %q %v", tt.name, r.HandoffReason, r.Citations)
		}
	}

	// A handoff that cannot be recorded fails the turn.
	tr := turn.Answered(turn.Input{Text: "I want to book"}, agent.Reply{Outcome: agent.OutcomeAnswered, Signals: agent.Signals{BuyingIntent: 1}})
	boom := errors.New("no desk")
	if _, err := tr.Escalate(handoff.DefaultRules(), func(handoff.Decision) (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Errorf("err = %v, want %v", err, boom)
	}
}

func TestUnknownStreak(t *testing.T) {
	t.Parallel()
	ai := func(o agent.Outcome) turn.Message { return turn.Message{From: agent.FromAI, Text: "x", Outcome: o} }
	lead := turn.Message{From: agent.FromLead, Text: "?"}
	rep := turn.Message{From: agent.FromRep, Text: "hi"}
	tests := []struct {
		history []turn.Message
		want    int
	}{
		{nil, 0},
		{[]turn.Message{lead, ai(agent.OutcomeUnknown)}, 1},
		{[]turn.Message{ai(agent.OutcomeUnknown), lead, ai(agent.OutcomeUnknown), lead}, 2},
		{[]turn.Message{ai(agent.OutcomeUnknown), ai(agent.OutcomeAnswered), ai(agent.OutcomeUnknown)}, 1},
		{[]turn.Message{ai(agent.OutcomeUnknown), rep, ai(agent.OutcomeUnknown)}, 2},
	}
	for i, tt := range tests {
		if got := turn.UnknownStreak(tt.history); got != tt.want {
			t.Errorf("%d: UnknownStreak = %d, want %d", i, got, tt.want)
		}
	}
}

// TestScreenedSend: what the product texts for a message under each
// setting: an opt-out in plain words always gets its confirmation; STOP,
// START and HELP get the product's answer only when it confirms keywords
// itself, Twilio's default handling answering them otherwise.
func TestScreenedSend(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body     string
		optedOut bool
		twilio   string
		self     string
	}{
		{"STOP", false, "", crm.OptOutConfirmation(summit.Name)},
		{"unsubscribe", false, "", crm.OptOutConfirmation(summit.Name)},
		{"please stop texting me", false, crm.OptOutConfirmation(summit.Name), crm.OptOutConfirmation(summit.Name)},
		{"START", true, "", crm.OptInConfirmation(summit.Name)},
		{"UNSTOP", true, "", crm.OptInConfirmation(summit.Name)},
		{"HELP", false, "", crm.HelpText(summit.Name, summit.Phone)},
		{"info", false, "", crm.HelpText(summit.Name, summit.Phone)},
		{"yes", false, "", ""}, // an answer: the agent's to write
		{"how much is a tune-up?", false, "", ""},
	}
	for _, tt := range tests {
		s := turn.Screen(tt.body, tt.optedOut, summit)
		if got := s.Send(turn.ConfirmByTwilio); got != tt.twilio {
			t.Errorf("%q with Twilio's handling sends %q, want %q", tt.body, got, tt.twilio)
		}
		if got := s.Send(turn.ConfirmBySelf); got != tt.self {
			t.Errorf("%q confirmed by the product sends %q, want %q", tt.body, got, tt.self)
		}
		if got := s.Send(turn.ConfirmBySelf); got != "" {
			if n, _ := agent.Segments(got); n != 1 {
				t.Errorf("%q: %q takes %d segments", tt.body, got, n)
			}
		}
	}
}

func TestParseConfirmations(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]turn.Confirmations{"": turn.ConfirmByTwilio, "twilio": turn.ConfirmByTwilio, " Self ": turn.ConfirmBySelf} {
		if got, err := turn.ParseConfirmations(in); err != nil || got != want {
			t.Errorf("ParseConfirmations(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := turn.ParseConfirmations("carrier"); err == nil {
		t.Error("carrier accepted")
	}
}
