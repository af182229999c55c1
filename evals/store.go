package evals

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/leadagent/leadagent/internal/errkind"
)

// DB is what evals needs of PostgreSQL: a *pgxpool.Pool or a pgx.Tx.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ErrNotFound is returned for a run that does not exist.
var ErrNotFound = errkind.NotFound

// errNotRunning is a write to a run that is not running: it ended
// (done, failed, interrupted) before the write, or there is none. The
// write changed nothing, so how the run ended stands.
var errNotRunning = errors.New("not running")

// Run states.
const (
	StateRunning = "running"
	StateDone    = "done"
	StateFailed  = "failed"
)

// RunInfo is what a run is, before it runs.
type RunInfo struct {
	Suite, File                    string
	Provider, Model, PromptVersion string
	RulesVersion                   int
	JudgeModel                     string
	Namespace                      string
	CasesTotal                     int
	StartedAt                      time.Time // zero is now
}

// Run is one recorded run of one suite.
type Run struct {
	ID            int64      `json:"id"`
	Suite         string     `json:"suite"`
	File          string     `json:"file"`
	Provider      string     `json:"provider"`
	Model         string     `json:"model"`
	PromptVersion string     `json:"prompt_version"`
	RulesVersion  int        `json:"rules_version"`
	JudgeModel    string     `json:"judge_model"`
	Namespace     string     `json:"namespace"`
	State         string     `json:"state"` // running, done or failed
	Error         string     `json:"error,omitempty"`
	CasesTotal    int        `json:"cases_total"`
	CasesDone     int        `json:"cases_done"`
	StartedAt     time.Time  `json:"started_at"`
	FinishedAt    *time.Time `json:"finished_at"`
	// Summary is set once the run is done.
	Summary *Summary `json:"summary,omitempty"`
	// Report is the whole report; GetRun fills it in, ListRuns does not.
	Report *Report `json:"report,omitempty"`
}

// StartRun records a run as running.
func StartRun(ctx context.Context, db DB, info RunInfo) (Run, error) {
	if info.StartedAt.IsZero() {
		info.StartedAt = time.Now()
	}
	run, err := scanRun(db.QueryRow(ctx, `
		INSERT INTO eval_runs (suite, file, provider, model, prompt_version, rules_version, judge_model, namespace,
			cases_total, started_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		RETURNING `+runColumns, info.Suite, info.File, info.Provider, info.Model, info.PromptVersion, info.RulesVersion,
		info.JudgeModel, info.Namespace, info.CasesTotal, info.StartedAt), false)
	if err != nil {
		return Run{}, fmt.Errorf("start eval run of %s: %w", info.Suite, err)
	}
	return run, nil
}

// recordRunInfo records what a run that is still running actually runs.
func recordRunInfo(ctx context.Context, db DB, runID int64, info RunInfo) error {
	tag, err := db.Exec(ctx, `UPDATE eval_runs SET suite = $2, file = $3, provider = $4, model = $5, prompt_version = $6,
			rules_version = $7, judge_model = $8, namespace = $9, cases_total = $10, started_at = $11
		WHERE id = $1 AND state = 'running'`,
		runID, info.Suite, info.File, info.Provider, info.Model, info.PromptVersion, info.RulesVersion, info.JudgeModel,
		info.Namespace, info.CasesTotal, info.StartedAt)
	if err != nil {
		return fmt.Errorf("record eval run %d: %w", runID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("record eval run %d: %w", runID, errNotRunning)
	}
	return nil
}

// RecordCase stores one case's result and counts it done, so that a
// console can follow a run while it goes. Recording a case twice replaces
// it and counts it once.
func RecordCase(ctx context.Context, db DB, runID int64, position int, c CaseResult) error {
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("record eval case %s: %w", c.ID, err)
	}
	_, err = db.Exec(ctx, `
		WITH c AS (
			INSERT INTO eval_cases (run_id, case_id, position, passed, outcome, handoff_reason, reply, latency_ms, result)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (run_id, case_id) DO UPDATE SET position = EXCLUDED.position, passed = EXCLUDED.passed,
				outcome = EXCLUDED.outcome, handoff_reason = EXCLUDED.handoff_reason, reply = EXCLUDED.reply,
				latency_ms = EXCLUDED.latency_ms, result = EXCLUDED.result
			RETURNING (xmax = 0) AS inserted
		)
		UPDATE eval_runs SET cases_done = cases_done + (SELECT count(*) FROM c WHERE inserted)
		WHERE id = $1`,
		runID, c.ID, position, c.Passed, string(c.Outcome), c.Handoff.Reason, c.Reply, c.LatencyMS, body)
	if err != nil {
		return fmt.Errorf("record eval case %s of run %d: %w", c.ID, runID, err)
	}
	return nil
}

