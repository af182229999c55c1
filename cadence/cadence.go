// Package cadence owns follow-up cadences: the list of steps (when, on
// which channel, what to say) that follows up a lead who has not answered,
// by text or by email, the versions an admin saves, each lead's run
// through the steps, the stop conditions and which channel a step takes
// for a lead (Reach, Run.Decide), and the contact windows automated texts
// keep to in the lead's own time zone (the hours, and the cap on contacts
// a day, of the lead's state by area code). It owns the cadence_versions
// and cadence_runs tables.
//
// The package decides and records; it does not send or schedule. The
// inbox's follow-up job checks a run here, writes the step's text and
// queues it in one transaction, so a lead who replies (on any channel),
// opts out of the step's channel, or is handed to a rep before a step
// goes out is never sent it.
package cadence

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/store"
)

// versionsTable holds every saved version of the cadence.
const versionsTable = "cadence_versions"

// Step is one follow-up: when it goes out, how, and what it says.
type Step struct {
	// After is how long after the cadence started (the lead arrived) the
	// step is due.
	After Duration `json:"after"`
	// Channel is how it goes out: sms or email. A lead who agreed to
	// email and not to texts gets the sms steps by email; a lead who did
	// not agree to email skips the email steps (Reach.ChannelFor).
	Channel string `json:"channel"`
	// Message is a template ({{.FirstName}}, {{.Business}}, {{.Topic}});
	// empty lets the agent write the step from the conversation.
	Message string `json:"message"`
}

// Cadence is the follow-up steps, in order of After.
type Cadence struct {
	Steps []Step `json:"steps"`
}

// Default is the cadence until an admin saves one: +1 hour (written by
// the agent from the conversation), +1 day, +3 days, +7 days.
func Default() Cadence {
	return Cadence{Steps: []Step{
		{After: Duration(time.Hour), Channel: crm.ChannelSMS},
		{After: Duration(24 * time.Hour), Channel: crm.ChannelSMS,
			Message: "Hi {{.FirstName}}, it's the AI assistant for {{.Business}} again. Any questions I can answer{{if .Topic}} about {{.Topic}}{{end}}? Just reply here."},
		{After: Duration(72 * time.Hour), Channel: crm.ChannelSMS,
			Message: "Hi {{.FirstName}}, checking in from {{.Business}}. Would you like someone from our team to give you a call? Just reply here with a good time."},
		{After: Duration(7 * 24 * time.Hour), Channel: crm.ChannelSMS,
			Message: "Hi {{.FirstName}}, this is the last check-in from {{.Business}}'s assistant. If you still need help, just reply any time. Reply STOP to opt out."},
	}}
}

// Vars are what a step's template may use.
type Vars struct {
	FirstName string // "there" when the lead gave no name
	Name      string
	Business  string
	// Topic is what the lead asked about, in a few words ("a new furnace").
	Topic string
}

// SampleLead is the lead the console previews a cadence's steps for:
// Dana, who came from a Google ad asking about an AC tune-up, writing to
// business.
func SampleLead(business string) Vars {
	return Vars{FirstName: "Dana", Name: "Dana Reyes", Business: business, Topic: "an AC tune-up"}
}

// maxSteps bounds a cadence: more texts than this is pestering.
const maxSteps = 12

// Validate checks a cadence: at least one step, steps in order and at
// least a minute apart, no more than 90 days out, each by sms or email,
// templates that parse and render.
func (c Cadence) Validate() error {
	if len(c.Steps) == 0 {
		return &crm.InvalidError{Field: "steps", Reason: "a cadence needs at least one step"}
	}
	if len(c.Steps) > maxSteps {
		return &crm.InvalidError{Field: "steps", Reason: fmt.Sprintf("%d steps; at most %d", len(c.Steps), maxSteps)}
	}
	prev := time.Duration(0)
	for i, s := range c.Steps {
		field := fmt.Sprintf("steps[%d]", i)
		d := time.Duration(s.After)
		switch {
		case d < time.Minute:
			return &crm.InvalidError{Field: field + ".after", Reason: "must be at least 1m after the lead arrives"}
		case d > 90*24*time.Hour:
			return &crm.InvalidError{Field: field + ".after", Reason: "must be within 90 days"}
		case i > 0 && d < prev+time.Minute:
			return &crm.InvalidError{Field: field + ".after", Reason: fmt.Sprintf("must come after step %d (%s)", i, Duration(prev))}
		case s.Channel != crm.ChannelSMS && s.Channel != crm.ChannelEmail:
			return &crm.InvalidError{Field: field + ".channel", Reason: fmt.Sprintf("%q: sms or email", s.Channel)}
		}
		if _, err := s.Render(Vars{FirstName: "Dana", Name: "Dana Reyes", Business: "Business", Topic: "a quote"}); err != nil {
			return &crm.InvalidError{Field: field + ".message", Reason: err.Error()}
		}
		prev = d
	}
	return nil
}

