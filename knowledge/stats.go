package knowledge

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Inverse document frequencies come from PostgreSQL's statistics of the
// chunks' full-text column: ANALYZE (which Ingest runs, and autovacuum
// after it) keeps the most common lexemes of a sample with the share of
// rows that hold each, up to ten times the statistics target (1,000 by
// default). A word that is not among them is rarer than the rarest that
// is. The statistics cover every namespace: what is common in a
// business's knowledge is common in all of it.
//
// Reading pg_stats costs milliseconds, more than the rest of a search's
// SQL can spare, so a snapshot is kept for statsTTL (and dropped when
// this base ingests), and so is each word's lexeme under the english
// configuration; a search asks the database only for words it has not
// seen.

// statsTTL is how long a snapshot of the statistics serves searches.
// Statistics change when a table is analysed, which is rarely.
const statsTTL = time.Minute

// maxLexemeCache bounds the remembered word → lexeme pairs; the cache
// starts again when full.
const maxLexemeCache = 50_000

// termStatsCache is a base's snapshot of the statistics and its lexemes.
type termStatsCache struct {
	mu      sync.Mutex
	fetched time.Time
	rows    float64            // estimated rows of the chunks table
	freq    map[string]float64 // lexeme → share of rows holding it
	minFreq float64            // the smallest share listed
	lexeme  map[string]string  // word → lexeme; "" for a stopword
}

// invalidate drops the snapshot of the statistics (after an ANALYZE).
func (c *termStatsCache) invalidate() {
	c.mu.Lock()
	c.fetched = time.Time{}
	c.mu.Unlock()
}

// setIDF sets the inverse document frequency of the plan's terms.
func (c *termStatsCache) setIDF(ctx context.Context, conn *pgx.Conn, plan *queryPlan) error {
	c.mu.Lock()
	stale := c.fetched.IsZero() || time.Since(c.fetched) > statsTTL
	var missing []string
	for _, t := range plan.terms {
		if _, ok := c.lexeme[t.word]; !ok {
			missing = append(missing, t.word)
		}
	}
	c.mu.Unlock()

	var (
		rows, minFreq float64
		freq          map[string]float64
		lexemes       map[string]string
	)
	if stale || len(missing) > 0 {
		var b pgx.Batch
		if stale {
			freq = map[string]float64{}
			b.Queue(statsSQL).Query(func(r pgx.Rows) error {
				for r.Next() {
					var (
						elems []string
						freqs []float64
					)
					if err := r.Scan(&rows, &elems, &freqs); err != nil {
						return err
					}
					for i, e := range elems {
						if i < len(freqs) {
							freq[e] = freqs[i]
							if minFreq == 0 || freqs[i] < minFreq {
								minFreq = freqs[i]
							}
						}
					}
				}
				return r.Err()
			})
		}
		if len(missing) > 0 {
			lexemes = map[string]string{}
			b.Queue(lexemesSQL, missing).Query(func(r pgx.Rows) error {
				for r.Next() {
					var w, l string
					if err := r.Scan(&w, &l); err != nil {
						return err
					}
					lexemes[w] = l
				}
				return r.Err()
			})
		}
		if err := conn.SendBatch(ctx, &b).Close(); err != nil {
			return fmt.Errorf("term statistics: %w", err)
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if stale {
		c.rows, c.freq, c.minFreq, c.fetched = rows, freq, minFreq, time.Now()
	}
	if len(c.lexeme)+len(lexemes) > maxLexemeCache || c.lexeme == nil {
		c.lexeme = make(map[string]string, len(lexemes))
	}
	for w, l := range lexemes {
		c.lexeme[w] = l
	}
	df := make(map[string]float64, len(plan.terms))
	for _, t := range plan.terms {
		l, ok := c.lexeme[t.word]
		if !ok {
			l, ok = lexemes[t.word]
		}
		switch f, listed := c.freq[l]; {
		case !ok || l == "":
			// A stopword to PostgreSQL's english configuration: in
			// nearly every text.
			df[t.word] = c.rows
		case listed:
			df[t.word] = f * c.rows
		case c.minFreq > 0:
			// Below the rarest listed lexeme: half its count, and at
			// least one chunk.
			df[t.word] = max(1, c.minFreq*c.rows/2)
		default:
			df[t.word] = 1
		}
	}
	plan.setIDF(c.rows, df)
	return nil
}

// statsSQL reads the statistics: the table's estimated row count (0 when
// never analysed, and then setIDF leaves the weights alone), its most
// common lexemes and the share of rows holding each.
const statsSQL = `
SELECT (SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'chunks'::regclass)::float8,
       coalesce(s.most_common_elems::text::text[], '{}'),
       coalesce(s.most_common_elem_freqs::float8[], '{}')
FROM (SELECT 1) one
LEFT JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = 'chunks' AND s.attname = 'tsv'`

// lexemesSQL: $1 words; each word with its lexeme, "" for a stopword.
const lexemesSQL = `
SELECT w.word, coalesce((SELECT t.lexeme FROM unnest(to_tsvector('english', w.word)) AS t LIMIT 1), '')
FROM unnest($1::text[]) AS w(word)`
