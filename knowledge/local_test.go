package knowledge

import (
	"context"
	"math"
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"Hello, World!", []string{"hello", "world"}},
		{"Don't worry: the owner's café is open 24/7.", []string{"dont", "worry", "the", "owner", "cafe", "is", "open", "24", "7"}},
		{"COVID-19 e-mail", []string{"covid", "19", "e", "mail"}},
		{"  ", nil},
		{"naïve Ångström", []string{"naive", "angstrom"}},
		{"'quoted' words'", []string{"quoted", "words"}},
	}
	for _, tt := range tests {
		if got := words(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStemJoinsInflections(t *testing.T) {
	t.Parallel()
	groups := [][]string{
		{"delete", "deleted", "deleting", "deletes"},
		{"repair", "repairs", "repaired", "repairing"},
		{"install", "installs", "installed", "installing", "installation"},
		{"policy", "policies"},
		{"cancel", "cancelled", "cancels", "cancellation"},
		{"size", "sizes", "sizing", "sized"},
		{"stop", "stopped", "stopping", "stops"},
		{"license", "licensed", "licenses"},
		{"pay", "pays", "payment", "payments"},
		{"apply", "applies", "applied"},
		{"schedule", "scheduled", "scheduling"},
	}
	for _, g := range groups {
		want := stem(g[0])
		for _, w := range g[1:] {
			if got := stem(w); got != want {
				t.Errorf("stem(%q) = %q, stem(%q) = %q: want the same", w, got, g[0], want)
			}
		}
	}
	// Short words and words with digits are left alone.
	for _, w := range []string{"gas", "bus", "is", "covid19", "24"} {
		if got := stem(w); got != w {
			t.Errorf("stem(%q) = %q, want it unchanged", w, got)
		}
	}
}

func TestLocalEmbedder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := NewLocalEmbedder()
	texts := []string{
		"How much does a furnace repair cost?",
		"Furnace repairs cost $89 for the diagnostic visit.",
		"We accept Visa, Mastercard and cash.",
		"How much does a furnace repair cost?",
		"the of and",
		"furnace repare costs", // typos still overlap
	}
	vecs, err := e.Embed(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != len(texts) {
		t.Fatalf("%d vectors for %d texts", len(vecs), len(texts))
	}
	for i, v := range vecs {
		if len(v) != Dimensions {
			t.Fatalf("vector %d has %d dimensions", i, len(v))
		}
		n := l2norm(v)
		if i == 4 {
			if n != 0 {
				t.Errorf("stopwords only: norm %v, want a zero vector", n)
			}
			continue
		}
		if math.Abs(n-1) > 1e-5 {
			t.Errorf("vector %d norm %v, want 1", i, n)
		}
	}
	if !slices.Equal(vecs[0], vecs[3]) {
		t.Error("the same text embedded twice differs")
	}
	related, unrelated, typo := cosine(vecs[0], vecs[1]), cosine(vecs[0], vecs[2]), cosine(vecs[0], vecs[5])
	if related < 0.3 || related <= unrelated+0.2 {
		t.Errorf("related %.3f, unrelated %.3f", related, unrelated)
	}
	if typo < 0.4 {
		t.Errorf("typo'd text similarity %.3f", typo)
	}
}

func TestLocalEmbedderWeighsTitles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := NewLocalEmbedder()
	long := "We partner with a credit union. " + "Our team is happy to walk you through every step of the paperwork and answer questions. "
	ps := []Passage{
		{Title: "Do you offer financing?", Text: long},
		{Title: "Office hours", Text: long},
	}
	vecs, err := e.EmbedPassages(ctx, ps)
	if err != nil {
		t.Fatal(err)
	}
	q, err := e.Embed(ctx, []string{"is financing offered"})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := cosine(q[0], vecs[0]), cosine(q[0], vecs[1]); a <= b+0.2 {
		t.Errorf("the matching title adds too little: %.3f vs %.3f", a, b)
	}
	for i, v := range vecs {
		if math.Abs(l2norm(v)-1) > 1e-5 {
			t.Errorf("passage %d norm %v", i, l2norm(v))
		}
	}
}

func TestLocalEmbedderHonoursCancellation(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewLocalEmbedder().Embed(ctx, []string{"a"}); err == nil {
		t.Error("no error from a cancelled context")
	}
}

func l2norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func cosine(a, b []float32) float64 {
	var dot float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
	}
	return dot / (l2norm(a) * l2norm(b))
}
