package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"

	"github.com/leadagent/leadagent/knowledge"
)

// The tools the model may call.
const (
	toolSearchKnowledge  = "search_knowledge"
	toolGetLeadHistory   = "get_lead_history"
	toolRequestHandoff   = "request_handoff"
	toolScheduleCallback = "schedule_callback"
	toolReportSignals    = "report_signals"
)

// handoffReasons are the reasons request_handoff accepts.
var handoffReasons = []string{ReasonBuyingIntent, ReasonHumanRequest, ReasonComplaint, ReasonUnknownAnswer, ReasonSensitive}

// signalIntents are the intents report_signals accepts.
var signalIntents = []string{"buying_intent", "human_request", "complaint", "faq", "other"}

// toolDefinitions are the tools offered on every model call, with their
// JSON schemas.
func toolDefinitions() []openai.Tool {
	def := func(name, description, schema string) openai.Tool {
		return openai.Tool{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name: name, Description: description, Parameters: json.RawMessage(schema),
		}}
	}
	quoted := func(list []string) string {
		q := make([]string, len(list))
		for i, s := range list {
			q[i] = strconv.Quote(s)
		}
		return strings.Join(q, ",")
	}
	return []openai.Tool{
		def(toolSearchKnowledge,
			"Search the business's knowledge base. Returns passages, each with an id like [c12] to cite.",
			`{"type":"object","properties":{"query":{"type":"string","description":"what to look for, in your own words"}},"required":["query"],"additionalProperties":false}`),
		def(toolGetLeadHistory,
			"The lead's full record in the CRM: profile and every earlier conversation, call and stage change.",
			`{"type":"object","properties":{},"additionalProperties":false}`),
		def(toolRequestHandoff,
			"Hand the conversation to a human rep, who is notified with your summary. After calling it, write one short holding message.",
			`{"type":"object","properties":{"reason":{"type":"string","enum":[`+quoted(handoffReasons)+`]},"summary":{"type":"string","description":"what the lead wants, for the rep, in one or two sentences"}},"required":["reason","summary"],"additionalProperties":false}`),
		def(toolScheduleCallback,
			"Record that the lead asked to be called back, and when, in their words. A person confirms the time; you do not.",
			`{"type":"object","properties":{"when_text":{"type":"string","description":"when the lead wants the call, as they said it"}},"required":["when_text"],"additionalProperties":false}`),
		def(toolReportSignals,
			"Report your reading of the lead's latest message, once per turn, alongside your other tool calls or your reply.",
			`{"type":"object","properties":{"buying_intent":{"type":"number","minimum":0,"maximum":1},"human_request":{"type":"number","minimum":0,"maximum":1},"complaint":{"type":"number","minimum":0,"maximum":1},"sentiment":{"type":"number","minimum":-1,"maximum":1},"coverage":{"type":"number","minimum":0,"maximum":1,"description":"how well the knowledge answers the lead"},"intent":{"type":"string","enum":[`+quoted(signalIntents)+`]}},"additionalProperties":false}`),
	}
}

// bookkeeping reports whether a tool only records something, so that a
// reply written alongside it is final.
func bookkeeping(name string) bool {
	return name == toolRequestHandoff || name == toolScheduleCallback || name == toolReportSignals
}

// toolProblem says what was wrong with a tool call the model made.
type toolProblem string

const (
	problemNone        toolProblem = ""
	problemMalformed   toolProblem = "malformed tool call"
	problemUnknownTool toolProblem = "unknown tool"
)

// handoffRequest is what request_handoff recorded.
type handoffRequest struct {
	Reason  string `json:"reason"`
	Summary string `json:"summary"`
}

// reportedSignals is what report_signals recorded; nil fields were not
// reported.
type reportedSignals struct {
	BuyingIntent *float64 `json:"buying_intent"`
	HumanRequest *float64 `json:"human_request"`
	Complaint    *float64 `json:"complaint"`
	Sentiment    *float64 `json:"sentiment"`
	Coverage     *float64 `json:"coverage"`
	Intent       *string  `json:"intent"`
}

