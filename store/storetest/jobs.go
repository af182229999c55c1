package storetest

import (
	"context"
	"fmt"
	"strings"
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
			tb.Fatalf("%d jobs still pending after %s: %s", n, timeout, pendingJobs(db))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// pendingJobs describes the jobs WaitJobs still waits for: their kind,
// state, attempts and last error.
func pendingJobs(db *pgxpool.Pool) string {
	rows, err := db.Query(context.Background(), `SELECT kind, state::text, attempt, scheduled_at,
		coalesce(errors[array_length(errors, 1)]->>'error', '') FROM river_job
		WHERE state IN ('available', 'running', 'retryable', 'pending')
			OR state = 'scheduled' AND scheduled_at <= now() + interval '1 minute'
		ORDER BY id LIMIT 5`)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var kind, state, lastErr string
		var attempt int
		var at time.Time
		if err := rows.Scan(&kind, &state, &attempt, &at, &lastErr); err != nil {
			return "(" + err.Error() + ")"
		}
		out = append(out, fmt.Sprintf("%s %s (attempt %d, scheduled %s): %s", kind, state, attempt, at.Format(time.RFC3339), lastErr))
	}
	return strings.Join(out, "; ")
}
