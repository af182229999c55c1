package evals

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/leadagent/leadagent/agent"
)

// CheckResult is one expectation of a case, checked.
type CheckResult struct {
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail"`
	// Skipped is true for a check that could not run (judge without a
	// judge model): it is not passed, and it does not fail the case.
	Skipped bool `json:"skipped,omitempty"`
}

// The checks, by the name of their expect field.
const (
	CheckHandoff       = "handoff"
	CheckHandoffReason = "handoff_reason"
	CheckOutcome       = "outcome"
	CheckContains      = "contains"
	CheckContainsAny   = "contains_any"
	CheckNotContains   = "not_contains"
	CheckMatches       = "matches"
	CheckNotMatches    = "not_matches"
	CheckMaxSegments   = "max_segments"
	CheckGrounded      = "grounded"
	CheckJudge         = "judge"
	// CheckTurn is not an expectation: it fails a case whose turn failed.
	CheckTurn = "turn"
)

// Observed is what one case's turn produced, as the lead would get it.
type Observed struct {
	Reply    string
	Outcome  agent.Outcome
	Handoff  bool
	Reason   string
	Segments int
	Encoding string
	// Evidence is what the reply may draw on: the retrieved chunks' text,
	// the business's details and the lead's own words.
	Evidence []string
	// Chunks is how many knowledge chunks the turn retrieved.
	Chunks int
	// Ignore are names the lexical grounded check does not count as
	// content words (the lead's, the business's).
	Ignore []string
}

// Check runs every expectation of c against what its turn produced, in
// the order of DESIGN.md's format. judge may be nil: `grounded` is then
// lexical and `judge` is skipped. The judge's token usage is returned.
func Check(ctx context.Context, c Case, o Observed, judge Judge) ([]CheckResult, agent.Usage) {
	e := c.Expect
	var out []CheckResult
	var usage agent.Usage
	add := func(name string, passed bool, format string, args ...any) {
		out = append(out, CheckResult{Name: name, Passed: passed, Detail: fmt.Sprintf(format, args...)})
	}
	if e.Handoff != nil {
		switch {
		case *e.Handoff && o.Handoff:
			add(CheckHandoff, true, "handed off (%s)", o.Reason)
		case *e.Handoff:
			add(CheckHandoff, false, "no handoff (outcome %s), want one", o.Outcome)
		case o.Handoff:
			add(CheckHandoff, false, "handed off (%s), want no handoff", o.Reason)
		default:
			add(CheckHandoff, true, "no handoff")
		}
	}
	if e.HandoffReason != "" {
		switch {
		case !o.Handoff:
			add(CheckHandoffReason, false, "no handoff, want %s", e.HandoffReason)
		case o.Reason == e.HandoffReason:
			add(CheckHandoffReason, true, "%s", o.Reason)
		default:
			add(CheckHandoffReason, false, "%s, want %s", o.Reason, e.HandoffReason)
		}
	}
	if len(e.Outcome) > 0 {
		want := make([]string, len(e.Outcome))
		for i, x := range e.Outcome {
			want[i] = string(x)
		}
		if slices.Contains(e.Outcome, o.Outcome) {
			add(CheckOutcome, true, "%s", o.Outcome)
		} else {
			add(CheckOutcome, false, "%s, want %s", orNone(string(o.Outcome)), strings.Join(want, " or "))
		}
	}
	lower := strings.ToLower(o.Reply)
	if len(e.Contains) > 0 {
		var missing []string
		for _, s := range e.Contains {
			if !strings.Contains(lower, strings.ToLower(s)) {
				missing = append(missing, fmt.Sprintf("%q", s))
			}
		}
		if len(missing) == 0 {
			add(CheckContains, true, "has %s", quoteAll(e.Contains))
		} else {
			add(CheckContains, false, "missing %s", strings.Join(missing, ", "))
		}
	}
	if len(e.ContainsAny) > 0 {
		found := ""
		for _, s := range e.ContainsAny {
			if strings.Contains(lower, strings.ToLower(s)) {
				found = s
				break
			}
		}
		if found != "" {
			add(CheckContainsAny, true, "has %q", found)
		} else {
			add(CheckContainsAny, false, "none of %s", quoteAll(e.ContainsAny))
		}
	}
	if len(e.NotContains) > 0 {
		var found []string
		for _, s := range e.NotContains {
			if strings.Contains(lower, strings.ToLower(s)) {
				found = append(found, fmt.Sprintf("%q", s))
			}
		}
		if len(found) == 0 {
			add(CheckNotContains, true, "has none of %s", quoteAll(e.NotContains))
		} else {
			add(CheckNotContains, false, "has %s", strings.Join(found, ", "))
		}
	}
	if e.Matches != nil {
		if m := e.Matches.FindString(o.Reply); e.Matches.MatchString(o.Reply) {
			add(CheckMatches, true, "%q matches %s", m, e.Matches)
		} else {
			add(CheckMatches, false, "no match for %s", e.Matches)
		}
	}
	if e.NotMatches != nil {
		if e.NotMatches.MatchString(o.Reply) {
			add(CheckNotMatches, false, "%q matches %s", e.NotMatches.FindString(o.Reply), e.NotMatches)
		} else {
			add(CheckNotMatches, true, "no match for %s", e.NotMatches)
		}
	}
	if e.MaxSegments > 0 {
		if o.Segments <= e.MaxSegments {
			add(CheckMaxSegments, true, "%d segment(s), %s", o.Segments, o.Encoding)
		} else {
			add(CheckMaxSegments, false, "%d segments (%s), want at most %d", o.Segments, o.Encoding, e.MaxSegments)
		}
	}
	if e.Grounded {
		r, u := checkGrounded(ctx, c, o, judge)
		out = append(out, r)
		usage = addUsage(usage, u)
	}
	if e.Judge != "" {
		r, u := checkJudge(ctx, c, o, judge)
		out = append(out, r)
		usage = addUsage(usage, u)
	}
	return out, usage
}

