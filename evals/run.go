package evals

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/knowledge"
	"github.com/leadagent/leadagent/turn"
)

// Runner runs suites against one responder and records every run.
type Runner struct {
	// DB holds the escalation rules and the run records.
	DB DB
	// Knowledge ingests each suite's knowledge into its namespace and
	// searches it.
	Knowledge *knowledge.Base
	// Agent builds the responder under test on a suite's knowledge, for
	// the business the suite speaks for: the same responder production
	// builds, on this retriever.
	Agent func(ctx context.Context, r agent.Retriever, b agent.Business) (agent.Responder, error)
	// Judge grades `judge` checks and `grounded` ones; nil leaves the
	// first skipped and the second lexical.
	Judge Judge
	// Business is what the agent says about the business when a suite has
	// no business block of its own; its details are evidence for the
	// grounded check and it names the HELP answer.
	Business agent.Business
	// Provider ("offline" or "openai"), Model and PromptVersion describe
	// the responder, for the report and the run record.
	Provider, Model, PromptVersion string
	// Concurrency is how many cases run at once; 0 is 1.
	Concurrency int
	// Progress, when set, is called after each case with the number done
	// and the suite's total; calls come one at a time.
	Progress func(done, total int)
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Namespace is the knowledge namespace a suite's run uses: the suite's
// name and a hash of the absolute paths and contents of its knowledge
// files. Suites never share one, no suite uses 'default', and a re-run of
// an unchanged suite finds its knowledge already ingested.
func Namespace(s *Suite) (string, error) {
	paths, err := s.KnowledgePaths()
	if err != nil {
		return "", err
	}
	var files []string
	for _, root := range paths {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if !d.IsDir() && (p == root || knowledge.Supported(p)) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("knowledge of suite %s: %w", s.Name, err)
		}
	}
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		fh, err := fileHash(f)
		if err != nil {
			return "", fmt.Errorf("knowledge of suite %s: %w", s.Name, err)
		}
		fmt.Fprintf(h, "%s\x00%s\n", f, fh)
	}
	return namespacePrefix + s.Name + ":" + hex.EncodeToString(h.Sum(nil))[:namespaceHashLen], nil
}

// An eval namespace is namespacePrefix, the suite's name, a colon and
// namespaceHashLen hex digits.
const (
	namespacePrefix  = "eval:"
	namespaceHashLen = 12
)

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Run plays every case of s and returns the report. The run is recorded
// in eval_runs (state running, then done, or failed with the error) and
// each case in eval_cases as it finishes. A case whose turn fails is a
// failed case; Run itself fails only when the run cannot go on (the
// knowledge cannot be ingested, the database is down, ctx ends).
func (r *Runner) Run(ctx context.Context, s *Suite) (*Report, error) {
	if err := r.ready(); err != nil {
		return nil, err
	}
	run, err := StartRun(ctx, r.DB, RunInfo{Suite: s.Name, File: s.File, Provider: r.Provider, Model: r.Model,
		PromptVersion: r.PromptVersion, CasesTotal: len(s.Cases), StartedAt: r.now()})
	if err != nil {
		return nil, err
	}
	report, err := r.runInto(ctx, s, run.ID)
	if err != nil {
		// The record says why; a cancelled ctx must not keep it running.
		if ferr := FailRun(context.WithoutCancel(ctx), r.DB, run.ID, err); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return nil, err
	}
	return report, nil
}

// business is who the agent speaks for in a run of s: the suite's
// business block, or the runner's.
func (r *Runner) business(s *Suite) agent.Business {
	if s.Business != nil {
		return s.Business.Agent()
	}
	return r.Business
}

// ready reports whether r has what a run needs.
func (r *Runner) ready() error {
	if r.DB == nil || r.Knowledge == nil || r.Agent == nil {
		return errors.New("eval runner: DB, Knowledge and Agent are required")
	}
	return nil
}

