package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/prompts"
	"github.com/leadagent/leadagent/web"
)

// newResponder builds production's agent (see buildResponder) on r: the
// model runs with the sms prompt's active version, read from db as it
// changes.
func newResponder(cfg Config, db *pgxpool.Pool, r agent.Retriever, logger *slog.Logger) (agent.Responder, error) {
	var prompt agent.PromptSource
	if usesModel(cfg) {
		src, err := prompts.NewSource(db, prompts.SMS, promptsVars(cfg))
		if err != nil {
			return nil, fmt.Errorf("prompts: %w", err)
		}
		prompt = func(ctx context.Context) (agent.Prompt, error) {
			v, system, err := src.Prompt(ctx)
			return agent.Prompt{Version: v, System: system}, err
		}
	}
	return buildResponder(cfg, prompt, r, logger)
}

// buildResponder builds the agent the configuration asks for, for serve
// and evals alike, so that an eval runs what production runs: the offline
// responder alone, or the model-backed agent, with prompt, and the offline
// responder as its fallback. Both reply through the guardrails. prompt is
// unused offline.
func buildResponder(cfg Config, prompt agent.PromptSource, r agent.Retriever, logger *slog.Logger) (agent.Responder, error) {
	business := agentBusiness(cfg)
	guard := agent.Guardrails{Business: business, DiscloseAI: true}
	// RecordEvidence lets the guardrails see what the offline responder quoted.
	offline := agent.WithGuardrails(agent.NewOffline(agent.RecordEvidence(r), business), guard)
	if !usesModel(cfg) {
		return offline, nil
	}
	llm, err := agent.NewLLM(agent.LLMConfig{
		BaseURL: cfg.OpenAIBaseURL, APIKey: cfg.OpenAIAPIKey.Reveal(), Model: cfg.LLMModel,
		Retriever: r, Fallback: offline, Business: business, DiscloseAI: true, Logger: logger,
		Prompt: prompt,
	})
	if err != nil {
		return nil, fmt.Errorf("llm agent: %w", err)
	}
	return llm, nil
}

// answering says, for the console's Prompts page, which agent answers
// leads with this configuration.
func answering(cfg Config) web.Answering {
	if usesModel(cfg) {
		return web.Answering{Agent: "the model " + cfg.LLMModel + ", with the offline responder when it fails", UsesPrompts: true}
	}
	return web.Answering{Agent: "the offline responder (no model is configured)"}
}

// usesModel reports whether the configuration's agent is model-backed.
func usesModel(cfg Config) bool { return cfg.LLMProvider == "openai" }

// respondWorkers is how many replies a worker process works out at once:
// the offline agent computes its answers, so it takes the cores but one,
// leaving the web its own; a model's replies mostly wait, and take the
// inbox's default.
func respondWorkers(cfg Config) int {
	if usesModel(cfg) {
		return 0
	}
	return inbox.CoresButOne()
}

// agentBusiness is what the agent says about the business.
func agentBusiness(cfg Config) agent.Business {
	return agent.Business{Name: cfg.BusinessName, Phone: cfg.BusinessPhone, Hours: cfg.BusinessHours,
		ServiceArea: cfg.BusinessServiceArea}
}
