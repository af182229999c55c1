// Command answerfit learns the offline responder's weights (see
// agent/ranker.go) from businesses' knowledge and eval suites, and writes
// them to agent/answer_weights.go. `make train` runs it.
//
// For every case of every suite whose expected outcome is "answered" or
// "unknown", it asks the responder what it would weigh (Offline.Consider)
// and marks the units whose text passes the case's text checks (contains,
// contains_any, not_contains, matches, not_matches) as good. The ranker
// is a linear score over the unit features, fit by a softmax over the
// units that fit the channel (the likelihood that the best is a good
// one); the decision to answer is a logistic regression over the best
// unit's decision features, with answered cases whose best unit is good
// as positives and unknown cases as negatives. Fitting is full-batch
// gradient descent from fixed starting weights, so the same data gives
// the same weights.
//
// It reports leave-one-business-out figures: each business's top-1
// accuracy and decision accuracy with weights fit on the others, and,
// given CLINC150's out-of-scope queries (-off-topic), how often the
// agent would answer one of them asked of the business (offtopic.go).
//
// It needs DATABASE_URL (PostgreSQL with pgvector): each suite's knowledge
// is ingested into its eval namespace as `leadagent eval run` does.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"go/format"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/evals"
	"github.com/leadagent/leadagent/knowledge"
	"github.com/leadagent/leadagent/store"
)

func main() {
	businesses := flag.String("businesses", "../shared/businesses", "folder of businesses, each with a suite.yaml")
	out := flag.String("out", "agent/answer_weights.go", "Go file to write")
	dry := flag.Bool("dry-run", false, "report only; write nothing")
	offTopicFile := flag.String("off-topic", "", "CLINC150's utterances.jsonl: its out-of-scope queries, asked of each business, measure (and may teach) what no knowledge answers")
	offTopicShare := flag.Float64("off-topic-weight", 0, "how much the off-topic queries asked of a business count in training, against its own unknown cases (0: measure only)")
	flag.Parse()
	off, err := readOffTopic(*offTopicFile)
	if err == nil {
		off.share = *offTopicShare
		err = run(context.Background(), *businesses, flag.Args(), off, *out, *dry)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "answerfit:", err)
		os.Exit(1)
	}
}

// example is one case: its units and which are good.
type example struct {
	business string
	id       string
	unknown  bool // the case expects "I don't know"
	// offTopic: a query of the off-topic set, not a suite's case;
	// measuring: of its half kept out of fitting.
	offTopic, measuring bool
	weight              float64 // how much it counts in the decision's fit
	c                   agent.Considered
	good                []bool
}

func run(ctx context.Context, dir string, extra []string, off offTopic, out string, dry bool) error {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return fmt.Errorf("DATABASE_URL is not set")
	}
	pool, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := store.Migrate(ctx, pool, slog.New(slog.DiscardHandler)); err != nil {
		return err
	}
	kb := knowledge.New(pool, knowledge.NewLocalEmbedder())
	files, err := filepath.Glob(filepath.Join(dir, "*", "suite.yaml"))
	if err != nil {
		return err
	}
	files = append(files, extra...)
	if len(files) == 0 {
		return fmt.Errorf("no suites under %s", dir)
	}
	started := time.Now()
	var exs []example
	for _, f := range files {
		e, err := examples(ctx, kb, f, off)
		if err != nil {
			return err
		}
		exs = append(exs, e...)
	}
	reachable := 0
	for _, e := range exs {
		if !e.unknown && hasGoodFit(e) {
			reachable++
		}
	}
	queries := countWhere(exs, isOffTopic)
	fmt.Printf("%d suites, %d cases (%d unknown; %d of the answerable have a good unit that fits), %d off-topic queries, read in %s\n",
		len(files), len(exs)-queries, countWhere(exs, isUnknown)-queries, reachable, queries, time.Since(started).Round(time.Millisecond))

	names := businesses(exs)
	fmt.Println("\nleave-one-business-out (fit on the others, measured on the business):")
	fmt.Printf("  %-22s %10s %10s %10s %10s\n", "business", "top-1", "decision", "off-topic", "cases")
	var sumTop, sumDec, sumOff, n float64
	for _, b := range names {
		var train, test []example
		for _, e := range exs {
			if e.business == b {
				test = append(test, e)
			} else {
				train = append(train, e)
			}
		}
		rw := fitRanker(train)
		dw := fitDecision(train, rw)
		top, dec, offYes := measure(test, rw, dw)
		if os.Getenv("ANSWERFIT_VERBOSE") != "" {
			for _, e := range test {
				i, scores := best(e, rw)
				if e.unknown || e.offTopic || i >= 0 && e.good[i] {
					continue
				}
				g := -1
				for j := range e.c.Units {
					if e.c.Units[j].Fits && e.good[j] && (g < 0 || scores[j] > scores[g]) {
						g = j
					}
				}
				fmt.Printf("    MISS %s\n      top %.2f %.110q\n", e.id, scores[max(i, 0)], e.c.Units[max(i, 0)].Text)
				if g >= 0 {
					fmt.Printf("      good %.2f %.110q\n", scores[g], e.c.Units[g].Text)
				}
			}
		}
		fmt.Printf("  %-22s %10.3f %10.3f %10.3f %10d\n", b, top, dec, offYes, len(test)-countWhere(test, isOffTopic))
		sumTop += top
		sumDec += dec
		sumOff += offYes
		n++
	}
	fmt.Printf("  %-22s %10.3f %10.3f %10.3f\n", "mean", sumTop/n, sumDec/n, sumOff/n)

	rw := fitRanker(exs)
	dw := fitDecision(exs, rw)
	top, dec, offYes := measure(exs, rw, dw)
	fmt.Printf("\nall businesses: top-1 %.3f, decision %.3f, off-topic answered %.3f (fit and measured on the same cases)\n", top, dec, offYes)
	report(exs, rw, dw)
	fmt.Println("\nunit weights:")
	for i, name := range agent.UnitFeatureNames() {
		fmt.Printf("  %-16s %8.3f\n", name, rw[i])
	}
	fmt.Println("decision weights:")
	for i, name := range agent.DecisionFeatureNames() {
		fmt.Printf("  %-16s %8.3f\n", name, dw[i])
	}
	if dry {
		return nil
	}
	return write(out, rw, dw)
}

