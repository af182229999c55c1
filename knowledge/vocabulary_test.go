package knowledge

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestVocabulary: the speech hints are the namespace's titles and
// headings of at most 4 words, each once whatever its case, shortest
// first, at most the limit.
func TestVocabulary(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	business := writeFiles(t, map[string]string{
		"water-heaters.md": "# Water heaters\n\nWe repair and replace tank water heaters.\n\n" +
			"## Tankless units\n\nTankless units heat water on demand.\n\n" +
			"## What a new tank costs, installed and hauled away\n\nA 50-gallon tank is $1,450 installed.\n",
		"plan.md": "---\ntitle: Maintenance plan\n---\n\nTwo tune-ups a year for $199.\n\n" +
			"## WATER HEATERS\n\nThe plan flushes your tank once a year.\n\n" +
			"## Heating\n\nWe service furnaces and boilers.\n\n" +
			"### Furnace repair\n\nPlan members pay no diagnostic fee.\n\n" +
			"## Hours & service area\n\nWe work Monday to Saturday in Fort Collins.\n",
	})
	tb.ingest(t, DefaultNamespace, business)
	tb.ingest(t, "eval:roofs", writeFiles(t, map[string]string{
		"roofs.md": "# Roofs\n\nWe repair roofs.\n\n## Roof inspection\n\nAn inspection costs $250.\n",
	}))

	// Water heaters is a title and, in capitals, a heading: once. The
	// heading path "Heating > Furnace repair" is two phrases, the long
	// heading none, and "&" is no word.
	all := []string{"Heating", "WATER HEATERS", "Furnace repair", "Tankless units", "Maintenance plan", "Hours service area"}
	tests := []struct {
		name      string
		namespace string
		limit     int
		want      []string
	}{
		{"every title and heading, shortest first", DefaultNamespace, 0, all},
		{"the empty namespace is the business's", "", 0, all},
		{"a limit keeps the shortest", DefaultNamespace, 3, all[:3]},
		{"a limit above the count is all", DefaultNamespace, 100, all},
		{"another namespace has only its own", "eval:roofs", 0, []string{"Roofs", "Roof inspection"}},
		{"a namespace without chunks has none", "eval:none", 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tb.base.Vocabulary(tb.ctx, tt.namespace, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Vocabulary(%q, %d) = %q\nwant %q", tt.namespace, tt.limit, got, tt.want)
			}
			seen := map[string]bool{}
			for i, p := range got {
				if n := len(strings.Fields(p)); n == 0 || n > 4 {
					t.Errorf("%q: %d words, want 1 to 4", p, n)
				}
				if k := strings.ToLower(p); seen[k] {
					t.Errorf("%q twice", p)
				} else {
					seen[k] = true
				}
				if i > 0 && utf8.RuneCountInString(p) < utf8.RuneCountInString(got[i-1]) {
					t.Errorf("%q after the longer %q", p, got[i-1])
				}
			}
		})
	}
}
