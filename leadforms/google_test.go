package leadforms_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/leadforms"
)

// googleSample is the body Google documents for its lead form webhook.
const googleSample = `{"lead_id":"TeSter-123-ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijklmnopqrstuvwxyz-0123456789-AaBbCcDdEe",
 "user_column_data":[{"column_name":"Full Name","string_value":"FirstName LastName","column_id":"FULL_NAME"},
  {"column_name":"User Phone","string_value":"+16505550123","column_id":"PHONE_NUMBER"},
  {"column_name":"User Email","string_value":"test@example.com","column_id":"EMAIL"},
  {"column_name":"Postal Code","string_value":"94043","column_id":"POSTAL_CODE"}],
 "api_version":"1.0","form_id":123456789,"campaign_id":12345,"google_key":"secret-key","is_test":true,
 "gcl_id":"gclid-1","adgroup_id":2000,"creative_id":3000}`

func TestParseGoogleLead(t *testing.T) {
	t.Parallel()
	l, err := leadforms.ParseGoogleLead([]byte(googleSample))
	if err != nil {
		t.Fatal(err)
	}
	if l.FormID != "123456789" || l.CampaignID != "12345" || !l.IsTest || l.GoogleKey != "secret-key" || len(l.Columns) != 4 ||
		l.ExternalID() != "google_ads:"+l.LeadID {
		t.Fatalf("parsed %+v", l)
	}
	tests := []struct {
		name, body string
		malformed  bool
		field      string
	}{
		{"not JSON", `{"lead_id":`, true, ""},
		{"two values", `{"lead_id":"a"} {}`, true, ""},
		{"a column that is not one", `{"lead_id":"a","user_column_data":[1]}`, true, ""},
		{"a form id that is neither", `{"lead_id":"a","form_id":{}}`, true, ""},
		{"no lead id", `{"form_id":1}`, false, "lead_id"},
		{"a lead id that is not one", `{"lead_id":"../x y"}`, false, "lead_id"},
		{"a form id as a string", `{"lead_id":"a","form_id":"42"}`, false, ""},
	}
	for _, tt := range tests {
		_, err := leadforms.ParseGoogleLead([]byte(tt.body))
		var invalid *crm.InvalidError
		switch {
		case tt.malformed && !errors.Is(err, leadforms.ErrMalformed):
			t.Errorf("%s: err = %v, want malformed", tt.name, err)
		case tt.field != "" && (!errors.As(err, &invalid) || invalid.Field != tt.field):
			t.Errorf("%s: err = %v, want one naming %s", tt.name, err, tt.field)
		case !tt.malformed && tt.field == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestParseGoogleForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		wantErr  string
	}{
		{"empty: none", "", ""},
		{"one form", "123=k1", ""},
		{"several, one with a consent column", " 123=k1 , 456=k2:SMS_OK,", ""},
		{"every form", "*=k", ""},
		{"no key", "123=", "entry 1 (form 123): the key is empty"},
		{"no form", "k1", "entry 1: want form_id=key"},
		{"a form that is not a number", "abc=k1", `form id "abc"`},
		{"twice", "1=a,1=b", "form 1 is named twice"},
	}
	for _, tt := range tests {
		f, err := leadforms.ParseGoogleForms(tt.in)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.wantErr)
		case tt.wantErr == "" && f.Configured() != (tt.in != ""):
			t.Errorf("%s: configured = %v", tt.name, f.Configured())
		}
	}
	f, _ := leadforms.ParseGoogleForms("123=very-secret-key:col,*=other-secret")
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(format, f); strings.Contains(s, "secret") {
			t.Errorf("%s prints a key: %s", format, s)
		}
	}
	if _, err := leadforms.ParseGoogleForms("1=a:b,1=very-secret"); err == nil || strings.Contains(err.Error(), "very-secret") {
		t.Errorf("an error shows the key: %v", err)
	}
}

func TestGoogleFormsCheck(t *testing.T) {
	t.Parallel()
	forms, err := leadforms.ParseGoogleForms("123=k-123:SMS_OK,*=k-any")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, form, key string
		ok              bool
		consent         string
	}{
		{"its own key", "123", "k-123", true, "SMS_OK"},
		{"another form's key", "123", "k-any", false, ""},
		{"a form not named takes the key of every form", "999", "k-any", true, ""},
		{"a wrong key", "999", "k-123", false, ""},
		{"no key", "999", "", false, ""},
	}
	for _, tt := range tests {
		form, err := forms.Check(leadforms.GoogleLead{LeadID: "L", FormID: tt.form, GoogleKey: tt.key})
		switch {
		case tt.ok && (err != nil || form.ConsentColumn != tt.consent):
			t.Errorf("%s: %+v, %v", tt.name, form, err)
		case !tt.ok && !errors.Is(err, leadforms.ErrUnauthorized):
			t.Errorf("%s: err = %v, want unauthorized", tt.name, err)
		case err != nil && strings.Contains(err.Error(), "k-"):
			t.Errorf("%s: the error shows a key: %v", tt.name, err)
		}
	}
	only, _ := leadforms.ParseGoogleForms("123=k-123")
	if _, err := only.Check(leadforms.GoogleLead{FormID: "456", GoogleKey: "k-123"}); !errors.Is(err, leadforms.ErrUnauthorized) {
		t.Errorf("a form not set up: %v", err)
	}
}

