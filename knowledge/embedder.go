package knowledge

import (
	"context"
	"fmt"
	"math"
)

// Dimensions is the length of every vector the knowledge base stores: the
// chunks table holds vector(384), the local embedder hashes into 384
// dimensions and the OpenAI embedder asks the model for 384.
const Dimensions = 384

// An Embedder turns texts into vectors of Dimensions floats. Chunks record
// the Name of the embedder that embedded them and search compares a query
// only with chunks of the same name, so a Name must change whenever the
// vectors would (another model, another feature set).
type Embedder interface {
	Name() string
	// Embed returns one vector per text, in order.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Passage is a chunk as an embedder sees it: the title and heading say what
// the text is about and the text says it.
type Passage struct {
	Title, Heading, Text string
}

// String is the passage as one text, for embedders that take only text.
func (p Passage) String() string {
	s := p.Title
	if p.Heading != "" && p.Heading != p.Title {
		s = joinNonEmpty(s, p.Heading, "\n")
	}
	return joinNonEmpty(s, p.Text, "\n\n")
}

// PassageEmbedder is an Embedder that weighs a passage's title and heading
// apart from its text. The knowledge base uses EmbedPassages for chunks
// when the embedder has it, and Embed otherwise (with Passage.String).
type PassageEmbedder interface {
	Embedder
	EmbedPassages(ctx context.Context, passages []Passage) ([][]float32, error)
}

func embedPassages(ctx context.Context, e Embedder, passages []Passage) ([][]float32, error) {
	var (
		vecs [][]float32
		err  error
	)
	if pe, ok := e.(PassageEmbedder); ok {
		vecs, err = pe.EmbedPassages(ctx, passages)
	} else {
		texts := make([]string, len(passages))
		for i, p := range passages {
			texts[i] = p.String()
		}
		vecs, err = e.Embed(ctx, texts)
	}
	if err != nil {
		return nil, fmt.Errorf("embed with %s: %w", e.Name(), err)
	}
	if err := checkVectors(e, vecs, len(passages)); err != nil {
		return nil, err
	}
	return vecs, nil
}

func embedQuery(ctx context.Context, e Embedder, query string) ([]float32, error) {
	vecs, err := e.Embed(ctx, []string{query})
	if err != nil {
		return nil, fmt.Errorf("embed query with %s: %w", e.Name(), err)
	}
	if err := checkVectors(e, vecs, 1); err != nil {
		return nil, err
	}
	return vecs[0], nil
}

func checkVectors(e Embedder, vecs [][]float32, want int) error {
	if len(vecs) != want {
		return fmt.Errorf("embedder %s returned %d vectors for %d texts", e.Name(), len(vecs), want)
	}
	for i, v := range vecs {
		if len(v) != Dimensions {
			return fmt.Errorf("embedder %s returned %d dimensions, want %d", e.Name(), len(v), Dimensions)
		}
		for _, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return fmt.Errorf("embedder %s returned a non-finite value in vector %d", e.Name(), i)
			}
		}
	}
	return nil
}

func joinNonEmpty(a, b, sep string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + sep + b
}
