package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadagent/leadagent/agent/openaitest"
)

var llmBusiness = Business{
	Name:        "Summit Home Services",
	Phone:       "(970) 555-0100",
	Hours:       "Mon-Fri 7am-6pm, Sat 8am-2pm",
	ServiceArea: "Fort Collins and Northern Colorado",
}

// llmBundle is a model-backed responder talking to a scripted server,
// over the demo business's knowledge.
type llmBundle struct {
	srv *openaitest.Server
	kb  *fakeKB
	llm *LLM
}

func setupLLM(t testing.TB, configure ...func(*LLMConfig)) *llmBundle {
	t.Helper()
	srv := openaitest.New(t)
	kb := loadDemoKB(t, byParagraph)
	cfg := LLMConfig{
		BaseURL:   srv.URL,
		APIKey:    "sk-test-0123456789abcdefghij",
		Retriever: kb,
		Business:  llmBusiness,
		Prompt: func(context.Context) (Prompt, error) {
			return Prompt{Version: "v7", System: "You answer the leads of Summit Home Services after hours. Be warm and brief; ask one qualifying question at a time."}, nil
		},
		Fallback: NewOffline(RecordEvidence(kb), llmBusiness),
	}
	for _, c := range configure {
		c(&cfg)
	}
	l, err := NewLLM(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &llmBundle{srv: srv, kb: kb, llm: l}
}

// chunk returns the id of the chunk containing substr among those the
// turn for leadText fetches before the first call.
func (b *llmBundle) chunk(t testing.TB, leadText, substr string) int64 {
	t.Helper()
	results, err := b.kb.Search(context.Background(), leadText, defaultLLMK)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if strings.Contains(r.Content, substr) {
			return r.ChunkID
		}
	}
	t.Fatalf("no chunk with %q among the top %d for %q", substr, defaultLLMK, leadText)
	return 0
}

func (b *llmBundle) turn(t testing.TB, in TurnInput) Reply {
	t.Helper()
	if in.Channel == "" {
		in.Channel = ChannelSMS
	}
	r, err := b.llm.Turn(context.Background(), in)
	if err != nil {
		t.Fatalf("turn %q: %v", in.Text, err)
	}
	return r
}

func cite(id int64) string { return fmt.Sprintf("[c%d]", id) }

// llmTestClassifier reads the same signals from every message.
type llmTestClassifier struct{ s Signals }

func (c llmTestClassifier) Classify(string, []Message) Signals { return c.s }

func TestLLMAnswersWithCitations(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	const q = "how much is the diagnostic visit?"
	id := b.chunk(t, q, "$89")
	b.srv.Enqueue(openaitest.Response{
		Text:  "The diagnostic visit is $89 during office hours " + cite(id) + ", and it's credited toward the repair if you go ahead " + cite(id) + ". What's going on with your system?",
		Usage: &openaitest.Usage{PromptTokens: 900, CompletionTokens: 40},
		Model: "gpt-4o-mini-2024-07-18",
	})
	r := b.turn(t, TurnInput{Text: q})
	if r.Path != PathLLM || r.FallbackReason != "" {
		t.Fatalf("path %q (%s), want llm", r.Path, r.FallbackReason)
	}
	if r.Outcome != OutcomeAnswered || !slices.Equal(r.Citations, []int64{id}) {
		t.Errorf("outcome %s citations %v, want answered [%d]", r.Outcome, r.Citations, id)
	}
	if strings.Contains(r.Text, "[c") || !strings.Contains(r.Text, "$89 during office hours,") {
		t.Errorf("text %q: citation marks must go, the rest stays", r.Text)
	}
	if r.Model != "gpt-4o-mini-2024-07-18" || r.PromptVersion != "v7" {
		t.Errorf("model %q prompt %q", r.Model, r.PromptVersion)
	}
	if r.Usage != (Usage{PromptTokens: 900, CompletionTokens: 40}) || r.Latency <= 0 {
		t.Errorf("usage %+v latency %v", r.Usage, r.Latency)
	}
	if r.Segments < 1 || r.Segments > 2 || len(r.Guardrails) != 0 {
		t.Errorf("segments %d guardrails %v", r.Segments, r.Guardrails)
	}
	if r.Signals.Coverage != 1 || r.Signals.Intent == "" {
		t.Errorf("signals %+v: an answer from knowledge has coverage 1 and an intent", r.Signals)
	}
}