func TestGoogleLeadMapping(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 22, 4, 5, 0, time.UTC)
	col := func(id, name, v string) leadforms.GoogleColumn {
		return leadforms.GoogleColumn{ID: id, Name: name, Value: v}
	}
	tests := []struct {
		name    string
		form    leadforms.GoogleForm
		cols    []leadforms.GoogleColumn
		want    crm.NewLead
		consent *crm.Consent
	}{
		{"the documented sample", leadforms.GoogleForm{}, []leadforms.GoogleColumn{col("FULL_NAME", "Full Name", "FirstName LastName"),
			col("PHONE_NUMBER", "User Phone", "+16505550123"), col("EMAIL", "User Email", "test@example.com"), col("POSTAL_CODE", "Postal Code", "94043")},
			crm.NewLead{Name: "FirstName LastName", Phone: "+16505550123", Email: "test@example.com", Message: "Postal Code: 94043"}, nil},
		{"first and last names, work contacts", leadforms.GoogleForm{}, []leadforms.GoogleColumn{col("FIRST_NAME", "", "Dana"),
			col("LAST_NAME", "", "Reyes"), col("WORK_PHONE", "", "(970) 555-0101"), col("WORK_EMAIL", "", "dana@work.example"),
			col("JOB_TITLE", "", "Owner"), col("123_q", "What do you need fixed?", " the  furnace ")},
			crm.NewLead{Name: "Dana Reyes", Phone: "(970) 555-0101", Email: "dana@work.example",
				Message: "Job title: Owner\nWhat do you need fixed?: the furnace"}, nil},
		{"consent by column id", leadforms.GoogleForm{ConsentColumn: "sms_ok"}, []leadforms.GoogleColumn{col("PHONE_NUMBER", "", "+19705550102"),
			col("SMS_OK", "May we text you about your quote?", "Yes")},
			crm.NewLead{Phone: "+19705550102"},
			&crm.Consent{SMS: true, Text: "May we text you about your quote?", CapturedAt: now, Source: "google_ads"}},
		{"consent by question, answered no", leadforms.GoogleForm{ConsentColumn: "May we text you?"}, []leadforms.GoogleColumn{
			col("PHONE_NUMBER", "", "+19705550103"), col("q9", "May  we text you?", "No")},
			crm.NewLead{Phone: "+19705550103"},
			&crm.Consent{SMS: false, Text: "May we text you?", CapturedAt: now, Source: "google_ads"}},
		{"a yes to a column the form does not name is no consent", leadforms.GoogleForm{}, []leadforms.GoogleColumn{
			col("PHONE_NUMBER", "", "+19705550104"), col("q9", "May we text you?", "Yes")},
			crm.NewLead{Phone: "+19705550104", Message: "May we text you?: Yes"}, nil},
	}
	for _, tt := range tests {
		l := leadforms.GoogleLead{LeadID: "L1", Columns: tt.cols, IsTest: true}
		got := l.NewLead(tt.form, now)
		tt.want.Source, tt.want.ExternalID, tt.want.Test = "google_ads", "google_ads:L1", true
		gotConsent := got.Consent
		got.Consent = nil
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
		if (gotConsent == nil) != (tt.consent == nil) || (gotConsent != nil && *gotConsent != *tt.consent) {
			t.Errorf("%s: consent %+v, want %+v", tt.name, gotConsent, tt.consent)
		}
	}
}

// FuzzParseGoogleLead: whatever Google (or anyone) posts, parsing neither
// panics nor maps a lead whose external id crm would refuse.
func FuzzParseGoogleLead(f *testing.F) {
	f.Add([]byte(googleSample))
	f.Add([]byte(`{"lead_id":"a","form_id":"1","user_column_data":[{"column_id":"FIRST_NAME","string_value":"\u0000"}]}`))
	f.Add([]byte(`{"lead_id":1}`))
	f.Add([]byte(`[]`))
	forms, _ := leadforms.ParseGoogleForms("*=k:SMS")
	f.Fuzz(func(t *testing.T, body []byte) {
		l, err := leadforms.ParseGoogleLead(body)
		if err != nil {
			return
		}
		form, _ := forms.Check(l)
		in := l.NewLead(form, time.Now())
		if in.Source != leadforms.SourceGoogleAds || len([]rune(in.Message)) > 2000 || len(in.ExternalID) > 200 {
			t.Fatalf("mapped %+v", in)
		}
		_ = in.Normalize("US")
	})
}

// FuzzParseGoogleForms: a setting never panics, and an error never
// shows a key: it reads the same with every key replaced.
func FuzzParseGoogleForms(f *testing.F) {
	f.Add("123=k1,456=k2:SMS_OK")
	f.Add("*=k")
	f.Add("=,:=")
	f.Fuzz(func(t *testing.T, s string) {
		_, err := leadforms.ParseGoogleForms(s)
		if err == nil {
			return
		}
		pairs := strings.Split(s, ",")
		for i, pair := range pairs {
			form, rest, ok := strings.Cut(pair, "=")
			key, column, hasColumn := strings.Cut(rest, ":")
			if !ok || strings.TrimSpace(key) == "" {
				continue
			}
			key = "redacted"
			if hasColumn {
				key += ":" + column
			}
			pairs[i] = form + "=" + key
		}
		_, err2 := leadforms.ParseGoogleForms(strings.Join(pairs, ","))
		if err2 == nil || err.Error() != err2.Error() {
			t.Fatalf("error %q depends on the keys (%v)", err, err2)
		}
	})
}
