package evals_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/leadagent/leadagent/evals"
)

// queue captures the jobs QueueRun enqueues, as inbox.Enqueue would
// insert them.
type queue struct {
	jobs []evals.RunArgs
	err  error
}

func (q *queue) enqueue(_ context.Context, args river.JobArgs) error {
	if q.err != nil {
		return q.err
	}
	q.jobs = append(q.jobs, args.(evals.RunArgs))
	return nil
}

// builder returns runners like b's, recording the prompts it was asked for.
func (b *testBundle) builder(prompts *[]string) evals.BuildRunner {
	return func(_ context.Context, prompt string) (*evals.Runner, error) {
		*prompts = append(*prompts, prompt)
		r := *b.runner
		return &r, nil
	}
}

func work(t *testing.T, w *evals.Worker, args evals.RunArgs) error {
	t.Helper()
	return w.Work(context.Background(), &river.Job[evals.RunArgs]{JobRow: &rivertype.JobRow{ID: 1, Kind: args.Kind()}, Args: args})
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestRunArgs(t *testing.T) {
	t.Parallel()
	opts := evals.RunArgs{}.InsertOpts()
	if (evals.RunArgs{}).Kind() != "eval_run" || opts.MaxAttempts != 1 || !opts.UniqueOpts.ByArgs {
		t.Errorf("kind %q, opts %+v", evals.RunArgs{}.Kind(), opts)
	}
	w := evals.NewWorker(nil, nil, nil)
	if d := w.Timeout(nil); d != evals.RunTimeout || d >= evals.StaleAfter {
		t.Errorf("timeout %s: want RunTimeout, below StaleAfter %s", d, evals.StaleAfter)
	}
}

// TestWorkerPlaysAQueuedRun queues a run as the console does and works
// its job: the one row it recorded ends done, with every case and the
// report.
func TestWorkerPlaysAQueuedRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	var asked []string
	q := &queue{}
	run, err := evals.QueueRun(ctx, b.db, "testdata/basics.yaml", "", b.builder(&asked), q.enqueue)
	if err != nil {
		t.Fatal(err)
	}
	if run.State != evals.StateRunning || run.CasesTotal != 11 || run.CasesDone != 0 || run.Suite != "after-hours-basics" ||
		run.Provider != "offline" || run.PromptVersion != "offline" || !strings.HasPrefix(run.Namespace, "eval:after-hours-basics:") {
		t.Fatalf("queued run %+v", run)
	}
	// The offline responder has no prompt version to pin.
	if len(q.jobs) != 1 || q.jobs[0] != (evals.RunArgs{RunID: run.ID, Suite: "testdata/basics.yaml"}) {
		t.Fatalf("jobs %+v", q.jobs)
	}

	if err := work(t, evals.NewWorker(b.db, b.builder(&asked), quiet()), q.jobs[0]); err != nil {
		t.Fatal(err)
	}
	got, err := evals.GetRun(ctx, b.db, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != evals.StateDone || got.CasesDone != 11 || got.FinishedAt == nil || got.Report == nil || got.Summary == nil ||
		got.Summary.Passed != 11 || len(got.Report.Cases) != 11 || got.Report.RunID != run.ID || got.Error != "" {
		t.Fatalf("run after its job: %+v", got)
	}
	if runs, err := evals.ListRuns(ctx, b.db, "", 0); err != nil || len(runs) != 1 {
		t.Fatalf("runs %+v %v: the job must play the queued row, not record another", runs, err)
	}
	if len(asked) != 2 || asked[0] != "" || asked[1] != "" {
		t.Errorf("runners built for prompts %q", asked)
	}

	// The job again (a duplicate): the run is not played twice.
	if err := work(t, evals.NewWorker(b.db, b.builder(&asked), quiet()), q.jobs[0]); err != nil {
		t.Fatal(err)
	}
	if again, _ := evals.GetRun(ctx, b.db, run.ID); again.State != evals.StateDone || !again.FinishedAt.Equal(*got.FinishedAt) {
		t.Errorf("replayed run %+v", again)
	}
	if len(asked) != 2 {
		t.Errorf("a runner was built for a run that is done")
	}
}

// TestWorkerPinsThePrompt runs the version the run was recorded with.
func TestWorkerPinsThePrompt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	var asked []string
	build := func(ctx context.Context, prompt string) (*evals.Runner, error) {
		asked = append(asked, prompt)
		r := *b.runner
		r.Provider, r.Model, r.PromptVersion = "openai", "gpt-4o-mini", "sms@v3" // what "" resolved to
		return &r, nil
	}
	q := &queue{}
	run, err := evals.QueueRun(ctx, b.db, "testdata/failing.yaml", "", build, q.enqueue)
	if err != nil {
		t.Fatal(err)
	}
	if run.PromptVersion != "sms@v3" || run.Model != "gpt-4o-mini" || len(q.jobs) != 1 || q.jobs[0].Prompt != "sms@v3" {
		t.Fatalf("run %+v, jobs %+v", run, q.jobs)
	}
	if err := work(t, evals.NewWorker(b.db, build, quiet()), q.jobs[0]); err != nil {
		t.Fatal(err)
	}
	got, err := evals.GetRun(ctx, b.db, run.ID)
	if err != nil || got.State != evals.StateDone || got.Summary.Failed != 2 || got.Report.PromptVersion != "sms@v3" {
		t.Fatalf("run %+v %v", got, err)
	}
	if len(asked) != 2 || asked[1] != "sms@v3" {
		t.Errorf("runners built for %q", asked)
	}
}