func TestLLMSearchesKnowledgeThenAnswers(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	results, _ := b.kb.Search(context.Background(), "financing APR months", defaultLLMK)
	var id int64
	for _, r := range results {
		if strings.Contains(r.Content, "0% APR") {
			id = r.ChunkID
		}
	}
	if id == 0 {
		t.Fatal("no financing chunk")
	}
	b.srv.Enqueue(
		openaitest.Tools(openaitest.Call(toolSearchKnowledge, map[string]string{"query": "financing APR months"})),
		openaitest.Text("Yes! Qualified homeowners can get 0% APR for 18 months on jobs of $1,500 or more "+cite(id)+"."),
	)
	r := b.turn(t, TurnInput{Text: "can I pay over time?"})
	if r.Path != PathLLM || r.Outcome != OutcomeAnswered || !slices.Equal(r.Citations, []int64{id}) {
		t.Fatalf("path %s outcome %s citations %v (%s): %q", r.Path, r.Outcome, r.Citations, r.FallbackReason, r.Text)
	}
	reqs := b.srv.ChatRequests()
	if len(reqs) != 2 {
		t.Fatalf("%d model calls, want 2", len(reqs))
	}
	res := reqs[1].LastToolResults()
	if len(res) != 1 || res[0].Name != toolSearchKnowledge || !strings.Contains(res[0].Content, cite(id)) || !strings.Contains(res[0].Content, "0% APR") {
		t.Errorf("search result sent back: %+v", res)
	}
	if r.Usage.PromptTokens <= 0 || r.Usage.CompletionTokens <= 0 {
		t.Errorf("usage %+v", r.Usage)
	}
}

func TestLLMUsageIsSummedOverRounds(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	b.srv.Enqueue(
		openaitest.Response{ToolCalls: []openaitest.ToolCall{openaitest.Call(toolGetLeadHistory, map[string]any{})}, Usage: &openaitest.Usage{PromptTokens: 100, CompletionTokens: 10}},
		openaitest.Response{Text: "Welcome back, Dana! What can I help with today?", Usage: &openaitest.Usage{PromptTokens: 150, CompletionTokens: 20}},
	)
	r := b.turn(t, TurnInput{Text: "hi it's me again", Lead: Lead{Name: "Dana"}})
	if r.Usage != (Usage{PromptTokens: 250, CompletionTokens: 30}) {
		t.Errorf("usage %+v, want the sum of both calls", r.Usage)
	}
	if r.Outcome != OutcomeAsked {
		t.Errorf("outcome %s, want asked", r.Outcome)
	}
}

func TestLLMHandoff(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	b.srv.Enqueue(
		openaitest.Tools(
			openaitest.Call(toolRequestHandoff, map[string]string{"reason": ReasonBuyingIntent, "summary": "Wants a new furnace installed next week; asked for a quote."}),
			openaitest.Call(toolReportSignals, map[string]any{"buying_intent": 0.95, "human_request": 0.1, "complaint": 0, "sentiment": 0.6, "coverage": 0.5, "intent": "buying_intent"}),
		),
		openaitest.Text("Great, thanks! I've passed this to our team and someone will follow up about your new furnace."),
	)
	r := b.turn(t, TurnInput{Text: "I want to get a new furnace installed, can someone give me a quote?"})
	if r.Outcome != OutcomeHandoff || r.HandoffReason != ReasonBuyingIntent || r.Path != PathLLM {
		t.Fatalf("outcome %s reason %q path %s", r.Outcome, r.HandoffReason, r.Path)
	}
	if !strings.Contains(r.Text, "someone will follow up") {
		t.Errorf("holding message %q", r.Text)
	}
	if r.HandoffSummary != "Wants a new furnace installed next week; asked for a quote." {
		t.Errorf("handoff summary %q", r.HandoffSummary)
	}
	want := Signals{BuyingIntent: 0.95, HumanRequest: 0.1, Sentiment: 0.6, Coverage: 0.5, Intent: "buying_intent"}
	if r.Signals != want {
		t.Errorf("signals %+v, want the model's %+v", r.Signals, want)
	}
}

