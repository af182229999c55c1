package knowledge

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeEmbeddingsAPI is an OpenAI-compatible /v1/embeddings endpoint. Its
// vectors are the local embedder's, so that search over them works; it
// answers in reverse order (clients must use "index") and can be told to
// fail.
type fakeEmbeddingsAPI struct {
	t      *testing.T
	dims   int // dimensions to answer with; 0 honours the request
	failN  int // answer this many requests with failStatus first
	status int

	mu       sync.Mutex
	requests []embeddingRequest
}

type embeddingRequest struct {
	Model      string   `json:"model"`
	Input      []string `json:"input"`
	Dimensions int      `json:"dimensions"`
	auth       string
}

func (f *fakeEmbeddingsAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/embeddings" {
		http.Error(w, `{"error":{"message":"not found"}}`, http.StatusNotFound)
		return
	}
	var req embeddingRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":{"message":"bad json"}}`, http.StatusBadRequest)
		return
	}
	req.auth = r.Header.Get("Authorization")
	f.mu.Lock()
	f.requests = append(f.requests, req)
	fail := f.failN > 0
	if fail {
		f.failN--
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if fail {
		w.WriteHeader(f.status)
		fmt.Fprintf(w, `{"error":{"message":"try again later","type":"server_error"}}`)
		return
	}
	vecs, _ := NewLocalEmbedder().Embed(r.Context(), req.Input)
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	}
	data := make([]item, 0, len(vecs))
	for i := len(vecs) - 1; i >= 0; i-- {
		v := vecs[i]
		if f.dims != 0 {
			v = make([]float32, f.dims)
			v[0] = 1
		}
		data = append(data, item{"embedding", i, v})
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"object": "list", "data": data, "model": req.Model,
		"usage": map[string]int{"prompt_tokens": 1, "total_tokens": 1},
	})
}

func newFakeAPI(t *testing.T, f *fakeEmbeddingsAPI) (*OpenAIEmbedder, *fakeEmbeddingsAPI) {
	t.Helper()
	f.t = t
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	e, err := NewOpenAIEmbedder(OpenAIConfig{APIKey: "sk-test", BaseURL: srv.URL + "/v1/", Model: "text-embedding-3-small", BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	e.retryWait = time.Millisecond
	return e, f
}

func TestOpenAIEmbedderBatchesAndOrders(t *testing.T) {
	t.Parallel()
	e, api := newFakeAPI(t, &fakeEmbeddingsAPI{})
	texts := []string{"furnace repair", "office hours", "financing", "warranty", ""}
	vecs, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(api.requests) != 3 {
		t.Fatalf("%d requests for 5 texts in batches of 2, want 3", len(api.requests))
	}
	for _, r := range api.requests {
		if r.Dimensions != Dimensions || r.Model != "text-embedding-3-small" || r.auth != "Bearer sk-test" {
			t.Errorf("request %+v: want dimensions %d, the model and the key", r, Dimensions)
		}
		for _, in := range r.Input {
			if in == "" {
				t.Error("sent an empty input, which the API refuses")
			}
		}
	}
	want, _ := NewLocalEmbedder().Embed(context.Background(), texts[:4])
	for i := range want {
		if cosine(vecs[i], want[i]) < 0.9999 {
			t.Errorf("vector %d is not the one for %q: answers were not put back in order", i, texts[i])
		}
	}
	if e.Name() != "openai:text-embedding-3-small" {
		t.Errorf("name %q", e.Name())
	}
}

func TestOpenAIEmbedderRetriesServerErrors(t *testing.T) {
	t.Parallel()
	e, api := newFakeAPI(t, &fakeEmbeddingsAPI{failN: 2, status: http.StatusTooManyRequests})
	if _, err := e.Embed(context.Background(), []string{"hello"}); err != nil {
		t.Fatalf("after two 429s: %v", err)
	}
	if len(api.requests) != 3 {
		t.Errorf("%d requests, want 3", len(api.requests))
	}
}

func TestOpenAIEmbedderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		failN, status, dims int
		want                string
		reqs                int
	}{
		{"client error is not retried", 5, http.StatusUnauthorized, 0, "401", 1},
		{"server down after retries", 5, http.StatusBadGateway, 0, "502", 3},
		{"wrong dimensions", 0, 0, 768, "returned 768 dimensions", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, api := newFakeAPI(t, &fakeEmbeddingsAPI{failN: tt.failN, status: tt.status, dims: tt.dims})
			_, err := e.Embed(context.Background(), []string{"hello"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "sk-test") {
				t.Errorf("error %q shows the API key", err)
			}
			if len(api.requests) != tt.reqs {
				t.Errorf("%d requests, want %d", len(api.requests), tt.reqs)
			}
		})
	}
	if _, err := NewOpenAIEmbedder(OpenAIConfig{}); err == nil {
		t.Error("no error without an API key")
	}
}

// The whole path with the OpenAI embedder: ingest embeds in batches
// through the API and search finds the chunks it stored.
func TestKnowledgeBaseWithOpenAIEmbedder(t *testing.T) {
	t.Parallel()
	e, api := newFakeAPI(t, &fakeEmbeddingsAPI{})
	e.batchSize = 64
	tb := setup(t)
	kb := New(tb.pool, e)
	rep, err := kb.Ingest(tb.ctx, []string{"testdata/kb"}, IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Chunks != 15 {
		t.Fatalf("report %+v", rep)
	}
	res, err := kb.Search(tb.ctx, "can I pay monthly?", SearchOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) == 0 || res[0].Heading != "Monthly payments" || res[0].VectorScore <= 0 {
		t.Errorf("results %+v", res)
	}
	var embedder string
	if err := tb.pool.QueryRow(tb.ctx, `SELECT DISTINCT embedder FROM chunks`).Scan(&embedder); err != nil || embedder != "openai:text-embedding-3-small" {
		t.Errorf("stored embedder %q (err %v)", embedder, err)
	}
	if len(api.requests) > 3 {
		t.Errorf("%d requests to embed 15 chunks and a query", len(api.requests))
	}
}
