package knowledge

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Inverse document frequencies are kept per namespace: knowledge_terms
// holds how many chunks of each namespace hold each lexeme, and
// knowledge_namespaces how many chunks each namespace has, both kept
// exact by triggers on chunks as ingest writes and replaces them (see
// migration 00011). A word is weighed by its rarity in the namespace
// searched, so what else the database holds (another business's
// knowledge, other eval suites) never changes a search's results.
//
// A search must not pay a round trip for statistics that rarely change,
// so each namespace's counts of the words searched so far are kept for
// statsTTL (and dropped when this base ingests); a search asks the
// database only for words it has not seen in that namespace.

// statsTTL is how long remembered counts serve searches. They change when
// knowledge is ingested, which is rare; an ingest through this base drops
// them at once.
const statsTTL = time.Minute

// maxLexemeCache bounds the words remembered over all namespaces; the
// cache starts again when full.
const maxLexemeCache = 50_000

// termStatsCache is a base's remembered term counts, per namespace.
type termStatsCache struct {
	mu     sync.Mutex
	spaces map[string]*namespaceStats
	words  int // remembered over all namespaces
}

// namespaceStats are one namespace's counts, as fetched at one time.
type namespaceStats struct {
	fetched time.Time
	chunks  float64
	// words maps a word to the chunks holding its lexeme; -1 for a
	// stopword to PostgreSQL's english configuration (no lexeme).
	words map[string]float64
}

// invalidate drops every remembered count (after an ingest).
func (c *termStatsCache) invalidate() {
	c.mu.Lock()
	c.spaces, c.words = nil, 0
	c.mu.Unlock()
}

// setIDF sets the inverse document frequency of the plan's terms in
// namespace ns.
func (c *termStatsCache) setIDF(ctx context.Context, conn *pgx.Conn, ns string, plan *queryPlan) error {
	c.mu.Lock()
	s := c.spaces[ns]
	if s != nil && time.Since(s.fetched) > statsTTL {
		c.words -= len(s.words)
		delete(c.spaces, ns)
		s = nil
	}
	var missing []string
	for _, t := range plan.terms {
		if s == nil || !has(s.words, t.word) {
			missing = append(missing, t.word)
		}
	}
	c.mu.Unlock()

	var (
		chunks  float64
		fetched map[string]float64
	)
	if len(missing) > 0 {
		fetched = make(map[string]float64, len(missing))
		rows, err := conn.Query(ctx, termCountsSQL, ns, missing)
		if err != nil {
			return fmt.Errorf("term statistics of %s: %w", ns, err)
		}
		var (
			word    string
			stop    bool
			matches float64
		)
		_, err = pgx.ForEachRow(rows, []any{&word, &stop, &matches, &chunks}, func() error {
			if stop {
				matches = -1
			}
			fetched[word] = matches
			return nil
		})
		if err != nil {
			return fmt.Errorf("term statistics of %s: %w", ns, err)
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.spaces == nil || c.words+len(fetched) > maxLexemeCache {
		c.spaces, c.words = map[string]*namespaceStats{}, 0
	}
	s = c.spaces[ns]
	if s == nil {
		s = &namespaceStats{fetched: time.Now(), words: make(map[string]float64, len(fetched))}
		c.spaces[ns] = s
	}
	if len(fetched) > 0 {
		s.chunks = chunks
	}
	for w, n := range fetched {
		if !has(s.words, w) {
			c.words++
		}
		s.words[w] = n
	}

	df := make(map[string]float64, len(plan.terms))
	for _, t := range plan.terms {
		n, ok := s.words[t.word]
		if !ok {
			n = fetched[t.word]
		}
		switch {
		case n < 0:
			// A stopword to PostgreSQL's english configuration: in
			// nearly every text.
			df[t.word] = s.chunks
		default:
			// A word in no chunk counts as in one: it weighs as the
			// rarest word there is, no more.
			df[t.word] = max(n, 1)
		}
	}
	plan.setIDF(s.chunks, df)
	return nil
}

func has(m map[string]float64, k string) bool {
	_, ok := m[k]
	return ok
}

// termCountsSQL: $1 namespace, $2 words. Each word, whether it is a
// stopword (no lexeme), the chunks of the namespace that hold its lexeme,
// and the namespace's chunks (0 for an empty namespace, and then setIDF
// leaves the weights alone).
const termCountsSQL = `
SELECT w.word, l.lexeme IS NULL, coalesce(t.chunks, 0)::float8,
       coalesce((SELECT n.chunks FROM knowledge_namespaces n WHERE n.namespace = $1), 0)::float8
FROM unnest($2::text[]) AS w(word)
LEFT JOIN LATERAL (SELECT x.lexeme FROM unnest(to_tsvector('english', w.word)) AS x LIMIT 1) l ON true
LEFT JOIN knowledge_terms t ON t.namespace = $1 AND t.lexeme = l.lexeme`
