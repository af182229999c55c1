package evals_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/evals"
	"github.com/leadagent/leadagent/knowledge"
	"github.com/leadagent/leadagent/store/storetest"
)

// testBusiness is the business the testdata knowledge describes.
var testBusiness = agent.Business{Name: "Summit Home Services", Phone: "(970) 555-0100"}

type testBundle struct {
	db     *pgxpool.Pool
	kb     *knowledge.Base
	runner *evals.Runner
}

// setup returns a fresh database and a runner with the offline agent,
// wired the way cmd/leadagent wires production's.
func setup(t testing.TB) *testBundle {
	t.Helper()
	db := storetest.NewDB(t)
	kb := knowledge.New(db, knowledge.NewLocalEmbedder())
	return &testBundle{db: db, kb: kb, runner: &evals.Runner{
		DB: db, Knowledge: kb, Business: testBusiness,
		Provider: "offline", Model: "offline", PromptVersion: "offline",
		Agent: func(_ context.Context, r agent.Retriever, _ agent.Business) (agent.Responder, error) {
			return offlineAgent(r), nil
		},
	}}
}

func offlineAgent(r agent.Retriever) agent.Responder {
	guard := agent.Guardrails{Business: testBusiness, DiscloseAI: true}
	return agent.WithGuardrails(agent.NewOffline(agent.RecordEvidence(r), testBusiness), guard)
}

func mustLoad(t testing.TB, path string) *evals.Suite {
	t.Helper()
	s, err := evals.Load(path)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return s
}

func run(t testing.TB, r *evals.Runner, s *evals.Suite) *evals.Report {
	t.Helper()
	rep, err := r.Run(context.Background(), s)
	if err != nil {
		t.Fatalf("run %s: %v", s.Name, err)
	}
	return rep
}
