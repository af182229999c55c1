// Package openaitest runs a scripted OpenAI-compatible API on loopback, for
// tests of code that talks to a chat model through go-openai or any other
// OpenAI client.
//
// A test scripts what the "model" answers, in order (Enqueue) or by a
// matcher on the request (On): plain text, one or several tool calls,
// tool calls with malformed arguments or unknown names, HTTP errors with
// their OpenAI error bodies (429 with Retry-After, 500), a hang until the
// client gives up, and, when the client asks for it, a stream of
// server-sent events with a delay per token. /v1/embeddings answers with
// deterministic vectors. Every request is recorded (messages, tools,
// model, token limits) so a test can assert what reached the model, and
// every answer reports token usage.
//
// It must not be used in production code paths: it answers what it is
// told, and nothing else.
package openaitest

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a scripted OpenAI-compatible API. It is safe for concurrent
// use: requests are answered in the order they arrive.
type Server struct {
	// URL is the base URL to configure a client with; it ends in /v1.
	URL string

	srv       *httptest.Server
	done      chan struct{} // closed by Close: ends hangs and streams
	closeOnce sync.Once

	mu         sync.Mutex
	queue      []Response
	rules      []*rule
	fallback   *Response
	requests   []Request
	unscripted int
	dims       int
	apiKey     string
	seq        int
}

// rule answers the requests its matcher accepts with its responses in
// order; the last one repeats.
type rule struct {
	match     Matcher
	responses []Response
	served    int
}

// DefaultDimensions is the size of the vectors /v1/embeddings returns
// when the request does not ask for a size.
const DefaultDimensions = 384

// NewServer starts a scripted server. Close it when done.
func NewServer() *Server {
	s := &Server{done: make(chan struct{}), dims: DefaultDimensions}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	mux.HandleFunc("POST /v1/embeddings", s.embeddings)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "openaitest: no route for "+r.Method+" "+r.URL.Path, "invalid_request_error")
	})
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL + "/v1"
	return s
}

// New starts a scripted server that closes when the test ends.
func New(tb testing.TB) *Server {
	tb.Helper()
	s := NewServer()
	tb.Cleanup(s.Close)
	return s
}

// Close ends hanging and streaming requests and shuts the server down.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// RequireAPIKey makes the server answer 401, as OpenAI does, to requests
// without "Authorization: Bearer key".
func (s *Server) RequireAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiKey = key
}

// Enqueue adds chat answers, served in order to the chat requests no rule
// matches.
func (s *Server) Enqueue(rs ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, rs...)
}

// On answers the requests that match m with rs in order, the last one
// repeating; rules are tried in the order they were added, before the
// queue. A rule sees embeddings requests too (Request.Path tells them
// apart); for those only Status, Hang, Delay and Body apply.
func (s *Server) On(m Matcher, rs ...Response) {
	if len(rs) == 0 {
		panic("openaitest: On needs at least one response")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = append(s.rules, &rule{match: m, responses: rs})
}

// SetDefault sets the answer to chat requests that nothing else scripts.
// Without one such requests get HTTP 500 and count in Unscripted.
func (s *Server) SetDefault(r Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = &r
}

// SetDimensions sets the size of embedding vectors for requests that do
// not ask for one.
func (s *Server) SetDimensions(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dims = n
}

// Requests returns every request received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ChatRequests returns the chat completion requests received so far.
func (s *Server) ChatRequests() []Request {
	return s.requestsTo(chatPath)
}

// EmbeddingRequests returns the embeddings requests received so far.
func (s *Server) EmbeddingRequests() []Request {
	return s.requestsTo(embeddingsPath)
}

func (s *Server) requestsTo(path string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// Pending returns how many queued answers are still unserved.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Unscripted returns how many chat requests found no scripted answer.
func (s *Server) Unscripted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.unscripted
}

const (
	chatPath       = "/v1/chat/completions"
	embeddingsPath = "/v1/embeddings"
)

// record decodes and stores a request and picks its answer. ok is false
// when nothing was scripted for it.
func (s *Server) record(r *http.Request, body []byte) (Request, Response, bool, error) {
	req, err := decodeRequest(r.URL.Path, body)
	req.APIKey = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	req.Seq = s.seq
	s.requests = append(s.requests, req)
	if err != nil {
		return req, Response{}, false, err
	}
	if s.apiKey != "" && subtle.ConstantTimeCompare([]byte(req.APIKey), []byte(s.apiKey)) != 1 {
		return req, Response{Status: http.StatusUnauthorized, ErrorMessage: "Incorrect API key provided."}, true, nil
	}
	for _, ru := range s.rules {
		if ru.match(req) {
			resp := ru.responses[min(ru.served, len(ru.responses)-1)]
			ru.served++
			return req, resp, true, nil
		}
	}
	if req.Path != chatPath {
		return req, Response{}, true, nil
	}
	if len(s.queue) > 0 {
		resp := s.queue[0]
		s.queue = s.queue[1:]
		return req, resp, true, nil
	}
	if s.fallback != nil {
		return req, *s.fallback, true, nil
	}
	s.unscripted++
	return req, Response{}, false, nil
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "read body: "+err.Error(), "invalid_request_error")
		return
	}
	req, resp, ok, err := s.record(r, body)
	switch {
	case err != nil:
		writeError(w, http.StatusBadRequest, err.Error(), "invalid_request_error")
		return
	case !ok:
		writeError(w, http.StatusInternalServerError, "openaitest: no scripted response for this request", "server_error")
		return
	}
	if !s.prelude(r.Context(), w, resp) {
		return
	}
	id := fmt.Sprintf("chatcmpl-%d", req.Seq)
	model := resp.Model
	if model == "" {
		model = req.Model
	}
	usage := resp.usageFor(req)
	if req.Stream {
		s.stream(r.Context(), w, req, resp, id, model, usage)
		return
	}
	msg := wireMessage{Role: "assistant"}
	if resp.Text != "" || len(resp.ToolCalls) == 0 {
		text := resp.Text
		msg.Content = &text
	}
	for i, c := range resp.ToolCalls {
		msg.ToolCalls = append(msg.ToolCalls, wireToolCall{
			ID: c.id(req.Seq, i), Type: "function",
			Function: wireFunction{Name: c.Name, Arguments: c.Arguments},
		})
	}
	out := wireCompletion{
		ID: id, Object: "chat.completion", Created: created(req.Seq), Model: model,
		Choices: []wireChoice{{Index: 0, Message: &msg, FinishReason: resp.finishReason()}},
		Usage:   &usage,
	}
	writeJSON(w, http.StatusOK, out)
}

