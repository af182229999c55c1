package prompts

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadagent/leadagent/store"
	"github.com/leadagent/leadagent/store/storetest"
)

func TestSourceRendersTheActiveVersionWithVars(t *testing.T) {
	b := setup(t)
	src, err := NewSource(b.db, SMS, testVars)
	if err != nil {
		t.Fatal(err)
	}

	version, system, err := src.Prompt(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if version != "sms@default" || !strings.Contains(system, "AI assistant for Summit Home Services") || strings.Contains(system, "{{") {
		t.Fatalf("Prompt on a fresh database = %s, %.80q", version, system)
	}

	b.create(t, SMS, "Texts for {{.BusinessName}}, open {{.Hours}}, serving {{.ServiceArea}}. Tone: {{.Tone}}. {{.EscalationPolicy}}")
	if version, _, _ := src.Prompt(b.ctx); version != "sms@default" {
		t.Fatalf("a created but inactive version is served: %s", version)
	}
	if _, err := Activate(b.ctx, b.db, SMS, "v1"); err != nil {
		t.Fatal(err)
	}
	version, system, err = src.Prompt(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := "Texts for Summit Home Services, open Mon-Fri 07:00-18:00, serving Fort Collins and Loveland. Tone: friendly and plain-spoken. Hand every commercial job to Sam."
	if version != "sms@v1" || system != want {
		t.Fatalf("after activating v1, Prompt = %s, %q", version, system)
	}

	// Another process activates v2: the next turn runs it, no restart.
	b.create(t, SMS, "Version two for {{.BusinessName}}.")
	if _, err := Activate(b.ctx, b.db, SMS, "v2"); err != nil {
		t.Fatal(err)
	}
	if version, system, _ := src.Prompt(b.ctx); version != "sms@v2" || system != "Version two for Summit Home Services." {
		t.Fatalf("after activating v2, Prompt = %s, %q", version, system)
	}
	if _, err := Activate(b.ctx, b.db, SMS, "default"); err != nil {
		t.Fatal(err)
	}
	if version, _, _ := src.Prompt(b.ctx); version != "sms@default" {
		t.Fatalf("after activating the default, Prompt = %s", version)
	}
}

func TestSourceMaxAge(t *testing.T) {
	b := setup(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	src, err := NewSource(b.db, Voice, testVars, WithMaxAge(5*time.Second), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if v, _, _ := src.Prompt(b.ctx); v != "voice@default" {
		t.Fatalf("Prompt = %s", v)
	}
	b.create(t, Voice, "Calls for {{.BusinessName}}.")
	if _, err := Activate(b.ctx, b.db, Voice, "v1"); err != nil {
		t.Fatal(err)
	}
	advance(4 * time.Second)
	if v, _, _ := src.Prompt(b.ctx); v != "voice@default" {
		t.Fatalf("within max age, Prompt = %s, want the cached voice@default", v)
	}
	advance(2 * time.Second)
	if v, s, _ := src.Prompt(b.ctx); v != "voice@v1" || s != "Calls for Summit Home Services." {
		t.Fatalf("past max age, Prompt = %s, %q", v, s)
	}
}

func TestSourceServesTheLastPromptWhenTheDatabaseFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := store.Open(ctx, storetest.NewDatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Create(ctx, pool, SMS, "Hi from {{.BusinessName}}.", "a@example.com", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := Activate(ctx, pool, SMS, "v1"); err != nil {
		t.Fatal(err)
	}

	cold, err := NewSource(pool, SMS, testVars)
	if err != nil {
		t.Fatal(err)
	}
	warm, err := NewSource(pool, SMS, testVars)
	if err != nil {
		t.Fatal(err)
	}
	if v, _, err := warm.Prompt(ctx); err != nil || v != "sms@v1" {
		t.Fatalf("Prompt = %s, %v", v, err)
	}
	pool.Close()

	if v, s, err := warm.Prompt(ctx); err != nil || v != "sms@v1" || s != "Hi from Summit Home Services." {
		t.Fatalf("with the database gone, a warm source gave %s, %q, %v", v, s, err)
	}
	if _, _, err := cold.Prompt(ctx); err == nil || !strings.Contains(err.Error(), "active prompt sms") {
		t.Fatalf("with the database gone, a cold source gave error %v", err)
	}
}

func TestNewSourceRefusesAnUnknownName(t *testing.T) {
	t.Parallel()
	if _, err := NewSource(nil, "fax", Vars{}); err == nil || !strings.Contains(err.Error(), "known: sms, voice") {
		t.Fatalf("NewSource(fax) error %v", err)
	}
}

// BenchmarkSourcePrompt measures what a turn pays for its prompt when
// the Source asks the database on every call (the default): one indexed
// lookup, the body not sent, the rendering cached.
func BenchmarkSourcePrompt(b *testing.B) {
	ctx := context.Background()
	db := storetest.NewDB(b)
	if _, err := Create(ctx, db, SMS, mustDefaultB(b)+"\nOne more line.\n", "a@example.com", ""); err != nil {
		b.Fatal(err)
	}
	if _, err := Activate(ctx, db, SMS, "v1"); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name   string
		maxAge time.Duration
	}{{"every-call", 0}, {"max-age-2s", 2 * time.Second}} {
		b.Run(bc.name, func(b *testing.B) {
			src, err := NewSource(db, SMS, testVars, WithMaxAge(bc.maxAge))
			if err != nil {
				b.Fatal(err)
			}
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				if _, _, err := src.Prompt(ctx); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds()), "p95-µs")
		})
	}
	b.Run("render-uncached", func(b *testing.B) {
		body := mustDefaultB(b)
		for b.Loop() {
			if _, err := Render(body, testVars); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func mustDefaultB(b *testing.B) string {
	body, err := Default(SMS)
	if err != nil {
		b.Fatal(err)
	}
	return body
}
