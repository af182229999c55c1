package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/agent/intent"
)

// TestProjectExamples: the project's examples parse, cover every class,
// and hold no message twice.
func TestProjectExamples(t *testing.T) {
	t.Parallel()
	items, err := readProjectExamples("examples.txt")
	if err != nil {
		t.Fatal(err)
	}
	per := map[intent.Class]int{}
	seen := map[string]string{}
	for _, it := range items {
		per[it.Class]++
		key := it.Text + "||" + it.Previous
		if where, ok := seen[key]; ok {
			t.Errorf("%s repeats %s: %q", it.source, where, it.Text)
		}
		seen[key] = it.source
	}
	for c := range intent.NumClasses {
		if per[c] < 100 {
			t.Errorf("%s has %d examples", c, per[c])
		}
	}
}

// TestProjectExamplesAreOurOwn: no project example is a business suite's
// case: the suites measure the classifier leave-one-business-out, and an
// example copied from one would make that figure a lie.
func TestProjectExamplesAreOurOwn(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "..", "..", "shared", "businesses")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no ../shared/businesses")
	}
	cases, err := readBusinesses(dir)
	if err != nil {
		t.Fatal(err)
	}
	items, err := readProjectExamples("examples.txt")
	if err != nil {
		t.Fatal(err)
	}
	squash := regexp.MustCompile(`[^a-z0-9]+`)
	key := func(s string) string { return squash.ReplaceAllString(strings.ToLower(s), "") }
	suite := map[string]string{}
	for _, c := range cases {
		suite[key(c.Text)] = c.source
	}
	for _, it := range items {
		if where, ok := suite[key(it.Text)]; ok && len(key(it.Text)) > 12 {
			t.Errorf("%s is the suite case %s: %q", it.source, where, it.Text)
		}
	}
}

func TestReadProjectExamples(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".txt")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	items, err := readProjectExamples(write("# a comment\n[buying_intent]\nbook me in\n\nyes please || Want me to book you in?\n[faq]\nhow much?\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 || items[1].Text != "yes please" || items[1].Previous != "Want me to book you in?" || items[2].Class != intent.FAQ {
		t.Errorf("%+v", items)
	}
	for _, bad := range []string{"book me in\n", "[nope]\nx\n", "[faq]\n|| previous only\n", "# nothing\n"} {
		if _, err := readProjectExamples(write(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestReadBusinesses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	suite := `name: x
cases:
  - id: faq-hours
    lead: "what are your hours"
    expect: {handoff: false}
  - id: smalltalk-thanks
    history:
      - {from: lead, text: "hours?"}
      - {from: ai, text: "We open at 8. Anything else?"}
    lead: "ok thanks!"
    expect: {handoff: false}
  - id: buy-book
    lead: "book me for friday"
    expect: {handoff: true, handoff_reason: buying_intent}
  - id: unknown-streak
    lead: "do you do x"
    expect: {handoff: true, handoff_reason: unknown_answer}
  - id: no-verdict
    lead: "hi"
    expect: {outcome: asked}
`
	if err := os.MkdirAll(filepath.Join(dir, "shop"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "shop", "suite.yaml"), []byte(suite), 0o644); err != nil {
		t.Fatal(err)
	}
	items, err := readBusinesses(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		class    intent.Class
		previous string
	}{{intent.FAQ, ""}, {intent.Other, "We open at 8. Anything else?"}, {intent.BuyingIntent, ""}}
	if len(items) != len(want) {
		t.Fatalf("%d items: %+v", len(items), items)
	}
	for i, w := range want {
		if items[i].Class != w.class || items[i].Previous != w.previous || items[i].business != "shop" {
			t.Errorf("item %d: %+v, want %+v", i, items[i], w)
		}
	}
	if _, err := readBusinesses(t.TempDir()); err == nil {
		t.Error("no suites, no error")
	}
}

// TestTrainCommand runs the command end to end on the shared data, small
// and quick: it trains, writes weights that decode, and prints.
func TestTrainCommand(t *testing.T) {
	t.Parallel()
	data := filepath.Join("..", "..", "..", "..", "shared", "data")
	businesses := filepath.Join("..", "..", "..", "..", "shared", "businesses")
	for _, dir := range []string{data, businesses} {
		if _, err := os.Stat(dir); err != nil {
			t.Skip("no shared data beside the repository")
		}
	}
	out := filepath.Join(t.TempDir(), "weights.bin")
	var stdout bytes.Buffer
	err := run([]string{"-data", data, "-businesses", businesses, "-examples", "examples.txt", "-out", out,
		"-measure=false", "-bits", "12", "-epochs", "1", "-calibration-folds", "1"}, &stdout)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := intent.Decode(raw); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "final model:") {
		t.Errorf("printed:\n%s", stdout.String())
	}
	if err := run([]string{"-errors", "angry"}, &stdout); err == nil {
		t.Error("-errors angry: no error")
	}
}
