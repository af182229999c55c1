package store_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/store"
	"github.com/leadagent/leadagent/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	pool := storetest.NewDB(t)
	ctx := context.Background()
	// The template was migrated; a second run must be a no-op, not an error.
	if err := store.Migrate(ctx, pool, nil); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	for _, table := range []string{"contacts", "conversations", "messages", "timeline_events", "river_job"} {
		var n int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Errorf("table %s: %v", table, err)
		}
	}
	var ext string
	if err := pool.QueryRow(ctx, "SELECT extversion FROM pg_extension WHERE extname = 'vector'").Scan(&ext); err != nil {
		t.Errorf("pgvector extension: %v", err)
	}
}

func TestIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := storetest.NewDB(t)
	if _, err := pool.Exec(ctx, "SELECT nonsense FROM nowhere"); err == nil || store.IsUnavailable(err) {
		t.Fatalf("a refused statement counted as unavailable: %v", err)
	}
	pool.Close()
	if _, err := pool.Exec(ctx, "SELECT 1"); !store.IsUnavailable(err) {
		t.Fatalf("a closed pool: %v, want unavailable", err)
	}
	dead, err := pgxpool.New(ctx, "postgres://postgres@127.0.0.1:1/none?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	if _, err := dead.Exec(ctx, "SELECT 1"); !store.IsUnavailable(err) {
		t.Fatalf("an unreachable server: %v, want unavailable", err)
	}
}
