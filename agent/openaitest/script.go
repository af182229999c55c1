package openaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Response is one scripted answer. The zero Response is an empty assistant
// message.
type Response struct {
	// Text is the assistant message's content.
	Text string
	// ToolCalls are the tool calls the assistant makes, in order.
	ToolCalls []ToolCall
	// FinishReason overrides the usual one ("stop", or "tool_calls" when
	// there are tool calls); "length" imitates a reply cut by max_tokens.
	FinishReason string
	// Model is the model the answer claims; "" echoes the request's.
	Model string
	// Usage is the token usage reported; nil estimates it from the
	// request's messages and the answer (about four characters a token).
	Usage *Usage

	// Status, other than 0 and 200, answers with that HTTP status and an
	// OpenAI error body carrying ErrorMessage.
	Status       int
	ErrorMessage string
	// RetryAfter is sent as the Retry-After header.
	RetryAfter string
	// Body, when set, is sent as it is, with Status (200 when 0): for
	// answers that are not valid JSON or not the expected shape.
	Body string

	// Hang answers nothing until the client gives up (its request context
	// ends) or the server closes.
	Hang bool
	// Delay waits before answering.
	Delay time.Duration
	// TokenDelay separates the tokens of a streamed answer, for clients
	// that ask for stream: true.
	TokenDelay time.Duration
}

// ToolCall is one tool call in a scripted answer. Arguments is sent as it
// is, so it can be invalid JSON.
type ToolCall struct {
	ID        string // "" is call_<request>_<index>
	Name      string
	Arguments string
}

// Usage is token usage as an answer reports it.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
}

func (c ToolCall) id(seq, i int) string {
	if c.ID != "" {
		return c.ID
	}
	return fmt.Sprintf("call_%d_%d", seq, i)
}

func (r Response) finishReason() *string {
	reason := r.FinishReason
	if reason == "" {
		reason = "stop"
		if len(r.ToolCalls) > 0 {
			reason = "tool_calls"
		}
	}
	return &reason
}

func (r Response) usageFor(req Request) wireUsage {
	if r.Usage != nil {
		u := *r.Usage
		return wireUsage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.PromptTokens + u.CompletionTokens}
	}
	prompt := 0
	for _, m := range req.Messages {
		prompt += 4 + EstimateTokens(m.Content)
		for _, c := range m.ToolCalls {
			prompt += EstimateTokens(c.Name) + EstimateTokens(c.Arguments)
		}
	}
	for _, t := range req.Tools {
		prompt += EstimateTokens(t.Name) + EstimateTokens(t.Description) + EstimateTokens(string(t.Parameters))
	}
	completion := EstimateTokens(r.Text)
	for _, c := range r.ToolCalls {
		completion += EstimateTokens(c.Name) + EstimateTokens(c.Arguments)
	}
	return wireUsage{PromptTokens: prompt, CompletionTokens: completion, TotalTokens: prompt + completion}
}

// EstimateTokens estimates the tokens of text the way the server reports
// usage: about four characters a token, at least one for non-empty text.
func EstimateTokens(text string) int {
	if text == "" {
		return 0
	}
	return (len(text) + 3) / 4
}

// Text answers with a plain assistant message.
func Text(s string) Response { return Response{Text: s} }

// Tools answers with tool calls.
func Tools(calls ...ToolCall) Response { return Response{ToolCalls: calls} }

// Call is a tool call with args encoded as JSON.
func Call(name string, args any) ToolCall {
	b, err := json.Marshal(args)
	if err != nil {
		panic(fmt.Sprintf("openaitest: encode arguments of %s: %v", name, err))
	}
	return ToolCall{Name: name, Arguments: string(b)}
}

// RawCall is a tool call whose arguments are sent exactly as given, valid
// JSON or not.
func RawCall(name, arguments string) ToolCall {
	return ToolCall{Name: name, Arguments: arguments}
}

// Status answers with an HTTP error and an OpenAI error body.
func Status(code int, message string) Response {
	return Response{Status: code, ErrorMessage: message}
}

// RateLimited answers 429 with a Retry-After header.
func RateLimited(retryAfter string) Response {
	return Response{Status: http.StatusTooManyRequests, RetryAfter: retryAfter,
		ErrorMessage: "Rate limit reached for requests"}
}

// ServerError answers 500.
func ServerError() Response {
	return Response{Status: http.StatusInternalServerError, ErrorMessage: "The server had an error while processing your request."}
}

// Hang answers nothing until the client gives up.
func Hang() Response { return Response{Hang: true} }

// Streamed is a text answer that, to a client asking for a stream, comes a
// token at a time, delay apart.
func Streamed(text string, delay time.Duration) Response {
	return Response{Text: text, TokenDelay: delay}
}

// Matcher selects the requests a rule answers.
type Matcher func(Request) bool

// Any matches every chat request.
func Any() Matcher {
	return func(r Request) bool { return r.Path == chatPath }
}

// Embeddings matches every embeddings request.
func Embeddings() Matcher {
	return func(r Request) bool { return r.Path == embeddingsPath }
}

// LastUserContains matches chat requests whose last user message contains
// sub, case-insensitively.
func LastUserContains(sub string) Matcher {
	sub = strings.ToLower(sub)
	return func(r Request) bool {
		return r.Path == chatPath && strings.Contains(strings.ToLower(r.LastUser()), sub)
	}
}

// AfterTool matches chat requests that end with the result of a call to
// the named tool: the model's next step after that tool ran.
func AfterTool(name string) Matcher {
	return func(r Request) bool {
		calls := r.LastToolResults()
		for _, c := range calls {
			if c.Name == name {
				return true
			}
		}
		return false
	}
}
