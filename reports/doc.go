// Package reports owns the numbers a sales manager reads: the summary of a
// date range (leads, speed to lead, handoffs and how fast reps claim them,
// conversions, opt-outs, cadences; by source and by rep), its CSV, and the
// Prometheus collector behind /metrics.
//
// It reads the tables other packages own (leads, handoffs, conversations,
// contacts, cadence_runs, reps, messages, calls, timeline_events) with
// aggregate SQL and writes nothing. A lead is anyone who reached the
// business (a form, API or import lead, a text, a call; see arrivalsSQL),
// and an opt-out is an event, counted each time (see optOutsSQL). Every figure is computed from PostgreSQL, never counted in a
// process's memory, so every replica reports the same numbers and nothing
// is counted twice across processes. A summary is computed when asked for;
// /metrics, which anyone may scrape, serves one computation for 15 s
// (Collector.MaxAge) so its cost does not follow the request rate. Speed to
// lead is read from the first-touch message's sent_at, not a copy of it on
// the lead.
package reports

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DB is what the reports run their queries on: a pool, a connection or a
// transaction (a REPEATABLE READ one gives a summary a single snapshot).
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}