func TestLLMHandoffWithTextInOneCall(t *testing.T) {
	t.Parallel()
	b := setupLLM(t, func(c *LLMConfig) { c.Classifier = llmTestClassifier{Signals{Complaint: 0.4, Intent: "other"}} })
	b.srv.Enqueue(openaitest.Response{
		Text:      "I'm sorry about that. I've let our team know, and someone will reach out to make it right.",
		ToolCalls: []openaitest.ToolCall{openaitest.Call(toolRequestHandoff, map[string]string{"reason": ReasonComplaint, "summary": "Technician was late twice."})},
	})
	r := b.turn(t, TurnInput{Text: "your tech was late twice, this is ridiculous"})
	if r.Outcome != OutcomeHandoff || r.HandoffReason != ReasonComplaint {
		t.Fatalf("outcome %s reason %q", r.Outcome, r.HandoffReason)
	}
	if n := len(b.srv.ChatRequests()); n != 1 {
		t.Errorf("%d model calls: a reply written with a handoff is final", n)
	}
	if r.Signals.Complaint < 0.9 || r.Signals.Intent != ReasonComplaint {
		t.Errorf("signals %+v: the classifier's, raised by the handoff's reason", r.Signals)
	}
}

func TestLLMMalformedToolCallIsRepairedOnce(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	const q = "how much is the diagnostic visit?"
	id := b.chunk(t, q, "$89")
	b.srv.Enqueue(
		openaitest.Tools(openaitest.RawCall(toolSearchKnowledge, `{"query": "diagnostic fee`)),
		openaitest.Tools(openaitest.Call(toolSearchKnowledge, map[string]string{"query": "diagnostic fee"})),
		openaitest.Text("It's $89 "+cite(id)+"."),
	)
	r := b.turn(t, TurnInput{Text: q})
	if r.Path != PathLLM || r.Outcome != OutcomeAnswered {
		t.Fatalf("path %s (%s) outcome %s", r.Path, r.FallbackReason, r.Outcome)
	}
	repair := b.srv.ChatRequests()[1].LastToolResults()
	if len(repair) != 1 || !strings.Contains(repair[0].Content, "not valid") {
		t.Errorf("the model was not told what was wrong: %+v", repair)
	}
}

func TestLLMMalformedTwiceFallsBack(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	b.srv.Enqueue(
		openaitest.Tools(openaitest.RawCall(toolSearchKnowledge, `{"query": `)),
		openaitest.Tools(openaitest.RawCall(toolRequestHandoff, `{"reason": "wants_pizza", "summary": "x"}`)),
	)
	r := b.turn(t, TurnInput{Text: "how much is the diagnostic visit?"})
	if r.Path != PathFallback || r.FallbackReason != "malformed tool call" {
		t.Fatalf("path %s reason %q, want a fallback for the malformed call", r.Path, r.FallbackReason)
	}
	if r.Text == "" || r.Model != "offline" || r.PromptVersion != "" {
		t.Errorf("the offline responder must answer: text %q model %q prompt %q", r.Text, r.Model, r.PromptVersion)
	}
	if !strings.Contains(r.Text, "$89") || len(r.Guardrails) != 0 {
		t.Errorf("the offline answer %q (guardrails %v) quotes the knowledge and passes the guardrails", r.Text, r.Guardrails)
	}
	if n := len(b.srv.ChatRequests()); n != 2 {
		t.Errorf("%d model calls, want 2 (one repair)", n)
	}
}

