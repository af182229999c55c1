package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/prompts"
)

// newResponder builds the agent the configuration asks for: the offline
// responder alone, or the model-backed agent with the offline responder as
// its fallback. Both reply through the guardrails.
func newResponder(cfg Config, db *pgxpool.Pool, r agent.Retriever, logger *slog.Logger) (agent.Responder, error) {
	business := agent.Business{Name: cfg.BusinessName, Phone: cfg.BusinessPhone, Hours: cfg.BusinessHours,
		ServiceArea: cfg.BusinessServiceArea}
	guard := agent.Guardrails{Business: business, DiscloseAI: true}
	// RecordEvidence lets the guardrails see what the offline responder quoted.
	offline := agent.WithGuardrails(agent.NewOffline(agent.RecordEvidence(r), business), guard)
	if cfg.LLMProvider != "openai" {
		return offline, nil
	}
	src, err := prompts.NewSource(db, prompts.SMS, promptsVars(cfg))
	if err != nil {
		return nil, fmt.Errorf("prompts: %w", err)
	}
	llm, err := agent.NewLLM(agent.LLMConfig{
		BaseURL: cfg.OpenAIBaseURL, APIKey: cfg.OpenAIAPIKey.Reveal(), Model: cfg.LLMModel,
		Retriever: r, Fallback: offline, Business: business, DiscloseAI: true, Logger: logger,
		Prompt: func(ctx context.Context) (agent.Prompt, error) {
			v, system, err := src.Prompt(ctx)
			return agent.Prompt{Version: v, System: system}, err
		},
	})
	if err != nil {
		return nil, fmt.Errorf("llm agent: %w", err)
	}
	return llm, nil
}
