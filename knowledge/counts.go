package knowledge

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// maxCountWords bounds the words one TermCounts asks about: a lead's
// message has a few dozen at most.
const maxCountWords = 64

// TermCounts returns how many of the namespace's chunks hold each word, in
// any inflection (PostgreSQL's english configuration, as full-text search
// reads it), and how many chunks the namespace has, from the term
// statistics ingest keeps (knowledge_terms). A stopword counts 0. The
// answerer weighs a lead's words by it: what few chunks say tells them
// apart.
func (b *Base) TermCounts(ctx context.Context, namespace string, words []string) (map[string]int, int, error) {
	ns := namespaceOrDefault(namespace)
	if len(words) > maxCountWords {
		words = words[:maxCountWords]
	}
	var total int
	if err := b.pool.QueryRow(ctx, `SELECT coalesce((SELECT chunks FROM knowledge_namespaces WHERE namespace = $1), 0)`,
		ns).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count chunks of %s: %w", ns, err)
	}
	rows, err := b.pool.Query(ctx, `SELECT w, coalesce((
			SELECT min(t.chunks) FROM unnest(tsvector_to_array(to_tsvector('english', w))) AS l(lexeme)
			JOIN knowledge_terms t ON t.namespace = $1 AND t.lexeme = l.lexeme), 0)
		FROM unnest($2::text[]) AS w`, ns, words)
	if err != nil {
		return nil, 0, fmt.Errorf("count words in %s: %w", ns, err)
	}
	out := make(map[string]int, len(words))
	var w string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&w, &n}, func() error {
		out[w] = n
		return nil
	}); err != nil {
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
