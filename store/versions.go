package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// A versioned document is a JSON body an admin edits in the console
// (escalation rules, a follow-up cadence) where every save is a new,
// numbered version and one version at most is active. Its table has the
// columns version, body, author, note, created_at and active, with a
// unique index on active; the domain package that owns it decodes body.

// Version is one saved version of a versioned document.
type Version struct {
	Number    int
	Body      []byte
	Author    string
	Note      string
	CreatedAt time.Time
	Active    bool
}

// Beginner starts a transaction: a pool, or a transaction (a savepoint).
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Querier runs queries: a pool or a transaction.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// ErrNoVersion is returned when no version is active, or the one asked for
// does not exist.
var ErrNoVersion = errors.New("no such version")

const versionColumns = `version, body, author, note, created_at, active`

func scanVersion(row pgx.Row) (Version, error) {
	var v Version
	return v, row.Scan(&v.Number, &v.Body, &v.Author, &v.Note, &v.CreatedAt, &v.Active)
}

// SaveVersion stores body as the next version of table's document and
// makes it the active one, in one transaction. Table is a constant of the
// calling package, never input.
func SaveVersion(ctx context.Context, db Beginner, table string, body []byte, author, note string) (Version, error) {
	var v Version
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		// Concurrent saves take turns for the next number instead of
		// failing on it.
		if _, err := tx.Exec(ctx, `LOCK TABLE `+table+` IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE `+table+` SET active = false WHERE active`); err != nil {
			return err
		}
		var err error
		v, err = scanVersion(tx.QueryRow(ctx, `
			INSERT INTO `+table+` (version, body, author, note, active)
			SELECT COALESCE(max(version), 0) + 1, $1, $2, $3, true FROM `+table+`
			RETURNING `+versionColumns, body, author, note))
		return err
	})
	if err != nil {
		return Version{}, fmt.Errorf("save %s: %w", table, err)
	}
	return v, nil
}

// ActiveVersion returns the active version of table's document;
// ErrNoVersion when none is (the built-in default applies).
func ActiveVersion(ctx context.Context, db Querier, table string) (Version, error) {
	v, err := scanVersion(db.QueryRow(ctx, `SELECT `+versionColumns+` FROM `+table+` WHERE active`))
	if errors.Is(err, pgx.ErrNoRows) {
		return Version{}, ErrNoVersion
	}
	if err != nil {
		return Version{}, fmt.Errorf("active %s: %w", table, err)
	}
	return v, nil
}

// ListVersions returns the saved versions, newest first.
func ListVersions(ctx context.Context, db Querier, table string, limit int) ([]Version, error) {
	rows, err := db.Query(ctx, `SELECT `+versionColumns+` FROM `+table+` ORDER BY version DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", table, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Version, error) { return scanVersion(row) })
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", table, err)
	}
	return list, nil
}

// ActivateVersion makes an earlier version the active one again; 0 makes
// none active, so the built-in default applies.
func ActivateVersion(ctx context.Context, db Beginner, table string, number int) error {
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE `+table+` SET active = false WHERE active AND version <> $1`, number); err != nil {
			return err
		}
		if number == 0 {
			return nil
		}
		tag, err := tx.Exec(ctx, `UPDATE `+table+` SET active = true WHERE version = $1`, number)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNoVersion
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("activate %s v%d: %w", table, number, err)
	}
	return nil
}
