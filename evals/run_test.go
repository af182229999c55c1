package evals_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/evals"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/knowledge"
)

func TestRunBasics(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rep := run(t, b.runner, mustLoad(t, "testdata/basics.yaml"))
	for _, c := range rep.Cases {
		if !c.Passed {
			t.Errorf("case %s failed: %q %+v", c.ID, c.Reply, c.Checks)
		}
	}
	s := rep.Summary
	if s.Cases != 11 || s.Passed != 11 || s.Failed != 0 || s.PassRate != 1 || s.SkippedChecks != 1 {
		t.Errorf("summary %+v", s)
	}
	if h := s.Handoff; h.TP != 4 || h.TN != 4 || h.FP != 0 || h.FN != 0 || h.Precision != 1 || h.Recall != 1 {
		t.Errorf("handoff %+v", h)
	}
	if got := s.Handoff.Confusion["complaint"]["complaint"]; got != 1 {
		t.Errorf("confusion %v", s.Handoff.Confusion)
	}
	if s.LatencyMS.P50 <= 0 || s.LatencyMS.P95 < s.LatencyMS.P50 || s.CostUSD == nil || *s.CostUSD != 0 {
		t.Errorf("latency %+v cost %v", s.LatencyMS, s.CostUSD)
	}
	byID := map[string]evals.CaseResult{}
	for _, c := range rep.Cases {
		byID[c.ID] = c
	}
	// What production would send: the holding message on a handoff,
	// nothing at all on STOP.
	if c := byID["book-install"]; c.Outcome != agent.OutcomeHandoff || !c.Handoff.Triggered || c.Handoff.Reason != "buying_intent" ||
		!strings.Contains(c.Reply, "Thanks, Dana! I've passed this to our team") {
		t.Errorf("book-install %+v", c)
	}
	if c := byID["stop"]; c.Outcome != agent.OutcomeOptedOut || c.Reply != "" || c.Path != "" {
		t.Errorf("stop %+v", c)
	}
	if c := byID["warranty"]; !c.Checks[len(c.Checks)-1].Skipped {
		t.Errorf("warranty's judge check %+v, want skipped", c.Checks)
	}
	if rep.RulesVersion != 0 || rep.Provider != "offline" || !strings.HasPrefix(rep.Namespace, "eval:after-hours-basics:") {
		t.Errorf("report %s %s rules v%d", rep.Provider, rep.Namespace, rep.RulesVersion)
	}

	// The run is recorded, with its cases.
	got, err := evals.GetRun(context.Background(), b.db, rep.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != evals.StateDone || got.Suite != "after-hours-basics" || got.Provider != "offline" || got.PromptVersion != "offline" ||
		got.CasesTotal != 11 || got.CasesDone != 11 || got.FinishedAt == nil || got.Summary == nil || got.Summary.Passed != 11 ||
		got.Report == nil || len(got.Report.Cases) != 11 || got.Namespace != rep.Namespace {
		t.Errorf("recorded run %+v", got)
	}
	var stored int
	if err := b.db.QueryRow(context.Background(), `SELECT count(*) FROM eval_cases WHERE run_id = $1 AND passed`, rep.RunID).Scan(&stored); err != nil || stored != 11 {
		t.Errorf("%d passed cases stored (%v)", stored, err)
	}
}

// TestRunUsesActiveRules: the run judges the rules in force, and records
// their version.
func TestRunUsesActiveRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rules := handoff.DefaultRules()
	rules.Rule(handoff.ReasonHumanRequest).Enabled = false
	v, err := handoff.SaveRules(context.Background(), b.db, rules, "admin@example.com", "no human requests")
	if err != nil {
		t.Fatal(err)
	}
	s, err := evals.Parse("testdata/rules.yaml", []byte(`
knowledge: [kb/]
cases:
  - {id: person, lead: "can I talk to a real person please", expect: {handoff: false, outcome: asked}}
`))
	if err != nil {
		t.Fatal(err)
	}
	rep := run(t, b.runner, s)
	if !rep.Cases[0].Passed || rep.RulesVersion != v.Version {
		t.Errorf("rules v%d, case %+v: want no handoff under v%d", rep.RulesVersion, rep.Cases[0], v.Version)
	}
}