func TestLLMUnknownTool(t *testing.T) {
	t.Parallel()
	t.Run("repaired", func(t *testing.T) {
		t.Parallel()
		b := setupLLM(t)
		b.srv.Enqueue(
			openaitest.Tools(openaitest.RawCall("book_appointment", `{"when":"tuesday"}`)),
			openaitest.Text("I can't book visits myself, but someone from our team will follow up to set one up. What's the address?"),
		)
		r := b.turn(t, TurnInput{Text: "book me in"})
		if r.Path != PathLLM {
			t.Fatalf("path %s (%s)", r.Path, r.FallbackReason)
		}
		res := b.srv.ChatRequests()[1].LastToolResults()
		if len(res) != 1 || !strings.Contains(res[0].Content, "there is no tool") || !strings.Contains(res[0].Content, toolRequestHandoff) {
			t.Errorf("tool result %+v", res)
		}
	})
	t.Run("twice", func(t *testing.T) {
		t.Parallel()
		b := setupLLM(t)
		b.srv.SetDefault(openaitest.Tools(openaitest.RawCall("book_appointment", `{}`)))
		r := b.turn(t, TurnInput{Text: "book me in"})
		if r.Path != PathFallback || r.FallbackReason != "unknown tool" || r.Text == "" {
			t.Fatalf("path %s reason %q text %q", r.Path, r.FallbackReason, r.Text)
		}
	})
}

func TestLLMFallsBackOnAPIErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		resp   openaitest.Response
		reason string
	}{
		{"rate limited", openaitest.RateLimited("30"), "http 429"},
		{"server error", openaitest.ServerError(), "http 500"},
		{"bad gateway", openaitest.Status(502, "bad gateway"), "http 502"},
		{"unauthorized", openaitest.Status(401, "Incorrect API key provided: sk-test-***"), "http 401"},
		{"not json", openaitest.Response{Body: "<html>oops</html>"}, "bad response"},
		{"no choices", openaitest.Response{Body: `{"id":"x","object":"chat.completion","choices":[]}`}, "empty response"},
		{"empty reply", openaitest.Text(""), "empty reply"},
		{"content filter", openaitest.Response{Text: "", FinishReason: "content_filter"}, "content filter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setupLLM(t)
			b.srv.Enqueue(tc.resp)
			start := time.Now()
			r := b.turn(t, TurnInput{Text: "what are your hours on saturday?"})
			if r.Path != PathFallback || r.FallbackReason != tc.reason {
				t.Fatalf("path %s reason %q, want fallback %q", r.Path, r.FallbackReason, tc.reason)
			}
			if r.Text == "" || r.Outcome == "" || r.Segments < 1 {
				t.Errorf("the lead must still be answered: %+v", r)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("fell back after %v: no waiting on Retry-After", d)
			}
			if n := len(b.srv.ChatRequests()); n != 1 {
				t.Errorf("%d model calls, want 1", n)
			}
		})
	}
}

func TestLLMNetworkErrorFallsBack(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	b.srv.Close()
	r := b.turn(t, TurnInput{Text: "do you service Loveland?"})
	if r.Path != PathFallback || r.FallbackReason != "network" {
		t.Fatalf("path %s reason %q", r.Path, r.FallbackReason)
	}
}

func TestLLMHangTimesOut(t *testing.T) {
	t.Parallel()
	b := setupLLM(t, func(c *LLMConfig) { c.Timeout = 200 * time.Millisecond })
	b.srv.Enqueue(openaitest.Hang())
	start := time.Now()
	r := b.turn(t, TurnInput{Text: "how much is the diagnostic visit?"})
	if r.Path != PathFallback || r.FallbackReason != "timeout" {
		t.Fatalf("path %s reason %q, want a timeout fallback", r.Path, r.FallbackReason)
	}
	if d := time.Since(start); d < 200*time.Millisecond || d > 2*time.Second {
		t.Errorf("turn took %v with a 200ms budget", d)
	}
	if !strings.Contains(r.Text, "$89") {
		t.Errorf("the offline answer after the timeout: %q", r.Text)
	}
}

