// Package budget keeps the send rate of one sending number in PostgreSQL,
// so that every worker process sharing the number keeps to it together:
// Twilio accepts a number's texts at a fixed rate of segments a second (one
// for a US long code) and queues or refuses what comes faster. The budget
// is a token bucket per number, kept as one row (GCRA: the time at which
// the bucket is full again); a text books the moment it may go with one
// atomic UPDATE of that row, and the caller waits for that moment holding
// no connection. It decides how fast, not in which order: the inbox decides
// whose text books next.
package budget

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// DB is what booking needs: a pool or a connection.
type DB interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// Budget is the send rate of one sending number. A nil *Budget has no
// limit: every text may go at once.
type Budget struct {
	sender   string
	interval time.Duration // one segment's share of a second
	burst    int
}

// New returns the budget of sender (a phone number or a Messaging Service
// SID) at perSecond segments a second, with bursts of up to burst
// segments (at least one). perSecond <= 0 returns nil: no limit.
func New(sender string, perSecond float64, burst int) (*Budget, error) {
	if perSecond <= 0 {
		return nil, nil
	}
	if sender == "" {
		return nil, errors.New("send budget: a sending number is required")
	}
	return &Budget{sender: sender, interval: time.Duration(float64(time.Second) / perSecond), burst: max(burst, 1)}, nil
}

// Interval is how long one segment takes of the budget; zero without a
// limit.
func (b *Budget) Interval() time.Duration {
	if b == nil {
		return 0
	}
	return b.interval
}

// Book returns how long the text key, of cost segments, must wait before
// it goes, booking its moment on the first call; later calls for the same
// key return the same moment (a shorter wait as it comes near), so a
// caller may go away and come back. Keys are the caller's: one per attempt
// to send a text. The wait is measured on the database's clock, so the
// processes sharing a budget need not agree on the time.
func (b *Budget) Book(ctx context.Context, db DB, key string, cost int) (time.Duration, error) {
	if b == nil {
		return 0, nil
	}
	// One round trip, and no wait for the commit to reach the disk: a
	// booking lost to a database crash is booked again, at worst a moment
	// early.
	var wait float64 // seconds
	batch := &pgx.Batch{}
	batch.Queue(`BEGIN`)
	batch.Queue(`SET LOCAL synchronous_commit TO OFF`)
	batch.Queue(bookQuery, b.sender, key, max(cost, 1), b.burst, b.interval.Seconds()).QueryRow(func(row pgx.Row) error {
		return row.Scan(&wait)
	})
	batch.Queue(`COMMIT`)
	if err := db.SendBatch(ctx, batch).Close(); err != nil {
		return 0, fmt.Errorf("book send %s: %w", key, err)
	}
	return max(time.Duration(wait*float64(time.Second)), 0), nil
}

// bookQuery books one text in one statement, so the budget's row is
// locked for no longer than its own UPDATE: the booking a key already has,
// else a new one. A new moment is at = max(now, tat - (burst-cost)·T),
// when the bucket holds cost segments (a text longer than the burst goes
// when the bucket is full: Twilio queues its segments); the bucket is full
// again cost·T after max(tat, now), since at ≤ max(tat, now). Both SET
// expressions read the row as it was. Each
// booking also clears a few bookings an hour past. EXCLUDED.last_at is
// the statement's one reading of the clock.
const bookQuery = `
WITH prior AS (
	SELECT at FROM send_slots WHERE sender = $1 AND key = $2
), booked AS (
	INSERT INTO send_budgets AS b (sender, tat, last_at)
	SELECT $1, now + make_interval(secs => $3::float8 * $5::float8), now FROM (SELECT clock_timestamp() AS now) c
	WHERE NOT EXISTS (SELECT 1 FROM prior)
	ON CONFLICT (sender) DO UPDATE SET
		last_at = GREATEST(EXCLUDED.last_at, b.tat - make_interval(secs => GREATEST($4::float8 - $3::float8, 0) * $5::float8)),
		tat = GREATEST(b.tat, EXCLUDED.last_at) + make_interval(secs => $3::float8 * $5::float8)
	RETURNING last_at
), kept AS (
	INSERT INTO send_slots (sender, key, at) SELECT $1, $2, last_at FROM booked
	ON CONFLICT (sender, key) DO NOTHING
), cleared AS (
	DELETE FROM send_slots WHERE (sender, key) IN (
		SELECT sender, key FROM send_slots WHERE sender = $1 AND at < clock_timestamp() - interval '1 hour' LIMIT 20)
)
SELECT EXTRACT(EPOCH FROM COALESCE((SELECT at FROM prior), (SELECT last_at FROM booked)) - clock_timestamp())::float8`
