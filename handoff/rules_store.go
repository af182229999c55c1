package handoff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/crm"
)

// RulesVersion is one saved version of the escalation rules. Version 0 is
// the defaults built into the binary, live while nothing was saved.
type RulesVersion struct {
	Version   int       `json:"version"`
	Rules     Rules     `json:"rules"`
	Author    string    `json:"author"`
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Active    bool      `json:"active"`
}

// ActiveRules returns the rules in force: the active saved version, or the
// defaults (version 0). It is one indexed row, read on every turn, so a
// saved change applies to the next turn of every process.
func ActiveRules(ctx context.Context, db crm.DB) (RulesVersion, error) {
	v, err := scanRulesVersion(db.QueryRow(ctx, `SELECT version, rules, author, note, created_at, active
		FROM escalation_rules WHERE active`))
	if errors.Is(err, pgx.ErrNoRows) {
		return RulesVersion{Rules: DefaultRules(), Author: "built in", Active: true}, nil
	}
	if err != nil {
		return RulesVersion{}, fmt.Errorf("active escalation rules: %w", err)
	}
	return v, nil
}

// Beginner is a pool or a transaction: what can start a transaction
// (in a transaction, a savepoint).
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// SaveRules validates r, stores it as the next version and makes it the
// active one, in one transaction.
func SaveRules(ctx context.Context, db Beginner, r Rules, author, note string) (RulesVersion, error) {
	if err := r.Validate(); err != nil {
		return RulesVersion{}, err
	}
	author = strings.TrimSpace(author)
	if author == "" {
		return RulesVersion{}, &crm.InvalidError{Field: "author", Reason: "is required"}
	}
	body, err := json.Marshal(r)
	if err != nil {
		return RulesVersion{}, fmt.Errorf("save escalation rules: %w", err)
	}
	var v RulesVersion
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		// Locking the table makes concurrent saves take turns for the
		// next number instead of failing on it.
		if _, err := tx.Exec(ctx, `LOCK TABLE escalation_rules IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE escalation_rules SET active = false WHERE active`); err != nil {
			return err
		}
		v, err = scanRulesVersion(tx.QueryRow(ctx, `
			INSERT INTO escalation_rules (version, rules, author, note, active)
			SELECT COALESCE(max(version), 0) + 1, $1, $2, $3, true FROM escalation_rules
			RETURNING version, rules, author, note, created_at, active`, body, author, strings.TrimSpace(note)))
		return err
	})
	if err != nil {
		return RulesVersion{}, fmt.Errorf("save escalation rules: %w", err)
	}
	return v, nil
}

// ActivateRules makes an earlier version the active one again (0: the
// defaults).
func ActivateRules(ctx context.Context, db Beginner, version int) error {
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE escalation_rules SET active = false WHERE active AND version <> $1`, version); err != nil {
			return err
		}
		if version == 0 {
			return nil
		}
		tag, err := tx.Exec(ctx, `UPDATE escalation_rules SET active = true WHERE version = $1`, version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return crm.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("activate escalation rules v%d: %w", version, err)
	}
	return nil
}

// RulesVersions returns the saved versions, newest first, then the
// built-in defaults.
func RulesVersions(ctx context.Context, db crm.DB, limit int) ([]RulesVersion, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := db.Query(ctx, `SELECT version, rules, author, note, created_at, active
		FROM escalation_rules ORDER BY version DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("escalation rules versions: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (RulesVersion, error) { return scanRulesVersion(row) })
	if err != nil {
		return nil, fmt.Errorf("escalation rules versions: %w", err)
	}
	anyActive := false
	for _, v := range list {
		anyActive = anyActive || v.Active
	}
	return append(list, RulesVersion{Rules: DefaultRules(), Author: "built in", Active: !anyActive}), nil
}

func scanRulesVersion(row pgx.Row) (RulesVersion, error) {
	var v RulesVersion
	var body []byte
	if err := row.Scan(&v.Version, &body, &v.Author, &v.Note, &v.CreatedAt, &v.Active); err != nil {
		return v, err
	}
	// Start from the defaults so a field added after a version was saved
	// reads as its default, not as zero.
	v.Rules = DefaultRules()
	if err := json.Unmarshal(body, &v.Rules); err != nil {
		return v, fmt.Errorf("escalation rules v%d: %w", v.Version, err)
	}
	return v, nil
}