func TestLLMTimeoutCoversEveryRound(t *testing.T) {
	t.Parallel()
	b := setupLLM(t, func(c *LLMConfig) { c.Timeout = 300 * time.Millisecond; c.MaxToolRounds = 10 })
	// Each round is quick; together they outlast the budget.
	b.srv.SetDefault(openaitest.Response{Delay: 80 * time.Millisecond, ToolCalls: []openaitest.ToolCall{openaitest.Call(toolReportSignals, map[string]any{"intent": "faq"})}})
	start := time.Now()
	r := b.turn(t, TurnInput{Text: "hello?"})
	if r.Path != PathFallback || r.FallbackReason != "timeout" {
		t.Fatalf("path %s reason %q", r.Path, r.FallbackReason)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("turn took %v", d)
	}
}

func TestLLMToolRoundsAreBounded(t *testing.T) {
	t.Parallel()
	t.Run("gives up", func(t *testing.T) {
		t.Parallel()
		b := setupLLM(t)
		b.srv.SetDefault(openaitest.Tools(openaitest.Call(toolSearchKnowledge, map[string]string{"query": "furnace"})))
		r := b.turn(t, TurnInput{Text: "tell me about furnaces"})
		if r.Path != PathFallback || r.FallbackReason != "tool rounds exceeded" {
			t.Fatalf("path %s reason %q", r.Path, r.FallbackReason)
		}
		reqs := b.srv.ChatRequests()
		if len(reqs) != defaultMaxToolRounds+1 {
			t.Fatalf("%d model calls, want %d tool rounds and one last call", len(reqs), defaultMaxToolRounds)
		}
		for i, req := range reqs {
			want := ""
			if i == len(reqs)-1 {
				want = "none"
			}
			if req.ToolChoice != want {
				t.Errorf("call %d tool_choice %q, want %q", i, req.ToolChoice, want)
			}
		}
	})
	t.Run("answers when told to", func(t *testing.T) {
		t.Parallel()
		b := setupLLM(t, func(c *LLMConfig) { c.MaxToolRounds = 1 })
		b.srv.On(func(r openaitest.Request) bool { return r.ToolChoice == "none" }, openaitest.Text("Happy to help with furnaces! Is yours gas or electric?"))
		b.srv.SetDefault(openaitest.Tools(openaitest.Call(toolSearchKnowledge, map[string]string{"query": "furnace"})))
		r := b.turn(t, TurnInput{Text: "tell me about furnaces"})
		if r.Path != PathLLM || r.Outcome != OutcomeAsked {
			t.Fatalf("path %s (%s) outcome %s", r.Path, r.FallbackReason, r.Outcome)
		}
		if n := len(b.srv.ChatRequests()); n != 2 {
			t.Errorf("%d model calls, want 2", n)
		}
	})
}

