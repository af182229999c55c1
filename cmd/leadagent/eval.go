package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/evals"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/knowledge"
	"github.com/leadagent/leadagent/prompts"
)

const evalUsage = `usage: leadagent eval run SUITE.yaml... [--prompt VERSION] [--json FILE [--slim]] [--baseline FILE]
                          [--concurrency N] [--judge-model MODEL]

Runs each suite's cases through the agent the configuration names (LLM_PROVIDER),
with the active escalation rules, and prints a Markdown summary per suite.
Every run is recorded in the database (eval_runs).

  --prompt VERSION     run a stored prompt version (sms@v3, v3, default) instead of the active one (needs a model)
  --json FILE          write the report: one JSON object for one suite, an array for several ("-": stdout, no Markdown)
  --baseline FILE      compare with an earlier --json report
  --concurrency N      cases at once (default 1 offline, 4 with a model)
  --judge-model MODEL  judge model for the grounded and judge checks, on OPENAI_BASE_URL (default $JUDGE_MODEL)
  --slim               with --json, write only what a baseline needs: each case's id, outcome and result, and the summary

Exit status: 0 when every case passes, or with --baseline when the pass rate did not
drop below the baseline's and no case that passed there fails now; 1 otherwise;
2 when a suite (or the baseline) is invalid.

       leadagent eval totals REPORT.json...

Prints each report's pass rate, how often it said "I don't know" where a case
expects an answer, and answered where one expects "I don't know", and their sum.`

// evalCommand is runEval with its terminal, for tests.
type evalCommand struct {
	stderr io.Writer
	// terminal is true when stderr is a terminal: the progress bar shows.
	terminal bool
}

// runEval runs eval suites:
//
//	leadagent eval run SUITE.yaml... [--prompt VERSION] [--json FILE] [--baseline FILE] [--concurrency N]
func runEval(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	return evalCommand{stderr: os.Stderr, terminal: term.IsTerminal(int(os.Stderr.Fd()))}.run(ctx, cfg, args, stdout)
}

func (c evalCommand) run(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		return usageError{msg: evalUsage}
	}
	switch args[0] {
	case "run":
	case "intents":
		return runEvalIntents(ctx, cfg, args[1:], stdout)
	case "totals":
		return runEvalTotals(args[1:], stdout)
	default:
		return usageError{msg: fmt.Sprintf("unknown eval command %q\n%s", args[0], evalUsage)}
	}
	fs := flag.NewFlagSet("eval run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	promptRef := fs.String("prompt", "", "stored prompt version to run")
	jsonPath := fs.String("json", "", "write the JSON report to FILE")
	baselinePath := fs.String("baseline", "", "compare with an earlier --json report")
	concurrency := fs.Int("concurrency", 0, "cases at once")
	judgeModel := fs.String("judge-model", cfg.JudgeModel, "judge model")
	slim := fs.Bool("slim", false, "write only what a baseline needs to --json")
	files, err := parseFlagsAnywhere(fs, args[1:])
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageError{msg: "no suite file\n" + evalUsage}
	}
	if *concurrency < 0 || *concurrency > 64 {
		return usageError{msg: fmt.Sprintf("--concurrency %d: want 1 to 64", *concurrency)}
	}
	if *promptRef != "" && cfg.LLMProvider != "openai" {
		return usageError{msg: fmt.Sprintf("--prompt %s: %s", *promptRef, offlinePrompt)}
	}

	// Every suite is checked before anything runs: an invalid one is
	// exit 2 with all its problems, and nothing recorded.
	var suites []*evals.Suite
	var invalid []error
	for _, f := range files {
		s, err := evals.Load(f)
		if err != nil {
			invalid = append(invalid, err)
			continue
		}
		suites = append(suites, s)
	}
	if len(invalid) > 0 {
		return exitError{code: 2, err: errors.Join(invalid...)}
	}
	var baseline []*evals.Report
	if *baselinePath != "" {
		if baseline, err = evals.ReadReports(*baselinePath); err != nil {
			return exitError{code: 2, err: fmt.Errorf("--baseline %s: %w", *baselinePath, err)}
		}
	}

	pool, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	kb, err := newKnowledgeBase(cfg, pool)
	if err != nil {
		return err
	}
	runner, err := newEvalRunner(ctx, cfg, pool, kb, evalOptions{prompt: *promptRef, judgeModel: *judgeModel, concurrency: *concurrency})
	if errors.Is(err, prompts.ErrNotFound) || errors.Is(err, prompts.ErrInvalid) {
		return exitError{code: 2, err: fmt.Errorf("--prompt %s: %w", *promptRef, err)}
	}
	if err != nil {
		return err
	}

	markdown := stdout
	if *jsonPath == "-" {
		markdown = io.Discard
	}
	var reports []*evals.Report
	var failures []string
	for _, s := range suites {
		rep, err := c.runSuite(ctx, runner, s)
		if err != nil {
			return err
		}
		reports = append(reports, rep)
		var cmp *evals.Comparison
		if baseline != nil {
			if base := evalBaselineFor(baseline, rep.Suite); base != nil {
				x := evals.CompareReports(base, rep)
				cmp = &x
			}
		}
		if err := evals.WriteMarkdown(markdown, rep, cmp); err != nil {
			return err
		}
		if why := evalVerdict(rep, cmp, baseline != nil); why != "" {
			failures = append(failures, rep.Suite+": "+why)
		}
	}
	if *jsonPath != "" {
		out := reports
		if *slim {
			out = make([]*evals.Report, len(reports))
			for i, r := range reports {
				out[i] = r.Slim()
			}
		}
		if err := writeEvalReports(*jsonPath, stdout, out); err != nil {
			return err
		}
	}
	if len(failures) > 0 {
		return exitError{code: 1, err: errors.New(strings.Join(failures, "; "))}
	}
	return nil
}

