package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/inbox"
)

const testConsentText = "I agree to receive texts from Summit Home Services"

func runLeadsCLI(t *testing.T, cfg Config, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := runLeads(context.Background(), cfg, args, &out)
	return out.String(), err
}

// wantExit fails unless err carries exit code want.
func wantExit(t *testing.T, err error, want int) {
	t.Helper()
	var ee exitError
	if !errors.As(err, &ee) || ee.code != want {
		t.Fatalf("error %v, want exit %d", err, want)
	}
}

// count runs a counting query.
func (d cliDB) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func newLeadsDB(t *testing.T) cliDB {
	t.Helper()
	d := newCLIDB(t)
	d.cfg.BusinessName = "Summit Home Services"
	d.cfg.Hours = hours.MustParse("Mon-Fri 09:00-17:00", "America/Denver")
	d.cfg.ListenAddr = ":8080"
	return d
}

func TestLeadsImport(t *testing.T) {
	t.Parallel()
	d := newLeadsDB(t)
	ctx := context.Background()
	rep, err := crm.AddRep(ctx, d.pool, crm.NewRep{Name: "Riley Rep", Phone: "970-555-0199", Email: "rep@example.com", OnCall: true}, "US")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"import", "testdata/leads.csv", "--source", "spring_list", "--consent-text", testConsentText}

	out, err := runLeadsCLI(t, d.cfg, args...)
	wantExit(t, err, 1)
	if !strings.Contains(err.Error(), "6 of 12 rows rejected") {
		t.Fatalf("error = %v", err)
	}
	want := `12 rows: 3 created, 2 merged, 1 repeated, 6 rejected; 3 will be texted, 2 have no consent
columns: phone=Phone Number, first_name=First Name, last_name=Last Name, email=E-mail, source=Lead Source, message=Comments, external_id=Lead ID, owner_email=Rep Email, consent_sms=Opt In, consent_text=Consent Text, consent_captured_at=Consented At
ignored columns: Campaign
row 4: phone: "555" is not a phone number
row 5: email: "not-an-email" is not an email address
row 9: consent.sms: "maybe" is not yes or no
row 10: consent.captured_at: is required with consent.sms: when the lead agreed
row 13: has 3 columns; the header has 12
row 14: consent.captured_at: is in the future
`
	if out != want {
		t.Fatalf("report:\n%s\nwant\n%s", out, want)
	}

	// Three contacts: Dana (two leads by phone), Sam (found again by email
	// from a new phone) and Lee.
	if n := d.count(t, `SELECT count(*) FROM contacts`); n != 3 {
		t.Fatalf("contacts = %d", n)
	}
	var owner, phone, source, message string
	if err := d.pool.QueryRow(ctx, `SELECT COALESCE(c.owner_rep_id::text, ''), c.phone, c.source, l.message
		FROM leads l JOIN contacts c ON c.id = l.contact_id WHERE l.external_id = 'fb-2'`).Scan(&owner, &phone, &source, &message); err != nil {
		t.Fatal(err)
	}
	if owner != rep.ID || phone != "+19705550106" || source != "spring_list" || message != "Call me after 5.\nThanks!" {
		t.Fatalf("Sam: owner %q phone %q source %q message %q", owner, phone, source, message)
	}
	var consentText string
	if err := d.pool.QueryRow(ctx, `SELECT text FROM consents c JOIN leads l ON l.id = c.lead_id
		JOIN contacts ct ON ct.id = l.contact_id WHERE ct.phone = '+19705550106' AND c.granted`).Scan(&consentText); err != nil || consentText != testConsentText {
		t.Fatalf("--consent-text evidence = %q (%v)", consentText, err)
	}

	// A first touch is queued for each lead with consent, and no other; the
	// leads without are passed to the rep on call.
	firstTouches := func() []string {
		t.Helper()
		rows, err := d.pool.Query(ctx, `SELECT args->>'lead_id' FROM river_job WHERE kind = 'first_touch' ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	consenting := func() []string {
		t.Helper()
		rows, err := d.pool.Query(ctx, `SELECT id::text FROM leads WHERE sms_consent ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	if got, want := firstTouches(), consenting(); len(got) != 3 || !slices.Equal(got, want) {
		t.Fatalf("first touch jobs for leads %v, want those with consent %v", got, want)
	}
	if n := d.count(t, `SELECT count(*) FROM river_job WHERE kind = 'notify'`); n != 2 {
		t.Fatalf("notify jobs = %d, want one per lead without consent", n)
	}
	if n := d.count(t, `SELECT count(*) FROM leads WHERE NOT sms_consent`); n != 2 {
		t.Fatalf("leads without consent = %d", n)
	}

	// The same file again duplicates nothing and texts nobody: rows with
	// an external_id repeat, the others merge into their contacts as leads
	// that repeat a form of the same day, which was answered already.
	out, err = runLeadsCLI(t, d.cfg, args...)
	wantExit(t, err, 1)
	if first, _, _ := strings.Cut(out, "\n"); first != "12 rows: 0 created, 2 merged, 4 repeated, 6 rejected; 0 will be texted, 0 have no consent" {
		t.Fatalf("re-import:\n%s", out)
	}
	if n := d.count(t, `SELECT count(*) FROM contacts`); n != 3 {
		t.Fatalf("contacts after a re-import = %d", n)
	}
	if n := d.count(t, `SELECT count(*) FROM leads WHERE external_id IS NOT NULL`); n != 3 {
		t.Fatalf("leads with an external_id after a re-import = %d", n)
	}
	if got := firstTouches(); len(got) != 3 {
		t.Fatalf("first touch jobs after a re-import %v, want the first import's 3", got)
	}
}

func TestLeadsImportDryRun(t *testing.T) {
	t.Parallel()
	d := newLeadsDB(t)
	out, err := runLeadsCLI(t, d.cfg, "import", "--dry-run", "testdata/leads.csv", "--consent-text", testConsentText)
	wantExit(t, err, 1)
	if first, _, _ := strings.Cut(out, "\n"); first != "12 rows: 6 valid, 6 rejected; 4 would be texted, 2 have no consent (dry run: nothing was written)" {
		t.Fatalf("dry run:\n%s", out)
	}
	if !strings.Contains(out, "row 14: consent.captured_at: is in the future\n") {
		t.Fatalf("dry run rejections:\n%s", out)
	}
	for _, table := range []string{"contacts", "leads", "consents", "river_job"} {
		if n := d.count(t, `SELECT count(*) FROM `+table); n != 0 {
			t.Fatalf("a dry run wrote %d rows to %s", n, table)
		}
	}

	// A dry run needs no database at all.
	if _, err := runLeadsCLI(t, Config{}, "import", "--dry-run", "testdata/bom_crlf.csv", "--consent-text", testConsentText); err != nil {
		t.Fatalf("dry run without a database: %v", err)
	}
}

func TestLeadsImportBOMAndCRLF(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/bom_crlf.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("\uFEFF\"phone\"")) || !bytes.Contains(raw, []byte("\r\n\r\n")) {
		t.Fatal("testdata/bom_crlf.csv has lost its byte order mark or its CRLF line ends (a checkout that converts line ends?)")
	}
	d := newLeadsDB(t)
	out, err := runLeadsCLI(t, d.cfg, "import", "testdata/bom_crlf.csv", "--consent-text", testConsentText, "--json")
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	var rep importReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	want := importReport{File: "testdata/bom_crlf.csv", Rows: 2, Valid: 2, Created: 2, Texted: 1, NoConsent: 1,
		Columns: map[string]string{"phone": "phone", "name": "name", "message": "message", "consent_sms": "sms_consent",
			"consent_captured_at": "consent_captured_at"},
		Ignored: []string{}, Rejections: []rejection{}}
	if !reflect.DeepEqual(rep, want) {
		t.Fatalf("report = %+v\nwant %+v", rep, want)
	}
	var messages []string
	rows, err := d.pool.Query(context.Background(), `SELECT message FROM leads ORDER BY created_at`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			t.Fatal(err)
		}
		messages = append(messages, m)
	}
	if want := []string{"Hi, I need a quote\nfor two units", `He said "soon"`}; !slices.Equal(messages, want) {
		t.Fatalf("messages = %q, want %q", messages, want)
	}
}

