package evals_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// benchLeads are the generated suite's turns, with what each expects.
var benchLeads = []struct{ lead, expect string }{
	{"how much is a furnace tune-up?", `{outcome: answered, contains: ["$129"], grounded: true, max_segments: 2}`},
	{"do you offer financing on a new AC unit?", `{contains_any: [financing, loan], grounded: true}`},
	{"I want to book an install next week", `{handoff: true, handoff_reason: buying_intent}`},
	{"can I talk to a real person please", `{handoff: true, handoff_reason: human_request}`},
	{"your tech never showed up, I'm furious", `{handoff: true}`},
	{"do you install solar panels?", `{outcome: unknown, handoff: false}`},
	{"what warranty do repairs have?", `{contains: [warranty], grounded: true, judge: "plain"}`},
	{"are you open on saturday?", `{not_matches: "(?i)free"}`},
	{"how much is the diagnostic fee?", `{matches: "\\$89", grounded: true}`},
	{"do you serve Loveland?", `{contains: [Loveland], not_contains: [Denver]}`},
}

// BenchmarkEvalOffline runs a generated 100-case suite with the offline
// agent: each case a turn with hybrid search, the escalation rules, every
// check, and the case recorded in PostgreSQL (goal: under 10 s).
func BenchmarkEvalOffline(b *testing.B) {
	kb, err := filepath.Abs("testdata/kb")
	if err != nil {
		b.Fatal(err)
	}
	var y strings.Builder
	fmt.Fprintf(&y, "name: bench-100\nknowledge: [%q]\ndefaults: {contact: {name: Dana Reyes, source: google_ads}}\ncases:\n", kb)
	for i := range 100 {
		l := benchLeads[i%len(benchLeads)]
		fmt.Fprintf(&y, "  - id: case-%03d\n    lead: %q\n    expect: %s\n", i, l.lead, l.expect)
	}
	file := filepath.Join(b.TempDir(), "bench.yaml")
	if err := os.WriteFile(file, []byte(y.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	s := mustLoad(b, file)
	bundle := setup(b)
	run(b, bundle.runner, s) // ingests the knowledge once, as a first run does

	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		rep, err := bundle.runner.Run(context.Background(), s)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Summary.Cases != 100 {
			b.Fatalf("%d cases", rep.Summary.Cases)
		}
	}
	elapsed := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(elapsed, "s/100-cases")
	b.ReportMetric(100/elapsed, "cases/s")
}
