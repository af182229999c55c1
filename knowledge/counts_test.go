package knowledge

import (
	"path/filepath"
	"testing"
)

// TestTermCounts: words are counted in the namespace asked, in any
// inflection, and a stopword counts nothing.
func TestTermCounts(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	dir := writeFiles(t, map[string]string{
		"a/tires.md":  "# Tires\n\nWe fix flat tires while you wait.\n",
		"a/rental.md": "# Rentals\n\nCity bikes rent for $35 a day.\n",
		"b/tires.md":  "# Tires\n\nTires, tires and more tires.\n",
	})
	tb.ingest(t, "shop-a", filepath.Join(dir, "a"))
	tb.ingest(t, "shop-b", filepath.Join(dir, "b"))
	r := NamespaceRetriever{Base: tb.base, Namespace: "shop-a"}
	counts, chunks, err := r.TermCounts(tb.ctx, []string{"tire", "renting", "the", "sailboat"})
	if err != nil {
		t.Fatal(err)
	}
	if chunks != 2 {
		t.Errorf("%d chunks, want 2", chunks)
	}
	for w, want := range map[string]int{"tire": 1, "renting": 1, "the": 0, "sailboat": 0} {
		if counts[w] != want {
			t.Errorf("%q counted %d, want %d (%v)", w, counts[w], want, counts)
		}
	}
	res, err := r.Search(tb.ctx, "flat tire", 3)
	if err != nil || len(res) == 0 || res[0].Title != "Tires" {
		t.Errorf("search shop-a: %+v, %v", res, err)
	}
}
