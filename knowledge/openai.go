package knowledge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// OpenAIConfig configures the OpenAI embedder.
type OpenAIConfig struct {
	APIKey string
	// BaseURL of any OpenAI-compatible API (OpenAI, Azure OpenAI's
	// /openai/v1, Ollama, vLLM, llama.cpp); "" is OpenAI's.
	BaseURL string
	// Model; "" is text-embedding-3-small.
	Model string
	// BatchSize is how many texts go in one request; 0 is 128.
	BatchSize int
	// HTTPClient to send requests with; nil is a client with a 60 s timeout.
	HTTPClient *http.Client
}

// DefaultOpenAIModel is the embedding model used when none is configured.
const DefaultOpenAIModel = "text-embedding-3-small"

// OpenAIEmbedder embeds with an OpenAI-compatible /embeddings endpoint,
// in batches.
//
// It asks for Dimensions (384) dimensions: OpenAI's text-embedding-3-*
// models take a "dimensions" parameter and return shortened embeddings
// that keep most of their quality, and one vector size lets one HNSW index
// serve every embedder. A model that ignores the parameter and answers
// with another size is an error, not a silently truncated vector.
type OpenAIEmbedder struct {
	client    *openai.Client
	model     string
	batchSize int
	// retryWait is the first pause before retrying a rate-limited or
	// failed request; it doubles each time.
	retryWait time.Duration
}

// NewOpenAIEmbedder returns an embedder for cfg. It does not call the API.
func NewOpenAIEmbedder(cfg OpenAIConfig) (*OpenAIEmbedder, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("openai embedder: no API key")
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	if cfg.HTTPClient != nil {
		oc.HTTPClient = cfg.HTTPClient
	} else {
		oc.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	e := &OpenAIEmbedder{
		client:    openai.NewClientWithConfig(oc),
		model:     cfg.Model,
		batchSize: cfg.BatchSize,
		retryWait: 500 * time.Millisecond,
	}
	if e.model == "" {
		e.model = DefaultOpenAIModel
	}
	if e.batchSize <= 0 {
		e.batchSize = 128
	}
	return e, nil
}

// Name implements Embedder: vectors of different models never mix.
func (e *OpenAIEmbedder) Name() string { return "openai:" + e.model }

// maxBatchChars keeps one request well under the API's per-request token
// limit (300k tokens) whatever the batch size.
const maxBatchChars = 400_000

// Embed implements Embedder.
func (e *OpenAIEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); {
		end, chars := start, 0
		for end < len(texts) && end-start < e.batchSize && (end == start || chars+len(texts[end]) <= maxBatchChars) {
			chars += len(texts[end])
			end++
		}
		vecs, err := e.embedBatch(ctx, texts[start:end])
		if err != nil {
			return nil, fmt.Errorf("embed texts %d-%d of %d: %w", start+1, end, len(texts), err)
		}
		out = append(out, vecs...)
		start = end
	}
	return out, nil
}

func (e *OpenAIEmbedder) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	input := make([]string, len(texts))
	for i, t := range texts {
		if strings.TrimSpace(t) == "" {
			t = " " // the API refuses empty strings
		}
		input[i] = t
	}
	req := openai.EmbeddingRequestStrings{
		Input:      input,
		Model:      openai.EmbeddingModel(e.model),
		Dimensions: Dimensions,
	}
	var (
		resp openai.EmbeddingResponse
		err  error
	)
	wait := e.retryWait
	for attempt := 1; ; attempt++ {
		resp, err = e.client.CreateEmbeddings(ctx, req)
		if err == nil || attempt == 3 || !retryable(err) {
			break
		}
		select {
		case <-time.After(wait):
			wait *= 2
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.model, err)
	}
	if len(resp.Data) != len(texts) {
		return nil, fmt.Errorf("%s: %d embeddings for %d inputs", e.model, len(resp.Data), len(texts))
	}
	out := make([][]float32, len(texts))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(texts) || out[d.Index] != nil {
			return nil, fmt.Errorf("%s: bad or repeated embedding index %d", e.model, d.Index)
		}
		if len(d.Embedding) != Dimensions {
			return nil, fmt.Errorf("%s returned %d dimensions, the knowledge base stores %d: use a model that honours the dimensions parameter (text-embedding-3-*)", e.model, len(d.Embedding), Dimensions)
		}
		v := append([]float32(nil), d.Embedding...)
		normalize(v)
		out[d.Index] = v
	}
	return out, nil
}

// retryable reports whether a failed request may succeed if sent again:
// rate limits, server errors and connections that broke.
func retryable(err error) bool {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatusCode == http.StatusTooManyRequests || apiErr.HTTPStatusCode >= 500
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode == http.StatusTooManyRequests || reqErr.HTTPStatusCode >= 500
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}
