package openaitest_test

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/leadagent/leadagent/agent/openaitest"
)

func client(s *openaitest.Server) *openai.Client {
	cfg := openai.DefaultConfig("sk-test-key")
	cfg.BaseURL = s.URL
	return openai.NewClientWithConfig(cfg)
}

func chatRequest(text string) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{
		Model:     "gpt-4o-mini",
		MaxTokens: 120,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: "You are helpful."},
			{Role: openai.ChatMessageRoleUser, Content: text},
		},
		Tools: []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name: "search", Parameters: map[string]any{"type": "object"},
		}}},
	}
}

func TestTextAnswerIsRecordedWithUsage(t *testing.T) {
	t.Parallel()
	s := openaitest.New(t)
	s.Enqueue(openaitest.Text("Hello there."))
	resp, err := client(s).CreateChatCompletion(context.Background(), chatRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content; got != "Hello there." {
		t.Errorf("content = %q", got)
	}
	if resp.Choices[0].FinishReason != openai.FinishReasonStop {
		t.Errorf("finish reason = %q", resp.Choices[0].FinishReason)
	}
	if resp.Usage.PromptTokens == 0 || resp.Usage.CompletionTokens == 0 || resp.Usage.TotalTokens != resp.Usage.PromptTokens+resp.Usage.CompletionTokens {
		t.Errorf("usage = %+v", resp.Usage)
	}
	if resp.Model != "gpt-4o-mini" {
		t.Errorf("model = %q, want the request's echoed", resp.Model)
	}
	reqs := s.ChatRequests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests recorded", len(reqs))
	}
	r := reqs[0]
	if r.Model != "gpt-4o-mini" || r.MaxTokens != 120 || r.APIKey != "sk-test-key" {
		t.Errorf("recorded model %q max_tokens %d key %q", r.Model, r.MaxTokens, r.APIKey)
	}
	if r.System() != "You are helpful." || r.LastUser() != "hi" {
		t.Errorf("recorded system %q, last user %q", r.System(), r.LastUser())
	}
	if names := r.ToolNames(); len(names) != 1 || names[0] != "search" {
		t.Errorf("tools = %v", names)
	}
}

