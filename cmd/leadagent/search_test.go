package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/store/storetest"
)

// TestIngestAndSearchJSON checks the contract other programs read:
// leadagent search --json prints [{"document", "title", "chunk", "score"}],
// best first, with document the path as ingested.
func TestIngestAndSearchJSON(t *testing.T) {
	t.Setenv("DATABASE_URL", storetest.NewDatabaseURL(t))
	t.Setenv("EMBEDDING_PROVIDER", "")
	t.Setenv("OPENAI_API_KEY", "")
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"ingest", "../../demo/knowledge"}, &out, &errOut); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errOut.String())
	}
	out.Reset()
	if code := run(ctx, []string{"ingest", "../../demo/knowledge"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "0 ingested, 10 unchanged") {
		t.Fatalf("re-ingest: exit %d: %s", code, out.String())
	}
	out.Reset()
	if code := run(ctx, []string{"search", "how much is a furnace tune-up", "--k", "3", "--json"}, &out, &errOut); code != 0 {
		t.Fatalf("search: exit %d: %s", code, errOut.String())
	}
	var results []struct {
		Document *string  `json:"document"`
		Title    *string  `json:"title"`
		Chunk    *string  `json:"chunk"`
		Score    *float64 `json:"score"`
	}
	if err := json.Unmarshal(out.Bytes(), &results); err != nil {
		t.Fatalf("search --json printed %q: %v", out.String(), err)
	}
	if len(results) == 0 || len(results) > 3 {
		t.Fatalf("%d results for --k 3", len(results))
	}
	for i, r := range results {
		if r.Document == nil || r.Title == nil || r.Chunk == nil || r.Score == nil {
			t.Fatalf("result %d lacks a field: %s", i, out.String())
		}
		if !strings.HasPrefix(*r.Document, "../../demo/knowledge/") {
			t.Errorf("document %q is not the path as ingested", *r.Document)
		}
		if i > 0 && *r.Score > *results[i-1].Score {
			t.Errorf("results not best first: %v after %v", *r.Score, *results[i-1].Score)
		}
	}
	found := false
	for _, r := range results {
		found = found || strings.Contains(*r.Chunk, "$129")
	}
	if !found {
		t.Errorf("no chunk of the top 3 gives the tune-up price: %s", out.String())
	}
	if code := run(ctx, []string{"search"}, &out, &errOut); code != 2 {
		t.Errorf("search without a query: exit %d, want 2", code)
	}
}
