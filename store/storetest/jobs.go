package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// WaitJobs waits, up to timeout, until db's River queue holds no job due
// within a minute: everything a test set off has run, and timers set
// further ahead (a handoff's SLA, a follow-up hours away) do not count.
// It fails tb when the time runs out.
func WaitJobs(tb testing.TB, db *pgxpool.Pool, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var n int
		if err := db.QueryRow(context.Background(), `SELECT count(*) FROM river_job
			WHERE state IN ('available', 'running', 'retryable', 'pending')
				OR state = 'scheduled' AND scheduled_at <= now() + interval '1 minute'`).Scan(&n); err != nil {
			tb.Fatalf("wait for jobs: %v", err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%d jobs still pending after %s", n, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
