package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEvalTotals: eval totals reads reports written by eval run (one
// report a file, or several in one), prints each suite's figures and
// adds them up; a file that is no report is exit 2.
func TestEvalTotals(t *testing.T) {
	cli := newEvalCLI(t)
	dir := t.TempDir()
	one, both := filepath.Join(dir, "failing.json"), filepath.Join(dir, "both.json")
	cli.want(1, "eval", "run", failingSuite, "--json", one)
	cli.want(1, "eval", "run", "../../evals/testdata/answers.yaml", failingSuite, "--json", both)

	stdout, _ := cli.want(0, "eval", "totals", one, both)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	want := []string{
		`^suite +passed +no answer where one was due +answered where none was due$`,
		`^failing +1/3 +0/0 +0/0$`,
		`^answers +3/4 +1/2 +0/1$`,
		`^failing +1/3 +0/0 +0/0$`,
		`^all 3 +5/10 +1/2 +0/1$`,
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), stdout)
	}
	for i, re := range want {
		if !regexp.MustCompile(re).MatchString(lines[i]) {
			t.Errorf("line %d %q does not match %s", i+1, lines[i], re)
		}
	}

	notReport := filepath.Join(dir, "not.json")
	if err := os.WriteFile(notReport, []byte(`{"name": "x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr := cli.want(2, "eval", "totals", notReport); !strings.Contains(stderr, "not.json") {
		t.Errorf("stderr %q does not name the file", stderr)
	}
	cli.want(2, "eval", "totals")
}
