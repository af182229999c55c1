package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/store"
	"github.com/leadagent/leadagent/store/storetest"
)

// The search benchmark needs 100,000 chunks. Building them takes a few
// minutes, so the database is kept between runs, named after everything
// that shapes it (schema, embedder, corpus generator); a change to any
// of them builds a new one. make bench drops leadagent_bench_* databases
// when it ends unless KEEP_BENCH_DB=1 (scripts/benchfmt).
const (
	benchDocs         = 20_000
	benchChunksPerDoc = 5
	benchCorpusRev    = "corpus-v1"
)

// synthCorpus writes realistic-looking knowledge: documents of sections
// under headings, words drawn with a Zipf distribution from an invented
// vocabulary mixed with real function words and a few hundred product
// terms, as a business's pages would be. The same seed writes the same
// files.
type synthCorpus struct {
	rng   *rand.Rand
	zipf  *rand.Zipf
	vocab []string
}

var benchFunctionWords = strings.Fields("the a of and to in for is on with we you our your can be at or are this it by from will as an if not all any")

var benchDomainWords = strings.Fields(`furnace boiler heat pump air conditioner thermostat duct filter repair install
	replace maintenance tune-up warranty financing estimate price cost fee visit technician emergency service area
	schedule appointment plan member discount rebate energy efficiency water heater tankless leak noise smell gas
	electric refrigerant coil compressor blower vent humidifier purifier insulation attic zoning permit inspection`)

func newSynthCorpus(seed uint64) *synthCorpus {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	c := &synthCorpus{rng: rng}
	syll := strings.Fields("ka lo mi ner tas vel dro pim su ran ti bel cor mun es al fen gri hol jur")
	seen := map[string]bool{}
	for len(c.vocab) < 8000 {
		n := 2 + rng.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syll[rng.IntN(len(syll))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			c.vocab = append(c.vocab, w)
		}
	}
	// Real words are the common ones, as in real text.
	c.vocab = append(append(slices.Clone(benchFunctionWords), benchDomainWords...), c.vocab...)
	c.zipf = rand.NewZipf(rng, 1.07, 2, uint64(len(c.vocab)-1))
	return c
}

func (c *synthCorpus) word() string { return c.vocab[c.zipf.Uint64()] }

func (c *synthCorpus) sentence() string {
	n := 6 + c.rng.IntN(14)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = c.word()
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func (c *synthCorpus) phrase(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = c.vocab[len(benchFunctionWords)+c.rng.IntN(2000)]
	}
	return strings.Join(ws, " ")
}

// document is Markdown with a title and benchChunksPerDoc sections of
// 350 to 750 characters: one chunk each.
func (c *synthCorpus) document() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", c.phrase(3))
	for range benchChunksPerDoc {
		fmt.Fprintf(&b, "## %s\n\n", c.phrase(2))
		target := 350 + c.rng.IntN(400)
		n := 0
		for n < target {
			s := c.sentence()
			b.WriteString(s)
			b.WriteByte(' ')
			n += len(s) + 1
		}
		b.WriteString("\n\n")
	}
	return b.String()
}

// query is what a lead might ask about a random section: a few of its
// words among question words.
func (c *synthCorpus) query() string {
	ws := []string{"how", "much", "does", "the"}
	for range 3 + c.rng.IntN(4) {
		ws = append(ws, c.word())
	}
	ws = append(ws, c.vocab[len(benchFunctionWords)+c.rng.IntN(3000)])
	return strings.Join(ws, " ") + "?"
}

// writeDocs writes n documents as files under dir.
func (c *synthCorpus) writeDocs(t testing.TB, dir string, n int) {
	t.Helper()
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("d%03d", i/1000), fmt.Sprintf("doc-%05d.md", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c.document()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// benchSearchBase returns a base over a database holding the 100,000
// chunk corpus, building it on first use.
func benchSearchBase(b *testing.B) *Base {
	b.Helper()
	ctx := context.Background()
	h := sha256.New()
	err := fs.WalkDir(store.Migrations(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(store.Migrations(), p)
		h.Write(data)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	fmt.Fprint(h, localName, benchCorpusRev, benchDocs, benchChunksPerDoc, defaultChunkSize, defaultChunkOverlap)
	name := "leadagent_bench_" + hex.EncodeToString(h.Sum(nil))[:12]

	admin, err := pgx.Connect(ctx, storetest.AdminURL())
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(ctx)
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		b.Fatal(err)
	}
	if !exists {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			b.Fatal(err)
		}
	}
	pool, err := store.Open(ctx, storetest.WithDatabase(storetest.AdminURL(), name))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	if err := store.Migrate(ctx, pool, nil); err != nil {
		b.Fatal(err)
	}
	base := New(pool, NewLocalEmbedder())
	var chunks int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM chunks`).Scan(&chunks); err != nil {
		b.Fatal(err)
	}
	if chunks >= benchDocs*benchChunksPerDoc {
		return base
	}
	b.Logf("building the %d-chunk search corpus in %s (kept for later runs)", benchDocs*benchChunksPerDoc, name)
	dir := b.TempDir()
	newSynthCorpus(1).writeDocs(b, dir, benchDocs)
	start := time.Now()
	rep, err := base.Ingest(ctx, []string{dir}, IngestOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("ingested %d chunks in %s (%.0f chunks/s)", rep.Chunks, time.Since(start).Round(time.Second), float64(rep.Chunks)/time.Since(start).Seconds())
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE chunks"); err != nil {
		b.Fatal(err)
	}
	return base
}

// BenchmarkSearch measures hybrid search latency over 100,000 chunks, as
// a lead's question would meet it: p50 and p95 over varied queries.
func BenchmarkSearch(b *testing.B) {
	base := benchSearchBase(b)
	ctx := context.Background()
	corpus := newSynthCorpus(2)
	queries := make([]string, 500)
	for i := range queries {
		queries[i] = corpus.query()
	}
	// Warm the caches once, as a running server's would be.
	for _, q := range queries {
		if _, err := base.Search(ctx, q, SearchOptions{K: 5}); err != nil {
			b.Fatal(err)
		}
	}
	var lat []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		res, err := base.Search(ctx, queries[i%len(queries)], SearchOptions{K: 5})
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		if len(res) == 0 {
			b.Fatalf("no results for %q", queries[i%len(queries)])
		}
		i++
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkIngest measures ingest throughput: 1,000 Markdown files of
// five sections each, parsed, split, embedded locally and written with
// COPY into a knowledge base that already holds the previous rounds.
func BenchmarkIngest(b *testing.B) {
	tb := setup(b)
	dir := b.TempDir()
	const docs = 1000
	newSynthCorpus(3).writeDocs(b, dir, docs)
	var chunks int
	var elapsed time.Duration
	round := 0
	for b.Loop() {
		start := time.Now()
		rep, err := tb.base.Ingest(tb.ctx, []string{dir}, IngestOptions{Namespace: fmt.Sprintf("round-%d", round)})
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		chunks += rep.Chunks
		round++
	}
	b.ReportMetric(float64(chunks)/elapsed.Seconds(), "chunks/s")
	b.ReportMetric(float64(docs*round)/elapsed.Seconds(), "files/s")
}
