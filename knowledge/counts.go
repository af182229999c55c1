package knowledge

import (
	"context"
	"fmt"
)

// maxCountWords bounds the words one TermCounts asks about: a lead's
// message has a few dozen at most.
const maxCountWords = 64

// TermCounts returns how many of the namespace's chunks (those embedded by
// the base's embedder) hold each word, in any inflection (PostgreSQL's
// english configuration, as full-text search reads it), and how many
// chunks the namespace has. A word that is only a stopword counts 0. The
// answerer weighs a lead's words by it: what few chunks say tells them
// apart.
func (b *Base) TermCounts(ctx context.Context, namespace string, words []string) (map[string]int, int, error) {
	ns := namespaceOrDefault(namespace)
	if len(words) > maxCountWords {
		words = words[:maxCountWords]
	}
	conn, err := b.acquire(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("count words: %w", err)
	}
	defer conn.Release()
	var total int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM chunks WHERE namespace = $1 AND embedder = $2`,
		ns, b.embedder.Name()).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count chunks of %s: %w", ns, err)
	}
	rows, err := conn.Query(ctx, `SELECT w, (SELECT count(*) FROM chunks c
			WHERE c.namespace = $1 AND c.embedder = $2 AND numnode(plainto_tsquery('english', w)) > 0
			  AND c.tsv @@ plainto_tsquery('english', w))
		FROM unnest($3::text[]) AS w`, ns, b.embedder.Name(), words)
	if err != nil {
		return nil, 0, fmt.Errorf("count words in %s: %w", ns, err)
	}
	defer rows.Close()
	out := make(map[string]int, len(words))
	for rows.Next() {
		var w string
		var n int
		if err := rows.Scan(&w, &n); err != nil {
			return nil, 0, fmt.Errorf("count words in %s: %w", ns, err)
		}
		out[w] = n
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("count words in %s: %w", ns, err)
	}
	return out, total, nil
}

// NamespaceRetriever searches one namespace of a base, and counts words
// in it, as the agent's retriever.
type NamespaceRetriever struct {
	Base      *Base
	Namespace string
}

// Search returns the k chunks of the namespace that best answer query.
func (r NamespaceRetriever) Search(ctx context.Context, query string, k int) ([]Result, error) {
	return r.Base.Search(ctx, query, SearchOptions{K: k, Namespace: r.Namespace})
}

// TermCounts is Base.TermCounts in the namespace.
func (r NamespaceRetriever) TermCounts(ctx context.Context, words []string) (map[string]int, int, error) {
	return r.Base.TermCounts(ctx, r.Namespace, words)
}