func TestLLMSendsPromptHistoryKnowledgeAndCRM(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	const q = "and how much is the diagnostic visit?"
	id := b.chunk(t, q, "$89")
	b.srv.Enqueue(
		openaitest.Tools(openaitest.Call(toolGetLeadHistory, map[string]any{})),
		openaitest.Text("It's $89 "+cite(id)+"."),
	)
	var background []string
	for i := 1; i <= 12; i++ {
		background = append(background, fmt.Sprintf("2026-09-%02d sms: history line %d", i, i))
	}
	in := TurnInput{
		Text: q,
		Lead: Lead{Name: "Dana Whitfield", Source: "facebook_ad", Stage: "new", Owner: "Sam", Notes: "has a 15-year-old gas furnace", Background: background},
		History: []Message{
			{From: FromLead, Text: "hi, my furnace is making a banging noise"},
			{From: FromAI, Text: "Sorry to hear that! How old is the furnace?"},
			{From: FromRep, Text: "Hi Dana, Sam here from Summit."},
			{From: FromSystem, Text: "conversation handed back to the assistant"},
		},
	}
	b.turn(t, in)
	reqs := b.srv.ChatRequests()
	first := reqs[0]
	if first.Model != DefaultLLMModel || first.MaxTokens != defaultMaxTokens || first.Temperature == nil {
		t.Errorf("model %q max_tokens %d temperature %v", first.Model, first.MaxTokens, first.Temperature)
	}
	if first.APIKey != "sk-test-0123456789abcdefghij" {
		t.Error("the API key was not sent")
	}
	if names := first.ToolNames(); !slices.Equal(names, []string{toolSearchKnowledge, toolGetLeadHistory, toolRequestHandoff, toolScheduleCallback, toolReportSignals}) {
		t.Errorf("tools %v", names)
	}
	// The system message: the prompt version and the rules, nothing the
	// lead, the CRM or the knowledge wrote.
	if sys := first.ByRole("system"); len(sys) != 1 || first.Messages[0].Role != "system" {
		t.Fatalf("want one system message first, got %+v", first.Messages)
	}
	system := first.System()
	if !strings.Contains(system, "You answer the leads of Summit Home Services") || !strings.Contains(system, "[c12]") {
		t.Errorf("system message lacks the prompt or the citation rule:\n%s", system)
	}
	for _, leaked := range []string{q, "banging noise", "Dana", "15-year-old", "history line", "$89", "Sam here"} {
		if strings.Contains(system, leaked) {
			t.Errorf("system message contains %q", leaked)
		}
	}
	// The conversation so far, in order, with the right roles.
	var roles []string
	for _, m := range first.Messages[1:] {
		roles = append(roles, m.Role)
	}
	if !slices.Equal(roles, []string{"user", "assistant", "assistant", "user"}) {
		t.Errorf("roles %v", roles)
	}
	if m := first.Messages[1]; !strings.Contains(m.Content, "<lead_message>\nhi, my furnace is making a banging noise\n</lead_message>") {
		t.Errorf("earlier lead message %q", m.Content)
	}
	if m := first.Messages[3]; m.Name != "rep" || m.Content != "Hi Dana, Sam here from Summit." {
		t.Errorf("rep message %+v", m)
	}
	// The turn's message: profile, recent CRM history, knowledge, the text.
	last := first.LastUser()
	for _, want := range []string{
		"<lead_profile>", "name: Dana Whitfield", "source: facebook_ad", "owner: Sam", "notes: has a 15-year-old gas furnace",
		"<crm_history>", "(the last 8 of 12 entries", "history line 12", "history line 5\n",
		"<knowledge>", cite(id), "$89",
		"<lead_message>\n" + q + "\n</lead_message>",
	} {
		if !strings.Contains(last, want) {
			t.Errorf("turn message lacks %q:\n%s", want, last)
		}
	}
	if strings.Contains(last, "history line 4\n") {
		t.Error("the turn message carries more CRM history than its budget")
	}
	if strings.Index(last, "<knowledge>") > strings.Index(last, "<lead_message>") {
		t.Error("the lead's message must come last")
	}
	// get_lead_history gives all of it.
	res := reqs[1].LastToolResults()
	if len(res) != 1 || !strings.Contains(res[0].Content, "history line 1\n") || !strings.Contains(res[0].Content, "history line 12") {
		t.Errorf("get_lead_history result %+v", res)
	}
}

func TestLLMShortFollowUpSearchesWithThePreviousQuestion(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	b.srv.SetDefault(openaitest.Text("Sure!"))
	b.turn(t, TurnInput{Text: "how much?", History: []Message{{From: FromLead, Text: "do you install tankless water heaters"}}})
	if last := b.srv.ChatRequests()[0].LastUser(); !strings.Contains(strings.ToLower(last), "tankless") {
		t.Errorf("knowledge for a short follow-up should come from the question before it:\n%s", last)
	}
}

