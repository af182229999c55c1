package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/inbox"
)

const leadsUsage = `usage: leadagent leads import FILE.csv [--map FIELD=HEADER]... [--source SOURCE]
                             [--consent-text TEXT] [--dry-run] [--json]

Records each row of FILE.csv as a lead, exactly as POST /api/v1/leads does: a
row whose phone or email matches a contact merges into it, a row with SMS
consent is texted by the running server's workers (this command only queues
the text), a row with email consent and no SMS consent is emailed the same
way, and a row with neither is passed to its owner or the rep on duty.

Columns are found by their header, in any case, ignoring spaces and punctuation:
  phone                phone, phone_number, mobile, cell, tel (required)
  name                 name, full_name; or first_name and last_name, joined
  email                email, e-mail
  source               source, utm_source, lead_source
  message              message, comments, notes, question
  external_id          external_id, id, lead_id
  owner_email          owner, owner_email, rep_email
  consent_sms          consent, sms_consent, opt_in: yes/no, true/false, y/n, 1/0
  consent_email        email_consent, email_opt_in: yes/no, as consent_sms
  consent_text         consent_text: the words the lead agreed to
  consent_captured_at  consent_captured_at, consented_at: 2026-03-01T14:05:00Z,
                       2026-03-01 14:05 or 2026-03-01 (in BUSINESS_TIMEZONE)
  consent_ip           consent_ip, ip
  consent_version      consent_version: which version of the consent words
  consent_page_url     consent_page_url: the http(s) page the lead saw them on
Other columns are ignored and listed in the report. A row whose consent says
yes must say when (consent_captured_at) and to what (consent_text, or
--consent-text), or it is rejected; a row without a yes is not texted (or
emailed). A row may have no phone when it has an email and consent_email.

  --map FIELD=HEADER   read FIELD from the column HEADER (repeatable);
                       FIELD= with no header reads FIELD from no column
  --source SOURCE      the source of rows that name none
  --consent-text TEXT  the consent words of rows that give none
  --dry-run            check every row and write nothing
  --json               print the report as JSON

Rows are numbered as a spreadsheet shows them: the header is row 1.
Each row is its own transaction. An import that stops (a database error,
Ctrl-C) keeps the rows it did, and running the same file again is safe: a row
with an external_id seen before changes nothing, and a row whose phone or
email matches a contact merges into it rather than duplicating it; a row that
repeats the same message within a day is not texted again.

Exit status: 0 when every row was recorded, 1 when a row was rejected or the
import stopped, 2 for wrong arguments or a file without a phone column.`

