package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/agent/openaitest"
	"github.com/leadagent/leadagent/knowledge"
	"github.com/leadagent/leadagent/prompts"
	"github.com/leadagent/leadagent/store"
	"github.com/leadagent/leadagent/store/storetest"
)

const (
	basicsSuite  = "../../evals/testdata/basics.yaml"
	failingSuite = "../../evals/testdata/failing.yaml"
	invalidSuite = "../../evals/testdata/invalid.yaml"
)

// evalCLI runs leadagent commands against one database with the offline
// agent.
type evalCLI struct{ t *testing.T }

func newEvalCLI(t *testing.T) evalCLI {
	t.Setenv("DATABASE_URL", storetest.NewDatabaseURL(t))
	for _, k := range []string{"LLM_PROVIDER", "OPENAI_API_KEY", "OPENAI_BASE_URL", "EMBEDDING_PROVIDER", "JUDGE_MODEL", "LLM_MODEL"} {
		t.Setenv(k, "")
	}
	return evalCLI{t: t}
}

func (c evalCLI) run(args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func (c evalCLI) want(code int, args ...string) (stdout, stderr string) {
	c.t.Helper()
	got, stdout, stderr := c.run(args...)
	if got != code {
		c.t.Fatalf("leadagent %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), got, code, stdout, stderr)
	}
	return stdout, stderr
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, data)
	}
}

