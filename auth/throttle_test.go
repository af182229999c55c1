package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadagent/leadagent/internal/fakeclock"
	"github.com/leadagent/leadagent/store/storetest"
)

const throttlePassword = "correct horse battery"

type throttleBundle struct {
	ctx   context.Context
	db    DB
	clock *fakeclock.Clock
	th    *Throttle
}

func setupThrottle(t *testing.T) throttleBundle {
	t.Helper()
	b := throttleBundle{ctx: context.Background(), db: storetest.NewDB(t), clock: fakeclock.New(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))}
	b.th = NewThrottle(ThrottleConfig{Now: b.clock.Now})
	if _, err := AddUser(b.ctx, b.db, NewUser{Email: "dana@example.com", Password: throttlePassword, Role: RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	return b
}

// try signs in and says how it went: "ok", "wrong", or "wait 4s".
func (b throttleBundle) try(t *testing.T, a Attempt) (string, string) {
	t.Helper()
	_, device, err := b.th.SignIn(b.ctx, b.db, a)
	var throttled *ThrottledError
	switch {
	case err == nil:
		return "ok", device
	case errors.Is(err, ErrBadCredentials):
		return "wrong", ""
	case errors.As(err, &throttled):
		return fmt.Sprintf("wait %s", throttled.Wait), ""
	}
	t.Fatalf("sign in: %v", err)
	return "", ""
}

// TestThrottleGrowingDelays: one machine guessing one account gets a few
// tries at once, then waits twice as long after each; waiting out the
// delay lets the owner in, which clears the account's count.
func TestThrottleGrowingDelays(t *testing.T) {
	t.Parallel()
	b := setupThrottle(t)
	guess := Attempt{Email: "dana@example.com", Password: "wrong wrong wrong", Address: "203.0.113.9"}
	steps := []struct {
		wait time.Duration // before the attempt
		a    Attempt
		want string
	}{
		{0, guess, "wrong"},
		{0, guess, "wrong"},
		{0, guess, "wrong"},
		{0, guess, "wrong"},
		{0, guess, "wait 1s"},
		{time.Second, guess, "wrong"},
		{time.Second, guess, "wait 1s"}, // two seconds after the fifth
		{time.Second, guess, "wrong"},
		{3 * time.Second, guess, "wait 1s"},
		{time.Second, guess, "wrong"},
		{0, Attempt{Email: "DANA@example.com ", Password: throttlePassword, Address: "203.0.113.9"}, "wait 8s"},
		{8 * time.Second, Attempt{Email: "DANA@example.com ", Password: throttlePassword, Address: "203.0.113.9"}, "ok"},
		{0, guess, "wrong"}, // the count starts again
	}
	for i, s := range steps {
		b.clock.Add(s.wait)
		if got, _ := b.try(t, s.a); got != s.want {
			t.Fatalf("step %d: %s, want %s", i+1, got, s.want)
		}
	}
}

// TestThrottleDelaysAreCapped: however long the guessing goes on, the
// wait stays within the cap, so the owner gets in after it.
func TestThrottleDelaysAreCapped(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]time.Duration{3: 0, 4: time.Second, 5: 2 * time.Second, 10: 64 * time.Second, 30: 15 * time.Minute,
		1000: 15 * time.Minute} {
		if got := pairDelays.after(n); got != want {
			t.Errorf("pair delay after %d failures: %s, want %s", n, got, want)
		}
	}
	if got := accountDelays.after(1000); got != time.Minute {
		t.Errorf("account delay after 1000 failures: %s, want 1m", got)
	}
}

