package store_test

import (
	"context"
	"testing"

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