// runSuite runs one suite, with a progress bar on a terminal.
func (c evalCommand) runSuite(ctx context.Context, runner *evals.Runner, s *evals.Suite) (*evals.Report, error) {
	r := *runner
	if c.terminal && c.stderr != nil {
		bar := progressbar.NewOptions(len(s.Cases),
			progressbar.OptionSetWriter(c.stderr),
			progressbar.OptionSetDescription(s.Name),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
		defer func() { _ = bar.Clear() }()
		r.Progress = func(done, total int) { _ = bar.Set(done) }
	}
	return r.Run(ctx, s)
}

// evalVerdict says why a suite fails the command ("" when it does not): with
// a baseline, a lower pass rate or a case that passed there and fails
// now; without one (or for a suite the baseline lacks), any failed case.
func evalVerdict(rep *evals.Report, cmp *evals.Comparison, haveBaseline bool) string {
	if cmp != nil {
		var why []string
		if cmp.PassRateDropped() {
			why = append(why, fmt.Sprintf("pass rate %.1f%% is below the baseline's %.1f%%", cmp.B.PassRate*100, cmp.A.PassRate*100))
		}
		if reg := cmp.Regressions(); len(reg) > 0 {
			ids := make([]string, len(reg))
			for i, ch := range reg {
				ids[i] = ch.ID
			}
			why = append(why, fmt.Sprintf("%d case(s) passed in the baseline and fail now (%s)", len(reg), strings.Join(ids, ", ")))
		}
		return strings.Join(why, "; ")
	}
	if rep.Summary.Failed == 0 {
		return ""
	}
	why := fmt.Sprintf("%d of %d cases failed", rep.Summary.Failed, rep.Summary.Cases)
	if haveBaseline {
		why += " (the baseline has no report of this suite)"
	}
	return why
}

func evalBaselineFor(reports []*evals.Report, suite string) *evals.Report {
	for _, r := range reports {
		if r.Suite == suite {
			return r
		}
	}
	return nil
}

func writeEvalReports(path string, stdout io.Writer, reports []*evals.Report) error {
	var buf bytes.Buffer
	if err := evals.WriteJSON(&buf, reports...); err != nil {
		return err
	}
	if path == "-" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--json: %w", err)
	}
	return nil
}

// evalOptions are what one run chooses besides the configuration.
type evalOptions struct {
	// prompt is a stored version of the sms prompt; "" is the active one.
	prompt string
	// judgeModel grades the grounded and judge checks; "" is none.
	judgeModel string
	// concurrency is cases at once; 0 is 1 offline, 4 with a model.
	concurrency int
}

