package evals_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/leadagent/leadagent/evals"
)

func caseResult(id string, passed bool, reply string, failing ...string) evals.CaseResult {
	c := evals.CaseResult{ID: id, Passed: passed, Reply: reply, Outcome: "answered"}
	c.Checks = append(c.Checks, evals.CheckResult{Name: "outcome", Passed: true, Detail: "answered"})
	for _, f := range failing {
		c.Checks = append(c.Checks, evals.CheckResult{Name: "contains", Detail: f})
	}
	c.Checks = append(c.Checks, evals.CheckResult{Name: "judge", Skipped: true, Detail: "skipped"})
	return c
}

// storeReport records a finished run of cases, as the runner would.
func storeReport(t *testing.T, db evals.DB, suite string, started time.Time, cases ...evals.CaseResult) *evals.Report {
	t.Helper()
	ctx := context.Background()
	run, err := evals.StartRun(ctx, db, evals.RunInfo{Suite: suite, Provider: "openai", Model: "gpt-4o-mini",
		PromptVersion: "sms@v2", RulesVersion: 3, CasesTotal: len(cases), StartedAt: started})
	if err != nil {
		t.Fatal(err)
	}
	if run.State != evals.StateRunning || run.CasesDone != 0 {
		t.Fatalf("started run %+v", run)
	}
	for i, c := range cases {
		if err := evals.RecordCase(ctx, db, run.ID, i, c); err != nil {
			t.Fatal(err)
		}
	}
	// Recording a case again counts it once.
	if err := evals.RecordCase(ctx, db, run.ID, 0, cases[0]); err != nil {
		t.Fatal(err)
	}
	mid, err := evals.GetRun(ctx, db, run.ID)
	if err != nil || mid.CasesDone != len(cases) || mid.State != evals.StateRunning || mid.Report != nil {
		t.Fatalf("run in progress %+v %v", mid, err)
	}
	rep := &evals.Report{Suite: suite, Provider: "openai", Model: "gpt-4o-mini", PromptVersion: "sms@v2", RulesVersion: 3,
		RunID: run.ID, Cases: cases, StartedAt: started, FinishedAt: started.Add(time.Second)}
	rep.Summary = evals.Summarize(cases, time.Second)
	if err := evals.FinishRun(ctx, db, run.ID, rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestRunsAndCompare(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	a := storeReport(t, b.db, "basics", t0,
		caseResult("keeps-passing", true, "A tune-up costs $129."),
		caseResult("regresses", true, "We offer financing."),
		caseResult("gets-fixed", false, "Sorry, I don't know.", `missing "$89"`),
		caseResult("keeps-failing", false, "Hi!", `missing "Loveland"`),
		caseResult("goes-away", true, "Bye."),
	)
	bRep := storeReport(t, b.db, "basics", t0.Add(time.Hour),
		caseResult("keeps-passing", true, "A furnace tune-up costs $129."),
		caseResult("regresses", false, "Hi there!", `missing "financing"`),
		caseResult("gets-fixed", true, "The diagnostic fee is $89."),
		caseResult("keeps-failing", false, "Hi!", `missing "Loveland"`),
		caseResult("is-new", true, "Hello."),
	)
	other := storeReport(t, b.db, "other", t0.Add(2*time.Hour), caseResult("x", true, "x"))

	runs, err := evals.ListRuns(ctx, b.db, "basics", 0)
	if err != nil || len(runs) != 2 || runs[0].ID != bRep.RunID || runs[1].ID != a.RunID {
		t.Fatalf("basics runs %+v %v: want newest first", runs, err)
	}
	r := runs[0]
	if r.State != evals.StateDone || r.Model != "gpt-4o-mini" || r.PromptVersion != "sms@v2" || r.RulesVersion != 3 ||
		r.Summary == nil || r.Summary.Passed != 3 || r.Summary.SkippedChecks != 5 || r.Report != nil || !r.StartedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("listed run %+v", r)
	}
	if all, err := evals.ListRuns(ctx, b.db, "", 2); err != nil || len(all) != 2 || all[0].ID != other.RunID {
		t.Errorf("all runs, 2: %+v %v", all, err)
	}
	if _, err := evals.GetRun(ctx, b.db, 999999); !errors.Is(err, evals.ErrNotFound) {
		t.Errorf("GetRun of nothing: %v", err)
	}

	c, err := evals.Compare(ctx, b.db, a.RunID, bRep.RunID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]evals.Change{"keeps-passing": evals.StillPassing, "regresses": evals.Regressed, "gets-fixed": evals.Fixed,
		"keeps-failing": evals.StillFailing, "is-new": evals.Added, "goes-away": evals.Removed}
	if len(c.Changes) != len(want) {
		t.Fatalf("changes %+v", c.Changes)
	}
	for _, ch := range c.Changes {
		if ch.Change != want[ch.ID] {
			t.Errorf("%s: %s, want %s", ch.ID, ch.Change, want[ch.ID])
		}
	}
	reg := c.Regressions()
	if len(reg) != 1 || reg[0].ID != "regresses" || reg[0].ReplyA != "We offer financing." || reg[0].ReplyB != "Hi there!" ||
		len(reg[0].FailedB) != 1 || reg[0].FailedB[0].Detail != `missing "financing"` || len(reg[0].FailedA) != 0 || !reg[0].ReplyChanged {
		t.Errorf("regression %+v", reg)
	}
	if f := c.FixedCases(); len(f) != 1 || f[0].FailedA[0].Detail != `missing "$89"` || len(f[0].FailedB) != 0 {
		t.Errorf("fixed %+v", f)
	}
	if c.ReplyChanged != 3 || c.Counts[evals.StillFailing] != 1 || c.A.RunID != a.RunID || c.B.PassRate != 0.6 || c.A.PassRate != 0.6 || c.PassRateDropped() {
		t.Errorf("comparison %+v", c)
	}
	for _, ch := range c.Changes {
		if ch.ID == "keeps-failing" && ch.ReplyChanged {
			t.Error("keeps-failing: same reply counted as changed")
		}
	}

	// A run that is not done cannot be compared.
	running, err := evals.StartRun(ctx, b.db, evals.RunInfo{Suite: "basics", Provider: "offline"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := evals.Compare(ctx, b.db, a.RunID, running.ID); err == nil {
		t.Error("compared with a running run")
	}
	if err := evals.FailRun(ctx, b.db, running.ID, errors.New("interrupted")); err != nil {
		t.Fatal(err)
	}
	if r, _ := evals.GetRun(ctx, b.db, running.ID); r.State != evals.StateFailed || r.Error != "interrupted" {
		t.Errorf("failed run %+v", r)
	}
}

// TestEndedRunsStayEnded: finishing or failing a run that is no longer
// running changes nothing, and says so.
func TestEndedRunsStayEnded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	done := storeReport(t, b.db, "basics", t0, caseResult("a", true, "A tune-up costs $129."))
	before, err := evals.GetRun(ctx, b.db, done.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if err := evals.FailRun(ctx, b.db, done.RunID, errors.New("late failure")); err == nil {
		t.Error("failed a run that is done")
	}
	after, err := evals.GetRun(ctx, b.db, done.RunID)
	if err != nil || after.State != evals.StateDone || after.Error != "" || !after.FinishedAt.Equal(*before.FinishedAt) || after.Report == nil {
		t.Errorf("done run after FailRun %+v %v", after, err)
	}

	failed, err := evals.StartRun(ctx, b.db, evals.RunInfo{Suite: "basics", Provider: "offline", StartedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	if err := evals.FailRun(ctx, b.db, failed.ID, errors.New("interrupted")); err != nil {
		t.Fatal(err)
	}
	rep := &evals.Report{Suite: "basics", RunID: failed.ID, StartedAt: t0, FinishedAt: t0.Add(time.Second)}
	if err := evals.FinishRun(ctx, b.db, failed.ID, rep); err == nil {
		t.Error("finished a run that failed")
	}
	if err := evals.FailRun(ctx, b.db, failed.ID, errors.New("again")); err == nil {
		t.Error("failed a run twice")
	}
	if got, err := evals.GetRun(ctx, b.db, failed.ID); err != nil || got.State != evals.StateFailed || got.Error != "interrupted" ||
		got.Summary != nil || got.Report != nil {
		t.Errorf("failed run after FinishRun %+v %v", got, err)
	}

	if err := evals.FailRun(ctx, b.db, 999999, nil); err == nil {
		t.Error("failed a run that does not exist")
	}
	if err := evals.FinishRun(ctx, b.db, 999999, rep); err == nil {
		t.Error("finished a run that does not exist")
	}
}

// TestCompareSlimBaseline: a baseline written with --slim keeps no
// replies, so no reply counts as changed against it; one that keeps them
// still does.
func TestCompareSlimBaseline(t *testing.T) {
	t.Parallel()
	slim := &evals.Report{Cases: []evals.CaseResult{caseResult("a", true, ""), caseResult("b", true, "")}}
	kept := &evals.Report{Cases: []evals.CaseResult{caseResult("a", true, "A tune-up is $129."), caseResult("b", true, "Hi!")}}
	now := &evals.Report{Cases: []evals.CaseResult{caseResult("a", true, "A tune-up is $129."), caseResult("b", true, "Hello!")}}
	if c := evals.CompareReports(slim, now); c.ReplyChanged != 0 {
		t.Errorf("against a slim baseline: %d replies changed, want 0", c.ReplyChanged)
	}
	if c := evals.CompareReports(kept, now); c.ReplyChanged != 1 {
		t.Errorf("against a full baseline: %d replies changed, want 1", c.ReplyChanged)
	}
}
