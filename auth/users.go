package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/leadagent/leadagent/crm"
)

// Role is what a login may do in the console.
type Role string

const (
	// RoleAdmin loads knowledge, tunes prompts and rules, manages reps and
	// logins, and may also work conversations.
	RoleAdmin Role = "admin"
	// RoleRep works the conversations handed to people, as one rep.
	RoleRep Role = "rep"
)

// Valid reports whether r is admin or rep.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleRep }

// User is a console login.
type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Role  Role   `json:"role"`
	// RepID is the rep this login acts as: always set for RoleRep,
	// optional for an admin who also takes conversations; "" when none.
	RepID string `json:"rep_id,omitempty"`
	// RepName is the rep's name, filled by every read.
	RepName     string     `json:"rep_name,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
	// Disabled logins cannot sign in and have no sessions.
	Disabled bool `json:"disabled,omitempty"`
	// Invited is a login whose invitee has not set a password yet.
	Invited bool `json:"invited,omitempty"`
}

// userColumns reads a user joined (LEFT JOIN reps r) to the rep it acts as.
const userColumns = `u.id::text, u.email, u.role, COALESCE(u.rep_id::text, ''), COALESCE(r.name, ''), u.created_at, u.last_login_at,
	u.disabled_at IS NOT NULL, u.password_hash = ''`

func userDest(u *User) []any {
	return []any{&u.ID, &u.Email, &u.Role, &u.RepID, &u.RepName, &u.CreatedAt, &u.LastLoginAt, &u.Disabled, &u.Invited}
}

// NewUser is a login to add.
type NewUser struct {
	Email    string
	Password string
	Role     Role
	// RepID is required for RoleRep and optional for RoleAdmin.
	RepID string
}

// AddUser adds a login. The email is trimmed and lower-cased; a second
// login with the same email, or a second login for the same rep, is
// ErrConflict. Bad input is a *crm.InvalidError.
func AddUser(ctx context.Context, db DB, in NewUser) (User, error) {
	if err := checkNewUser(&in); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return User{}, err
	}
	return insertUser(ctx, db, in, hash)
}

// checkNewUser normalises in's email and rep and checks its role; the
// password is checked where it is hashed.
func checkNewUser(in *NewUser) error {
	email, err := normalEmail(in.Email)
	if err != nil {
		return err
	}
	in.Email = email
	if !in.Role.Valid() {
		return &crm.InvalidError{Field: "role", Reason: fmt.Sprintf("%q is not a role: want admin or rep", in.Role)}
	}
	in.RepID = strings.TrimSpace(in.RepID)
	if in.Role == RoleRep && in.RepID == "" {
		return &crm.InvalidError{Field: "rep", Reason: "a rep's login needs the rep it acts as"}
	}
	return nil
}

// insertUser adds a checked login with this password hash (” for an
// invited login, which no password matches).
func insertUser(ctx context.Context, db DB, in NewUser, hash string) (User, error) {
	email := in.Email
	if in.RepID != "" {
		if _, err := crm.GetRep(ctx, db, in.RepID); errors.Is(err, crm.ErrNotFound) {
			return User{}, &crm.InvalidError{Field: "rep", Reason: fmt.Sprintf("no rep with id %q", in.RepID)}
		} else if err != nil {
			return User{}, fmt.Errorf("add user %s: %w", email, err)
		}
	}
	var u User
	err := db.QueryRow(ctx, `
		WITH u AS (
			INSERT INTO users (email, password_hash, role, rep_id) VALUES ($1, $2, $3, NULLIF($4, '')::uuid)
			RETURNING *)
		SELECT `+userColumns+` FROM u LEFT JOIN reps r ON r.id = u.rep_id`,
		email, hash, in.Role, in.RepID).Scan(userDest(&u)...)
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505" && pe.ConstraintName == "users_rep_id_key":
			return User{}, fmt.Errorf("add user %s: that rep already has a login: %w", email, ErrConflict)
		case pe.Code == "23505":
			return User{}, fmt.Errorf("add user %s: a login with that email exists: %w", email, ErrConflict)
		case pe.Code == "23503": // the rep was deleted since GetRep
			return User{}, &crm.InvalidError{Field: "rep", Reason: fmt.Sprintf("no rep with id %q", in.RepID)}
		}
	}
	if err != nil {
		return User{}, fmt.Errorf("add user %s: %w", email, err)
	}
	return u, nil
}

// normalEmail trims and lower-cases an email address and checks that it
// looks like one: something, one @, and a domain with a dot in it.
func normalEmail(raw string) (string, error) {
	email := strings.ToLower(strings.TrimSpace(raw))
	bad := &crm.InvalidError{Field: "email", Reason: fmt.Sprintf("%q is not an email address", email)}
	if email == "" {
		return "", &crm.InvalidError{Field: "email", Reason: "is required"}
	}
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || len(email) > 254 || strings.ContainsAny(email, " \t\r\n\"<>(),;:\\[]") ||
		strings.Contains(domain, "@") || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "", bad
	}
	return email, nil
}

// SetPassword changes a user's password and ends all of that user's
// sessions, in one statement: whoever knew the old password is signed out.
func SetPassword(ctx context.Context, db DB, userID, password string) error {
	if !crm.IsUUID(userID) {
		return fmt.Errorf("set password of user %q: %w", userID, ErrNotFound)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	var n int
	err = db.QueryRow(ctx, `
		WITH u AS (UPDATE users SET password_hash = $2 WHERE id = $1 RETURNING id),
		     ended AS (DELETE FROM sessions s USING u WHERE s.user_id = u.id)
		SELECT count(*) FROM u`, userID, hash).Scan(&n)
	if err != nil {
		return fmt.Errorf("set password of user %s: %w", userID, err)
	}
	if n == 0 {
		return fmt.Errorf("set password of user %s: %w", userID, ErrNotFound)
	}
	return nil
}

// GetUser returns one user.
func GetUser(ctx context.Context, db DB, id string) (User, error) {
	if !crm.IsUUID(id) {
		return User{}, fmt.Errorf("get user %q: %w", id, ErrNotFound)
	}
	var u User
	err := db.QueryRow(ctx, `SELECT `+userColumns+` FROM users u LEFT JOIN reps r ON r.id = u.rep_id
		WHERE u.id = $1`, id).Scan(userDest(&u)...)
	if err != nil {
		return User{}, fmt.Errorf("get user %s: %w", id, notFound(err))
	}
	return u, nil
}

// UserByEmail returns the user with this email (any case, spaces around
// ignored).
func UserByEmail(ctx context.Context, db DB, email string) (User, error) {
	var u User
	err := db.QueryRow(ctx, `SELECT `+userColumns+` FROM users u LEFT JOIN reps r ON r.id = u.rep_id
		WHERE u.email = $1`, strings.ToLower(strings.TrimSpace(email))).Scan(userDest(&u)...)
	if err != nil {
		return User{}, fmt.Errorf("user %q: %w", email, notFound(err))
	}
	return u, nil
}

// ListUsers returns every user, by email.
func ListUsers(ctx context.Context, db DB) ([]User, error) {
	rows, err := db.Query(ctx, `SELECT `+userColumns+` FROM users u LEFT JOIN reps r ON r.id = u.rep_id ORDER BY u.email`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (User, error) {
		var u User
		err := row.Scan(userDest(&u)...)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return list, nil
}

// Authenticate returns the user with this email and password and records
// the login. An unknown email and a wrong password are both
// ErrBadCredentials, and take about as long: the unknown email's password
// is checked against a hash too.
func Authenticate(ctx context.Context, db DB, email, password string) (User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var id, hash string
	var disabled bool
	err := db.QueryRow(ctx, `SELECT id::text, password_hash, disabled_at IS NOT NULL FROM users WHERE email = $1`,
		email).Scan(&id, &hash, &disabled)
	if err == nil && hash == "" {
		err = pgx.ErrNoRows // invited, no password yet: as slow as an unknown email
	}
	if errors.Is(err, pgx.ErrNoRows) {
		CheckPassword(dummyHash, password)
		return User{}, fmt.Errorf("authenticate %s: %w", email, ErrBadCredentials)
	}
	if err != nil {
		return User{}, fmt.Errorf("authenticate %s: %w", email, err)
	}
	if !CheckPassword(hash, password) {
		return User{}, fmt.Errorf("authenticate %s: %w", email, ErrBadCredentials)
	}
	if disabled {
		// Said only to whoever knows the password.
		return User{}, fmt.Errorf("authenticate %s: %w", email, ErrDisabled)
	}
	var u User
	// The hash must still be the one checked: a password changed meanwhile
	// does not let the old one in.
	err = db.QueryRow(ctx, `
		WITH u AS (UPDATE users SET last_login_at = now() WHERE id = $1 AND password_hash = $2 AND disabled_at IS NULL RETURNING *)
		SELECT `+userColumns+` FROM u LEFT JOIN reps r ON r.id = u.rep_id`, id, hash).Scan(userDest(&u)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, fmt.Errorf("authenticate %s: %w", email, ErrBadCredentials)
	}
	if err != nil {
		return User{}, fmt.Errorf("authenticate %s: %w", email, err)
	}
	return u, nil
}

// AdminRepIDs returns the reps that admin logins act as: the people to
// text when a handoff waits too long.
func AdminRepIDs(ctx context.Context, db DB) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT rep_id::text FROM users WHERE role = 'admin' AND rep_id IS NOT NULL ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("admin reps: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("admin reps: %w", err)
	}
	return ids, nil
}
