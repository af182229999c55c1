package knowledge

import "testing"

// BenchBase and BenchQueries let the external benchmarks (agent turns over
// the 100,000-chunk base) reuse the cached benchmark corpus.
func BenchBase(b *testing.B) *Base { return benchSearchBase(b) }

func BenchQueries(n int) []string {
	c := newSynthCorpus(3)
	q := make([]string, n)
	for i := range q {
		q[i] = c.query()
	}
	return q
}
