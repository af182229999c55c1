// Package auth owns console logins: users (an email, a bcrypt hash of the
// password, a role of admin or rep, and for a rep's login the rep it acts
// as), their sessions, each session's CSRF token, and the one-time links
// an admin hands out to invite a login or reset its password. It owns the
// users, sessions and login_links tables.
//
// A session is a random 32-byte token that lives in the browser's cookie;
// only its SHA-256 is stored, so a copy of the database does not hand out
// live sessions. The package knows nothing of HTTP: the web package sets and
// reads the cookie and checks the CSRF token with ValidCSRF.
//
// Functions take ctx first and a DB, which is a pool or a transaction.
// Reps themselves belong to package crm; auth only points at them.
package auth

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/leadagent/leadagent/internal/errkind"
)

// DB is what auth needs of PostgreSQL: a *pgxpool.Pool or a pgx.Tx.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

var (
	// ErrNotFound is returned when a user or session does not exist, or
	// the session has expired.
	ErrNotFound = errkind.NotFound
	// ErrBadCredentials is returned by Authenticate for an unknown email
	// and for a wrong password alike, so a caller cannot tell which.
	ErrBadCredentials = errors.New("wrong email or password")
	// ErrConflict is returned when a write would break a uniqueness rule:
	// a second login with the same email, or for the same rep.
	ErrConflict = errkind.Conflict
	// ErrDisabled is returned by Authenticate for the right password of a
	// disabled login.
	ErrDisabled = errkind.New(errkind.Forbidden, "this login is disabled: ask an admin")
	// ErrLinkUsed and ErrLinkExpired refuse an invite or reset link that
	// worked once already, or whose time is up.
	ErrLinkUsed    = errkind.New(errkind.Gone, "this link was used already: ask an admin for a new one")
	ErrLinkExpired = errkind.New(errkind.Gone, "this link has expired: ask an admin for a new one")
	// ErrLastAdmin refuses a change that would leave no active admin.
	ErrLastAdmin = errkind.New(errkind.Conflict, "this is the last active admin: make another admin first")
)

// notFound turns pgx's "no rows" into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
