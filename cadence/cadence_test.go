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
		{"by email", []cadence.Step{{After: cadence.Duration(time.Hour), Channel: "email"}}, ""},
		{"by fax", []cadence.Step{{After: cadence.Duration(time.Hour), Channel: "fax"}}, "steps[0].channel"},
		{"no channel", []cadence.Step{{After: cadence.Duration(time.Hour)}}, "steps[0].channel"},
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

// TestDecide is the stop conditions and the channel of each step: a reply
// on any channel, a handoff or a close stops the run; an opt-out of one
// channel skips that channel's steps while another may still reach the
// lead, and stops the run when none may; an sms step goes by email to a
// lead who agreed to email only; an email step is skipped for a lead who
// did not agree to email.
func TestDecide(t *testing.T) {
	t.Parallel()
	step := func(ch string) cadence.Step { return cadence.Step{After: cadence.Duration(time.Hour), Channel: ch} }
	run := func(channels ...string) cadence.Run {
		var steps []cadence.Step
		for _, ch := range channels {
			steps = append(steps, step(ch))
		}
		return cadence.Run{State: cadence.StateActive, Cadence: cadence.Cadence{Steps: steps}}
	}
	smsOnly := cadence.Reach{SMS: true}
	emailOnly := cadence.Reach{Email: true}
	both := cadence.Reach{SMS: true, Email: true}
	ai := func(r cadence.Reach) cadence.Conditions { return cadence.Conditions{Mode: crm.ModeAI, Reach: r} }
	with := func(c cadence.Conditions, edit func(*cadence.Conditions)) cadence.Conditions { edit(&c); return c }
	tests := []struct {
		name string
		run  cadence.Run
		step int
		c    cadence.Conditions
		want cadence.Decision
	}{
		{"a text to a lead who agreed to texts", run("sms"), 0, ai(smsOnly), cadence.Decision{Channel: "sms"}},
		{"a text step to a lead who agreed to email only goes by email", run("sms"), 0, ai(emailOnly), cadence.Decision{Channel: "email"}},
		{"an email step", run("email"), 0, ai(both), cadence.Decision{Channel: "email"}},
		{"an email step to a lead who agreed to texts only is skipped", run("email", "sms"), 0, ai(smsOnly),
			cadence.Decision{Skip: "no email consent"}},
		{"only email steps left for a lead who agreed to texts only", run("sms", "email"), 1, ai(smsOnly),
			cadence.Decision{Stop: cadence.StopNoConsent}},
		{"replied", run("sms"), 0, with(ai(smsOnly), func(c *cadence.Conditions) { c.Replied = true }),
			cadence.Decision{Stop: cadence.StopReplied}},
		{"replied, the email steps too", run("email"), 0, with(ai(both), func(c *cadence.Conditions) { c.Replied = true }),
			cadence.Decision{Stop: cadence.StopReplied}},
		{"handed off", run("sms"), 0, with(ai(smsOnly), func(c *cadence.Conditions) { c.Mode = crm.ModeHandoffPending }),
			cadence.Decision{Stop: cadence.StopHandedOff}},
		{"with a rep", run("email"), 0, with(ai(emailOnly), func(c *cadence.Conditions) { c.Mode = crm.ModeHuman }),
			cadence.Decision{Stop: cadence.StopHandedOff}},
		{"closed", run("sms"), 0, with(ai(smsOnly), func(c *cadence.Conditions) { c.Mode = crm.ModeClosed }),
			cadence.Decision{Stop: cadence.StopClosed}},
		{"STOP with only texts to send", run("sms", "sms"), 0, ai(cadence.Reach{SMS: true, SMSOptedOut: true}),
			cadence.Decision{Stop: cadence.StopOptedOut}},
		{"STOP skips a text while an email step is left", run("sms", "email"), 0,
			ai(cadence.Reach{SMS: true, Email: true, SMSOptedOut: true}), cadence.Decision{Skip: "opted out of sms"}},
		{"STOP leaves the email step", run("sms", "email"), 1,
			ai(cadence.Reach{SMS: true, Email: true, SMSOptedOut: true}), cadence.Decision{Channel: "email"}},
		{"an email unsubscribe skips an email step while a text is left", run("email", "sms"), 0,
			ai(cadence.Reach{SMS: true, Email: true, EmailOptedOut: true}), cadence.Decision{Skip: "opted out of email"}},
		{"an email unsubscribe leaves the texts", run("email", "sms"), 1,
			ai(cadence.Reach{SMS: true, Email: true, EmailOptedOut: true}), cadence.Decision{Channel: "sms"}},
		{"an email unsubscribe of a lead reached by email only", run("sms", "sms"), 0,
			ai(cadence.Reach{Email: true, EmailOptedOut: true}), cadence.Decision{Stop: cadence.StopOptedOut}},
		{"an opt-out comes before the mode", run("sms"), 0,
			cadence.Conditions{Mode: crm.ModeClosed, Reach: cadence.Reach{SMS: true, SMSOptedOut: true}},
			cadence.Decision{Stop: cadence.StopOptedOut}},
	}
	for _, tt := range tests {
		if got := tt.run.Decide(tt.step, tt.c); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
	// A first touch reads the same conditions for its own channel.
	c := cadence.Conditions{Mode: crm.ModeAI, Reach: cadence.Reach{SMS: true, Email: true, SMSOptedOut: true}}
	if got := c.Stopper(crm.ChannelSMS); got != cadence.StopOptedOut {
		t.Errorf("first text after STOP: %q", got)
	}
	if got := c.Stopper(crm.ChannelEmail); got != "" {
		t.Errorf("first email after STOP: %q, want it to go", got)
	}
}