func checkGrounded(ctx context.Context, c Case, o Observed, judge Judge) (CheckResult, agent.Usage) {
	lexical := GroundedLexical(o.Reply, o.Evidence, o.Ignore)
	r := CheckResult{Name: CheckGrounded, Passed: lexical.Grounded(), Detail: lexical.Detail()}
	if lexical.Factual > 0 && o.Chunks == 0 && !r.Passed {
		r.Detail += "; the turn retrieved no chunks"
	}
	if judge == nil || strings.TrimSpace(o.Reply) == "" {
		return r, agent.Usage{}
	}
	v, err := judge.Grounded(ctx, question(c, o))
	if err != nil {
		// The judge's failure is not the reply's: fall back to the
		// lexical check, and say so.
		r.Detail = fmt.Sprintf("judge unavailable (%v); %s", err, r.Detail)
		return r, v.Usage
	}
	r = CheckResult{Name: CheckGrounded, Passed: v.Pass, Detail: "judge " + judge.Model() + ": " + verdictText(v)}
	if !v.Pass && len(v.Unsupported) > 0 {
		r.Detail += fmt.Sprintf(" (unsupported: %s)", quoteAll(v.Unsupported))
	}
	return r, v.Usage
}

func checkJudge(ctx context.Context, c Case, o Observed, judge Judge) (CheckResult, agent.Usage) {
	if judge == nil {
		return CheckResult{Name: CheckJudge, Skipped: true, Detail: "skipped: no judge model configured (--judge-model or JUDGE_MODEL)"}, agent.Usage{}
	}
	v, err := judge.Rubric(ctx, question(c, o))
	if err != nil {
		return CheckResult{Name: CheckJudge, Skipped: true, Detail: fmt.Sprintf("skipped: %v", err)}, v.Usage
	}
	return CheckResult{Name: CheckJudge, Passed: v.Pass, Detail: "judge " + judge.Model() + ": " + verdictText(v)}, v.Usage
}

func question(c Case, o Observed) JudgeQuestion {
	return JudgeQuestion{Rubric: c.Expect.Judge, Channel: c.Channel, History: c.History, Lead: c.Lead,
		Reply: o.Reply, Evidence: o.Evidence}
}

func verdictText(v Verdict) string {
	s := "fail"
	if v.Pass {
		s = "pass"
	}
	if v.Reason != "" {
		s += ": " + v.Reason
	}
	return s
}

func addUsage(a, b agent.Usage) agent.Usage {
	return agent.Usage{PromptTokens: a.PromptTokens + b.PromptTokens, CompletionTokens: a.CompletionTokens + b.CompletionTokens}
}

func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
