package intent

import (
	"cmp"
	"slices"
	"strings"
)

// Features are hashed into a fixed number of buckets (the hashing trick):
// the model needs no vocabulary, unseen words cost nothing, and the
// weights cannot be read back into the sentences they were learnt from.
//
// Each message gives:
//
//	w:word        every word
//	b:word word   every pair of neighbouring words, with the message's
//	              start and end as words, so "yes" alone differs from
//	              "yes but"
//	c:gram        character 3- to 5-grams of each word with its edges
//	              marked, so "chnge" and "schedual" meet "change" and
//	              "schedule"
//	s:mark        a question mark, an exclamation, shouting, the length
//	p:word        the words of what the agent asked before (lastAsk)
//	x:word|mark   one of those words with the reply's first word or
//	              length, so "yes" after "want someone to call you?"
//	              differs from "yes" after "want me to book you in?"
//
// Everything is lower case and spelt out by normalize first.

// featureConfig fixes how a message becomes features; it is stored with
// the weights, so a model always reads text the way it was trained.
type featureConfig struct {
	Bits       uint8 // log2 of the number of buckets
	CharMin    uint8 // character n-grams from this length
	CharMax    uint8 // to this one; 0 turns them off
	ShortReply uint8 // replies of at most this many words are crossed with the agent's question
	// CharWeight is the value of a character n-gram, in hundredths of a
	// word's: the grams are many, and at full value they drown the words.
	CharWeight uint8
	// Skeleton is the value of a skeleton n-gram in hundredths of a
	// word's; 0 turns them off.
	Skeleton uint8
	// Cues is the value of a cue (cues.go) in hundredths of a word's; 0
	// turns them off.
	Cues uint8
}

func (c featureConfig) charValue() float32 { return float32(c.CharWeight) / 100 }

func defaultFeatureConfig() featureConfig {
	return featureConfig{Bits: 18, CharMin: 3, CharMax: 5, ShortReply: 6, CharWeight: 20, Skeleton: 50, Cues: 100}
}

// FNV-1a, 32 bits: fast, no allocation, and stable across releases.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

type hasher uint32

func newHasher(ns string) hasher {
	h := hasher(fnvOffset)
	return h.add(ns)
}

func (h hasher) add(s string) hasher {
	for i := 0; i < len(s); i++ {
		h ^= hasher(s[i])
		h *= fnvPrime
	}
	return h
}

func (h hasher) byte(c byte) hasher {
	h ^= hasher(c)
	h *= fnvPrime
	return h
}

// feature is one hashed feature of a message: its bucket and its value.
type feature struct {
	bucket uint32
	value  float32
}

// featureSet collects a message's features; a bucket hit twice keeps its
// larger value, as the model was trained.
type featureSet struct {
	mask  uint32
	feats []feature
}

func (f *featureSet) add(h hasher, v float32) {
	// The final avalanche spreads FNV's weak low bits over the mask.
	x := uint32(h)
	x ^= x >> 16
	x *= 0x85ebca6b
	x ^= x >> 13
	f.feats = append(f.feats, feature{x & f.mask, v})
}

// dedupe sorts the features by bucket and merges repeats.
func (f *featureSet) dedupe() {
	b := f.feats
	if len(b) < 2 {
		return
	}
	slices.SortFunc(b, func(x, y feature) int { return cmp.Compare(x.bucket, y.bucket) })
	n := 1
	for i := 1; i < len(b); i++ {
		if b[i].bucket != b[n-1].bucket {
			b[n] = b[i]
			n++
			continue
		}
		b[n-1].value = max(b[n-1].value, b[i].value)
	}
	f.feats = b[:n]
}

// message is what the model reads of one message: the features of its
// words, scaled together to unit length, and its cues, which are not: a
// cue tells of the whole message, however long it is.
type message struct {
	feats []feature
	cues  []feature
}

// read returns the features and cues of a message and the agent's
// message before it, each sorted by bucket, each bucket once; none when
// the message has no words.
func (c featureConfig) read(msg, previous string, buf []feature) message {
	t := normalize(msg)
	if len(t.words) == 0 {
		return message{}
	}
	m := message{feats: c.wordFeatures(t, previous, buf)}
	if c.Cues > 0 {
		f := featureSet{mask: 1<<c.Bits - 1}
		for _, k := range cueSet(t) {
			f.add(newHasher("k:").add(k), float32(c.Cues)/100)
		}
		f.dedupe()
		m.cues = f.feats
	}
	return m
}

// wordFeatures returns the features of a message's words, with the
// agent's message before it.
func (c featureConfig) wordFeatures(t text, previous string, buf []feature) []feature {
	f := featureSet{mask: 1<<c.Bits - 1, feats: buf[:0]}
	words := t.words

	prev := "<s>"
	for _, w := range words {
		f.add(newHasher("w:").add(w), 1)
		f.add(newHasher("b:").add(prev).byte(' ').add(w), 1)
		prev = w
		if c.CharMax > 0 && w[0] != '<' {
			c.charGrams(&f, w)
		}
	}
	f.add(newHasher("b:").add(prev).add(" </s>"), 1)

	marks := []string{lengthMark(len(words))}
	if t.question {
		marks = append(marks, "?")
	}
	if t.exclaim {
		marks = append(marks, "!")
	}
	if t.shouting {
		marks = append(marks, "caps")
	}
	for _, m := range marks {
		f.add(newHasher("s:").add(m), 1)
	}

	if c.Skeleton > 0 {
		c.skeletonGrams(&f, t)
	}

	if ask := normalize(lastAsk(previous)); len(ask.words) > 0 {
		first := words[0]
		short := len(words) <= int(c.ShortReply)
		f.add(newHasher("p:<asked>").add(boolMark(ask.question)), 1)
		for _, p := range ask.words {
			f.add(newHasher("p:").add(p), 1)
			f.add(newHasher("x:").add(p).byte('|').add(marks[0]), 1)
			if short {
				f.add(newHasher("x:").add(p).byte('|').add(first), 1)
			}
		}
	}
	f.dedupe()
	return f.feats
}

// skeletonGrams adds the 3- and 4-grams of the clause's skeleton.
func (c featureConfig) skeletonGrams(f *featureSet, t text) {
	sk := skeleton(t)
	v := float32(c.Skeleton) / 100
	for n := 3; n <= 4; n++ {
		for i := 0; i+n <= len(sk); i++ {
			h := newHasher("g:")
			for _, w := range sk[i : i+n] {
				h = h.add(w).byte(' ')
			}
			f.add(h, v)
		}
	}
}

// charGrams adds the character n-grams of one word, its edges marked.
func (c featureConfig) charGrams(f *featureSet, w string) {
	if len(w) > 40 {
		return // a URL or a run of letters: noise
	}
	var buf [48]byte
	b := append(append(append(buf[:0], '<'), w...), '>')
	v := c.charValue()
	for n := int(c.CharMin); n <= int(c.CharMax) && n <= len(b); n++ {
		for i := 0; i+n <= len(b); i++ {
			h := newHasher("c:")
			for _, ch := range b[i : i+n] {
				h = h.byte(ch)
			}
			f.add(h, v)
		}
	}
}

func lengthMark(n int) string {
	switch {
	case n == 1:
		return "len1"
	case n <= 3:
		return "len3"
	case n <= 7:
		return "len7"
	case n <= 15:
		return "len15"
	}
	return "len+"
}

func boolMark(b bool) string {
	if b {
		return "?"
	}
	return "."
}

// words is normalize's words joined, for tests and tuning.
func words(s string) string { return strings.Join(normalize(s).words, " ") }
