// Package crm owns what the business knows about its leads: contacts keyed
// by E.164 phone number (or, for a lead who gave only an email, by
// address), their conversations and each conversation's mode (ai,
// handoff_pending, human, closed), every message in and out with its
// delivery status and outcome, the timeline of events a rep reads, consent
// to texts and to email and its evidence (the carrier keywords, and
// opt-outs in plain words: ParseRevocation; email unsubscribes and
// bounces: email.go; one contact's whole record: ContactEvidence), the
// leads that arrive from forms and imports, the calls a lead makes, and
// the reps who take over. It owns the
// contacts, conversations, messages, timeline_events, delivery_reports,
// reps, leads, consents and calls tables, and event_outbox: the public
// events (webhooks out) a Published detail writes in the same statement as
// its timeline event (outbox.go), which package webhooks delivers.
//
// Each kind of timeline event is a Detail type owned by the package that
// records it (crm's own in events.go); a Kinds made from every owner's
// EventTypes reads stored events back into those types. The words other
// packages share (authors, channels, handoff reasons) are in words.go.
//
// Functions take a DB, which is a pool or a transaction, so a caller can
// record a message and enqueue the job it causes in one transaction. The
// package knows nothing of HTTP, Twilio or the agent.
package crm

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/leadagent/leadagent/internal/errkind"
)

// DB is what crm needs of PostgreSQL: a *pgxpool.Pool or a pgx.Tx.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ErrNotFound is returned when a contact, conversation or message does
// not exist: errkind's, so the web layer maps every "not found" alike.
var ErrNotFound = errkind.NotFound

// notFound turns pgx's "no rows" into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// insertOrSelect runs an INSERT ... ON CONFLICT DO NOTHING ... UNION ALL
// SELECT statement. When a concurrent transaction inserted the row after
// this statement's snapshot was taken, neither half returns it; a second
// run, with a new snapshot, sees it.
func insertOrSelect(ctx context.Context, run func() error) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = run(); !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return err
}
