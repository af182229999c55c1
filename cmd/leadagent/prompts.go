package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/leadagent/leadagent/prompts"
)

const promptsUsage = `usage:
  leadagent prompts list [--name sms]          (all prompts without --name)
  leadagent prompts show [--name sms] [--render] [VERSION]
  leadagent prompts create --name sms --author EMAIL [--note TEXT] FILE|-
  leadagent prompts diff [--name sms] [VERSION_A] [VERSION_B]
  leadagent prompts activate --name sms VERSION
VERSION is sms@v3, v3, 3 or default (the prompt built into the binary).`

// runPrompts manages the agent's prompt versions: list them, show one,
// create one from a file or stdin, compare two, activate one. A new
// version is inactive until activated; the running agent picks up an
// activation on its next turn.
func runPrompts(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	return promptsCommand{stdin: os.Stdin}.run(ctx, cfg, args, stdout)
}

// promptsVars are the business details the prompts are rendered with.
// ServiceArea, Tone and EscalationPolicy have no configuration yet; the
// default prompts read well without them.
func promptsVars(cfg Config) prompts.Vars {
	return prompts.Vars{BusinessName: cfg.BusinessName, Hours: cfg.BusinessHours, ServiceArea: cfg.BusinessServiceArea,
		Tone: cfg.BusinessTone, EscalationPolicy: cfg.EscalationPolicy}
}

// promptsCommand is runPrompts with its standard input, for tests.
type promptsCommand struct {
	stdin io.Reader
}

func (c promptsCommand) run(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		return usageError{msg: promptsUsage}
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("prompts "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	name := fs.String("name", "", "prompt name: "+strings.Join(prompts.Names(), " or ")+" (list: all; show, diff: sms)")
	var author, note *string
	var render *bool
	switch sub {
	case "create":
		author = fs.String("author", "", "who wrote this version (email)")
		note = fs.String("note", "", "what changed and why")
	case "show":
		render = fs.Bool("render", false, "show the prompt rendered with the configured business details")
	case "list", "diff", "activate":
	default:
		return usageError{msg: fmt.Sprintf("unknown prompts command %q\n%s", sub, promptsUsage)}
	}
	pos, err := parseFlagsAnywhere(fs, args)
	if err != nil {
		return err
	}
	if *name == "" && (sub == "show" || sub == "diff") {
		*name = prompts.SMS
	}
	switch sub {
	case "list":
		if len(pos) > 0 {
			return usageError{msg: "usage: leadagent prompts list [--name sms]"}
		}
	case "show":
		if len(pos) > 1 {
			return usageError{msg: "usage: leadagent prompts show [--name sms] [--render] [VERSION]"}
		}
	case "create":
		if *name == "" || strings.TrimSpace(*author) == "" || len(pos) != 1 {
			return usageError{msg: "usage: leadagent prompts create --name sms --author EMAIL [--note TEXT] FILE|-\n" + usageOf(fs)}
		}
	case "diff":
		if len(pos) > 2 {
			return usageError{msg: "usage: leadagent prompts diff [--name sms] [VERSION_A] [VERSION_B]"}
		}
	case "activate":
		if *name == "" || len(pos) != 1 {
			return usageError{msg: "usage: leadagent prompts activate --name sms VERSION"}
		}
	}
	if _, err := prompts.Default(*name); err != nil && !(sub == "list" && *name == "") {
		return usageError{msg: fmt.Sprintf("--name %q: want %s", *name, strings.Join(prompts.Names(), " or "))}
	}
	var body string
	if sub == "create" {
		// Read the file before connecting: a wrong path is the likelier mistake.
		if body, err = c.readBody(pos[0]); err != nil {
			return err
		}
	}

	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()

	switch sub {
	case "list":
		return promptsList(ctx, db, *name, stdout)
	case "show":
		var v prompts.Version
		if len(pos) == 1 {
			v, err = prompts.Get(ctx, db, *name, pos[0])
		} else {
			v, err = prompts.Active(ctx, db, *name)
		}
		if err != nil {
			return err
		}
		return promptsShow(v, *render, cfg, stdout)
	case "create":
		v, err := prompts.Create(ctx, db, *name, body, *author, *note)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s (not active yet)\n", v.Ref())
		fmt.Fprintf(stdout, "  compare:  leadagent prompts diff --name %s\n", v.Name)
		fmt.Fprintf(stdout, "  activate: leadagent prompts activate --name %s %s\n", v.Name, v.Label())
		return nil
	case "diff":
		return promptsDiff(ctx, db, *name, pos, stdout)
	case "activate":
		was, err := prompts.Active(ctx, db, *name)
		if err != nil {
			return err
		}
		v, err := prompts.Activate(ctx, db, *name, pos[0])
		if err != nil {
			return err
		}
		if v.Ref() == was.Ref() {
			fmt.Fprintf(stdout, "%s was already active\n", v.Ref())
			return nil
		}
		fmt.Fprintf(stdout, "%s is now active (was %s); the agent uses it from its next turn\n", v.Ref(), was.Ref())
		return nil
	}
	return nil
}

func (c promptsCommand) readBody(path string) (string, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(c.stdin, prompts.MaxBodyBytes+1))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", fmt.Errorf("read prompt: %w", err)
	}
	return string(b), nil
}

