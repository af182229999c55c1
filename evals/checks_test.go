package evals_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/evals"
)

var kbEvidence = []string{
	"Tune-ups\nA furnace tune-up costs $129 and takes about an hour. An AC tune-up costs $119.",
	"Hours and service area\nOur office is open Monday to Friday from 8 AM to 6 PM, and Saturday from 9 AM to 1 PM. We serve Fort Collins, Loveland and Windsor.",
	"New AC units\nA new central AC unit costs $4,800 to $7,500 installed. We offer financing through GreenSky, with 0% interest for 12 months on approved credit.",
	"Duct cleaning\nA 2½-ton system's ducts are cleaned in about 3 hours.",
	"Summit Home Services", "(970) 555-0100",
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// TestChecks is each check's spec: what passes, what fails, and what the
// detail says.
func TestChecks(t *testing.T) {
	t.Parallel()
	answered := evals.Observed{Reply: "A furnace tune-up costs $129 and takes about an hour. What town are you in?",
		Outcome: agent.OutcomeAnswered, Segments: 1, Encoding: agent.EncodingGSM7, Evidence: kbEvidence, Chunks: 2}
	handedOff := evals.Observed{Reply: "Thanks, Dana! I've passed this to our team, and a person will follow up as soon as they can.",
		Outcome: agent.OutcomeHandoff, Handoff: true, Reason: agent.ReasonBuyingIntent, Segments: 1, Encoding: agent.EncodingGSM7}
	tests := []struct {
		name   string
		expect evals.Expect
		got    evals.Observed
		passed bool
		detail string
	}{
		{"handoff expected, none", evals.Expect{Handoff: yes()}, answered, false, "no handoff (outcome answered), want one"},
		{"handoff expected", evals.Expect{Handoff: yes()}, handedOff, true, "handed off (buying_intent)"},
		{"no handoff expected, one", evals.Expect{Handoff: no()}, handedOff, false, "handed off (buying_intent), want no handoff"},
		{"no handoff expected", evals.Expect{Handoff: no()}, answered, true, "no handoff"},
		{"reason", evals.Expect{HandoffReason: "buying_intent"}, handedOff, true, "buying_intent"},
		{"wrong reason", evals.Expect{HandoffReason: "complaint"}, handedOff, false, "buying_intent, want complaint"},
		{"reason without a handoff", evals.Expect{HandoffReason: "complaint"}, answered, false, "no handoff, want complaint"},
		{"outcome", evals.Expect{Outcome: []agent.Outcome{"asked", "answered"}}, answered, true, "answered"},
		{"wrong outcome", evals.Expect{Outcome: []agent.Outcome{"unknown", "asked"}}, answered, false, "answered, want unknown or asked"},
		{"contains, any case", evals.Expect{Contains: []string{"$129", "FURNACE"}}, answered, true, `has "$129", "FURNACE"`},
		{"contains, one missing", evals.Expect{Contains: []string{"$129", "financing", "loan"}}, answered, false, `missing "financing", "loan"`},
		{"contains_any", evals.Expect{ContainsAny: []string{"loan", "Tune-Up"}}, answered, true, `has "Tune-Up"`},
		{"contains_any, none", evals.Expect{ContainsAny: []string{"loan", "lease"}}, answered, false, `none of "loan", "lease"`},
		{"not_contains", evals.Expect{NotContains: []string{"guarantee"}}, answered, true, `has none of "guarantee"`},
		{"not_contains, found", evals.Expect{NotContains: []string{"guarantee", "HOUR"}}, answered, false, `has "HOUR"`},
		{"matches", evals.Expect{Matches: regexp.MustCompile(`\$\d+`)}, answered, true, `"$129" matches \$\d+`},
		{"matches, none", evals.Expect{Matches: regexp.MustCompile(`(?i)financ`)}, answered, false, `no match for (?i)financ`},
		{"not_matches", evals.Expect{NotMatches: regexp.MustCompile(`(?i)free install`)}, answered, true, `no match for (?i)free install`},
		{"not_matches, matched", evals.Expect{NotMatches: regexp.MustCompile(`\d+ hour|an hour`)}, answered, false, `"an hour" matches \d+ hour|an hour`},
		{"max_segments", evals.Expect{MaxSegments: 1}, answered, true, "1 segment(s), GSM-7"},
		{"max_segments, over", evals.Expect{MaxSegments: 2}, evals.Observed{Reply: strings.Repeat("é ☃ ", 60), Segments: 4, Encoding: agent.EncodingUCS2},
			false, "4 segments (UCS-2), want at most 2"},
		{"grounded", evals.Expect{Grounded: true}, answered, true, "lexical: the factual sentence is supported by the retrieved chunks"},
		{"grounded, boilerplate only", evals.Expect{Grounded: true}, handedOff, true, "lexical: no factual sentences"},
		{"grounded, a wrong price", evals.Expect{Grounded: true},
			evals.Observed{Reply: "I'm the AI assistant for Summit Home Services. A furnace tune-up costs $99.", Evidence: kbEvidence, Chunks: 1},
			false, `lexical: not supported by the retrieved chunks: "A furnace tune-up costs $99." (numbers not in the chunks: 99)`},
		{"grounded, nothing retrieved", evals.Expect{Grounded: true},
			evals.Observed{Reply: "We install solar panels across Colorado."},
			false, `lexical: not supported by the retrieved chunks: "We install solar panels across Colorado." (0 of 4 content words found, missing: install, solar, panels, colorado); the turn retrieved no chunks`},
		{"judge without a judge model", evals.Expect{Judge: "friendly"}, answered, false, "skipped: no judge model configured (--judge-model or JUDGE_MODEL)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checks, usage := evals.Check(context.Background(), evals.Case{ID: "c", Lead: "how much is a tune-up?", Expect: tt.expect}, tt.got, nil)
			if len(checks) != 1 {
				t.Fatalf("%d checks: %+v", len(checks), checks)
			}
			c := checks[0]
			if c.Passed != tt.passed || c.Detail != tt.detail {
				t.Errorf("%s: passed %v %q, want %v %q", c.Name, c.Passed, c.Detail, tt.passed, tt.detail)
			}
			if c.Name == "judge" && !c.Skipped {
				t.Error("judge without a model is not marked skipped")
			}
			if usage != (agent.Usage{}) {
				t.Errorf("usage %+v without a judge", usage)
			}
		})
	}
}