func TestLeadsImportUsage(t *testing.T) {
	t.Parallel()
	// None of these reach a database: Config{} has none, so getting as far
	// as opening one would be an error other than a usage error.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "usage: leadagent leads import"},
		{[]string{"export"}, `unknown leads command "export"`},
		{[]string{"import"}, "want one FILE.csv"},
		{[]string{"import", "a.csv", "b.csv"}, "want one FILE.csv"},
		{[]string{"import", "--bogus", "testdata/leads.csv"}, "flag provided but not defined"},
		{[]string{"import", "--map", "phone", "testdata/leads.csv"}, "want FIELD=HEADER"},
		{[]string{"import", "--map", "fax=Fax", "testdata/leads.csv"}, `no field "fax"`},
		{[]string{"import", "--map", "phone=A", "--map", "phone=B", "testdata/leads.csv"}, "phone is mapped twice"},
		{[]string{"import", "--map", "phone=Mobile", "testdata/leads.csv"}, "testdata/leads.csv: --map phone=Mobile: no such column (columns: Phone Number, First Name,"},
		// The phone column is missing: said before any row is read (this
		// file's first row is not even valid CSV).
		{[]string{"import", "testdata/no_phone.csv"}, "testdata/no_phone.csv: no phone column (columns: Name, Email, Notes); name it with --map phone=HEADER"},
		{[]string{"import", "--map", "phone=", "testdata/leads.csv"}, "no phone column"},
	} {
		_, err := runLeadsCLI(t, Config{}, tc.args...)
		wantUsageError(t, err, tc.want)
	}
	if _, err := runLeadsCLI(t, Config{}, "import", "testdata/missing.csv"); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("a missing file: %v", err)
	}
	empty := filepath.Join(t.TempDir(), "empty.csv")
	if err := os.WriteFile(empty, []byte("\uFEFF"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := runLeadsCLI(t, Config{}, "import", empty)
	wantUsageError(t, err, "the file is empty")
}

func TestLeadColumnsAliases(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		header    []string
		maps      map[string]string
		want      string // the report's columns line
		ignored   string
		wantUsage string
	}{
		{header: []string{"Mobile", "Full Name", "Email Address", "utm_source", "Question", "ID", "Owner", "SMS Consent", "consent_text",
			"Consent Captured At", "Consent IP"},
			want: "phone=Mobile, name=Full Name, email=Email Address, source=utm_source, message=Question, external_id=ID, owner_email=Owner, " +
				"consent_sms=SMS Consent, consent_text=consent_text, consent_captured_at=Consent Captured At, consent_ip=Consent IP"},
		{header: []string{" TEL ", "first_name", "LAST_NAME", "lead_source", "notes", "lead_id", "rep_email", "opt-in", "consented_at", "ip"},
			want: "phone=TEL, first_name=first_name, last_name=LAST_NAME, source=lead_source, message=notes, external_id=lead_id, " +
				"owner_email=rep_email, consent_sms=opt-in, consent_captured_at=consented_at, consent_ip=ip"},
		{header: []string{"phone_number", "name", "e-mail", "source", "comments", "external_id", "owner_email", "consent"},
			want: "phone=phone_number, name=name, email=e-mail, source=source, message=comments, external_id=external_id, " +
				"owner_email=owner_email, consent_sms=consent"},
		{header: []string{"cell", "Cell Phone", "Campaign", ""}, want: "phone=cell",
			ignored: "Cell Phone (phone is read from cell), Campaign, (column 4)"},
		// --map picks the column, in any case, and FIELD= reads a field
		// from none; a column an override names is no one else's.
		{header: []string{"Primary", "Secondary", "ID", "Phone"}, maps: map[string]string{"phone": "secondary", "external_id": "", "message": "phone"},
			want: "phone=Secondary, message=Phone", ignored: "Primary, ID"},
		{header: []string{"Phone #", "Mail"}, maps: map[string]string{"email": "mail"}, want: "phone=Phone #, email=Mail"},
		{header: []string{"Name", "Email"}, wantUsage: "no phone column (columns: Name, Email)"},
		{header: []string{"Phone"}, maps: map[string]string{"email": "E-mail"}, wantUsage: "--map email=E-mail: no such column (columns: Phone)"},
	} {
		c, err := mapLeadColumns(tc.header, tc.maps)
		if tc.wantUsage != "" {
			wantUsageError(t, err, tc.wantUsage)
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.header, err)
		}
		if got := c.summary(); got != tc.want {
			t.Errorf("%q %v:\n got %s\nwant %s", tc.header, tc.maps, got, tc.want)
		}
		if got := c.ignoredSummary(); got != tc.ignored {
			t.Errorf("%q %v: ignored %q, want %q", tc.header, tc.maps, got, tc.ignored)
		}
	}

	// No two fields claim one header.
	seen := map[string]string{}
	for _, f := range leadFields {
		for _, h := range f.headers {
			if other, ok := seen[headerKey(h)]; ok && other != f.name {
				t.Errorf("header %q is both %s and %s", h, other, f.name)
			}
			seen[headerKey(h)] = f.name
		}
	}
}