func TestScriptedUsageIsReported(t *testing.T) {
	t.Parallel()
	s := openaitest.New(t)
	s.Enqueue(openaitest.Response{Text: "ok", Usage: &openaitest.Usage{PromptTokens: 1000, CompletionTokens: 7}, Model: "gpt-4o-mini-2024-07-18"})
	resp, err := client(s).CreateChatCompletion(context.Background(), chatRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Usage.PromptTokens != 1000 || resp.Usage.CompletionTokens != 7 || resp.Model != "gpt-4o-mini-2024-07-18" {
		t.Errorf("usage %+v model %q", resp.Usage, resp.Model)
	}
}

func TestToolCallsIncludingMalformedOnes(t *testing.T) {
	t.Parallel()
	s := openaitest.New(t)
	s.Enqueue(openaitest.Tools(
		openaitest.Call("search", map[string]string{"query": "furnace"}),
		openaitest.RawCall("search", `{"query": "unterminated`),
		openaitest.RawCall("no_such_tool", `{}`),
	))
	resp, err := client(s).CreateChatCompletion(context.Background(), chatRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	choice := resp.Choices[0]
	if choice.FinishReason != openai.FinishReasonToolCalls {
		t.Errorf("finish reason = %q", choice.FinishReason)
	}
	calls := choice.Message.ToolCalls
	if len(calls) != 3 {
		t.Fatalf("%d tool calls", len(calls))
	}
	if calls[0].Function.Arguments != `{"query":"furnace"}` || calls[1].Function.Arguments != `{"query": "unterminated` || calls[2].Function.Name != "no_such_tool" {
		t.Errorf("calls = %+v", calls)
	}
	if calls[0].ID == "" || calls[0].ID == calls[1].ID || calls[0].Type != openai.ToolTypeFunction {
		t.Errorf("call ids %q %q, type %q", calls[0].ID, calls[1].ID, calls[0].Type)
	}
}

func TestErrorsCarryStatusAndRetryAfter(t *testing.T) {
	t.Parallel()
	s := openaitest.New(t)
	s.Enqueue(openaitest.RateLimited("7"), openaitest.ServerError(), openaitest.Response{Body: "{not json"})
	c := client(s)
	_, err := c.CreateChatCompletion(context.Background(), chatRequest("hi"))
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusTooManyRequests {
		t.Fatalf("first call: err = %v, want a 429 APIError", err)
	}
	_, err = c.CreateChatCompletion(context.Background(), chatRequest("hi"))
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusInternalServerError {
		t.Fatalf("second call: err = %v, want a 500 APIError", err)
	}
	if _, err = c.CreateChatCompletion(context.Background(), chatRequest("hi")); err == nil {
		t.Fatal("third call: a body that is not JSON decoded without error")
	}

	// Retry-After reaches the client as a header.
	s.Enqueue(openaitest.RateLimited("7"))
	resp, err := http.Post(s.URL+"/chat/completions", "application/json", strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "7" || !strings.Contains(string(body), "rate_limit_exceeded") {
		t.Errorf("status %d, Retry-After %q, body %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}

func TestHangLastsUntilTheClientGivesUp(t *testing.T) {
	t.Parallel()
	s := openaitest.New(t)
	s.Enqueue(openaitest.Hang())
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := client(s).CreateChatCompletion(ctx, chatRequest("hi"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > 2*time.Second {
		t.Errorf("hung %v", d)
	}
}

func TestCloseEndsAHang(t *testing.T) {
	t.Parallel()
	s := openaitest.NewServer()
	s.Enqueue(openaitest.Hang())
	done := make(chan error, 1)
	go func() {
		_, err := client(s).CreateChatCompletion(context.Background(), chatRequest("hi"))
		done <- err
	}()
	for len(s.Requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on a hanging request")
	}
	if err := <-done; err == nil {
		t.Error("the hanging request got an answer")
	}
}

func TestMatchersComeBeforeTheQueue(t *testing.T) {
	t.Parallel()
	s := openaitest.New(t)
	s.On(openaitest.LastUserContains("price"), openaitest.Text("first price"), openaitest.Text("later price"))
	s.On(openaitest.AfterTool("search"), openaitest.Text("after search"))
	s.Enqueue(openaitest.Text("queued"))
	c := client(s)
	ask := func(req openai.ChatCompletionRequest) string {
		t.Helper()
		resp, err := c.CreateChatCompletion(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.Choices[0].Message.Content
	}
	for i, want := range []string{"first price", "later price", "later price"} {
		if got := ask(chatRequest("what's the PRICE?")); got != want {
			t.Errorf("price call %d = %q, want %q", i, got, want)
		}
	}
	req := chatRequest("hi")
	req.Messages = append(req.Messages,
		openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, ToolCalls: []openai.ToolCall{{ID: "c1", Type: "function", Function: openai.FunctionCall{Name: "search", Arguments: "{}"}}}},
		openai.ChatCompletionMessage{Role: openai.ChatMessageRoleTool, ToolCallID: "c1", Content: "results"})
	if got := ask(req); got != "after search" {
		t.Errorf("after a tool result = %q", got)
	}
	if results := s.ChatRequests()[3].LastToolResults(); len(results) != 1 || results[0].Name != "search" || results[0].Content != "results" {
		t.Errorf("LastToolResults = %+v", results)
	}
	if got := ask(chatRequest("hi")); got != "queued" {
		t.Errorf("queued = %q", got)
	}
	if s.Pending() != 0 {
		t.Errorf("%d answers left in the queue", s.Pending())
	}
	// Nothing scripted: a 500, counted.
	if _, err := c.CreateChatCompletion(context.Background(), chatRequest("hi")); err == nil {
		t.Error("an unscripted request got an answer")
	}
	if s.Unscripted() != 1 {
		t.Errorf("Unscripted = %d", s.Unscripted())
	}
	s.SetDefault(openaitest.Text("default"))
	if got := ask(chatRequest("hi")); got != "default" {
		t.Errorf("default = %q", got)
	}
}

func TestRequireAPIKey(t *testing.T) {
	t.Parallel()
	s := openaitest.New(t)
	s.RequireAPIKey("sk-right")
	s.SetDefault(openaitest.Text("ok"))
	_, err := client(s).CreateChatCompletion(context.Background(), chatRequest("hi"))
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong key: err = %v, want 401", err)
	}
	cfg := openai.DefaultConfig("sk-right")
	cfg.BaseURL = s.URL
	if _, err := openai.NewClientWithConfig(cfg).CreateChatCompletion(context.Background(), chatRequest("hi")); err != nil {
		t.Fatalf("right key: %v", err)
	}
}

func TestStreamingSendsTokensWithDelay(t *testing.T) {
	t.Parallel()
	s := openaitest.New(t)
	const text = "Our office opens at seven tomorrow."
	const delay = 15 * time.Millisecond
	s.Enqueue(openaitest.Streamed(text, delay))
	req := chatRequest("when do you open?")
	req.Stream = true
	req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	start := time.Now()
	stream, err := client(s).CreateChatCompletionStream(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var got strings.Builder
	var arrivals []time.Duration
	var usage *openai.Usage
	finish := openai.FinishReason("")
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if chunk.Usage != nil {
			usage = chunk.Usage
		}
		if len(chunk.Choices) == 0 {
			continue
		}
		if c := chunk.Choices[0].Delta.Content; c != "" {
			got.WriteString(c)
			arrivals = append(arrivals, time.Since(start))
		}
		if chunk.Choices[0].FinishReason != "" {
			finish = chunk.Choices[0].FinishReason
		}
	}
	if got.String() != text {
		t.Errorf("streamed %q, want %q", got.String(), text)
	}
	tokens := len(openaitest.Tokens(text))
	if len(arrivals) != tokens {
		t.Errorf("%d content chunks, want one per token (%d)", len(arrivals), tokens)
	}
	// The server sleeps between tokens: the last cannot arrive sooner.
	if last := arrivals[len(arrivals)-1]; last < time.Duration(tokens-1)*delay {
		t.Errorf("the last token arrived after %v, want at least %v", last, time.Duration(tokens-1)*delay)
	}
	if first := arrivals[0]; first > time.Duration(tokens-1)*delay {
		t.Errorf("the first token arrived after %v: not streamed", first)
	}
	if finish != openai.FinishReasonStop || usage == nil || usage.CompletionTokens == 0 {
		t.Errorf("finish %q usage %+v", finish, usage)
	}
	if !s.ChatRequests()[0].Stream || !s.ChatRequests()[0].IncludeUsage {
		t.Error("the stream flags were not recorded")
	}
}

func TestStreamingToolCalls(t *testing.T) {
	t.Parallel()
	s := openaitest.New(t)
	s.Enqueue(openaitest.Tools(openaitest.Call("search", map[string]string{"query": "water heater prices"})))
	req := chatRequest("hi")
	req.Stream = true
	stream, err := client(s).CreateChatCompletionStream(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var name, args string
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chunk.Choices[0].Delta.ToolCalls {
			name += c.Function.Name
			args += c.Function.Arguments
		}
	}
	if name != "search" || args != `{"query":"water heater prices"}` {
		t.Errorf("assembled %s(%s)", name, args)
	}
}

func TestEmbeddingsAreDeterministic(t *testing.T) {
	t.Parallel()
	s := openaitest.New(t)
	c := client(s)
	embed := func(format openai.EmbeddingEncodingFormat, dims int, input ...string) [][]float32 {
		t.Helper()
		resp, err := c.CreateEmbeddings(context.Background(), openai.EmbeddingRequestStrings{
			Input: input, Model: openai.SmallEmbedding3, Dimensions: dims, EncodingFormat: format,
		})
		if err != nil {
			t.Fatal(err)
		}
		out := make([][]float32, len(resp.Data))
		for _, d := range resp.Data {
			out[d.Index] = d.Embedding
		}
		return out
	}
	a := embed("", 64, "furnace tune-up price", "water heater leak", "furnace tune-up price")
	if len(a) != 3 || len(a[0]) != 64 {
		t.Fatalf("got %d vectors of %d", len(a), len(a[0]))
	}
	for i := range a[0] {
		if a[0][i] != a[2][i] {
			t.Fatal("the same text embedded twice differs")
		}
	}
	var norm, dot float64
	for i := range a[0] {
		norm += float64(a[0][i]) * float64(a[0][i])
		dot += float64(a[0][i]) * float64(a[1][i])
	}
	if math.Abs(norm-1) > 1e-5 {
		t.Errorf("norm %v, want 1", norm)
	}
	if dot > 0.5 {
		t.Errorf("unrelated texts have cosine %v", dot)
	}
	b := embed(openai.EmbeddingEncodingFormatBase64, 64, "furnace tune-up price")
	for i := range a[0] {
		if b[0][i] != a[0][i] {
			t.Fatal("base64 and float encodings differ")
		}
	}
	if d := len(embed("", 0, "x")[0]); d != openaitest.DefaultDimensions {
		t.Errorf("default dimensions %d", d)
	}
	if reqs := s.EmbeddingRequests(); len(reqs) != 3 || reqs[0].Input[1] != "water heater leak" || reqs[0].Dimensions != 64 {
		t.Errorf("recorded embeddings requests %+v", reqs)
	}
}

func TestEmbeddingsCanFail(t *testing.T) {
	t.Parallel()
	s := openaitest.New(t)
	s.On(openaitest.Embeddings(), openaitest.RateLimited("1"), openaitest.Text("ignored"))
	c := client(s)
	req := openai.EmbeddingRequestStrings{Input: []string{"x"}, Model: openai.SmallEmbedding3}
	if _, err := c.CreateEmbeddings(context.Background(), req); err == nil {
		t.Fatal("a scripted 429 did not fail")
	}
	if _, err := c.CreateEmbeddings(context.Background(), req); err != nil {
		t.Fatalf("after the 429: %v", err)
	}
}
