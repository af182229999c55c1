package knowledge

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Vocabulary returns the business's own words a caller is likely to say:
// the titles and headings of the namespace's chunks ("Water heaters",
// "Maintenance plan"), short ones first, at most limit (<= 0 is all), for
// a speech recognizer's hints. A heading path ("Heating > Furnace repair")
// is its headings, each a phrase a caller might say. The empty namespace
// is the business's ("default").
func (b *Base) Vocabulary(ctx context.Context, namespace string, limit int) ([]string, error) {
	if namespace == "" {
		namespace = DefaultNamespace
	}
	rows, err := b.pool.Query(ctx, `SELECT t FROM (
			SELECT title AS t FROM chunks WHERE namespace = $1
			UNION SELECT unnest(string_to_array(heading, ' > ')) FROM chunks WHERE namespace = $1) s
		WHERE t <> ''`, namespace)
	if err != nil {
		return nil, fmt.Errorf("vocabulary of %s: %w", namespace, err)
	}
	defer rows.Close()
	var phrases []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("vocabulary of %s: %w", namespace, err)
		}
		// A hint is a phrase of a few words, without punctuation.
		t = strings.Join(strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' }), " ")
		if n := len(strings.Fields(t)); n > 0 && n <= 4 {
			phrases = append(phrases, t)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("vocabulary of %s: %w", namespace, err)
	}
	// Sorted in full before duplicates go, so the same chunks give the
	// same hints, in the same order, whatever order the rows came in.
	sort.Slice(phrases, func(i, j int) bool {
		if a, b := utf8.RuneCountInString(phrases[i]), utf8.RuneCountInString(phrases[j]); a != b {
			return a < b
		}
		return phrases[i] < phrases[j]
	})
	seen := map[string]bool{}
	var out []string
	for _, p := range phrases {
		if k := strings.ToLower(p); !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
