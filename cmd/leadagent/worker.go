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
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	noMigrate := fs.Bool("no-migrate", false, "do not apply migrations at start")
	if _, err := parseFlagsAnywhere(fs, args); err != nil {
		return err
	}
	logger := newLogger()
	db, err := openPool(ctx, cfg, !*noMigrate)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := buildApp(ctx, cfg, db, true, logger)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.inbox.Start(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "leadagent worker running (%s)\n", describe(cfg))
	<-ctx.Done()
	stop, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return a.inbox.Stop(stop)
}
