package knowledge

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

type storedChunk struct {
	title, heading, content string
}

// chunksOf returns the stored chunks of one document, in order.
func (tb *testBundle) chunksOf(t testing.TB, ns, path string) []storedChunk {
	t.Helper()
	rows, err := tb.pool.Query(tb.ctx, `
		SELECT c.title, c.heading, c.content FROM chunks c JOIN documents d ON d.id = c.document_id
		WHERE d.namespace = $1 AND d.path = $2 ORDER BY c.ordinal`, ns, path)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedChunk
	for rows.Next() {
		var c storedChunk
		if err := rows.Scan(&c.title, &c.heading, &c.content); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestIngestFormats(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tests := []struct {
		path      string
		title     string
		chunks    int
		want      []storedChunk // checked in order; content is a substring
		notInText string
	}{
		{
			path: "testdata/kb/services.md", title: "Summit Heating & Cooling services", chunks: 6,
			want: []storedChunk{
				{"Summit Heating & Cooling services", "", "heating and cooling systems"},
				{"Summit Heating & Cooling services", "Furnace repair", "A diagnostic visit costs $89"},
				{"Summit Heating & Cooling services", "Air conditioning installation", "ductless mini-split"},
				{"Summit Heating & Cooling services", "Air conditioning installation > Sizing", "oversized unit"},
			},
			notInText: "updated: 2024", // front matter
		},
		{
			path: "testdata/kb/more/maintenance-plan.txt", title: "Maintenance plan", chunks: 1,
			want: []storedChunk{{"Maintenance plan", "", "Comfort Club maintenance plan costs $19"}},
		},
		{
			path: "testdata/kb/financing.html", title: "Financing options", chunks: 3,
			want: []storedChunk{
				{"Financing options", "", "spread the cost"},
				{"Financing options", "Monthly payments", "0% APR for 18 months on approved credit, or choose a fixed-rate loan"},
				{"Financing options", "How to apply", "one-page application"},
			},
			notInText: "SCRIPT TEXT",
		},
		{
			path: "testdata/kb/warranty.pdf", title: "Warranty and guarantee", chunks: 1,
			want: []storedChunk{{"Warranty and guarantee", "", "All repairs are guaranteed for one year on parts and labor."}},
		},
		{
			path: "testdata/kb/faq.csv", title: "Faq", chunks: 4,
			want: []storedChunk{
				{"What are your business hours?", "", "Monday to Friday, 8 am to 6 pm"},
				{"Are your technicians licensed?", "", "NATE-certified"},
			},
			notInText: "billing", // other columns are not content
		},
	}
	for _, tt := range tests {
		t.Run(filepath.Ext(tt.path), func(t *testing.T) {
			ns := "formats" + filepath.Ext(tt.path)
			rep := tb.ingest(t, ns, tt.path)
			if rep.Ingested != 1 || rep.Chunks != tt.chunks {
				t.Fatalf("report %+v, want 1 file and %d chunks", rep, tt.chunks)
			}
			var title string
			if err := tb.pool.QueryRow(tb.ctx, `SELECT title FROM documents WHERE namespace = $1 AND path = $2`, ns, tt.path).Scan(&title); err != nil {
				t.Fatal(err)
			}
			if title != tt.title {
				t.Errorf("document title %q, want %q", title, tt.title)
			}
			got := tb.chunksOf(t, ns, tt.path)
			if len(got) != tt.chunks {
				t.Fatalf("%d chunks stored, want %d: %+v", len(got), tt.chunks, got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.title != w.title || g.heading != w.heading || !strings.Contains(g.content, w.content) {
					t.Errorf("chunk %d = %+v\nwant title %q heading %q content containing %q", i, g, w.title, w.heading, w.content)
				}
			}
			if tt.notInText != "" {
				for _, g := range got {
					if strings.Contains(g.content, tt.notInText) {
						t.Errorf("chunk holds %q: %q", tt.notInText, g.content)
					}
				}
			}
		})
	}
}

func TestIngestReportsBadFilesAndGoesOn(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	var mu sync.Mutex
	var progress [][2]int
	rep, err := tb.base.Ingest(tb.ctx, []string{"testdata/kb", "testdata/bad", "testdata/missing.md", "testdata/kb/faq.csv"}, IngestOptions{
		Progress: func(done, total int) {
			mu.Lock()
			defer mu.Unlock()
			progress = append(progress, [2]int{done, total})
		},
	})
	if err == nil {
		t.Fatal("no error for bad files")
	}
	if rep.Files != 9 || rep.Ingested != 5 || len(rep.Failed) != 4 || rep.Chunks != 15 {
		t.Errorf("report %+v, want 9 files, 5 ingested, 4 failed, 15 chunks", rep)
	}
	wantFailed := map[string]string{
		"testdata/bad/broken.pdf": "read pdf",
		"testdata/bad/empty.md":   "no text found",
		"testdata/bad/header.csv": "no question and answer columns",
		"testdata/missing.md":     "no such file",
	}
	for _, fe := range rep.Failed {
		want, ok := wantFailed[fe.Path]
		if !ok {
			t.Errorf("unexpected failure %v", fe)
			continue
		}
		if !strings.Contains(fe.Error(), "ingest "+fe.Path+": ") || !strings.Contains(fe.Error(), want) {
			t.Errorf("error %q does not name %s and say %q", fe, fe.Path, want)
		}
		if !strings.Contains(err.Error(), fe.Error()) {
			t.Errorf("returned error does not carry %q", fe)
		}
	}
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Errorf("returned error %T is not a *FileError", err)
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file's error does not wrap os.ErrNotExist")
	}
	if len(progress) != 9 || progress[8] != [2]int{9, 9} {
		t.Errorf("progress calls %v, want 9 ending at 9/9", progress)
	}
	for i, p := range progress {
		if p[0] != i+1 {
			t.Errorf("progress call %d reported %d done", i, p[0])
		}
	}
}

func TestIngestExplicitUnsupportedFileFails(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	dir := writeFiles(t, map[string]string{"notes.docx": "binary", "ok.md": "# Fine\n\nText.", ".hidden/secret.md": "# Secret\n\nNo."})
	// In a folder, unsupported and hidden files are skipped quietly.
	rep := tb.ingest(t, "", dir)
	if rep.Ingested != 1 || len(rep.Skipped) != 1 {
		t.Errorf("folder report %+v, want 1 ingested and 1 skipped", rep)
	}
	// Named explicitly, an unsupported file is an error.
	_, err := tb.base.Ingest(tb.ctx, []string{filepath.Join(dir, "notes.docx")}, IngestOptions{})
	if err == nil || !strings.Contains(err.Error(), "notes.docx: unsupported file type") {
		t.Errorf("error %v, want unsupported file type naming the file", err)
	}
}

func TestReingestUnchangedIsNoop(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	first := tb.ingest(t, "", "testdata/kb")
	var ids1 []int64
	if err := tb.pool.QueryRow(tb.ctx, `SELECT array_agg(id ORDER BY id) FROM chunks`).Scan(&ids1); err != nil {
		t.Fatal(err)
	}
	second := tb.ingest(t, "", "./testdata/kb/")
	if second.Ingested != 0 || second.Unchanged != first.Ingested || second.Chunks != 0 {
		t.Errorf("second run %+v, want all %d unchanged", second, first.Ingested)
	}
	var ids2 []int64
	if err := tb.pool.QueryRow(tb.ctx, `SELECT array_agg(id ORDER BY id) FROM chunks`).Scan(&ids2); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids1) != fmt.Sprint(ids2) {
		t.Errorf("chunks rewritten: %v then %v", ids1, ids2)
	}
}

func TestChangedFileReplacesItsChunks(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	dir := writeFiles(t, map[string]string{
		"hours.md": "# Hours\n\n## Weekdays\n\nOpen 8 to 6.\n\n## Weekends\n\nClosed on Sundays.\n",
		"other.md": "# Other\n\nUntouched.\n",
	})
	path := filepath.Join(dir, "hours.md")
	tb.ingest(t, "", dir)
	if got := tb.chunksOf(t, DefaultNamespace, path); len(got) != 2 {
		t.Fatalf("first version: %d chunks, want 2", len(got))
	}
	if err := os.WriteFile(path, []byte("# Hours\n\nOpen every day from 7 to 9.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := tb.ingest(t, "", dir)
	if rep.Ingested != 1 || rep.Unchanged != 1 || rep.Chunks != 1 {
		t.Errorf("report %+v, want the changed file written and the other unchanged", rep)
	}
	got := tb.chunksOf(t, DefaultNamespace, path)
	if len(got) != 1 || !strings.Contains(got[0].content, "every day") {
		t.Errorf("after change: %+v", got)
	}
	res, err := tb.base.Search(tb.ctx, "closed on sundays", SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if strings.Contains(r.Content, "Sundays") {
			t.Errorf("old chunk still found: %+v", r)
		}
	}
}

// Readers never see a document half replaced: while a file flips between
// two versions, its chunk count is always one version's, never none or a
// mix.
func TestReplaceIsAtomicForReaders(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	v1 := "# Doc\n\n## A\n\nOne.\n\n## B\n\nTwo.\n\n## C\n\nThree.\n" // 3 chunks
	v2 := "# Doc\n\nJust one chunk now.\n"                            // 1 chunk
	dir := writeFiles(t, map[string]string{"doc.md": v1})
	path := filepath.Join(dir, "doc.md")
	tb.ingest(t, "", path)

	ctx, cancel := context.WithCancel(tb.ctx)
	defer cancel()
	var bad atomic.Value
	var reads atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		for ctx.Err() == nil {
			var n int
			err := tb.pool.QueryRow(ctx, `SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.path = $1`, path).Scan(&n)
			if err != nil {
				if ctx.Err() == nil {
					bad.Store(err.Error())
				}
				return
			}
			reads.Add(1)
			if n != 1 && n != 3 {
				bad.Store(fmt.Sprintf("saw %d chunks", n))
			}
		}
	})
	for i := range 20 {
		content := v1
		if i%2 == 0 {
			content = v2
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if rep := tb.ingest(t, "", path); rep.Ingested != 1 {
			t.Fatalf("round %d: %+v", i, rep)
		}
	}
	cancel()
	wg.Wait()
	if v := bad.Load(); v != nil {
		t.Fatal(v)
	}
	if reads.Load() == 0 {
		t.Fatal("the reader never read")
	}
}

// failingEmbedder fails every call, like an embedding API that is down.
type failingEmbedder struct{ name string }

func (e failingEmbedder) Name() string { return e.name }
func (e failingEmbedder) Embed(context.Context, []string) ([][]float32, error) {
	return nil, errors.New("embedding service unavailable")
}

func TestFailedReplaceKeepsTheOldVersion(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	dir := writeFiles(t, map[string]string{"doc.md": "# Doc\n\nThe old text.\n"})
	path := filepath.Join(dir, "doc.md")
	tb.ingest(t, "", path)
	if err := os.WriteFile(path, []byte("# Doc\n\nThe new text.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := New(tb.pool, failingEmbedder{name: localName})
	rep, err := broken.Ingest(tb.ctx, []string{path}, IngestOptions{})
	if err == nil || len(rep.Failed) != 1 || !strings.Contains(err.Error(), "embedding service unavailable") {
		t.Fatalf("report %+v, error %v", rep, err)
	}
	got := tb.chunksOf(t, DefaultNamespace, path)
	if len(got) != 1 || got[0].content != "The old text." {
		t.Errorf("after a failed replace: %+v", got)
	}
	// The next good run writes the new version: the failure was not
	// recorded as ingested.
	if rep := tb.ingest(t, "", path); rep.Ingested != 1 {
		t.Errorf("retry: %+v", rep)
	}
}

func TestIngestManyFilesInBatches(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	files := map[string]string{}
	for i := range 150 {
		files[fmt.Sprintf("topic-%03d.md", i)] = fmt.Sprintf("# Topic %d\n\n## Part one\n\nAbout item %d, first part.\n\n## Part two\n\nAbout item %d, second part.\n", i, i, i)
	}
	dir := writeFiles(t, files)
	rep := tb.ingest(t, "bulk", dir)
	if rep.Ingested != 150 || rep.Chunks != 300 {
		t.Fatalf("report %+v", rep)
	}
	var docs, chunks int
	if err := tb.pool.QueryRow(tb.ctx, `SELECT (SELECT count(*) FROM documents WHERE namespace = 'bulk'), (SELECT count(*) FROM chunks WHERE namespace = 'bulk')`).Scan(&docs, &chunks); err != nil {
		t.Fatal(err)
	}
	if docs != 150 || chunks != 300 {
		t.Errorf("stored %d documents and %d chunks", docs, chunks)
	}
}

func TestChangingEmbedderReembeds(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.ingest(t, "", "testdata/kb/faq.csv")
	other := New(tb.pool, renamedEmbedder{NewLocalEmbedder(), "local-test-other"})
	// The old chunks are invisible to another embedder's search...
	res, err := other.Search(tb.ctx, "business hours", SearchOptions{})
	if err != nil || len(res) != 0 {
		t.Fatalf("another embedder found %d results (err %v)", len(res), err)
	}
	// ...and ingesting with it re-embeds the unchanged file.
	rep, err := other.Ingest(tb.ctx, []string{"testdata/kb/faq.csv"}, IngestOptions{})
	if err != nil || rep.Ingested != 1 {
		t.Fatalf("report %+v, error %v", rep, err)
	}
	if res, err := other.Search(tb.ctx, "business hours", SearchOptions{}); err != nil || len(res) == 0 {
		t.Fatalf("after re-embedding: %d results (err %v)", len(res), err)
	}
}

// renamedEmbedder is another embedder as far as the knowledge base knows.
type renamedEmbedder struct {
	*LocalEmbedder
	name string
}

func (e renamedEmbedder) Name() string { return e.name }