func TestLeadRowParsing(t *testing.T) {
	t.Parallel()
	denver, err := time.LoadLocation("America/Denver")
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"phone", "name", "first_name", "last_name", "source", "consent", "consent_text", "consent_captured_at", "consent_ip"}
	c, err := mapLeadColumns(header, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := rowDefaults{source: "import", consentText: "default words", zone: denver}
	for _, tc := range []struct {
		row  []string
		want crm.NewLead
		err  string
	}{
		{row: []string{" 9705550101 ", "  ", "Dana", "Reyes", "", "", "", "", ""},
			want: crm.NewLead{Phone: "9705550101", Name: "Dana Reyes", Source: "import"}},
		{row: []string{"9705550101", "Dana R.", "Dana", "Reyes", "web", "Yes", "", "2026-03-01 14:05", "203.0.113.7"},
			want: crm.NewLead{Phone: "9705550101", Name: "Dana R.", Source: "web", Consent: &crm.Consent{SMS: true, Text: "default words",
				CapturedAt: time.Date(2026, 3, 1, 14, 5, 0, 0, denver), IP: "203.0.113.7"}}},
		{row: []string{"9705550101", "", "", "", "", "n", "my words", "2026-03-01", ""},
			want: crm.NewLead{Phone: "9705550101", Source: "import", Consent: &crm.Consent{Text: "my words",
				CapturedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, denver)}}},
		{row: []string{"9705550101", "", "", "", "", "TRUE", "w", "2026-03-01T14:05:00Z", ""},
			want: crm.NewLead{Phone: "9705550101", Source: "import", Consent: &crm.Consent{SMS: true, Text: "w",
				CapturedAt: time.Date(2026, 3, 1, 14, 5, 0, 0, time.UTC)}}},
		{row: []string{"9705550101", "", "", "", "", "0", "", "2026-03-01 14:05:09", ""},
			want: crm.NewLead{Phone: "9705550101", Source: "import", Consent: &crm.Consent{Text: "default words",
				CapturedAt: time.Date(2026, 3, 1, 14, 5, 9, 0, denver)}}},
		{row: []string{"9705550101", "", "", "", "", "sure", "", "", ""}, err: `consent.sms: "sure" is not yes or no`},
		{row: []string{"9705550101", "", "", "", "", "yes", "", "03/01/2026", ""},
			err: `consent.captured_at: "03/01/2026" is not a time like 2026-03-01T14:05:00Z, 2026-03-01 14:05 or 2026-03-01`},
		{row: []string{"9705550101", "Jos\xe9", "", "", "", "", "", "", ""}, err: "name: is not UTF-8 text (save the file as CSV UTF-8)"},
		{row: []string{"9705550101", "", "", "", "a\x00b", "", "", "", ""}, err: "source: contains a NUL character"},
		{row: []string{"9705550101", "", "", "", "", "", "", "", "", "extra"}, err: ": has 10 columns; the header has 9"},
	} {
		got, err := c.lead(tc.row, d)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: error %v, want %s", tc.row, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q:\n got %+v %+v (%v)\nwant %+v %+v", tc.row, got, got.Consent, err, tc.want, tc.want.Consent)
		}
	}
}

