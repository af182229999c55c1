package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/leadagent/leadagent/auth"
)

const usersUsage = `usage:
  leadagent users add --email EMAIL --role admin|rep [--rep NAME] < password
  leadagent users list
  leadagent users passwd --email EMAIL < password
The password is the first line of standard input. A rep's login acts as
the rep --rep names (leadagent reps list); an admin may have one too.`

// runUsers manages console logins: add one, list them, change a password
// (which signs that login out everywhere).
func runUsers(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	c := usersCommand{stdin: os.Stdin}
	if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		c.prompt = true
	}
	return c.run(ctx, cfg, args, stdout)
}

// usersCommand is runUsers with its standard input, for tests.
type usersCommand struct {
	stdin io.Reader
	// prompt says stdin is a terminal: ask for the password rather than
	// wait silently. The password echoes as it is typed.
	prompt bool
}

func (c usersCommand) run(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		return usageError{msg: usersUsage}
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("users "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var email, role, repName *string
	switch sub {
	case "add":
		email = fs.String("email", "", "the login's email address")
		role = fs.String("role", "", "admin or rep")
		repName = fs.String("rep", "", "the rep this login acts as (required for --role rep)")
	case "passwd":
		email = fs.String("email", "", "the login's email address")
	case "list":
	default:
		return usageError{msg: fmt.Sprintf("unknown users command %q\n%s", sub, usersUsage)}
	}
	pos, err := parseFlagsAnywhere(fs, args)
	if err != nil {
		return err
	}
	switch sub {
	case "add":
		if strings.TrimSpace(*email) == "" || *role == "" || len(pos) > 0 {
			return usageError{msg: "usage: leadagent users add --email EMAIL --role admin|rep [--rep NAME] < password\n" + usageOf(fs)}
		}
		if r := auth.Role(*role); !r.Valid() {
			return usageError{msg: fmt.Sprintf("--role %q: want admin or rep", *role)}
		}
		if auth.Role(*role) == auth.RoleRep && strings.TrimSpace(*repName) == "" {
			return usageError{msg: "a rep's login needs --rep NAME, the rep it acts as (leadagent reps list shows them)"}
		}
	case "passwd":
		if strings.TrimSpace(*email) == "" || len(pos) > 0 {
			return usageError{msg: "usage: leadagent users passwd --email EMAIL < password\n" + usageOf(fs)}
		}
	case "list":
		if len(pos) > 0 {
			return usageError{msg: "usage: leadagent users list"}
		}
	}
	var password string
	if sub != "list" {
		// Read the password before connecting: a missing one is the
		// likelier mistake.
		if password, err = c.readPassword(stdout); err != nil {
			return err
		}
	}

	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()

	switch sub {
	case "add":
		in := auth.NewUser{Email: *email, Password: password, Role: auth.Role(*role)}
		if strings.TrimSpace(*repName) != "" {
			r, err := repNamed(ctx, db, *repName)
			if err != nil {
				return err
			}
			in.RepID = r.ID
		}
		u, err := auth.AddUser(ctx, db, in)
		if errors.Is(err, auth.ErrConflict) {
			if u, err := auth.UserByEmail(ctx, db, *email); err == nil {
				return usageError{msg: fmt.Sprintf("a login for %s exists already (change its password: leadagent users passwd --email %s)", u.Email, u.Email)}
			}
			return usageError{msg: fmt.Sprintf("rep %q has a login already (leadagent users list shows it)", *repName)}
		}
		if err != nil {
			return inputError(err)
		}
		if u.RepName != "" {
			fmt.Fprintf(stdout, "added %s %s (acts as %s)\n", u.Role, u.Email, u.RepName)
		} else {
			fmt.Fprintf(stdout, "added %s %s\n", u.Role, u.Email)
		}
		return nil
	case "list":
		return usersList(ctx, db, stdout)
	case "passwd":
		u, err := auth.UserByEmail(ctx, db, *email)
		if errors.Is(err, auth.ErrNotFound) {
			return usageError{msg: fmt.Sprintf("no login with email %q (leadagent users list shows them)", strings.TrimSpace(*email))}
		}
		if err != nil {
			return err
		}
		if err := auth.SetPassword(ctx, db, u.ID, password); err != nil {
			return inputError(err)
		}
		fmt.Fprintf(stdout, "changed the password of %s and signed them out of the console\n", u.Email)
		return nil
	}
	return nil
}

// readPassword reads the first line of stdin, without its line ending.
func (c usersCommand) readPassword(stdout io.Writer) (string, error) {
	if c.prompt {
		fmt.Fprint(stdout, "password: ")
	}
	// Far more than any valid password, so a file piped in by mistake is
	// not read whole.
	line, err := bufio.NewReader(io.LimitReader(c.stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", usageError{msg: "the password is read from standard input, which gave none: echo it in, or type it and press Enter"}
	}
	return line, nil
}

func usersList(ctx context.Context, db auth.DB, stdout io.Writer) error {
	users, err := auth.ListUsers(ctx, db)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		fmt.Fprintln(stdout, "no logins yet; add one: leadagent users add --email EMAIL --role admin < password")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tROLE\tREP\tLAST LOGIN")
	for _, u := range users {
		last := "never"
		if u.LastLoginAt != nil {
			last = u.LastLoginAt.UTC().Format("2006-01-02 15:04 UTC")
		}
		switch {
		case u.Disabled:
			last += " (disabled)"
		case u.Invited:
			last += " (invited: no password yet)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Email, u.Role, orDash(u.RepName), last)
	}
	return tw.Flush()
}