// FinishRun records a run as done, with its summary and whole report. A
// run that is not running (it ended meanwhile, or there is none) is left
// as it is, and FinishRun says so.
func FinishRun(ctx context.Context, db DB, runID int64, r *Report) error {
	summary, err := json.Marshal(r.Summary)
	if err != nil {
		return fmt.Errorf("finish eval run %d: %w", runID, err)
	}
	report, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("finish eval run %d: %w", runID, err)
	}
	finished := r.FinishedAt
	if finished.IsZero() {
		finished = time.Now()
	}
	tag, err := db.Exec(ctx, `UPDATE eval_runs SET state = 'done', finished_at = $2, cases_done = $3,
		summary = $4, report = $5, error = '' WHERE id = $1 AND state = 'running'`, runID, finished, len(r.Cases), summary, report)
	if err != nil {
		return fmt.Errorf("finish eval run %d: %w", runID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("finish eval run %d: %w", runID, errNotRunning)
	}
	return nil
}

// FailRun records that a run stopped, and why. A run that is not running
// (it ended meanwhile, or there is none) is left as it is: how it ended
// stands, and FailRun says so.
func FailRun(ctx context.Context, db DB, runID int64, cause error) error {
	msg := "failed"
	if cause != nil {
		msg = cause.Error()
	}
	tag, err := db.Exec(ctx, `UPDATE eval_runs SET state = 'failed', finished_at = now(), error = $2
		WHERE id = $1 AND state = 'running'`, runID, msg)
	if err != nil {
		return fmt.Errorf("fail eval run %d: %w", runID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("fail eval run %d: %w", runID, errNotRunning)
	}
	return nil
}

const runColumns = `id, suite, file, provider, model, prompt_version, rules_version, judge_model, namespace, state, error,
	cases_total, cases_done, started_at, finished_at, summary`

func scanRun(row pgx.Row, withReport bool) (Run, error) {
	var r Run
	var summary, report []byte
	dest := []any{&r.ID, &r.Suite, &r.File, &r.Provider, &r.Model, &r.PromptVersion, &r.RulesVersion, &r.JudgeModel,
		&r.Namespace, &r.State, &r.Error, &r.CasesTotal, &r.CasesDone, &r.StartedAt, &r.FinishedAt, &summary}
	if withReport {
		dest = append(dest, &report)
	}
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return r, ErrNotFound
		}
		return r, err
	}
	if summary != nil {
		r.Summary = &Summary{}
		if err := json.Unmarshal(summary, r.Summary); err != nil {
			return r, fmt.Errorf("eval run %d: summary: %w", r.ID, err)
		}
	}
	if report != nil {
		r.Report = &Report{}
		if err := json.Unmarshal(report, r.Report); err != nil {
			return r, fmt.Errorf("eval run %d: report: %w", r.ID, err)
		}
	}
	return r, nil
}

// GetRun returns one run with its report (nil until it is done).
func GetRun(ctx context.Context, db DB, id int64) (Run, error) {
	r, err := scanRun(db.QueryRow(ctx, `SELECT `+runColumns+`, report FROM eval_runs WHERE id = $1`, id), true)
	if err != nil {
		return Run{}, fmt.Errorf("eval run %d: %w", id, err)
	}
	return r, nil
}

// ListRuns returns runs newest first, without their reports: of one suite,
// or of every suite when suite is "". limit <= 0 is 50.
func ListRuns(ctx context.Context, db DB, suite string, limit int) ([]Run, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := db.Query(ctx, `SELECT `+runColumns+` FROM eval_runs
		WHERE $1 = '' OR suite = $1 ORDER BY started_at DESC, id DESC LIMIT $2`, suite, limit)
	if err != nil {
		return nil, fmt.Errorf("list eval runs: %w", err)
	}
	runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Run, error) { return scanRun(row, false) })
	if err != nil {
		return nil, fmt.Errorf("list eval runs: %w", err)
	}
	return runs, nil
}

// Change is how one case went from one run to another.
type Change string

const (
	Regressed    Change = "regressed"     // passed before, fails now
	Fixed        Change = "fixed"         // failed before, passes now
	StillFailing Change = "still_failing" // failed in both
	StillPassing Change = "still_passing" // passed in both
	Added        Change = "added"         // only in the later run
	Removed      Change = "removed"       // only in the earlier run
)

// Comparison is two runs of a suite, case by case: A the earlier (the
// baseline), B the later.
type Comparison struct {
	A RunRef `json:"a"`
	B RunRef `json:"b"`
	// Changes has every case of either run: B's order, then the cases only A has.
	Changes []CaseChange `json:"changes"`
	// Counts tallies Changes by kind; ReplyChanged counts the cases whose
	// reply differs, whatever their kind.
	Counts       map[Change]int `json:"counts"`
	ReplyChanged int            `json:"reply_changed"`
}