// countWhere counts the examples that are so.
func countWhere(exs []example, so func(example) bool) int {
	n := 0
	for _, e := range exs {
		if so(e) {
			n++
		}
	}
	return n
}

func isUnknown(e example) bool  { return e.unknown }
func isOffTopic(e example) bool { return e.offTopic }

func businesses(exs []example) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range exs {
		if !seen[e.business] {
			seen[e.business] = true
			out = append(out, e.business)
		}
	}
	sort.Strings(out)
	return out
}

// examples ingests a suite's knowledge and considers each of its
// answered and unknown cases.
func examples(ctx context.Context, kb *knowledge.Base, file string, off offTopic) ([]example, error) {
	s, err := evals.Load(file)
	if err != nil {
		return nil, err
	}
	ns, err := evals.Namespace(s)
	if err != nil {
		return nil, err
	}
	paths, err := s.KnowledgePaths()
	if err != nil {
		return nil, err
	}
	if _, err := kb.Ingest(ctx, paths, knowledge.IngestOptions{Namespace: ns}); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var b agent.Business
	if s.Business != nil {
		b = s.Business.Agent()
	}
	o := agent.NewOffline(knowledge.NamespaceRetriever{Base: kb, Namespace: ns}, b)
	var out []example
	for _, c := range s.Cases {
		kind := caseKind(c)
		if kind == "" {
			continue
		}
		in := agent.TurnInput{Channel: c.Channel, Text: c.Lead, FirstTurn: true,
			Lead: agent.Lead{Name: c.Contact.Name, Source: c.Contact.Source, Stage: c.Contact.Stage}}
		for _, m := range c.History {
			in.History = append(in.History, agent.Message{From: m.From, Text: m.Text})
			if m.From == agent.FromAI {
				in.FirstTurn = false
			}
		}
		considered, err := o.Consider(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("%s: case %s: %w", file, c.ID, err)
		}
		e := example{business: s.Name, id: c.ID, unknown: kind == agent.OutcomeUnknown, c: considered, good: make([]bool, len(considered.Units)), weight: 1}
		if e.unknown {
			e.weight = unknownWeight
		} else {
			for i, u := range considered.Units {
				e.good[i] = passes(ctx, c, u.Text)
			}
		}
		out = append(out, e)
	}
	queries, err := off.examples(ctx, o, s.Name, countWhere(out, isUnknown))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return append(out, queries...), nil
}

// caseKind is the outcome a case expects (evals.ExpectedOutcome) when it
// expects no handoff and, for an answer, says which text answers; else "".
func caseKind(c evals.Case) agent.Outcome {
	e := c.Expect
	if e.Handoff != nil && *e.Handoff {
		return ""
	}
	kind := evals.ExpectedOutcome(e)
	if kind == agent.OutcomeAnswered && len(e.Contains)+len(e.ContainsAny) == 0 && e.Matches == nil {
		return "" // nothing says which text answers
	}
	return kind
}

