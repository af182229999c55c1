package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/crm"
)

// TxDB is a DB that can begin a transaction: a pool, or a transaction (which
// begins a savepoint).
type TxDB interface {
	DB
	Begin(ctx context.Context) (pgx.Tx, error)
}

// LinkPurpose says what a one-time link is for.
type LinkPurpose string

const (
	// LinkInvite lets an invited login set its first password.
	LinkInvite LinkPurpose = "invite"
	// LinkReset lets a login set a new password.
	LinkReset LinkPurpose = "reset"
)

// LinkTTL is how long a link works: long enough to pass on by hand.
const LinkTTL = 7 * 24 * time.Hour

// Link is a one-time link that sets a login's password and signs it in.
// Like a session, it is a random token of which only the SHA-256 is kept.
type Link struct {
	// Token is set only when the link is made: shown once, to the admin.
	Token     string
	Purpose   LinkPurpose
	User      User
	ExpiresAt time.Time
}

// Invitation is a login an admin invites: it has no password until the
// invitee sets one through the link.
type Invitation struct {
	Email string
	Role  Role
	// RepID is required for RoleRep and optional for RoleAdmin.
	RepID string
	// By is who invited (an admin's email), kept with the link.
	By string
}

// Invite adds a login without a password and returns the link that sets
// it. Bad input is a *crm.InvalidError; an email or rep that has a login
// already, ErrConflict.
func Invite(ctx context.Context, db TxDB, in Invitation, now time.Time) (Link, error) {
	nu := NewUser{Email: in.Email, Role: in.Role, RepID: in.RepID}
	if err := checkNewUser(&nu); err != nil {
		return Link{}, err
	}
	var l Link
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		u, err := insertUser(ctx, tx, nu, "")
		if err != nil {
			return err
		}
		l, err = newLink(ctx, tx, u, LinkInvite, in.By, now)
		return err
	})
	if err != nil {
		return Link{}, err
	}
	return l, nil
}

// NewResetLink returns a link that sets a new password for a login. The
// old password works until the link is used. A disabled login gets none.
func NewResetLink(ctx context.Context, db DB, userID, by string, now time.Time) (Link, error) {
	u, err := GetUser(ctx, db, userID)
	if err != nil {
		return Link{}, fmt.Errorf("reset link: %w", err)
	}
	if u.Disabled {
		return Link{}, &crm.InvalidError{Field: "login", Reason: "is disabled: enable it first"}
	}
	purpose := LinkReset
	if u.Invited {
		purpose = LinkInvite
	}
	return newLink(ctx, db, u, purpose, by, now)
}

// newLink makes a link for u; the links it had and did not use stop
// working, so only the newest one handed out does.
func newLink(ctx context.Context, db DB, u User, purpose LinkPurpose, by string, now time.Time) (Link, error) {
	token, err := randomToken()
	if err != nil {
		return Link{}, fmt.Errorf("%s link for %s: %w", purpose, u.Email, err)
	}
	l := Link{Token: token, Purpose: purpose, User: u, ExpiresAt: now.Add(LinkTTL)}
	_, err = db.Exec(ctx, `
		WITH old AS (DELETE FROM login_links WHERE user_id = $2 AND used_at IS NULL)
		INSERT INTO login_links (token_hash, user_id, purpose, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, hashToken(token), u.ID, purpose, by, now, l.ExpiresAt)
	if err != nil {
		return Link{}, fmt.Errorf("%s link for %s: %w", purpose, u.Email, err)
	}
	return l, nil
}

// LinkByToken returns the link token opens if it still works: an unknown
// (or superseded) token is ErrNotFound, a used one ErrLinkUsed, one past
// its time ErrLinkExpired, one for a disabled login ErrDisabled.
func LinkByToken(ctx context.Context, db DB, token string, now time.Time) (Link, error) {
	return linkByToken(ctx, db, token, now, "")
}

// linkByToken is LinkByToken; lock is "" or a locking clause.
func linkByToken(ctx context.Context, db DB, token string, now time.Time, lock string) (Link, error) {
	if token == "" {
		return Link{}, fmt.Errorf("link: %w", ErrNotFound)
	}
	var l Link
	var used *time.Time
	err := db.QueryRow(ctx, `SELECT l.purpose, l.expires_at, l.used_at, `+userColumns+`
		FROM login_links l JOIN users u ON u.id = l.user_id LEFT JOIN reps r ON r.id = u.rep_id
		WHERE l.token_hash = $1 `+lock, hashToken(token)).
		Scan(append([]any{&l.Purpose, &l.ExpiresAt, &used}, userDest(&l.User)...)...)
	switch {
	case err != nil:
		// Never the token in the error: it is a live credential.
		return Link{}, fmt.Errorf("link: %w", notFound(err))
	case used != nil:
		return Link{}, fmt.Errorf("link for %s: %w", l.User.Email, ErrLinkUsed)
	case !now.Before(l.ExpiresAt):
		return Link{}, fmt.Errorf("link for %s: %w", l.User.Email, ErrLinkExpired)
	case l.User.Disabled:
		return Link{}, fmt.Errorf("link for %s: %w", l.User.Email, ErrDisabled)
	}
	return l, nil
}

// UseLink sets the password of the login token's link opens, once: the
// link stops working, and so do the login's sessions and other links.
// The link is refused as LinkByToken refuses it; a password that breaks
// the rules is a *crm.InvalidError and leaves the link working.
func UseLink(ctx context.Context, db TxDB, token, password string, now time.Time) (User, error) {
	hash, err := HashPassword(password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		l, err := linkByToken(ctx, tx, token, now, "FOR UPDATE OF l")
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			WITH used AS (UPDATE login_links SET used_at = $3 WHERE token_hash = $1),
			     others AS (DELETE FROM login_links WHERE user_id = $2 AND used_at IS NULL AND token_hash <> $1),
			     ended AS (DELETE FROM sessions WHERE user_id = $2)
			UPDATE users SET password_hash = $4 WHERE id = $2`, hashToken(token), l.User.ID, now, hash)
		if err != nil {
			return fmt.Errorf("use link for %s: %w", l.User.Email, err)
		}
		u, err = GetUser(ctx, tx, l.User.ID)
		return err
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// SetDisabled disables a login (it cannot sign in; its sessions and
// unused links end) or enables it again. Disabling the last active admin
// is ErrLastAdmin.
func SetDisabled(ctx context.Context, db TxDB, userID string, disabled bool) (User, error) {
	return changeUser(ctx, db, userID, func(ctx context.Context, tx pgx.Tx, u User) error {
		if !disabled {
			_, err := tx.Exec(ctx, `UPDATE users SET disabled_at = NULL WHERE id = $1`, u.ID)
			return err
		}
		if u.Disabled {
			return nil
		}
		if err := keepAnAdmin(ctx, tx, u); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `
			WITH ended AS (DELETE FROM sessions WHERE user_id = $1),
			     links AS (DELETE FROM login_links WHERE user_id = $1 AND used_at IS NULL)
			UPDATE users SET disabled_at = now() WHERE id = $1`, u.ID)
		return err
	})
}

