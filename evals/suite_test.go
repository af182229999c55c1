package evals_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/evals"
)

func TestLoadBasics(t *testing.T) {
	t.Parallel()
	s := mustLoad(t, "testdata/basics.yaml")
	if s.Name != "after-hours-basics" || len(s.Cases) != 11 || !slices.Equal(s.Knowledge, []string{"kb/"}) {
		t.Fatalf("suite %q, %d cases, knowledge %v", s.Name, len(s.Cases), s.Knowledge)
	}
	paths, err := s.KnowledgePaths()
	if err != nil || len(paths) != 1 || !filepath.IsAbs(paths[0]) || !strings.HasSuffix(paths[0], filepath.Join("evals", "testdata", "kb")) {
		t.Fatalf("knowledge paths %v, %v: want testdata/kb, absolute", paths, err)
	}
	byID := map[string]evals.Case{}
	for _, c := range s.Cases {
		byID[c.ID] = c
	}
	fin := byID["financing"]
	if fin.Contact != (evals.Contact{Name: "Dana Reyes", Source: "facebook_ad", Stage: "new", Notes: "asked about financing last month"}) {
		t.Errorf("financing contact %+v: want the defaults with the case's notes", fin.Contact)
	}
	if got := byID["no-show"].Contact; got.Name != "Sam" || got.Source != "facebook_ad" || got.Notes != "" {
		t.Errorf("no-show contact %+v: want name Sam over the defaults", got)
	}
	if fin.Channel != agent.ChannelSMS || byID["service-area-by-phone"].Channel != agent.ChannelVoice {
		t.Errorf("channels %q, %q", fin.Channel, byID["service-area-by-phone"].Channel)
	}
	if !slices.Equal(fin.Expect.Outcome, []agent.Outcome{agent.OutcomeAnswered, agent.OutcomeAsked}) {
		t.Errorf("financing outcomes %v", fin.Expect.Outcome)
	}
	tune := byID["tune-up-price"].Expect
	if tune.Handoff == nil || *tune.Handoff || tune.Outcome[0] != agent.OutcomeAnswered || tune.MaxSegments != 2 ||
		!tune.Grounded || tune.Matches.String() != `\$\d+` || tune.NotMatches.String() != "(?i)free" {
		t.Errorf("tune-up-price expect %+v", tune)
	}
	h := byID["second-unknown"].History
	if len(h) != 2 || h[0].From != "lead" || h[1].Outcome != agent.OutcomeUnknown {
		t.Errorf("second-unknown history %+v", h)
	}
	if byID["warranty"].Expect.Judge == "" {
		t.Error("warranty has no rubric")
	}
}

// TestParseBusiness: a suite's business block is who the agent speaks for.
func TestParseBusiness(t *testing.T) {
	t.Parallel()
	s, err := evals.Parse("suite.yaml", []byte(`business:
  name: Peak Roofing & Exteriors
  phone: "(303) 555-0187"
  timezone: America/Denver
  hours: "Mon-Fri 7am-6pm"
  service_area: "Denver metro"
cases: [{id: a, lead: hi}]
`))
	if err != nil {
		t.Fatal(err)
	}
	want := evals.Business{Name: "Peak Roofing & Exteriors", Phone: "(303) 555-0187", Timezone: "America/Denver",
		Hours: "Mon-Fri 7am-6pm", ServiceArea: "Denver metro"}
	if s.Business == nil || *s.Business != want {
		t.Fatalf("business %+v, want %+v", s.Business, want)
	}
	if a := s.Business.Agent(); a.Name != want.Name || a.Phone != want.Phone || a.Hours != want.Hours || a.ServiceArea != want.ServiceArea {
		t.Errorf("agent business %+v", a)
	}
	s, err = evals.Parse("suite.yaml", []byte("cases: [{id: a, lead: hi}]\n"))
	if err != nil || s.Business != nil {
		t.Errorf("no business block: %+v, %v", s.Business, err)
	}
}