// TestLeadsImportStops checks that a row failing for a reason other than
// its input stops the import, with what was done counted.
func TestLeadsImportStops(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/leads.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := newLeadRows(f, nil, rowDefaults{consentText: testConsentText})
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	lost := errors.New("connection reset")
	receive := func(ctx context.Context, in crm.NewLead) (inbox.NewLead, error) {
		in.ReceivedAt = time.Now()
		if err := in.Normalize("US"); err != nil { // as ReceiveLead
			return inbox.NewLead{}, err
		}
		if calls++; calls == 3 {
			return inbox.NewLead{}, lost
		}
		return inbox.NewLead{NewContact: true, FirstTouch: inbox.FirstTouchQueued}, nil
	}
	var rep importReport
	if err := importLeads(context.Background(), rows, "US", receive, &rep); !errors.Is(err, lost) {
		t.Fatalf("import = %v, want the database's error", err)
	}
	// Rows 2 and 3 recorded, 4 and 5 rejected, 6 failed.
	if rows.row != 6 || rep.Rows != 4 || rep.Created != 2 || rep.Rejected != 2 {
		t.Fatalf("stopped at row %d with %+v", rows.row, rep)
	}
}

// TestLeadsImportLargeFile reads 10,000 rows from a stream that is never
// whole in memory.
func TestLeadsImportLargeFile(t *testing.T) {
	t.Parallel()
	const n = 10000
	pr, pw := io.Pipe()
	go func() {
		fmt.Fprintln(pw, "id,mobile,name,message")
		for i := range n {
			fmt.Fprintf(pw, "lead-%d,970555%04d,Lead %d,\"hello, row %d\"\n", i, i, i, i)
		}
		pw.Close()
	}()
	rows, err := newLeadRows(pr, nil, rowDefaults{})
	if err != nil {
		t.Fatal(err)
	}
	var rep importReport
	if err := importLeads(context.Background(), rows, "US", nil, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Rows != n || rep.Valid != n || rep.Rejected != 0 || rows.row != n+1 {
		t.Fatalf("report %+v at row %d", rep, rows.row)
	}
}

// FuzzLeadsCSV feeds arbitrary files and --map flags to the column mapping
// and row parsing: nothing panics, rows are numbered in order, and a row
// taken as a lead holds only text the database can store.
func FuzzLeadsCSV(f *testing.F) {
	for _, name := range []string{"leads.csv", "bom_crlf.csv", "no_phone.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "")
	}
	f.Add([]byte("Primary,Secondary\n9705550101,x\n"), "phone=secondary\nname=Primary")
	f.Add([]byte("phone,consent,consent_captured_at\n555,yes,2026-01-01\n,,\n\"a\"\"b\",1,x"), "consent_text=")
	f.Add([]byte("\uFEFFphone\r\n\"\r\n\"\r\n"), "")
	f.Add([]byte("\xff\xfep\x00h\x00"), "")
	f.Fuzz(func(t *testing.T, data []byte, maps string) {
		var flags []string
		if maps != "" {
			flags = strings.Split(maps, "\n")
		}
		overrides, err := parseColumnMaps(flags)
		if err != nil {
			return
		}
		rows, err := newLeadRows(bytes.NewReader(data), overrides, rowDefaults{source: "fuzz", consentText: "ok"})
		if err != nil {
			return
		}
		_ = rows.cols.summary() + rows.cols.ignoredSummary()
		last := rows.row
		for {
			in, err := rows.next()
			var inv *crm.InvalidError
			if err != nil && !errors.As(err, &inv) {
				return // the end, or a file that is not CSV
			}
			if rows.row <= last {
				t.Fatalf("row %d after row %d", rows.row, last)
			}
			last = rows.row
			if err != nil {
				continue
			}
			texts := []string{in.Phone, in.Name, in.Email, in.Source, in.Message, in.ExternalID, in.OwnerEmail}
			if in.Consent != nil {
				texts = append(texts, in.Consent.Text, in.Consent.IP)
			}
			for _, s := range texts {
				if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
					t.Fatalf("row %d: %q would not store", rows.row, s)
				}
			}
			in.ReceivedAt = time.Now()
			if err := in.Normalize("US"); err == nil && !strings.HasPrefix(in.Phone, "+") {
				t.Fatalf("row %d: normalized phone %q", rows.row, in.Phone)
			}
		}
	})
}