// passes reports whether text passes the case's text checks.
func passes(ctx context.Context, c evals.Case, text string) bool {
	e := c.Expect
	c.Expect = evals.Expect{Contains: e.Contains, ContainsAny: e.ContainsAny, NotContains: e.NotContains,
		Matches: e.Matches, NotMatches: e.NotMatches}
	checks, _ := evals.Check(ctx, c, evals.Observed{Reply: text, Outcome: agent.OutcomeAnswered}, nil)
	for _, ch := range checks {
		if !ch.Passed {
			return false
		}
	}
	return true
}

func dot(w, x []float64) float64 {
	s := 0.0
	for i := range w {
		s += w[i] * x[i]
	}
	return s
}

// Fitting.
const (
	iterations = 3000
	rate       = 0.05
	l2Rank     = 1e-3
	l2Decision = 1e-3
)

// fitRanker fits the unit weights: maximise, over cases with a good unit
// that fits, the log of the softmax mass on the good units among those
// that fit.
func fitRanker(exs []example) []float64 {
	n := len(agent.UnitFeatureNames())
	w := make([]float64, n)
	w[0] = 1 // coverage: a sensible start
	for k, v := range fixed {
		w[k] = v
	}
	adam := newAdam(n)
	for it := 0; it < iterations; it++ {
		grad := make([]float64, n)
		cases := 0
		for _, e := range exs {
			if e.unknown || !hasGoodFit(e) {
				continue
			}
			cases++
			// softmax over fitting units
			maxS := math.Inf(-1)
			scores := make([]float64, len(e.c.Units))
			for i, u := range e.c.Units {
				if u.Fits {
					scores[i] = dot(w, u.Features)
					maxS = math.Max(maxS, scores[i])
				}
			}
			var z, zg float64
			p := make([]float64, len(scores))
			for i, u := range e.c.Units {
				if u.Fits {
					p[i] = math.Exp(scores[i] - maxS)
					z += p[i]
					if e.good[i] {
						zg += p[i]
					}
				}
			}
			for i, u := range e.c.Units {
				if !u.Fits {
					continue
				}
				// d(-log zg/z)/ds_i = p_i/z - [good] p_i/zg
				g := p[i] / z
				if e.good[i] {
					g -= p[i] / zg
				}
				for k := range grad {
					grad[k] += g * u.Features[k]
				}
			}
		}
		if cases == 0 {
			return w
		}
		for k := range grad {
			grad[k] = grad[k]/float64(cases) + l2Rank*w[k]
		}
		for k := range fixed {
			grad[k] = 0
		}
		adam.step(w, grad)
	}
	return w
}

// fixed are the unit features the ranker does not learn a weight for,
// with the weight they keep. A longer unit is likelier to hold the words
// a check looks for without being a better answer, so the fit would
// reward length for its own sake: an answer is the passage that answers,
// not the most text that fits.
var fixed = func() map[int]float64 {
	out := map[int]float64{}
	for i, name := range agent.UnitFeatureNames() {
		switch name {
		case "length":
			out[i] = -0.1
		}
	}
	return out
}()

func hasGoodFit(e example) bool {
	for i, u := range e.c.Units {
		if u.Fits && e.good[i] {
			return true
		}
	}
	return false
}

// best returns the fitting unit with the highest score under w, and all
// units' scores.
func best(e example, w []float64) (int, []float64) {
	scores := make([]float64, len(e.c.Units))
	top := -1
	for i, u := range e.c.Units {
		scores[i] = dot(w, u.Features)
		if u.Fits && (top < 0 || scores[i] > scores[top]) {
			top = i
		}
	}
	return top, scores
}

// decisionData returns the decision features and labels of the cases the
// decision learns from.
func decisionData(exs []example, rw []float64) (xs [][]float64, ys, ws []float64, suite int) {
	for _, e := range exs {
		top, scores := best(e, rw)
		if top < 0 || e.weight == 0 {
			continue
		}
		switch {
		case e.unknown:
			ys = append(ys, 0)
		case e.good[top]:
			ys = append(ys, 1)
		default:
			continue // answerable, but the best unit is not the answer: no lesson either way
		}
		xs = append(xs, e.c.Decision(top, scores))
		ws = append(ws, e.weight)
		if !e.offTopic {
			suite++
		}
	}
	return xs, ys, ws, suite
}

// unknownWeight is how much more a case the knowledge cannot answer
// counts than one it can: a suite holds far fewer of them, and quoting an
// unrelated fact is worse than saying one does not know.
const unknownWeight = 2