// runInto plays s into run runID, recorded and still running (Run's, or a
// queued one its worker claimed), and records it done. It first records
// what actually runs: for a queued run, the rules and the prompt in force
// now may differ from when it was queued. r is ready.
func (r *Runner) runInto(ctx context.Context, s *Suite, runID int64) (*Report, error) {
	started := r.now()
	report := &Report{Suite: s.Name, File: s.File, Provider: r.Provider, Model: r.Model,
		PromptVersion: r.PromptVersion, StartedAt: started, Cases: []CaseResult{}, RunID: runID}
	if r.Judge != nil {
		report.JudgeModel = r.Judge.Model()
	}
	ns, err := Namespace(s)
	if err != nil {
		return nil, err
	}
	report.Namespace = ns
	rules, err := handoff.ActiveRules(ctx, r.DB)
	if err != nil {
		return nil, fmt.Errorf("suite %s: %w", s.Name, err)
	}
	report.RulesVersion = rules.Version
	if err := recordRunInfo(ctx, r.DB, runID, RunInfo{Suite: s.Name, File: s.File, Provider: r.Provider, Model: r.Model,
		PromptVersion: r.PromptVersion, RulesVersion: rules.Version, JudgeModel: report.JudgeModel,
		Namespace: ns, CasesTotal: len(s.Cases), StartedAt: started}); err != nil {
		return nil, err
	}

	if err := r.pruneNamespaces(ctx, s.Name, ns); err != nil {
		return nil, err
	}
	paths, err := s.KnowledgePaths()
	if err != nil {
		return nil, err
	}
	if len(paths) > 0 {
		loaded, err := r.Knowledge.Ingest(ctx, paths, knowledge.IngestOptions{Namespace: ns})
		if err != nil && (!onlyFileErrors(err) || len(loaded.Failed) == loaded.Files) {
			return nil, fmt.Errorf("suite %s: knowledge: %w", s.Name, err)
		}
		// One file in a shape the reader does not take must not cost
		// the whole run: the others answer, and the report names it.
		for _, fe := range loaded.Failed {
			report.KnowledgeErrors = append(report.KnowledgeErrors, fe.Error())
		}
		report.KnowledgeSkipped = loaded.Skipped
	}
	business := r.business(s)
	responder, err := r.Agent(ctx, capturingRetriever{base: r.Knowledge, ns: ns}, business)
	if err != nil {
		return nil, fmt.Errorf("suite %s: agent: %w", s.Name, err)
	}
	results, err := r.play(ctx, s, responder, rules.Rules, business, runID)
	if err != nil {
		return nil, err
	}
	report.Cases = results
	report.FinishedAt = r.now()
	report.Summary = Summarize(results, report.FinishedAt.Sub(started))
	report.Summary.withCost(r.Provider, r.Model, report.JudgeModel)
	if err := FinishRun(ctx, r.DB, runID, report); err != nil {
		return nil, err
	}
	return report, nil
}

// play runs the cases, Concurrency at a time, in the suite's order in the
// results whatever order they finish in.
func (r *Runner) play(ctx context.Context, s *Suite, responder agent.Responder, rules handoff.Rules, b agent.Business, runID int64) ([]CaseResult, error) {
	n := max(r.Concurrency, 1)
	results := make([]CaseResult, len(s.Cases))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		done     int
		firstErr error
		wg       sync.WaitGroup
	)
	next := make(chan int)
	for range min(n, len(s.Cases)) {
		wg.Go(func() {
			for i := range next {
				res := r.playCase(ctx, s.Cases[i], responder, rules, b)
				results[i] = res
				err := RecordCase(ctx, r.DB, runID, i, res)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				done++
				if r.Progress != nil {
					r.Progress(done, len(s.Cases))
				}
				mu.Unlock()
			}
		})
	}
feed:
	for i := range s.Cases {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return results, nil
}

// playCase answers one case as production would and checks it.
func (r *Runner) playCase(ctx context.Context, c Case, responder agent.Responder, rules handoff.Rules, b agent.Business) CaseResult {
	res := CaseResult{ID: c.ID, Expected: expectedClass(c.Expect), ExpectedOutcome: ExpectedOutcome(c.Expect), Checks: []CheckResult{}}
	o, reply, err := r.turn(ctx, c, responder, rules, b)
	if err != nil {
		res.Error = err.Error()
		res.Checks = append(res.Checks, CheckResult{Name: CheckTurn, Detail: "the turn failed: " + err.Error()})
		return res
	}
	res.Reply, res.Outcome = o.Reply, o.Outcome
	res.Handoff = HandoffResult{Triggered: o.Handoff, Reason: o.Reason}
	res.Segments = o.Segments
	res.Path, res.FallbackReason, res.Citations = reply.Path, reply.FallbackReason, reply.Citations
	res.LatencyMS = roundTo(float64(reply.Latency.Microseconds())/1000, 3)
	res.Tokens = Tokens{Prompt: reply.Usage.PromptTokens, Completion: reply.Usage.CompletionTokens}
	checks, judgeUsage := Check(ctx, c, o, r.Judge)
	res.Checks = append(res.Checks, checks...)
	res.JudgeTokens = Tokens{Prompt: judgeUsage.PromptTokens, Completion: judgeUsage.CompletionTokens}
	res.Passed = true
	for _, ch := range res.Checks {
		if !ch.Passed && !ch.Skipped {
			res.Passed = false
		}
	}
	return res
}

// expectedClass is a case's row in the handoff confusion matrix.
func expectedClass(e Expect) string {
	switch {
	case e.Handoff == nil:
		return ""
	case !*e.Handoff:
		return NoHandoff
	case e.HandoffReason != "":
		return e.HandoffReason
	}
	return AnyReason
}

// onlyFileErrors reports whether err, from Ingest, is only files that
// could not be read: nothing stopped the run (a database that is down).
func onlyFileErrors(err error) bool {
	errs := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	}
	for _, e := range errs {
		var fe *knowledge.FileError
		if !errors.As(e, &fe) {
			return false
		}
	}
	return true
}

