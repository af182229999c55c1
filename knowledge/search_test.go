package knowledge

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"testing"

	"github.com/pgvector/pgvector-go"
)

func TestSearchFindsTheAnswerToParaphrasedQuestions(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.ingest(t, "", "testdata/kb")
	tests := []struct {
		question      string
		path, heading string
		title         string // checked when not empty
	}{
		{"what does a visit to fix my broken furnace cost?", "testdata/kb/services.md", "Furnace repair", ""},
		{"when is your office open", "testdata/kb/faq.csv", "", "What are your business hours?"},
		{"can I pay for a new AC in monthly installments?", "testdata/kb/financing.html", "Monthly payments", ""},
		{"do your techs have a license?", "testdata/kb/faq.csv", "", "Are your technicians licensed?"},
		{"is the repair work guaranteed?", "testdata/kb/warranty.pdf", "", ""},
		{"Do you come out to Loveland?", "testdata/kb/services.md", "Service area", ""},
		{"where do I get the application for financing?", "testdata/kb/financing.html", "How to apply", ""},
		{"do you have a plan with yearly tune-ups?", "testdata/kb/more/maintenance-plan.txt", "", ""},
		{"can I replace my old tank water heater quickly?", "testdata/kb/services.md", "Water heaters", ""},
		{"do you take mastercard", "testdata/kb/faq.csv", "", "Which payment methods do you accept?"},
		{"how do you work out what size of unit my house needs", "testdata/kb/services.md", "Air conditioning installation > Sizing", ""},
		{"do weekend visits cost more?", "testdata/kb/faq.csv", "", "Do you charge extra on weekends?"},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			res, err := tb.base.Search(tb.ctx, tt.question, SearchOptions{K: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(res) == 0 {
				t.Fatal("no results")
			}
			top := res[0]
			if top.DocumentPath != tt.path || top.Heading != tt.heading || (tt.title != "" && top.Title != tt.title) {
				for i, r := range res {
					t.Logf("%d. %.4f v=%.3f t=%.3f %s [%s | %s]", i+1, r.Score, r.VectorScore, r.TextRank, r.DocumentPath, r.Title, r.Heading)
				}
				t.Errorf("top result %s [%s | %s], want %s [%s | %s]", top.DocumentPath, top.Title, top.Heading, tt.path, tt.title, tt.heading)
			}
		})
	}
}

func TestSearchResultFields(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.ingest(t, "", "testdata/kb")
	res, err := tb.base.Search(tb.ctx, "furnace repair cost", SearchOptions{K: 8})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) < 5 || len(res) > 8 {
		t.Fatalf("%d results, want 5 to 8", len(res))
	}
	if !sort.SliceIsSorted(res, func(i, j int) bool { return res[i].Score > res[j].Score }) {
		t.Error("results are not best first")
	}
	// A fused score is a sum of weight/(60+rank) over the rankings that
	// found the chunk: more than 0 and at most the sum of the weights over
	// 61.
	b := tb.base
	best := (b.vectorWeight + b.textWeight + b.bm25Weight) / 61
	for _, r := range res {
		if r.ChunkID == 0 || r.DocumentPath == "" || r.Title == "" || r.Content == "" {
			t.Errorf("missing fields: %+v", r)
		}
		if r.Score <= 0 || r.Score > best+1e-12 {
			t.Errorf("score %v out of range", r.Score)
		}
		if r.VectorScore < -1 || r.VectorScore > 1 || r.TextRank < 0 {
			t.Errorf("vector score %v, text rank %v", r.VectorScore, r.TextRank)
		}
		if r.VectorScore == 0 && r.TextRank == 0 {
			t.Errorf("result found by neither search: %+v", r)
		}
	}
	top := res[0]
	if math.Abs(top.Score-best) > 1e-9 {
		t.Errorf("top score %v, want %v: the furnace chunk is first in every ranking", top.Score, best)
	}
	if top.Heading != "Furnace repair" || top.TextRank == 0 || top.VectorScore < 0.2 {
		t.Errorf("top %+v", top)
	}
}

