package knowledge

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// Vocabulary returns the business's own words a caller is likely to say:
// the titles and headings of the namespace's chunks ("Water heaters",
// "Maintenance plan"), short ones first, at most limit, for a speech
// recognizer's hints. The empty namespace is the business's ("default").
func (b *Base) Vocabulary(ctx context.Context, namespace string, limit int) ([]string, error) {
	if namespace == "" {
		namespace = DefaultNamespace
	}
	rows, err := b.pool.Query(ctx, `SELECT DISTINCT t FROM (
			SELECT title AS t FROM chunks WHERE namespace = $1
			UNION SELECT heading FROM chunks WHERE namespace = $1) s
		WHERE t <> ''`, namespace)
	if err != nil {
		return nil, fmt.Errorf("vocabulary of %s: %w", namespace, err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("vocabulary of %s: %w", namespace, err)
		}
		// A hint is a phrase of a few words, without punctuation.
		t = strings.Join(strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' }), " ")
		if n := len(strings.Fields(t)); n == 0 || n > 4 || seen[strings.ToLower(t)] {
			continue
		}
		seen[strings.ToLower(t)] = true
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("vocabulary of %s: %w", namespace, err)
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) < len(out[j]) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
