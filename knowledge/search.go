package knowledge

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
)

// SearchOptions tune one Search.
type SearchOptions struct {
	// K is how many results to return; 0 means 5.
	K int
	// Namespace to search; "" is DefaultNamespace.
	Namespace string
}

// rrfK is reciprocal rank fusion's constant: a chunk ranked r in a list
// adds 1/(rrfK+r) to its score. 60 is the value of the original paper
// (Cormack et al., 2009) and works without tuning; it keeps one list's
// first place from drowning what both lists agree on.
const rrfK = 60

// Search returns the chunks of the namespace that best answer query, best
// first. The question is analysed first (analyzeQuery: its words weighted
// by rarity and role, plus the lexicon's synonyms). Two searches run in
// one statement: the nearest chunks to the query's vector (pgvector's
// HNSW index, cosine distance; the local embedder's query vector is
// weighted like the words) and the best full-text matches of the query's
// words (GIN index, ts_rank_cd, any word may match). Their rankings are
// fused by reciprocal rank fusion and the best rerankPool candidates come
// back; BM25F scores them again in Go and the three rankings are fused
// (see fuse), so a chunk that all find rises above one that only one
// finds. Only chunks embedded by the base's embedder are searched. A
// query without words (empty, stopwords, symbols) returns no results and
// no error.
func (b *Base) Search(ctx context.Context, query string, opts SearchOptions) ([]Result, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, nil
	}
	k := opts.K
	if k <= 0 {
		k = 5
	}
	depth := max(b.candidates, k)
	ns := namespaceOrDefault(opts.Namespace)

	query = spellAcronyms(query)
	plan := analyzeQuery(query)
	if plan.empty() {
		// Only stopwords or symbols: nothing says what it is about.
		return nil, nil
	}

	conn, err := b.acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer conn.Release()

	if err := b.stats.setIDF(ctx, conn.Conn(), ns, &plan); err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	vec, err := b.queryVector(ctx, query, plan)
	if err != nil {
		return nil, err
	}
	vecDepth := depth
	if isZero(vec) {
		// Nothing to compare: cosine distance to a zero vector is
		// undefined.
		vecDepth = 0
	}
	tsq := plan.tsquery()
	pool := max(k, b.rerankPool)

	// One round trip: the settings and the search run in the batch's
	// implicit transaction, so is_local settings end with it.
	var q pgx.Batch
	// ef_search must be at least the depth for HNSW to return that many;
	// iterative scans keep looking when the namespace and embedder filters
	// drop candidates; JIT compilation costs more than these queries take.
	q.Queue(`SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('jit', 'off', true)`,
		strconv.Itoa(max(b.efSearch, vecDepth)))
	var cands []candidate
	q.Queue(searchSQL, pgvector.NewVector(vec), ns, b.embedder.Name(), vecDepth, tsq, depth, pool, rrfK, b.vectorWeight, b.textWeight, textRankCap, minSimilarity).Query(func(rows pgx.Rows) error {
		var err error
		cands, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (candidate, error) {
			var c candidate
			err := row.Scan(&c.ChunkID, &c.DocumentPath, &c.Title, &c.Heading, &c.Content, &c.Score, &c.VectorScore, &c.TextRank, &c.vecRank, &c.txtRank)
			return c, err
		})
		return err
	})
	if err := conn.SendBatch(ctx, &q).Close(); err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	fuse(cands, plan, fusionWeights{vector: b.vectorWeight, text: b.textWeight, bm25: b.bm25Weight})
	results := make([]Result, 0, min(k, len(cands)))
	for _, c := range cands[:min(k, len(cands))] {
		results = append(results, c.Result)
	}
	return results, nil
}

// queryVector embeds the question for the vector search: the local
// embedder weighs its words as the plan does (see weightedQuery); another
// embedder gets the question as it is.
func (b *Base) queryVector(ctx context.Context, query string, plan queryPlan) ([]float32, error) {
	if le, ok := b.embedder.(*LocalEmbedder); ok {
		return le.weightedQuery(query, plan), nil
	}
	return embedQuery(ctx, b.embedder, query)
}