func TestLLMRedactsWhatItSendsTheModel(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	b.srv.SetDefault(openaitest.Text("Please don't send card numbers by text; someone from our team will call you to take payment."))
	b.turn(t, TurnInput{
		Text:    "here's my card 4111 1111 1111 1111 exp 04/29",
		History: []Message{{From: FromLead, Text: "my ssn is 123-45-6789"}},
	})
	all := b.srv.ChatRequests()[0].AllText()
	for _, secret := range []string{"4111 1111 1111 1111", "123-45-6789"} {
		if strings.Contains(all, secret) {
			t.Errorf("%q reached the model", secret)
		}
	}
	if !strings.Contains(all, "card ending 1111") {
		t.Error("the redaction mark is missing")
	}
}

func TestLLMPromptSourceFailureFallsBack(t *testing.T) {
	t.Parallel()
	b := setupLLM(t, func(c *LLMConfig) {
		c.Prompt = func(context.Context) (Prompt, error) { return Prompt{}, errors.New("database is down") }
	})
	r := b.turn(t, TurnInput{Text: "what are your hours?"})
	if r.Path != PathFallback || r.FallbackReason != "prompt unavailable" || len(b.srv.ChatRequests()) != 0 {
		t.Fatalf("path %s reason %q calls %d", r.Path, r.FallbackReason, len(b.srv.ChatRequests()))
	}
}

func TestLLMBuiltinPrompt(t *testing.T) {
	t.Parallel()
	b := setupLLM(t, func(c *LLMConfig) { c.Prompt = nil; c.Fallback = nil })
	b.srv.SetDefault(openaitest.Text("Hi! How can I help?"))
	r := b.turn(t, TurnInput{Text: "hello"})
	if r.PromptVersion != BuiltinPromptVersion || !strings.Contains(b.srv.ChatRequests()[0].System(), "Summit Home Services") {
		t.Errorf("prompt version %q", r.PromptVersion)
	}
}