// TestParseProblems is the suite format's spec for what it refuses, and
// how it says so: the file, the case and the field.
func TestParseProblems(t *testing.T) {
	t.Parallel()
	const head = "name: s\ncases:\n"
	tests := []struct {
		name, yaml string
		want       []string // each a whole line of the error
	}{
		{"not an outcome", head + "  - id: price-question\n    lead: hi\n    expect: {outcome: sold}\n",
			[]string{`suite.yaml: case price-question: expect.outcome: "sold" is not an outcome (answered, asked, unknown, handoff, opted_out)`}},
		{"one of a list of outcomes", head + "  - id: a\n    lead: hi\n    expect: {outcome: [answered, sold]}\n",
			[]string{`suite.yaml: case a: expect.outcome: "sold" is not an outcome (answered, asked, unknown, handoff, opted_out)`}},
		{"unknown top-level field", "nmae: s\ncases: [{id: a, lead: hi}]\n",
			[]string{`suite.yaml: nmae: unknown field (want name, knowledge, business, defaults, cases)`}},
		{"misspelt expectation", head + "  - id: a\n    lead: hi\n    expect: {contain: [x]}\n",
			[]string{`suite.yaml: case a: expect.contain: unknown field (want handoff, handoff_reason, outcome, contains, contains_any, not_contains, matches, not_matches, max_segments, grounded, judge)`}},
		{"unknown case field before the id", head + "  - leed: hi\n    id: a\n    lead: hi\n",
			[]string{`suite.yaml: case a: leed: unknown field (want id, channel, contact, history, lead, expect)`}},
		{"unknown contact field", "defaults: {contact: {phone: '+1970'}}\ncases: [{id: a, lead: hi}]\n",
			[]string{`suite.yaml: defaults.contact.phone: unknown field (want name, source, stage, notes)`}},
		{"duplicate id", head + "  - {id: a, lead: hi}\n  - {id: b, lead: hi}\n  - {id: a, lead: hello}\n",
			[]string{`suite.yaml: case a: id: duplicate: cases[0] has the same id`}},
		{"no id", head + "  - {lead: hi}\n", []string{`suite.yaml: cases[0]: id: is required`}},
		{"no lead", head + "  - {id: a}\n", []string{`suite.yaml: case a: lead: is required: the lead's message is the turn under test`}},
		{"empty lead", head + "  - {id: a, lead: '  '}\n", []string{`suite.yaml: case a: lead: is empty: the lead's message is the turn under test`}},
		{"lead not text", head + "  - {id: a, lead: true}\n", []string{`suite.yaml: case a: lead: want text, got true`}},
		{"bad pattern", head + "  - {id: a, lead: hi, expect: {matches: '('}}\n",
			[]string{`suite.yaml: case a: expect.matches: "(" is not an RE2 pattern: missing closing ): ` + "`(`"}},
		{"no backreferences in RE2", head + "  - {id: a, lead: hi, expect: {not_matches: '(a)\\1'}}\n",
			[]string{`suite.yaml: case a: expect.not_matches: "(a)\\1" is not an RE2 pattern: invalid escape sequence: ` + "`\\1`"}},
		{"bad channel", "defaults: {channel: fax}\ncases: [{id: a, lead: hi}]\n",
			[]string{`suite.yaml: defaults.channel: "fax" is not a channel (sms, voice)`}},
		{"bad reason", head + "  - {id: a, lead: hi, expect: {handoff_reason: angry}}\n",
			[]string{`suite.yaml: case a: expect.handoff_reason: "angry" is not a handoff reason (buying_intent, human_request, complaint, unknown_answer, sensitive)`}},
		{"reason without a handoff", head + "  - {id: a, lead: hi, expect: {handoff: false, handoff_reason: complaint}}\n",
			[]string{`suite.yaml: case a: expect.handoff_reason: set, but expect.handoff is false`}},
		{"handoff not a bool", head + "  - {id: a, lead: hi, expect: {handoff: maybe}}\n",
			[]string{`suite.yaml: case a: expect.handoff: want true or false, got text "maybe"`}},
		{"zero segments", head + "  - {id: a, lead: hi, expect: {max_segments: 0}}\n",
			[]string{`suite.yaml: case a: expect.max_segments: 0: want 1 to 10`}},
		{"segments not a number", head + "  - {id: a, lead: hi, expect: {max_segments: two}}\n",
			[]string{`suite.yaml: case a: expect.max_segments: want a whole number, got text "two"`}},
		{"empty phrase", head + "  - {id: a, lead: hi, expect: {contains: ['']}}\n",
			[]string{`suite.yaml: case a: expect.contains: an empty phrase matches every reply`}},
		{"phrases not text", head + "  - {id: a, lead: hi, expect: {contains_any: [{a: 1}]}}\n",
			[]string{`suite.yaml: case a: expect.contains_any[0]: want text, got a mapping`}},
		{"empty rubric", head + "  - {id: a, lead: hi, expect: {judge: ''}}\n",
			[]string{`suite.yaml: case a: expect.judge: is empty: write the rubric the judge grades by`}},
		{"history author", head + "  - {id: a, lead: hi, history: [{from: bot, text: hello}]}\n",
			[]string{`suite.yaml: case a: history[0].from: "bot" is not an author (lead, ai, rep, system)`}},
		{"history without text", head + "  - {id: a, lead: hi, history: [{from: lead}]}\n",
			[]string{`suite.yaml: case a: history[0].text: is required`}},
		{"outcome on a lead's turn", head + "  - {id: a, lead: hi, history: [{from: lead, text: x, outcome: unknown}]}\n",
			[]string{`suite.yaml: case a: history[0].outcome: only the agent's (from: ai) turns have an outcome`}},
		{"history not a list", head + "  - {id: a, lead: hi, history: hello}\n",
			[]string{`suite.yaml: case a: history: want a list of {from, text}, got text "hello"`}},
		{"empty knowledge path", "knowledge: [kb/, '']\ncases: [{id: a, lead: hi}]\n",
			[]string{`suite.yaml: knowledge[1]: is empty: name a file or folder, relative to the suite file`}},
		{"business without a name", "business: {phone: '555'}\ncases: [{id: a, lead: hi}]\n",
			[]string{`suite.yaml: business.name: is required: the business the agent speaks for`}},
		{"business time zone", "business: {name: B, timezone: Mars/Olympus}\ncases: [{id: a, lead: hi}]\n",
			[]string{`suite.yaml: business.timezone: "Mars/Olympus" is not an IANA time zone (America/Denver, Europe/London)`}},
		{"business field", "business: {name: B, adress: x}\ncases: [{id: a, lead: hi}]\n",
			[]string{`suite.yaml: business.adress: unknown field (want name, phone, timezone, hours, service_area)`}},
		{"no cases", "name: s\n", []string{`suite.yaml: cases: is required: a suite has at least one case`}},
		{"empty cases", "name: s\ncases: []\n", []string{`suite.yaml: cases: is empty: a suite has at least one case`}},
		{"cases not a list", "cases: {id: a}\n", []string{`suite.yaml: cases: want a list of cases, got a mapping`}},
		{"case not a mapping", "cases: [hello]\n", []string{`suite.yaml: cases[0]: want a mapping, got text "hello"`}},
		{"empty file", "", []string{`suite.yaml: is empty: a suite has a name, knowledge, defaults and cases`}},
		{"a list, not a suite", "- a\n- b\n", []string{`suite.yaml: want a mapping with name, knowledge, business, defaults, cases, got a list`}},
		{"two documents", "cases: [{id: a, lead: hi}]\n---\ncases: []\n",
			[]string{`suite.yaml: more than one YAML document: a file holds one suite`}},
		{"not YAML", "cases: [\n", []string{`suite.yaml: not valid YAML: line 1, column 8: sequence end token ']' not found`}},
		{"duplicate key", "cases: []\ncases: []\n", []string{`suite.yaml: not valid YAML: line 2, column 1: mapping key "cases" already defined at [1:1]`}},
		{"every problem at once", head + "  - {id: a, lead: hi, expect: {outcome: sold, max_segments: 0}}\n  - {id: b}\n", []string{
			`suite.yaml: case a: expect.outcome: "sold" is not an outcome (answered, asked, unknown, handoff, opted_out)`,
			`suite.yaml: case a: expect.max_segments: 0: want 1 to 10`,
			`suite.yaml: case b: lead: is required: the lead's message is the turn under test`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := evals.Parse("suite.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatalf("parsed %+v, want an error", s)
			}
			if !evals.IsSuiteError(err) {
				t.Fatalf("%T %v: want a *SuiteError", err, err)
			}
			if got := strings.Split(err.Error(), "\n"); !slices.Equal(got, tt.want) {
				t.Errorf("error:\n%s\nwant:\n%s", err, strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseDefaults(t *testing.T) {
	t.Parallel()
	s, err := evals.Parse("dir/my-suite.yml", []byte(`
defaults:
  contact: {name: Dana, notes: "repeat customer"}
cases:
  - id: 42
    contact: {notes: null, stage: quoted}
    lead: 911
    expect: {contains: [129, "$4,800"], outcome: asked}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := s.Cases[0]
	if s.Name != "my-suite" || c.ID != "42" || c.Lead != "911" || c.Channel != "sms" {
		t.Errorf("name %q id %q lead %q channel %q: want the file's name, numbers as written, sms", s.Name, c.ID, c.Lead, c.Channel)
	}
	if c.Contact != (evals.Contact{Name: "Dana", Stage: "quoted"}) {
		t.Errorf("contact %+v: notes: null clears the default", c.Contact)
	}
	if !slices.Equal(c.Expect.Contains, []string{"129", "$4,800"}) || c.Expect.Handoff != nil {
		t.Errorf("expect %+v", c.Expect)
	}
	if paths, _ := s.KnowledgePaths(); len(paths) != 0 {
		t.Errorf("knowledge %v, want none", paths)
	}
}

func TestLoadChecksKnowledgePaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(file, []byte("knowledge: [kb/, faq.md]\ncases: [{id: a, lead: hi}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "faq.md"), []byte("# FAQ\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := evals.Load(file)
	if want := file + ": knowledge[0]: kb/: no such file or directory"; err == nil || err.Error() != want {
		t.Fatalf("load: %v, want %s", err, want)
	}
	if _, err := evals.Load(filepath.Join(dir, "missing.yaml")); !evals.IsSuiteError(err) || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("a missing suite file: %v", err)
	}
}

// FuzzParseSuite checks that no input makes Parse panic, and that what it
// accepts is a usable suite.
func FuzzParseSuite(f *testing.F) {
	for _, name := range []string{"testdata/basics.yaml", "testdata/failing.yaml", "testdata/invalid.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "cases:", "cases: [{id: a, lead: hi}]", "cases: [{id: a, lead: hi, expect: {outcome: [answered, 3]}}]",
		"a: &a [*a, *a]\ncases: *a", "cases: [{id: a, lead: hi, history: [{from: ai, text: x, outcome: unknown}]}]",
		"cases: [{id: a, lead: hi, expect: {matches: '\\\\p{Greek}+', max_segments: 1e400}}]", "{", "cases: !!binary aGk=",
		"defaults: {contact: {name: [x]}}\ncases: [{id: \"\\u0000\", lead: \"\\t\"}]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := evals.Parse("fuzz.yaml", data)
		if err != nil {
			if !evals.IsSuiteError(err) || !strings.HasPrefix(err.Error(), "fuzz.yaml: ") {
				t.Fatalf("error %T %q: want a *SuiteError naming the file", err, err)
			}
			return
		}
		if len(s.Cases) == 0 {
			t.Fatal("accepted a suite without cases")
		}
		seen := map[string]bool{}
		for _, c := range s.Cases {
			if c.ID == "" || seen[c.ID] || strings.TrimSpace(c.Lead) == "" {
				t.Fatalf("accepted case %+v", c)
			}
			seen[c.ID] = true
			if c.Channel != agent.ChannelSMS && c.Channel != agent.ChannelVoice {
				t.Fatalf("channel %q", c.Channel)
			}
		}
	})
}
