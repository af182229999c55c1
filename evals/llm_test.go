package evals_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/agent/openaitest"
	"github.com/leadagent/leadagent/evals"
)

// TestRunLLM runs a suite with the model-backed agent against the
// scripted OpenAI-compatible server: tokens, cost, the prompt version,
// a model's handoff request and its fallback all reach the report.
func TestRunLLM(t *testing.T) {
	t.Parallel()
	b := setup(t)
	srv := openaitest.New(t)
	srv.On(openaitest.LastUserContains("tune-up"), openaitest.Response{Text: "A furnace tune-up costs $129 and takes about an hour.",
		Usage: &openaitest.Usage{PromptTokens: 1000, CompletionTokens: 40}})
	srv.On(openaitest.LastUserContains("chimney"), openaitest.Text("Yes! We also clean chimneys and repair roofs."))
	srv.On(openaitest.LastUserContains("book"),
		openaitest.Tools(openaitest.Call("request_handoff", map[string]string{"reason": "buying_intent", "summary": "Wants an install next week."})),
		openaitest.Text("Great! Someone from our team will follow up."))
	srv.On(openaitest.LastUserContains("outage"), openaitest.ServerError())

	r := *b.runner
	r.Provider, r.Model, r.PromptVersion = "openai", "gpt-4o-mini", "sms@v4"
	r.Concurrency = 4
	r.Agent = func(_ context.Context, ret agent.Retriever, _ agent.Business) (agent.Responder, error) {
		return agent.NewLLM(agent.LLMConfig{BaseURL: srv.URL, APIKey: "sk-test", Model: "gpt-4o-mini", Retriever: ret,
			Fallback: offlineAgent(ret), Business: testBusiness, DiscloseAI: true,
			Prompt: evals.FixedPrompt(agent.Prompt{Version: "sms@v4", System: "You answer leads for Summit Home Services. [prompt v4]"})})
	}
	s, err := evals.Parse("testdata/llm.yaml", []byte(`
name: llm
knowledge: [kb/]
cases:
  - {id: price, lead: "how much is a furnace tune-up?", expect: {contains: ["$129"], grounded: true, outcome: [answered, asked]}}
  - {id: invented, lead: "do you sweep a chimney?", expect: {grounded: true}}
  - {id: book, lead: "I'd like to book an install next week", expect: {handoff: true, handoff_reason: buying_intent}}
  - {id: outage, lead: "is there an outage fee?", expect: {outcome: [answered, asked, unknown]}}
`))
	if err != nil {
		t.Fatal(err)
	}
	rep := run(t, &r, s)
	byID := map[string]evals.CaseResult{}
	for _, c := range rep.Cases {
		byID[c.ID] = c
	}
	if c := byID["price"]; !c.Passed || c.Path != agent.PathLLM || c.Tokens != (evals.Tokens{Prompt: 1000, Completion: 40}) {
		t.Errorf("price %+v", c)
	}
	if c := byID["invented"]; c.Passed || !strings.Contains(c.Checks[0].Detail, "chimneys") {
		t.Errorf("invented: %+v, want grounded to fail on chimneys", c)
	}
	if c := byID["book"]; !c.Passed || c.Outcome != agent.OutcomeHandoff || !strings.Contains(c.Reply, "a person will follow up") {
		t.Errorf("book %+v, want the holding message", c)
	}
	if c := byID["outage"]; !c.Passed || c.Path != agent.PathFallback || c.FallbackReason == "" {
		t.Errorf("outage %+v, want the offline fallback", c)
	}
	if rep.PromptVersion != "sms@v4" || rep.Model != "gpt-4o-mini" || rep.Summary.Tokens.Prompt < 1000 || rep.Summary.CostUSD == nil || *rep.Summary.CostUSD <= 0 {
		t.Errorf("report %s %s tokens %+v cost %v", rep.PromptVersion, rep.Model, rep.Summary.Tokens, rep.Summary.CostUSD)
	}
	for _, req := range srv.ChatRequests() {
		if !strings.Contains(req.System(), "[prompt v4]") {
			t.Fatalf("a model call without the pinned prompt: %q", req.System())
		}
	}

	// An unknown model's cost is unknown, not zero.
	r.Model = "llama3:8b"
	if rep := run(t, &r, s); rep.Summary.CostUSD != nil {
		t.Errorf("cost %v for a model without a price", *rep.Summary.CostUSD)
	}
}

