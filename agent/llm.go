package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/leadagent/leadagent/knowledge"
)

// LLMConfig configures the model-backed responder.
type LLMConfig struct {
	// BaseURL of any OpenAI-compatible API (OpenAI, Azure OpenAI's
	// /openai/v1, Ollama, vLLM, llama.cpp); "" is OpenAI's.
	BaseURL string
	APIKey  string
	// Model; "" is DefaultLLMModel.
	Model string
	// Retriever searches the business's knowledge. Required.
	Retriever Retriever
	// Prompt returns the active prompt version; nil is a built-in prompt
	// (version "builtin").
	Prompt PromptSource
	// Fallback answers when the model cannot: the offline responder. It
	// should search through RecordEvidence so that the guardrails see what
	// it quoted. nil is NewOffline(RecordEvidence(Retriever), Business).
	Fallback Responder
	// Classifier reads intent signals the model did not report; nil
	// leaves them at zero.
	Classifier Classifier
	// Business the agent speaks for.
	Business Business
	// DiscloseAI makes the first reply of every conversation say it comes
	// from the business's AI assistant.
	DiscloseAI bool
	// MaxToolRounds bounds the model's tool-calling rounds in one turn;
	// 0 is 3. After the last round the model must answer in text.
	MaxToolRounds int
	// MaxTokens bounds each model call's completion; 0 is 300, plenty for
	// two SMS segments.
	MaxTokens int
	// Timeout bounds the model's part of a turn, every call and tool
	// included; 0 is 8 s. The fallback, when needed, runs after it.
	Timeout time.Duration
	// K is how many knowledge chunks are fetched before the first call
	// and per search_knowledge call; 0 is 5.
	K int
	// HTTPClient sends the API requests; nil is a client without its own
	// timeout (Timeout bounds each turn).
	HTTPClient *http.Client
	// Logger receives a line for each fallback (never a secret); nil
	// discards.
	Logger *slog.Logger
}

// DefaultLLMModel is the chat model used when none is configured.
const DefaultLLMModel = "gpt-4o-mini"

// fallbackModel is Reply.Model for a fallback reply whose responder did
// not name one: the offline responder's name.
const fallbackModel = "offline"

// BuiltinPromptVersion is the PromptVersion of turns run with the built-in
// prompt.
const BuiltinPromptVersion = "builtin"

const (
	defaultMaxToolRounds = 3
	defaultMaxTokens     = 300
	defaultLLMTimeout    = 8 * time.Second
	defaultLLMK          = 5
	llmTemperature       = 0.3
)

// LLM answers leads with a chat model through any OpenAI-compatible API,
// with tools to search knowledge, read the lead's CRM history, hand off
// and ask for a callback. Every turn is bounded (tool rounds, tokens,
// time); when the model fails the offline responder answers instead, and
// every reply passes the guardrails. It is safe for concurrent use.
type LLM struct {
	client        *openai.Client
	model         string
	retriever     Retriever
	prompt        PromptSource
	fallback      Responder
	classifier    Classifier
	rails         Guardrails
	maxToolRounds int
	maxTokens     int
	timeout       time.Duration
	k             int
	tools         []openai.Tool
	logger        *slog.Logger
}

var _ Responder = (*LLM)(nil)