// TestLeadsImportRedacts: a row's free text is redacted as a form's is,
// before it is stored or put on the timeline.
func TestLeadsImportRedacts(t *testing.T) {
	t.Parallel()
	d := newLeadsDB(t)
	file := filepath.Join(t.TempDir(), "leads.csv")
	csv := "phone,name,source,comments\n" +
		"970-555-0131,Dana 4111 1111 1111 1111,ssn 123-45-6789,\"card 5500.0055.5555.5559, wifi pass Blue42horse\"\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runLeadsCLI(t, d.cfg, "import", file); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	var stored string
	if err := d.pool.QueryRow(context.Background(), `SELECT concat_ws(' | ', (SELECT string_agg(message || ' ' || source, ' ') FROM leads),
		(SELECT string_agg(name, ' ') FROM contacts), (SELECT string_agg(detail::text, ' ') FROM timeline_events))`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	// The card's digits are looked for whole: a random id may hold "4111".
	for _, secret := range []string{"4111 1111", "5500.0055", "123-45-6789", "Blue42horse"} {
		if strings.Contains(stored, secret) {
			t.Errorf("%q is stored: %s", secret, stored)
		}
	}
	if !strings.Contains(stored, "card [REDACTED card ending 5559], wifi pass [REDACTED]") {
		t.Errorf("stored: %s", stored)
	}
}

// TestLeadsImportConsentVersion is an import whose file names the version
// of the consent words and the page they were shown on: both are kept
// with the consent, and a page that is not an http(s) URL rejects the row.
func TestLeadsImportConsentVersion(t *testing.T) {
	t.Parallel()
	d := newLeadsDB(t)
	file := filepath.Join(t.TempDir(), "leads.csv")
	csv := "phone,name,sms_consent,consent_text,consent_captured_at,consent_version,consent_page_url\n" +
		"970-555-0301,Dana Reyes,yes,I agree to texts,2026-11-30T22:04:05Z,2026-11-form-v3,https://summit.example/quote\n" +
		"970-555-0302,Sam Lee,yes,I agree to texts,2026-11-30T22:04:05Z,v2,summit.example/quote\n"
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runLeadsCLI(t, d.cfg, "import", file)
	wantExit(t, err, 1)
	if !strings.Contains(out, "consent_version=consent_version, consent_page_url=consent_page_url") ||
		!strings.Contains(out, `row 3: consent.page_url: "summit.example/quote" is not an http(s) URL`) {
		t.Fatalf("report:\n%s", out)
	}
	var version, page string
	if err := d.pool.QueryRow(context.Background(), `SELECT c.version, c.page_url FROM consents c JOIN contacts ct ON ct.id = c.contact_id
		WHERE ct.phone = '+19705550301'`).Scan(&version, &page); err != nil || version != "2026-11-form-v3" || page != "https://summit.example/quote" {
		t.Fatalf("consent version %q, page %q (%v)", version, page, err)
	}
	if n := d.count(t, `SELECT count(*) FROM consents`); n != 1 {
		t.Fatalf("consents = %d, want the valid row's only", n)
	}
}

// TestLeadsImportEmailConsent: a row with consent_email and no SMS consent
// is emailed (a first_touch_email job), also without a phone; a row with
// both is texted; a bad yes/no names consent.email.
func TestLeadsImportEmailConsent(t *testing.T) {
	t.Parallel()
	d := newLeadsDB(t)
	file := filepath.Join(t.TempDir(), "leads.csv")
	csv := "phone,name,email,sms_consent,email_consent,consent_text,consent_captured_at\n" +
		"970-555-0401,Dana Reyes,dana@example.com,no,yes,I agree,2026-11-30T22:04:05Z\n" +
		",Sam Lee,sam@example.com,,yes,I agree,2026-11-30T22:04:05Z\n" +
		"970-555-0403,Lee Park,lee@example.com,yes,yes,I agree,2026-11-30T22:04:05Z\n" +
		"970-555-0404,Kim Ray,kim@example.com,,maybe,I agree,2026-11-30T22:04:05Z\n"
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	// Email set up (nothing is sent: the command only queues).
	d.cfg.PublicURL = "https://leads.example.com"
	d.cfg.Email = emailConfig{SMTPURL: secret("smtp://127.0.0.1:2525"), From: "Summit Home Services <leads@summit.example>",
		PostalAddress: "3320 Timberline Court, Fort Collins, CO 80525"}
	dry, err := runLeadsCLI(t, d.cfg, "import", file, "--dry-run")
	wantExit(t, err, 1)
	if first, _, _ := strings.Cut(dry, "\n"); first != "4 rows: 3 valid, 1 rejected; 1 would be texted, 2 emailed, 0 have no consent (dry run: nothing was written)" {
		t.Fatalf("dry run: %q", first)
	}
	out, err := runLeadsCLI(t, d.cfg, "import", file)
	wantExit(t, err, 1)
	first, _, _ := strings.Cut(out, "\n")
	if first != "4 rows: 3 created, 0 merged, 0 repeated, 1 rejected; 1 will be texted, 2 emailed, 0 have no consent" ||
		!strings.Contains(out, `row 5: consent.email: "maybe" is not yes or no`) {
		t.Fatalf("report:\n%s", out)
	}
	if n := d.count(t, `SELECT count(*) FROM river_job WHERE kind = 'first_touch_email'`); n != 2 {
		t.Fatalf("%d first emails queued, want Dana's and Sam's", n)
	}
	if n := d.count(t, `SELECT count(*) FROM river_job WHERE kind = 'first_touch'`); n != 1 {
		t.Fatalf("%d first texts queued, want Lee's", n)
	}
}
