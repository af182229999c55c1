package cadence_test

import (
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/cadence"
	"github.com/leadagent/leadagent/crm"
)

func TestDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		out  string
		bad  bool
	}{
		{in: "1h", want: time.Hour, out: "1h"},
		{in: "90m", want: 90 * time.Minute, out: "90m"},
		{in: "3d", want: 72 * time.Hour, out: "3d"},
		{in: "1d12h", want: 36 * time.Hour, out: "36h"},
		{in: " 7d ", want: 7 * 24 * time.Hour, out: "7d"},
		{in: "soon", bad: true},
		{in: "xd", bad: true},
		{in: "1d3x", bad: true},
	}
	for _, tt := range tests {
		d, err := cadence.ParseDuration(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("%q: no error", tt.in)
			}
			continue
		}
		if err != nil || time.Duration(d) != tt.want || d.String() != tt.out {
			t.Errorf("%q: %v %q (%v), want %v %q", tt.in, time.Duration(d), d.String(), err, tt.want, tt.out)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	step := func(after time.Duration, msg string) cadence.Step {
		return cadence.Step{After: cadence.Duration(after), Channel: "sms", Message: msg}
	}
	tests := []struct {
		name  string
		steps []cadence.Step
		field string // "" when valid
	}{
		{"the default", cadence.Default().Steps, ""},
		{"none", nil, "steps"},
		{"too soon", []cadence.Step{step(30*time.Second, "")}, "steps[0].after"},
		{"out of order", []cadence.Step{step(2*time.Hour, ""), step(time.Hour, "")}, "steps[1].after"},
		{"too far", []cadence.Step{step(100*24*time.Hour, "")}, "steps[0].after"},
		{"not sms", []cadence.Step{{After: cadence.Duration(time.Hour), Channel: "email"}}, "steps[0].channel"},
		{"a broken template", []cadence.Step{step(time.Hour, "Hi {{.FirstName")}, "steps[0].message"},
		{"an unknown variable", []cadence.Step{step(time.Hour, "Hi {{.Nickname}}")}, "steps[0].message"},
	}
	for _, tt := range tests {
		err := cadence.Cadence{Steps: tt.steps}.Validate()
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.field != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.field+":")):
			t.Errorf("%s: %v, want an error about %s", tt.name, err, tt.field)
		}
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	s := cadence.Default().Steps[1]
	got, err := s.Render(cadence.Vars{FirstName: "Dana", Business: "Summit", Topic: "a new furnace"})
	if err != nil || got != "Hi Dana, it's the AI assistant for Summit again. Any questions I can answer about a new furnace? Just reply here." {
		t.Fatalf("render = %q (%v)", got, err)
	}
	if got, _ := s.Render(cadence.Vars{FirstName: "Dana", Business: "Summit"}); strings.Contains(got, "about") {
		t.Fatalf("without a topic: %q", got)
	}
	if got, err := cadence.Default().Steps[0].Render(cadence.Vars{}); got != "" || err != nil {
		t.Fatalf("the agent's step rendered %q (%v)", got, err)
	}
}

// TestAllowed is quiet hours: 08:00 to 21:00 in the lead's own zone,
// whatever the clock's zone, across a change of summer time.
func TestAllowed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		at, tz, want string
	}{
		{"2026-12-01T17:00:00Z", "America/Denver", "2026-12-01T17:00:00Z"},   // 10:00 MST: now
		{"2026-12-02T04:30:00Z", "America/Denver", "2026-12-02T15:00:00Z"},   // 21:30 MST: 08:00 next day
		{"2026-12-02T03:59:00Z", "America/Denver", "2026-12-02T03:59:00Z"},   // 20:59 MST: still allowed
		{"2026-12-02T04:00:00Z", "America/Denver", "2026-12-02T15:00:00Z"},   // 21:00 MST: quiet
		{"2026-12-01T12:00:00Z", "America/New_York", "2026-12-01T13:00:00Z"}, // 07:00 EST: 08:00
		{"2026-12-01T12:00:00Z", "Asia/Kolkata", "2026-12-01T12:00:00Z"},     // 17:30 IST
		{"2026-03-08T06:30:00Z", "America/New_York", "2026-03-08T12:00:00Z"}, // 01:30 EST, the night clocks go forward: 08:00 EDT
	}
	for _, tt := range tests {
		at, _ := time.Parse(time.RFC3339, tt.at)
		want, _ := time.Parse(time.RFC3339, tt.want)
		got, err := cadence.Allowed(at, tt.tz)
		if err != nil || !got.Equal(want) {
			t.Errorf("%s in %s: %v (%v), want %v", tt.at, tt.tz, got.UTC(), err, want)
		}
	}
	if _, err := cadence.Allowed(time.Now(), "Mars/Olympus"); err == nil {
		t.Error("an unknown zone passed")
	}
}

func TestStopper(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)
	run := cadence.Run{StartedAt: start}
	conv := func(mode crm.Mode, optedOut bool, msgs ...crm.Message) crm.Conversation {
		return crm.Conversation{Mode: mode, Contact: crm.Contact{OptedOut: optedOut}, Messages: msgs}
	}
	in := func(at time.Time) crm.Message { return crm.Message{Direction: crm.Inbound, CreatedAt: at} }
	out := crm.Message{Direction: crm.Outbound, CreatedAt: start.Add(time.Minute)}
	tests := []struct {
		name string
		conv crm.Conversation
		want string
	}{
		{"nothing said back", conv(crm.ModeAI, false, out), ""},
		{"an old message from before the form", conv(crm.ModeAI, false, in(start.Add(-time.Hour)), out), ""},
		{"replied", conv(crm.ModeAI, false, out, in(start.Add(time.Hour))), cadence.StopReplied},
		{"opted out", conv(crm.ModeAI, true), cadence.StopOptedOut},
		{"handed off", conv(crm.ModeHandoffPending, false), cadence.StopHandedOff},
		{"with a rep", conv(crm.ModeHuman, false), cadence.StopHandedOff},
		{"closed", conv(crm.ModeClosed, false), cadence.StopClosed},
	}
	for _, tt := range tests {
		if got := cadence.Stopper(tt.conv, run); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
