package auth

import (
	"github.com/leadagent/leadagent/crm"

	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// tokenBytes is the length of a session token and of a CSRF token before
// encoding.
const tokenBytes = 32

// seenEvery is how stale last_seen_at may get before SessionByToken
// writes it again: every request of a busy console need not be a write.
const seenEvery = time.Minute

// Session is a signed-in browser.
type Session struct {
	// Token is the cookie's value. It is set only by NewSession: the
	// database keeps its SHA-256, so a looked-up session has none.
	Token string
	User  User
	// CSRF is the token every form and unsafe request of this session
	// must echo; see ValidCSRF.
	CSRF      string
	ExpiresAt time.Time
}

// NewSession signs a user in for ttl from now.
func NewSession(ctx context.Context, db DB, userID string, ttl time.Duration, now time.Time) (Session, error) {
	if ttl <= 0 {
		return Session{}, fmt.Errorf("new session for user %s: ttl %v is not positive", userID, ttl)
	}
	if !crm.IsUUID(userID) {
		return Session{}, fmt.Errorf("new session for user %q: %w", userID, ErrNotFound)
	}
	token, err := randomToken()
	if err != nil {
		return Session{}, fmt.Errorf("new session for user %s: %w", userID, err)
	}
	csrf, err := randomToken()
	if err != nil {
		return Session{}, fmt.Errorf("new session for user %s: %w", userID, err)
	}
	s := Session{Token: token, CSRF: csrf}
	err = db.QueryRow(ctx, `
		WITH s AS (
			INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
			VALUES ($1, $2, $3, $4, $5, $4)
			RETURNING user_id, expires_at)
		SELECT s.expires_at, `+userColumns+`
		FROM s JOIN users u ON u.id = s.user_id LEFT JOIN reps r ON r.id = u.rep_id`,
		hashToken(token), userID, csrf, now, now.Add(ttl)).Scan(append([]any{&s.ExpiresAt}, userDest(&s.User)...)...)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23503" {
		return Session{}, fmt.Errorf("new session for user %s: %w", userID, ErrNotFound)
	}
	if err != nil {
		return Session{}, fmt.Errorf("new session for user %s: %w", userID, err)
	}
	return s, nil
}

// SessionByToken returns the live session whose cookie holds token, with
// its user. An unknown or expired token is ErrNotFound. It records that
// the session was seen, at most once a minute.
func SessionByToken(ctx context.Context, db DB, token string, now time.Time) (Session, error) {
	if token == "" {
		return Session{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	var s Session
	// The bump's WHERE repeats the select's, so an expired session is
	// never touched; the SELECT reads the snapshot from before the bump.
	err := db.QueryRow(ctx, `
		WITH s AS (
			SELECT user_id, csrf_token, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2),
		     seen AS (
			UPDATE sessions SET last_seen_at = $2
			WHERE token_hash = $1 AND expires_at > $2 AND last_seen_at <= $3)
		SELECT s.csrf_token, s.expires_at, `+userColumns+`
		FROM s JOIN users u ON u.id = s.user_id LEFT JOIN reps r ON r.id = u.rep_id
		WHERE u.disabled_at IS NULL`,
		hashToken(token), now, now.Add(-seenEvery)).Scan(append([]any{&s.CSRF, &s.ExpiresAt}, userDest(&s.User)...)...)
	if err != nil {
		// Never the token itself in the error: it is a live credential.
		return Session{}, fmt.Errorf("session: %w", notFound(err))
	}
	return s, nil
}

// EndSession signs a session out. Ending one that does not exist (already
// ended or expired) is not an error: the browser is signed out either way.
func EndSession(ctx context.Context, db DB, token string) error {
	if _, err := db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(token)); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes the sessions that expired by now and says
// how many there were.
func DeleteExpiredSessions(ctx context.Context, db DB, now time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now)
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return tag.RowsAffected(), nil
}

// ValidCSRF reports whether token is s's CSRF token, in constant time.
func ValidCSRF(s Session, token string) bool {
	return s.CSRF != "" && subtle.ConstantTimeCompare([]byte(s.CSRF), []byte(token)) == 1
}

func randomToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