// TestThrottleStrangerCannotLockOwnerOut: guesses at an account from
// many addresses raise the account's delay; the owner's browser, which
// signed in before, is not held back by it, and a new browser waits at
// most the account's cap.
func TestThrottleStrangerCannotLockOwnerOut(t *testing.T) {
	t.Parallel()
	b := setupThrottle(t)
	got, device := b.try(t, Attempt{Email: "dana@example.com", Password: throttlePassword, Address: "198.51.100.1"})
	if got != "ok" || device == "" {
		t.Fatalf("first sign-in: %s, device %q", got, device)
	}
	for i := range 40 {
		b.try(t, Attempt{Email: "dana@example.com", Password: "guess", Address: fmt.Sprintf("203.0.113.%d", i)})
		b.clock.Add(10 * time.Millisecond)
	}
	if got, _ := b.try(t, Attempt{Email: "dana@example.com", Password: "guess", Address: "203.0.113.200"}); !strings.HasPrefix(got, "wait ") {
		t.Fatalf("a new address during the attack: %s, want the account's delay", got)
	}
	owner := Attempt{Email: "dana@example.com", Password: throttlePassword, Address: "198.51.100.1", Device: device}
	if got, _ := b.try(t, owner); got != "ok" {
		t.Fatalf("the owner's browser: %s", got)
	}
	// A forged or stale device token is no exemption.
	for _, forged := range []string{"x.y", device + "x", "", "nonce." + device} {
		a := Attempt{Email: "dana@example.com", Password: "guess", Address: "203.0.113.201", Device: forged}
		b.try(t, a)
	}
	newBrowser := Attempt{Email: "dana@example.com", Password: throttlePassword, Address: "192.0.2.7"}
	got, _ = b.try(t, newBrowser)
	if got == "ok" {
		t.Fatal("a new browser skipped the account's delay")
	}
	b.clock.Add(time.Minute)
	if got, _ := b.try(t, newBrowser); got != "ok" {
		t.Fatalf("a new browser after the cap: %s", got)
	}
	// A new password voids the device tokens made with the old one.
	var id string
	if err := b.db.QueryRow(b.ctx, `SELECT id::text FROM users WHERE email = 'dana@example.com'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if err := SetPassword(b.ctx, b.db, id, "another good password"); err != nil {
		t.Fatal(err)
	}
	if validDevice(b.ctx, b.db, "dana@example.com", device) {
		t.Fatal("a device token outlived the password")
	}
}

// TestThrottleBurst: guesses sent all at once wait as guesses sent in turn:
// only the free ones are checked.
func TestThrottleBurst(t *testing.T) {
	t.Parallel()
	b := setupThrottle(t)
	var checked atomic.Int32
	b.th.check = func(context.Context, DB, string, string) (User, error) {
		checked.Add(1)
		time.Sleep(10 * time.Millisecond)
		return User{}, ErrBadCredentials
	}
	var wg sync.WaitGroup
	for range 30 {
		wg.Go(func() {
			_, _, _ = b.th.SignIn(b.ctx, b.db, Attempt{Email: "dana@example.com", Password: "guess", Address: "203.0.113.9"})
		})
	}
	wg.Wait()
	if n := checked.Load(); n != int32(pairDelays.free+1) {
		t.Fatalf("%d of 30 simultaneous guesses checked, want %d", n, pairDelays.free+1)
	}
}

// TestThrottleBoundsPasswordChecks: however many sign-ins arrive, at most
// MaxChecks passwords are checked at once, and one that cannot get a turn
// in MaxWait is ErrBusy, not queued forever.
func TestThrottleBoundsPasswordChecks(t *testing.T) {
	t.Parallel()
	b := setupThrottle(t)
	b.th = NewThrottle(ThrottleConfig{MaxChecks: 2, MaxWait: 150 * time.Millisecond, Now: b.clock.Now})
	var running, most atomic.Int32
	b.th.check = func(context.Context, DB, string, string) (User, error) {
		n := running.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(100 * time.Millisecond)
		running.Add(-1)
		return User{}, ErrBadCredentials
	}
	var wg sync.WaitGroup
	busy := make([]bool, 8)
	for i := range busy {
		wg.Go(func() {
			_, _, err := b.th.SignIn(b.ctx, b.db, Attempt{Email: fmt.Sprintf("u%d@example.com", i), Password: "x",
				Address: fmt.Sprintf("203.0.113.%d", i)})
			busy[i] = errors.Is(err, ErrBusy)
		})
	}
	wg.Wait()
	if most.Load() != 2 || !slices.Contains(busy, true) {
		t.Fatalf("%d checks at once (want 2), busy %v (want some)", most.Load(), busy)
	}
	// A busy attempt was never checked, so it does not count.
	for i, was := range busy {
		key := fmt.Sprintf("pair:u%d@example.com\x00203.0.113.%d", i, i)
		if f := b.th.keys[key]; was && f.n != 0 || !was && f.n != 1 {
			t.Errorf("attempt %d (busy %v) counts %d", i, was, f.n)
		}
	}
}

// TestThrottleOddEmails: an email that is not text is a wrong email, not
// a database error.
func TestThrottleOddEmails(t *testing.T) {
	t.Parallel()
	b := setupThrottle(t)
	for _, email := range []string{"dana@example.com\x00", "dana\xff@example.com", string(make([]byte, 400))} {
		if got, _ := b.try(t, Attempt{Email: email, Password: throttlePassword, Address: "203.0.113.9"}); got != "wrong" {
			t.Errorf("email %q: %s", email, got)
		}
	}
}
