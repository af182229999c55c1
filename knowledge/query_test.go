package knowledge

import (
	"slices"
	"testing"
)

func TestExpandsDerivedForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		question string
		want     []string // among the expansions
		not      []string
	}{
		{"can I make monthly payments", []string{"pay"}, []string{"payments"}},
		{"how long does installation take", []string{"install"}, nil},
		{"is there financing", []string{"finance"}, nil},
		// Stopwords add nothing, and nothing is added twice.
		{"what is it", nil, []string{"be", "what"}},
	}
	for _, tt := range tests {
		got := expandWords(words(tt.question))
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: expansions %q lack %q", tt.question, got, w)
			}
		}
		for _, w := range tt.not {
			if slices.Contains(got, w) {
				t.Errorf("%q: expansions %q have %q", tt.question, got, w)
			}
		}
	}
}

func TestAnalyzeQueryWeighsWords(t *testing.T) {
	t.Parallel()
	p := analyzeQuery("What is the best way to clean a furnace filter?")
	weight := map[string]queryTerm{}
	for _, term := range p.terms {
		weight[term.word] = term
	}
	if weight["best"].form >= weight["furnace"].form {
		t.Errorf("question form %q weighs %v, content word %v", "best", weight["best"].form, weight["furnace"].form)
	}
	if w, ok := weight["filtration"]; !ok || !w.expansion || w.form >= 1 {
		t.Errorf("expansion of filter: %+v", w)
	}
	// Rare words weigh more than common ones.
	p.setIDF(1000, map[string]float64{"furnace": 900, "filter": 3})
	for _, term := range p.terms {
		weight[term.word] = term
	}
	if weight["filter"].weight() <= 2*weight["furnace"].weight() {
		t.Errorf("filter %v, furnace %v", weight["filter"].weight(), weight["furnace"].weight())
	}
	if analyzeQuery("the and of?").empty() != true {
		t.Error("a question of stopwords has terms")
	}
	if got := p.tsquery(); got != "best | way | clean | furnace | filter" {
		t.Errorf("tsquery %q", got)
	}
}

func TestSpellAcronyms(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Can I travel to the US?":      "Can I travel to the United States?",
		"Is it risky in the U.S.?":     "Is it risky in the United States?",
		"tell us about shipping to UK": "tell us about shipping to United Kingdom",
		"CAN US KIDS COME":             "CAN US KIDS COME",
		"USB cable":                    "USB cable",
	} {
		if got := spellAcronyms(in); got != want {
			t.Errorf("spellAcronyms(%q) = %q, want %q", in, got, want)
		}
	}
}