// promptsList lists the versions of name, or of every prompt when name is "".
func promptsList(ctx context.Context, db prompts.DB, name string, stdout io.Writer) error {
	names := []string{name}
	if name == "" {
		names = prompts.Names()
	}
	var versions []prompts.Version
	for _, n := range names {
		vs, err := prompts.List(ctx, db, n)
		if err != nil {
			return err
		}
		versions = append(versions, vs...)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tVERSION\tCREATED\tAUTHOR\tNOTE")
	for _, v := range versions {
		mark := ""
		if v.Active {
			mark = "*"
		}
		created := "built in"
		if !v.IsDefault() {
			created = v.CreatedAt.UTC().Format("2006-01-02 15:04 UTC")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", mark, v.Ref(), created, v.Author, promptsOneLine(v.Note, 60))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "* active")
	return nil
}

func promptsShow(v prompts.Version, render bool, cfg Config, stdout io.Writer) error {
	state := "inactive"
	if v.Active {
		state = "active"
	}
	fmt.Fprintf(stdout, "%s (%s)\n", v.Ref(), state)
	if v.IsDefault() {
		fmt.Fprintln(stdout, "built into leadagent")
	} else {
		fmt.Fprintf(stdout, "by %s, %s\n", v.Author, v.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if v.Note != "" && !v.IsDefault() {
		fmt.Fprintf(stdout, "note: %s\n", v.Note)
	}
	body := v.Body
	if render {
		var err error
		if body, err = prompts.Render(v.Body, promptsVars(cfg)); err != nil {
			return fmt.Errorf("render %s: %w", v.Ref(), err)
		}
		fmt.Fprintln(stdout, "rendered with the configured business details")
	}
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, body)
	if !strings.HasSuffix(body, "\n") {
		fmt.Fprintln(stdout)
	}
	return nil
}

// promptsDiff compares two versions: by default the active one against
// the newest; with one VERSION, the active one against it.
func promptsDiff(ctx context.Context, db prompts.DB, name string, refs []string, stdout io.Writer) error {
	var a, b prompts.Version
	var err error
	if len(refs) == 2 {
		a, err = prompts.Get(ctx, db, name, refs[0])
	} else {
		a, err = prompts.Active(ctx, db, name)
	}
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		b, err = prompts.Newest(ctx, db, name)
	} else {
		b, err = prompts.Get(ctx, db, name, refs[len(refs)-1])
	}
	if err != nil {
		return err
	}
	label := func(v prompts.Version) string {
		if v.Active {
			return v.Ref() + " (active)"
		}
		return v.Ref()
	}
	if a.Ref() == b.Ref() {
		if len(refs) == 0 {
			fmt.Fprintf(stdout, "%s is both the active and the newest version: nothing to compare\n", label(a))
			fmt.Fprintf(stdout, "  compare two: leadagent prompts diff --name %s VERSION_A VERSION_B\n", name)
			return nil
		}
		fmt.Fprintf(stdout, "%s: no differences with itself\n", label(a))
		return nil
	}
	d := prompts.Diff(a.Body, b.Body)
	if d == "" {
		fmt.Fprintf(stdout, "%s and %s are identical\n", label(a), label(b))
		return nil
	}
	fmt.Fprintf(stdout, "--- %s\n+++ %s\n%s", label(a), label(b), d)
	return nil
}

// promptsOneLine is s on one line, cut to n characters.
func promptsOneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
