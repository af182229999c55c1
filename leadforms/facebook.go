package leadforms

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/leadagent/leadagent/crm"
)

// Leadgen is one new lead a Facebook Lead Ads webhook announces; the lead
// itself is fetched from the Graph API by its LeadgenID.
type Leadgen struct {
	LeadgenID   string
	FormID      string
	PageID      string
	AdID        string
	CreatedTime int64
}

// ExternalID is the lead's id as crm keeps it: the same lead delivered
// twice is recorded once.
func (l Leadgen) ExternalID() string { return FacebookExternalID(l.LeadgenID) }

// FacebookExternalID is a Facebook lead's external id in crm.
func FacebookExternalID(leadgenID string) string { return "facebook:" + leadgenID }

// ParseFacebookNotification reads a Facebook webhook's body and returns
// the leads it announces (changes of field "leadgen" of object "page");
// other objects and fields announce none. A body that is not the JSON
// Facebook documents is ErrMalformed; a leadgen change without a usable
// leadgen_id is a *crm.InvalidError.
func ParseFacebookNotification(body []byte) ([]Leadgen, error) {
	var n struct {
		Object string `json:"object"`
		Entry  []struct {
			ID      id `json:"id"`
			Changes []struct {
				Field string          `json:"field"`
				Value json.RawMessage `json:"value"`
			} `json:"changes"`
		} `json:"entry"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&n); err != nil {
		return nil, fmt.Errorf("facebook notification: %w: %w", ErrMalformed, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("facebook notification: %w: more than one JSON value", ErrMalformed)
	}
	if n.Object != "page" {
		return nil, nil
	}
	var out []Leadgen
	for _, e := range n.Entry {
		for _, c := range e.Changes {
			if c.Field != "leadgen" {
				continue
			}
			var v struct {
				LeadgenID   id    `json:"leadgen_id"`
				FormID      id    `json:"form_id"`
				PageID      id    `json:"page_id"`
				AdID        id    `json:"ad_id"`
				CreatedTime int64 `json:"created_time"`
			}
			if err := json.Unmarshal(c.Value, &v); err != nil {
				return nil, fmt.Errorf("facebook notification: leadgen change: %w: %w", ErrMalformed, err)
			}
			if !reID.MatchString(string(v.LeadgenID)) {
				return nil, &crm.InvalidError{Field: "entry.changes.value.leadgen_id", Reason: "is missing or not a Facebook id"}
			}
			lg := Leadgen{LeadgenID: string(v.LeadgenID), FormID: string(v.FormID), PageID: string(v.PageID), AdID: string(v.AdID),
				CreatedTime: v.CreatedTime}
			if lg.PageID == "" {
				lg.PageID = string(e.ID)
			}
			out = append(out, lg)
		}
	}
	return out, nil
}

// CheckSignature checks a Facebook webhook's X-Hub-Signature-256 header
// ("sha256=" and the hex HMAC-SHA256 of the raw body with the app
// secret), in constant time; ErrUnauthorized when it is missing or wrong.
func CheckSignature(body []byte, header, appSecret string) error {
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok || appSecret == "" {
		return fmt.Errorf("facebook webhook: %w: no X-Hub-Signature-256", ErrUnauthorized)
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return fmt.Errorf("facebook webhook: %w: X-Hub-Signature-256 is not hex", ErrUnauthorized)
	}
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return fmt.Errorf("facebook webhook: %w: X-Hub-Signature-256 does not match the body", ErrUnauthorized)
	}
	return nil
}

// VerifySubscription answers Facebook's verification request
// (hub.mode=subscribe, hub.verify_token, hub.challenge): the challenge
// when the token is ours, else ErrUnauthorized.
func VerifySubscription(mode, token, challenge, verifyToken string) (string, error) {
	if mode != "subscribe" || verifyToken == "" || subtle.ConstantTimeCompare([]byte(token), []byte(verifyToken)) != 1 {
		return "", fmt.Errorf("facebook webhook verification: %w: wrong hub.mode or hub.verify_token", ErrUnauthorized)
	}
	return challenge, nil
}

// FacebookLead is a lead as the Graph API returns it.
type FacebookLead struct {
	ID          string `json:"id"`
	CreatedTime string `json:"created_time"`
	FieldData   []struct {
		Name   string   `json:"name"`
		Values []string `json:"values"`
	} `json:"field_data"`
	Disclaimers []struct {
		CheckboxKey string `json:"checkbox_key"`
		IsChecked   any    `json:"is_checked"`
	} `json:"custom_disclaimer_responses"`
}

// ParseFacebookLead reads the Graph API's answer for one lead.
func ParseFacebookLead(body []byte) (FacebookLead, error) {
	var l FacebookLead
	if err := json.Unmarshal(body, &l); err != nil {
		return l, fmt.Errorf("facebook lead: %w: %w", ErrMalformed, err)
	}
	return l, nil
}

// graphTime is how the Graph API writes times.
const graphTime = "2006-01-02T15:04:05-0700"

// NewLead maps the lead to ours: name, phone and email from Facebook's
// standard fields, every other answer a line of the message, and consent
// to texts when consentCheckbox names the form's custom disclaimer
// checkbox for it and the lead checked it (unchecked is recorded as no;
// "" gives no consent). now is when it reached us: the consent's time
// when the lead's own is missing or ahead of it.
func (l FacebookLead) NewLead(consentCheckbox string, now time.Time) crm.NewLead {
	in := crm.NewLead{Source: SourceFacebookLeadAds, ExternalID: FacebookExternalID(l.ID)}
	var first, last, workPhone, workEmail string
	var more answers
	for _, f := range l.FieldData {
		v := strings.TrimSpace(strings.Join(f.Values, ", "))
		switch strings.ToLower(strings.TrimSpace(f.Name)) {
		case "full_name":
			in.Name = v
		case "first_name":
			first = v
		case "last_name":
			last = v
		case "phone_number", "phone":
			in.Phone = v
		case "work_phone_number":
			workPhone = v
		case "email":
			in.Email = v
		case "work_email":
			workEmail = v
		default:
			more.add(humanize(f.Name), v)
		}
	}
	more.fill(&in, first, last, workPhone, workEmail)
	if consentCheckbox == "" {
		return in
	}
	for _, d := range l.Disclaimers {
		if d.CheckboxKey != consentCheckbox {
			continue
		}
		in.Consent = &crm.Consent{SMS: checked(d.IsChecked), Text: fmt.Sprintf("Facebook lead form checkbox %q", d.CheckboxKey),
			Source: SourceFacebookLeadAds, CapturedAt: now}
		if t, err := time.Parse(graphTime, l.CreatedTime); err == nil && t.Before(now) {
			in.Consent.CapturedAt = t
		}
	}
	return in
}

// checked reads a disclaimer's is_checked, which the Graph API gives as
// "1", "0", true or false.
func checked(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return yes(v)
	case float64:
		return v == 1
	}
	return false
}