func TestWorkerRecordsFailures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	var asked []string

	// An invalid suite or an unknown prompt records nothing.
	q := &queue{}
	if _, err := evals.QueueRun(ctx, b.db, "testdata/invalid.yaml", "", b.builder(&asked), q.enqueue); !evals.IsSuiteError(err) {
		t.Errorf("invalid suite: %v", err)
	}
	noPrompt := errors.New("no such prompt version")
	refuse := func(context.Context, string) (*evals.Runner, error) { return nil, noPrompt }
	if _, err := evals.QueueRun(ctx, b.db, "testdata/basics.yaml", "v9", refuse, q.enqueue); !errors.Is(err, noPrompt) {
		t.Errorf("unknown prompt: %v", err)
	}
	if runs, _ := evals.ListRuns(ctx, b.db, "", 0); len(runs) != 0 || len(q.jobs) != 0 {
		t.Fatalf("recorded %+v, queued %+v", runs, q.jobs)
	}

	// A job that cannot be queued leaves its run failed, not running.
	down := &queue{err: errors.New("river is down")}
	if _, err := evals.QueueRun(ctx, b.db, "testdata/basics.yaml", "", b.builder(&asked), down.enqueue); err == nil {
		t.Error("queued without a queue")
	}
	runs, _ := evals.ListRuns(ctx, b.db, "", 0)
	if len(runs) != 1 || runs[0].State != evals.StateFailed || !strings.Contains(runs[0].Error, "river is down") {
		t.Fatalf("unqueued run %+v", runs)
	}

	// The suite file gone by the time the job runs: the run fails, saying so.
	dir := t.TempDir()
	path := filepath.Join(dir, "gone.yaml")
	data, err := os.ReadFile("testdata/failing.yaml")
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := filepath.Abs("testdata/kb")
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), "[kb/]", "["+kb+"]", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	run, err := evals.QueueRun(ctx, b.db, path, "", b.builder(&asked), q.enqueue)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := work(t, evals.NewWorker(b.db, b.builder(&asked), quiet()), q.jobs[0]); err == nil {
		t.Error("the job succeeded without its suite")
	}
	if got, _ := evals.GetRun(ctx, b.db, run.ID); got.State != evals.StateFailed || !strings.Contains(got.Error, "gone.yaml") {
		t.Errorf("run without its suite %+v", got)
	}

	// The runner cannot be built when the job runs.
	run, err = evals.QueueRun(ctx, b.db, "testdata/failing.yaml", "", b.builder(&asked), q.enqueue)
	if err != nil {
		t.Fatal(err)
	}
	if err := work(t, evals.NewWorker(b.db, refuse, quiet()), q.jobs[1]); !errors.Is(err, noPrompt) {
		t.Errorf("job: %v", err)
	}
	if got, _ := evals.GetRun(ctx, b.db, run.ID); got.State != evals.StateFailed || got.Error != noPrompt.Error() {
		t.Errorf("run without a runner %+v", got)
	}
}