// searchSQL is the hybrid search. $1 query vector, $2 namespace, $3
// embedder name, $4 vector depth, $5 OR tsquery text, $6 text depth, $7 k,
// $8 rrfK, $9 and $10 the weights of the vector and text rankings, $11
// the most chunks the text search ranks, $12 minSimilarity.
//
// The vector list is materialised and re-sorted because relaxed-order
// iterative scans may return neighbours slightly out of order.
//
// The text search must not rank half the knowledge base: in a company's
// pages "furnace" or "repair" is in every other chunk, and ranking 50,000
// matches takes half a second. So chunks are selected by the query's
// rarer words (lexemes in at most textCommonChunks chunks of the
// namespace, as knowledge_terms counts them: see stats.go) and only then
// ranked by all of the words; when every
// word is common the rarest one selects, and at most $11 chunks are
// ranked. On a small base no word is common, and the search is exact. The
// rank is normalised by document length (ts_rank_cd option 1) so that long
// chunks do not win by being long.
//
// Fused scores tie whenever one chunk is first in one list and second in
// the other and another chunk the other way round; the sum of the two raw
// scores breaks such ties, so that the order does not depend on chunk ids.
const searchSQL = `
WITH vec AS MATERIALIZED (
	SELECT id, embedding <=> $1 AS distance
	FROM chunks
	WHERE namespace = $2 AND embedder = $3
	ORDER BY embedding <=> $1
	LIMIT $4
), vec_ranked AS (
	SELECT id, 1 - distance AS similarity, row_number() OVER (ORDER BY distance, id) AS rank
	FROM vec
	WHERE 1 - distance >= $12
), terms AS (
	SELECT t.lexeme,
	       coalesce((SELECT k.chunks FROM knowledge_terms k WHERE k.namespace = $2 AND k.lexeme = t.lexeme), 0) AS matches
	FROM unnest(to_tsvector('english', $5)) AS t
), selector AS (
	-- Quoted lexemes: '' doubles a quote and \\ a backslash in tsquery input.
	SELECT coalesce(string_agg('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''', ' | '), '')::tsquery AS query
	FROM (
		SELECT lexeme FROM terms WHERE matches <= ` + textCommonChunks + `
		UNION
		(SELECT lexeme FROM terms ORDER BY matches, lexeme LIMIT 1)
	) rare
), txt AS MATERIALIZED (
	SELECT m.id, ts_rank_cd(m.tsv, to_tsquery('english', $5), 1) AS rank_cd
	FROM (
		SELECT id, tsv FROM chunks
		WHERE namespace = $2 AND embedder = $3 AND tsv @@ (SELECT query FROM selector)
		LIMIT $11
	) m
	ORDER BY rank_cd DESC, m.id
	LIMIT $6
), txt_ranked AS (
	SELECT id, rank_cd, row_number() OVER (ORDER BY rank_cd DESC, id) AS rank
	FROM txt
), fused AS (
	SELECT coalesce(v.id, t.id) AS id,
	       coalesce($9::float8 / ($8::float8 + v.rank), 0) + coalesce($10::float8 / ($8::float8 + t.rank), 0) AS score,
	       coalesce(v.similarity, 0) AS similarity,
	       coalesce(t.rank_cd, 0) AS rank_cd,
	       coalesce(v.rank, 0) AS vec_rank, coalesce(t.rank, 0) AS txt_rank
	FROM vec_ranked v FULL JOIN txt_ranked t ON t.id = v.id
	ORDER BY score DESC, similarity + rank_cd DESC, id
	LIMIT $7
)
SELECT c.id, d.path, c.title, c.heading, c.content,
       f.score::float8, f.similarity::float8, f.rank_cd::float8, f.vec_rank::int, f.txt_rank::int
FROM fused f
JOIN chunks c ON c.id = f.id
JOIN documents d ON d.id = c.document_id
ORDER BY f.score DESC, f.similarity + f.rank_cd DESC, f.id`

// minSimilarity is the cosine similarity below which a chunk is not a
// vector match at all: nearest neighbours always exist, but a query of
// gibberish is only near anything by hash collisions (around ±0.05 for the
// local embedder). The floor applies after the index scan so it never
// makes the scan longer.
const minSimilarity = 0.1

// textCommonChunks is how many chunks a word may be in and still select
// chunks for the text search (a more common one still counts in their
// rank); textRankCap bounds how many chunks the text search ranks.
const (
	textCommonChunks = "500"
	textRankCap      = 800
)

func isZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}
