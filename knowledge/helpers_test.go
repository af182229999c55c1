package knowledge

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/store/storetest"
)

var update = flag.Bool("update", false, "rewrite generated test fixtures")

// testBundle is what a knowledge test works with: a base on a fresh
// migrated database, embedding locally.
type testBundle struct {
	ctx  context.Context
	pool *pgxpool.Pool
	base *Base
}

func setup(t testing.TB) *testBundle {
	t.Helper()
	pool := storetest.NewDB(t)
	return &testBundle{ctx: context.Background(), pool: pool, base: New(pool, NewLocalEmbedder())}
}

// ingest ingests paths and fails the test on any error.
func (tb *testBundle) ingest(t testing.TB, ns string, paths ...string) IngestReport {
	t.Helper()
	rep, err := tb.base.Ingest(tb.ctx, paths, IngestOptions{Namespace: ns})
	if err != nil {
		t.Fatalf("ingest %v: %v", paths, err)
	}
	return rep
}

// writeFiles writes name → content under a new temporary folder and
// returns the folder.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// minimalPDF builds a one-page PDF with a document title and lines of
// text in Helvetica: the smallest file a real PDF reader accepts, with a
// correct cross-reference table.
func minimalPDF(title string, lines ...string) []byte {
	esc := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 16 TL 72 720 Td\n")
	for i, l := range lines {
		if i > 0 {
			content.WriteString("T* ")
		}
		fmt.Fprintf(&content, "(%s) Tj\n", esc.Replace(l))
	}
	content.WriteString("ET")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Title (%s) /Producer (leadagent tests) >>", esc.Replace(title)),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// warrantyPDF is testdata/kb/warranty.pdf; go test -run TestPDFFixture
// -update rewrites the file.
func warrantyPDF() []byte {
	return minimalPDF("Warranty and guarantee",
		"All repairs are guaranteed for one year on parts and labor.",
		"If the same problem comes back within that year, we fix it again at no charge.",
		"New equipment carries the manufacturer's 10-year parts warranty",
		"when it is registered within 60 days of installation.")
}

func TestPDFFixture(t *testing.T) {
	const path = "testdata/kb/warranty.pdf"
	want := warrantyPDF()
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestPDFFixture -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date: go test ./knowledge -run TestPDFFixture -update", path)
	}
}