func TestLLMCallerCancelIsAnError(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	b.srv.Enqueue(openaitest.Hang())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := b.llm.Turn(ctx, TurnInput{Text: "hello"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the caller's deadline", err)
	}
}

func TestLLMRetrieverFailureStillAnswers(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	b.srv.SetDefault(openaitest.Text("I don't have that information right now, but someone from our team will follow up."))
	b.kb.err = errors.New("connection refused")
	r := b.turn(t, TurnInput{Text: "do you fix boilers?"})
	if r.Path != PathLLM || r.Outcome != OutcomeUnknown || r.Signals.Coverage != 0 {
		t.Fatalf("path %s (%s) outcome %s coverage %v", r.Path, r.FallbackReason, r.Outcome, r.Signals.Coverage)
	}
	if !strings.Contains(b.srv.ChatRequests()[0].LastUser(), "cannot be searched") {
		t.Error("the model was not told the knowledge is unavailable")
	}
}

func TestLLMSignalsFromTheClassifierWhenTheModelReportsNone(t *testing.T) {
	t.Parallel()
	want := Signals{BuyingIntent: 0.2, Sentiment: 0.3, Intent: "faq"}
	b := setupLLM(t, func(c *LLMConfig) { c.Classifier = llmTestClassifier{want} })
	b.srv.SetDefault(openaitest.Text("Happy to help! What kind of system do you have?"))
	r := b.turn(t, TurnInput{Text: "question about my AC"})
	if r.Signals != want {
		t.Errorf("signals %+v, want the classifier's %+v", r.Signals, want)
	}
	// A partial report: the model's values where it gave them.
	b2 := setupLLM(t, func(c *LLMConfig) { c.Classifier = llmTestClassifier{want} })
	b2.srv.Enqueue(openaitest.Response{
		Text:      "Happy to help! What kind of system do you have?",
		ToolCalls: []openaitest.ToolCall{openaitest.Call(toolReportSignals, map[string]any{"sentiment": -0.5, "buying_intent": 7})},
	})
	r = b2.turn(t, TurnInput{Text: "question about my AC"})
	if r.Signals.Sentiment != -0.5 || r.Signals.BuyingIntent != 1 || r.Signals.Intent != "faq" {
		t.Errorf("signals %+v: the model's sentiment, its buying intent clamped to 1, the classifier's intent", r.Signals)
	}
}

func TestLLMCutOffReplyDropsTheUnfinishedSentence(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	const q = "how much is the diagnostic visit?"
	id := b.chunk(t, q, "$89")
	b.srv.Enqueue(openaitest.Response{Text: "The diagnostic visit is $89 " + cite(id) + ". If you approve the repair on the same", FinishReason: "length"})
	r := b.turn(t, TurnInput{Text: q})
	if r.Text != "The diagnostic visit is $89." {
		t.Errorf("text %q", r.Text)
	}
}

func TestLLMScheduleCallbackIsNotConfirmedByTheAgent(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	b.srv.Enqueue(
		openaitest.Tools(openaitest.Call(toolScheduleCallback, map[string]string{"when_text": "tomorrow after 3pm"})),
		openaitest.Text("Got it! I've noted that you'd like a call tomorrow after 3pm, and someone will confirm."),
	)
	r := b.turn(t, TurnInput{Text: "can someone call me tomorrow after 3pm?"})
	res := b.srv.ChatRequests()[1].LastToolResults()
	if len(res) != 1 || !strings.Contains(res[0].Content, "do not confirm") {
		t.Errorf("schedule_callback result %+v", res)
	}
	// The time came from the lead, not from the business: the reply may
	// not repeat it as if it were arranged.
	if strings.Contains(r.Text, "3pm") || !slices.Contains(r.Guardrails, GuardUnsupportedAppointment) {
		t.Errorf("reply %q guardrails %v", r.Text, r.Guardrails)
	}
	if r.Callback != "tomorrow after 3pm" {
		t.Errorf("callback %q, want the lead's words for the rep", r.Callback)
	}
}

func TestLLMIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	b := setupLLM(t)
	const q = "how much is the diagnostic visit?"
	id := b.chunk(t, q, "$89")
	b.srv.SetDefault(openaitest.Text("It's $89 " + cite(id) + "."))
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			r, err := b.llm.Turn(context.Background(), TurnInput{Channel: ChannelSMS, Text: q})
			if err != nil || r.Path != PathLLM || !slices.Equal(r.Citations, []int64{id}) {
				t.Errorf("turn: %v %+v", err, r)
			}
		})
	}
	wg.Wait()
}

func TestNewLLMNeedsARetriever(t *testing.T) {
	if _, err := NewLLM(LLMConfig{}); err == nil {
		t.Fatal("NewLLM without a retriever succeeded")
	}
}

func TestLLMNeverLogsSecrets(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	var mu sync.Mutex
	b := setupLLM(t, func(c *LLMConfig) {
		c.Logger = slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			return logs.Write(p)
		}), nil))
	})
	b.srv.Enqueue(openaitest.Status(401, "Incorrect API key provided: sk-test-0123456789abcdefghij. You can find your API key at https://platform.openai.com."))
	r := b.turn(t, TurnInput{Text: "hi"})
	if r.Path != PathFallback || r.FallbackReason != "http 401" {
		t.Fatalf("path %s reason %q", r.Path, r.FallbackReason)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "llm turn falls back") || !strings.Contains(logs.String(), "http 401") {
		t.Errorf("the fallback was not logged:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "sk-test-0123456789abcdefghij") || strings.Contains(r.FallbackReason, "sk-") {
		t.Errorf("the API key reached the log:\n%s", logs.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
