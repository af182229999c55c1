package openaitest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"regexp"
	"strings"
	"unicode"
)

// Request is one request as the server received it.
type Request struct {
	Seq    int    // 1 for the first request the server received
	Path   string // /v1/chat/completions or /v1/embeddings
	APIKey string // the bearer token sent
	Model  string

	// Chat completions.
	Messages            []Message
	Tools               []Tool
	ToolChoice          string // "auto", "none", "required", or the JSON of an object
	MaxTokens           int
	MaxCompletionTokens int
	Temperature         *float64
	Stream              bool
	IncludeUsage        bool // stream_options.include_usage

	// Embeddings.
	Input          []string
	Dimensions     int
	EncodingFormat string

	// Body is the request body as sent.
	Body []byte
}

// Message is one message of a chat request.
type Message struct {
	Role       string // system, developer, user, assistant, tool
	Content    string // text parts joined by newlines
	Name       string
	ToolCallID string
	ToolCalls  []ToolCall
}

// Tool is one tool offered to the model.
type Tool struct {
	Name        string
	Description string
	Parameters  json.RawMessage
}

// System returns the text of the request's system and developer messages.
func (r Request) System() string {
	var parts []string
	for _, m := range r.Messages {
		if m.Role == "system" || m.Role == "developer" {
			parts = append(parts, m.Content)
		}
	}
	return strings.Join(parts, "\n")
}

// LastUser returns the content of the last user message, or "".
func (r Request) LastUser() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			return r.Messages[i].Content
		}
	}
	return ""
}

// ByRole returns the messages with the given role, in order.
func (r Request) ByRole(role string) []Message {
	var out []Message
	for _, m := range r.Messages {
		if m.Role == role {
			out = append(out, m)
		}
	}
	return out
}

// ToolNames returns the names of the tools offered.
func (r Request) ToolNames() []string {
	out := make([]string, len(r.Tools))
	for i, t := range r.Tools {
		out[i] = t.Name
	}
	return out
}

// ToolResult is a tool message with the call it answers.
type ToolResult struct {
	ToolCall
	Content string
}

// LastToolResults returns the tool results at the end of the request (the
// answers to the model's last tool calls), each with the call it answers.
func (r Request) LastToolResults() []ToolResult {
	calls := map[string]ToolCall{}
	for _, m := range r.Messages {
		for _, c := range m.ToolCalls {
			calls[c.ID] = c
		}
	}
	var out []ToolResult
	for i := len(r.Messages) - 1; i >= 0 && r.Messages[i].Role == "tool"; i-- {
		m := r.Messages[i]
		out = append([]ToolResult{{ToolCall: calls[m.ToolCallID], Content: m.Content}}, out...)
	}
	return out
}

// AllText returns every message's content and tool call arguments, joined,
// for asserting that something reached (or did not reach) the model.
func (r Request) AllText() string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.WriteString(m.Content)
		b.WriteByte('\n')
		for _, c := range m.ToolCalls {
			b.WriteString(c.Arguments)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// The request as it arrives on the wire.
type wireRequest struct {
	Model               string          `json:"model"`
	Messages            []wireMessageIn `json:"messages"`
	Tools               []wireTool      `json:"tools"`
	ToolChoice          json.RawMessage `json:"tool_choice"`
	MaxTokens           int             `json:"max_tokens"`
	MaxCompletionTokens int             `json:"max_completion_tokens"`
	Temperature         *float64        `json:"temperature"`
	Stream              bool            `json:"stream"`
	StreamOptions       *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`

	Input          json.RawMessage `json:"input"`
	Dimensions     int             `json:"dimensions"`
	EncodingFormat string          `json:"encoding_format"`
}

type wireMessageIn struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content"`
	Name       string          `json:"name"`
	ToolCallID string          `json:"tool_call_id"`
	ToolCalls  []wireToolCall  `json:"tool_calls"`
}

type wireTool struct {
	Type     string `json:"type"`
	Function struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Parameters  json.RawMessage `json:"parameters"`
	} `json:"function"`
}

