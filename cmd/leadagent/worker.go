package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"
)

// runWorker works the background jobs without serving HTTP. Any number of
// worker processes share the database; River spreads the jobs over them.
func runWorker(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	workers := true
	a, cleanup, err := startApp(ctx, cfg, flag.NewFlagSet("worker", flag.ContinueOnError), args, false, &workers)
	if err != nil {
		return err
	}
	defer cleanup()
	if err := a.hooks.Subscribe(ctx); err != nil {
		return err
	}
	if err := a.inbox.Start(ctx); err != nil {
		return err
	}
	go a.hooks.Run(ctx) // webhooks out: the outbox to deliveries
	fmt.Fprintf(stdout, "leadagent worker running (%s)\n", describe(cfg))
	<-ctx.Done()
	stop, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return a.inbox.Stop(stop)
}
