package agent

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/leadagent/leadagent/agent/openaitest"
)

// BenchmarkLLMTurnOverhead measures what a model-backed turn costs beyond
// the model's own time: prompt, retrieval over the demo knowledge (the
// in-memory fake; search over 100,000 chunks is measured in package
// knowledge), building the request, go-openai's HTTP round trip to a
// scripted server on loopback that answers at once, a tool round, reading
// the answer, and the guardrails. Half the turns call search_knowledge
// first, as a model would for a question the first passages miss.
func BenchmarkLLMTurnOverhead(b *testing.B) {
	bundle := setupLLM(b, func(c *LLMConfig) { c.Classifier = llmTestClassifier{Signals{Intent: "faq"}} })
	const q = "how much is the diagnostic visit?"
	id := bundle.chunk(b, q, "$89")
	answer := openaitest.Text("The diagnostic visit is $89 during office hours " + cite(id) + ". What's going on with your system?")
	bundle.srv.On(openaitest.AfterTool(toolSearchKnowledge), answer)
	bundle.srv.On(openaitest.LastUserContains("diagnostic fee"), openaitest.Tools(openaitest.Call(toolSearchKnowledge, map[string]string{"query": "diagnostic visit price"})))
	bundle.srv.SetDefault(answer)
	ctx := context.Background()
	in := []TurnInput{
		{Channel: ChannelSMS, Text: q, Lead: Lead{Name: "Dana", Background: []string{"2026-10-02 sms: asked about financing"}}},
		{Channel: ChannelSMS, Text: "what's the diagnostic fee these days?", History: []Message{{From: FromLead, Text: "hi"}, {From: FromAI, Text: "Hi! How can I help?"}}},
	}
	const turns = 400
	for i := range 20 { // warm the connection pool and caches
		if _, err := bundle.llm.Turn(ctx, in[i%2]); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		lat := make([]time.Duration, 0, turns)
		for i := range turns {
			start := time.Now()
			r, err := bundle.llm.Turn(ctx, in[i%2])
			lat = append(lat, time.Since(start))
			if err != nil {
				b.Fatal(err)
			}
			if r.Path != PathLLM || !slices.Equal(r.Citations, []int64{id}) {
				b.Fatalf("turn %d: path %s (%s), citations %v", i, r.Path, r.FallbackReason, r.Citations)
			}
		}
		slices.Sort(lat)
		pct := func(p float64) float64 {
			return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
		}
		b.ReportMetric(pct(0.50), "p50-ms")
		b.ReportMetric(pct(0.95), "p95-ms")
	}
	b.ReportMetric(0, "ns/op")
}
