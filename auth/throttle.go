package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/leadagent/leadagent/internal/errkind"
)

// ErrBusy is returned by Throttle.SignIn when so many passwords are being
// checked that this one could not be checked in time: the caller should
// ask the person to try again shortly.
var ErrBusy = errkind.New(errkind.Unavailable, "too many sign-ins at once: try again in a few seconds")

// ThrottledError is returned by Throttle.SignIn for an attempt that came
// too soon after failed ones. Nothing was checked.
type ThrottledError struct {
	// Wait is how long until the next attempt is let through.
	Wait time.Duration
}

// Is makes every ThrottledError of errkind.TooMany.
func (e *ThrottledError) Is(target error) bool { return target == errkind.TooMany }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed sign-ins: try again in %s", roundUp(e.Wait))
}

// Seconds is Wait in whole seconds, rounded up: what Retry-After says.
func (e *ThrottledError) Seconds() int {
	return int((e.Wait + time.Second - 1) / time.Second)
}

func roundUp(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	if s == 1 {
		return "1 second"
	}
	return fmt.Sprintf("%d seconds", s)
}

// Delays after failed sign-ins. Each key lets a few failures through at
// once (a person mistyping), then doubles its wait from one second with
// each failure, up to its cap. A key is forgotten an hour after its last
// failure.
var (
	// A pair (one account, one address): one machine guessing one password.
	pairDelays = delays{free: 3, cap: 15 * time.Minute}
	// An address, whatever the account: one machine trying many accounts.
	addressDelays = delays{free: 10, cap: 15 * time.Minute}
	// An account, from anywhere: many machines guessing one password. Its
	// cap is short because a stranger can raise it; and a browser that
	// signed in to the account before does not wait for it at all.
	accountDelays = delays{free: 10, cap: time.Minute}
)

const (
	forgetAfter     = time.Hour
	maxThrottleKeys = 100_000
)

type delays struct {
	free int
	cap  time.Duration
}

// after is the wait after n failures.
func (d delays) after(n int) time.Duration {
	if n <= d.free {
		return 0
	}
	if n-d.free > 20 {
		return d.cap
	}
	return min(d.cap, time.Second<<(n-d.free-1))
}

// ThrottleConfig tunes a Throttle.
type ThrottleConfig struct {
	// MaxChecks bounds the password checks (bcrypt, deliberately slow) that
	// run at once; default a quarter of the CPUs, at least one, so guessing
	// never takes the cores that answer webhooks.
	MaxChecks int
	// MaxWait is how long a sign-in waits for its turn to be checked
	// before it is ErrBusy (default 10 s).
	MaxWait time.Duration
	// Now is the clock the delays are measured on (time.Now).
	Now func() time.Time
}

// Throttle slows password guessing. It keeps, in this process's memory,
// the failed sign-ins of each account, each address, and each account
// from each address, and lets an attempt through only when every one of
// its keys has waited out its delay; only then is the password checked,
// and never more than MaxChecks at once.
//
// No stranger can lock an owner out: the delays are capped, and a browser
// that signed in to an account before carries a device token for it (see
// SignIn) that exempts it from the account's and the address's delays,
// which are the ones a stranger can raise. Its own failures still count.
//
// The counts are each process's, kept for an hour after a key's last
// failure: with several replicas behind a load balancer, a guesser's rate
// is at most that many times one replica's.
type Throttle struct {
	maxWait time.Duration
	now     func() time.Time
	checks  chan struct{}
	// check is Authenticate; a test may slow it.
	check func(ctx context.Context, db DB, email, password string) (User, error)

	mu   sync.Mutex
	keys map[string]*failures
}

type failures struct {
	n    int
	last time.Time
}

