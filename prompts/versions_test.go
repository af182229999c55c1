package prompts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/store/storetest"
)

type testBundle struct {
	ctx context.Context
	db  *pgxpool.Pool
}

func setup(t *testing.T) testBundle {
	t.Helper()
	t.Parallel()
	return testBundle{ctx: context.Background(), db: storetest.NewDB(t)}
}

// create stores a version of name or fails the test.
func (b testBundle) create(t *testing.T, name, body string) Version {
	t.Helper()
	v, err := Create(b.ctx, b.db, name, body, "admin@example.com", "test")
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return v
}

func (b testBundle) countRows(t *testing.T, where string) int {
	t.Helper()
	var n int
	if err := b.db.QueryRow(b.ctx, "SELECT count(*) FROM prompt_versions WHERE "+where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func refs(vs []Version) []string {
	var out []string
	for _, v := range vs {
		ref := v.Ref()
		if v.Active {
			ref += "*"
		}
		out = append(out, ref)
	}
	return out
}

func TestCreateListActivateDiff(t *testing.T) {
	b := setup(t)

	// A fresh database runs the embedded default.
	active, err := Active(b.ctx, b.db, SMS)
	if err != nil {
		t.Fatal(err)
	}
	def, _ := Default(SMS)
	if active.Ref() != "sms@default" || !active.Active || active.Body != def {
		t.Fatalf("Active on a fresh database = %s (active %v), want the embedded default", active.Ref(), active.Active)
	}

	v1 := b.create(t, SMS, def+"Mention the spring tune-up special only when asked.\n")
	if v1.Ref() != "sms@v1" || v1.Active || v1.Author != "admin@example.com" || v1.Note != "test" || v1.CreatedAt.IsZero() {
		t.Fatalf("created %+v", v1)
	}
	// Creating does not activate.
	if active, _ := Active(b.ctx, b.db, SMS); active.Ref() != "sms@default" {
		t.Fatalf("after create, active = %s, want sms@default", active.Ref())
	}
	v2 := b.create(t, SMS, "You answer texts for {{.BusinessName}}.\n")
	b.create(t, Voice, "You answer calls for {{.BusinessName}}.\n")

	list, err := List(b.ctx, b.db, SMS)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := refs(list), []string{"sms@v2", "sms@v1", "sms@default*"}; !slices.Equal(got, want) {
		t.Fatalf("List = %v, want %v", got, want)
	}

	got, err := Activate(b.ctx, b.db, SMS, "v1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Ref() != "sms@v1" || !got.Active {
		t.Fatalf("Activate returned %s active=%v", got.Ref(), got.Active)
	}
	if _, err := Activate(b.ctx, b.db, SMS, "sms@v2"); err != nil {
		t.Fatal(err)
	}
	list, _ = List(b.ctx, b.db, SMS)
	if got, want := refs(list), []string{"sms@v2*", "sms@v1", "sms@default"}; !slices.Equal(got, want) {
		t.Fatalf("List after activating v2 = %v, want %v", got, want)
	}
	if active, _ := Active(b.ctx, b.db, Voice); active.Ref() != "voice@default" {
		t.Fatalf("activating sms changed voice: %s", active.Ref())
	}

	// Get by each spelling, and the default.
	for _, ref := range []string{"v1", "1", "sms@v1"} {
		v, err := Get(b.ctx, b.db, SMS, ref)
		if err != nil || v.Body != v1.Body || v.Active {
			t.Fatalf("Get(%q) = %s active=%v, %v", ref, v.Ref(), v.Active, err)
		}
	}
	if v, err := Get(b.ctx, b.db, SMS, "default"); err != nil || v.Body != def || v.Active {
		t.Fatalf("Get(default) = %s active=%v, %v", v.Ref(), v.Active, err)
	}
	if v, err := Newest(b.ctx, b.db, SMS); err != nil || v.Ref() != "sms@v2" {
		t.Fatalf("Newest = %s, %v", v.Ref(), err)
	}

	// The diff an admin reads before activating v1 again.
	d := Diff(v2.Body, v1.Body)
	if !strings.Contains(d, "-You answer texts for {{.BusinessName}}.\n") || !strings.Contains(d, "+Mention the spring tune-up special only when asked.\n") {
		t.Fatalf("Diff(v2, v1) =\n%s", d)
	}

	// Back to the embedded default.
	if v, err := Activate(b.ctx, b.db, SMS, "default"); err != nil || v.Ref() != "sms@default" || !v.Active {
		t.Fatalf("Activate(default) = %s, %v", v.Ref(), err)
	}
	if active, _ := Active(b.ctx, b.db, SMS); active.Ref() != "sms@default" {
		t.Fatalf("after activating default, active = %s", active.Ref())
	}
	if n := b.countRows(t, "active"); n != 0 {
		t.Fatalf("%d stored versions active after activating the default", n)
	}
}

func TestCreateRefusesAndStoresNothing(t *testing.T) {
	b := setup(t)
	tests := []struct {
		name, prompt, body, author string
		want                       error
	}{
		{"unknown variable", SMS, "Call {{.OwnerPhone}} now.", "a@example.com", ErrInvalid},
		{"does not parse", SMS, "Hello {{if .Hours}}", "a@example.com", ErrInvalid},
		{"empty body", SMS, "\n", "a@example.com", ErrInvalid},
		{"no author", SMS, "Hello.", " ", ErrInvalid},
		{"unknown prompt name", "smss", "Hello.", "a@example.com", ErrNotFound},
	}
	for _, tt := range tests {
		_, err := Create(b.ctx, b.db, tt.prompt, tt.body, tt.author, "")
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: Create error %v, want %v", tt.name, err, tt.want)
		}
	}
	_, err := Create(b.ctx, b.db, SMS, "Call {{.OwnerPhone}}.", "a@example.com", "")
	if err == nil || !strings.Contains(err.Error(), "create prompt sms: invalid prompt") || !strings.Contains(err.Error(), ".OwnerPhone") {
		t.Errorf("the error does not say what is wrong: %v", err)
	}
	if n := b.countRows(t, "true"); n != 0 {
		t.Fatalf("%d versions stored by refused creates", n)
	}
	// The next good version is still v1.
	if v := b.create(t, SMS, "Hello from {{.BusinessName}}."); v.Number != 1 {
		t.Fatalf("first stored version is v%d", v.Number)
	}
}

func TestActivateUnknownChangesNothing(t *testing.T) {
	b := setup(t)
	b.create(t, SMS, "one")
	if _, err := Activate(b.ctx, b.db, SMS, "v1"); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"v7", "voice@v1"} {
		if _, err := Activate(b.ctx, b.db, SMS, ref); err == nil {
			t.Fatalf("Activate(%s) succeeded", ref)
		}
	}
	if _, err := Activate(b.ctx, b.db, SMS, "v7"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Activate(v7) error %v, want ErrNotFound", err)
	}
	if _, err := Activate(b.ctx, b.db, "fax", "v1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Activate(fax) error %v, want ErrNotFound", err)
	}
	if _, err := Get(b.ctx, b.db, SMS, "v2"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(v2) error %v, want ErrNotFound", err)
	}
	if active, _ := Active(b.ctx, b.db, SMS); active.Ref() != "sms@v1" {
		t.Fatalf("a failed activation left %s active, want sms@v1", active.Ref())
	}
}

