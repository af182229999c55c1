package agent

import (
	"strings"
	"testing"

	"github.com/leadagent/leadagent/knowledge"
)

func TestChunkCache(t *testing.T) {
	t.Parallel()
	c := newChunkCache(2)
	r := knowledge.Result{ChunkID: 1, Title: "Pricing", Content: "A tune-up is $129. A diagnostic visit is $89."}
	first := c.analyze(r, "Pricing", "")
	if again := c.analyze(r, "Pricing", ""); again != first {
		t.Fatal("the same chunk was analysed twice")
	}
	// An id that now carries other text (a test double, a rebuilt base) is analysed anew.
	r.Content = "We are closed on Sundays."
	changed := c.analyze(r, "Pricing", "")
	if changed == first || len(changed.passages) != 1 || !strings.Contains(changed.passages[0].text, "Sundays") {
		t.Fatalf("changed chunk: %+v", changed)
	}
	for id := int64(2); id < 10; id++ {
		c.analyze(knowledge.Result{ChunkID: id, Content: "Text."}, "", "")
	}
	if len(c.entries) > 2 {
		t.Fatalf("cache grew to %d entries, bound is 2", len(c.entries))
	}
}