func TestSearchEmptyQueries(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.ingest(t, "", "testdata/kb")
	for _, q := range []string{"", "   \n\t", "the and of", "?!?", "🙂🙂"} {
		res, err := tb.base.Search(tb.ctx, q, SearchOptions{})
		if err != nil {
			t.Errorf("%q: %v", q, err)
		}
		if len(res) != 0 {
			t.Errorf("%q: %d results, want none", q, len(res))
		}
	}
	// A namespace with nothing in it answers nothing, without error.
	res, err := tb.base.Search(tb.ctx, "furnace", SearchOptions{Namespace: "nobody"})
	if err != nil || len(res) != 0 {
		t.Errorf("empty namespace: %d results, %v", len(res), err)
	}
}

func TestNamespacesAreIsolated(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.ingest(t, "suite-a", "testdata/kb/services.md")
	tb.ingest(t, "suite-b", "testdata/kb/faq.csv")
	// The same path in two namespaces is two documents.
	tb.ingest(t, "suite-b", "testdata/kb/services.md")

	for _, tt := range []struct {
		ns        string
		query     string
		wantPaths map[string]bool
	}{
		{"suite-a", "business hours furnace", map[string]bool{"testdata/kb/services.md": true}},
		{"suite-b", "business hours furnace", map[string]bool{"testdata/kb/services.md": true, "testdata/kb/faq.csv": true}},
		{"", "business hours furnace", map[string]bool{}},
	} {
		res, err := tb.base.Search(tb.ctx, tt.query, SearchOptions{K: 20, Namespace: tt.ns})
		if err != nil {
			t.Fatal(err)
		}
		if len(tt.wantPaths) > 0 && len(res) == 0 {
			t.Errorf("namespace %q: no results", tt.ns)
		}
		for _, r := range res {
			if !tt.wantPaths[r.DocumentPath] {
				t.Errorf("namespace %q returned %s", tt.ns, r.DocumentPath)
			}
		}
	}
	var n int
	if err := tb.pool.QueryRow(tb.ctx, `SELECT count(*) FROM documents WHERE path = 'testdata/kb/services.md'`).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d documents for the shared path (err %v), want 2", n, err)
	}
}

// A small namespace among many chunks of another still gets its full
// list of results: the vector search does not stop at the first
// candidates the HNSW index offers, which belong to the big namespace.
func TestSmallNamespaceBesideALargeOne(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	files := map[string]string{}
	for i := range 300 {
		files[fmt.Sprintf("big/doc-%03d.md", i)] = fmt.Sprintf("# Furnace note %d\n\nFurnace repair and heating advice number %d for the big namespace.\n", i, i)
	}
	dir := writeFiles(t, files)
	tb.ingest(t, "big", filepath.Join(dir, "big"))
	tb.ingest(t, "small", "testdata/kb")
	const query = "furnace repair"
	res, err := tb.base.Search(tb.ctx, query, SearchOptions{K: 10, Namespace: "small"})
	if err != nil {
		t.Fatal(err)
	}
	// Every chunk of the small namespace close enough to the query must
	// come back, as an exact scan finds them.
	conn, err := tb.base.acquire(tb.ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan := analyzeQuery(query)
	err = tb.base.stats.setIDF(tb.ctx, conn.Conn(), "small", &plan)
	conn.Release()
	if err != nil {
		t.Fatal(err)
	}
	q, err := tb.base.queryVector(tb.ctx, query, plan)
	if err != nil {
		t.Fatal(err)
	}
	var want int
	if err := tb.pool.QueryRow(tb.ctx, `SELECT count(*) FROM chunks WHERE namespace = 'small' AND 1 - (embedding <=> $1) >= $2`,
		pgvector.NewVector(q), minSimilarity).Scan(&want); err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, r := range res {
		if r.VectorScore != 0 {
			got++
		}
	}
	if want < 3 || got != min(want, 10) {
		t.Errorf("%d vector matches in the small namespace, want %d", got, min(want, 10))
	}
	if len(res) > 0 && res[0].Heading != "Furnace repair" {
		t.Errorf("top result %+v", res[0])
	}
}