// NewThrottle returns a Throttle.
func NewThrottle(cfg ThrottleConfig) *Throttle {
	if cfg.MaxChecks <= 0 {
		cfg.MaxChecks = max(1, runtime.GOMAXPROCS(0)/4)
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 10 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Throttle{maxWait: cfg.MaxWait, now: cfg.Now, checks: make(chan struct{}, cfg.MaxChecks), check: Authenticate,
		keys: map[string]*failures{}}
}

// Attempt is one sign-in.
type Attempt struct {
	Email, Password string
	// Address is where the attempt came from (the client's IP address).
	Address string
	// Device is the device token the browser holds from an earlier
	// sign-in, or "".
	Device string
}

// SignIn checks an attempt as Authenticate does, once the throttle lets
// it through, and records how it went. On success it returns the user and
// a device token for the browser to keep and send with its next
// attempts. An attempt too soon is a *ThrottledError; one that waited too
// long for its turn, ErrBusy; wrong credentials, ErrBadCredentials.
func (t *Throttle) SignIn(ctx context.Context, db DB, a Attempt) (User, string, error) {
	email := strings.ToLower(strings.TrimSpace(a.Email))
	if !utf8.ValidString(email) || strings.ContainsRune(email, 0) || len(email) > 320 {
		email = "" // no user has it; checked against the dummy hash below
	}
	trusted := a.Device != "" && email != "" && validDevice(ctx, db, email, a.Device)
	keys := throttleKeys(email, a.Address, trusted)
	// The attempt counts as a failure from the moment it is let through,
	// so a burst of guesses sent at once waits like one sent in turn.
	if wait := t.admit(keys); wait > 0 {
		return User{}, "", fmt.Errorf("sign in %s: %w", email, &ThrottledError{Wait: wait})
	}
	if err := t.acquire(ctx); err != nil {
		t.undo(keys)
		return User{}, "", fmt.Errorf("sign in %s: %w", email, err)
	}
	u, err := t.checkHeld(ctx, db, email, a.Password)
	switch {
	case errors.Is(err, ErrBadCredentials):
		return User{}, "", err
	case err != nil:
		t.undo(keys)
		return User{}, "", err
	}
	t.succeeded(keys)
	device, err := deviceToken(ctx, db, email)
	if err != nil {
		return User{}, "", err
	}
	return u, device, nil
}

// checkHeld checks a password in the turn acquire took, and gives the
// turn back.
func (t *Throttle) checkHeld(ctx context.Context, db DB, email, password string) (User, error) {
	defer func() { <-t.checks }()
	return t.check(ctx, db, email, password)
}

// acquire takes a turn to check a password, waiting at most maxWait.
func (t *Throttle) acquire(ctx context.Context) error {
	select {
	case t.checks <- struct{}{}:
		return nil
	default:
	}
	timer := time.NewTimer(t.maxWait)
	defer timer.Stop()
	select {
	case t.checks <- struct{}{}:
		return nil
	case <-timer.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

// throttleKey is one thing failures are counted against.
type throttleKey struct {
	name   string
	delays delays
}

// throttleKeys are the keys of an attempt: the pair always, the account
// and the address unless the browser proved it signed in to the account
// before.
func throttleKeys(email, address string, trusted bool) []throttleKey {
	keys := []throttleKey{{"pair:" + email + "\x00" + address, pairDelays}}
	if !trusted {
		keys = append(keys, throttleKey{"account:" + email, accountDelays}, throttleKey{"address:" + address, addressDelays})
	}
	return keys
}

// admit lets an attempt through when every key has waited out its
// delay, and counts it against them; otherwise it says how long is left.
func (t *Throttle) admit(keys []throttleKey) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for _, k := range keys {
		f, ok := t.keys[k.name]
		if !ok {
			continue
		}
		if now.Sub(f.last) > forgetAfter {
			delete(t.keys, k.name)
			continue
		}
		wait = max(wait, f.last.Add(k.delays.after(f.n)).Sub(now))
	}
	if wait > 0 {
		return wait
	}
	if len(t.keys)+len(keys) > maxThrottleKeys {
		t.sweep(now)
	}
	for _, k := range keys {
		f, ok := t.keys[k.name]
		if !ok {
			f = &failures{}
			t.keys[k.name] = f
		}
		f.n++
		f.last = now
	}
	return 0
}

// undo takes back an attempt that was never checked (the database was
// down, the request gone).
func (t *Throttle) undo(keys []throttleKey) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		if f, ok := t.keys[k.name]; ok && f.n > 0 {
			f.n--
		}
	}
}

// succeeded forgets the pair's failures: the person at that address knew
// the password. The account's and the address's earlier failures stay
// (others may still be guessing; one account of one's own does not
// excuse guessing at others), but this attempt is taken back from them.
func (t *Throttle) succeeded(keys []throttleKey) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, k := range keys {
		if i == 0 {
			delete(t.keys, k.name) // the pair: throttleKeys puts it first
			continue
		}
		if f, ok := t.keys[k.name]; ok && f.n > 0 {
			f.n--
		}
	}
}

// sweep forgets the keys an hour quiet; if that is not enough (a flood of
// made-up emails), it forgets those with the fewest failures, which
// matter least, until a tenth of the room is free.
func (t *Throttle) sweep(now time.Time) {
	for name, f := range t.keys {
		if now.Sub(f.last) > forgetAfter {
			delete(t.keys, name)
		}
	}
	for least := 1; len(t.keys) > maxThrottleKeys*9/10; least++ {
		for name, f := range t.keys {
			if f.n <= least {
				delete(t.keys, name)
			}
		}
	}
}

// A device token says "this browser signed in to this account": a nonce
// and an HMAC of the email and nonce keyed by the account's password hash.
// Any replica can check it against the database; changing the password
// voids every one.
func deviceToken(ctx context.Context, db DB, email string) (string, error) {
	hash, err := passwordHash(ctx, db, email)
	if err != nil {
		return "", fmt.Errorf("device token for %s: %w", email, err)
	}
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("device token for %s: %w", email, err)
	}
	n := base64.RawURLEncoding.EncodeToString(nonce)
	return n + "." + deviceMAC(hash, email, n), nil
}

func validDevice(ctx context.Context, db DB, email, token string) bool {
	nonce, mac, ok := strings.Cut(token, ".")
	if !ok || nonce == "" || len(token) > 200 {
		return false
	}
	hash, err := passwordHash(ctx, db, email)
	if err != nil {
		return false
	}
	return hmac.Equal([]byte(mac), []byte(deviceMAC(hash, email, nonce)))
}

func deviceMAC(hash, email, nonce string) string {
	m := hmac.New(sha256.New, []byte(hash))
	m.Write([]byte("device\x00" + email + "\x00" + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func passwordHash(ctx context.Context, db DB, email string) (string, error) {
	var hash string
	if err := db.QueryRow(ctx, `SELECT password_hash FROM users WHERE email = $1`, email).Scan(&hash); err != nil {
		return "", notFound(err)
	}
	return hash, nil
}
