package knowledge

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Retrieval quality on the shared FAQ retrieval sets (../shared/data
// relative to the repository root, or LEADAGENT_SHARED_DATA). Each corpus
// document is written as its own Markdown file (its title as the H1) into
// a temporary folder and ingested; each query is searched and scored by
// where the first relevant document comes. The data is read in place and
// never copied into the repository.

type qualitySet struct {
	name    string
	dir     string
	docs    map[string]string // doc id → Markdown
	queries []qualityQuery
}

type qualityQuery struct {
	ID       string   `json:"query_id"`
	Text     string   `json:"text"`
	Relevant []string `json:"relevant_doc_ids"`
}

// qualityMetrics are the usual retrieval figures: the share of queries
// with a relevant document in the first 5 results, and the mean
// reciprocal rank of the first relevant one within the first 10.
type qualityMetrics struct {
	hitAt1, hitAt5, mrrAt10 float64
}

func sharedDataDir() string {
	if d := os.Getenv("LEADAGENT_SHARED_DATA"); d != "" {
		return d
	}
	// Tests run in the package folder: the repository root is one up.
	return filepath.Join("..", "..", "shared", "data")
}

// loadQualitySet reads a retrieval set, or skips when it is not there.
func loadQualitySet(t testing.TB, name string) *qualitySet {
	t.Helper()
	dir := filepath.Join(sharedDataDir(), name)
	if _, err := os.Stat(filepath.Join(dir, "corpus.jsonl")); err != nil {
		t.Skipf("retrieval set %s not found (set LEADAGENT_SHARED_DATA): %v", name, err)
	}
	set := &qualitySet{name: name, dir: dir, docs: map[string]string{}}
	readJSONL(t, filepath.Join(dir, "corpus.jsonl"), func(line []byte) error {
		var d struct {
			ID    string `json:"doc_id"`
			Title string `json:"title"`
			Text  string `json:"text"`
		}
		if err := json.Unmarshal(line, &d); err != nil {
			return err
		}
		set.docs[d.ID] = fmt.Sprintf("# %s\n\n%s\n", strings.TrimSpace(d.Title), d.Text)
		return nil
	})
	readJSONL(t, filepath.Join(dir, "queries.jsonl"), func(line []byte) error {
		var q qualityQuery
		if err := json.Unmarshal(line, &q); err != nil {
			return err
		}
		set.queries = append(set.queries, q)
		return nil
	})
	return set
}

func readJSONL(t testing.TB, path string, each func([]byte) error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		if err := each(sc.Bytes()); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// ingestQualitySet writes the corpus as files and ingests it into a
// namespace named after the set; it returns the folder.
func ingestQualitySet(t testing.TB, tb *testBundle, set *qualitySet) string {
	t.Helper()
	files := make(map[string]string, len(set.docs))
	for id, md := range set.docs {
		files[id+".md"] = md
	}
	dir := writeFiles(t, files)
	rep, err := tb.base.Ingest(tb.ctx, []string{dir}, IngestOptions{Namespace: set.name})
	if err != nil {
		t.Fatalf("ingest %s: %v", set.name, err)
	}
	if rep.Ingested != len(set.docs) {
		t.Fatalf("ingest %s: %d of %d documents", set.name, rep.Ingested, len(set.docs))
	}
	return dir
}

// evaluate searches every query and scores the ranking by document.
func evaluate(t testing.TB, tb *testBundle, set *qualitySet, dir string) qualityMetrics {
	t.Helper()
	var m qualityMetrics
	for _, q := range set.queries {
		res, err := tb.base.Search(tb.ctx, q.Text, SearchOptions{K: 10, Namespace: set.name})
		if err != nil {
			t.Fatalf("search %q: %v", q.Text, err)
		}
		relevant := map[string]bool{}
		for _, id := range q.Relevant {
			relevant[filepath.Join(dir, id+".md")] = true
		}
		for i, r := range res {
			if relevant[r.DocumentPath] {
				if i == 0 {
					m.hitAt1++
				}
				if i < 5 {
					m.hitAt5++
				}
				m.mrrAt10 += 1 / float64(i+1)
				break
			}
		}
	}
	n := float64(len(set.queries))
	return qualityMetrics{m.hitAt1 / n, m.hitAt5 / n, m.mrrAt10 / n}
}

// BenchmarkRetrievalQuality reports hit@5 and MRR@10 of the local
// embedder with hybrid search on each shared retrieval set.
func BenchmarkRetrievalQuality(b *testing.B) {
	for _, name := range []string{"covid-faq-retrieval", "stackfaq-retrieval"} {
		b.Run(name, func(b *testing.B) {
			set := loadQualitySet(b, name)
			tb := setup(b)
			dir := ingestQualitySet(b, tb, set)
			var m qualityMetrics
			for b.Loop() {
				m = evaluate(b, tb, set, dir)
			}
			b.ReportMetric(m.hitAt5, "hit@5")
			b.ReportMetric(m.mrrAt10, "MRR@10")
			b.ReportMetric(m.hitAt1, "hit@1")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// TestRetrievalQuality guards the figures of both shared sets against
// regressions, when the shared data is there. Plain hybrid search reached
// hit@5 0.69 on covid-faq (0.86 on stackfaq); weighting the question's
// words by rarity and the BM25F rerank reach about 0.76 (0.91). A
// hand-written lexicon of synonyms once reached 0.81 here, but it was
// written with these sets in view (vaccines, quarantine) and did nothing
// for businesses' questions; WordNet's derived forms replaced it. The
// floors leave a query or two of slack: HNSW graphs are built with
// random levels.
func TestRetrievalQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	t.Parallel()
	for _, tt := range []struct {
		set           string
		hitAt5, mrr10 float64
	}{
		{"covid-faq-retrieval", 0.74, 0.62},
		{"stackfaq-retrieval", 0.89, 0.83},
	} {
		t.Run(tt.set, func(t *testing.T) {
			t.Parallel()
			set := loadQualitySet(t, tt.set)
			tb := setup(t)
			dir := ingestQualitySet(t, tb, set)
			m := evaluate(t, tb, set, dir)
			t.Logf("%s: hit@1 %.3f hit@5 %.3f MRR@10 %.3f over %d queries", set.name, m.hitAt1, m.hitAt5, m.mrrAt10, len(set.queries))
			if m.hitAt5 < tt.hitAt5 || m.mrrAt10 < tt.mrr10 {
				t.Errorf("hit@5 = %.3f and MRR@10 = %.3f, want at least %.2f and %.2f", m.hitAt5, m.mrrAt10, tt.hitAt5, tt.mrr10)
			}
		})
	}
}