// Render writes a templated step's text; ok is false for a step the agent
// writes.
func (s Step) Render(v Vars) (string, error) {
	if strings.TrimSpace(s.Message) == "" {
		return "", nil
	}
	t, err := template.New("step").Option("missingkey=error").Parse(s.Message)
	if err != nil {
		return "", fmt.Errorf("template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		return "", fmt.Errorf("template: %w", err)
	}
	return strings.Join(strings.Fields(b.String()), " "), nil
}

// Duration is a time.Duration written as "1h", "90m" or "3d".
type Duration time.Duration

// ParseDuration reads "3d", "36h", "90m", "1d12h".
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration like 1h, 90m or 3d", s)
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
	}
	var rest time.Duration
	if s != "" {
		var err error
		if rest, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q is not a duration like 1h, 90m or 3d", s)
		}
	}
	return Duration(days + rest), nil
}

// String writes whole days as "3d", whole hours as "36h", whole minutes
// as "90m".
func (d Duration) String() string {
	t := time.Duration(d)
	switch {
	case t > 0 && t%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", t/(24*time.Hour))
	case t > 0 && t%time.Hour == 0:
		return fmt.Sprintf("%dh", t/time.Hour)
	case t > 0 && t%time.Minute == 0:
		return fmt.Sprintf("%dm", t/time.Minute)
	}
	return t.String()
}

// MarshalJSON writes the duration as text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "3d" or "1h".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Version is one saved version of the cadence; 0 is the default.
type Version struct {
	Version   int       `json:"version"`
	Cadence   Cadence   `json:"cadence"`
	Author    string    `json:"author"`
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Active    bool      `json:"active"`
}

// Active returns the cadence new leads start: the active saved version,
// or the default (version 0).
func Active(ctx context.Context, db store.Querier) (Version, error) {
	v, err := store.ActiveVersion(ctx, db, versionsTable)
	if errors.Is(err, store.ErrNoVersion) {
		return Version{Cadence: Default(), Author: "built in", Active: true}, nil
	}
	if err != nil {
		return Version{}, err
	}
	return decode(v)
}

// Save validates c and stores it as the next, active version.
func Save(ctx context.Context, db store.Beginner, c Cadence, author, note string) (Version, error) {
	if err := c.Validate(); err != nil {
		return Version{}, err
	}
	if strings.TrimSpace(author) == "" {
		return Version{}, &crm.InvalidError{Field: "author", Reason: "is required"}
	}
	body, err := json.Marshal(c)
	if err != nil {
		return Version{}, fmt.Errorf("save cadence: %w", err)
	}
	v, err := store.SaveVersion(ctx, db, versionsTable, body, strings.TrimSpace(author), strings.TrimSpace(note))
	if err != nil {
		return Version{}, err
	}
	return decode(v)
}

// Activate makes an earlier version active again (0: the default).
func Activate(ctx context.Context, db store.Beginner, version int) error {
	err := store.ActivateVersion(ctx, db, versionsTable, version)
	if errors.Is(err, store.ErrNoVersion) {
		return fmt.Errorf("%w: %w", err, crm.ErrNotFound)
	}
	return err
}

// Versions returns the saved versions, newest first, then the default.
func Versions(ctx context.Context, db store.Querier, limit int) ([]Version, error) {
	if limit <= 0 {
		limit = 50
	}
	saved, err := store.ListVersions(ctx, db, versionsTable, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Version, 0, len(saved)+1)
	anyActive := false
	for _, s := range saved {
		v, err := decode(s)
		if err != nil {
			return nil, err
		}
		anyActive = anyActive || v.Active
		out = append(out, v)
	}
	return append(out, Version{Cadence: Default(), Author: "built in", Active: !anyActive}), nil
}

func decode(s store.Version) (Version, error) {
	v := Version{Version: s.Number, Author: s.Author, Note: s.Note, CreatedAt: s.CreatedAt, Active: s.Active}
	if err := json.Unmarshal(s.Body, &v.Cadence); err != nil {
		return Version{}, fmt.Errorf("cadence v%d: %w", s.Number, err)
	}
	return v, nil
}
