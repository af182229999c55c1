package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/store"
)

// runServe serves the console, the API and the webhooks, and (unless
// --workers=false) works the reply and send jobs.
func runServe(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	workers := fs.Bool("workers", true, "also run the background workers (false for web-only replicas)")
	a, cleanup, err := startApp(ctx, cfg, fs, args, true, workers)
	if err != nil {
		return err
	}
	defer cleanup()
	logger := a.logger

	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.ListenAddr, err)
	}
	srv := &http.Server{Handler: a.handler, ReadHeaderTimeout: 10 * time.Second}
	liveCtx, stopLive := context.WithCancel(ctx)
	defer stopLive()
	go a.live.Run(liveCtx)
	stopEmail, err := startEmailReceiver(cfg, a.inbox, logger)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer stopEmail()
	if *workers {
		// The outbox must know what its consumers want before the first
		// request records a change, or that change's event is not kept.
		if err := a.hooks.Subscribe(ctx); err != nil {
			_ = ln.Close()
			return err
		}
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	if *workers {
		if err := a.inbox.Start(ctx); err != nil {
			return err
		}
		go a.hooks.Run(ctx) // webhooks out: the outbox to deliveries
	}
	fmt.Fprintf(stdout, "leadagent is serving (%s)\n  console: %s/\n", describe(cfg), loopbackURL(cfg.ListenAddr))
	if cfg.Sandbox {
		fmt.Fprintf(stdout, "  Twilio sandbox: %s/sandbox (try: leadagent simulate)\n", loopbackURL(cfg.ListenAddr))
		fmt.Fprintf(stdout, "  what the sandbox sent: %s/console/sandbox\n", loopbackURL(cfg.ListenAddr))
		if cfg.SandboxMailURL != "" {
			fmt.Fprintf(stdout, "  what was emailed: %s\n", cfg.SandboxMailURL)
		}
	}

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
	}
	stopLive() // ends the consoles' event streams, which Shutdown would wait for
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		logger.Warn("http shutdown", "err", err)
	}
	if *workers {
		return a.inbox.Stop(shutdown)
	}
	return nil
}

// startApp parses the flags serve and worker share (plus those already on
// fs), connects, migrates unless --no-migrate, and wires the app; cleanup
// releases it all. A process that serves HTTP and works jobs opens two
// pools, so the jobs never hold the connections a webhook needs; one that
// does only one of them opens one.
func startApp(ctx context.Context, cfg Config, fs *flag.FlagSet, args []string, serves bool, workers *bool) (*app, func(), error) {
	fs.SetOutput(io.Discard)
	noMigrate := fs.Bool("no-migrate", false, "do not apply migrations at start")
	if _, err := parseFlagsAnywhere(fs, args); err != nil {
		return nil, nil, err
	}
	if cfg.DatabaseURL == "" {
		return nil, nil, errors.New("DATABASE_URL is not set")
	}
	webPool := store.PoolOptions{MaxConns: cfg.DatabaseWebConns, MinConns: 2, Name: "leadagent-web"}
	workerPool := store.PoolOptions{MaxConns: cfg.DatabaseWorkerConns, Name: "leadagent-workers"}
	first := webPool
	if !serves {
		first = workerPool
	}
	db, err := store.OpenPool(ctx, cfg.DatabaseURL, first)
	if err != nil {
		return nil, nil, err
	}
	if !*noMigrate {
		if err := store.Migrate(ctx, db, nil); err != nil {
			db.Close()
			return nil, nil, fmt.Errorf("migrate: %w", err)
		}
	}
	var workerDB *pgxpool.Pool
	switch {
	case *workers && !serves:
		workerDB = db
	case *workers:
		if workerDB, err = store.OpenPool(ctx, cfg.DatabaseURL, workerPool); err != nil {
			db.Close()
			return nil, nil, err
		}
	}
	closeAll := func() {
		if workerDB != nil && workerDB != db {
			workerDB.Close()
		}
		db.Close()
	}
	a, err := buildApp(ctx, cfg, db, workerDB, newLogger())
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	return a, func() { a.close(); closeAll() }, nil
}
