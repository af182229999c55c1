package evals

// A run started from the console is played by a River job rather than in
// the request: QueueRun records it (state running, cases total from the
// suite) and enqueues RunArgs; Worker plays it into that same row, case by
// case, so the console's progress bar reads cases_done as it grows.
//
// The package imports River for the job's types only (RunArgs, Worker);
// the client, its queues and Enqueue belong to inbox, wired by cmd.
//
// An eval run is not resumed. RunArgs allows one attempt: a second would
// replay every case on the model (and pay for it again), and River's
// rescuer would start it while a slow first attempt may still be going.
// A run whose worker stops (a deploy cancels the job's context) is
// recorded failed, "interrupted"; one whose process died without a word
// stays running until InterruptStaleRuns, which the console calls when it
// lists runs or shows one, marks it failed after StaleAfter. The admin
// starts it again.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/knowledge"
	"github.com/leadagent/leadagent/prompts"
)

const (
	// RunTimeout bounds one queued run: the job's context ends then, and
	// the run is recorded failed.
	RunTimeout = 50 * time.Minute
	// StaleAfter is how long a run may stay running before
	// InterruptStaleRuns takes it for dead. It is longer than RunTimeout,
	// so a run that is still going is never marked.
	StaleAfter = time.Hour
)

// BuildRunner builds the runner for one run from the caller's
// configuration: prompt is a stored version of the sms prompt ("sms@v3",
// "v3", "default") or "" for the active one. cmd/leadagent builds it the
// way `leadagent eval run` does.
type BuildRunner func(ctx context.Context, prompt string) (*Runner, error)

// RunArgs is the River job that plays one recorded run.
type RunArgs struct {
	RunID int64 `json:"run_id"`
	// Suite is the suite file's path, as the worker's process reads it.
	Suite string `json:"suite"`
	// Prompt is the version the run was recorded with ("" for a responder
	// without one), so the worker runs what the record says even if an
	// admin activates another version meanwhile.
	Prompt string `json:"prompt"`
}

// Kind is the job's kind in river_job.
func (RunArgs) Kind() string { return "eval_run" }

// InsertOpts: one attempt (see the top of this file), and one job per run.
func (RunArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// QueueRun records a run of the suite file at path as running and
// enqueues the job that plays it (enqueue is inbox's Enqueue). An invalid
// suite (IsSuiteError) or an unknown prompt version (prompts.ErrNotFound,
// prompts.ErrInvalid) records nothing. The run and its job are not one
// transaction: when the job cannot be queued the run is recorded failed.
func QueueRun(ctx context.Context, db DB, path, prompt string, build BuildRunner,
	enqueue func(context.Context, river.JobArgs) error) (Run, error) {
	s, err := Load(path)
	if err != nil {
		return Run{}, err
	}
	r, err := build(ctx, prompt)
	if err != nil {
		return Run{}, err
	}
	ns, err := Namespace(s)
	if err != nil {
		return Run{}, err
	}
	rules, err := handoff.ActiveRules(ctx, db)
	if err != nil {
		return Run{}, fmt.Errorf("queue eval run of %s: %w", s.Name, err)
	}
	info := RunInfo{Suite: s.Name, File: s.File, Provider: r.Provider, Model: r.Model, PromptVersion: r.PromptVersion,
		RulesVersion: rules.Version, Namespace: ns, CasesTotal: len(s.Cases)}
	if r.Judge != nil {
		info.JudgeModel = r.Judge.Model()
	}
	run, err := StartRun(ctx, db, info)
	if err != nil {
		return Run{}, err
	}
	args := RunArgs{RunID: run.ID, Suite: path}
	// A responder without a prompt reports a PromptVersion that is no
	// version ("offline"); only a real one is pinned.
	if _, _, err := prompts.ParseRef(r.PromptVersion); err == nil {
		args.Prompt = r.PromptVersion
	}
	if err := enqueue(ctx, args); err != nil {
		err = fmt.Errorf("queue eval run %d: %w", run.ID, err)
		if ferr := FailRun(context.WithoutCancel(ctx), db, run.ID, err); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return Run{}, err
	}
	return run, nil
}

// InterruptStaleRuns records as failed ("interrupted") every run still
// running StaleAfter after it started: its worker died, or none took its
// job up. It returns how many it marked.
func InterruptStaleRuns(ctx context.Context, db DB, now time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `UPDATE eval_runs SET state = 'failed', finished_at = $2, error = $3
		WHERE state = 'running' AND started_at < $1`, now.Add(-StaleAfter), now,
		fmt.Sprintf("interrupted: still running after %s; the worker stopped before it finished", StaleAfter))
	if err != nil {
		return 0, fmt.Errorf("interrupt stale eval runs: %w", err)
	}
	return tag.RowsAffected(), nil
}

// Worker plays queued runs (RunArgs).
type Worker struct {
	river.WorkerDefaults[RunArgs]
	db     DB
	build  BuildRunner
	logger *slog.Logger
}

// NewWorker returns the worker of RunArgs jobs: db holds the run records,
// build makes each run's runner.
func NewWorker(db DB, build BuildRunner, logger *slog.Logger) *Worker {
	if logger == nil {
		logger = slog.Default()
	}
	return &Worker{db: db, build: build, logger: logger}
}