// runTool runs one tool call for the turn and returns the tool message's
// content. A call the model got wrong returns an error for the model to
// repair, and the problem.
func (l *LLM) runTool(ctx context.Context, st *turnState, call openai.ToolCall) (string, toolProblem) {
	args := strings.TrimSpace(call.Function.Arguments)
	if args == "" {
		args = "{}"
	}
	malformed := func(err error) (string, toolProblem) {
		return toolError(fmt.Sprintf("the arguments of %s are not valid: %v. Call it again with arguments that match its schema.", call.Function.Name, err)), problemMalformed
	}
	switch call.Function.Name {
	case toolSearchKnowledge:
		var a struct {
			Query string `json:"query"`
		}
		if err := decodeArgs(args, &a); err != nil {
			return malformed(err)
		}
		if strings.TrimSpace(a.Query) == "" {
			return malformed(fmt.Errorf("query is empty"))
		}
		results, err := l.retriever.Search(ctx, a.Query, l.k)
		if err != nil {
			if ctx.Err() != nil {
				return toolError("the search did not finish in time."), problemNone
			}
			return toolError("the knowledge base cannot be searched right now."), problemNone
		}
		st.show(results)
		st.searched = true
		return formatKnowledge(results), problemNone

	case toolGetLeadHistory:
		var a struct{}
		if err := decodeArgs(args, &a); err != nil {
			return malformed(err)
		}
		history := formatLead(st.in.Lead, maxBackgroundTool)
		st.evidence.add(history)
		return history, problemNone

	case toolRequestHandoff:
		var a handoffRequest
		if err := decodeArgs(args, &a); err != nil {
			return malformed(err)
		}
		if !slices.Contains(handoffReasons, a.Reason) {
			return malformed(fmt.Errorf("reason %q is not one of %s", a.Reason, strings.Join(handoffReasons, ", ")))
		}
		a.Summary = strings.TrimSpace(a.Summary)
		st.handoff = &a
		return `{"ok":true,"next":"A person from the team will take over. Write one short holding message: say someone will follow up, promise no time, and ask nothing more."}`, problemNone

	case toolScheduleCallback:
		var a struct {
			WhenText string `json:"when_text"`
		}
		if err := decodeArgs(args, &a); err != nil {
			return malformed(err)
		}
		if strings.TrimSpace(a.WhenText) == "" {
			return malformed(fmt.Errorf("when_text is empty"))
		}
		st.callback = strings.TrimSpace(a.WhenText)
		return `{"ok":true,"next":"The request is recorded. A person will confirm the time; do not confirm it yourself."}`, problemNone

	case toolReportSignals:
		var a reportedSignals
		if err := decodeArgs(args, &a); err != nil {
			return malformed(err)
		}
		if a.Intent != nil && !slices.Contains(signalIntents, *a.Intent) {
			return malformed(fmt.Errorf("intent %q is not one of %s", *a.Intent, strings.Join(signalIntents, ", ")))
		}
		st.signals = &a
		return `{"ok":true}`, problemNone
	}
	names := make([]string, 0, len(l.tools))
	for _, t := range l.tools {
		names = append(names, t.Function.Name)
	}
	return toolError(fmt.Sprintf("there is no tool %q; the tools are %s.", call.Function.Name, strings.Join(names, ", "))), problemUnknownTool
}

// decodeArgs decodes a tool call's JSON arguments: one object, nothing
// after it. Fields the schema does not know are ignored.
func decodeArgs(args string, v any) error {
	dec := json.NewDecoder(strings.NewReader(args))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode arguments: %w", err)
	}
	if strings.TrimSpace(args[dec.InputOffset():]) != "" {
		return fmt.Errorf("decode arguments: text after the JSON object")
	}
	return nil
}

func toolError(msg string) string {
	b, _ := json.Marshal(map[string]string{"error": msg})
	return string(b)
}

// Bounds on what one turn puts in front of the model.
const (
	maxChunkChars       = 1200 // of one knowledge chunk
	maxHistoryMessages  = 20   // earlier messages of the conversation
	maxHistoryChars     = 600  // of one earlier message
	maxBackgroundPrompt = 8    // CRM history lines in the turn's own context
	maxBackgroundTool   = 50   // CRM history lines get_lead_history returns
	maxBackgroundChars  = 200  // of one CRM history line
)

// chunkRef is how a chunk is named to the model and cited by it.
func chunkRef(id int64) string { return "c" + strconv.FormatInt(id, 10) }

// formatKnowledge writes retrieved chunks for the model, each under its
// citation id, delimited as data.
func formatKnowledge(results []knowledge.Result) string {
	var b strings.Builder
	b.WriteString("<knowledge>\n")
	if len(results) == 0 {
		b.WriteString("(no passages found)\n")
	}
	for _, r := range results {
		b.WriteString("[" + chunkRef(r.ChunkID) + "] ")
		title := strings.TrimSpace(r.Title)
		if h := strings.TrimSpace(r.Heading); h != "" && h != title {
			title = strings.TrimSpace(title + " > " + h)
		}
		b.WriteString(neutralize(oneLineText(title, 200)))
		b.WriteString("\n")
		b.WriteString(neutralize(clipText(strings.TrimSpace(r.Content), maxChunkChars)))
		b.WriteString("\n\n")
	}
	b.WriteString("</knowledge>")
	return b.String()
}

// formatLead writes the lead's CRM profile and, at most maxLines of it,
// the lead's history, newest kept, delimited as data.
func formatLead(lead Lead, maxLines int) string {
	var b strings.Builder
	b.WriteString("<lead_profile>\n")
	field := func(name, value string) {
		if value = oneLineText(value, 300); value != "" {
			b.WriteString(name + ": " + neutralize(value) + "\n")
		}
	}
	field("name", lead.Name)
	field("source", lead.Source)
	field("stage", lead.Stage)
	field("owner", lead.Owner)
	field("notes", lead.Notes)
	b.WriteString("</lead_profile>\n<crm_history>\n")
	lines := lead.Background
	if len(lines) == 0 {
		b.WriteString("(no earlier contact)\n")
	}
	if len(lines) > maxLines {
		fmt.Fprintf(&b, "(the last %d of %d entries; get_lead_history has all)\n", maxLines, len(lines))
		lines = lines[len(lines)-maxLines:]
	}
	for _, line := range lines {
		b.WriteString("- " + neutralize(oneLineText(line, maxBackgroundChars)) + "\n")
	}
	b.WriteString("</crm_history>")
	return b.String()
}

// oneLineText collapses whitespace and clips s to max bytes at a rune
// boundary.
func oneLineText(s string, max int) string {
	return clipText(strings.Join(strings.Fields(s), " "), max)
}

// clipText cuts s to at most max bytes at a word boundary, marking the cut.
func clipText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := s[:max]
	if i := strings.LastIndexAny(cut, " \n"); i > max/2 {
		cut = cut[:i]
	}
	// A rune cut in half goes whole.
	for i := len(cut) - 1; i >= 0 && i >= len(cut)-utf8.UTFMax; i-- {
		if utf8.RuneStart(cut[i]) {
			if !utf8.FullRuneInString(cut[i:]) {
				cut = cut[:i]
			}
			break
		}
	}
	return strings.TrimSpace(cut) + " ..."
}
