package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/evals"
)

// The shipped suites, from this package's folder. sharedData is the
// public intent sets' folder next to the repository, when it is there.
const (
	shippedSuite    = "../../evals/suites/demo.yaml"
	shippedBaseline = "../../evals/baseline/demo.json"
	sharedData      = "../../../shared/data"
	// sharedBusinesses holds businesses' knowledge and suites, written
	// apart from the product, when it is next to the repository.
	sharedBusinesses = "../../../shared/businesses"
)

// TestShippedSuitesAgainstBaseline is CI's eval regression check: the demo
// business's suite, and each business's suite under ../shared/businesses
// when it is there, with the offline agent must not fall below its
// committed baseline (make eval-baseline refreshes them).
func TestShippedSuitesAgainstBaseline(t *testing.T) {
	suites := map[string]string{shippedSuite: shippedBaseline}
	found, _ := filepath.Glob(filepath.Join(sharedBusinesses, "*", "suite.yaml"))
	for _, f := range found {
		suites[f] = filepath.Join("..", "..", "evals", "baseline", filepath.Base(filepath.Dir(f))+".json")
	}
	if len(found) == 0 {
		t.Logf("%s is not there: only the demo's suite runs", sharedBusinesses)
	}
	cli := newEvalCLI(t)
	files := make([]string, 0, len(suites))
	for f := range suites {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, file := range files {
		baseline := suites[file]
		t.Run(filepath.Base(filepath.Dir(file)), func(t *testing.T) {
			suite, err := evals.Load(file)
			if err != nil {
				t.Fatal(err)
			}
			base, err := evals.ReadReports(baseline)
			if err != nil || len(base) != 1 || base[0].Suite != suite.Name {
				t.Fatalf("%s: want one report of suite %s (make eval-baseline): %v", baseline, suite.Name, err)
			}
			// A case added to or taken from the suite without a new
			// baseline would leave the check blind to it.
			if added, removed := diffIDs(caseIDs(suite), reportIDs(base[0])); len(added)+len(removed) > 0 {
				t.Errorf("%s is stale: cases not in it %v, cases no longer in the suite %v; run make eval-baseline", baseline, added, removed)
			}
			report := filepath.Join(t.TempDir(), "report.json")
			started := time.Now()
			code, stdout, stderr := cli.run("eval", "run", file, "--baseline", baseline, "--json", report)
			elapsed := time.Since(started)
			if code != 0 {
				t.Fatalf("eval run %s --baseline %s: exit %d, want 0 (a regression against the baseline)\n%s\n%s",
					file, baseline, code, strings.TrimSpace(stderr), stdout)
			}
			reps, err := evals.ReadReports(report)
			if err != nil {
				t.Fatal(err)
			}
			s := reps[0].Summary
			t.Logf("%s: %d/%d passed (%.1f%%; baseline %.1f%%), %d cases in %s (%.1f ms a case); handoff precision %.2f recall %.2f",
				suite.Name, s.Passed, s.Cases, s.PassRate*100, base[0].Summary.PassRate*100, s.Cases, elapsed.Round(time.Millisecond),
				float64(elapsed.Milliseconds())/float64(max(s.Cases, 1)), s.Handoff.Precision, s.Handoff.Recall)
		})
	}
}

// TestIntentSuite generates the intent suite from ../shared/data and runs
// it, for the handoff figures per class. Its cases may fail (the figures
// are what it is for); the suite itself must be valid and run.
func TestIntentSuite(t *testing.T) {
	if info, err := os.Stat(sharedData); err != nil || !info.IsDir() {
		t.Skipf("%s is not there: the intent suite needs the public intent sets", sharedData)
	}
	cli := newEvalCLI(t)
	dir := t.TempDir()
	suite := filepath.Join(dir, "intents.yaml")
	stdout, _ := cli.want(0, "eval", "intents", "--data", sharedData, "--out", suite, "--per-label", "20", "--knowledge", demoKnowledge)
	t.Log("\n" + strings.TrimSpace(stdout))

	report := filepath.Join(dir, "intents.json")
	started := time.Now()
	code, stdout, stderr := cli.run("eval", "run", suite, "--json", report)
	elapsed := time.Since(started)
	if code != 0 && code != 1 {
		t.Fatalf("eval run %s: exit %d, want 0 or 1\n%s\n%s", suite, code, stderr, stdout)
	}
	reps, err := evals.ReadReports(report)
	if err != nil {
		t.Fatal(err)
	}
	s := reps[0].Summary
	t.Logf("intent suite: %d cases in %s, %d/%d passed (%.1f%%); handoff precision %.2f recall %.2f (tp %d, fp %d, fn %d, tn %d)",
		s.Cases, elapsed.Round(time.Millisecond), s.Passed, s.Cases, s.PassRate*100,
		s.Handoff.Precision, s.Handoff.Recall, s.Handoff.TP, s.Handoff.FP, s.Handoff.FN, s.Handoff.TN)
	reasons := make([]string, 0, len(s.Handoff.Reasons))
	for r := range s.Handoff.Reasons {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		c := s.Handoff.Reasons[r]
		t.Logf("  %-14s precision %.2f recall %.2f (expected %d, handed off with it %d)", r, c.Precision, c.Recall, c.Expected, c.Got)
	}
	t.Logf("  confusion (expected → got): %s", confusionLine(s.Handoff.Confusion))
}

func reportIDs(r *evals.Report) []string {
	ids := make([]string, len(r.Cases))
	for i, c := range r.Cases {
		ids[i] = c.ID
	}
	return ids
}

// diffIDs returns the ids of a not in b, and of b not in a.
func diffIDs(a, b []string) (onlyA, onlyB []string) {
	for _, x := range a {
		if !slices.Contains(b, x) {
			onlyA = append(onlyA, x)
		}
	}
	for _, y := range b {
		if !slices.Contains(a, y) {
			onlyB = append(onlyB, y)
		}
	}
	return onlyA, onlyB
}

func confusionLine(m map[string]map[string]int) string {
	var rows []string
	for want, got := range m {
		var cells []string
		for g, n := range got {
			cells = append(cells, fmt.Sprintf("%s %d", g, n))
		}
		sort.Strings(cells)
		rows = append(rows, want+": "+strings.Join(cells, ", "))
	}
	sort.Strings(rows)
	return strings.Join(rows, " · ")
}