func TestChecksRunInOrder(t *testing.T) {
	t.Parallel()
	e := evals.Expect{Judge: "x", Grounded: true, MaxSegments: 2, NotMatches: regexp.MustCompile("x"), Matches: regexp.MustCompile("."),
		NotContains: []string{"x"}, ContainsAny: []string{"a"}, Contains: []string{"a"}, Outcome: []agent.Outcome{"answered"},
		HandoffReason: "complaint", Handoff: yes()}
	checks, _ := evals.Check(context.Background(), evals.Case{Expect: e}, evals.Observed{Reply: "a"}, nil)
	var names []string
	for _, c := range checks {
		names = append(names, c.Name)
	}
	want := "handoff handoff_reason outcome contains contains_any not_contains matches not_matches max_segments grounded judge"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("checks %s, want %s", got, want)
	}
}

// TestGroundedLexical is the lexical check's spec: what counts as a
// factual sentence, and what supports one.
func TestGroundedLexical(t *testing.T) {
	t.Parallel()
	ignore := []string{"Dana Reyes", "Summit Home Services"}
	tests := []struct {
		name, reply string
		factual     int
		unsupported []string
	}{
		{"a quoted price", "A furnace tune-up costs $129 and takes about an hour.", 1, nil},
		{"the same price written otherwise", "An AC tune-up is 119 dollars.", 1, nil},
		{"a wrong price", "A furnace tune-up costs $139.", 1, []string{"A furnace tune-up costs $139."}},
		{"a thousands separator", "New AC units run from $4800 to $7,500 installed.", 1, nil},
		{"hours, as a clock", "We're open Saturday from 9:00 to 1:00.", 1, nil},
		{"a wrong hour", "We're open Saturday from 9 AM to 5 PM.", 1, []string{"We're open Saturday from 9 AM to 5 PM."}},
		{"paraphrase with stems", "Financing is offered through GreenSky on approved credit.", 1, nil},
		{"an invented service", "We also clean chimneys and repair roofs.", 1, []string{"We also clean chimneys and repair roofs."}},
		{"a question is not a claim", "Would you like someone to schedule a visit?", 0, nil},
		{"a question with a price is", "Would you like the $99 tune-up?", 1, []string{"Would you like the $99 tune-up?"}},
		{"greeting and disclosure", "Hi Dana! I'm the AI assistant for Summit Home Services. How can I help you today?", 0, nil},
		{"follow-up promise", "Someone from Summit Home Services will follow up with you.", 0, nil},
		{"a part left for the team", "A tune-up costs $129. I don't have an answer to your other question, so I've noted it for the team at Summit Home Services.", 1, nil},
		{"the business's phone", "If it's urgent, call (970) 555-0100.", 1, nil},
		{"a wrong phone", "If it's urgent, call (970) 555-0199.", 1, []string{"If it's urgent, call (970) 555-0199."}},
		{"the lead's own words echoed", "You mentioned the basement is flooding.", 1, nil},
		{"one bad of three", "We serve Fort Collins, Loveland and Windsor. We also serve Denver and Boulder. A tune-up costs $129.", 3,
			[]string{"We also serve Denver and Boulder."}},
		{"lines are sentences", "Tune-up: $129\nAC tune-up: $119", 2, nil},
		{"a fraction as sent by SMS", "The ducts of a 2 1/2-ton system are cleaned in about 3 hours.", 1, nil},
		{"empty", "", 0, nil},
	}
	evidence := append([]string{"my basement is flooding"}, kbEvidence...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := evals.GroundedLexical(tt.reply, evidence, ignore)
			var got []string
			for _, u := range g.Unsupported {
				got = append(got, u.Sentence)
			}
			if g.Factual != tt.factual || strings.Join(got, "|") != strings.Join(tt.unsupported, "|") {
				t.Errorf("factual %d unsupported %q, want %d %q (%s)", g.Factual, got, tt.factual, tt.unsupported, g.Detail())
			}
			if g.Grounded() != (len(tt.unsupported) == 0) {
				t.Errorf("Grounded() = %v", g.Grounded())
			}
		})
	}
}

func TestCost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		provider, model string
		tokens          evals.Tokens
		usd             float64
		ok              bool
	}{
		{"offline", "offline", evals.Tokens{}, 0, true},
		{"openai", "gpt-4o-mini", evals.Tokens{Prompt: 1_000_000, Completion: 1_000_000}, 0.75, true},
		{"openai", "gpt-4o-mini-2024-07-18", evals.Tokens{Prompt: 2_000_000}, 0.30, true},
		{"openai", "gpt-4o-2024-08-06", evals.Tokens{Completion: 1_000_000}, 10, true},
		{"openai", "llama3:8b", evals.Tokens{Prompt: 10}, 0, false},
		{"openai", "llama3:8b", evals.Tokens{}, 0, true},
	}
	for _, tt := range tests {
		usd, ok := evals.Cost(tt.provider, tt.model, tt.tokens)
		if ok != tt.ok || (usd-tt.usd) > 1e-9 || (tt.usd-usd) > 1e-9 {
			t.Errorf("Cost(%s, %s, %+v) = %v, %v; want %v, %v", tt.provider, tt.model, tt.tokens, usd, ok, tt.usd, tt.ok)
		}
	}
}
