package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/crm"
)

// The demo business as its knowledge (demo/knowledge) describes it: the
// server speaks for it while BUSINESS_NAME is unset, so its time zone and
// hours are the defaults of BUSINESS_TIMEZONE and BUSINESS_HOURS then, and
// holding messages, on-duty routing and reports agree with what the agent
// reads in hours-and-contact.md (a Fort Collins office, open Mon-Fri 7-6
// and Sat 8-2).
const (
	demoName     = "Summit Home Services"
	demoPhone    = "(970) 555-0100"
	demoTimezone = "America/Denver"
	demoHours    = "Mon-Fri 07:00-18:00, Sat 08:00-14:00"
)

// demoPassword is every demo login's password. Demo logins are made only
// against the Twilio sandbox, never beside a real account.
const demoPassword = "summit-demo"

// demoLoginHint is what the login page shows in the sandbox.
const demoLoginHint = "admin@summit.example or alex@summit.example, password " + demoPassword

// demoTeam is the demo business's reps and their logins.
var demoTeam = []struct {
	rep   crm.NewRep
	email string
	role  auth.Role
}{
	{crm.NewRep{Name: "Jordan Lee", Phone: "+19705550180", Email: "jordan@summit.example"}, "admin@summit.example", auth.RoleAdmin},
	{crm.NewRep{Name: "Alex Rivera", Phone: "+19705550181", Email: "alex@summit.example"}, "alex@summit.example", auth.RoleRep},
	{crm.NewRep{Name: "Sam Ortiz", Phone: "+19705550182", Email: "sam@summit.example", OnCall: true}, "sam@summit.example", auth.RoleRep},
}

// runDemo loads the demo business: its knowledge (demo/knowledge by
// default) through the ingest command, and, in the sandbox, its reps and
// console logins. What exists already is left as it is, so make run can
// call it every time.
func runDemo(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("dir", "demo/knowledge", "folder with the demo business's knowledge")
	if _, err := parseFlagsAnywhere(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo business %q from %s: ", cfg.BusinessName, *dir)
	if err := runIngest(ctx, cfg, []string{"--quiet", "--", *dir}, stdout); err != nil {
		return fmt.Errorf("load demo knowledge: %w", err)
	}
	if !cfg.Sandbox {
		fmt.Fprintln(stdout, "demo reps and logins skipped: a Twilio account is configured")
		return nil
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := loadDemoTeam(ctx, db, cfg.DefaultRegion); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo console logins: %s\n", demoLoginHint)
	return nil
}

func loadDemoTeam(ctx context.Context, db *pgxpool.Pool, region string) error {
	for _, m := range demoTeam {
		rep, err := crm.AddRep(ctx, db, m.rep, region)
		if errors.Is(err, crm.ErrConflict) {
			rep, err = crm.RepByName(ctx, db, m.rep.Name)
		}
		if err != nil {
			return fmt.Errorf("demo rep %s: %w", m.rep.Name, err)
		}
		_, err = auth.AddUser(ctx, db, auth.NewUser{Email: m.email, Password: demoPassword, Role: m.role, RepID: rep.ID})
		if err != nil && !errors.Is(err, auth.ErrConflict) {
			return fmt.Errorf("demo login %s: %w", m.email, err)
		}
	}
	return nil
}
