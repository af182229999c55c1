package evals

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/leadagent/leadagent/agent"
)

// Report is one run of one suite, in the shape DESIGN.md fixes for
// `leadagent eval run --json` (suite, provider, model, prompt_version,
// cases, summary). The fields after those are additions.
type Report struct {
	Suite         string       `json:"suite"`
	Provider      string       `json:"provider"`
	Model         string       `json:"model"`
	PromptVersion string       `json:"prompt_version"`
	Cases         []CaseResult `json:"cases"`
	Summary       Summary      `json:"summary"`

	File         string `json:"file"`
	RulesVersion int    `json:"rules_version"`
	Namespace    string `json:"namespace"`
	// KnowledgeErrors are the suite's knowledge files that could not be
	// read, each naming its path and why; the run answered from the
	// others.
	KnowledgeErrors []string `json:"knowledge_errors,omitempty"`
	// KnowledgeSkipped are the files in the suite's knowledge folders of
	// a type the reader does not take.
	KnowledgeSkipped []string  `json:"knowledge_skipped,omitempty"`
	JudgeModel       string    `json:"judge_model"`
	RunID            int64     `json:"run_id,omitempty"`
	StartedAt        time.Time `json:"started_at"`
	FinishedAt       time.Time `json:"finished_at"`
}

// CaseResult is one case as its turn went.
type CaseResult struct {
	ID        string        `json:"id"`
	Passed    bool          `json:"passed"`
	Reply     string        `json:"reply"`
	Outcome   agent.Outcome `json:"outcome"`
	Handoff   HandoffResult `json:"handoff"`
	Checks    []CheckResult `json:"checks"`
	LatencyMS float64       `json:"latency_ms"`
	Tokens    Tokens        `json:"tokens"`

	// JudgeTokens are what the judge model spent on the case's checks.
	JudgeTokens Tokens `json:"judge_tokens"`
	// Expected is the case's handoff expectation, for the confusion
	// matrix: "" when the case has none, "none" for handoff: false, the
	// reason when one is expected, "handoff" for handoff: true without one.
	Expected string `json:"expected_handoff,omitempty"`
	// ExpectedOutcome is "answered" when the case expects an answer and
	// nothing else, "unknown" when it expects "I don't know" and nothing
	// else, "" otherwise: what the answer figures count.
	ExpectedOutcome agent.Outcome `json:"expected_outcome,omitempty"`
	Segments        int           `json:"segments"`
	// Path says who answered (llm, offline, fallback); "" when nobody
	// did (an opt-out keyword).
	Path string `json:"path,omitempty"`
	// FallbackReason says why the model's answer was not used, when Path
	// is fallback ("timeout", "http 429").
	FallbackReason string  `json:"fallback_reason,omitempty"`
	Citations      []int64 `json:"citations,omitempty"`
	// Error is why the turn failed, when it did.
	Error string `json:"error,omitempty"`
}

// HandoffResult is whether the turn handed off, and why.
type HandoffResult struct {
	Triggered bool   `json:"triggered"`
	Reason    string `json:"reason"`
}

// Tokens is model usage.
type Tokens struct {
	Prompt     int `json:"prompt"`
	Completion int `json:"completion"`
}

// Summary is a run's figures.
type Summary struct {
	Cases         int          `json:"cases"`
	Passed        int          `json:"passed"`
	Failed        int          `json:"failed"`
	SkippedChecks int          `json:"skipped_checks"`
	PassRate      float64      `json:"pass_rate"`
	Handoff       HandoffStats `json:"handoff"`
	Answers       AnswerStats  `json:"answers"`
	LatencyMS     Latency      `json:"latency_ms"`

	// Tokens are the agent's; JudgeTokens the judge model's.
	Tokens      Tokens `json:"tokens"`
	JudgeTokens Tokens `json:"judge_tokens"`
	// CostUSD estimates what the agent's and the judge's tokens cost at
	// list prices (see PricePerMillion); null when a model's price is
	// unknown.
	CostUSD    *float64 `json:"cost_usd"`
	DurationMS float64  `json:"duration_ms"`
}

