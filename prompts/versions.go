package prompts

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/leadagent/leadagent/internal/errkind"
)

// DB is what prompts needs of PostgreSQL: a *pgxpool.Pool or a pgx.Tx.
// Begin lets Create and Activate run in a transaction of their own (a
// savepoint when db already is one).
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
}

// ErrNotFound is returned for a prompt name without an embedded default or
// a version that does not exist.
var ErrNotFound = errkind.NotFound

// DefaultVersion is the version label of a name's embedded default.
const DefaultVersion = "default"

// Version is one version of a named prompt. The embedded default is a
// Version too, with Number 0, author "leadagent" and no CreatedAt.
type Version struct {
	Name      string    `json:"name"`
	Number    int       `json:"number"` // 1, 2, 3... per name; 0 is the embedded default
	Body      string    `json:"body"`   // the template source
	Author    string    `json:"author"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
	Active    bool      `json:"active"`

	id int64 // the row's id; 0 for the default
}

// Label is the version without its name: "v3", or "default".
func (v Version) Label() string {
	if v.Number == 0 {
		return DefaultVersion
	}
	return "v" + strconv.Itoa(v.Number)
}

// Ref is the version's id wherever one is shown or recorded (the CLI, the
// console, the prompt version on an outbound message, eval reports):
// "sms@v3", or "sms@default".
func (v Version) Ref() string { return v.Name + "@" + v.Label() }

// IsDefault reports whether v is the embedded default rather than a stored version.
func (v Version) IsDefault() bool { return v.Number == 0 }

// ParseRef reads a version as a person or a record writes it: "sms@v3",
// "v3", "3", "sms@default" or "default". name is "" when ref has none;
// number is 0 for the default.
func ParseRef(ref string) (name string, number int, err error) {
	s := strings.TrimSpace(ref)
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		name, s = s[:i], s[i+1:]
		if name == "" {
			return "", 0, fmt.Errorf("%w version %q: empty name before @", ErrInvalid, ref)
		}
	}
	if strings.EqualFold(s, DefaultVersion) {
		return name, 0, nil
	}
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "v"), "V")
	n, convErr := strconv.Atoi(digits)
	if convErr != nil || n < 1 || digits == "" || digits[0] == '+' {
		return "", 0, fmt.Errorf("%w version %q: want sms@v3, v3, 3 or default", ErrInvalid, ref)
	}
	return name, n, nil
}

// versionOf parses ref as a version of name.
func versionOf(name, ref string) (int, error) {
	refName, n, err := ParseRef(ref)
	if err != nil {
		return 0, err
	}
	if refName != "" && refName != name {
		return 0, fmt.Errorf("%w version %q: not a version of %s", ErrInvalid, ref, name)
	}
	return n, nil
}

func defaultVersion(name string) (Version, error) {
	body, err := Default(name)
	if err != nil {
		return Version{}, err
	}
	return Version{Name: name, Body: body, Author: "leadagent", Note: "built-in default"}, nil
}

const versionColumns = `id, name, version, body, author, note, created_at, active`

func scanVersion(row pgx.Row) (Version, error) {
	var v Version
	err := row.Scan(&v.id, &v.Name, &v.Number, &v.Body, &v.Author, &v.Note, &v.CreatedAt, &v.Active)
	return v, err
}

// lockName serialises the writers of one name's versions until the
// transaction ends: concurrent Creates then count up one after another,
// and concurrent Activates cannot both leave a version active.
func lockName(ctx context.Context, tx pgx.Tx, name string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('leadagent.prompt_versions/' || $1, 0))`, name)
	return err
}

// Create stores body as the next version of name, inactive. It refuses,
// with ErrInvalid and nothing stored, an unknown name, an empty author or
// a template Validate refuses. Line endings are stored as LF (see
// NormalizeNewlines), so a version pasted or typed in a browser diffs
// line by line against the defaults.
func Create(ctx context.Context, db DB, name, body, author, note string) (Version, error) {
	body = NormalizeNewlines(body)
	if err := checkName(name); err != nil {
		return Version{}, fmt.Errorf("create prompt: %w", err)
	}
	author, note = strings.TrimSpace(author), strings.TrimSpace(note)
	if author == "" {
		return Version{}, fmt.Errorf("create prompt %s: %w: an author is required", name, ErrInvalid)
	}
	if err := Validate(body); err != nil {
		return Version{}, fmt.Errorf("create prompt %s: %w", name, err)
	}
	var v Version
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := lockName(ctx, tx, name); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		var err error
		v, err = scanVersion(tx.QueryRow(ctx, `
			INSERT INTO prompt_versions (name, version, body, author, note)
			SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4 FROM prompt_versions WHERE name = $1
			RETURNING `+versionColumns, name, body, author, note))
		return err
	})
	if err != nil {
		return Version{}, fmt.Errorf("create prompt %s: %w", name, err)
	}
	return v, nil
}