// RunRef describes one side of a comparison.
type RunRef struct {
	RunID         int64   `json:"run_id,omitempty"`
	Suite         string  `json:"suite"`
	Provider      string  `json:"provider"`
	Model         string  `json:"model"`
	PromptVersion string  `json:"prompt_version"`
	RulesVersion  int     `json:"rules_version"`
	PassRate      float64 `json:"pass_rate"`
	Passed        int     `json:"passed"`
	Cases         int     `json:"cases"`
}

// CaseChange is one case in both runs.
type CaseChange struct {
	ID     string `json:"id"`
	Change Change `json:"change"`
	// ReplyChanged is true when both runs have the case and its replies
	// differ.
	ReplyChanged bool   `json:"reply_changed"`
	ReplyA       string `json:"reply_a"`
	ReplyB       string `json:"reply_b"`
	// FailedA and FailedB are the checks that failed in each run, with
	// their details.
	FailedA []CheckResult `json:"failed_a"`
	FailedB []CheckResult `json:"failed_b"`
}

// PassRateDropped reports whether B's pass rate is below A's.
func (c Comparison) PassRateDropped() bool { return c.B.PassRate < c.A.PassRate }

// Regressions are the cases that passed in A and fail in B.
func (c Comparison) Regressions() []CaseChange { return c.only(Regressed) }

// FixedCases are the cases that failed in A and pass in B.
func (c Comparison) FixedCases() []CaseChange { return c.only(Fixed) }

func (c Comparison) only(kind Change) []CaseChange {
	var out []CaseChange
	for _, ch := range c.Changes {
		if ch.Change == kind {
			out = append(out, ch)
		}
	}
	return out
}

// Compare compares two stored runs, a the earlier one. Both must be done.
func Compare(ctx context.Context, db DB, a, b int64) (Comparison, error) {
	ra, err := GetRun(ctx, db, a)
	if err != nil {
		return Comparison{}, err
	}
	rb, err := GetRun(ctx, db, b)
	if err != nil {
		return Comparison{}, err
	}
	for _, r := range []Run{ra, rb} {
		if r.Report == nil {
			return Comparison{}, fmt.Errorf("compare eval runs: run %d is %s, not done", r.ID, r.State)
		}
	}
	return CompareReports(ra.Report, rb.Report), nil
}

// CompareReports compares two reports of a suite, a the earlier one.
func CompareReports(a, b *Report) Comparison {
	c := Comparison{A: refOf(a), B: refOf(b), Counts: map[Change]int{}}
	before := make(map[string]CaseResult, len(a.Cases))
	for _, x := range a.Cases {
		before[x.ID] = x
	}
	inB := make(map[string]bool, len(b.Cases))
	for _, y := range b.Cases {
		inB[y.ID] = true
		ch := CaseChange{ID: y.ID, ReplyB: y.Reply, FailedB: failedChecks(y)}
		x, ok := before[y.ID]
		switch {
		case !ok:
			ch.Change = Added
		case x.Passed && !y.Passed:
			ch.Change = Regressed
		case !x.Passed && y.Passed:
			ch.Change = Fixed
		case !x.Passed:
			ch.Change = StillFailing
		default:
			ch.Change = StillPassing
		}
		if ok {
			ch.ReplyA, ch.FailedA = x.Reply, failedChecks(x)
			// A slim baseline (--slim) keeps no replies: it cannot say
			// that one changed.
			ch.ReplyChanged = x.Reply != "" && strings.TrimSpace(x.Reply) != strings.TrimSpace(y.Reply)
		}
		c.add(ch)
	}
	for _, x := range a.Cases {
		if !inB[x.ID] {
			c.add(CaseChange{ID: x.ID, Change: Removed, ReplyA: x.Reply, FailedA: failedChecks(x)})
		}
	}
	return c
}

func (c *Comparison) add(ch CaseChange) {
	c.Changes = append(c.Changes, ch)
	c.Counts[ch.Change]++
	if ch.ReplyChanged {
		c.ReplyChanged++
	}
}

func refOf(r *Report) RunRef {
	return RunRef{RunID: r.RunID, Suite: r.Suite, Provider: r.Provider, Model: r.Model, PromptVersion: r.PromptVersion,
		RulesVersion: r.RulesVersion, PassRate: r.Summary.PassRate, Passed: r.Summary.Passed, Cases: r.Summary.Cases}
}

func failedChecks(c CaseResult) []CheckResult {
	var out []CheckResult
	for _, ch := range c.Checks {
		if !ch.Passed && !ch.Skipped {
			out = append(out, ch)
		}
	}
	return out
}
