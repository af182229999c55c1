package leadforms

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/leadagent/leadagent/crm"
)

// GoogleLead is the body of a Google Ads lead form webhook.
type GoogleLead struct {
	LeadID     string         `json:"lead_id"`
	APIVersion string         `json:"api_version"`
	FormID     string         `json:"-"`
	CampaignID string         `json:"-"`
	GoogleKey  string         `json:"google_key"`
	IsTest     bool           `json:"is_test"`
	GclID      string         `json:"gcl_id"`
	Columns    []GoogleColumn `json:"user_column_data"`
}

// GoogleColumn is one answer on a Google Ads lead form: a standard column
// (FULL_NAME, PHONE_NUMBER, …) or a custom question, whose column_name
// is the question.
type GoogleColumn struct {
	ID    string `json:"column_id"`
	Name  string `json:"column_name"`
	Value string `json:"string_value"`
}

// ParseGoogleLead reads a Google Ads lead form webhook's body. A body
// that is not its JSON is ErrMalformed; one without a lead_id is a
// *crm.InvalidError.
func ParseGoogleLead(body []byte) (GoogleLead, error) {
	var raw struct {
		GoogleLead
		FormID     id `json:"form_id"`
		CampaignID id `json:"campaign_id"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&raw); err != nil {
		return GoogleLead{}, fmt.Errorf("google ads lead: %w: %w", ErrMalformed, err)
	}
	if dec.More() {
		return GoogleLead{}, fmt.Errorf("google ads lead: %w: more than one JSON value", ErrMalformed)
	}
	l := raw.GoogleLead
	l.FormID, l.CampaignID = string(raw.FormID), string(raw.CampaignID)
	l.LeadID = strings.TrimSpace(l.LeadID)
	if l.LeadID == "" {
		return l, &crm.InvalidError{Field: "lead_id", Reason: "is required"}
	}
	if !reID.MatchString(l.LeadID) {
		return l, &crm.InvalidError{Field: "lead_id", Reason: "is not a Google Ads lead id"}
	}
	return l, nil
}

// GoogleForm is how one Google Ads lead form is set up here: the key its
// webhook sends, and the column (its column_id or its question) whose yes
// is the lead's consent to texts, "" for none.
type GoogleForm struct {
	Key           string
	ConsentColumn string
}

// GoogleForms are the lead forms whose webhooks are accepted, by form id;
// "*" stands for every form not named. Its String never shows a key.
type GoogleForms struct {
	forms map[string]GoogleForm
}

// reFormID is a Google Ads form id: a number.
var reFormID = regexp.MustCompile(`^[0-9]{1,20}$`)

// ParseGoogleForms reads GOOGLE_ADS_LEAD_KEYS: comma-separated
// form_id=key pairs, each optionally key:consent_column, with "*" as the
// form id of a key every form sends. An error names the pair by its
// place and form id, never its key.
func ParseGoogleForms(s string) (GoogleForms, error) {
	f := GoogleForms{forms: map[string]GoogleForm{}}
	n := 0
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		n++
		form, rest, ok := strings.Cut(pair, "=")
		form = strings.TrimSpace(form)
		if !ok {
			return GoogleForms{}, fmt.Errorf("entry %d: want form_id=key (or *=key for every form)", n)
		}
		if form != "*" && !reFormID.MatchString(form) {
			return GoogleForms{}, fmt.Errorf("entry %d: form id %q is not a number (or *)", n, form)
		}
		key, column, _ := strings.Cut(rest, ":")
		key, column = strings.TrimSpace(key), strings.TrimSpace(column)
		if key == "" {
			return GoogleForms{}, fmt.Errorf("entry %d (form %s): the key is empty", n, form)
		}
		if _, dup := f.forms[form]; dup {
			return GoogleForms{}, fmt.Errorf("entry %d: form %s is named twice", n, form)
		}
		f.forms[form] = GoogleForm{Key: key, ConsentColumn: column}
	}
	return f, nil
}

// Configured reports whether any form is set up.
func (f GoogleForms) Configured() bool { return len(f.forms) > 0 }

// String lists the forms without their keys.
func (f GoogleForms) String() string {
	ids := make([]string, 0, len(f.forms))
	for id := range f.forms {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return fmt.Sprintf("google ads forms %v (keys redacted)", ids)
}

// GoString keeps %#v from printing the keys either.
func (f GoogleForms) GoString() string { return f.String() }

// Check finds the lead's form and compares the key the lead came with
// to the form's, in constant time: ErrUnauthorized when the form is not
// set up or the key is wrong.
func (f GoogleForms) Check(l GoogleLead) (GoogleForm, error) {
	form, ok := f.forms[l.FormID]
	if !ok {
		form, ok = f.forms["*"]
	}
	if !ok || l.GoogleKey == "" || subtle.ConstantTimeCompare([]byte(form.Key), []byte(l.GoogleKey)) != 1 {
		return GoogleForm{}, fmt.Errorf("google ads lead %s of form %s: %w: the google_key does not match the form's key",
			l.LeadID, l.FormID, ErrUnauthorized)
	}
	return form, nil
}

// ExternalID is the lead's id as crm keeps it: the same lead delivered
// twice is recorded once.
func (l GoogleLead) ExternalID() string { return "google_ads:" + l.LeadID }

// NewLead maps the lead to ours, received at now (the time of its
// consent; the inbox stamps its arrival): name, phone and email
// from their columns (the work ones when the personal ones are missing),
// every other answer a line of the message, and consent to texts when
// the form names its consent column and the lead answered yes there (no
// is recorded as no; a form that names none gives no consent).
func (l GoogleLead) NewLead(form GoogleForm, now time.Time) crm.NewLead {
	in := crm.NewLead{Source: SourceGoogleAds, ExternalID: l.ExternalID(), Test: l.IsTest}
	var first, last, workPhone, workEmail string
	var more answers
	for _, c := range l.Columns {
		v := strings.TrimSpace(c.Value)
		if form.ConsentColumn != "" && (strings.EqualFold(c.ID, form.ConsentColumn) || strings.EqualFold(oneLine(c.Name), oneLine(form.ConsentColumn))) {
			text := oneLine(c.Name)
			if text == "" {
				text = "Google Ads lead form question " + c.ID
			}
			in.Consent = &crm.Consent{SMS: yes(v), Text: text, CapturedAt: now, Source: SourceGoogleAds}
			continue
		}
		switch strings.ToUpper(strings.TrimSpace(c.ID)) {
		case "FULL_NAME":
			in.Name = v
		case "FIRST_NAME":
			first = v
		case "LAST_NAME":
			last = v
		case "PHONE_NUMBER":
			in.Phone = v
		case "WORK_PHONE":
			workPhone = v
		case "EMAIL":
			in.Email = v
		case "WORK_EMAIL":
			workEmail = v
		default:
			q := c.Name
			if strings.TrimSpace(q) == "" {
				q = humanize(c.ID)
			}
			more.add(q, v)
		}
	}
	more.fill(&in, first, last, workPhone, workEmail)
	return in
}