// TestReportJSON checks the contract of --json: DESIGN.md's keys, each
// with its type.
func TestReportJSON(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rep := run(t, b.runner, mustLoad(t, "testdata/basics.yaml"))
	var buf bytes.Buffer
	if err := evals.WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	checkReportJSON(t, buf.Bytes())

	buf.Reset()
	if err := evals.WriteJSON(&buf, rep, rep); err != nil {
		t.Fatal(err)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &list); err != nil || len(list) != 2 {
		t.Fatalf("two reports: %v %d", err, len(list))
	}
	back, err := evals.DecodeReports(buf.Bytes())
	if err != nil || len(back) != 2 || back[1].Summary.Passed != 11 {
		t.Fatalf("decode: %v", err)
	}
}

// checkReportJSON asserts that data has every key of DESIGN.md's report,
// with the JSON type it names.
func checkReportJSON(t *testing.T, data []byte) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("report: %v\n%s", err, data)
	}
	want := func(obj map[string]any, where string, keys map[string]string) {
		t.Helper()
		for k, typ := range keys {
			v, ok := obj[k]
			if !ok {
				t.Errorf("%s lacks %q", where, k)
				continue
			}
			var got string
			switch v.(type) {
			case string:
				got = "string"
			case float64:
				got = "number"
			case bool:
				got = "bool"
			case []any:
				got = "array"
			case map[string]any:
				got = "object"
			default:
				got = "null"
			}
			if got != typ {
				t.Errorf("%s.%s is %s, want %s", where, k, got, typ)
			}
		}
	}
	want(m, "report", map[string]string{"suite": "string", "provider": "string", "model": "string", "prompt_version": "string",
		"cases": "array", "summary": "object"})
	cases := m["cases"].([]any)
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range cases {
		c := c.(map[string]any)
		want(c, "case", map[string]string{"id": "string", "passed": "bool", "reply": "string", "outcome": "string",
			"handoff": "object", "checks": "array", "latency_ms": "number", "tokens": "object"})
		want(c["handoff"].(map[string]any), "case.handoff", map[string]string{"triggered": "bool", "reason": "string"})
		want(c["tokens"].(map[string]any), "case.tokens", map[string]string{"prompt": "number", "completion": "number"})
		for _, ch := range c["checks"].([]any) {
			want(ch.(map[string]any), "check", map[string]string{"name": "string", "passed": "bool", "detail": "string"})
		}
	}
	s := m["summary"].(map[string]any)
	want(s, "summary", map[string]string{"cases": "number", "passed": "number", "failed": "number", "skipped_checks": "number",
		"pass_rate": "number", "handoff": "object", "latency_ms": "object"})
	want(s["handoff"].(map[string]any), "summary.handoff", map[string]string{"tp": "number", "fp": "number", "fn": "number",
		"tn": "number", "precision": "number", "recall": "number"})
	want(s["latency_ms"].(map[string]any), "summary.latency_ms", map[string]string{"p50": "number", "p95": "number"})
}

