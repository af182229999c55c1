package evals

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/leadagent/leadagent/agent"
)

// The suite format's fields, in the order DESIGN.md lists them. A field
// not listed here is refused, so a misspelt expectation ("contain:") fails
// the suite instead of silently checking nothing.
var (
	suiteFields    = []string{"name", "knowledge", "business", "defaults", "cases"}
	businessFields = []string{"name", "phone", "timezone", "hours", "service_area"}
	defaultsFields = []string{"channel", "contact"}
	contactFields  = []string{"name", "source", "stage", "notes"}
	caseFields     = []string{"id", "channel", "contact", "history", "lead", "expect"}
	historyFields  = []string{"from", "text", "outcome"}
	expectFields   = []string{"handoff", "handoff_reason", "outcome", "contains", "contains_any", "not_contains",
		"matches", "not_matches", "max_segments", "grounded", "judge"}
	channels = []string{agent.ChannelSMS, agent.ChannelVoice}
	authors  = []string{agent.FromLead, agent.FromAI, agent.FromRep, agent.FromSystem}
)

const (
	maxProblems    = 50
	maxCaseIDRunes = 200
	maxSegments    = 10
)

// parser walks the decoded YAML and collects every problem, so that one
// run of the CLI lists them all.
type parser struct {
	file     string
	caseName string // the case being read, for Problem.Case
	problems []Problem
}

