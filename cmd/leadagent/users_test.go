package main

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/auth"
)

func runUsersCLI(t *testing.T, cfg Config, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := usersCommand{stdin: strings.NewReader(stdin)}.run(context.Background(), cfg, args, &out)
	return out.String(), err
}

func usersOK(t *testing.T, cfg Config, stdin string, args ...string) string {
	t.Helper()
	out, err := runUsersCLI(t, cfg, stdin, args...)
	if err != nil {
		t.Fatalf("users %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func TestUsersCommand(t *testing.T) {
	t.Parallel()
	db := newCLIDB(t)
	ctx := context.Background()
	repsOK(t, db.cfg, "add", "--name", "Alex Rivera", "--phone", "+19705550181")

	if out := usersOK(t, db.cfg, "", "list"); !strings.HasPrefix(out, "no logins yet") {
		t.Fatalf("list on a fresh database:\n%s", out)
	}
	// The first line of stdin is the password; the rest is ignored.
	if out := usersOK(t, db.cfg, "dana's long password\r\nsecond line\n", "add", "--email", "Dana@Example.com", "--role", "admin"); out != "added admin dana@example.com\n" {
		t.Fatalf("add admin:\n%s", out)
	}
	if out := usersOK(t, db.cfg, "alex's long password", "add", "--role", "rep", "--rep", "alex rivera", "--email", "alex@example.com"); out != "added rep alex@example.com (acts as Alex Rivera)\n" {
		t.Fatalf("add rep:\n%s", out)
	}
	var role, repName, hash string
	if err := db.pool.QueryRow(ctx, `SELECT u.role, r.name, u.password_hash FROM users u JOIN reps r ON r.id = u.rep_id
		WHERE u.email = 'alex@example.com'`).Scan(&role, &repName, &hash); err != nil {
		t.Fatal(err)
	}
	if role != "rep" || repName != "Alex Rivera" || !auth.CheckPassword(hash, "alex's long password") {
		t.Fatalf("stored alex as %s acting as %s", role, repName)
	}
	if _, err := auth.Authenticate(ctx, db.pool, "dana@example.com", "dana's long password"); err != nil {
		t.Fatalf("dana's password, without its line ending: %v", err)
	}

	want := regexp.MustCompile(`^` +
		`EMAIL             ROLE   REP          LAST LOGIN\n` +
		`alex@example\.com  rep    Alex Rivera  never\n` +
		`dana@example\.com  admin  -            \d{4}-\d\d-\d\d \d\d:\d\d UTC\n$`)
	if out := usersOK(t, db.cfg, "", "list"); !want.MatchString(out) {
		t.Fatalf("list:\n%s\nwant\n%s", out, want)
	}

	// passwd changes the password and signs the login out.
	s, err := auth.NewSession(ctx, db.pool, mustUser(t, db, "alex@example.com").ID, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	out := usersOK(t, db.cfg, "alex's new password\n", "passwd", "--email", "ALEX@example.com")
	if out != "changed the password of alex@example.com and signed them out of the console\n" {
		t.Fatalf("passwd:\n%s", out)
	}
	if _, err := auth.SessionByToken(ctx, db.pool, s.Token, time.Now()); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("session after passwd: %v", err)
	}
	if _, err := auth.Authenticate(ctx, db.pool, "alex@example.com", "alex's new password"); err != nil {
		t.Fatalf("the new password: %v", err)
	}

	// Mistakes say what is wrong, exit 2, never show the password, and
	// store nothing.
	for _, tt := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"a long enough password", []string{"add", "--email", "dana@example.com", "--role", "admin"}, "a login for dana@example.com exists already"},
		{"a long enough password", []string{"add", "--email", "alex2@example.com", "--role", "rep", "--rep", "Alex Rivera"}, `rep "Alex Rivera" has a login already`},
		{"a long enough password", []string{"add", "--email", "lee@example.com", "--role", "rep", "--rep", "Lee Park"}, `no rep named "Lee Park"`},
		{"a long enough password", []string{"add", "--email", "lee", "--role", "admin"}, `email: "lee" is not an email address`},
		{"short", []string{"add", "--email", "lee@example.com", "--role", "admin"}, "password: must be at least 10 characters"},
		{strings.Repeat("long", 20), []string{"add", "--email", "lee@example.com", "--role", "admin"}, "password: must be at most 72 bytes"},
		{"", []string{"add", "--email", "lee@example.com", "--role", "admin"}, "the password is read from standard input"},
		{"\n", []string{"passwd", "--email", "dana@example.com"}, "the password is read from standard input"},
		{"short", []string{"passwd", "--email", "dana@example.com"}, "password: must be at least 10 characters"},
		{"a long enough password", []string{"passwd", "--email", "who@example.com"}, `no login with email "who@example.com"`},
	} {
		out, err := runUsersCLI(t, db.cfg, tt.stdin, tt.args...)
		wantUsageError(t, err, tt.want)
		if strings.TrimSpace(tt.stdin) != "" && (strings.Contains(err.Error(), tt.stdin) || strings.Contains(out, tt.stdin)) {
			t.Fatalf("users %q shows the password: %v\n%s", tt.args, err, out)
		}
	}
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d users after the mistakes (%v), want 2", n, err)
	}
	if _, err := auth.Authenticate(ctx, db.pool, "dana@example.com", "dana's long password"); err != nil {
		t.Fatalf("a refused passwd changed the password: %v", err)
	}
}

func mustUser(t *testing.T, db cliDB, email string) auth.User {
	t.Helper()
	u, err := auth.UserByEmail(context.Background(), db.pool, email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUsersCommandUsage(t *testing.T) {
	t.Parallel()
	// None of these reach the database, nor read the password.
	for _, args := range [][]string{
		{},
		{"remove"},
		{"add", "--role", "admin"},
		{"add", "--email", "dana@example.com"},
		{"add", "--email", "dana@example.com", "--role", "root"},
		{"add", "--email", "alex@example.com", "--role", "rep"}, // no --rep
		{"add", "--email", "dana@example.com", "--role", "admin", "extra"},
		{"passwd"},
		{"passwd", "--email", "dana@example.com", "--role", "admin"},
		{"list", "--all"},
	} {
		_, err := runUsersCLI(t, Config{}, "", args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("users %q: error %v, want a usage error", args, err)
		}
	}
	_, err := runUsersCLI(t, Config{}, "", "add", "--email", "alex@example.com", "--role", "rep")
	wantUsageError(t, err, "a rep's login needs --rep NAME")
}
