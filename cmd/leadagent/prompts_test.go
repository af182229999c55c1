package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/store/storetest"
)

// promptsCLI runs "leadagent prompts ARGS..." against one database.
type promptsCLI struct {
	t   *testing.T
	cfg Config
}

func (p promptsCLI) run(stdin string, args ...string) (string, error) {
	p.t.Helper()
	var out bytes.Buffer
	err := promptsCommand{stdin: strings.NewReader(stdin)}.run(context.Background(), p.cfg, args, &out)
	return out.String(), err
}

func (p promptsCLI) ok(stdin string, args ...string) string {
	p.t.Helper()
	out, err := p.run(stdin, args...)
	if err != nil {
		p.t.Fatalf("prompts %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func TestPromptsCommand(t *testing.T) {
	t.Parallel()
	cli := promptsCLI{t: t, cfg: Config{DatabaseURL: storetest.NewDatabaseURL(t), BusinessName: "Summit Home Services", BusinessHours: "Mon-Fri 07:00-18:00"}}

	out := cli.ok("", "list")
	if !strings.Contains(out, "*  sms@default    built in") || !strings.Contains(out, "*  voice@default  built in") {
		t.Fatalf("list on a fresh database:\n%s", out)
	}
	out = cli.ok("", "show", "--render")
	if !strings.HasPrefix(out, "sms@default (active)\n") || !strings.Contains(out, "AI assistant for Summit Home Services") {
		t.Fatalf("show --render:\n%s", out)
	}

	// Create from stdin and from a file.
	out = cli.ok("You answer texts for {{.BusinessName}}.\n", "create", "--name", "sms", "--author", "dana@example.com", "--note", "short and sweet", "-")
	if !strings.Contains(out, "created sms@v1 (not active yet)") || !strings.Contains(out, "leadagent prompts activate --name sms v1") {
		t.Fatalf("create:\n%s", out)
	}
	file := filepath.Join(t.TempDir(), "sms.tmpl")
	if err := os.WriteFile(file, []byte("You answer texts for {{.BusinessName}}.\nOpen {{.Hours}}.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := cli.ok("", "create", file, "--name", "sms", "--author", "sam@example.com"); !strings.Contains(out, "created sms@v2") {
		t.Fatalf("create from a file:\n%s", out)
	}

	// An invalid template says why and stores nothing.
	_, err := cli.run("Call {{.OwnerPhone}}.\n", "create", "--name", "sms", "--author", "dana@example.com", "-")
	if err == nil || !strings.Contains(err.Error(), "unknown variable .OwnerPhone") {
		t.Fatalf("create with an unknown variable: %v", err)
	}

	out = cli.ok("", "list", "--name", "sms")
	for _, want := range []string{"sms@v2", "sam@example.com", "sms@v1", "dana@example.com", "short and sweet", "*  sms@default"} {
		if !strings.Contains(out, want) {
			t.Fatalf("list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "sms@v3") {
		t.Fatalf("the refused version was stored:\n%s", out)
	}

	// Default diff: the active one (the default) against the newest.
	out = cli.ok("", "diff")
	if !strings.HasPrefix(out, "--- sms@default (active)\n+++ sms@v2\n@@ ") || !strings.Contains(out, "\n+Open {{.Hours}}.\n") {
		t.Fatalf("diff:\n%s", out)
	}
	out = cli.ok("", "diff", "v1", "v2")
	if want := "--- sms@v1\n+++ sms@v2\n@@ -1 +1,2 @@\n You answer texts for {{.BusinessName}}.\n+Open {{.Hours}}.\n"; out != want {
		t.Fatalf("diff v1 v2:\n%s\nwant\n%s", out, want)
	}

	out = cli.ok("", "activate", "--name", "sms", "v2")
	if !strings.Contains(out, "sms@v2 is now active (was sms@default)") {
		t.Fatalf("activate:\n%s", out)
	}
	if out := cli.ok("", "diff"); !strings.Contains(out, "sms@v2 (active) is both the active and the newest version") {
		t.Fatalf("diff with the newest active:\n%s", out)
	}
	if out := cli.ok("", "diff", "sms@v1"); !strings.HasPrefix(out, "--- sms@v2 (active)\n+++ sms@v1\n") {
		t.Fatalf("diff against the active:\n%s", out)
	}
	out = cli.ok("", "show")
	if !strings.HasPrefix(out, "sms@v2 (active)\nby sam@example.com, ") || !strings.HasSuffix(out, "\n\nYou answer texts for {{.BusinessName}}.\nOpen {{.Hours}}.\n") {
		t.Fatalf("show:\n%s", out)
	}
	if out := cli.ok("", "show", "v2", "--render"); !strings.HasSuffix(out, "You answer texts for Summit Home Services.\nOpen Mon-Fri 07:00-18:00.\n") {
		t.Fatalf("show --render:\n%s", out)
	}
	if out := cli.ok("", "show", "--name", "voice"); !strings.HasPrefix(out, "voice@default (active)") {
		t.Fatalf("show voice:\n%s", out)
	}

	if _, err := cli.run("", "activate", "--name", "sms", "v9"); err == nil || !strings.Contains(err.Error(), "activate prompt sms@v9: not found") {
		t.Fatalf("activate v9: %v", err)
	}
	if out := cli.ok("", "activate", "--name", "sms", "default"); !strings.Contains(out, "sms@default is now active (was sms@v2)") {
		t.Fatalf("activate default:\n%s", out)
	}
}

func TestPromptsCommandUsage(t *testing.T) {
	t.Parallel()
	// None of these reach the database.
	cli := promptsCLI{t: t, cfg: Config{}}
	for _, args := range [][]string{
		{},
		{"rename"},
		{"create", "--name", "sms", "-"}, // no author
		{"create", "--author", "a@example.com", "-"},             // no name
		{"create", "--name", "sms", "--author", "a@example.com"}, // no file
		{"activate", "v2"},            // no name
		{"activate", "--name", "sms"}, // no version
		{"diff", "v1", "v2", "v3"},
		{"show", "--name", "fax"},
		{"list", "--bogus"},
	} {
		_, err := cli.run("", args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("prompts %q: error %v, want a usage error", args, err)
		}
	}
	if _, err := cli.run("", "create", "--name", "sms", "--author", "a@example.com", "/no/such/prompt.tmpl"); err == nil || !strings.Contains(err.Error(), "read prompt") {
		t.Errorf("create from a missing file: %v", err)
	}
}