// AnswerStats say how often the agent declined what it should answer, and
// answered what it should decline: over the cases that expect an answer
// and nothing else, those it said "I don't know" to; over the cases that
// expect "I don't know", those it answered (a fact given where the
// knowledge has none).
type AnswerStats struct {
	Answerable   int     `json:"answerable"`
	SaidUnknown  int     `json:"said_unknown"`
	UnknownRate  float64 `json:"unknown_rate"`
	Unanswerable int     `json:"unanswerable"`
	Answered     int     `json:"answered"`
	AnsweredRate float64 `json:"answered_rate"`
}

func answerStats(cases []CaseResult) AnswerStats {
	var a AnswerStats
	for _, c := range cases {
		switch c.ExpectedOutcome {
		case agent.OutcomeAnswered:
			a.Answerable++
			if c.Outcome == agent.OutcomeUnknown {
				a.SaidUnknown++
			}
		case agent.OutcomeUnknown:
			a.Unanswerable++
			if c.Outcome == agent.OutcomeAnswered {
				a.Answered++
			}
		}
	}
	a.UnknownRate = ratio(a.SaidUnknown, a.Answerable)
	a.AnsweredRate = ratio(a.Answered, a.Unanswerable)
	return a
}

// HandoffStats score the handoff decision over the cases that expect one
// way or the other (expect.handoff set): a handoff is the positive class.
type HandoffStats struct {
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
	TN        int     `json:"tn"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`

	// Confusion counts those cases by expected class (a reason, "handoff"
	// when none was named, or "none") and the reason the turn handed off
	// with ("none" when it did not).
	Confusion map[string]map[string]int `json:"confusion"`
	// Reasons are precision and recall per reason, over the same cases.
	Reasons map[string]ClassStats `json:"reasons"`
}

// ClassStats are one reason's figures.
type ClassStats struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	Expected  int     `json:"expected"` // cases expecting this reason
	Got       int     `json:"got"`      // cases that handed off with it
}

// Latency percentiles, in milliseconds, over the cases the agent answered.
type Latency struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
}

// NoHandoff is the confusion matrix's class for "no handoff"; AnyReason
// the expected class of handoff: true without a handoff_reason.
const (
	NoHandoff = "none"
	AnyReason = "handoff"
)

// Summarize computes a run's summary from its cases, all but CostUSD,
// which Runner.Run fills in from the models' prices (see Cost).
func Summarize(cases []CaseResult, duration time.Duration) Summary {
	s := Summary{Cases: len(cases), DurationMS: roundTo(float64(duration.Microseconds())/1000, 3)}
	var latencies []float64
	for _, c := range cases {
		if c.Passed {
			s.Passed++
		} else {
			s.Failed++
		}
		for _, ch := range c.Checks {
			if ch.Skipped {
				s.SkippedChecks++
			}
		}
		if c.Path != "" {
			latencies = append(latencies, c.LatencyMS)
		}
		s.Tokens.Prompt += c.Tokens.Prompt
		s.Tokens.Completion += c.Tokens.Completion
		s.JudgeTokens.Prompt += c.JudgeTokens.Prompt
		s.JudgeTokens.Completion += c.JudgeTokens.Completion
	}
	if s.Cases > 0 {
		s.PassRate = roundTo(float64(s.Passed)/float64(s.Cases), 4)
	}
	s.Handoff = handoffStats(cases)
	s.Answers = answerStats(cases)
	s.LatencyMS = Latency{P50: percentile(latencies, 50), P95: percentile(latencies, 95)}
	return s
}

// withCost fills in the estimated cost.
func (s *Summary) withCost(provider, model, judgeModel string) {
	agentCost, ok := Cost(provider, model, s.Tokens)
	if !ok {
		return
	}
	judgeCost := 0.0
	if judgeModel != "" {
		if judgeCost, ok = Cost("openai", judgeModel, s.JudgeTokens); !ok {
			return
		}
	}
	total := roundTo(agentCost+judgeCost, 6)
	s.CostUSD = &total
}

