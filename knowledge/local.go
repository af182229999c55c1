package knowledge

import (
	"context"
	"math"
)

// LocalEmbedder embeds text without a network or a model: it hashes what a
// text says into Dimensions numbers (the "hashing trick").
//
// Three families of features are counted: word stems (stopwords dropped,
// light stemming), pairs of neighbouring stems (so "credit card" is more
// than "credit" and "card"), and character n-grams of each word (so typos,
// compounds and unseen inflections still overlap: "illnes" and "illness").
// Counts are damped (1+ln tf), each feature is added with a sign taken
// from its hash so that collisions cancel instead of piling up, each
// family is normalised and weighted, and the sum is scaled to unit length.
//
// Cosine similarity between two such vectors approximates the weighted
// overlap of what the two texts say. It knows no synonyms; full-text
// search does not either, which is why search fuses both and why the
// openai embedder exists.
type LocalEmbedder struct {
	weights localWeights
}

// localWeights are the knobs of the local embedder. They are fixed per
// Name: changing one changes every vector.
type localWeights struct {
	word, pair, char float64 // share of each feature family
	minN, maxN       int     // character n-gram lengths
	title            float64 // weight of title and heading against the text of a passage
}

// localName is stored with every chunk the local embedder embeds: bump it
// whenever the features or weights change, so that re-ingesting re-embeds.
const localName = "local-v1"

// NewLocalEmbedder returns the local embedder.
func NewLocalEmbedder() *LocalEmbedder {
	return &LocalEmbedder{weights: localWeights{
		word: 1, pair: 0.5, char: 0.7,
		minN: 3, maxN: 5,
		title: 0.7,
	}}
}

// Name implements Embedder.
func (e *LocalEmbedder) Name() string { return localName }

// Embed implements Embedder.
func (e *LocalEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	h := newFeatureHasher(e.weights)
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[i] = h.vector(t)
	}
	return out, nil
}

// EmbedPassages implements PassageEmbedder: the title and heading are
// embedded apart and mixed in with a fixed weight, so that a short title
// ("Do you offer financing?") counts as much in a long chunk as in a short
// one.
func (e *LocalEmbedder) EmbedPassages(ctx context.Context, passages []Passage) ([][]float32, error) {
	h := newFeatureHasher(e.weights)
	out := make([][]float32, len(passages))
	for i, p := range passages {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		head := p.Title
		if p.Heading != "" && p.Heading != p.Title {
			head = joinNonEmpty(head, p.Heading, "\n")
		}
		body := h.vector(p.Text)
		if head == "" || e.weights.title == 0 {
			out[i] = body
			continue
		}
		top := h.vector(head)
		v := make([]float32, Dimensions)
		for j := range v {
			v[j] = float32(e.weights.title)*top[j] + body[j]
		}
		normalize(v)
		out[i] = v
	}
	return out, nil
}

// featureHasher holds the scratch space of one Embed call.
type featureHasher struct {
	w      localWeights
	counts [3]map[uint64]int
	acc    [3][Dimensions]float64
}

func newFeatureHasher(w localWeights) *featureHasher {
	h := &featureHasher{w: w}
	for i := range h.counts {
		h.counts[i] = make(map[uint64]int, 256)
	}
	return h
}

const (
	famWord = iota
	famPair
	famChar
)

func (h *featureHasher) vector(text string) []float32 {
	for i := range h.counts {
		clear(h.counts[i])
	}
	prev := ""
	buf := make([]byte, 0, 32)
	for _, w := range words(text) {
		if isStopword(w) {
			continue
		}
		s := stem(w)
		h.counts[famWord][hashString(famWord, s)]++
		if prev != "" {
			h.counts[famPair][hashPair(prev, s)]++
		}
		prev = s
		// Character n-grams of the word with its boundaries marked, so
		// that prefixes and suffixes differ from the middle of a word.
		buf = append(append(append(buf[:0], '<'), w...), '>')
		for n := h.w.minN; n <= h.w.maxN; n++ {
			for i := 0; i+n <= len(buf); i++ {
				h.counts[famChar][hashBytes(famChar, buf[i:i+n])]++
			}
		}
	}
	return h.finish(func(_ int, _ uint64, n int) float64 {
		return 1 + math.Log(float64(n))
	})
}