// Timeout replaces the client's short job timeout: a run on a model takes
// minutes.
func (w *Worker) Timeout(*river.Job[RunArgs]) time.Duration { return RunTimeout }

// errNotRunning is a run that is no longer waiting for its worker.
var errNotRunning = errors.New("not running")

// Work plays the run and records how it ended: done with its report, or
// failed with why. A run that is not waiting to be played (interrupted
// meanwhile, or already played) is left as it is.
func (w *Worker) Work(ctx context.Context, job *river.Job[RunArgs]) error {
	a := job.Args
	err := w.play(ctx, a)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errNotRunning):
		w.logger.Info("eval run not played: it is no longer waiting", "run", a.RunID, "why", err)
		return nil
	}
	cause := err
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		cause = fmt.Errorf("stopped after %s, the longest a run may take: %w", RunTimeout, err)
	case ctx.Err() != nil:
		cause = fmt.Errorf("interrupted: the worker stopped before the run finished (%w)", err)
	}
	if ferr := FailRun(context.WithoutCancel(ctx), w.db, a.RunID, cause); ferr != nil {
		err = errors.Join(err, ferr)
	}
	return fmt.Errorf("eval run %d: %w", a.RunID, err)
}

func (w *Worker) play(ctx context.Context, a RunArgs) error {
	// Looked at first so that a job for a run that ended meanwhile fails
	// nothing: FailRun would overwrite how it ended.
	var state string
	var done int
	if err := w.db.QueryRow(ctx, `SELECT state, cases_done FROM eval_runs WHERE id = $1`, a.RunID).Scan(&state, &done); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("eval run %d: %w", a.RunID, errNotRunning)
		}
		return fmt.Errorf("eval run %d: %w", a.RunID, err)
	}
	if state != StateRunning || done > 0 {
		return fmt.Errorf("eval run %d is %s with %d case(s) played: %w", a.RunID, state, done, errNotRunning)
	}
	s, err := Load(a.Suite)
	if err != nil {
		return err
	}
	r, err := w.build(ctx, a.Prompt)
	if err != nil {
		return err
	}
	rep, err := r.runInto(ctx, s, a.RunID)
	if err != nil {
		return err
	}
	w.logger.Info("eval run done", "run", a.RunID, "suite", rep.Suite, "passed", rep.Summary.Passed, "cases", rep.Summary.Cases)
	return nil
}

// runInto is Run into a run already recorded: it claims the row (still
// running, no case played yet), records what actually runs (the rules and
// the prompt in force now may differ from when the run was queued), and
// then goes as Run does. Keep the two in step.
func (r *Runner) runInto(ctx context.Context, s *Suite, runID int64) (*Report, error) {
	if r.DB == nil || r.Knowledge == nil || r.Agent == nil {
		return nil, errors.New("eval runner: DB, Knowledge and Agent are required")
	}
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
	if err := claimRun(ctx, r.DB, runID, RunInfo{Suite: s.Name, File: s.File, Provider: r.Provider, Model: r.Model,
		PromptVersion: r.PromptVersion, RulesVersion: rules.Version, JudgeModel: report.JudgeModel,
		Namespace: ns, CasesTotal: len(s.Cases), StartedAt: started}); err != nil {
		return nil, err
	}

	paths, err := s.KnowledgePaths()
	if err != nil {
		return nil, err
	}
	if len(paths) > 0 {
		if _, err := r.Knowledge.Ingest(ctx, paths, knowledge.IngestOptions{Namespace: ns}); err != nil {
			return nil, fmt.Errorf("suite %s: knowledge: %w", s.Name, err)
		}
	}
	responder, err := r.Agent(capturingRetriever{base: r.Knowledge, ns: ns})
	if err != nil {
		return nil, fmt.Errorf("suite %s: agent: %w", s.Name, err)
	}
	results, err := r.play(ctx, s, responder, rules.Rules, runID)
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

// claimRun takes a queued run for this worker, recording what it runs.
func claimRun(ctx context.Context, db DB, runID int64, info RunInfo) error {
	tag, err := db.Exec(ctx, `UPDATE eval_runs SET suite = $2, file = $3, provider = $4, model = $5, prompt_version = $6,
			rules_version = $7, judge_model = $8, namespace = $9, cases_total = $10, started_at = $11
		WHERE id = $1 AND state = 'running' AND cases_done = 0`,
		runID, info.Suite, info.File, info.Provider, info.Model, info.PromptVersion, info.RulesVersion, info.JudgeModel,
		info.Namespace, info.CasesTotal, info.StartedAt)
	if err != nil {
		return fmt.Errorf("claim eval run %d: %w", runID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("claim eval run %d: %w", runID, errNotRunning)
	}
	return nil
}

// Classes orders the confusion matrix's rows (the expected classes) and
// columns (what the turns did) as the Markdown report does: none first,
// then the reasons in their usual order.
func (h HandoffStats) Classes() (rows, cols []string) {
	return classes(h.Confusion, true), classes(h.Confusion, false)
}