// ExpectedOutcome is the one outcome a case expects when it expects an
// answer or "I don't know" and nothing else, else "": the cases the answer
// figures count, and those the offline answerer's weights learn from.
func ExpectedOutcome(e Expect) agent.Outcome {
	if len(e.Outcome) == 1 && (e.Outcome[0] == agent.OutcomeAnswered || e.Outcome[0] == agent.OutcomeUnknown) {
		return e.Outcome[0]
	}
	return ""
}

// turn plays one case's turn as production does, through package turn:
// what the product answers itself first (STOP gets nothing, an opt-out in
// plain words its confirmation, HELP its answer), then the agent on the
// history production would give it, then the active escalation rules,
// which replace the reply with the holding message when they hand off.
func (r *Runner) turn(ctx context.Context, c Case, responder agent.Responder, rules handoff.Rules, b agent.Business) (Observed, agent.Reply, error) {
	o := Observed{Ignore: []string{c.Contact.Name, b.Name}, Encoding: agent.EncodingGSM7}
	// The case's lead has not opted out: a START or YES is an answer, and
	// reaches the agent as production passes it.
	if s := turn.Screen(c.Lead, false, turn.Business{Name: b.Name, Phone: b.Phone}); s.Action != turn.Agent {
		o.Reply, o.Outcome = s.Reply, s.Outcome
		if s.Reply != "" {
			o.Segments, o.Encoding = agent.Segments(s.Reply)
			o.Evidence = businessEvidence(b)
		}
		return o, agent.Reply{}, nil
	}
	in := turn.Input{
		Channel: c.Channel,
		Lead:    agent.Lead{Name: c.Contact.Name, Source: c.Contact.Source, Stage: c.Contact.Stage, Notes: c.Contact.Notes},
		Text:    c.Lead,
	}
	for _, m := range c.History {
		in.History = append(in.History, turn.Message{From: m.From, Text: m.Text, Outcome: m.Outcome})
	}

	rec := &retrieved{}
	t, err := turn.Ask(withRetrieved(ctx, rec), responder, in, r.now)
	if err != nil {
		return o, agent.Reply{}, err
	}
	decision, err := t.Escalate(rules, func(d handoff.Decision) (string, error) {
		return holdingMessage(d.Reason, c.Contact.Name, b.Phone), nil
	})
	if err != nil {
		return o, t.Reply, err
	}
	reply := t.Reply

	o.Reply, o.Outcome = reply.Text, reply.Outcome
	o.Handoff, o.Reason = decision.Handoff, decision.Reason
	o.Segments, o.Encoding = agent.Segments(reply.Text)
	chunks := rec.results()
	o.Chunks = len(chunks)
	for _, ch := range chunks {
		o.Evidence = append(o.Evidence, strings.TrimSpace(ch.Title+"\n"+ch.Heading+"\n"+ch.Content))
	}
	o.Evidence = append(o.Evidence, businessEvidence(b)...)
	o.Evidence = append(o.Evidence, c.Lead)
	for _, m := range c.History {
		if m.From == agent.FromLead {
			o.Evidence = append(o.Evidence, m.Text)
		}
	}
	return o, reply, nil
}

// holdingMessage is the lead's message on a handoff. Production says when
// a person will follow up from the reps on duty at that moment; an eval
// must not depend on the hour it runs, so it is always the wording for
// nobody on duty and no known opening ("as soon as they can").
func holdingMessage(reason, name, phone string) string {
	return handoff.HoldingMessage(handoff.Holding{Reason: reason, Name: name, Phone: phone})
}

func businessEvidence(b agent.Business) []string {
	var out []string
	for _, s := range []string{b.Name, b.Phone, b.Hours, b.ServiceArea} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// capturingRetriever searches a suite's namespace and records, per turn,
// what it returned: the chunks the grounded check compares the reply to.
type capturingRetriever struct {
	base *knowledge.Base
	ns   string
}

func (c capturingRetriever) Search(ctx context.Context, query string, k int) ([]knowledge.Result, error) {
	res, err := c.base.Search(ctx, query, knowledge.SearchOptions{K: k, Namespace: c.ns})
	if rec, ok := ctx.Value(retrievedKey{}).(*retrieved); ok && err == nil {
		rec.add(res)
	}
	return res, err
}

// TermCounts counts words in the suite's namespace, as production counts
// them in the business's.
func (c capturingRetriever) TermCounts(ctx context.Context, words []string) (map[string]int, int, error) {
	return c.base.TermCounts(ctx, c.ns, words)
}

// retrieved collects the chunks one turn's searches returned.
type retrieved struct {
	mu   sync.Mutex
	seen map[int64]bool
	list []knowledge.Result
}

type retrievedKey struct{}

func withRetrieved(ctx context.Context, r *retrieved) context.Context {
	return context.WithValue(ctx, retrievedKey{}, r)
}

func (r *retrieved) add(res []knowledge.Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[int64]bool{}
	}
	for _, x := range res {
		if !r.seen[x.ChunkID] {
			r.seen[x.ChunkID] = true
			r.list = append(r.list, x)
		}
	}
}

func (r *retrieved) results() []knowledge.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.list
}