// TestWorkerInterrupted: a worker that stops mid-run records why; a run
// whose worker died is marked once it is stale.
func TestWorkerInterrupted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	var asked []string
	q := &queue{}
	run, err := evals.QueueRun(ctx, b.db, "testdata/basics.yaml", "", b.builder(&asked), q.enqueue)
	if err != nil {
		t.Fatal(err)
	}
	stopping, stop := context.WithCancel(ctx)
	build := func(ctx context.Context, prompt string) (*evals.Runner, error) {
		r := *b.runner
		r.Progress = func(done, total int) {
			if done == 3 {
				stop() // the server shuts down
			}
		}
		return &r, nil
	}
	err = evals.NewWorker(b.db, build, quiet()).Work(stopping, &river.Job[evals.RunArgs]{JobRow: &rivertype.JobRow{ID: 2}, Args: q.jobs[0]})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("job: %v", err)
	}
	got, _ := evals.GetRun(ctx, b.db, run.ID)
	if got.State != evals.StateFailed || !strings.HasPrefix(got.Error, "interrupted") || got.CasesDone < 3 || got.Report != nil {
		t.Errorf("stopped run %+v", got)
	}

	// One taken for dead while its worker still plays it: the worker
	// leaves it failed, and its job ends without an error.
	run, err = evals.QueueRun(ctx, b.db, "testdata/basics.yaml", "", b.builder(&asked), q.enqueue)
	if err != nil {
		t.Fatal(err)
	}
	build = func(ctx context.Context, prompt string) (*evals.Runner, error) {
		r := *b.runner
		r.Progress = func(done, total int) {
			if done == 3 {
				if n, err := evals.InterruptStaleRuns(ctx, b.db, time.Now().Add(2*evals.StaleAfter)); err != nil || n != 1 {
					t.Errorf("interrupted %d %v", n, err)
				}
			}
		}
		return &r, nil
	}
	if err := work(t, evals.NewWorker(b.db, build, quiet()), q.jobs[1]); err != nil {
		t.Errorf("job of a run interrupted meanwhile: %v", err)
	}
	if got, _ := evals.GetRun(ctx, b.db, run.ID); got.State != evals.StateFailed || !strings.HasPrefix(got.Error, "interrupted") ||
		got.Report != nil || got.Summary != nil {
		t.Errorf("run interrupted while it played %+v", got)
	}

	// One left running by a worker that died: marked after StaleAfter, not before.
	now := time.Now()
	dead, err := evals.StartRun(ctx, b.db, evals.RunInfo{Suite: "basics", Provider: "offline", StartedAt: now.Add(-evals.StaleAfter - time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	alive, err := evals.StartRun(ctx, b.db, evals.RunInfo{Suite: "basics", Provider: "offline", StartedAt: now.Add(-evals.RunTimeout)})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := evals.InterruptStaleRuns(ctx, b.db, now); err != nil || n != 1 {
		t.Fatalf("interrupted %d %v", n, err)
	}
	if got, _ := evals.GetRun(ctx, b.db, dead.ID); got.State != evals.StateFailed || !strings.HasPrefix(got.Error, "interrupted") || got.FinishedAt == nil {
		t.Errorf("dead run %+v", got)
	}
	if got, _ := evals.GetRun(ctx, b.db, alive.ID); got.State != evals.StateRunning {
		t.Errorf("live run %+v", got)
	}
	// A job that comes late for a run marked meanwhile plays nothing.
	if err := work(t, evals.NewWorker(b.db, b.builder(&asked), quiet()), evals.RunArgs{RunID: dead.ID, Suite: "testdata/basics.yaml"}); err != nil {
		t.Errorf("late job: %v", err)
	}
	if got, _ := evals.GetRun(ctx, b.db, dead.ID); got.State != evals.StateFailed {
		t.Errorf("late job changed the run: %+v", got)
	}
}