func newJudge(t *testing.T, srv *openaitest.Server) *evals.ModelJudge {
	t.Helper()
	j, err := evals.NewJudge(evals.JudgeConfig{BaseURL: srv.URL, APIKey: "sk-judge", Model: "gpt-4o-mini"})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func grading(sub string) openaitest.Matcher {
	return func(r openaitest.Request) bool {
		return strings.Contains(r.System(), "You grade") && strings.Contains(r.LastUser(), sub)
	}
}

func checkingGrounds(sub string) openaitest.Matcher {
	return func(r openaitest.Request) bool {
		return strings.Contains(r.System(), "You check") && strings.Contains(r.LastUser(), sub)
	}
}

// TestJudge runs the offline basics with a judge model: `judge` is graded
// instead of skipped, `grounded` asks the judge.
func TestJudge(t *testing.T) {
	t.Parallel()
	b := setup(t)
	js := openaitest.New(t)
	js.On(grading("States the repair warranty plainly"), openaitest.Text("```json\n{\"pass\": true, \"reason\": \"Plain, and no pressure.\"}\n```"))
	js.On(checkingGrounds("The reply to check:\n<<<\nI'm the AI assistant for Summit Home Services. A furnace tune-up"), openaitest.Text(`{"pass": false, "unsupported": ["A furnace tune-up costs $129 and takes about an hour."], "reason": "The hour is not in the knowledge."}`))
	js.SetDefault(openaitest.Text(`{"pass": true, "unsupported": [], "reason": "Supported."}`))

	r := *b.runner
	r.Judge = newJudge(t, js)
	rep := run(t, &r, mustLoad(t, "testdata/basics.yaml"))
	if rep.Summary.SkippedChecks != 0 || rep.JudgeModel != "gpt-4o-mini" || rep.Summary.JudgeTokens.Prompt == 0 {
		t.Errorf("skipped %d judge %q tokens %+v", rep.Summary.SkippedChecks, rep.JudgeModel, rep.Summary.JudgeTokens)
	}
	if rep.Summary.CostUSD == nil || *rep.Summary.CostUSD <= 0 {
		t.Errorf("cost %v: the judge's tokens cost something", rep.Summary.CostUSD)
	}
	for _, c := range rep.Cases {
		switch c.ID {
		case "warranty":
			last := c.Checks[len(c.Checks)-1]
			if !c.Passed || last.Name != "judge" || last.Detail != "judge gpt-4o-mini: pass: Plain, and no pressure." {
				t.Errorf("warranty %+v", c.Checks)
			}
		case "tune-up-price":
			last := c.Checks[len(c.Checks)-1]
			if c.Passed || last.Name != "grounded" || !strings.HasPrefix(last.Detail, "judge gpt-4o-mini: fail: The hour is not in the knowledge. (unsupported:") {
				t.Errorf("tune-up-price %+v", c.Checks)
			}
		default:
			if !c.Passed {
				t.Errorf("%s failed: %+v", c.ID, c.Checks)
			}
		}
	}
	// The judge reads the rubric, the reply and, for grounded, the chunks.
	var sawRubric, sawChunks bool
	for _, req := range js.ChatRequests() {
		u := req.LastUser()
		sawRubric = sawRubric || strings.Contains(u, "Rubric:\nStates the repair warranty plainly") && strings.Contains(u, "one-year warranty")
		sawChunks = sawChunks || strings.Contains(req.System(), "You check") && strings.Contains(u, "Knowledge:\n<<<\n[1] ")
	}
	if !sawRubric || !sawChunks {
		t.Errorf("judge requests: rubric %v chunks %v", sawRubric, sawChunks)
	}
}

func TestJudgeFailures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	js := openaitest.New(t)
	js.On(grading("plainly"), openaitest.Status(http.StatusInternalServerError, "judge down"))
	js.On(grading("politely"), openaitest.Text("Sure, it passes!"))
	js.On(checkingGrounds(""), openaitest.Status(http.StatusTooManyRequests, "slow down"))
	r := *b.runner
	r.Judge = newJudge(t, js)
	s, err := evals.Parse("testdata/judge.yaml", []byte(`
knowledge: [kb/]
cases:
  - {id: down, lead: "what warranty do repairs have?", expect: {judge: "Says it plainly."}}
  - {id: unreadable, lead: "what warranty do repairs have?", expect: {judge: "Says it politely."}}
  - {id: grounded, lead: "how much is a furnace tune-up?", expect: {grounded: true}}
`))
	if err != nil {
		t.Fatal(err)
	}
	rep := run(t, &r, s)
	for _, c := range rep.Cases {
		ch := c.Checks[0]
		switch c.ID {
		case "down":
			if !c.Passed || !ch.Skipped || !strings.Contains(ch.Detail, "http 500: judge down") {
				t.Errorf("down %+v", ch)
			}
		case "unreadable":
			if !c.Passed || !ch.Skipped || !strings.Contains(ch.Detail, `answered "Sure, it passes!", not the JSON verdict asked for`) {
				t.Errorf("unreadable %+v", ch)
			}
		case "grounded":
			if !c.Passed || ch.Skipped || !strings.HasPrefix(ch.Detail, "judge unavailable (judge gpt-4o-mini: http 429: slow down); lexical:") {
				t.Errorf("grounded %+v: want the lexical check when the judge fails", ch)
			}
		}
	}
	if rep.Summary.SkippedChecks != 2 {
		t.Errorf("skipped %d", rep.Summary.SkippedChecks)
	}
}

func TestNewJudgeNeedsAModel(t *testing.T) {
	t.Parallel()
	if _, err := evals.NewJudge(evals.JudgeConfig{}); err == nil {
		t.Error("a judge without a model")
	}
	var _ evals.Judge = (*evals.ModelJudge)(nil)
	_ = context.Background
}