// NormalizeNewlines turns CRLF and lone CR line endings into LF. A
// browser submits a textarea with CRLF; stored as sent, every line of the
// version would differ from the LF one it was edited from.
func NormalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// List returns the versions of name, newest first, and the embedded
// default last: every version an admin can show, diff or activate.
func List(ctx context.Context, db DB, name string) ([]Version, error) {
	def, err := defaultVersion(name)
	if err != nil {
		return nil, fmt.Errorf("list prompts: %w", err)
	}
	rows, err := db.Query(ctx, `SELECT `+versionColumns+` FROM prompt_versions WHERE name = $1 ORDER BY version DESC`, name)
	if err != nil {
		return nil, fmt.Errorf("list prompts %s: %w", name, err)
	}
	versions, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Version, error) { return scanVersion(r) })
	if err != nil {
		return nil, fmt.Errorf("list prompts %s: %w", name, err)
	}
	def.Active = true
	for _, v := range versions {
		if v.Active {
			def.Active = false
		}
	}
	return append(versions, def), nil
}

// Get returns one version of name; version is as ParseRef reads it.
func Get(ctx context.Context, db DB, name, version string) (Version, error) {
	n, err := versionOf(name, version)
	if err != nil {
		return Version{}, fmt.Errorf("get prompt: %w", err)
	}
	if n == 0 {
		def, err := defaultVersion(name)
		if err != nil {
			return Version{}, fmt.Errorf("get prompt: %w", err)
		}
		var stored bool
		if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM prompt_versions WHERE name = $1 AND active)`, name).Scan(&stored); err != nil {
			return Version{}, fmt.Errorf("get prompt %s: %w", def.Ref(), err)
		}
		def.Active = !stored
		return def, nil
	}
	v, err := scanVersion(db.QueryRow(ctx, `SELECT `+versionColumns+` FROM prompt_versions WHERE name = $1 AND version = $2`, name, n))
	if err != nil {
		return Version{}, fmt.Errorf("get prompt %s@v%d: %w", name, n, notFound(err))
	}
	return v, nil
}

// Newest returns the version of name created last, or the default when
// there is none.
func Newest(ctx context.Context, db DB, name string) (Version, error) {
	if err := checkName(name); err != nil {
		return Version{}, fmt.Errorf("newest prompt: %w", err)
	}
	v, err := scanVersion(db.QueryRow(ctx, `SELECT `+versionColumns+` FROM prompt_versions WHERE name = $1 ORDER BY version DESC LIMIT 1`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		def, err := defaultVersion(name)
		def.Active = true
		return def, err
	}
	if err != nil {
		return Version{}, fmt.Errorf("newest prompt %s: %w", name, err)
	}
	return v, nil
}

// Active returns the version of name the agent runs with: the stored
// version an admin activated, or the embedded default when none is.
func Active(ctx context.Context, db DB, name string) (Version, error) {
	def, err := defaultVersion(name)
	if err != nil {
		return Version{}, fmt.Errorf("active prompt: %w", err)
	}
	v, err := scanVersion(db.QueryRow(ctx, `SELECT `+versionColumns+` FROM prompt_versions WHERE name = $1 AND active`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		def.Active = true
		return def, nil
	}
	if err != nil {
		return Version{}, fmt.Errorf("active prompt %s: %w", name, err)
	}
	return v, nil
}

// Activate makes version the active version of name, in one transaction:
// the agent's next turn on any process uses it (see Source). Activating
// "default" returns name to the embedded default. An unknown version is
// ErrNotFound and changes nothing.
func Activate(ctx context.Context, db DB, name, version string) (Version, error) {
	n, err := versionOf(name, version)
	if err != nil {
		return Version{}, fmt.Errorf("activate prompt: %w", err)
	}
	def, err := defaultVersion(name)
	if err != nil {
		return Version{}, fmt.Errorf("activate prompt: %w", err)
	}
	var v Version
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := lockName(ctx, tx, name); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		// Two statements, not one: the unique index is checked row by
		// row, so one UPDATE that flips both rows could trip it midway.
		if _, err := tx.Exec(ctx, `UPDATE prompt_versions SET active = false WHERE name = $1 AND active AND version <> $2`, name, n); err != nil {
			return err
		}
		if n == 0 {
			v = def
			v.Active = true
			return nil
		}
		v, err = scanVersion(tx.QueryRow(ctx, `
			UPDATE prompt_versions SET active = true WHERE name = $1 AND version = $2
			RETURNING `+versionColumns, name, n))
		return notFound(err) // rolls the deactivation back
	})
	if err != nil {
		return Version{}, fmt.Errorf("activate prompt %s@%s: %w", name, Version{Number: n}.Label(), err)
	}
	return v, nil
}

// notFound turns pgx's "no rows" into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
