package agent

import (
	"sync"

	"github.com/leadagent/leadagent/knowledge"
)

// chunkAnalysis is what the offline responder reads out of a chunk before
// it looks at the question: its passages and their terms. It depends on
// the chunk alone, so it is computed once per chunk and kept.
type chunkAnalysis struct {
	key       string // title, heading and text: tells a reused id with new text apart
	passages  []passage
	terms     []map[string]int
	ctxTerms  []map[string]int
	headTerms []map[string]int
	quote     []bool
}

// chunkCache keeps recent analyses, bounded; the maps in it are shared
// and must not be written to.
type chunkCache struct {
	mu      sync.Mutex
	entries map[int64]*chunkAnalysis
	max     int
}

func newChunkCache(max int) *chunkCache {
	return &chunkCache{entries: map[int64]*chunkAnalysis{}, max: max}
}

func (c *chunkCache) analyze(r knowledge.Result, head, faq string) *chunkAnalysis {
	if c != nil {
		c.mu.Lock()
		a, ok := c.entries[r.ChunkID]
		c.mu.Unlock()
		if ok && a.key == cacheKey(r) {
			return a
		}
	}
	a := &chunkAnalysis{key: cacheKey(r), passages: parsePassages(r.Content)}
	for _, p := range a.passages {
		a.terms = append(a.terms, passageTerms(p.text))
		a.ctxTerms = append(a.ctxTerms, passageTerms(faq+" / "+p.context))
		a.headTerms = append(a.headTerms, passageTerms(head+" / "+p.heading))
		a.quote = append(a.quote, isQuotation(p.text))
	}
	if c != nil {
		c.mu.Lock()
		if len(c.entries) >= c.max {
			// Dropping everything is crude but bounded; a busy knowledge
			// base refills the cache with what leads ask about.
			c.entries = map[int64]*chunkAnalysis{}
		}
		c.entries[r.ChunkID] = a
		c.mu.Unlock()
	}
	return a
}

func cacheKey(r knowledge.Result) string { return r.Title + "\x00" + r.Heading + "\x00" + r.Content }
