package evals_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/leadagent/leadagent/evals"
	"github.com/leadagent/leadagent/knowledge"
)

// TestEarlierKnowledgeIsPruned: when a suite's files change, a run
// deletes the namespaces of its earlier files, with their documents and
// chunks, but not one a run in progress searches, nor another suite's.
func TestEarlierKnowledgeIsPruned(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	kb := filepath.Join(dir, "kb", "hours.md")
	write := func(path, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(kb, "# Hours\n\nWe are open Monday to Friday, 8 to 5.\n")
	write(filepath.Join(dir, "suite.yaml"), "name: pruned\nknowledge: [kb/]\ncases:\n  - {id: hours, lead: \"when are you open?\"}\n")

	// What other runs left: an earlier version of this suite that a run
	// still searches, one nobody does, and a suite whose name starts
	// like this one's.
	inUse, stale, other := "eval:pruned:aaaaaaaaaaaa", "eval:pruned:bbbbbbbbbbbb", "eval:pruned:x:cccccccccccc"
	for _, ns := range []string{inUse, stale, other} {
		if _, err := b.kb.Ingest(ctx, []string{filepath.Join(dir, "kb")}, knowledge.IngestOptions{Namespace: ns}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := evals.StartRun(ctx, b.db, evals.RunInfo{Suite: "pruned", Provider: "offline", Namespace: inUse}); err != nil {
		t.Fatal(err)
	}

	first := run(t, b.runner, mustLoad(t, filepath.Join(dir, "suite.yaml")))
	write(kb, "# Hours\n\nWe are open Monday to Saturday, 7 to 6.\n")
	second := run(t, b.runner, mustLoad(t, filepath.Join(dir, "suite.yaml")))
	if first.Namespace == second.Namespace {
		t.Fatalf("changed files kept namespace %s", first.Namespace)
	}

	got, err := b.kb.Namespaces(ctx, "eval:pruned:")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{inUse, second.Namespace, other}
	slices.Sort(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("namespaces left %v, want %v", got, want)
	}
	var chunks int
	if err := b.db.QueryRow(ctx, `SELECT count(*) FROM chunks WHERE namespace = ANY($1)`, []string{first.Namespace, stale}).Scan(&chunks); err != nil || chunks != 0 {
		t.Errorf("%d chunks of pruned namespaces left (%v)", chunks, err)
	}
	// The run in progress still finds its knowledge.
	res, err := b.kb.Search(ctx, "when are you open", knowledge.SearchOptions{Namespace: inUse})
	if err != nil || len(res) == 0 {
		t.Errorf("the running run's namespace lost its knowledge: %v %v", res, err)
	}
}