func handoffStats(cases []CaseResult) HandoffStats {
	h := HandoffStats{Confusion: map[string]map[string]int{}, Reasons: map[string]ClassStats{}}
	for _, c := range cases {
		if c.Expected == "" {
			continue
		}
		got := NoHandoff
		if c.Handoff.Triggered {
			got = orNone(c.Handoff.Reason)
		}
		row := h.Confusion[c.Expected]
		if row == nil {
			row = map[string]int{}
			h.Confusion[c.Expected] = row
		}
		row[got]++
		switch want := c.Expected != NoHandoff; {
		case want && c.Handoff.Triggered:
			h.TP++
		case want:
			h.FN++
		case c.Handoff.Triggered:
			h.FP++
		default:
			h.TN++
		}
	}
	h.Precision = ratio(h.TP, h.TP+h.FP)
	h.Recall = ratio(h.TP, h.TP+h.FN)
	for _, reason := range HandoffReasons {
		var cs ClassStats
		tp := 0
		for want, row := range h.Confusion {
			if want == reason {
				for _, n := range row {
					cs.Expected += n
				}
				tp = row[reason]
			}
			cs.Got += row[reason]
		}
		if cs.Expected == 0 && cs.Got == 0 {
			continue
		}
		cs.Precision, cs.Recall = ratio(tp, cs.Got), ratio(tp, cs.Expected)
		h.Reasons[reason] = cs
	}
	return h
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return roundTo(float64(n)/float64(d), 4)
}

// percentile is the nearest-rank percentile of xs (0 for none).
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	rank = min(max(rank, 1), len(s))
	return roundTo(s[rank-1], 3)
}

func roundTo(x float64, places int) float64 {
	f := math.Pow(10, float64(places))
	return math.Round(x*f) / f
}

// Failed lists the cases that did not pass.
func (r *Report) Failed() []CaseResult {
	var out []CaseResult
	for _, c := range r.Cases {
		if !c.Passed {
			out = append(out, c)
		}
	}
	return out
}

// WriteJSON writes reports as `leadagent eval run --json` does: one
// report as one JSON object, several as an array of them.
func WriteJSON(w io.Writer, reports ...*Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if len(reports) == 1 {
		return enc.Encode(reports[0])
	}
	if reports == nil {
		reports = []*Report{}
	}
	return enc.Encode(reports)
}

// Slim returns what a baseline needs of r: each case's id, outcome,
// handoff and whether it passed, and the summary; not the replies, checks
// or citations, which quote the suite and the knowledge. A baseline of a
// suite kept outside the repository is committed slim.
func (r *Report) Slim() *Report {
	s := *r
	s.Cases = make([]CaseResult, len(r.Cases))
	for i, c := range r.Cases {
		s.Cases[i] = CaseResult{ID: c.ID, Passed: c.Passed, Outcome: c.Outcome, Handoff: c.Handoff, Expected: c.Expected,
			Checks: []CheckResult{}}
	}
	s.File = filepath.Base(r.File)
	return &s
}

// ReadReports reads a file WriteJSON wrote: one report or an array.
func ReadReports(path string) ([]*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return DecodeReports(data)
}

// DecodeReports decodes one report or an array of them.
func DecodeReports(data []byte) ([]*Report, error) {
	trimmed := strings.TrimSpace(string(data))
	if trimmed == "" {
		return nil, errors.New("empty: want an eval report (leadagent eval run --json)")
	}
	var reports []*Report
	if strings.HasPrefix(trimmed, "[") {
		if err := json.Unmarshal(data, &reports); err != nil {
			return nil, fmt.Errorf("not an eval report: %w", err)
		}
	} else {
		var r Report
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("not an eval report: %w", err)
		}
		reports = []*Report{&r}
	}
	for i, r := range reports {
		if r == nil || r.Suite == "" || r.Cases == nil {
			return nil, fmt.Errorf("report %d: not an eval report (no suite or cases)", i)
		}
	}
	return reports, nil
}
