package lexicon_test

import (
	"slices"
	"testing"

	"github.com/leadagent/leadagent/lexicon"
)

// TestKeysMeetAcrossInflections: a lead's form of a word and the
// knowledge's meet, irregular forms included.
func TestKeysMeetAcrossInflections(t *testing.T) {
	t.Parallel()
	l := lexicon.Default()
	for _, pair := range [][2]string{
		{"teeth", "tooth"}, {"children", "child"}, {"warranties", "warranty"}, {"installation", "installing"},
		{"leaking", "leaks"}, {"ran", "run"}, {"Gutters", "gutter"}, {"financing", "finance"},
	} {
		if a, b := l.Key(pair[0]), l.Key(pair[1]); a != b {
			t.Errorf("Key(%q) = %q, Key(%q) = %q: want them equal", pair[0], a, pair[1], b)
		}
	}
	// WordNet lists "offer" as a comparative of "off", "feed" as a plural
	// of "fee" and "data" of "datum"; each is a common word of its own.
	for _, pair := range [][2]string{{"gutter", "butter"}, {"install", "insulate"}, {"cancel", "candle"},
		{"offer", "off"}, {"feed", "fee"}, {"ground", "grind"}, {"data", "datum"}} {
		if l.Key(pair[0]) == l.Key(pair[1]) {
			t.Errorf("%q and %q meet", pair[0], pair[1])
		}
	}
}

func TestLemmaAndPhrases(t *testing.T) {
	t.Parallel()
	l := lexicon.Default()
	for in, want := range map[string]string{"gutters": "gutter", "teeth": "tooth", "ran": "run", "boxes": "box", "xyzzy": "xyzzy"} {
		if got := l.Lemma(in); got != want {
			t.Errorf("Lemma(%q) = %q, want %q", in, got, want)
		}
	}
	if p, ok := l.Phrase("water", "heaters"); !ok || p != "water heater" {
		t.Errorf("Phrase(water, heaters) = %q, %v", p, ok)
	}
	if _, ok := l.Phrase("blue", "heaters"); ok {
		t.Error("blue heaters is no phrase")
	}
	if !l.Known("furnaces") || l.Known("qwzx") {
		t.Error("Known is wrong")
	}
}

// TestCommonWordsCountMore: how common a word is orders words from
// framing ("get") to topical ("warranty").
func TestCommonWordsCountMore(t *testing.T) {
	t.Parallel()
	l := lexicon.Default()
	if !(l.Count("get") > l.Count("price") && l.Count("price") > l.Count("warranty")) {
		t.Errorf("counts get %d, price %d, warranty %d", l.Count("get"), l.Count("price"), l.Count("warranty"))
	}
	if l.Count("qwzx") != 0 {
		t.Error("an unknown word counts")
	}
}

func TestRelatedWords(t *testing.T) {
	t.Parallel()
	l := lexicon.Default()
	if !slices.Contains(l.Derived("payment"), "pay") {
		t.Errorf("Derived(payment) = %v, want pay among them", l.Derived("payment"))
	}
	if !slices.Contains(l.Synonyms("warranty"), "guarantee") {
		t.Errorf("Synonyms(warranty) = %v, want guarantee among them", l.Synonyms("warranty"))
	}
	if lexicon.Default() != l {
		t.Error("Default loads twice")
	}
}

func BenchmarkKey(b *testing.B) {
	l := lexicon.Default()
	ws := []string{"installation", "gutters", "teeth", "warranty", "financing", "running"}
	for i := 0; b.Loop(); i++ {
		l.Key(ws[i%len(ws)])
	}
}
