package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/store"
	"github.com/leadagent/leadagent/store/storetest"
)

// cliDB is one test database both for the commands (by URL, as
// DATABASE_URL would give it) and for the test's own checks (the pool).
type cliDB struct {
	cfg  Config
	pool *pgxpool.Pool
}

func newCLIDB(t *testing.T) cliDB {
	t.Helper()
	url := storetest.NewDatabaseURL(t)
	pool, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return cliDB{cfg: Config{DatabaseURL: url, DefaultRegion: "US"}, pool: pool}
}

func runRepsCLI(t *testing.T, cfg Config, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := runReps(context.Background(), cfg, args, &out)
	return out.String(), err
}

func repsOK(t *testing.T, cfg Config, args ...string) string {
	t.Helper()
	out, err := runRepsCLI(t, cfg, args...)
	if err != nil {
		t.Fatalf("reps %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// wantUsageError fails unless err is a usage error (exit 2) saying want.
func wantUsageError(t *testing.T, err error, want string) {
	t.Helper()
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(ue.msg, want) {
		t.Fatalf("error %v, want a usage error saying %q", err, want)
	}
}

func TestRepsCommand(t *testing.T) {
	t.Parallel()
	db := newCLIDB(t)
	ctx := context.Background()

	if out := repsOK(t, db.cfg, "list"); !strings.HasPrefix(out, "no reps yet") {
		t.Fatalf("list on a fresh database:\n%s", out)
	}
	if out := repsOK(t, db.cfg, "add", "--name", "Alex Rivera", "--phone", "(970) 555-0181", "--on-call"); out != "added rep Alex Rivera +19705550181 (on call)\n" {
		t.Fatalf("add on call:\n%s", out)
	}
	if out := repsOK(t, db.cfg, "add", "--name", " Sam  Ortiz ", "--phone", "970-555-0182", "--email", "Sam@Example.com"); out != "added rep Sam Ortiz +19705550182\n" {
		t.Fatalf("add:\n%s", out)
	}
	var email string
	var onCall, active bool
	if err := db.pool.QueryRow(ctx, `SELECT email, on_call, active FROM reps WHERE phone = '+19705550182'`).Scan(&email, &onCall, &active); err != nil {
		t.Fatal(err)
	}
	if email != "sam@example.com" || onCall || !active {
		t.Fatalf("stored sam as %q on_call=%v active=%v", email, onCall, active)
	}

	want := "" +
		"NAME         PHONE         EMAIL            ON CALL  ACTIVE\n" +
		"Alex Rivera  +19705550181  -                yes      yes\n" +
		"Sam Ortiz    +19705550182  sam@example.com  no       yes\n"
	if out := repsOK(t, db.cfg, "list"); out != want {
		t.Fatalf("list:\n%s\nwant\n%s", out, want)
	}

	// A name in any case, quoted or as separate words.
	if out := repsOK(t, db.cfg, "set", "sam", "ortiz", "--on-call=true"); out != "updated rep Sam Ortiz +19705550182 (on call, active)\n" {
		t.Fatalf("set on call:\n%s", out)
	}
	if out := repsOK(t, db.cfg, "set", "--active", "false", "Alex Rivera"); out != "updated rep Alex Rivera +19705550181 (on call, inactive)\n" {
		t.Fatalf("set inactive:\n%s", out)
	}
	if out := repsOK(t, db.cfg, "set", "Alex Rivera", "--on-call=false", "--active=true"); out != "updated rep Alex Rivera +19705550181 (not on call, active)\n" {
		t.Fatalf("set both:\n%s", out)
	}
	if err := db.pool.QueryRow(ctx, `SELECT on_call, active FROM reps WHERE name = 'Alex Rivera'`).Scan(&onCall, &active); err != nil {
		t.Fatal(err)
	}
	if onCall || !active {
		t.Fatalf("Alex stored on_call=%v active=%v", onCall, active)
	}

	// Mistakes say what is wrong, exit 2, and store nothing.
	_, err := runRepsCLI(t, db.cfg, "add", "--name", "Alex  Rivera", "--phone", "+19705550199")
	wantUsageError(t, err, `a rep named "Alex Rivera" exists already`)
	_, err = runRepsCLI(t, db.cfg, "add", "--name", "Lee", "--phone", "555")
	wantUsageError(t, err, `phone: "555" is not a phone number`)
	_, err = runRepsCLI(t, db.cfg, "add", "--name", "Lee", "--phone", "+19705550183", "--email", "lee")
	wantUsageError(t, err, `email: "lee" is not an email address`)
	_, err = runRepsCLI(t, db.cfg, "set", "Nobody", "--on-call=true")
	wantUsageError(t, err, `no rep named "Nobody"`)
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM reps`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d reps after the mistakes (%v), want 2", n, err)
	}
}

func TestRepsCommandUsage(t *testing.T) {
	t.Parallel()
	// None of these reach the database.
	for _, args := range [][]string{
		{},
		{"remove", "Alex"},
		{"add", "--phone", "+19705550181"},
		{"add", "--name", "Alex Rivera"},
		{"add", "--name", "Alex", "--phone", "+19705550181", "extra"},
		{"add", "--name", "Alex", "--phone", "+19705550181", "--on-call=maybe"},
		{"list", "everyone"},
		{"set", "Alex Rivera"},                  // nothing to change
		{"set", "--on-call=true"},               // no name
		{"set", "Alex Rivera", "--on-call"},     // the value is required
		{"set", "Alex Rivera", "--active=sure"}, // not a boolean
	} {
		_, err := runRepsCLI(t, Config{}, args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("reps %q: error %v, want a usage error", args, err)
		}
	}
}