// NewLLM returns the model-backed responder for cfg. It does not call the
// API.
func NewLLM(cfg LLMConfig) (*LLM, error) {
	if cfg.Retriever == nil {
		return nil, errors.New("new llm responder: no retriever")
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	// A nil *http.Client in the interface field would not read as nil.
	if cfg.HTTPClient != nil {
		oc.HTTPClient = cfg.HTTPClient
	} else {
		oc.HTTPClient = &http.Client{}
	}
	l := &LLM{
		client:        openai.NewClientWithConfig(oc),
		model:         orDefault(cfg.Model, DefaultLLMModel),
		retriever:     cfg.Retriever,
		prompt:        cfg.Prompt,
		fallback:      cfg.Fallback,
		classifier:    cfg.Classifier,
		rails:         Guardrails{Business: cfg.Business, DiscloseAI: cfg.DiscloseAI},
		maxToolRounds: positive(cfg.MaxToolRounds, defaultMaxToolRounds),
		maxTokens:     positive(cfg.MaxTokens, defaultMaxTokens),
		timeout:       cfg.Timeout,
		k:             positive(cfg.K, defaultLLMK),
		tools:         toolDefinitions(),
		logger:        cfg.Logger,
	}
	if l.timeout <= 0 {
		l.timeout = defaultLLMTimeout
	}
	if l.prompt == nil {
		l.prompt = builtinPrompt(cfg.Business)
	}
	if l.fallback == nil {
		l.fallback = NewOffline(RecordEvidence(cfg.Retriever), cfg.Business)
	}
	if l.logger == nil {
		l.logger = slog.New(slog.DiscardHandler)
	}
	return l, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func positive(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// builtinPrompt is the prompt used when no prompt store is configured.
func builtinPrompt(b Business) PromptSource {
	name := b.Name
	if name == "" {
		name = "the business"
	}
	system := "You answer the sales leads of " + name + " by text message while the office is closed. " +
		"Be warm, brief and concrete. Answer the lead's question from the knowledge you are given, then move " +
		"the conversation forward with at most one qualifying question (what they need, where, how soon). " +
		"When the lead is ready to buy or book, asks for a person, is unhappy, or needs something you cannot " +
		"answer, hand the conversation to the team."
	return func(context.Context) (Prompt, error) {
		return Prompt{Version: BuiltinPromptVersion, System: system}, nil
	}
}

// turnState is one turn's working state: what the model was shown and
// what its tools recorded.
type turnState struct {
	in            TurnInput
	evidence      *evidenceLog
	shown         map[int64]knowledge.Result
	handoff       *handoffRequest
	callback      string
	signals       *reportedSignals
	repairs       int
	searched      bool
	injection     bool
	usage         Usage
	model         string
	promptVersion string
	failErr       error // the error behind a fallback, if one was
}

// show records chunks the model was given: they may be cited, and they
// are evidence.
func (st *turnState) show(results []knowledge.Result) {
	for _, r := range results {
		if _, ok := st.shown[r.ChunkID]; ok {
			continue
		}
		st.shown[r.ChunkID] = r
		st.evidence.add(sourceText(r))
	}
}

// Turn answers the lead's new message with the model, or with the
// fallback when the model fails; either way the reply passes the
// guardrails. It returns an error only when ctx ends or the fallback
// fails too.
func (l *LLM) Turn(ctx context.Context, in TurnInput) (Reply, error) {
	start := time.Now()
	ctx, log := withEvidenceLog(ctx)
	st := &turnState{in: in, evidence: log, shown: map[int64]knowledge.Result{}, model: l.model}
	reply, reason := l.converse(ctx, st)
	if reason == "" {
		reply = l.guard(ctx, st, reply)
	} else {
		var err error
		if reply, err = l.fallBack(ctx, st, reason); err != nil {
			return Reply{}, err
		}
	}
	return l.finishTurn(ctx, st, reply, start), nil
}

// converse runs the model's part of the turn. A non-empty reason says why
// its reply cannot be used.
func (l *LLM) converse(ctx context.Context, st *turnState) (Reply, string) {
	return l.converseWith(ctx, st, l.client.CreateChatCompletion)
}

// finishTurn adds what the turn's tools recorded to its reply, as Turn
// does.
func (l *LLM) finishTurn(ctx context.Context, st *turnState, reply Reply, start time.Time) Reply {
	if st.injection && !slices.Contains(reply.Guardrails, GuardPromptInjection) {
		reply.Guardrails = append(reply.Guardrails, GuardPromptInjection)
	}
	if st.callback != "" {
		reply.Callback, _ = Redact(st.callback)
		l.logger.InfoContext(ctx, "lead asked for a callback", "when", reply.Callback)
	}
	if st.handoff != nil && reply.Outcome == OutcomeHandoff {
		reply.HandoffSummary, _ = Redact(st.handoff.Summary)
	}
	reply.Usage = st.usage
	reply.Latency = time.Since(start)
	return reply
}

// completeFunc is one chat completion of a turn: the API's answer, read
// whole or assembled from a stream.
type completeFunc func(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error)

// converseWith is the turn's rounds with the completion call given: whole
// answers for Turn, streamed and assembled ones for TurnStream.
func (l *LLM) converseWith(ctx context.Context, st *turnState, complete completeFunc) (Reply, string) {
	turnCtx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()

	prompt, err := l.prompt(turnCtx)
	if err != nil {
		return Reply{}, fallbackReason(ctx, turnCtx, st, fmt.Errorf("load prompt: %w", err), "prompt unavailable")
	}
	st.promptVersion = prompt.Version
	system := l.systemMessage(prompt, st.in.Channel)
	st.evidence.addPrompt(system)

	results, err := l.retriever.Search(turnCtx, searchQuery(st.in), l.k)
	if err != nil {
		if turnCtx.Err() != nil {
			return Reply{}, fallbackReason(ctx, turnCtx, st, fmt.Errorf("search knowledge: %w", err), "timeout")
		}
		// The model can still hand off or say it will find out.
		l.logger.WarnContext(ctx, "llm turn: knowledge search failed", "err", redactedError(err))
		results = nil
	}
	st.show(results)
	st.injection = looksLikeInjection(st.in.Text)
	for _, r := range results {
		st.injection = st.injection || looksLikeInjection(r.Content)
	}
	msgs := l.messages(system, st, results, err != nil)

	rounds, forceText := 0, false
	for {
		resp, err := complete(turnCtx, l.request(msgs, forceText))
		if err != nil {
			return Reply{}, fallbackReason(ctx, turnCtx, st, err, "")
		}
		st.usage.PromptTokens += resp.Usage.PromptTokens
		st.usage.CompletionTokens += resp.Usage.CompletionTokens
		if resp.Model != "" {
			st.model = resp.Model
		}
		if len(resp.Choices) == 0 {
			return Reply{}, "empty response"
		}
		choice := resp.Choices[0]
		text := choice.Message.Content
		switch choice.FinishReason {
		case openai.FinishReasonContentFilter:
			return Reply{}, "content filter"
		case openai.FinishReasonLength:
			text = dropUnfinished(text)
		}
		calls := choice.Message.ToolCalls
		if len(calls) == 0 {
			return l.finalReply(st, text)
		}
		if forceText {
			// Told to answer without tools, the model called one anyway.
			if strings.TrimSpace(text) != "" || st.handoff != nil {
				return l.finalReply(st, text)
			}
			return Reply{}, "tool rounds exceeded"
		}
		rounds++
		calls = withCallIDs(calls, rounds)
		msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: text, ToolCalls: calls})
		problem, onlyBookkeeping := problemNone, true
		for _, c := range calls {
			out, p := l.runTool(turnCtx, st, c)
			msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleTool, ToolCallID: c.ID, Content: out})
			if p != problemNone {
				problem = p
			}
			onlyBookkeeping = onlyBookkeeping && bookkeeping(c.Function.Name)
		}
		if turnCtx.Err() != nil {
			return Reply{}, fallbackReason(ctx, turnCtx, st, turnCtx.Err(), "timeout")
		}
		if problem != problemNone {
			// The tool results tell the model what was wrong: one repair.
			if st.repairs++; st.repairs > 1 {
				return Reply{}, string(problem)
			}
		} else if onlyBookkeeping && strings.TrimSpace(text) != "" {
			return l.finalReply(st, text)
		}
		forceText = rounds >= l.maxToolRounds
	}
}

