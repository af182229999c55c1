package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/leadagent/leadagent/crm"
)

const repsUsage = `usage:
  leadagent reps add --name NAME --phone PHONE [--email EMAIL] [--on-call]
  leadagent reps list
  leadagent reps set NAME [--on-call=true|false] [--active=true|false]
A phone without a country code is read in DEFAULT_REGION.`

// runReps manages the reps who take conversations over: add one, list
// them, put one on or off call, or make one inactive (away, left) so that
// no handoff goes to them.
func runReps(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		return usageError{msg: repsUsage}
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("reps "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var name, phone, email *string
	var addOnCall *bool
	var onCall, active optionalBool
	switch sub {
	case "add":
		name = fs.String("name", "", "the rep's name, as the console shows it")
		phone = fs.String("phone", "", "the mobile number handoff texts go to")
		email = fs.String("email", "", "the rep's email (optional)")
		addOnCall = fs.Bool("on-call", false, "on duty outside business hours too")
	case "set":
		fs.Var(&onCall, "on-call", "true: on duty outside business hours too; false: only in business hours")
		fs.Var(&active, "active", "false: takes no handoffs at all (away, left); true: back")
	case "list":
	default:
		return usageError{msg: fmt.Sprintf("unknown reps command %q\n%s", sub, repsUsage)}
	}
	pos, err := parseFlagsAnywhere(fs, args)
	if err != nil {
		return err
	}
	switch sub {
	case "add":
		if strings.TrimSpace(*name) == "" || strings.TrimSpace(*phone) == "" || len(pos) > 0 {
			return usageError{msg: "usage: leadagent reps add --name NAME --phone PHONE [--email EMAIL] [--on-call]\n" + usageOf(fs)}
		}
	case "list":
		if len(pos) > 0 {
			return usageError{msg: "usage: leadagent reps list"}
		}
	case "set":
		// A name of several words may come quoted or not.
		if len(pos) == 0 || !onCall.set && !active.set {
			return usageError{msg: "usage: leadagent reps set NAME [--on-call=true|false] [--active=true|false]\n" + usageOf(fs)}
		}
	}

	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()

	switch sub {
	case "add":
		r, err := crm.AddRep(ctx, db, crm.NewRep{Name: *name, Phone: *phone, Email: *email, OnCall: *addOnCall}, cfg.DefaultRegion)
		if errors.Is(err, crm.ErrConflict) {
			return usageError{msg: fmt.Sprintf("a rep named %q exists already (leadagent reps list shows them)", strings.Join(strings.Fields(*name), " "))}
		}
		if err != nil {
			return inputError(err)
		}
		if r.OnCall {
			fmt.Fprintf(stdout, "added rep %s %s (on call)\n", r.Name, r.Phone)
		} else {
			fmt.Fprintf(stdout, "added rep %s %s\n", r.Name, r.Phone)
		}
		return nil
	case "list":
		return repsList(ctx, db, stdout)
	case "set":
		r, err := repNamed(ctx, db, strings.Join(pos, " "))
		if err != nil {
			return err
		}
		if r, err = crm.SetRepDuty(ctx, db, r.ID, crm.RepDuty{OnCall: onCall.ptr(), Active: active.ptr()}); err != nil {
			return err
		}
		onCall, active := "not on call", "inactive"
		if r.OnCall {
			onCall = "on call"
		}
		if r.Active {
			active = "active"
		}
		fmt.Fprintf(stdout, "updated rep %s %s (%s, %s)\n", r.Name, r.Phone, onCall, active)
		return nil
	}
	return nil
}

func repsList(ctx context.Context, db crm.DB, stdout io.Writer) error {
	reps, err := crm.ListReps(ctx, db)
	if err != nil {
		return err
	}
	if len(reps) == 0 {
		fmt.Fprintln(stdout, "no reps yet; add one: leadagent reps add --name NAME --phone PHONE")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPHONE\tEMAIL\tON CALL\tACTIVE")
	for _, r := range reps {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Phone, orDash(r.Email), yesNo(r.OnCall), yesNo(r.Active))
	}
	return tw.Flush()
}

// repNamed finds a rep by name; an unknown name is the user's mistake.
func repNamed(ctx context.Context, db crm.DB, name string) (crm.Rep, error) {
	r, err := crm.RepByName(ctx, db, name)
	if errors.Is(err, crm.ErrNotFound) {
		return crm.Rep{}, usageError{msg: fmt.Sprintf("no rep named %q (leadagent reps list shows them)", name)}
	}
	return r, err
}

// inputError turns a domain package's complaint about the input into a
// usage error (exit 2), and leaves other errors as they are.
func inputError(err error) error {
	var ie *crm.InvalidError
	if errors.As(err, &ie) {
		return usageError{msg: ie.Error()}
	}
	return err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// optionalBool is a flag that takes true or false and remembers whether
// it was given at all. Unlike a flag.Bool it needs its value, so
// "--on-call false" is not read as "--on-call" and a rep named "false".
type optionalBool struct {
	set, value bool
}

func (b *optionalBool) String() string {
	if b == nil || !b.set {
		return ""
	}
	return strconv.FormatBool(b.value)
}

func (b *optionalBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("want true or false")
	}
	b.set, b.value = true, v
	return nil
}

func (b *optionalBool) ptr() *bool {
	if !b.set {
		return nil
	}
	return &b.value
}