// TestNamespacesIsolated: a suite's knowledge is found only in its own
// namespace, production's only in 'default', and a re-run ingests nothing.
func TestNamespacesIsolated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	prod := filepath.Join(t.TempDir(), "production.md")
	if err := os.WriteFile(prod, []byte("# Gutters\n\nGutter cleaning costs $75 per visit, and we clean gutters every spring.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := b.kb.Ingest(ctx, []string{prod}, knowledge.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	s := mustLoad(t, "testdata/basics.yaml")
	rep := run(t, b.runner, s)
	ns := rep.Namespace
	if ns2, _ := evals.Namespace(s); ns2 != ns || ns == knowledge.DefaultNamespace {
		t.Fatalf("namespace %q, then %q", ns, ns2)
	}
	search := func(q, ns string) []knowledge.Result {
		t.Helper()
		res, err := b.kb.Search(ctx, q, knowledge.SearchOptions{K: 5, Namespace: ns})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := search("furnace tune-up price", knowledge.DefaultNamespace); len(res) != 0 {
		t.Errorf("the suite's knowledge is in 'default': %+v", res)
	}
	if res := search("furnace tune-up price", ns); len(res) == 0 || !strings.Contains(res[0].Content, "$129") {
		t.Errorf("the suite's namespace lacks its knowledge: %+v", res)
	}
	for _, r := range search("gutter cleaning", ns) {
		if strings.Contains(r.Content, "Gutter") {
			t.Errorf("production's knowledge is in the suite's namespace: %+v", r)
		}
	}
	if res := search("gutter cleaning", knowledge.DefaultNamespace); len(res) != 1 {
		t.Errorf("production's knowledge: %+v", res)
	}

	// A case about production's knowledge does not get it.
	g, err := evals.Parse("testdata/gutters.yaml", []byte(`
knowledge: [kb/]
cases: [{id: gutters, lead: "how much is gutter cleaning?", expect: {not_contains: ["$75"], outcome: unknown}}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if rep := run(t, b.runner, g); !rep.Cases[0].Passed {
		t.Errorf("gutters: %+v", rep.Cases[0])
	}

	// Another suite with other knowledge gets another namespace.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "kb.md"), []byte("# Roofs\n\nA roof inspection costs $250.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other, err := evals.Parse(filepath.Join(dir, "s.yaml"), []byte("name: after-hours-basics\nknowledge: [kb.md]\ncases: [{id: roof, lead: how much is a roof inspection?, expect: {contains: [$250]}}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	orep := run(t, b.runner, other)
	if orep.Namespace == ns || !orep.Cases[0].Passed {
		t.Errorf("same-named suite with other files: namespace %q (first %q), case %+v", orep.Namespace, ns, orep.Cases[0])
	}
	if res := search("roof inspection", ns); len(res) != 0 {
		t.Errorf("the other suite's knowledge is in the first's namespace: %+v", res)
	}

	// Re-running ingests nothing. (The same-named suite's run deleted the
	// first one's namespace, as an earlier version of its files: the
	// first run after it ingests them again.)
	run(t, b.runner, s)
	var before, after int
	count := `SELECT count(*) FROM chunks WHERE namespace = $1`
	if err := b.db.QueryRow(ctx, count, ns).Scan(&before); err != nil {
		t.Fatal(err)
	}
	run(t, b.runner, s)
	if err := b.db.QueryRow(ctx, count, ns).Scan(&after); err != nil || after != before || before == 0 {
		t.Errorf("chunks %d, then %d after a re-run (%v)", before, after, err)
	}
}

// TestRunConcurrentlyInOrder: with Concurrency n, n turns are in flight
// at once, and the report still has the cases in the suite's order.
func TestRunConcurrentlyInOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := mustLoad(t, "testdata/basics.yaml")
	r := *b.runner
	r.Concurrency = 4
	barrier := newBarrier(r.Concurrency, 10*time.Second)
	r.Agent = func(_ context.Context, ret agent.Retriever, _ agent.Business) (agent.Responder, error) {
		return barrierResponder{barrier: barrier, next: offlineAgent(ret)}, nil
	}
	var mu sync.Mutex
	var progress []int
	r.Progress = func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if total != len(s.Cases) {
			t.Errorf("progress total %d", total)
		}
		progress = append(progress, done)
	}
	rep := run(t, &r, s)
	if most, timedOut := barrier.result(); most != r.Concurrency || timedOut {
		t.Errorf("at most %d turns in flight at once (barrier timed out: %v), want %d", most, timedOut, r.Concurrency)
	}
	for i, c := range rep.Cases {
		if c.ID != s.Cases[i].ID || !c.Passed {
			t.Errorf("case %d: %s passed %v, want %s", i, c.ID, c.Passed, s.Cases[i].ID)
		}
	}
	if !sort.IntsAreSorted(progress) || len(progress) != len(s.Cases) || progress[len(progress)-1] != len(s.Cases) {
		t.Errorf("progress %v", progress)
	}
}

// barrier holds turns until want of them are in flight at once, or until
// a timeout, so that a runner that plays fewer at once fails its test
// rather than hanging it. Once open it holds nothing.
type barrier struct {
	want    int
	timeout time.Duration
	open    chan struct{}
	once    sync.Once

	mu             sync.Mutex
	inFlight, most int
	timedOut       bool
}

func newBarrier(want int, timeout time.Duration) *barrier {
	return &barrier{want: want, timeout: timeout, open: make(chan struct{})}
}

// wait holds one turn at the barrier; the caller calls leave when the
// turn is done.
func (b *barrier) wait(ctx context.Context) error {
	b.mu.Lock()
	b.inFlight++
	b.most = max(b.most, b.inFlight)
	full := b.inFlight >= b.want
	b.mu.Unlock()
	if full {
		b.once.Do(func() { close(b.open) })
	}
	select {
	case <-b.open:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(b.timeout):
		b.mu.Lock()
		b.timedOut = true
		b.mu.Unlock()
		b.once.Do(func() { close(b.open) })
		return nil
	}
}

func (b *barrier) leave() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.inFlight--
}

// result is the most turns that were in flight at once, and whether the
// barrier opened on its timeout rather than full.
func (b *barrier) result() (most int, timedOut bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.most, b.timedOut
}

// barrierResponder answers as next does, each turn held at the barrier.
type barrierResponder struct {
	barrier *barrier
	next    agent.Responder
}

func (r barrierResponder) Turn(ctx context.Context, in agent.TurnInput) (agent.Reply, error) {
	defer r.barrier.leave()
	if err := r.barrier.wait(ctx); err != nil {
		return agent.Reply{}, err
	}
	return r.next.Turn(ctx, in)
}

type failingResponder struct{}

func (failingResponder) Turn(context.Context, agent.TurnInput) (agent.Reply, error) {
	return agent.Reply{}, errors.New("model exploded")
}

func TestRunFailures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	s := mustLoad(t, "testdata/failing.yaml")

	// A turn that fails is a failed case; the run goes on.
	r := *b.runner
	r.Agent = func(context.Context, agent.Retriever, agent.Business) (agent.Responder, error) {
		return failingResponder{}, nil
	}
	rep := run(t, &r, s)
	if rep.Summary.Failed != 3 || rep.Cases[0].Error != "model exploded" || rep.Cases[0].Checks[0].Name != "turn" {
		t.Errorf("cases %+v", rep.Cases)
	}

	// A run that cannot go on is recorded failed, with why.
	r.Agent = func(context.Context, agent.Retriever, agent.Business) (agent.Responder, error) {
		return nil, errors.New("no model")
	}
	if _, err := r.Run(ctx, s); err == nil || !strings.Contains(err.Error(), "no model") {
		t.Fatalf("run: %v", err)
	}
	runs, err := evals.ListRuns(ctx, b.db, "failing", 10)
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs %+v %v", runs, err)
	}
	if runs[0].State != evals.StateFailed || !strings.Contains(runs[0].Error, "no model") || runs[0].FinishedAt == nil || runs[0].Summary != nil {
		t.Errorf("failed run %+v", runs[0])
	}
	if runs[1].State != evals.StateDone || runs[1].Report != nil {
		t.Errorf("done run %+v (ListRuns leaves the report out)", runs[1])
	}

	// The real thing: two of the three cases fail, each saying why.
	rep = run(t, b.runner, s)
	var failed []string
	for _, c := range rep.Failed() {
		failed = append(failed, c.ID)
	}
	if !slices.Equal(failed, []string{"wrong-price", "wrong-reason"}) || rep.Summary.PassRate != 0.3333 {
		t.Errorf("failed %v pass rate %v", failed, rep.Summary.PassRate)
	}
	if h := rep.Summary.Handoff; h.TP != 1 || h.Confusion["complaint"]["human_request"] != 1 || h.Reasons["complaint"].Recall != 0 {
		t.Errorf("handoff %+v", h)
	}
	var md bytes.Buffer
	if err := evals.WriteMarkdown(&md, rep, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"**Pass rate: 1/3 (33.3%)**",
		"| expected \\ got | none | human_request | complaint |",
		"| complaint | 0 | 1 | 0 |",
		"#### `wrong-price`",
		"> I'm the AI assistant for Summit Home Services. A furnace tune-up costs $129",
		`- **contains**: missing "$99"`,
		"- **handoff_reason**: human_request, want complaint",
		"- estimated cost: $0.00",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
}

// TestRunSpeaksForTheSuitesBusiness: a suite's business block replaces the
// runner's business wherever the run speaks of one: the agent is built for
// it, HELP names it, and a holding message gives its number.
func TestRunSpeaksForTheSuitesBusiness(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	suite := `name: other-business
business: {name: Peak Roofing & Exteriors, phone: "(303) 555-0187", timezone: America/Denver}
cases:
  - {id: help, lead: HELP, expect: {contains: ["Peak Roofing & Exteriors"]}}
  - {id: person, lead: "I want to talk to a real person", expect: {handoff: true, contains: ["(303) 555-0187"], not_contains: ["Summit", "(970)"]}}
`
	path := filepath.Join(dir, "suite.yaml")
	if err := os.WriteFile(path, []byte(suite), 0o644); err != nil {
		t.Fatal(err)
	}
	r := *b.runner
	var built []agent.Business
	r.Agent = func(ctx context.Context, ret agent.Retriever, biz agent.Business) (agent.Responder, error) {
		built = append(built, biz)
		return b.runner.Agent(ctx, ret, biz)
	}
	rep := run(t, &r, mustLoad(t, path))
	for _, c := range rep.Cases {
		if !c.Passed {
			t.Errorf("case %s failed: %q %+v", c.ID, c.Reply, c.Checks)
		}
	}
	if len(built) != 1 || built[0].Name != "Peak Roofing & Exteriors" || built[0].Phone != "(303) 555-0187" {
		t.Errorf("agent built for %+v, want the suite's business", built)
	}
}

// TestRunOptOutInWords: an opt-out in plain words is played as production
// answers it, with its one confirmation and no agent; STOP alone gets no
// reply at all; another sense of "stop" reaches the agent.
func TestRunOptOutInWords(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s, err := evals.Parse("testdata/optout.yaml", []byte(`
knowledge: [kb/]
business: {name: Summit Home Services, phone: "(970) 555-0100"}
cases:
  - {id: stop, lead: "STOP", expect: {handoff: false, outcome: opted_out, not_matches: "."}}
  - id: stop-in-words
    lead: "please stop texting me"
    expect: {handoff: false, outcome: opted_out, max_segments: 1, contains: ["Summit Home Services", "START"], not_contains: ["$"]}
  - {id: off-the-list, lead: "take me off your list", expect: {outcome: opted_out, max_segments: 1}}
  - {id: stop-by, lead: "can you stop by tomorrow?", expect: {outcome: [answered, asked, unknown, handoff]}}
`))
	if err != nil {
		t.Fatal(err)
	}
	rep := run(t, b.runner, s)
	for _, c := range rep.Cases {
		if !c.Passed {
			t.Errorf("case %s failed: %q %+v", c.ID, c.Reply, c.Checks)
		}
		if c.ID != "stop-by" && c.Path != "" {
			t.Errorf("case %s reached the agent (%s)", c.ID, c.Path)
		}
	}
	if c := rep.Cases[1]; c.Reply == "" || c.Segments != 1 {
		t.Errorf("stop-in-words: reply %q in %d segments, want the one-segment confirmation", c.Reply, c.Segments)
	}
}

// TestRunAnswerFigures: the report counts "I don't know" on the cases that
// expect only an answer, and answers on those that expect only "I don't
// know"; a case that allows either counts in neither.
func TestRunAnswerFigures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rep := run(t, b.runner, mustLoad(t, "testdata/answers.yaml"))
	want := evals.AnswerStats{Answerable: 2, SaidUnknown: 1, UnknownRate: 0.5, Unanswerable: 1}
	if rep.Summary.Answers != want {
		t.Errorf("answers %+v, want %+v (cases %+v)", rep.Summary.Answers, want, rep.Cases)
	}
	var md bytes.Buffer
	if err := evals.WriteMarkdown(&md, rep, nil); err != nil {
		t.Fatal(err)
	}
	line := `"I don't know" on 1 of 2 cases that expect an answer (50.0%) · answered 0 of 1 that expect "I don't know" (0.0%)`
	if !strings.Contains(md.String(), line) {
		t.Errorf("markdown lacks %q:\n%s", line, md.String())
	}
}

// TestRunWithAnUnreadableFile: a knowledge file the reader cannot read, or
// of a type it does not take, costs the run nothing but that file, and the
// report names it; a suite none of whose files can be read does not run.
func TestRunWithAnUnreadableFile(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rep := run(t, b.runner, mustLoad(t, "testdata/partial.yaml"))
	if rep.Summary.Passed != 1 || len(rep.KnowledgeErrors) != 1 || !strings.Contains(rep.KnowledgeErrors[0], "faq.csv") {
		t.Fatalf("passed %d, knowledge errors %q", rep.Summary.Passed, rep.KnowledgeErrors)
	}
	var md bytes.Buffer
	if err := evals.WriteMarkdown(&md, rep, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "**Knowledge: 1 file(s) not loaded**") || !strings.Contains(md.String(), "faq.csv") {
		t.Errorf("markdown does not name the file:\n%s", md.String())
	}
	// A file of a type the reader does not take is left out, and said.
	if len(rep.KnowledgeSkipped) != 1 || !strings.HasSuffix(rep.KnowledgeSkipped[0], "notes.docx") ||
		!strings.Contains(md.String(), "1 file(s) of a type not read left out:** ") {
		t.Errorf("skipped %q\n%s", rep.KnowledgeSkipped, md.String())
	}

	s := mustLoad(t, "testdata/partial.yaml")
	s.Name = "only-broken"
	s.Knowledge = []string{"broken/"}
	if _, err := b.runner.Run(context.Background(), s); err == nil || !strings.Contains(err.Error(), "faq.csv") {
		t.Errorf("a suite with no readable knowledge ran: %v", err)
	}
}
