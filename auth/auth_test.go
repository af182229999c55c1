package auth_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/store/storetest"
)

const password = "correct horse battery"

type testBundle struct {
	ctx context.Context
	db  *pgxpool.Pool
}

func setup(t *testing.T) testBundle {
	t.Helper()
	return testBundle{ctx: context.Background(), db: storetest.NewDB(t)}
}

func (b testBundle) rep(t *testing.T, name, phone string) crm.Rep {
	t.Helper()
	r, err := crm.AddRep(b.ctx, b.db, crm.NewRep{Name: name, Phone: phone}, "US")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// user adds a login with the test password.
func (b testBundle) user(t *testing.T, email string, role auth.Role, repID string) auth.User {
	t.Helper()
	u, err := auth.AddUser(b.ctx, b.db, auth.NewUser{Email: email, Password: password, Role: role, RepID: repID})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAddUser(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	sam := b.rep(t, "Sam Ortiz", "+19705550182")
	b.user(t, "taken@example.com", auth.RoleAdmin, "")

	tests := []struct {
		name      string
		in        auth.NewUser
		wantEmail string
		wantRep   string
		invalid   string // the field an InvalidError names
		conflict  bool
	}{
		{name: "admin", in: auth.NewUser{Email: "dana@example.com", Password: password, Role: auth.RoleAdmin}, wantEmail: "dana@example.com"},
		{name: "email trimmed and lower-cased", in: auth.NewUser{Email: "  Lee@Example.COM ", Password: password, Role: auth.RoleAdmin}, wantEmail: "lee@example.com"},
		{name: "rep login acts as its rep", in: auth.NewUser{Email: "alex@example.com", Password: password, Role: auth.RoleRep, RepID: alex.ID}, wantEmail: "alex@example.com", wantRep: "Alex Rivera"},
		{name: "admin who is also a rep", in: auth.NewUser{Email: "sam@example.com", Password: password, Role: auth.RoleAdmin, RepID: sam.ID}, wantEmail: "sam@example.com", wantRep: "Sam Ortiz"},
		{name: "password of exactly 10 characters", in: auth.NewUser{Email: "ten@example.com", Password: "0123456789", Role: auth.RoleAdmin}, wantEmail: "ten@example.com"},
		{name: "password of 72 bytes", in: auth.NewUser{Email: "long@example.com", Password: strings.Repeat("x", 72), Role: auth.RoleAdmin}, wantEmail: "long@example.com"},

		{name: "duplicate email in another case", in: auth.NewUser{Email: "Taken@example.com", Password: password, Role: auth.RoleAdmin}, conflict: true},
		{name: "second login for a rep", in: auth.NewUser{Email: "alex2@example.com", Password: password, Role: auth.RoleRep, RepID: alex.ID}, conflict: true},

		{name: "no email", in: auth.NewUser{Password: password, Role: auth.RoleAdmin}, invalid: "email"},
		{name: "no at sign", in: auth.NewUser{Email: "dana.example.com", Password: password, Role: auth.RoleAdmin}, invalid: "email"},
		{name: "no domain", in: auth.NewUser{Email: "dana@", Password: password, Role: auth.RoleAdmin}, invalid: "email"},
		{name: "no dot in the domain", in: auth.NewUser{Email: "dana@example", Password: password, Role: auth.RoleAdmin}, invalid: "email"},
		{name: "two at signs", in: auth.NewUser{Email: "dana@x@example.com", Password: password, Role: auth.RoleAdmin}, invalid: "email"},
		{name: "a space inside", in: auth.NewUser{Email: "dana rivera@example.com", Password: password, Role: auth.RoleAdmin}, invalid: "email"},
		{name: "short password", in: auth.NewUser{Email: "short@example.com", Password: "123456789", Role: auth.RoleAdmin}, invalid: "password"},
		{name: "password over 72 bytes", in: auth.NewUser{Email: "long2@example.com", Password: strings.Repeat("x", 73), Role: auth.RoleAdmin}, invalid: "password"},
		{name: "no role", in: auth.NewUser{Email: "norole@example.com", Password: password}, invalid: "role"},
		{name: "unknown role", in: auth.NewUser{Email: "root@example.com", Password: password, Role: "root"}, invalid: "role"},
		{name: "rep login without a rep", in: auth.NewUser{Email: "nobody@example.com", Password: password, Role: auth.RoleRep}, invalid: "rep"},
		{name: "unknown rep", in: auth.NewUser{Email: "ghost@example.com", Password: password, Role: auth.RoleRep, RepID: "6f1c2d3e-0000-4000-8000-000000000000"}, invalid: "rep"},
		{name: "malformed rep id", in: auth.NewUser{Email: "ghost2@example.com", Password: password, Role: auth.RoleRep, RepID: "alex"}, invalid: "rep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := auth.AddUser(b.ctx, b.db, tt.in)
			var ie *crm.InvalidError
			switch {
			case tt.invalid != "":
				if !errors.As(err, &ie) || ie.Field != tt.invalid {
					t.Fatalf("AddUser = %+v, %v; want an InvalidError on %s", u, err, tt.invalid)
				}
			case tt.conflict:
				if !errors.Is(err, auth.ErrConflict) {
					t.Fatalf("AddUser = %+v, %v; want ErrConflict", u, err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if u.ID == "" || u.Email != tt.wantEmail || u.Role != tt.in.Role || u.RepID != tt.in.RepID ||
					u.RepName != tt.wantRep || u.CreatedAt.IsZero() || u.LastLoginAt != nil {
					t.Fatalf("AddUser = %+v", u)
				}
			}
			if err != nil && tt.in.Password != "" && strings.Contains(err.Error(), tt.in.Password) {
				t.Fatalf("the error shows the password: %v", err)
			}
		})
	}

	// Exactly the valid ones were stored, with a hash and never the password.
	var n int
	if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM users WHERE password_hash LIKE '$2a$10$%' AND position($1 IN password_hash) = 0`, password).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 7 {
		t.Fatalf("%d users stored with a bcrypt hash, want 7", n)
	}
}

func TestGetAndListUsers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	rep := b.user(t, "alex@example.com", auth.RoleRep, alex.ID)
	admin := b.user(t, "dana@example.com", auth.RoleAdmin, "")

	got, err := auth.GetUser(b.ctx, b.db, rep.ID)
	if err != nil || got.Email != "alex@example.com" || got.RepName != "Alex Rivera" {
		t.Fatalf("GetUser = %+v, %v", got, err)
	}
	if got, err := auth.UserByEmail(b.ctx, b.db, " DANA@example.com"); err != nil || got.ID != admin.ID {
		t.Fatalf("UserByEmail = %+v, %v", got, err)
	}
	for _, id := range []string{"6f1c2d3e-0000-4000-8000-000000000000", "not-a-uuid", ""} {
		if _, err := auth.GetUser(b.ctx, b.db, id); !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("GetUser(%q) = %v, want ErrNotFound", id, err)
		}
	}
	if _, err := auth.UserByEmail(b.ctx, b.db, "who@example.com"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("UserByEmail(unknown) = %v, want ErrNotFound", err)
	}
	list, err := auth.ListUsers(b.ctx, b.db)
	if err != nil || len(list) != 2 || list[0].ID != rep.ID || list[1].ID != admin.ID || list[0].RepName != "Alex Rivera" || list[1].RepID != "" {
		t.Fatalf("ListUsers = %+v, %v", list, err)
	}
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	added := b.user(t, "alex@example.com", auth.RoleRep, alex.ID)

	u, err := auth.Authenticate(b.ctx, b.db, " Alex@Example.com ", password)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != added.ID || u.RepName != "Alex Rivera" || u.LastLoginAt == nil {
		t.Fatalf("Authenticate = %+v", u)
	}
	if got, _ := auth.GetUser(b.ctx, b.db, u.ID); got.LastLoginAt == nil || !got.LastLoginAt.Equal(*u.LastLoginAt) {
		t.Fatalf("last login not stored: %+v", got)
	}

	for _, tt := range []struct{ name, email, password string }{
		{"wrong password", "alex@example.com", "not the password"},
		{"unknown email", "nobody@example.com", password},
		{"empty password", "alex@example.com", ""},
		{"the password with more after byte 72", "alex@example.com", password + strings.Repeat("!", 72)},
	} {
		u, err := auth.Authenticate(b.ctx, b.db, tt.email, tt.password)
		if !errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("%s: Authenticate = %+v, %v; want ErrBadCredentials", tt.name, u, err)
		}
		if tt.password != "" && strings.Contains(err.Error(), tt.password) {
			t.Errorf("%s: the error shows the password: %v", tt.name, err)
		}
	}
}

func TestSessions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	u := b.user(t, "alex@example.com", auth.RoleRep, alex.ID)
	now := time.Date(2025, 3, 4, 22, 0, 0, 0, time.UTC)

	s, err := auth.NewSession(b.ctx, b.db, u.ID, 12*time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Token) != 43 || len(s.CSRF) != 43 || s.Token == s.CSRF || !s.ExpiresAt.Equal(now.Add(12*time.Hour)) ||
		s.User.ID != u.ID || s.User.RepName != "Alex Rivera" {
		t.Fatalf("NewSession = %+v", s)
	}
	other, err := auth.NewSession(b.ctx, b.db, u.ID, time.Hour, now)
	if err != nil || other.Token == s.Token || other.CSRF == s.CSRF {
		t.Fatalf("a second session: %+v, %v", other, err)
	}

	got, err := auth.SessionByToken(b.ctx, b.db, s.Token, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got.Token != "" || got.CSRF != s.CSRF || !got.ExpiresAt.Equal(s.ExpiresAt) || got.User.Email != "alex@example.com" || got.User.RepName != "Alex Rivera" {
		t.Fatalf("SessionByToken = %+v", got)
	}
	for name, token := range map[string]string{"unknown": "bm90IGEgdG9rZW4", "empty": "", "the CSRF token": s.CSRF} {
		if _, err := auth.SessionByToken(b.ctx, b.db, token, now); !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("SessionByToken(%s) = %v, want ErrNotFound", name, err)
		}
	}
	if _, err := auth.SessionByToken(b.ctx, b.db, s.Token, s.ExpiresAt); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("SessionByToken at expiry = %v, want ErrNotFound", err)
	}
	if _, err := auth.NewSession(b.ctx, b.db, "6f1c2d3e-0000-4000-8000-000000000000", time.Hour, now); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("NewSession for an unknown user = %v, want ErrNotFound", err)
	}
	if _, err := auth.NewSession(b.ctx, b.db, u.ID, 0, now); err == nil {
		t.Fatal("NewSession with no ttl succeeded")
	}

	// The other session expired an hour in; the first one has not.
	n, err := auth.DeleteExpiredSessions(b.ctx, b.db, now.Add(2*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("DeleteExpiredSessions = %d, %v; want 1", n, err)
	}
	if err := auth.EndSession(b.ctx, b.db, s.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.SessionByToken(b.ctx, b.db, s.Token, now.Add(time.Hour)); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("SessionByToken after EndSession = %v, want ErrNotFound", err)
	}
	if err := auth.EndSession(b.ctx, b.db, s.Token); err != nil {
		t.Fatalf("ending an ended session: %v", err)
	}
}

func TestSessionLastSeen(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u := b.user(t, "dana@example.com", auth.RoleAdmin, "")
	now := time.Date(2025, 3, 4, 22, 0, 0, 0, time.UTC)
	s, err := auth.NewSession(b.ctx, b.db, u.ID, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	lastSeen := func() time.Time {
		t.Helper()
		var at time.Time
		if err := b.db.QueryRow(b.ctx, `SELECT last_seen_at FROM sessions`).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	for _, step := range []struct {
		at   time.Duration
		want time.Duration
	}{
		{30 * time.Second, 0}, // within the minute: not written
		{time.Minute, time.Minute},
		{90 * time.Second, time.Minute},
		{3 * time.Minute, 3 * time.Minute},
	} {
		if _, err := auth.SessionByToken(b.ctx, b.db, s.Token, now.Add(step.at)); err != nil {
			t.Fatal(err)
		}
		if got := lastSeen(); !got.Equal(now.Add(step.want)) {
			t.Fatalf("seen at +%v: last_seen_at = +%v, want +%v", step.at, got.Sub(now), step.want)
		}
	}
}

func TestSetPasswordEndsSessions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u := b.user(t, "dana@example.com", auth.RoleAdmin, "")
	keep := b.user(t, "lee@example.com", auth.RoleAdmin, "")
	now := time.Now()
	s, err := auth.NewSession(b.ctx, b.db, u.ID, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := auth.NewSession(b.ctx, b.db, keep.ID, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}

	var ie *crm.InvalidError
	if err := auth.SetPassword(b.ctx, b.db, u.ID, "short"); !errors.As(err, &ie) || ie.Field != "password" {
		t.Fatalf("SetPassword(short) = %v, want an InvalidError", err)
	}
	if _, err := auth.SessionByToken(b.ctx, b.db, s.Token, now); err != nil {
		t.Fatalf("a refused password ended the session: %v", err)
	}
	if err := auth.SetPassword(b.ctx, b.db, u.ID, "a brand new passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.SessionByToken(b.ctx, b.db, s.Token, now); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("session after SetPassword = %v, want ErrNotFound", err)
	}
	if _, err := auth.SessionByToken(b.ctx, b.db, kept.Token, now); err != nil {
		t.Fatalf("another user's session ended too: %v", err)
	}
	if _, err := auth.Authenticate(b.ctx, b.db, "dana@example.com", password); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("old password: %v", err)
	}
	if _, err := auth.Authenticate(b.ctx, b.db, "dana@example.com", "a brand new passphrase"); err != nil {
		t.Fatalf("new password: %v", err)
	}
	for _, id := range []string{"6f1c2d3e-0000-4000-8000-000000000000", "nope"} {
		if err := auth.SetPassword(b.ctx, b.db, id, "a brand new passphrase"); !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("SetPassword(%q) = %v, want ErrNotFound", id, err)
		}
	}
}

func TestTokenNeverStoredInPlain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u := b.user(t, "dana@example.com", auth.RoleAdmin, "")
	s, err := auth.NewSession(b.ctx, b.db, u.ID, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var hash []byte
	var n int
	// The whole row as text: the token is in none of its columns.
	err = b.db.QueryRow(b.ctx, `SELECT token_hash, (SELECT count(*) FROM sessions x WHERE position($1 IN x::text) > 0)
		FROM sessions`, s.Token).Scan(&hash, &n)
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256([]byte(s.Token))
	if !bytes.Equal(hash, want[:]) || n != 0 {
		t.Fatalf("token_hash = %x (want %x); rows holding the token: %d", hash, want, n)
	}
}

func TestValidCSRF(t *testing.T) {
	t.Parallel()
	s := auth.Session{CSRF: "Zm9vYmFyYmF6cXV4"}
	for token, want := range map[string]bool{
		"Zm9vYmFyYmF6cXV4":  true,
		"Zm9vYmFyYmF6cXV":   false,
		"Zm9vYmFyYmF6cXV4x": false,
		"zm9vYmFyYmF6cXV4":  false,
		"":                  false,
	} {
		if got := auth.ValidCSRF(s, token); got != want {
			t.Errorf("ValidCSRF(%q) = %v, want %v", token, got, want)
		}
	}
	if auth.ValidCSRF(auth.Session{}, "") {
		t.Error("a session without a CSRF token accepted an empty one")
	}
}

func TestPasswordHashing(t *testing.T) {
	t.Parallel()
	h, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$2a$10$") || strings.Contains(h, password) {
		t.Fatalf("hash %q", h)
	}
	if !auth.CheckPassword(h, password) || auth.CheckPassword(h, password+"x") || auth.CheckPassword("not a hash", password) {
		t.Fatal("CheckPassword disagrees with HashPassword")
	}
	// bcrypt reads 72 bytes; a longer password is refused, not cut short.
	long := strings.Repeat("é", 36) // 72 bytes, 36 characters
	h, err = auth.HashPassword(long)
	if err != nil {
		t.Fatal(err)
	}
	if auth.CheckPassword(h, long+"x") {
		t.Fatal("a password longer than 72 bytes matched its first 72")
	}
	var ie *crm.InvalidError
	if _, err := auth.HashPassword(long + "x"); !errors.As(err, &ie) || ie.Field != "password" {
		t.Fatalf("HashPassword(73 bytes) = %v, want an InvalidError", err)
	}
	if _, err := auth.HashPassword("ééééééééé"); !errors.As(err, &ie) {
		t.Fatalf("HashPassword(9 characters, 18 bytes) = %v, want an InvalidError", err)
	}
}