// SetRole changes what a login may do, from its next request. A rep's
// login needs the rep it acts as; demoting the last active admin is
// ErrLastAdmin.
func SetRole(ctx context.Context, db TxDB, userID string, role Role) (User, error) {
	if !role.Valid() {
		return User{}, &crm.InvalidError{Field: "role", Reason: fmt.Sprintf("%q is not a role: want admin or rep", role)}
	}
	return changeUser(ctx, db, userID, func(ctx context.Context, tx pgx.Tx, u User) error {
		if u.Role == role {
			return nil
		}
		if role == RoleRep && u.RepID == "" {
			return &crm.InvalidError{Field: "role", Reason: "a rep's login needs the rep it acts as: " + u.Email + " has none"}
		}
		if err := keepAnAdmin(ctx, tx, u); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE users SET role = $2 WHERE id = $1`, u.ID, role)
		return err
	})
}

// changeUser runs change on the login, locked, in a transaction, and
// returns the login as it is after.
func changeUser(ctx context.Context, db TxDB, userID string, change func(context.Context, pgx.Tx, User) error) (User, error) {
	if !crm.IsUUID(userID) {
		return User{}, fmt.Errorf("user %q: %w", userID, ErrNotFound)
	}
	var u User
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		// Every active admin is locked first, in one order, so two admins
		// changing each other at once cannot both pass keepAnAdmin.
		if _, err := tx.Exec(ctx, `SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`); err != nil {
			return fmt.Errorf("lock admins: %w", err)
		}
		err := tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users u LEFT JOIN reps r ON r.id = u.rep_id
			WHERE u.id = $1 FOR UPDATE OF u`, userID).Scan(userDest(&u)...)
		if err != nil {
			return fmt.Errorf("user %s: %w", userID, notFound(err))
		}
		if err := change(ctx, tx, u); err != nil {
			if errors.Is(err, ErrLastAdmin) || isInvalid(err) {
				return err
			}
			return fmt.Errorf("change user %s: %w", u.Email, err)
		}
		u, err = GetUser(ctx, tx, userID)
		return err
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// keepAnAdmin refuses to take u's admin powers away when no other active
// admin (one not disabled, with a password) would be left.
func keepAnAdmin(ctx context.Context, tx pgx.Tx, u User) error {
	if u.Role != RoleAdmin || u.Disabled || u.Invited {
		return nil
	}
	var others int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM users
		WHERE role = 'admin' AND disabled_at IS NULL AND password_hash <> '' AND id <> $1`, u.ID).Scan(&others)
	if err != nil {
		return fmt.Errorf("count admins: %w", err)
	}
	if others == 0 {
		return fmt.Errorf("change %s: %w", u.Email, ErrLastAdmin)
	}
	return nil
}

func isInvalid(err error) bool {
	var invalid *crm.InvalidError
	return errors.As(err, &invalid)
}