func (p *parser) fail(field, format string, args ...any) {
	p.problems = append(p.problems, Problem{Case: p.caseName, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) err() error {
	if len(p.problems) == 0 {
		return nil
	}
	probs := p.problems
	if len(probs) > maxProblems {
		more := len(probs) - maxProblems
		probs = append(probs[:maxProblems:maxProblems], Problem{Msg: fmt.Sprintf("and %d more problems", more)})
	}
	return &SuiteError{File: p.file, Problems: probs}
}

func parseSuite(file string, data []byte) (*Suite, error) {
	p := &parser{file: file}
	if len(data) > MaxSuiteBytes {
		p.fail("", "%d bytes: a suite file is at most %d", len(data), MaxSuiteBytes)
		return nil, p.err()
	}
	root, err := decodeOne(data)
	if err != nil {
		p.fail("", "%s", err)
		return nil, p.err()
	}
	if root == nil {
		p.fail("", "is empty: a suite has a name, knowledge, defaults and cases")
		return nil, p.err()
	}
	top, ok := p.mapping(root, "", suiteFields)
	if !ok {
		return nil, p.err()
	}
	s := &Suite{File: file}
	if v, ok := top["name"]; ok && v != nil {
		s.Name, _ = p.text(v, "name")
		s.Name = strings.TrimSpace(s.Name)
		if s.Name == "" {
			p.fail("name", "is empty")
		} else if strings.ContainsAny(s.Name, "\n\r\t") {
			p.fail("name", "%q: one line, please", s.Name)
		}
	} else {
		base := filepath.Base(file)
		s.Name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	if v, ok := top["knowledge"]; ok {
		for i, k := range p.textList(v, "knowledge") {
			if strings.TrimSpace(k) == "" {
				p.fail(fmt.Sprintf("knowledge[%d]", i), "is empty: name a file or folder, relative to the suite file")
				continue
			}
			s.Knowledge = append(s.Knowledge, k)
		}
	}

	if v, ok := top["business"]; ok && v != nil {
		s.Business = p.business(v)
	}

	channel := agent.ChannelSMS
	var defaults Contact
	if v, ok := top["defaults"]; ok && v != nil {
		if d, ok := p.mapping(v, "defaults", defaultsFields); ok {
			if c, ok := d["channel"]; ok {
				channel = p.channel(c, "defaults.channel", channel)
			}
			if c, ok := d["contact"]; ok {
				defaults = p.contact(c, "defaults.contact", Contact{})
			}
		}
	}

	rawCases, ok := top["cases"]
	if !ok || rawCases == nil {
		p.fail("cases", "is required: a suite has at least one case")
		return nil, p.err()
	}
	list, ok := rawCases.([]any)
	if !ok {
		p.fail("cases", "want a list of cases, got %s", kind(rawCases))
		return nil, p.err()
	}
	if len(list) == 0 {
		p.fail("cases", "is empty: a suite has at least one case")
	}
	seen := map[string]int{}
	for i, raw := range list {
		c, ok := p.suiteCase(raw, i, channel, defaults)
		if !ok {
			continue
		}
		if first, dup := seen[c.ID]; dup {
			p.fail("id", "duplicate: cases[%d] has the same id", first)
			p.caseName = ""
			continue
		}
		seen[c.ID] = i
		p.caseName = ""
		s.Cases = append(s.Cases, c)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// decodeOne decodes the file's only YAML document, with mappings in their
// order, so that problems are reported in the order of the file.
func decodeOne(data []byte) (any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data), yaml.UseOrderedMap())
	var root any
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, yamlError(err)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, yamlError(err)
		}
		return nil, errors.New("more than one YAML document: a file holds one suite")
	}
	return root, nil
}

// yamlError is the YAML library's error on one line: "[3:5] message"
// becomes "line 3, column 5: message".
func yamlError(err error) error {
	msg := strings.TrimSpace(yaml.FormatError(err, false, false))
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if strings.HasPrefix(msg, "[") {
		if end := strings.IndexByte(msg, ']'); end > 0 {
			if line, col, ok := strings.Cut(msg[1:end], ":"); ok {
				msg = "line " + line + ", column " + col + ": " + strings.TrimSpace(msg[end+1:])
			}
		}
	}
	return errors.New("not valid YAML: " + msg)
}

// suiteCase reads one case. ok is false when it is unusable.
func (p *parser) suiteCase(raw any, i int, channel string, defaults Contact) (Case, bool) {
	p.caseName = fmt.Sprintf("cases[%d]", i)
	var c Case
	// The id comes first, wherever it is written, so that every problem
	// of the case is reported under it.
	ms, ok := raw.(yaml.MapSlice)
	if !ok {
		p.fail("", "want a mapping, got %s", kind(raw))
		return Case{}, false
	}
	for _, item := range ms {
		if item.Key == "id" && item.Value != nil {
			c.ID, _ = p.text(item.Value, "id")
			c.ID = strings.TrimSpace(c.ID)
		}
	}
	switch {
	case c.ID == "":
		p.fail("id", "is required")
	case len([]rune(c.ID)) > maxCaseIDRunes:
		p.fail("id", "longer than %d characters", maxCaseIDRunes)
		c.ID = ""
	case strings.ContainsAny(c.ID, "\n\r\t"):
		p.fail("id", "%q: one line, please", c.ID)
		c.ID = ""
	default:
		p.caseName = c.ID
	}
	m, ok := p.mapping(raw, "", caseFields)
	if !ok {
		return Case{}, false
	}

	c.Channel = channel
	if v, ok := m["channel"]; ok {
		c.Channel = p.channel(v, "channel", channel)
	}
	c.Contact = defaults
	if v, ok := m["contact"]; ok {
		c.Contact = p.contact(v, "contact", defaults)
	}
	if v, ok := m["history"]; ok && v != nil {
		c.History = p.history(v)
	}
	switch v, ok := m["lead"]; {
	case !ok || v == nil:
		p.fail("lead", "is required: the lead's message is the turn under test")
	default:
		if lead, ok := p.text(v, "lead"); ok {
			c.Lead = lead
			if strings.TrimSpace(lead) == "" {
				p.fail("lead", "is empty: the lead's message is the turn under test")
			}
		}
	}
	if v, ok := m["expect"]; ok && v != nil {
		c.Expect = p.expect(v)
	}
	return c, c.ID != ""
}

func (p *parser) history(v any) []Message {
	list, ok := v.([]any)
	if !ok {
		p.fail("history", "want a list of {from, text}, got %s", kind(v))
		return nil
	}
	out := make([]Message, 0, len(list))
	for i, raw := range list {
		field := fmt.Sprintf("history[%d]", i)
		m, ok := p.mapping(raw, field, historyFields)
		if !ok {
			continue
		}
		var msg Message
		if f, ok := m["from"]; ok && f != nil {
			if s, ok := p.text(f, field+".from"); ok {
				msg.From = strings.TrimSpace(s)
				if !slices.Contains(authors, msg.From) {
					p.fail(field+".from", "%q is not an author (%s)", s, strings.Join(authors, ", "))
				}
			}
		} else {
			p.fail(field+".from", "is required (%s)", strings.Join(authors, ", "))
		}
		if t, ok := m["text"]; ok && t != nil {
			msg.Text, _ = p.text(t, field+".text")
		}
		if strings.TrimSpace(msg.Text) == "" {
			p.fail(field+".text", "is required")
		}
		if o, ok := m["outcome"]; ok && o != nil {
			if s, ok := p.text(o, field+".outcome"); ok {
				if out, ok := p.outcome(s, field+".outcome"); ok {
					msg.Outcome = out
				}
				if msg.From != agent.FromAI {
					p.fail(field+".outcome", "only the agent's (from: ai) turns have an outcome")
				}
			}
		}
		out = append(out, msg)
	}
	return out
}

func (p *parser) expect(v any) Expect {
	m, ok := p.mapping(v, "expect", expectFields)
	if !ok {
		return Expect{}
	}
	var e Expect
	if x, ok := m["handoff"]; ok && x != nil {
		if b, ok := p.boolean(x, "expect.handoff"); ok {
			e.Handoff = &b
		}
	}
	if x, ok := m["handoff_reason"]; ok && x != nil {
		if s, ok := p.text(x, "expect.handoff_reason"); ok {
			s = strings.TrimSpace(s)
			if slices.Contains(HandoffReasons, s) {
				e.HandoffReason = s
			} else {
				p.fail("expect.handoff_reason", "%q is not a handoff reason (%s)", s, strings.Join(HandoffReasons, ", "))
			}
		}
		if e.Handoff != nil && !*e.Handoff {
			p.fail("expect.handoff_reason", "set, but expect.handoff is false")
		}
	}
	if x, ok := m["outcome"]; ok && x != nil {
		for _, s := range p.textList(x, "expect.outcome") {
			if o, ok := p.outcome(s, "expect.outcome"); ok {
				e.Outcome = append(e.Outcome, o)
			}
		}
	}
	e.Contains = p.phrases(m, "contains")
	e.ContainsAny = p.phrases(m, "contains_any")
	e.NotContains = p.phrases(m, "not_contains")
	e.Matches = p.regexp(m, "matches")
	e.NotMatches = p.regexp(m, "not_matches")
	if x, ok := m["max_segments"]; ok && x != nil {
		if n, ok := p.integer(x, "expect.max_segments"); ok {
			if n < 1 || n > maxSegments {
				p.fail("expect.max_segments", "%d: want 1 to %d", n, maxSegments)
			} else {
				e.MaxSegments = n
			}
		}
	}
	if x, ok := m["grounded"]; ok && x != nil {
		e.Grounded, _ = p.boolean(x, "expect.grounded")
	}
	if x, ok := m["judge"]; ok && x != nil {
		if s, ok := p.text(x, "expect.judge"); ok {
			e.Judge = strings.TrimSpace(s)
			if e.Judge == "" {
				p.fail("expect.judge", "is empty: write the rubric the judge grades by")
			}
		}
	}
	return e
}

func (p *parser) outcome(s, field string) (agent.Outcome, bool) {
	o := agent.Outcome(strings.TrimSpace(s))
	if slices.Contains(Outcomes, o) {
		return o, true
	}
	names := make([]string, len(Outcomes))
	for i, x := range Outcomes {
		names[i] = string(x)
	}
	p.fail(field, "%q is not an outcome (%s)", s, strings.Join(names, ", "))
	return "", false
}

func (p *parser) phrases(m map[string]any, key string) []string {
	x, ok := m[key]
	if !ok || x == nil {
		return nil
	}
	field := "expect." + key
	list := p.textList(x, field)
	out := list[:0]
	for _, s := range list {
		if strings.TrimSpace(s) == "" {
			p.fail(field, "an empty phrase matches every reply")
			continue
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (p *parser) regexp(m map[string]any, key string) *regexp.Regexp {
	x, ok := m[key]
	if !ok || x == nil {
		return nil
	}
	field := "expect." + key
	s, ok := p.text(x, field)
	if !ok {
		return nil
	}
	if s == "" {
		p.fail(field, "an empty pattern matches every reply")
		return nil
	}
	re, err := regexp.Compile(s)
	if err != nil {
		p.fail(field, "%q is not an RE2 pattern: %s", s, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		return nil
	}
	return re
}

func (p *parser) channel(v any, field, def string) string {
	s, ok := p.text(v, field)
	if !ok {
		return def
	}
	s = strings.TrimSpace(s)
	if !slices.Contains(channels, s) {
		p.fail(field, "%q is not a channel (%s)", s, strings.Join(channels, ", "))
		return def
	}
	return s
}

// contact reads a contact and merges it over base: a field present in the
// file, even empty, replaces base's.
// business reads the suite's business block: who the agent speaks for in
// the run. A name is required; an unknown time zone is an error.
func (p *parser) business(v any) *Business {
	m, ok := p.mapping(v, "business", businessFields)
	if !ok {
		return nil
	}
	var b Business
	for _, f := range []struct {
		key string
		dst *string
	}{{"name", &b.Name}, {"phone", &b.Phone}, {"timezone", &b.Timezone}, {"hours", &b.Hours}, {"service_area", &b.ServiceArea}} {
		if x, ok := m[f.key]; ok && x != nil {
			if s, ok := p.text(x, "business."+f.key); ok {
				*f.dst = strings.TrimSpace(s)
			}
		}
	}
	if b.Name == "" {
		p.fail("business.name", "is required: the business the agent speaks for")
	}
	if b.Timezone != "" {
		if _, err := time.LoadLocation(b.Timezone); err != nil {
			p.fail("business.timezone", "%q is not an IANA time zone (America/Denver, Europe/London)", b.Timezone)
		}
	}
	return &b
}

func (p *parser) contact(v any, field string, base Contact) Contact {
	if v == nil {
		return base
	}
	m, ok := p.mapping(v, field, contactFields)
	if !ok {
		return base
	}
	c := base
	for _, f := range []struct {
		key string
		dst *string
	}{{"name", &c.Name}, {"source", &c.Source}, {"stage", &c.Stage}, {"notes", &c.Notes}} {
		x, ok := m[f.key]
		switch {
		case !ok:
		case x == nil:
			*f.dst = ""
		default:
			if s, ok := p.text(x, field+"."+f.key); ok {
				*f.dst = strings.TrimSpace(s)
			}
		}
	}
	return c
}

// mapping returns v's fields by name. known, when not nil, lists the
// fields allowed; others are reported.
func (p *parser) mapping(v any, field string, known []string) (map[string]any, bool) {
	ms, ok := v.(yaml.MapSlice)
	if !ok {
		what := "a mapping"
		if field == "" && p.caseName == "" {
			what = "a mapping with " + strings.Join(suiteFields, ", ")
		}
		p.fail(field, "want %s, got %s", what, kind(v))
		return nil, false
	}
	out := make(map[string]any, len(ms))
	for _, item := range ms {
		key, ok := item.Key.(string)
		if !ok {
			key = fmt.Sprint(item.Key)
		}
		out[key] = item.Value
	}
	if known != nil {
		p.checkFieldsOrdered(ms, field, known)
	}
	return out, true
}

func (p *parser) checkFieldsOrdered(ms yaml.MapSlice, field string, known []string) {
	for _, item := range ms {
		key := fmt.Sprint(item.Key)
		if !slices.Contains(known, key) {
			p.fail(join(field, key), "unknown field (want %s)", strings.Join(known, ", "))
		}
	}
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// text reads a scalar as text. Numbers are taken as written ("contains:
// [129]"); true/false and structures are refused, since a reply is text.
func (p *parser) text(v any, field string) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case uint64:
		return strconv.FormatUint(x, 10), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int:
		return strconv.Itoa(x), true
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			break
		}
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	p.fail(field, "want text, got %s", kind(v))
	return "", false
}

// textList reads one text or a list of them.
func (p *parser) textList(v any, field string) []string {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		if s, ok := p.text(v, field); ok {
			return []string{s}
		}
		return nil
	}
	out := make([]string, 0, len(list))
	for i, x := range list {
		if s, ok := p.text(x, fmt.Sprintf("%s[%d]", field, i)); ok {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) boolean(v any, field string) (bool, bool) {
	if b, ok := v.(bool); ok {
		return b, true
	}
	p.fail(field, "want true or false, got %s", kind(v))
	return false, false
}

func (p *parser) integer(v any, field string) (int, bool) {
	switch x := v.(type) {
	case uint64:
		if x <= math.MaxInt32 {
			return int(x), true
		}
	case int64:
		if x >= math.MinInt32 && x <= math.MaxInt32 {
			return int(x), true
		}
	case int:
		return x, true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) <= math.MaxInt32 {
			return int(x), true
		}
	}
	p.fail(field, "want a whole number, got %s", kind(v))
	return 0, false
}

// kind names a decoded YAML value's type, with the value when short.
func kind(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case yaml.MapSlice:
		return "a mapping"
	case []any:
		return "a list"
	case string:
		return fmt.Sprintf("text %q", clip(x, 40))
	case bool:
		return strconv.FormatBool(x)
	case uint64, int64, int, float64:
		return fmt.Sprintf("the number %v", x)
	}
	return fmt.Sprintf("%T", v)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