func TestEvalExitCodes(t *testing.T) {
	cli := newEvalCLI(t)
	dir := t.TempDir()

	if _, stderr := cli.want(2, "eval"); !strings.Contains(stderr, "usage: leadagent eval run SUITE.yaml...") {
		t.Errorf("eval alone: %s", stderr)
	}
	cli.want(2, "eval", "frobnicate")
	cli.want(2, "eval", "run")
	if _, stderr := cli.want(2, "eval", "run", basicsSuite, "--prompt", "v3"); !strings.Contains(stderr, "the offline agent uses no prompt") {
		t.Errorf("--prompt offline: %s", stderr)
	}

	// Every case passes: 0, the Markdown on stdout, the report as DESIGN.md has it.
	report := filepath.Join(dir, "basics.json")
	stdout, _ := cli.want(0, "eval", "run", basicsSuite, "--json", report)
	for _, want := range []string{"## Eval: after-hours-basics", "offline · model offline · prompt offline · rules v0",
		"**Pass rate: 11/11 (100.0%)** · 1 check(s) skipped", "precision 1.00 · recall 1.00 (tp 4, fp 0, fn 0, tn 4)",
		"| expected \\ got | none | buying_intent | human_request | complaint | unknown_answer |", "### Failures\n\nnone",
		"- latency p50 ", "- estimated cost: $0.00"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	var fields map[string]json.RawMessage
	readJSON(t, report, &fields)
	for _, k := range []string{"suite", "provider", "model", "prompt_version", "cases", "summary"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	var summary map[string]any
	if err := json.Unmarshal(fields["summary"], &summary); err != nil || summary["cases"] != 11.0 || summary["pass_rate"] != 1.0 || summary["skipped_checks"] != 1.0 {
		t.Errorf("summary %v %v", summary, err)
	}

	// A failed case: 1, and the failures say why.
	stdout, stderr := cli.want(1, "eval", "run", failingSuite)
	if !strings.Contains(stderr, "failing: 2 of 3 cases failed") || !strings.Contains(stdout, "- **contains**: missing \"$99\"") {
		t.Errorf("failing:\nstdout %s\nstderr %s", stdout, stderr)
	}

	// An invalid suite: 2, naming the file, the case and the field, and nothing runs.
	_, stderr = cli.want(2, "eval", "run", basicsSuite, invalidSuite)
	if !strings.Contains(stderr, invalidSuite+`: case price-question: expect.outcome: "sold" is not an outcome (answered, asked, unknown, handoff, opted_out)`) {
		t.Errorf("invalid: %s", stderr)
	}
	cli.want(2, "eval", "run", filepath.Join(dir, "missing.yaml"))

	// Several suites: each reported, --json writes an array.
	both := filepath.Join(dir, "both.json")
	stdout, _ = cli.want(1, "eval", "run", basicsSuite, failingSuite, "--json", both)
	if !strings.Contains(stdout, "## Eval: after-hours-basics") || !strings.Contains(stdout, "## Eval: failing") {
		t.Errorf("two suites:\n%s", stdout)
	}
	var list []map[string]any
	readJSON(t, both, &list)
	if len(list) != 2 || list[0]["suite"] != "after-hours-basics" || list[1]["suite"] != "failing" {
		t.Errorf("--json with two suites: %v", list)
	}

	// --json -: the report on stdout, no Markdown.
	stdout, _ = cli.want(0, "eval", "run", basicsSuite, "--json", "-")
	var one map[string]any
	if err := json.Unmarshal([]byte(stdout), &one); err != nil || one["suite"] != "after-hours-basics" {
		t.Errorf("--json -: %v\n%s", err, stdout)
	}
}

func TestEvalBaseline(t *testing.T) {
	cli := newEvalCLI(t)
	dir := t.TempDir()
	base := filepath.Join(dir, "base.json")
	cli.want(1, "eval", "run", failingSuite, "--json", base)

	// The same failures as the baseline: 0.
	stdout, _ := cli.want(0, "eval", "run", failingSuite, "--baseline", base)
	if !strings.Contains(stdout, "### Against the baseline\n\npass rate 33.3% → 33.3% · 0 regressed, 0 fixed, 2 still failing") {
		t.Errorf("same as the baseline:\n%s", stdout)
	}

	edit := func(name string, change func(r map[string]any)) string {
		t.Helper()
		var r map[string]any
		readJSON(t, base, &r)
		change(r)
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	setCase := func(r map[string]any, id string, passed bool) {
		for _, c := range r["cases"].([]any) {
			if c := c.(map[string]any); c["id"] == id {
				c["passed"] = passed
			}
		}
	}

	// A case that passed in the baseline fails now: 1, listed under Regressions.
	regressed := edit("regressed.json", func(r map[string]any) {
		setCase(r, "wrong-price", true)
		r["summary"].(map[string]any)["pass_rate"] = 0.6667
	})
	stdout, stderr := cli.want(1, "eval", "run", failingSuite, "--baseline", regressed)
	if !strings.Contains(stdout, "#### Regressions\n\n- `wrong-price`: **contains** missing \"$99\"") || !strings.Contains(stdout, "(**dropped**)") ||
		!strings.Contains(stderr, "1 case(s) passed in the baseline and fail now (wrong-price)") ||
		!strings.Contains(stderr, "pass rate 33.3% is below the baseline's 66.7%") {
		t.Errorf("regression:\nstdout %s\nstderr %s", stdout, stderr)
	}

	// Only the pass rate dropped: 1.
	lower := edit("lower.json", func(r map[string]any) { r["summary"].(map[string]any)["pass_rate"] = 0.5 })
	cli.want(1, "eval", "run", failingSuite, "--baseline", lower)

	// Better than the baseline: 0, though cases still fail.
	improved := edit("improved.json", func(r map[string]any) {
		setCase(r, "tune-up-price", false)
		r["summary"].(map[string]any)["pass_rate"] = 0.0
	})
	stdout, _ = cli.want(0, "eval", "run", failingSuite, "--baseline", improved)
	if !strings.Contains(stdout, "#### Fixed\n\n- `tune-up-price`") {
		t.Errorf("improvement:\n%s", stdout)
	}

	// A suite the baseline lacks is judged on its own: 0 when all pass.
	cli.want(0, "eval", "run", basicsSuite, "--baseline", base)

	// A baseline that is not a report: 2.
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"hello": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cli.want(2, "eval", "run", failingSuite, "--baseline", bad)
	cli.want(2, "eval", "run", failingSuite, "--baseline", filepath.Join(dir, "none.json"))
}

// TestEvalWithModel runs a stored prompt version on the model, with a
// judge, through the scripted OpenAI-compatible server.
func TestEvalWithModel(t *testing.T) {
	cli := newEvalCLI(t)
	srv := openaitest.New(t)
	t.Setenv("LLM_PROVIDER", "openai")
	t.Setenv("OPENAI_API_KEY", "sk-test")
	t.Setenv("OPENAI_BASE_URL", srv.URL)
	t.Setenv("EMBEDDING_PROVIDER", "local")
	srv.On(func(r openaitest.Request) bool { return strings.Contains(r.System(), "You grade") },
		openaitest.Text(`{"pass": true, "reason": "Friendly."}`))
	srv.SetDefault(openaitest.Text("A furnace tune-up costs $129 and takes about an hour."))

	ctx := context.Background()
	pool, err := store.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := prompts.Create(ctx, pool, "sms", "You answer texts for {{.BusinessName}}. [eval prompt v1]", "dana@example.com", ""); err != nil {
		t.Fatal(err)
	}
	kb, _ := filepath.Abs("../../evals/testdata/kb")
	suite := filepath.Join(t.TempDir(), "model.yaml")
	if err := os.WriteFile(suite, []byte("name: model\nknowledge: ["+kb+"]\ncases:\n"+
		"  - {id: price, lead: how much is a furnace tune-up?, expect: {contains: [$129], judge: Friendly.}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(t.TempDir(), "r.json")
	stdout, _ := cli.want(0, "eval", "run", suite, "--prompt", "v1", "--judge-model", "judge-model-x", "--json", report)
	if !strings.Contains(stdout, "openai · model gpt-4o-mini · prompt sms@v1 · rules v0 · judge judge-model-x") {
		t.Errorf("stdout:\n%s", stdout)
	}
	var rep struct {
		Provider      string `json:"provider"`
		Model         string `json:"model"`
		PromptVersion string `json:"prompt_version"`
		JudgeModel    string `json:"judge_model"`
		Summary       struct {
			SkippedChecks int `json:"skipped_checks"`
			Tokens        struct {
				Prompt int `json:"prompt"`
			} `json:"tokens"`
		} `json:"summary"`
	}
	readJSON(t, report, &rep)
	if rep.Provider != "openai" || rep.Model != "gpt-4o-mini" || rep.PromptVersion != "sms@v1" || rep.JudgeModel != "judge-model-x" ||
		rep.Summary.SkippedChecks != 0 || rep.Summary.Tokens.Prompt == 0 {
		t.Errorf("report %+v", rep)
	}
	var agentCalls int
	for _, r := range srv.ChatRequests() {
		if strings.Contains(r.System(), "You grade") {
			if r.Model != "judge-model-x" {
				t.Errorf("judge call to %q", r.Model)
			}
			continue
		}
		agentCalls++
		if !strings.Contains(r.System(), "[eval prompt v1]") {
			t.Errorf("agent call without the pinned prompt: %q", r.System())
		}
	}
	if agentCalls == 0 {
		t.Error("the model was not called")
	}

	if _, stderr := cli.want(2, "eval", "run", suite, "--prompt", "v9"); !strings.Contains(stderr, "--prompt v9") {
		t.Errorf("unknown prompt version: %s", stderr)
	}
}

func TestEvalProgressBar(t *testing.T) {
	cfg := Config{DatabaseURL: storetest.NewDatabaseURL(t), LLMProvider: "offline", EmbeddingProvider: "local",
		BusinessName: "Summit Home Services", BusinessPhone: "(970) 555-0100"}
	for _, terminal := range []bool{true, false} {
		var stdout, stderr bytes.Buffer
		err := evalCommand{stderr: &stderr, terminal: terminal}.run(context.Background(), cfg, []string{"run", basicsSuite}, &stdout)
		if err != nil {
			t.Fatalf("terminal %v: %v", terminal, err)
		}
		if terminal != (stderr.Len() > 0) || (terminal && !strings.Contains(stderr.String(), "after-hours-basics")) {
			t.Errorf("terminal %v: stderr %q", terminal, stderr.String())
		}
		if !strings.Contains(stdout.String(), "**Pass rate: 11/11") {
			t.Errorf("stdout %s", stdout.String())
		}
	}
}

// TestEvalRunsServesResponder: an eval's responder is the one serve
// builds, on the same retriever; only the prompt differs, the version the
// run pinned rather than the active one.
func TestEvalRunsServesResponder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := openaitest.New(t)
	srv.SetDefault(openaitest.Text("A furnace tune-up costs $129."))
	pool := storetest.NewDB(t)
	cfg := Config{LLMProvider: "openai", OpenAIAPIKey: "sk-test", OpenAIBaseURL: srv.URL, EmbeddingProvider: "local",
		BusinessName: "Summit Home Services", BusinessPhone: "(970) 555-0100"}
	for _, body := range []string{"You answer texts for {{.BusinessName}}. [pinned v1]", "You answer texts for {{.BusinessName}}. [active v2]"} {
		if _, err := prompts.Create(ctx, pool, prompts.SMS, body, "dana@example.com", ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := prompts.Activate(ctx, pool, prompts.SMS, "v2"); err != nil {
		t.Fatal(err)
	}
	kb, err := newKnowledgeBase(cfg, pool)
	if err != nil {
		t.Fatal(err)
	}
	r := agent.RetrieverFunc(func(context.Context, string, int) ([]knowledge.Result, error) {
		return []knowledge.Result{{ChunkID: 1, Title: "Services", Content: "A furnace tune-up costs $129."}}, nil
	})
	in := agent.TurnInput{Channel: agent.ChannelSMS, Lead: agent.Lead{Name: "Dana"}, Text: "how much is a tune-up?", FirstTurn: true}

	serve, err := newResponder(cfg, pool, r, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	runner, err := newEvalRunner(ctx, cfg, pool, kb, evalOptions{prompt: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	eval, err := runner.Agent(ctx, r, agentBusiness(cfg))
	if err != nil {
		t.Fatal(err)
	}
	var replies []agent.Reply
	for _, resp := range []agent.Responder{serve, eval} {
		reply, err := resp.Turn(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		replies = append(replies, reply)
	}
	if replies[0].Path != agent.PathLLM || replies[0].Text != replies[1].Text || replies[0].Path != replies[1].Path {
		t.Errorf("serve replied %+v, the eval %+v", replies[0], replies[1])
	}
	calls := srv.ChatRequests()
	if len(calls) != 2 {
		t.Fatalf("%d model calls, want one each", len(calls))
	}
	served, evaluated := calls[0], calls[1]
	if !strings.Contains(served.System(), "[active v2]") || !strings.Contains(evaluated.System(), "[pinned v1]") {
		t.Errorf("prompts: serve %q, eval %q", served.System(), evaluated.System())
	}
	if got := bytes.ReplaceAll(evaluated.Body, []byte("[pinned v1]"), []byte("[active v2]")); !bytes.Equal(got, served.Body) {
		t.Errorf("the eval's request differs from serve's beyond the prompt:\nserve %s\neval  %s", served.Body, evaluated.Body)
	}
}