// request is one chat completion request of the turn.
func (l *LLM) request(msgs []openai.ChatCompletionMessage, forceText bool) openai.ChatCompletionRequest {
	req := openai.ChatCompletionRequest{Model: l.model, Messages: msgs, Tools: l.tools}
	if reasoningModel(l.model) {
		// Reasoning models take max_completion_tokens and no temperature.
		req.MaxCompletionTokens = l.maxTokens
	} else {
		req.MaxTokens = l.maxTokens
		req.Temperature = llmTemperature
	}
	if forceText {
		req.ToolChoice = "none"
	}
	return req
}

func reasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// withCallIDs gives every tool call an id, which its result must echo.
func withCallIDs(calls []openai.ToolCall, round int) []openai.ToolCall {
	out := make([]openai.ToolCall, len(calls))
	for i, c := range calls {
		if c.ID == "" {
			c.ID = fmt.Sprintf("call_r%d_%d", round, i)
		}
		c.Type = openai.ToolTypeFunction
		c.Index = nil
		out[i] = c
	}
	return out
}

// fallbackReason turns an error of the model's part of the turn into the reason
// it falls back, and keeps the error for the log. def, when set, is the
// reason for errors that are not the API's.
func fallbackReason(ctx, turnCtx context.Context, st *turnState, err error, def string) string {
	st.failErr = err
	reason := def
	var (
		apiErr *openai.APIError
		reqErr *openai.RequestError
		netErr net.Error
		synErr *json.SyntaxError
		typErr *json.UnmarshalTypeError
	)
	switch {
	case ctx.Err() != nil:
		reason = "canceled"
	case errors.Is(turnCtx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		reason = "timeout"
	case errors.As(err, &apiErr):
		reason = fmt.Sprintf("http %d", apiErr.HTTPStatusCode)
	case errors.As(err, &reqErr) && reqErr.HTTPStatusCode != 0:
		reason = fmt.Sprintf("http %d", reqErr.HTTPStatusCode)
	case errors.As(err, &synErr), errors.As(err, &typErr), errors.As(err, &reqErr):
		reason = "bad response"
	case errors.As(err, &netErr):
		reason = "network"
		if netErr.Timeout() {
			reason = "timeout"
		}
	case reason == "":
		reason = "api error"
	}
	return reason
}

// redactedError is an error's text fit for a log line.
func redactedError(err error) string {
	s, _ := Redact(err.Error())
	return s
}

// dropUnfinished removes the sentence a token limit cut off, when there
// is a finished one before it.
func dropUnfinished(text string) string {
	text = strings.TrimSpace(text)
	if text == "" || strings.ContainsAny(text[len(text)-1:], ".!?") {
		return text
	}
	sentences := SplitSentences(text)
	if len(sentences) > 1 {
		return strings.Join(sentences[:len(sentences)-1], " ")
	}
	return text
}

// guard applies the guardrails to the model's reply. When they replace an
// answer for stating what the evidence does not, a grounded answer from
// the fallback responder, if it has one, is sent instead of "someone will
// confirm".
func (l *LLM) guard(ctx context.Context, st *turnState, reply Reply) Reply {
	guarded := l.rails.Apply(reply, st.in, st.evidence.evidence())
	if guarded.Outcome == OutcomeUnknown && reply.Outcome != OutcomeUnknown {
		guarded.Signals.Coverage = 0 // what it said was replaced by "someone will confirm"
	}
	rule := factRule(guarded.Guardrails)
	// An invented time is best answered by "someone will set up a time",
	// not by whatever the knowledge says about the question.
	if rule == "" || reply.Outcome == OutcomeHandoff || slices.Contains(guarded.Guardrails, GuardUnsupportedAppointment) {
		return guarded
	}
	off, err := l.fallback.Turn(ctx, st.in)
	if err != nil {
		return guarded
	}
	off = l.rails.Apply(off, st.in, st.evidence.evidence())
	if off.Outcome != OutcomeAnswered || factRule(off.Guardrails) != "" {
		return guarded
	}
	off.Path, off.FallbackReason = PathFallback, "guardrail "+rule
	off.Model = orDefault(off.Model, fallbackModel)
	off.PromptVersion = ""
	off.Signals.BuyingIntent, off.Signals.HumanRequest = guarded.Signals.BuyingIntent, guarded.Signals.HumanRequest
	off.Signals.Complaint, off.Signals.Sentiment, off.Signals.Intent = guarded.Signals.Complaint, guarded.Signals.Sentiment, guarded.Signals.Intent
	off.Signals.Sensitive = guarded.Signals.Sensitive
	for _, g := range guarded.Guardrails {
		if !slices.Contains(off.Guardrails, g) {
			off.Guardrails = append(off.Guardrails, g)
		}
	}
	return off
}

// factRule returns the first guardrail in names that replaced a reply for
// an unsupported fact, or "".
func factRule(names []string) string {
	for _, n := range names {
		switch n {
		case GuardUnsupportedPrice, GuardUnsupportedDiscount, GuardUnsupportedGuarantee, GuardUnsupportedAppointment,
			GuardUnsupportedContact, GuardUnsupportedNumber:
			return n
		}
	}
	return ""
}

// fallBack answers the turn with the fallback responder, when the model
// could not for reason, and logs why; attrs add to the log line. When
// ctx ended (the caller hung up or spoke over the answer) no one waits
// for an answer: it returns ctx's error instead.
func (l *LLM) fallBack(ctx context.Context, st *turnState, reason string, attrs ...any) (Reply, error) {
	if err := ctx.Err(); err != nil {
		return Reply{}, fmt.Errorf("llm turn: %w", err)
	}
	attrs = append([]any{"reason", reason, "model", l.model}, attrs...)
	if st.failErr != nil {
		attrs = append(attrs, "err", redactedError(st.failErr))
	}
	l.logger.WarnContext(ctx, "llm turn falls back", attrs...)
	reply, err := l.fallback.Turn(ctx, st.in)
	if err != nil {
		return Reply{}, fmt.Errorf("llm turn: fall back (%s): %w", reason, err)
	}
	reply.Path, reply.FallbackReason = PathFallback, reason
	reply.Model = orDefault(reply.Model, fallbackModel)
	reply.PromptVersion = ""
	if reply.Signals == (Signals{}) && l.classifier != nil {
		reply.Signals = l.classifier.Classify(st.in.Text, st.in.History)
	}
	return l.rails.Apply(reply, st.in, st.evidence.evidence()), nil
}

// lastLeadMessage returns the lead's most recent earlier message.
func lastLeadMessage(history []Message) string {
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].From == FromLead {
			return history[i].Text
		}
	}
	return ""
}

// searchQuery is what the turn searches the knowledge for before the
// first call: the lead's message, with their previous one when it is too
// short to search on its own ("how much?").
func searchQuery(in TurnInput) string {
	q := strings.TrimSpace(in.Text)
	if len(strings.Fields(q)) < 4 {
		if prev := lastLeadMessage(in.History); prev != "" {
			q = strings.TrimSpace(prev) + " " + q
		}
	}
	return q
}
