package knowledge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Namespaces lists the namespaces that hold documents and whose name
// starts with prefix, in order.
func (b *Base) Namespaces(ctx context.Context, prefix string) ([]string, error) {
	rows, err := b.pool.Query(ctx, `SELECT DISTINCT namespace FROM documents
		WHERE starts_with(namespace, $1) ORDER BY namespace`, prefix)
	if err != nil {
		return nil, fmt.Errorf("namespaces %q: %w", prefix, err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("namespaces %q: %w", prefix, err)
	}
	return list, nil
}

// DeleteNamespace deletes a namespace's documents, their chunks and its
// term statistics, in one transaction. The business's own knowledge
// (DefaultNamespace) cannot be deleted this way.
func (b *Base) DeleteNamespace(ctx context.Context, ns string) error {
	if strings.TrimSpace(ns) == "" || ns == DefaultNamespace {
		return errors.New("delete namespace: the business's knowledge is not deleted with its namespace")
	}
	err := pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
		// Chunks first, in one statement: the triggers that keep the term
		// statistics then run once, not once per document.
		for _, q := range []string{
			`DELETE FROM chunks WHERE namespace = $1`,
			`DELETE FROM documents WHERE namespace = $1`,
			`DELETE FROM knowledge_terms WHERE namespace = $1`,
			`DELETE FROM knowledge_namespaces WHERE namespace = $1`,
		} {
			if _, err := tx.Exec(ctx, q, ns); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete namespace %s: %w", ns, err)
	}
	b.stats.invalidate()
	return nil
}