func decodeRequest(path string, body []byte) (Request, error) {
	req := Request{Path: path, Body: body}
	var w wireRequest
	if err := json.Unmarshal(body, &w); err != nil {
		return req, fmt.Errorf("decode request body: %w", err)
	}
	req.Model = w.Model
	req.MaxTokens, req.MaxCompletionTokens = w.MaxTokens, w.MaxCompletionTokens
	req.Temperature, req.Stream = w.Temperature, w.Stream
	req.IncludeUsage = w.StreamOptions != nil && w.StreamOptions.IncludeUsage
	req.Dimensions, req.EncodingFormat = w.Dimensions, w.EncodingFormat
	for _, m := range w.Messages {
		content, err := contentText(m.Content)
		if err != nil {
			return req, fmt.Errorf("decode %s message content: %w", m.Role, err)
		}
		msg := Message{Role: m.Role, Content: content, Name: m.Name, ToolCallID: m.ToolCallID}
		for _, c := range m.ToolCalls {
			msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: c.ID, Name: c.Function.Name, Arguments: c.Function.Arguments})
		}
		req.Messages = append(req.Messages, msg)
	}
	for _, t := range w.Tools {
		req.Tools = append(req.Tools, Tool{Name: t.Function.Name, Description: t.Function.Description, Parameters: t.Function.Parameters})
	}
	if len(w.ToolChoice) > 0 {
		var s string
		if json.Unmarshal(w.ToolChoice, &s) == nil {
			req.ToolChoice = s
		} else {
			req.ToolChoice = string(w.ToolChoice)
		}
	}
	if len(w.Input) > 0 {
		input, err := embeddingInput(w.Input)
		if err != nil {
			return req, err
		}
		req.Input = input
	}
	if path == chatPath && len(req.Messages) == 0 {
		return req, fmt.Errorf("messages: must not be empty")
	}
	if path == embeddingsPath && len(req.Input) == 0 {
		return req, fmt.Errorf("input: must not be empty")
	}
	return req, nil
}

// contentText reads a message's content: a string, null, or an array of
// parts whose text parts are joined.
func contentText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", err
	}
	var texts []string
	for _, p := range parts {
		if p.Type == "text" {
			texts = append(texts, p.Text)
		}
	}
	return strings.Join(texts, "\n"), nil
}

// embeddingInput reads "input": a string or an array of strings.
func embeddingInput(raw json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("input: want a string or an array of strings: %w", err)
	}
	return many, nil
}

// The answer as it goes on the wire.
type wireCompletion struct {
	ID      string       `json:"id"`
	Object  string       `json:"object"`
	Created int64        `json:"created"`
	Model   string       `json:"model"`
	Choices []wireChoice `json:"choices"`
	Usage   *wireUsage   `json:"usage,omitempty"`
}

type wireChoice struct {
	Index        int          `json:"index"`
	Message      *wireMessage `json:"message,omitempty"`
	Delta        *wireMessage `json:"delta,omitempty"`
	FinishReason *string      `json:"finish_reason"`
}

type wireMessage struct {
	Role      string         `json:"role,omitempty"`
	Content   *string        `json:"content,omitempty"`
	ToolCalls []wireToolCall `json:"tool_calls,omitempty"`
}

type wireToolCall struct {
	Index    *int         `json:"index,omitempty"`
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"`
	Function wireFunction `json:"function"`
}

type wireFunction struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

type wireUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

type wireEmbeddings struct {
	Object string          `json:"object"`
	Data   []wireEmbedding `json:"data"`
	Model  string          `json:"model"`
	Usage  wireUsage       `json:"usage"`
}

type wireEmbedding struct {
	Object    string `json:"object"`
	Embedding any    `json:"embedding"`
	Index     int    `json:"index"`
}

var reToken = regexp.MustCompile(`\s*\S+|\s+$`)

// Tokens splits text the way the server streams it: each word with the
// whitespace before it. Joined, they give back text.
func Tokens(text string) []string {
	return reToken.FindAllString(text, -1)
}

// Vector is the deterministic embedding the server returns for text: its
// lower-cased words hashed into dims buckets with a hashed sign, L2
// normalised, so texts that share words point the same way. Text with no
// words gets the first unit vector.
func Vector(text string, dims int) []float32 {
	if dims <= 0 {
		dims = DefaultDimensions
	}
	v := make([]float32, dims)
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, w := range words {
		h := fnv.New64a()
		_, _ = h.Write([]byte(w))
		sum := h.Sum64()
		sign := float32(1)
		if sum>>63 == 1 {
			sign = -1
		}
		v[sum%uint64(dims)] += sign
	}
	var norm float64
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	if norm == 0 {
		v[0] = 1
		return v
	}
	scale := float32(1 / math.Sqrt(norm))
	for i := range v {
		v[i] *= scale
	}
	return v
}

// base64Floats encodes a vector as OpenAI's base64 format does: little
// endian float32s.
func base64Floats(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}
