package evals

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// pruneNamespaces deletes the knowledge a suite's earlier files left: its
// other namespaces (the suite's name, another hash: see Namespace), with
// their documents and chunks, except those a run in progress still
// searches. Without it every edit of a suite's knowledge would leave a
// copy of all of it in the database. current is the namespace of the run
// that prunes, recorded already, so concurrent runs spare it too.
func (r *Runner) pruneNamespaces(ctx context.Context, suite, current string) error {
	prefix := namespacePrefix + suite + ":"
	list, err := r.Knowledge.Namespaces(ctx, prefix)
	if err != nil {
		return fmt.Errorf("suite %s: %w", suite, err)
	}
	inUse, err := runningNamespaces(ctx, r.DB, prefix)
	if err != nil {
		return fmt.Errorf("suite %s: %w", suite, err)
	}
	for _, ns := range list {
		// Only a hash after the prefix: suite "a" must not prune suite
		// "a:b"'s namespaces.
		if ns == current || inUse[ns] || !isNamespaceHash(strings.TrimPrefix(ns, prefix)) {
			continue
		}
		if err := r.Knowledge.DeleteNamespace(ctx, ns); err != nil {
			return fmt.Errorf("suite %s: %w", suite, err)
		}
	}
	return nil
}

// runningNamespaces are the namespaces with the prefix that runs in
// progress search.
func runningNamespaces(ctx context.Context, db DB, prefix string) (map[string]bool, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT namespace FROM eval_runs WHERE state = $1 AND starts_with(namespace, $2)`,
		StateRunning, prefix)
	if err != nil {
		return nil, fmt.Errorf("namespaces in use: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("namespaces in use: %w", err)
	}
	out := make(map[string]bool, len(list))
	for _, ns := range list {
		out[ns] = true
	}
	return out, nil
}

// isNamespaceHash reports whether s is the hash Namespace appends.
func isNamespaceHash(s string) bool {
	if len(s) != namespaceHashLen {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}