// runLeads manages leads from the terminal; for now, imports them:
//
//	leadagent leads import FILE.csv [--map FIELD=HEADER]... [--dry-run] [--json]
func runLeads(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		return usageError{msg: leadsUsage}
	}
	if args[0] != "import" {
		return usageError{msg: fmt.Sprintf("unknown leads command %q\n%s", args[0], leadsUsage)}
	}
	fs := flag.NewFlagSet("leads import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var maps columnFlags
	fs.Var(&maps, "map", "read FIELD from the column HEADER (FIELD=HEADER, repeatable)")
	source := fs.String("source", "", "the source of rows that name none")
	consentText := fs.String("consent-text", "", "the consent words of rows that give none")
	dryRun := fs.Bool("dry-run", false, "check every row and write nothing")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	files, err := parseFlagsAnywhere(fs, args[1:])
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usageError{msg: "want one FILE.csv\n" + leadsUsage}
	}
	overrides, err := parseColumnMaps(maps)
	if err != nil {
		return usageError{msg: err.Error()}
	}

	f, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := newLeadRows(f, overrides, rowDefaults{source: *source, consentText: *consentText, zone: cfg.Hours.Location()})
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			return usageError{msg: files[0] + ": " + ue.msg}
		}
		return fmt.Errorf("read %s: %w", files[0], err)
	}

	rep := importReport{File: files[0], DryRun: *dryRun, Columns: rows.cols.describe(), Ignored: rows.cols.ignoredNames(),
		Rejections: []rejection{}}
	var receive func(context.Context, crm.NewLead) (inbox.NewLead, error)
	if !*dryRun {
		db, err := openDB(ctx, cfg)
		if err != nil {
			return err
		}
		defer db.Close()
		ib, err := intakeInbox(cfg, db, newLogger())
		if err != nil {
			return err
		}
		receive = ib.ReceiveLead
	}
	region := cfg.DefaultRegion
	if region == "" {
		region = "US" // as the inbox reads it
	}
	runErr := importLeads(ctx, rows, region, receive, &rep)
	if runErr != nil && errors.Is(ctx.Err(), context.Canceled) {
		runErr = errors.New("interrupted") // rather than how the database call it cut short failed
	}
	if runErr != nil {
		rep.Stopped = &importStop{Row: rows.row, Error: runErr.Error()}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		rep.print(stdout, rows.cols)
	}
	switch {
	case runErr != nil:
		return fmt.Errorf("%s: stopped at row %d: %w (the %d rows before it are done; run the same file again to finish)",
			files[0], rows.row, runErr, rep.Rows)
	case rep.Rejected > 0:
		return exitError{code: 1, err: fmt.Errorf("%s: %d of %s rejected", files[0], rep.Rejected, plural(rep.Rows, "row", "rows"))}
	}
	return nil
}

// intakeInbox is the inbox as buildApp wires it, for recording leads only:
// no workers, so the texts a lead causes wait in River for the server's.
// The desk is buildApp's (business hours, the console link in reps'
// texts), so an imported lead is handled like one posted to the API.
func intakeInbox(cfg Config, db *pgxpool.Pool, logger *slog.Logger) (*inbox.Inbox, error) {
	desk := newDesk(cfg)
	// The server's sender, so a lead who agreed to email only is queued for
	// its first email as the API queues it; nothing is sent from here.
	mailer, err := cfg.Email.sender(publicBaseOf(cfg))
	if err != nil {
		return nil, err
	}
	return inbox.New(inbox.Config{DB: db, Desk: desk, Business: inbox.Business{Name: cfg.BusinessName, Phone: cfg.BusinessPhone},
		Region: cfg.DefaultRegion, Workers: false, Logger: logger, Redact: agent.Redact, Email: mailer})
}

