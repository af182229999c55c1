// Package store owns the connection to PostgreSQL: the pgx pool, the embedded
// schema migrations (goose) and River's own migrations. It knows nothing of
// contacts, knowledge or messages; the domain packages own their SQL and
// receive the pool from cmd.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jackc/puddle/v2"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/leadagent/leadagent/internal/errkind"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrUnavailable marks a failure to reach the database, as opposed to a
// query the database refused. Webhooks answer it with 503 so Twilio retries.
var ErrUnavailable = fmt.Errorf("database %w", errkind.Unavailable)

// migrateLockKey is the advisory lock migrations hold ("leadagnt" in ASCII).
const migrateLockKey = 0x6c656164616e6774

// Open connects a pool to databaseURL and checks that the server answers.
func Open(ctx context.Context, databaseURL string) (*pgxpool.Pool, error) {
	return OpenPool(ctx, databaseURL, PoolOptions{})
}

// PoolOptions sizes and names a pool. A process that serves webhooks and
// works jobs opens one pool for each, so the jobs can never take the
// connections an acknowledgement to Twilio needs.
type PoolOptions struct {
	// MaxConns bounds the pool; zero keeps the URL's pool_max_conns, at
	// least 8.
	MaxConns int
	// MinConns are kept open, so a request after a quiet spell does not
	// wait for a connection to be made.
	MinConns int
	// Name is the connections' application_name, which tells the pools
	// apart in pg_stat_activity.
	Name string
}

// OpenPool connects a pool as opts say and checks that the server answers.
func OpenPool(ctx context.Context, databaseURL string, opts PoolOptions) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	switch {
	case opts.MaxConns > 0:
		cfg.MaxConns = int32(opts.MaxConns)
	case cfg.MaxConns < 8:
		cfg.MaxConns = 8
	}
	cfg.MinConns = min(int32(max(opts.MinConns, 0)), cfg.MaxConns)
	if opts.Name != "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = opts.Name
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping %s@%s/%s: %w", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	return pool, nil
}

// Migrate applies the embedded schema migrations and River's migrations.
// It is safe to run from several processes at once: goose takes a session
// lock and River's migrator runs in its own transaction per version.
func Migrate(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	// One advisory lock around both migrators, so replicas starting
	// together migrate one after the other.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: acquire connection: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLockKey); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLockKey) //nolint:errcheck // released with the session anyway

	migrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: RiverLogger(logger)})
	if err != nil {
		return fmt.Errorf("river migrator: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}

	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	return migrateSchema(ctx, db)
}

func migrateSchema(ctx context.Context, db *sql.DB) error {
	provider, err := goose.NewProvider(goose.DialectPostgres, db, mustSub(migrations, "migrations"))
	if err != nil {
		return fmt.Errorf("goose provider: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("schema migrations: %w", err)
	}
	return nil
}

// IsUnavailable reports whether err means the database could not be reached
// (connection refused, shutting down, pool closed) rather than that it
// refused a statement.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-03: admin shutdown, crash, cannot connect now.
		return len(pgErr.Code) == 5 && (pgErr.Code[:2] == "08" || pgErr.Code[:3] == "57P")
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	return pgconn.SafeToRetry(err) || errors.Is(err, pgx.ErrTxClosed) || errors.Is(err, puddle.ErrClosedPool)
}
