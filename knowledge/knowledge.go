package knowledge

import (
	"context"
	"fmt"
	"runtime"

	"github.com/jackc/pgx/v5/pgxpool"
	pgxvec "github.com/pgvector/pgvector-go/pgx"
)

// DefaultNamespace holds the business's own knowledge. Other namespaces
// (an eval suite's, for one run) are invisible to it and to each other.
const DefaultNamespace = "default"

// Base is the knowledge base in one PostgreSQL database, embedded with one
// embedder. It is safe for concurrent use.
type Base struct {
	pool     *pgxpool.Pool
	embedder Embedder
	split    splitter
	workers  int
	// candidates is how deep each of the two searches goes before fusion.
	candidates int
	// rerankPool is how many of the fused candidates BM25F scores again.
	rerankPool int
	// vectorWeight, textWeight and bm25Weight scale each ranking's share
	// of the fused score: the vector search's, the full-text index's
	// (ts_rank_cd) and BM25F's over the pool. BM25F weighs words by
	// rarity and knows the lexicon, so it counts most; ts_rank_cd, which
	// weighs every word alike, mostly finds candidates.
	vectorWeight, textWeight, bm25Weight float64
	// efSearch is pgvector's HNSW search breadth (hnsw.ef_search).
	efSearch int
	// stats are the term statistics search weighs words by.
	stats *termStatsCache
}

// New returns the knowledge base stored in pool, embedding with embedder.
func New(pool *pgxpool.Pool, embedder Embedder) *Base {
	return &Base{
		pool:       pool,
		embedder:   embedder,
		split:      splitter{size: defaultChunkSize, overlap: defaultChunkOverlap},
		workers:    max(2, runtime.GOMAXPROCS(0)),
		candidates: 50,
		efSearch:   100,
		stats:      &termStatsCache{},

		rerankPool: 40,

		vectorWeight: 1,
		textWeight:   0.5,
		bm25Weight:   1.5,
	}
}

// Embedder returns the embedder the base embeds with.
func (b *Base) Embedder() Embedder { return b.embedder }

func namespaceOrDefault(ns string) string {
	if ns == "" {
		return DefaultNamespace
	}
	return ns
}

// acquire takes a connection from the pool that knows pgvector's types,
// which binary COPY and vector parameters need. Registration happens once
// per connection: the type map remembers it.
func (b *Base) acquire(ctx context.Context) (*pgxpool.Conn, error) {
	conn, err := b.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("acquire connection: %w", err)
	}
	if _, ok := conn.Conn().TypeMap().TypeForName("vector"); !ok {
		if err := pgxvec.RegisterTypes(ctx, conn.Conn()); err != nil {
			conn.Release()
			return nil, fmt.Errorf("register pgvector types: %w", err)
		}
	}
	return conn, nil
}