// importLeads records every row through receive (nil: a dry run, which
// only normalizes) and counts what happened in rep. It returns the error
// that stopped it: the file's, the database's, or ctx's.
func importLeads(ctx context.Context, rows *leadRows, region string, receive func(context.Context, crm.NewLead) (inbox.NewLead, error),
	rep *importReport) error {
	for {
		in, err := rows.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var inv *crm.InvalidError
		if err != nil && !errors.As(err, &inv) {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		// A row's free text is redacted as a form's is: a card number in
		// a spreadsheet's notes column is stored no more than one posted.
		in.Redact(agent.Redact)
		rep.Rows++
		if err == nil && receive == nil {
			in.ReceivedAt = time.Now()
			err = in.Normalize(region)
		}
		if err == nil && receive != nil {
			var out inbox.NewLead
			if out, err = receive(ctx, in); err == nil {
				rep.count(out)
				continue
			}
		}
		switch {
		case errors.As(err, &inv):
			rep.Rejected++
			rep.Rejections = append(rep.Rejections, rejection{Row: rows.row, Field: inv.Field, Reason: inv.Reason + rows.cols.hint(inv.Field)})
		case err != nil:
			rep.Rows-- // not done
			return err
		default: // a dry run's valid row
			rep.Valid++
			switch {
			case in.Consent != nil && in.Consent.SMS:
				rep.Texted++
			case in.Consent != nil && in.Consent.Email && in.Email != "":
				rep.Emailed++
			default:
				rep.NoConsent++
			}
		}
	}
}

// importReport is what an import did, as --json prints it.
type importReport struct {
	File   string `json:"file"`
	DryRun bool   `json:"dry_run"`
	// Columns is the header each field was read from.
	Columns map[string]string `json:"columns"`
	Ignored []string          `json:"ignored_columns"`
	// Rows counts the rows read, blank ones aside; Valid those recorded
	// (or, in a dry run, that would be), the rest Rejected.
	Rows     int `json:"rows"`
	Valid    int `json:"valid"`
	Created  int `json:"created"`
	Merged   int `json:"merged"`
	Repeated int `json:"repeated"`
	Rejected int `json:"rejected"`
	// Texted, Emailed, NoConsent and OptedOut say what the new leads
	// get; a repeated row gets nothing new.
	Texted     int         `json:"texted"`
	Emailed    int         `json:"emailed"`
	NoConsent  int         `json:"no_consent"`
	OptedOut   int         `json:"opted_out"`
	Rejections []rejection `json:"rejections"`
	Stopped    *importStop `json:"stopped,omitempty"`
}

// rejection is a row that was not recorded, and why.
type rejection struct {
	Row    int    `json:"row"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// importStop is the row an import stopped at, and the error.
type importStop struct {
	Row   int    `json:"row"`
	Error string `json:"error"`
}

func (r *importReport) count(out inbox.NewLead) {
	r.Valid++
	switch {
	case out.Repeat:
		r.Repeated++
	case out.NewContact:
		r.Created++
	default:
		r.Merged++
	}
	switch out.FirstTouch {
	case inbox.FirstTouchQueued:
		if out.Channel == crm.ChannelEmail {
			r.Emailed++
		} else {
			r.Texted++
		}
	case inbox.FirstTouchNoConsent, inbox.FirstTouchUnreachable:
		r.NoConsent++
	case inbox.FirstTouchOptedOut:
		r.OptedOut++
	}
}

// print writes the report for a person: the summary line, the columns
// read and ignored, then each rejected row.
func (r *importReport) print(w io.Writer, cols leadColumns) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", plural(r.Rows, "row", "rows"))
	if r.DryRun {
		fmt.Fprintf(&b, "%d valid, %d rejected; %d would be texted, ", r.Valid, r.Rejected, r.Texted)
		if r.Emailed > 0 {
			fmt.Fprintf(&b, "%d emailed, ", r.Emailed)
		}
		fmt.Fprintf(&b, "%s no consent (dry run: nothing was written)", plural(r.NoConsent, "has", "have"))
	} else {
		fmt.Fprintf(&b, "%d created, %d merged, %d repeated, %d rejected; %d will be texted, ",
			r.Created, r.Merged, r.Repeated, r.Rejected, r.Texted)
		if r.Emailed > 0 {
			fmt.Fprintf(&b, "%d emailed, ", r.Emailed)
		}
		fmt.Fprintf(&b, "%s no consent", plural(r.NoConsent, "has", "have"))
		if r.OptedOut > 0 {
			fmt.Fprintf(&b, ", %s opted out", plural(r.OptedOut, "has", "have"))
		}
	}
	fmt.Fprintln(w, b.String())
	fmt.Fprintf(w, "columns: %s\n", cols.summary())
	if ign := cols.ignoredSummary(); ign != "" {
		fmt.Fprintf(w, "ignored columns: %s\n", ign)
	}
	for _, rj := range r.Rejections {
		if rj.Field == "" {
			fmt.Fprintf(w, "row %d: %s\n", rj.Row, rj.Reason)
		} else {
			fmt.Fprintf(w, "row %d: %s: %s\n", rj.Row, rj.Field, rj.Reason)
		}
	}
	if r.Stopped != nil {
		fmt.Fprintf(w, "stopped at row %d: %s\n", r.Stopped.Row, r.Stopped.Error)
	}
}

// plural is "1 row", "2 rows"; for a verb, "1 has", "2 have".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// leadFields are the fields a column can fill, in the order the report
// lists them, each with the headers it is found by.
var leadFields = []struct {
	name    string
	headers []string
}{
	{"phone", []string{"phone", "phone_number", "mobile", "mobile_phone", "cell", "cell_phone", "tel", "telephone"}},
	{"name", []string{"name", "full_name"}},
	{"first_name", []string{"first_name", "given_name"}},
	{"last_name", []string{"last_name", "surname", "family_name"}},
	{"email", []string{"email", "e-mail", "email_address"}},
	{"source", []string{"source", "utm_source", "lead_source"}},
	{"message", []string{"message", "comments", "comment", "notes", "question"}},
	{"external_id", []string{"external_id", "id", "lead_id"}},
	{"owner_email", []string{"owner_email", "owner", "rep_email"}},
	{"consent_sms", []string{"consent_sms", "consent", "sms_consent", "opt_in"}},
	{"consent_email", []string{"consent_email", "email_consent", "email_opt_in"}},
	{"consent_text", []string{"consent_text"}},
	{"consent_captured_at", []string{"consent_captured_at", "consented_at"}},
	{"consent_ip", []string{"consent_ip", "ip"}},
	{"consent_version", []string{"consent_version"}},
	{"consent_page_url", []string{"consent_page_url"}},
}

// fieldByHeader finds a field by a header's key.
var fieldByHeader = func() map[string]string {
	m := map[string]string{}
	for _, f := range leadFields {
		for _, h := range f.headers {
			m[headerKey(h)] = f.name
		}
	}
	return m
}()

// headerKey is how headers are compared: lower case, letters and digits
// only, so "Phone Number", "phone_number" and "PhoneNumber" are one.
func headerKey(h string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, h)
}

// columnFlags collects repeated --map flags.
type columnFlags []string

func (m *columnFlags) String() string { return strings.Join(*m, " ") }

func (m *columnFlags) Set(v string) error {
	*m = append(*m, v)
	return nil
}

// parseColumnMaps reads --map FIELD=HEADER flags into field → header; an
// empty header means the field is read from no column.
func parseColumnMaps(maps []string) (map[string]string, error) {
	out := map[string]string{}
	for _, m := range maps {
		field, header, ok := strings.Cut(m, "=")
		if !ok {
			return nil, fmt.Errorf("--map %q: want FIELD=HEADER, e.g. --map phone=\"Mobile Phone\"", m)
		}
		field = strings.NewReplacer(".", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(field)))
		if !knownField(field) {
			return nil, fmt.Errorf("--map %q: no field %q (fields: %s)", m, field, fieldNames())
		}
		if _, dup := out[field]; dup {
			return nil, fmt.Errorf("--map %q: %s is mapped twice", m, field)
		}
		out[field] = strings.TrimSpace(header)
	}
	return out, nil
}

func knownField(name string) bool {
	for _, f := range leadFields {
		if f.name == name {
			return true
		}
	}
	return false
}

func fieldNames() string {
	names := make([]string, len(leadFields))
	for i, f := range leadFields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// leadColumns says which column of a file holds each field.
type leadColumns struct {
	header []string
	// index is the column of each field read.
	index   map[string]int
	ignored []ignoredColumn
}

type ignoredColumn struct {
	col int
	// dupOf is the field a second column for it would have filled; "" for
	// an unknown header.
	dupOf string
}

// mapLeadColumns maps a header to fields: overrides first, then each
// header by its key. A field two columns could fill is read from the
// first; the others are ignored. A header without a phone column is a
// usageError.
func mapLeadColumns(header []string, overrides map[string]string) (leadColumns, error) {
	c := leadColumns{header: append([]string(nil), header...), index: map[string]int{}}
	taken := map[int]bool{}
	for _, f := range leadFields {
		want, ok := overrides[f.name]
		if !ok || want == "" {
			continue
		}
		col := -1
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), want) || headerKey(want) != "" && headerKey(h) == headerKey(want) {
				col = i
				break
			}
		}
		if col < 0 {
			return c, usageError{msg: fmt.Sprintf("--map %s=%s: no such column (columns: %s)", f.name, want, c.headerList())}
		}
		c.index[f.name], taken[col] = col, true
	}
	for i, h := range header {
		if taken[i] {
			continue
		}
		field, ok := fieldByHeader[headerKey(h)]
		if _, overridden := overrides[field]; !ok || overridden {
			c.ignored = append(c.ignored, ignoredColumn{col: i})
			continue
		}
		if _, dup := c.index[field]; dup {
			c.ignored = append(c.ignored, ignoredColumn{col: i, dupOf: field})
			continue
		}
		c.index[field] = i
	}
	if _, ok := c.index["phone"]; !ok {
		return c, usageError{msg: fmt.Sprintf("no phone column (columns: %s); name it with --map phone=HEADER", c.headerList())}
	}
	return c, nil
}

func (c leadColumns) name(col int) string {
	if h := strings.TrimSpace(c.header[col]); h != "" {
		return h
	}
	return fmt.Sprintf("(column %d)", col+1)
}

func (c leadColumns) headerList() string {
	names := make([]string, len(c.header))
	for i := range c.header {
		names[i] = c.name(i)
	}
	return strings.Join(names, ", ")
}

// describe is field → the header it is read from.
func (c leadColumns) describe() map[string]string {
	m := make(map[string]string, len(c.index))
	for f, i := range c.index {
		m[f] = c.name(i)
	}
	return m
}

func (c leadColumns) summary() string {
	var parts []string
	for _, f := range leadFields {
		if i, ok := c.index[f.name]; ok {
			parts = append(parts, f.name+"="+c.name(i))
		}
	}
	return strings.Join(parts, ", ")
}

func (c leadColumns) ignoredNames() []string {
	names := make([]string, len(c.ignored))
	for i, ig := range c.ignored {
		names[i] = c.name(ig.col)
	}
	return names
}

func (c leadColumns) ignoredSummary() string {
	var parts []string
	for _, ig := range c.ignored {
		s := c.name(ig.col)
		if ig.dupOf != "" {
			s += fmt.Sprintf(" (%s is read from %s)", ig.dupOf, c.name(c.index[ig.dupOf]))
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// hint says how to give a consent field every row lacks: when the file
// has no column for it, no row can have it.
func (c leadColumns) hint(field string) string {
	switch _, ok := c.index[strings.ReplaceAll(field, ".", "_")]; {
	case ok:
		return ""
	case field == "consent.text":
		return " (the file has no consent_text column: give the words with --consent-text)"
	case field == "consent.captured_at":
		return " (the file has no consent_captured_at column: add one, or --map consent_captured_at=HEADER)"
	}
	return ""
}

// rowDefaults fill what a row leaves out.
type rowDefaults struct {
	source      string
	consentText string
	// zone reads consent times written without one.
	zone *time.Location
}

// leadRows reads a leads CSV one row at a time.
type leadRows struct {
	csv      *csv.Reader
	cols     leadColumns
	defaults rowDefaults
	// row is the spreadsheet row of the last record read: the header is 1.
	row int
}

// newLeadRows reads the header of a leads CSV (after a UTF-8 byte order
// mark, if any) and maps its columns.
func newLeadRows(r io.Reader, overrides map[string]string, d rowDefaults) (*leadRows, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\uFEFF" {
		br.Discard(3)
	} else if len(bom) >= 2 && (bom[0] == 0xFF && bom[1] == 0xFE || bom[0] == 0xFE && bom[1] == 0xFF) {
		return nil, usageError{msg: "the file is UTF-16 text: save it as CSV UTF-8"}
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // a row of another width is that row's problem, not the file's
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, usageError{msg: "the file is empty: want a header row naming the columns"}
	}
	if err != nil {
		return nil, err
	}
	cols, err := mapLeadColumns(header, overrides)
	if err != nil {
		return nil, err
	}
	if d.zone == nil {
		d.zone = time.UTC
	}
	return &leadRows{csv: cr, cols: cols, defaults: d, row: 1}, nil
}

// next returns the next row that is not blank as a lead, not yet
// normalized. A row that cannot be a lead is a *crm.InvalidError; the end
// of the file is io.EOF; anything else is the file's problem.
func (lr *leadRows) next() (crm.NewLead, error) {
	for {
		rec, err := lr.csv.Read()
		if errors.Is(err, io.EOF) {
			return crm.NewLead{}, err
		}
		lr.row++
		if err != nil {
			return crm.NewLead{}, err
		}
		if blank(rec) {
			continue
		}
		return lr.cols.lead(rec, lr.defaults)
	}
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// consentTimeLayouts are the ways a consent time may be written; all but
// the first are read in the business's time zone.
var consentTimeLayouts = []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

// lead is one record as a lead.
func (c leadColumns) lead(rec []string, d rowDefaults) (crm.NewLead, error) {
	if len(rec) != len(c.header) {
		return crm.NewLead{}, &crm.InvalidError{Reason: fmt.Sprintf("has %d columns; the header has %d", len(rec), len(c.header))}
	}
	var bad error
	get := func(field string) string {
		i, ok := c.index[field]
		if !ok {
			return ""
		}
		v := strings.TrimSpace(rec[i])
		switch {
		case bad != nil:
		case !utf8.ValidString(v):
			bad = &crm.InvalidError{Field: apiField(field), Reason: "is not UTF-8 text (save the file as CSV UTF-8)"}
		case strings.ContainsRune(v, 0):
			bad = &crm.InvalidError{Field: apiField(field), Reason: "contains a NUL character"}
		}
		return v
	}
	in := crm.NewLead{Phone: get("phone"), Name: get("name"), Email: get("email"), Source: get("source"), Message: get("message"),
		ExternalID: get("external_id"), OwnerEmail: get("owner_email")}
	if in.Name == "" {
		in.Name = strings.TrimSpace(get("first_name") + " " + get("last_name"))
	}
	if in.Source == "" {
		in.Source = d.source
	}
	yes := func(field string) bool {
		v := get(field)
		y, ok := parseYesNo(v)
		if !ok && bad == nil {
			bad = &crm.InvalidError{Field: apiField(field), Reason: fmt.Sprintf("%q is not yes or no", v)}
		}
		return y
	}
	sms, email := get("consent_sms") != "", get("consent_email") != ""
	if sms || email {
		in.Consent = &crm.Consent{Text: get("consent_text"), IP: get("consent_ip"), Version: get("consent_version"),
			PageURL: get("consent_page_url")}
		if sms {
			in.Consent.SMS = yes("consent_sms")
		}
		if email {
			in.Consent.Email = yes("consent_email")
		}
		if in.Consent.Text == "" {
			in.Consent.Text = d.consentText
		}
		if at := get("consent_captured_at"); at != "" {
			t, err := parseConsentTime(at, d.zone)
			if err != nil && bad == nil {
				bad = err
			}
			in.Consent.CapturedAt = t
		}
	}
	return in, bad
}

func parseConsentTime(v string, zone *time.Location) (time.Time, error) {
	for _, layout := range consentTimeLayouts {
		if t, err := time.ParseInLocation(layout, v, zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, &crm.InvalidError{Field: "consent.captured_at",
		Reason: fmt.Sprintf("%q is not a time like 2026-03-01T14:05:00Z, 2026-03-01 14:05 or 2026-03-01", v)}
}

func parseYesNo(v string) (value, ok bool) {
	switch strings.ToLower(v) {
	case "yes", "y", "true", "t", "1":
		return true, true
	case "no", "n", "false", "f", "0":
		return false, true
	}
	return false, false
}

// apiField is a field as POST /api/v1/leads names it, as crm's errors do.
func apiField(field string) string {
	if rest, ok := strings.CutPrefix(field, "consent_"); ok {
		return "consent." + rest
	}
	return field
}
