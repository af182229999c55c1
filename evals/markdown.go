package evals

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteMarkdown writes the summary `leadagent eval run` prints: the pass
// rate, handoff precision and recall with the confusion matrix by reason,
// each failure with its reply and the failing checks, latency, tokens and
// the estimated cost. With a baseline (nil for none) it adds the
// comparison and lists the regressions.
func WriteMarkdown(w io.Writer, r *Report, baseline *Comparison) error {
	b := &strings.Builder{}
	s := r.Summary
	fmt.Fprintf(b, "## Eval: %s\n\n", r.Suite)
	prompt := r.PromptVersion
	if prompt == "" {
		prompt = "none"
	}
	fmt.Fprintf(b, "%s · model %s · prompt %s · rules v%d", r.Provider, r.Model, prompt, r.RulesVersion)
	if r.JudgeModel != "" {
		fmt.Fprintf(b, " · judge %s", r.JudgeModel)
	}
	fmt.Fprintf(b, " · %d cases in %s\n\n", s.Cases, seconds(s.DurationMS))

	fmt.Fprintf(b, "**Pass rate: %d/%d (%s)**", s.Passed, s.Cases, percent(s.PassRate))
	if s.SkippedChecks > 0 {
		fmt.Fprintf(b, " · %d check(s) skipped", s.SkippedChecks)
	}
	b.WriteString("\n\n")

	if n := len(r.KnowledgeErrors); n > 0 {
		fmt.Fprintf(b, "**Knowledge: %d file(s) not loaded**; the run answered from the others:\n\n", n)
		for _, e := range r.KnowledgeErrors {
			fmt.Fprintf(b, "- %s\n", e)
		}
		b.WriteString("\n")
	}
	if n := len(r.KnowledgeSkipped); n > 0 {
		fmt.Fprintf(b, "**Knowledge: %d file(s) of a type not read left out:** %s\n\n", n, strings.Join(r.KnowledgeSkipped, ", "))
	}
	if baseline != nil {
		writeBaseline(b, baseline)
	}
	writeHandoff(b, s.Handoff)
	writeAnswers(b, s.Answers)
	writeFailures(b, r)

	b.WriteString("### Latency and cost\n\n")
	fmt.Fprintf(b, "- latency p50 %s ms, p95 %s ms\n", num(s.LatencyMS.P50), num(s.LatencyMS.P95))
	fmt.Fprintf(b, "- tokens: %d prompt + %d completion", s.Tokens.Prompt, s.Tokens.Completion)
	if s.JudgeTokens.Prompt+s.JudgeTokens.Completion > 0 {
		fmt.Fprintf(b, "; judge %d prompt + %d completion", s.JudgeTokens.Prompt, s.JudgeTokens.Completion)
	}
	b.WriteString("\n")
	if s.CostUSD != nil {
		fmt.Fprintf(b, "- estimated cost: $%s\n", money(*s.CostUSD))
	} else {
		fmt.Fprintf(b, "- estimated cost: unknown (no price for %s)\n", unpriced(r))
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeBaseline(b *strings.Builder, c *Comparison) {
	b.WriteString("### Against the baseline\n\n")
	fmt.Fprintf(b, "pass rate %s → %s", percent(c.A.PassRate), percent(c.B.PassRate))
	if c.PassRateDropped() {
		b.WriteString(" (**dropped**)")
	}
	fmt.Fprintf(b, " · %d regressed, %d fixed, %d still failing", c.Counts[Regressed], c.Counts[Fixed], c.Counts[StillFailing])
	if n := c.Counts[Added]; n > 0 {
		fmt.Fprintf(b, ", %d new", n)
	}
	if n := c.Counts[Removed]; n > 0 {
		fmt.Fprintf(b, ", %d gone", n)
	}
	fmt.Fprintf(b, " · %d replies changed\n\n", c.ReplyChanged)
	reg := c.Regressions()
	if len(reg) > 0 {
		b.WriteString("#### Regressions\n\n")
		for _, ch := range reg {
			fmt.Fprintf(b, "- `%s`", ch.ID)
			for i, f := range ch.FailedB {
				sep := ": "
				if i > 0 {
					sep = "; "
				}
				fmt.Fprintf(b, "%s**%s** %s", sep, f.Name, oneLine(f.Detail))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	if fixed := c.FixedCases(); len(fixed) > 0 {
		b.WriteString("#### Fixed\n\n")
		for _, ch := range fixed {
			fmt.Fprintf(b, "- `%s`\n", ch.ID)
		}
		b.WriteString("\n")
	}
}

func writeHandoff(b *strings.Builder, h HandoffStats) {
	b.WriteString("### Handoff\n\n")
	if h.TP+h.FP+h.FN+h.TN == 0 {
		b.WriteString("no case expects a handoff either way (expect.handoff)\n\n")
		return
	}
	fmt.Fprintf(b, "precision %s · recall %s (tp %d, fp %d, fn %d, tn %d)\n\n",
		num2(h.Precision), num2(h.Recall), h.TP, h.FP, h.FN, h.TN)

	rows := classes(h.Confusion, true)
	cols := classes(h.Confusion, false)
	b.WriteString("| expected \\ got | " + strings.Join(cols, " | ") + " |\n")
	b.WriteString("|---" + strings.Repeat("|---:", len(cols)) + "|\n")
	for _, row := range rows {
		b.WriteString("| " + row)
		for _, col := range cols {
			fmt.Fprintf(b, " | %d", h.Confusion[row][col])
		}
		b.WriteString(" |\n")
	}
	b.WriteString("\n")
	var reasons []string
	for _, reason := range HandoffReasons {
		if cs, ok := h.Reasons[reason]; ok {
			p, r := "–", "–"
			if cs.Got > 0 {
				p = num2(cs.Precision)
			}
			if cs.Expected > 0 {
				r = num2(cs.Recall)
			}
			reasons = append(reasons, fmt.Sprintf("%s P %s R %s", reason, p, r))
		}
	}
	if len(reasons) > 0 {
		b.WriteString("by reason: " + strings.Join(reasons, " · ") + "\n\n")
	}
}

// Classes orders the confusion matrix's rows (the expected classes) and
// columns (what the turns did) as the Markdown report does: none first,
// then the reasons in their usual order.
func (h HandoffStats) Classes() (rows, cols []string) {
	return classes(h.Confusion, true), classes(h.Confusion, false)
}

// classes orders the confusion matrix's rows (expected) or columns (got):
// none first, then the reasons in their usual order, then "handoff" (a
// handoff expected without a reason).
func classes(m map[string]map[string]int, rows bool) []string {
	// "none" is always a column (a case that expects a reason may get
	// none), and a row when some case expects no handoff.
	present := map[string]bool{}
	if !rows {
		present[NoHandoff] = true
	}
	for want, row := range m {
		if rows {
			present[want] = true
			continue
		}
		for got := range row {
			present[got] = true
		}
	}
	if !rows {
		// Every expected reason is a column too, so the diagonal shows.
		for want := range m {
			if want != AnyReason {
				present[want] = true
			}
		}
	}
	order := append([]string{NoHandoff}, HandoffReasons...)
	order = append(order, AnyReason)
	var out []string
	for _, c := range order {
		if present[c] {
			out = append(out, c)
		}
	}
	var other []string
	for c := range present {
		if !slices.Contains(order, c) {
			other = append(other, c)
		}
	}
	slices.Sort(other)
	return append(out, other...)
}

func writeFailures(b *strings.Builder, r *Report) {
	failed := r.Failed()
	if len(failed) == 0 {
		b.WriteString("### Failures\n\nnone\n\n")
		return
	}
	fmt.Fprintf(b, "### Failures (%d)\n\n", len(failed))
	for _, c := range failed {
		fmt.Fprintf(b, "#### `%s`\n\n", c.ID)
		handoff := "no handoff"
		if c.Handoff.Triggered {
			handoff = "handoff: " + c.Handoff.Reason
		}
		fmt.Fprintf(b, "outcome %s · %s\n\n", orNone(string(c.Outcome)), handoff)
		if c.Reply == "" {
			b.WriteString("> (no reply)\n\n")
		} else {
			for _, line := range strings.Split(c.Reply, "\n") {
				b.WriteString("> " + line + "\n")
			}
			b.WriteString("\n")
		}
		for _, ch := range c.Checks {
			if !ch.Passed && !ch.Skipped {
				fmt.Fprintf(b, "- **%s**: %s\n", ch.Name, oneLine(ch.Detail))
			}
		}
		b.WriteString("\n")
	}
}

func unpriced(r *Report) string {
	if _, ok := Cost(r.Provider, r.Model, r.Summary.Tokens); !ok {
		return r.Model
	}
	return r.JudgeModel
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func percent(x float64) string { return fmt.Sprintf("%.1f%%", x*100) }

func num2(x float64) string { return fmt.Sprintf("%.2f", x) }

func num(x float64) string { return fmt.Sprintf("%.1f", x) }

func seconds(ms float64) string { return fmt.Sprintf("%.2f s", ms/1000) }

func money(x float64) string {
	if x != 0 && x < 0.01 {
		return fmt.Sprintf("%.4f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

// writeAnswers says how often the agent said "I don't know" where the
// case expects an answer, and answered where it expects "I don't know".
func writeAnswers(b *strings.Builder, a AnswerStats) {
	if a.Answerable+a.Unanswerable == 0 {
		return
	}
	b.WriteString("### Answers\n\n")
	var parts []string
	if a.Answerable > 0 {
		parts = append(parts, fmt.Sprintf("\"I don't know\" on %d of %d cases that expect an answer (%s)", a.SaidUnknown, a.Answerable, percent(a.UnknownRate)))
	}
	if a.Unanswerable > 0 {
		parts = append(parts, fmt.Sprintf("answered %d of %d that expect \"I don't know\" (%s)", a.Answered, a.Unanswerable, percent(a.AnsweredRate)))
	}
	b.WriteString(strings.Join(parts, " · ") + "\n\n")
}
