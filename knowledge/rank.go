package knowledge

import (
	"cmp"
	"slices"
)

// The last step of search, in Go: the candidates the two indexes found
// are scored again by a field-weighted BM25 (BM25F) over their title,
// heading and text, with the question's terms weighted as queryPlan
// says (rarity, question form, lexicon expansions), and three rankings
// are fused: the vector search's, the full-text index's and BM25F's.
//
// BM25F is what ts_rank_cd is not: it knows that "noise" in a chunk
// matters more than "furnace" when every chunk says "furnace", that a
// word said five times is not five times the evidence, that a question's
// words in a chunk's title (for an FAQ, the question it answers) say more
// than the same words in its text, and that a synonym is weaker evidence
// than the lead's own word.

// BM25F's parameters: the usual k1 and b, and how much more a word in the
// title or heading counts than one in the text.
const (
	bm25K1          = 1.2
	bm25B           = 0.75
	bm25TitleWeight = 2.0
)

// candidate is a chunk either index found, with what they said of it.
type candidate struct {
	Result
	vecRank, txtRank int // 1-based; 0 when that search did not find it
	bm25             float64
	bm25Rank         int
}

// fuse scores the candidates by BM25F and orders them by the weighted
// reciprocal rank fusion of the three rankings, best first. Ties go to
// the higher sum of the raw scores, then to the lower chunk id.
func fuse(cands []candidate, plan queryPlan, w fusionWeights) {
	if len(cands) == 0 {
		return
	}
	scoreBM25F(cands, plan)
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(cands[b].bm25, cands[a].bm25); c != 0 {
			return c
		}
		return cmp.Compare(cands[a].ChunkID, cands[b].ChunkID)
	})
	for r, i := range order {
		if cands[i].bm25 > 0 {
			cands[i].bm25Rank = r + 1
		}
	}
	for i := range cands {
		c := &cands[i]
		c.Score = 0
		if c.vecRank > 0 {
			c.Score += w.vector / (rrfK + float64(c.vecRank))
		}
		if c.txtRank > 0 {
			c.Score += w.text / (rrfK + float64(c.txtRank))
		}
		if c.bm25Rank > 0 {
			c.Score += w.bm25 / (rrfK + float64(c.bm25Rank))
		}
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(b.VectorScore+b.TextRank+b.bm25, a.VectorScore+a.TextRank+a.bm25); c != 0 {
			return c
		}
		return cmp.Compare(a.ChunkID, b.ChunkID)
	})
}

// fusionWeights scale each ranking's share of the fused score.
type fusionWeights struct {
	vector, text, bm25 float64
}

// scoreBM25F sets each candidate's bm25. Field lengths are in content
// words (stopwords dropped) and normalised by the candidates' average,
// which stands in for the base's.
func scoreBM25F(cands []candidate, plan queryPlan) {
	type fields struct {
		head, body map[string]int
		headLen    int
		bodyLen    int
	}
	fs := make([]fields, len(cands))
	qs := newStemSet(plan)
	var headSum, bodySum float64
	for i, c := range cands {
		head := c.Title
		if c.Heading != "" && c.Heading != c.Title {
			head += "\n" + c.Heading
		}
		fs[i].head, fs[i].headLen = qs.counts(head)
		fs[i].body, fs[i].bodyLen = qs.counts(c.Content)
		headSum += float64(fs[i].headLen)
		bodySum += float64(fs[i].bodyLen)
	}
	n := float64(len(cands))
	avgHead := max(headSum/n, 1)
	avgBody := max(bodySum/n, 1)
	for i := range cands {
		f := fs[i]
		headNorm := 1 - bm25B + bm25B*float64(f.headLen)/avgHead
		bodyNorm := 1 - bm25B + bm25B*float64(f.bodyLen)/avgBody
		var score float64
		for _, t := range plan.terms {
			tf := bm25TitleWeight*float64(f.head[t.stem])/headNorm + float64(f.body[t.stem])/bodyNorm
			if tf == 0 {
				continue
			}
			score += t.weight() * tf / (bm25K1 + tf)
		}
		cands[i].bm25 = score
	}
}

// stemCounts counts, among a text's content words, those whose stem is
// one of the question's, and returns the number of content words. A
// word's stem is its prefix but for the last letter ("happy", "happi"),
// so only words that start like a question's stem are stemmed.
func (q stemSet) counts(text string) (map[string]int, int) {
	m := map[string]int{}
	n := 0
	for _, w := range words(text) {
		if isStopword(w) {
			continue
		}
		n++
		if len(w) < 2 || !q.prefixes[w[:2]] {
			continue
		}
		if s := stem(w); q.stems[s] {
			m[s]++
		}
	}
	return m, n
}

// stemSet is the stems of a question's terms, with their first two bytes
// to rule out most words without stemming them.
type stemSet struct {
	stems    map[string]bool
	prefixes map[string]bool
}

func newStemSet(plan queryPlan) stemSet {
	q := stemSet{stems: map[string]bool{}, prefixes: map[string]bool{}}
	for _, t := range plan.terms {
		q.stems[t.stem] = true
		if len(t.stem) >= 2 {
			q.prefixes[t.stem[:2]] = true
		} else {
			// One-letter stems ("x") match only themselves.
			q.prefixes[t.stem] = true
		}
	}
	return q
}