func TestConcurrentCreatesGetDistinctNumbers(t *testing.T) {
	b := setup(t)
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := Create(b.ctx, b.db, SMS, fmt.Sprintf("Prompt number %d for {{.BusinessName}}.", i), "a@example.com", "")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	list, err := List(b.ctx, b.db, SMS)
	if err != nil {
		t.Fatal(err)
	}
	var numbers []int
	for _, v := range list[:len(list)-1] {
		numbers = append(numbers, v.Number)
	}
	slices.Sort(numbers)
	for i, got := range numbers {
		if got != i+1 {
			t.Fatalf("version numbers %v, want 1..%d", numbers, n)
		}
	}
}

func TestConcurrentActivationsLeaveExactlyOneActive(t *testing.T) {
	b := setup(t)
	const n = 8
	for i := range n {
		b.create(t, SMS, fmt.Sprintf("version %d", i+1))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*n)
	for round := range 4 {
		for i := range n {
			wg.Go(func() {
				ref := fmt.Sprintf("v%d", i+1)
				if round == 3 && i == 0 {
					ref = "default"
				}
				_, err := Activate(b.ctx, b.db, SMS, ref)
				errs <- err
			})
		}
	}
	// Meanwhile, a reader never sees two active versions.
	stop := make(chan struct{})
	seen := make(chan int, 1)
	go func() {
		most := 0
		for {
			select {
			case <-stop:
				seen <- most
				return
			default:
			}
			var active int
			if err := b.db.QueryRow(b.ctx, "SELECT count(*) FROM prompt_versions WHERE name = 'sms' AND active").Scan(&active); err == nil {
				most = max(most, active)
			}
		}
	}()
	wg.Wait()
	close(stop)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Activate: %v", err)
		}
	}
	if most := <-seen; most > 1 {
		t.Fatalf("a reader saw %d active versions at once", most)
	}
	if got := b.countRows(t, "active"); got > 1 {
		t.Fatalf("%d active versions after concurrent activations", got)
	}
	// Whichever activation came last, Active names it and List agrees.
	active, err := Active(b.ctx, b.db, SMS)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := List(b.ctx, b.db, SMS)
	var marked []string
	for _, v := range list {
		if v.Active {
			marked = append(marked, v.Ref())
		}
	}
	if len(marked) != 1 || marked[0] != active.Ref() {
		t.Fatalf("List marks %v active, Active says %s", marked, active.Ref())
	}
}

func TestActivateInsideACallersTransaction(t *testing.T) {
	b := setup(t)
	b.create(t, SMS, "one")
	tx, err := b.db.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Activate(b.ctx, tx, SMS, "v1"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(b.ctx); err != nil {
		t.Fatal(err)
	}
	if active, _ := Active(b.ctx, b.db, SMS); active.Ref() != "sms@default" {
		t.Fatalf("a rolled-back activation left %s active", active.Ref())
	}
}

// A browser sends a textarea's lines with CRLF: saved as they came, every
// line would differ from the version they were edited from.
func TestCreateStoresLineEndingsAsLF(t *testing.T) {
	b := setup(t)
	def, err := Active(b.ctx, b.db, SMS)
	if err != nil {
		t.Fatal(err)
	}
	crlf := strings.ReplaceAll(def.Body, "\n", "\r\n")
	v := b.create(t, SMS, crlf)
	if strings.Contains(v.Body, "\r") {
		t.Errorf("stored body keeps CR: %q", v.Body[:min(len(v.Body), 80)])
	}
	if d := Diff(def.Body, v.Body); d != "" {
		t.Errorf("a CRLF copy of the default diffs against it:\n%s", d)
	}
	edited := b.create(t, SMS, strings.Replace(crlf, "\r\n", "\r\nOne more line.\r\n", 1))
	if d := Diff(def.Body, edited.Body); strings.Count(d, "\n+") != 1 || strings.Contains(d, "\n-") {
		t.Errorf("one line added, diff:\n%s", d)
	}
	if got := NormalizeNewlines("a\r\nb\rc\n"); got != "a\nb\nc\n" {
		t.Errorf("NormalizeNewlines = %q", got)
	}
}