// prelude applies what every scripted answer may do before its body:
// wait, hang, fail, or send a raw body. It reports whether the normal
// answer should follow.
func (s *Server) prelude(ctx context.Context, w http.ResponseWriter, resp Response) bool {
	if resp.Hang {
		select {
		case <-ctx.Done():
		case <-s.done:
		}
		return false
	}
	if resp.Delay > 0 && !s.sleep(ctx, resp.Delay) {
		return false
	}
	if resp.RetryAfter != "" {
		w.Header().Set("Retry-After", resp.RetryAfter)
	}
	if resp.Body != "" {
		status := resp.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, resp.Body)
		return false
	}
	if resp.Status != 0 && resp.Status != http.StatusOK {
		msg := resp.ErrorMessage
		if msg == "" {
			msg = http.StatusText(resp.Status)
		}
		writeError(w, resp.Status, msg, errorType(resp.Status))
		return false
	}
	return true
}

// sleep waits for d, the request's end or the server's close; it reports
// whether the full time passed.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// stream answers as server-sent events: the role, the text a token at a
// time (TokenDelay apart), each tool call's name and then its arguments in
// pieces, the finish reason, usage when the client asked for it, [DONE].
func (s *Server) stream(ctx context.Context, w http.ResponseWriter, req Request, resp Response, id, model string, usage wireUsage) {
	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	send := func(c wireCompletion) bool {
		c.ID, c.Object, c.Created, c.Model = id, "chat.completion.chunk", created(req.Seq), model
		b, err := json.Marshal(c)
		if err != nil {
			return false
		}
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	delta := func(m wireMessage, finish *string) wireCompletion {
		return wireCompletion{Choices: []wireChoice{{Index: 0, Delta: &m, FinishReason: finish}}}
	}
	empty := ""
	if !send(delta(wireMessage{Role: "assistant", Content: &empty}, nil)) {
		return
	}
	for i, tok := range Tokens(resp.Text) {
		if i > 0 && resp.TokenDelay > 0 && !s.sleep(ctx, resp.TokenDelay) {
			return
		}
		tok := tok
		if !send(delta(wireMessage{Content: &tok}, nil)) {
			return
		}
	}
	for i, c := range resp.ToolCalls {
		index := i
		head := wireToolCall{Index: &index, ID: c.id(req.Seq, i), Type: "function", Function: wireFunction{Name: c.Name}}
		if !send(delta(wireMessage{ToolCalls: []wireToolCall{head}}, nil)) {
			return
		}
		for _, piece := range Tokens(c.Arguments) {
			if resp.TokenDelay > 0 && !s.sleep(ctx, resp.TokenDelay) {
				return
			}
			part := wireToolCall{Index: &index, Function: wireFunction{Arguments: piece}}
			if !send(delta(wireMessage{ToolCalls: []wireToolCall{part}}, nil)) {
				return
			}
		}
	}
	finish := resp.finishReason()
	if !send(delta(wireMessage{}, finish)) {
		return
	}
	if req.IncludeUsage {
		if !send(wireCompletion{Choices: []wireChoice{}, Usage: &usage}) {
			return
		}
	}
	_, _ = io.WriteString(w, "data: [DONE]\n\n")
	if flusher != nil {
		flusher.Flush()
	}
}

func (s *Server) embeddings(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "read body: "+err.Error(), "invalid_request_error")
		return
	}
	req, resp, _, err := s.record(r, body)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), "invalid_request_error")
		return
	}
	if !s.prelude(r.Context(), w, resp) {
		return
	}
	s.mu.Lock()
	dims := s.dims
	s.mu.Unlock()
	if req.Dimensions > 0 {
		dims = req.Dimensions
	}
	out := wireEmbeddings{Object: "list", Model: req.Model}
	tokens := 0
	for i, text := range req.Input {
		v := Vector(text, dims)
		item := wireEmbedding{Object: "embedding", Index: i}
		if req.EncodingFormat == "base64" {
			item.Embedding = base64Floats(v)
		} else {
			item.Embedding = v
		}
		out.Data = append(out.Data, item)
		tokens += EstimateTokens(text)
	}
	out.Usage = wireUsage{PromptTokens: tokens, TotalTokens: tokens}
	writeJSON(w, http.StatusOK, out)
}

// created is a fixed, increasing timestamp: answers do not depend on the
// clock.
func created(seq int) int64 { return 1_700_000_000 + int64(seq) }

func errorType(status int) string {
	switch {
	case status == http.StatusTooManyRequests:
		return "rate_limit_exceeded"
	case status == http.StatusUnauthorized:
		return "invalid_api_key"
	case status >= 500:
		return "server_error"
	}
	return "invalid_request_error"
}

func writeError(w http.ResponseWriter, status int, msg, typ string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": nil}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
