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

	"github.com/riverqueue/river"

	"github.com/leadagent/leadagent/handoff"
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

// Work plays the run and records how it ended: done with its report, or
// failed with why. A run that is not waiting to be played (interrupted
// meanwhile, or already played), or that ends while it plays, is left as
// it is.
func (w *Worker) Work(ctx context.Context, job *river.Job[RunArgs]) error {
	a := job.Args
	err := w.play(ctx, a)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errNotRunning):
		w.logger.Info("eval run left as it is: it is no longer running", "run", a.RunID, "why", err)
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
	// Claimed first, so that a job for a run that ended meanwhile (or a
	// duplicate of one played) builds nothing and records nothing.
	if err := claimRun(ctx, w.db, a.RunID); err != nil {
		return err
	}
	s, err := Load(a.Suite)
	if err != nil {
		return err
	}
	r, err := w.build(ctx, a.Prompt)
	if err != nil {
		return err
	}
	if err := r.ready(); err != nil {
		return err
	}
	rep, err := r.runInto(ctx, s, a.RunID)
	if err != nil {
		return err
	}
	w.logger.Info("eval run done", "run", a.RunID, "suite", rep.Suite, "passed", rep.Summary.Passed, "cases", rep.Summary.Cases)
	return nil
}

// claimRun takes a queued run for this worker: one still running with no
// case played. Its clock starts now (InterruptStaleRuns reads it), not
// when it was queued.
func claimRun(ctx context.Context, db DB, runID int64) error {
	tag, err := db.Exec(ctx, `UPDATE eval_runs SET started_at = now()
		WHERE id = $1 AND state = 'running' AND cases_done = 0`, runID)
	if err != nil {
		return fmt.Errorf("claim eval run %d: %w", runID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("claim eval run %d: %w", runID, errNotRunning)
	}
	return nil
}