// offlinePrompt is why a prompt version cannot run on the offline responder.
const offlinePrompt = "the offline agent uses no prompt; set LLM_PROVIDER=openai (and OPENAI_API_KEY) to run one"

// newEvalRunner builds the runner of an eval run from the configuration,
// for `leadagent eval run` and for the console's eval jobs alike: the
// responder serve builds (buildResponder) with the prompt version pinned,
// and the judge. An unknown or invalid prompt version is prompts.ErrNotFound
// or prompts.ErrInvalid.
func newEvalRunner(ctx context.Context, cfg Config, pool *pgxpool.Pool, kb *knowledge.Base, o evalOptions) (*evals.Runner, error) {
	model := usesModel(cfg)
	if o.prompt != "" && !model {
		return nil, fmt.Errorf("prompt %s: %w: %s", o.prompt, prompts.ErrInvalid, offlinePrompt)
	}
	if o.concurrency == 0 {
		o.concurrency = 1
		if model {
			o.concurrency = 4
		}
	}
	runner := &evals.Runner{DB: pool, Knowledge: kb, Business: agentBusiness(cfg), Concurrency: o.concurrency,
		Provider: "offline", Model: "offline", PromptVersion: "offline"}
	if model {
		// Pin the version now, so every suite of the run uses the same one
		// even if an admin activates another meanwhile.
		prompt, err := evals.Prompt(ctx, pool, o.prompt, promptsVars(cfg))
		if err != nil {
			return nil, err
		}
		runner.Provider, runner.Model, runner.PromptVersion = "openai", cfg.LLMModel, prompt.Version
		if runner.Model == "" {
			runner.Model = agent.DefaultLLMModel
		}
	}
	runner.Agent = func(ctx context.Context, r agent.Retriever, b agent.Business) (agent.Responder, error) {
		// The suite's business, when it has one, replaces the configured
		// one everywhere the agent speaks of the business.
		c := cfg
		c.BusinessName, c.BusinessPhone, c.BusinessHours, c.BusinessServiceArea = b.Name, b.Phone, b.Hours, b.ServiceArea
		var source agent.PromptSource
		if model {
			prompt, err := evals.Prompt(ctx, pool, runner.PromptVersion, promptsVars(c))
			if err != nil {
				return nil, err
			}
			source = evals.FixedPrompt(prompt)
		}
		// Fallbacks are in the report (each case's path); a log line
		// would only break the progress bar.
		return buildResponder(c, source, r, slog.New(slog.DiscardHandler))
	}
	if m := strings.TrimSpace(o.judgeModel); m != "" {
		judge, err := evals.NewJudge(evals.JudgeConfig{BaseURL: cfg.OpenAIBaseURL, APIKey: cfg.OpenAIAPIKey.Reveal(), Model: m})
		if err != nil {
			return nil, err
		}
		runner.Judge = judge
	}
	return runner, nil
}

// consoleEvalRunners builds the runners of the console's eval jobs: the
// CLI's, with the configured judge model and the default concurrency.
func consoleEvalRunners(cfg Config, pool *pgxpool.Pool, kb *knowledge.Base) evals.BuildRunner {
	return func(ctx context.Context, prompt string) (*evals.Runner, error) {
		return newEvalRunner(ctx, cfg, pool, kb, evalOptions{prompt: prompt, judgeModel: cfg.JudgeModel})
	}
}

// consoleEvalWorkers adds the worker of the console's eval runs to the
// inbox's River client.
func consoleEvalWorkers(pool *pgxpool.Pool, build evals.BuildRunner, logger *slog.Logger) func(*river.Workers) {
	return func(w *river.Workers) { river.AddWorker(w, evals.NewWorker(pool, build, logger)) }
}

// consoleStartEval is the console's StartEval: it records a run of the
// suite file at path and queues its job on the inbox's River client.
func consoleStartEval(pool *pgxpool.Pool, build evals.BuildRunner, ib *inbox.Inbox) func(ctx context.Context, path, prompt string) (int64, error) {
	return func(ctx context.Context, path, prompt string) (int64, error) {
		run, err := evals.QueueRun(ctx, pool, path, prompt, build, ib.Enqueue)
		return run.ID, err
	}
}