// fitDecision fits the logistic regression of the decision.
func fitDecision(exs []example, rw []float64) []float64 {
	// Each row weighs its weight over the suites' rows: with no off-topic
	// query in training, 1 for a case answered, unknownWeight for one
	// that is not, over the cases.
	xs, ys, ws, suite := decisionData(exs, rw)
	n := len(agent.DecisionFeatureNames())
	w := make([]float64, n)
	if suite == 0 {
		return w
	}
	adam := newAdam(n)
	for it := 0; it < iterations; it++ {
		grad := make([]float64, n)
		for i, x := range xs {
			p := 1 / (1 + math.Exp(-dot(w, x)))
			cw := ws[i] / float64(suite)
			for k := range grad {
				grad[k] += cw * (p - ys[i]) * x[k]
			}
		}
		for k := 1; k < n; k++ {
			grad[k] += l2Decision * w[k]
		}
		adam.step(w, grad)
	}
	return w
}

// measure returns the share of answerable cases whose best unit is good,
// and the share of cases the whole decision gets right: an answerable
// case answered with a good unit, an unknown case not answered.
func measure(exs []example, rw, dw []float64) (top1, decision, offAnswered float64) {
	var answerable, goodTop, right, cases, off, offYes float64
	for _, e := range exs {
		top, scores := best(e, rw)
		answer := false
		if top >= 0 {
			answer = agent.DecisionProbability(dw, e.c.Decision(top, scores)) >= 0.5
		}
		if e.offTopic {
			if e.measuring {
				off++
				if answer {
					offYes++
				}
			}
			continue
		}
		cases++
		if e.unknown {
			if !answer {
				right++
			}
			continue
		}
		answerable++
		if top >= 0 && e.good[top] {
			goodTop++
			if answer {
				right++
			}
		}
	}
	return goodTop / math.Max(answerable, 1), right / math.Max(cases, 1), offYes / math.Max(off, 1)
}

// report prints how the decision splits the cases.
func report(exs []example, rw, dw []float64) {
	var unkSaid, unkAnswered, goodAnswered, goodDeclined, wrongAnswered, wrongDeclined int
	for _, e := range exs {
		top, scores := best(e, rw)
		answer := top >= 0 && agent.DecisionProbability(dw, e.c.Decision(top, scores)) >= 0.5
		switch {
		case e.offTopic:
		case e.unknown && answer:
			unkAnswered++
		case e.unknown:
			unkSaid++
		case top >= 0 && e.good[top] && answer:
			goodAnswered++
		case top >= 0 && e.good[top]:
			goodDeclined++
		case answer:
			wrongAnswered++
		default:
			wrongDeclined++
		}
	}
	fmt.Printf("  unknown cases: %d said so, %d answered; answerable with the right unit first: %d answered, %d declined; with another unit first: %d answered, %d declined\n",
		unkSaid, unkAnswered, goodAnswered, goodDeclined, wrongAnswered, wrongDeclined)
}

// adam is the Adam optimiser's state.
type adam struct {
	m, v []float64
	t    int
}

func newAdam(n int) *adam { return &adam{m: make([]float64, n), v: make([]float64, n)} }

func (a *adam) step(w, g []float64) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	a.t++
	for k := range w {
		a.m[k] = b1*a.m[k] + (1-b1)*g[k]
		a.v[k] = b2*a.v[k] + (1-b2)*g[k]*g[k]
		mh := a.m[k] / (1 - math.Pow(b1, float64(a.t)))
		vh := a.v[k] / (1 - math.Pow(b2, float64(a.t)))
		w[k] -= rate * mh / (math.Sqrt(vh) + eps)
	}
}

// write writes the weights as Go.
func write(path string, rw, dw []float64) error {
	var b bytes.Buffer
	b.WriteString("// Code generated by make train (agent/internal/answerfit); DO NOT EDIT.\n\npackage agent\n\n")
	b.WriteString("// rankWeights weigh a unit's features (ranker.go) into its score.\nvar rankWeights = [nUnitFeatures]float64{\n")
	for i, name := range agent.UnitFeatureNames() {
		fmt.Fprintf(&b, "\t%.4f, // %s\n", rw[i], name)
	}
	b.WriteString("}\n\n// decisionWeights weigh the decision features into the log-odds that the\n// best unit answers.\nvar decisionWeights = [nDecisionFeatures]float64{\n")
	for i, name := range agent.DecisionFeatureNames() {
		fmt.Fprintf(&b, "\t%.4f, // %s\n", dw[i], name)
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s\n", strings.TrimPrefix(path, "./"))
	return nil
}