// finish turns the counted features into the vector: value(family, key,
// count) is each feature's damped count, signed and summed into its
// bucket; each family is normalised and weighted, and the sum scaled to
// unit length.
func (h *featureHasher) finish(value func(fam int, key uint64, n int) float64) []float32 {
	weights := [3]float64{h.w.word, h.w.pair, h.w.char}
	v := make([]float32, Dimensions)
	for f := range h.counts {
		acc := &h.acc[f]
		*acc = [Dimensions]float64{}
		for key, n := range h.counts[f] {
			tf := value(f, key, n)
			if key>>63 == 1 {
				tf = -tf
			}
			acc[key%Dimensions] += tf
		}
		var norm float64
		for _, x := range acc {
			norm += x * x
		}
		if norm == 0 {
			continue
		}
		scale := weights[f] / math.Sqrt(norm)
		for i, x := range acc {
			v[i] += float32(x * scale)
		}
	}
	normalize(v)
	return v
}

// normalize scales v to unit length; a zero vector stays zero.
func normalize(v []float32) {
	var norm float64
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	if norm == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(norm))
	for i := range v {
		v[i] *= inv
	}
}

// FNV-1a, 64 bits, seeded with the feature family so that the word "car"
// and the trigram "car" land in different places.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashBytes(family byte, b []byte) uint64 {
	h := uint64(fnvOffset)
	h ^= uint64(family)
	h *= fnvPrime
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return mix(h)
}

func hashString(family byte, s string) uint64 {
	h := uint64(fnvOffset)
	h ^= uint64(family)
	h *= fnvPrime
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return mix(h)
}

func hashPair(a, b string) uint64 {
	h := uint64(fnvOffset)
	h ^= famPair
	h *= fnvPrime
	for i := 0; i < len(a); i++ {
		h ^= uint64(a[i])
		h *= fnvPrime
	}
	h ^= ' '
	h *= fnvPrime
	for i := 0; i < len(b); i++ {
		h ^= uint64(b[i])
		h *= fnvPrime
	}
	return mix(h)
}

// mix spreads FNV's low-entropy high bits (the sign) and low bits (the
// bucket) with a final avalanche (from SplitMix64).
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e9b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// weightedQuery embeds a question for search with each word's features
// scaled by how much the word says (its queryTerm weight), so that the
// cosine with a passage counts the rare words of the question more than
// the common ones: in a base where every chunk says "furnace", a question
// about furnace noise is about "noise". Passages are embedded as before;
// only the question side is weighted, so the stored vectors serve both.
// The lexicon's expansions add their word features (not their character
// n-grams: a synonym is a meaning, not a spelling).
func (e *LocalEmbedder) weightedQuery(question string, plan queryPlan) []float32 {
	weight := make(map[string]float64, len(plan.terms))
	for _, t := range plan.terms {
		if !t.expansion {
			weight[t.stem] = t.weight()
		}
	}
	h := newFeatureHasher(e.weights)
	var sums [3]map[uint64]float64
	for i := range sums {
		sums[i] = make(map[uint64]float64, 64)
	}
	add := func(fam int, key uint64, w float64) {
		h.counts[fam][key]++
		sums[fam][key] += w
	}
	prev, prevW := "", 0.0
	buf := make([]byte, 0, 32)
	for _, w := range words(question) {
		if isStopword(w) {
			continue
		}
		s := stem(w)
		wt, ok := weight[s]
		if !ok {
			// Beyond maxQueryTerms: as little as a common word.
			wt = 0
		}
		add(famWord, hashString(famWord, s), wt)
		if prev != "" {
			add(famPair, hashPair(prev, s), math.Sqrt(prevW*wt))
		}
		prev, prevW = s, wt
		buf = append(append(append(buf[:0], '<'), w...), '>')
		for n := e.weights.minN; n <= e.weights.maxN; n++ {
			for i := 0; i+n <= len(buf); i++ {
				add(famChar, hashBytes(famChar, buf[i:i+n]), wt)
			}
		}
	}
	for _, t := range plan.terms {
		if t.expansion {
			add(famWord, hashString(famWord, t.stem), t.weight())
		}
	}
	return h.finish(func(fam int, key uint64, n int) float64 {
		return sums[fam][key] / float64(n) * (1 + math.Log(float64(n)))
	})
}
