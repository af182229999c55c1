package knowledge_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/knowledge"
)

// BenchmarkAgentTurn100k measures one offline agent turn, guardrails
// included, over a knowledge base of 100,000 chunks: the overhead a turn
// adds to the model's own time (all of a turn's time without a model).
// It reports sequential latency and the turns/s four concurrent workers
// sustain on this machine.
func BenchmarkAgentTurn100k(b *testing.B) {
	base := knowledge.BenchBase(b)
	biz := agent.Business{Name: "Summit Home Services", Phone: "(970) 555-0100"}
	responder := agent.WithGuardrails(agent.NewOffline(agent.RecordEvidence(knowledge.NamespaceRetriever{Base: base}), biz),
		agent.Guardrails{Business: biz, DiscloseAI: true})
	ctx := context.Background()
	queries := knowledge.BenchQueries(600)
	turn := func(q string) time.Duration {
		start := time.Now()
		if _, err := responder.Turn(ctx, agent.TurnInput{Channel: agent.ChannelSMS, Text: q}); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	for _, q := range queries[:100] { // warm caches, as a running server's are
		turn(q)
	}
	lat := make([]time.Duration, 0, 300)
	for _, q := range queries[100:400] {
		lat = append(lat, turn(q))
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")

	const workers = 4
	rest := queries[400:]
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(rest); i += workers {
				turn(rest[i])
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(len(rest))/time.Since(start).Seconds(), "turns/s")
}
