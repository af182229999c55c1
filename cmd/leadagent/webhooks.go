package main

import (
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/leadagent/leadagent/webhooks"
)

// newWebhooks wires webhooks out: deliveries are queued with an
// insert-only River client on db, in the transaction that takes them from
// the outbox; the inbox's client works them (webhookWorkers).
func newWebhooks(db *pgxpool.Pool, logger *slog.Logger, sinks ...webhooks.Sink) (*webhooks.Webhooks, error) {
	jobs, err := river.NewClient(riverpgxv5.New(db), &river.Config{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("webhooks: river client: %w", err)
	}
	return webhooks.New(webhooks.Config{DB: db, Jobs: jobs, Logger: logger, Sinks: sinks})
}

// webhookWorkers adds the delivery job's worker.
func webhookWorkers(hooks *webhooks.Webhooks) func(*river.Workers) {
	return func(w *river.Workers) { river.AddWorker(w, hooks.Worker()) }
}

// moreWorkers adds every list's workers.
func moreWorkers(lists ...func(*river.Workers)) func(*river.Workers) {
	return func(w *river.Workers) {
		for _, add := range lists {
			add(w)
		}
	}
}
