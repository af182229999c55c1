// Command leadagent is the whole product in one binary: the HTTP server and
// River workers, migrations, knowledge ingestion and search, reps, and the
// terminal lead simulator. This package owns configuration and wiring; every
// subcommand lives in a file of its own and writes to the io.Writer it is
// given, so a test can run it and read what it printed.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, cfg Config, args []string, stdout io.Writer) error
}

// usageError means the arguments were wrong: exit code 2 and the usage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// exitError carries a specific exit code (eval: 1 for failed cases).
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }

func commands() map[string]command {
	return map[string]command{
		"serve":    {"serve the console, API and webhooks, and run the workers", runServe},
		"worker":   {"run the background workers only", runWorker},
		"migrate":  {"apply database migrations", runMigrate},
		"ingest":   {"load files or folders into the knowledge base", runIngest},
		"search":   {"show what retrieval returns for a query", runSearch},
		"simulate": {"text the running server as a lead from the terminal", runSimulate},
		"prompts":  {"list, show, create, diff and activate prompt versions", runPrompts},
		"reps":     {"add and list the reps who take over, and set who is on call", runReps},
		"users":    {"add and list console logins, and change their passwords", runUsers},
		"demo":     {"load the demo business's knowledge (used by make run)", runDemo},
		"eval":     {"run eval suites, report, and compare with a baseline", runEval},
		"leads":    {"import leads from a CSV file, as POST /api/v1/leads records them", runLeads},
		"hubspot":  {"resync contacts with HubSpot (leadagent hubspot resync --contact ID | --all)", runHubSpot},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "leadagent: unknown command %q\n\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	cfg, err := LoadConfig(os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "leadagent: %v\n", err)
		return 2
	}
	if err := cmd.run(ctx, cfg, args[1:], stdout); err != nil {
		var ue usageError
		var ee exitError
		switch {
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "leadagent %s: %v\n", args[0], err)
			return 2
		case errors.As(err, &ee):
			fmt.Fprintf(stderr, "leadagent %s: %v\n", args[0], ee.err)
			return ee.code
		default:
			fmt.Fprintf(stderr, "leadagent %s: %v\n", args[0], err)
			return 1
		}
	}
	return 0
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: leadagent COMMAND [flags]")
	fmt.Fprintln(w)
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
}
