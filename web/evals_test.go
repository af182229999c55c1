package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/channels/twilio"
	"github.com/leadagent/leadagent/evals"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/prompts"
	"github.com/leadagent/leadagent/store/storetest"
	"github.com/leadagent/leadagent/web"
)

// evalsBundle is the router with a folder of suites and a StartEval that
// records runs as QueueRun does but plays none: the test finishes them
// by hand, as the worker would.
type evalsBundle struct {
	*testBundle
	dir, suite, invalid string
	started             []string // "path prompt" of each StartEval call
	startErr            error
	// knowledgeErrors are the files the next finished run could not read.
	knowledgeErrors []string
}

func setupEvals(t *testing.T) *evalsBundle {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	e := &evalsBundle{testBundle: &testBundle{ctx: ctx, db: storetest.NewDB(t)}, dir: t.TempDir()}
	kb, err := filepath.Abs("../evals/testdata/kb")
	if err != nil {
		t.Fatal(err)
	}
	e.suite, e.invalid = filepath.Join(e.dir, "basics.yaml"), filepath.Join(e.dir, "broken.yaml")
	write := func(path, body string) {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(e.suite, "name: basics\nknowledge: ["+kb+"]\ncases:\n"+
		"  - {id: keeps-passing, lead: hi, expect: {handoff: false}}\n"+
		"  - {id: regresses, lead: financing?, expect: {contains: [financing]}}\n"+
		"  - {id: gets-fixed, lead: I want to book, expect: {handoff: true, handoff_reason: buying_intent}}\n")
	write(e.invalid, "name: broken\ncases:\n  - {id: x, lead: hi, expect: {outcome: sold}}\n")
	write(filepath.Join(e.dir, "notes.txt"), "not a suite")

	if e.inbox, err = inbox.New(inbox.Config{DB: e.db, Logger: quiet()}); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Config{
		DB:           e.db,
		Webhooks:     &twilio.Webhooks{Receiver: nopReceiver{}, Validator: twilio.NewValidator("token", "")},
		Reps:         e.inbox,
		Leads:        e.inbox,
		Hours:        hours.MustParse("Mon-Fri 09:00-17:00", "America/Denver"),
		BusinessName: "Summit Home Services",
		Logger:       quiet(),
		EvalSuites:   e.dir,
		StartEval: func(ctx context.Context, path, prompt string) (int64, error) {
			e.started = append(e.started, path+" "+prompt)
			if e.startErr != nil {
				return 0, e.startErr
			}
			s, err := evals.Load(path)
			if err != nil {
				return 0, err
			}
			if prompt == "" {
				prompt = "sms@default"
			}
			run, err := evals.StartRun(ctx, e.db, evals.RunInfo{Suite: s.Name, File: path, Provider: "openai", Model: "gpt-4o-mini",
				PromptVersion: prompt, RulesVersion: 2, CasesTotal: len(s.Cases)})
			return run.ID, err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e
}

// evalCase is a case's result as the runner records it; a failing one
// fails its contains check with detail.
func evalCase(id string, passed bool, reply, expected, got, detail string) evals.CaseResult {
	c := evals.CaseResult{ID: id, Passed: passed, Reply: reply, Outcome: "answered", Expected: expected,
		Checks: []evals.CheckResult{{Name: "outcome", Passed: true, Detail: "answered"}}}
	if got != "" {
		c.Handoff = evals.HandoffResult{Triggered: got != "none", Reason: got}
		if got == "none" {
			c.Handoff.Reason = ""
		}
	}
	if !passed {
		c.Checks = append(c.Checks, evals.CheckResult{Name: "contains", Detail: detail})
	}
	return c
}

// finish plays a run's cases into the store the way the worker does.
func (e *evalsBundle) finish(t *testing.T, id int64, cases ...evals.CaseResult) {
	t.Helper()
	run, err := evals.GetRun(e.ctx, e.db, id)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		if err := evals.RecordCase(e.ctx, e.db, id, i, c); err != nil {
			t.Fatal(err)
		}
	}
	rep := &evals.Report{Suite: run.Suite, File: run.File, Provider: run.Provider, Model: run.Model, PromptVersion: run.PromptVersion,
		RulesVersion: run.RulesVersion, RunID: id, Cases: cases, StartedAt: run.StartedAt, FinishedAt: run.StartedAt.Add(2 * time.Second)}
	rep.Summary = evals.Summarize(cases, 2*time.Second)
	rep.KnowledgeErrors, e.knowledgeErrors = e.knowledgeErrors, nil
	if err := evals.FinishRun(e.ctx, e.db, id, rep); err != nil {
		t.Fatal(err)
	}
}

func (e *evalsBundle) start(t *testing.T, br *browser, prompt string) int64 {
	t.Helper()
	p := br.post(t, "/console/evals", url.Values{"suite": {e.suite}, "prompt": {prompt}})
	var id int64
	if _, err := fmt.Sscanf(p.url.Path, "/console/evals/runs/%d", &id); err != nil || p.status != http.StatusOK {
		t.Fatalf("start a run: %d at %s\n%s", p.status, p.url, p.body)
	}
	return id
}

func wantIn(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// TestConsoleEvals starts two runs from the console, follows the first
// from its progress to its report, and compares them.
func TestConsoleEvals(t *testing.T) {
	t.Parallel()
	e := setupEvals(t)
	admin := e.login(t, "dana@example.com", auth.RoleAdmin, "")
	if _, err := prompts.Create(e.ctx, e.db, prompts.SMS, "You answer texts for {{.BusinessName}}.", "dana@example.com", "shorter"); err != nil {
		t.Fatal(err)
	}

	p := admin.get(t, "/console/evals")
	if p.status != 200 {
		t.Fatalf("evals page: %d\n%s", p.status, p.body)
	}
	wantIn(t, "the evals page", p.body, `value="`+e.suite+`"`, "basics.yaml · basics · 3 cases", "broken.yaml (invalid)",
		"broken.yaml cannot run", `expect.outcome: &#34;sold&#34; is not an outcome`,
		`<option value="" selected>the active version (sms@default)</option>`, `value="sms@v1"`, "sms@v1 · shorter", `value="sms@default"`, "No runs yet.")
	if strings.Contains(p.body, "notes.txt") {
		t.Error("a file that is not a suite is offered")
	}

	// Started: the run page shows its progress and polls for more.
	first := e.start(t, admin, "")
	if len(e.started) != 1 || e.started[0] != e.suite+" " {
		t.Fatalf("StartEval calls %q", e.started)
	}
	page := "/console/evals/runs/" + fmt.Sprint(first)
	p = admin.get(t, page)
	wantIn(t, "a running run", p.body, "0 of 3 cases", `hx-get="`+page+`/progress"`, `hx-trigger="every 1s"`, "running",
		"openai · gpt-4o-mini", "prompt sms@default", "rules v2")
	if err := evals.RecordCase(e.ctx, e.db, first, 0, evalCase("keeps-passing", true, "Hi Dana!", "none", "none", "")); err != nil {
		t.Fatal(err)
	}
	frag := admin.get(t, page+"/progress")
	if frag.status != 200 || strings.Contains(frag.body, "<html") || !strings.Contains(frag.body, "1 of 3 cases") ||
		!strings.Contains(frag.body, `hx-trigger="every 1s"`) {
		t.Fatalf("progress fragment: %d\n%s", frag.status, frag.body)
	}

	// Done: the fragment stops polling and carries the report.
	answered := evalCase("regresses", true, "We offer financing through GreenSky.", "", "", "")
	answered.ExpectedOutcome = "answered"
	declined := evalCase("gets-fixed", false, "Sure, what day works?", "buying_intent", "none", "handoff: want buying_intent, got none")
	declined.Outcome, declined.ExpectedOutcome = "unknown", "answered"
	e.knowledgeErrors = []string{"ingest kb/faq.csv: faq csv: header \"Frage,Antwort\" has no question and answer columns"}
	e.finish(t, first, evalCase("keeps-passing", true, "Hi Dana!", "none", "none", ""), answered, declined)
	frag = admin.get(t, page+"/progress")
	if strings.Contains(frag.body, "hx-trigger") || !strings.Contains(frag.body, "Summary") {
		t.Fatalf("finished fragment still polls:\n%s", frag.body)
	}
	p = admin.get(t, page)
	wantIn(t, "the report", p.body, "done", "Pass rate", "66.7%", "2 of 3 cases", "Handoff precision · recall",
		"No answer where one was due", "1 of 2 cases; answered 0 of 0 that expect none", "Knowledge not loaded", "kb/faq.csv",
		`expected \ got`, `<th scope="row">buying intent</th>`, "Failures <span class=\"count\">1</span>",
		"Sure, what day works?", "handoff: want buying_intent, got none", "All cases <span class=\"count\">3</span>", "<details>")
	if strings.Contains(p.body, "hx-trigger") {
		t.Error("a finished run's page polls")
	}

	// A second run, on a stored version: one case regresses, one is fixed.
	second := e.start(t, admin, "sms@v1")
	if e.started[1] != e.suite+" sms@v1" {
		t.Errorf("StartEval calls %q", e.started)
	}
	e.finish(t, second,
		evalCase("keeps-passing", true, "Hi Dana!", "none", "none", ""),
		evalCase("regresses", false, "Hi there! How can I help?", "", "", `missing "financing"`),
		evalCase("gets-fixed", true, "A person will follow up.", "buying_intent", "buying_intent", ""))

	p = admin.get(t, "/console/evals")
	wantIn(t, "the runs", p.body, fmt.Sprintf("#%d basics", first), fmt.Sprintf("#%d basics", second), "prompt sms@v1",
		"66.7%", "2 of 3 passed", `action="/console/evals/compare"`)
	if strings.Index(p.body, fmt.Sprintf("#%d basics", second)) > strings.Index(p.body, fmt.Sprintf("#%d basics", first)) {
		t.Error("runs are not newest first")
	}

	// Compared, asked later first: the earlier run is still "before".
	p = admin.get(t, fmt.Sprintf("/console/evals/compare?a=%d&b=%d", second, first))
	if p.status != 200 {
		t.Fatalf("compare: %d\n%s", p.status, p.body)
	}
	wantIn(t, "the comparison", p.body, "The earlier run is on the left", "prompt</dt><dd>sms@default", "prompt</dt><dd>sms@v1",
		"model</dt><dd>openai · gpt-4o-mini", "rules</dt><dd>v2", `missing &#34;financing&#34;`,
		"We offer financing through GreenSky.", "Hi there! How can I help?", "1 unchanged")
	regressed, fixed := strings.Index(p.body, "<code class=\"eval-id\">regresses</code>"), strings.Index(p.body, "<code class=\"eval-id\">gets-fixed</code>")
	before, after := strings.Index(p.body, fmt.Sprintf("Before · #%d", first)), strings.Index(p.body, fmt.Sprintf("After · #%d", second))
	if regressed < 0 || fixed < 0 || regressed > fixed || before < 0 || after < before {
		t.Errorf("regressed at %d, fixed at %d, before %d, after %d:\n%s", regressed, fixed, before, after, p.body)
	}

	// A running run cannot be compared yet.
	third := e.start(t, admin, "")
	if p := admin.get(t, fmt.Sprintf("/console/evals/compare?a=%d&b=%d", first, third)); p.status != http.StatusConflict ||
		!strings.Contains(p.body, "only runs that are done can be compared") {
		t.Errorf("compare with a running run: %d", p.status)
	}
}

func TestConsoleEvalsRefusals(t *testing.T) {
	t.Parallel()
	e := setupEvals(t)
	admin := e.login(t, "dana@example.com", auth.RoleAdmin, "")
	rep := e.login(t, "alex@example.com", auth.RoleRep, e.rep(t, "Alex Rivera", "+19705550181").ID)
	id := e.start(t, admin, "")
	e.finish(t, id, evalCase("keeps-passing", true, "Hi!", "", "", ""))

	// Reps may not see or start runs.
	for _, path := range []string{"/console/evals", fmt.Sprintf("/console/evals/runs/%d", id),
		fmt.Sprintf("/console/evals/runs/%d/progress", id), fmt.Sprintf("/console/evals/compare?a=%d&b=%d", id, id)} {
		if p := rep.get(t, path); p.status != http.StatusForbidden || !strings.Contains(p.body, "Admins only") {
			t.Errorf("rep at %s: %d", path, p.status)
		}
	}
	if p := rep.post(t, "/console/evals", url.Values{"suite": {e.suite}}); p.status != http.StatusForbidden {
		t.Errorf("rep starts a run: %d", p.status)
	}

	// Ids that name no run.
	for _, path := range []string{"/console/evals/runs/999999", "/console/evals/runs/abc", "/console/evals/runs/-1",
		"/console/evals/runs/999999/progress", fmt.Sprintf("/console/evals/compare?a=%d&b=999999", id),
		fmt.Sprintf("/console/evals/compare?a=x&b=%d", id), "/console/evals/compare"} {
		if p := admin.get(t, path); p.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, p.status)
		}
	}

	// Suites that are not on offer, or cannot run, start nothing.
	calls := len(e.started)
	for _, suite := range []string{"", "/etc/passwd", filepath.Join(e.dir, "notes.txt"), e.invalid} {
		if p := admin.post(t, "/console/evals", url.Values{"suite": {suite}}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("suite %q: %d", suite, p.status)
		}
	}
	if len(e.started) != calls {
		t.Errorf("StartEval called for a suite not on offer: %q", e.started[calls:])
	}
	// StartEval refusing the prompt: said on the page.
	e.startErr = fmt.Errorf("get prompt sms@v9: %w", prompts.ErrNotFound)
	if p := admin.post(t, "/console/evals", url.Values{"suite": {e.suite}, "prompt": {"sms@v9"}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "get prompt sms@v9: not found") {
		t.Errorf("unknown prompt: %d", p.status)
	}
	e.startErr = nil

	// A run left running by a worker that died shows as interrupted.
	dead, err := evals.StartRun(e.ctx, e.db, evals.RunInfo{Suite: "basics", Provider: "offline", CasesTotal: 3,
		StartedAt: time.Now().Add(-2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	p := admin.get(t, fmt.Sprintf("/console/evals/runs/%d", dead.ID))
	if strings.Contains(p.body, "hx-trigger") || !strings.Contains(p.body, "interrupted") || !strings.Contains(p.body, "failed") {
		t.Errorf("dead run's page:\n%s", p.body)
	}
}
