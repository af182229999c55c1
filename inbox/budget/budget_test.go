package budget_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/inbox/budget"
	"github.com/leadagent/leadagent/store"
	"github.com/leadagent/leadagent/store/storetest"
)

// open is one process's pool on the database at url.
func open(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	p, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// booked returns the moments booked for sender, in order.
func booked(t *testing.T, db *pgxpool.Pool, sender string) []time.Time {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT at FROM send_slots WHERE sender = $1 ORDER BY at`, sender)
	if err != nil {
		t.Fatal(err)
	}
	at, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// TestBookingsShareOneRate: two processes book texts for one number at 10
// a second, taking turns: the moments they get are a tenth of a second
// apart or more, whichever process booked. A key booked again keeps its
// moment; another number has a budget of its own.
func TestBookingsShareOneRate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewDatabaseURL(t)
	dbs := []*pgxpool.Pool{open(t, url), open(t, url)}
	const number = "+19705550100"
	for i := range 10 {
		// Each process has its own Budget value, as each process does.
		bk, err := budget.New(number, 10, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bk.Book(ctx, dbs[i%2], "text-"+string(rune('a'+i)), 1); err != nil {
			t.Fatal(err)
		}
	}
	at := booked(t, dbs[0], number)
	if len(at) != 10 {
		t.Fatalf("%d bookings, want 10", len(at))
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < 99*time.Millisecond {
			t.Fatalf("booking %d comes %v after the one before: faster than 10 a second", i, gap)
		}
	}
	bk, _ := budget.New(number, 10, 1)
	again, err := bk.Book(ctx, dbs[1], "text-a", 1)
	if err != nil {
		t.Fatal(err)
	}
	if again != 0 || len(booked(t, dbs[0], number)) != 10 {
		t.Fatalf("a key booked again waits %v, with %d bookings; want its moment, past, and no new booking", again, len(booked(t, dbs[0], number)))
	}
	elsewhere, _ := budget.New("MG00000000000000000000000000000000", 10, 1)
	if w, err := elsewhere.Book(ctx, dbs[0], "text-a", 1); err != nil || w != 0 {
		t.Fatalf("another number's first booking waits %v (%v)", w, err)
	}
}

// TestLongTextsTakeLonger: a text of three segments takes three of the
// budget's moments; a burst of three lets one go at once.
func TestLongTextsTakeLonger(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.NewDB(t)
	const number = "+19705550100"
	bk, _ := budget.New(number, 10, 3)
	for i, cost := range []int{3, 1, 3} {
		if _, err := bk.Book(ctx, db, "k"+string(rune('0'+i)), cost); err != nil {
			t.Fatal(err)
		}
	}
	at := booked(t, db, number)
	// The first goes at once with the bucket full; the second when one
	// segment has come back; the third when all three have.
	for i, want := range []time.Duration{100 * time.Millisecond, 400 * time.Millisecond} {
		if got := at[i+1].Sub(at[0]); got < want || got > want+50*time.Millisecond {
			t.Fatalf("booking %d is %v after the first, want %v", i+1, got, want)
		}
	}
}

func TestNoLimit(t *testing.T) {
	t.Parallel()
	bk, err := budget.New("", 0, 0)
	if err != nil || bk != nil {
		t.Fatalf("rate 0: %v, %v; want no budget", bk, err)
	}
	if w, err := bk.Book(context.Background(), nil, "k", 5); w != 0 || err != nil || bk.Interval() != 0 {
		t.Fatalf("no budget waits %v (%v)", w, err)
	}
}
