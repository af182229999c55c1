// Package storetest gives tests a real, freshly migrated PostgreSQL database.
//
// The first call in a machine-wide run migrates a template database (named
// after a hash of the migrations, so a changed schema gets a new one); every
// NewDB then clones it with CREATE DATABASE ... TEMPLATE, which takes tens of
// milliseconds, and drops the clone when the test ends. Set
// TEST_DATABASE_URL to point at another server; the default is the local
// PostgreSQL on 127.0.0.1:5432 as user postgres.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/store"
)

// DefaultURL is the server tests use when TEST_DATABASE_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var templateOnce = struct {
	sync.Mutex
	name string
}{}

// AdminURL is the server tests create their databases on.
func AdminURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// NewDB returns a pool on a new database migrated to the current schema,
// dropped when t ends. It fails the test when PostgreSQL is unreachable:
// a skipped database test would be a test that cannot fail.
func NewDB(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := NewDatabaseURL(t)
	pool, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// NewDatabaseURL creates a fresh migrated database like NewDB and returns its
// URL, for tests that start a whole server process or need their own pools.
func NewDatabaseURL(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	tmpl, err := templateDB(ctx)
	if err != nil {
		t.Fatalf("storetest: template database: %v", err)
	}
	name := "leadagent_test_" + randomSuffix()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("storetest: connect %s: %v", redact(AdminURL()), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmpl)); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			t.Logf("storetest: drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			t.Logf("storetest: drop %s: %v", name, err)
		}
	})
	return WithDatabase(AdminURL(), name)
}

// WithDatabase returns base with its database name replaced.
func WithDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		panic(fmt.Sprintf("storetest: bad url: %v", err))
	}
	u.Path = "/" + name
	return u.String()
}

// templateDB makes sure a migrated template database for the current
// migrations exists and returns its name. An advisory lock serialises test
// binaries that run in parallel.
func templateDB(ctx context.Context) (string, error) {
	templateOnce.Lock()
	defer templateOnce.Unlock()
	if templateOnce.name != "" {
		return templateOnce.name, nil
	}
	hash, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "leadagent_tmpl_" + hash
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return "", fmt.Errorf("connect %s: %w", redact(AdminURL()), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(7531)"); err != nil {
		return "", fmt.Errorf("lock: %w", err)
	}
	defer admin.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(7531)") //nolint:errcheck // released with the session

	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&exists); err != nil {
		return "", fmt.Errorf("look up template: %w", err)
	}
	if !exists {
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return "", fmt.Errorf("drop half-made template: %w", err)
		}
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			return "", fmt.Errorf("create template: %w", err)
		}
		pool, err := store.Open(ctx, WithDatabase(AdminURL(), name))
		if err != nil {
			return "", err
		}
		err = store.Migrate(ctx, pool, nil)
		pool.Close()
		if err != nil {
			return "", err
		}
		if _, err := admin.Exec(ctx, "ALTER DATABASE "+name+" WITH is_template true"); err != nil {
			return "", fmt.Errorf("mark template: %w", err)
		}
	}
	templateOnce.name = name
	return name, nil
}

func migrationsHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(store.Migrations(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(store.Migrations(), path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	h.Write([]byte(store.RiverVersionTag))
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand never fails on Linux
	return hex.EncodeToString(b)
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable url)"
	}
	return u.Redacted()
}
