package knowledge

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// statsQueries are questions over testdata/kb, some of whose words the
// crowd ingested beside it (crowdFiles) uses a great deal.
var statsQueries = []string{
	"how much is a furnace tune-up",
	"furnace repair",
	"do you offer financing",
	"what warranty do repairs have",
	"emergency service on weekends",
	"water heater replacement cost",
}

// crowdFiles are another namespace's knowledge: many chunks that repeat
// the suite's words, so that statistics over the whole table would call
// them common.
func crowdFiles(n int) map[string]string {
	files := map[string]string{}
	for i := range n {
		files[fmt.Sprintf("crowd/doc-%03d.md", i)] = fmt.Sprintf("# Furnace financing %d\n\n## Repair warranty\n\n"+
			"Furnace repair, tune-up and financing: a warranty on every furnace repair, note %d. Water heater service too.\n", i, i)
	}
	return files
}

// TestSearchDependsOnItsNamespaceOnly: a suite's search results, scores
// included, are the same whatever else the database holds: words are
// weighed by their rarity in the namespace searched.
func TestSearchDependsOnItsNamespaceOnly(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.ingest(t, "eval:suite:0123456789ab", "testdata/kb")
	search := func(b *Base) [][]Result {
		t.Helper()
		var out [][]Result
		for _, q := range statsQueries {
			res, err := b.Search(tb.ctx, q, SearchOptions{K: 8, Namespace: "eval:suite:0123456789ab"})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, res)
		}
		return out
	}
	alone := search(tb.base)
	if len(alone[0]) == 0 {
		t.Fatal("no results for the suite alone")
	}

	dir := writeFiles(t, crowdFiles(300))
	tb.ingest(t, "crowd", filepath.Join(dir, "crowd"))
	tb.ingest(t, "", "../demo/knowledge")
	for _, b := range []*Base{tb.base, New(tb.pool, NewLocalEmbedder())} {
		if got := search(b); !reflect.DeepEqual(got, alone) {
			for i := range got {
				if !reflect.DeepEqual(got[i], alone[i]) {
					t.Errorf("%q beside other namespaces:\n got %+v\nwant %+v", statsQueries[i], got[i], alone[i])
				}
			}
		}
	}
}

// TestTermCountsFollowIngest: the per-namespace counts match the chunks
// after an ingest, a changed file's re-ingest and a namespace's deletion.
func TestTermCountsFollowIngest(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	check := func(when string) {
		t.Helper()
		var wrong int
		err := tb.pool.QueryRow(tb.ctx, `
			WITH want AS (
				SELECT c.namespace, l.lexeme, count(*) AS chunks FROM chunks c, unnest(c.tsv) l GROUP BY 1, 2
			), have AS (
				SELECT namespace, lexeme, chunks FROM knowledge_terms WHERE chunks <> 0
			), nwant AS (
				SELECT namespace, count(*) AS chunks FROM chunks GROUP BY 1
			), nhave AS (
				SELECT namespace, chunks FROM knowledge_namespaces WHERE chunks <> 0
			)
			SELECT (SELECT count(*) FROM (SELECT * FROM want EXCEPT SELECT * FROM have UNION ALL (SELECT * FROM have EXCEPT SELECT * FROM want)) d)
			     + (SELECT count(*) FROM (SELECT * FROM nwant EXCEPT SELECT * FROM nhave UNION ALL (SELECT * FROM nhave EXCEPT SELECT * FROM nwant)) e)`).Scan(&wrong)
		if err != nil {
			t.Fatal(err)
		}
		if wrong != 0 {
			t.Errorf("%s: %d term counts differ from the chunks", when, wrong)
		}
	}
	files := crowdFiles(40)
	dir := writeFiles(t, files)
	tb.ingest(t, "a", filepath.Join(dir, "crowd"))
	tb.ingest(t, "b", filepath.Join(dir, "crowd"), "testdata/kb")
	check("after ingest")

	if err := os.WriteFile(filepath.Join(dir, "crowd", "doc-007.md"), []byte("# Boilers\n\nOnly boilers now, radiant floors and steam.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if rep := tb.ingest(t, "a", filepath.Join(dir, "crowd")); rep.Ingested != 1 {
		t.Fatalf("re-ingest wrote %d files, want the changed one", rep.Ingested)
	}
	check("after a file changed")

	if err := tb.base.DeleteNamespace(tb.ctx, "b"); err != nil {
		t.Fatal(err)
	}
	check("after a namespace was deleted")
	var left int
	if err := tb.pool.QueryRow(tb.ctx, `SELECT (SELECT count(*) FROM knowledge_terms WHERE namespace = 'b') +
		(SELECT count(*) FROM documents WHERE namespace = 'b')`).Scan(&left); err != nil || left != 0 {
		t.Errorf("namespace b left %d rows (%v)", left, err)
	}
	if err := tb.base.DeleteNamespace(tb.ctx, DefaultNamespace); err == nil {
		t.Error("the default namespace was deleted")
	}
	list, err := tb.base.Namespaces(tb.ctx, "")
	if err != nil || !reflect.DeepEqual(list, []string{"a"}) {
		t.Errorf("namespaces %v (%v), want [a]", list, err)
	}
}
