package leadforms

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/leadagent/leadagent/crm"
)

// Sources of the leads the platforms send, as crm stores them.
const (
	SourceGoogleAds       = "google_ads"
	SourceFacebookLeadAds = "facebook_lead_ads"
)

// ErrMalformed is a payload that is not the JSON the platform documents.
var ErrMalformed = errors.New("malformed payload")

// ErrUnauthorized is a delivery whose key or signature does not check out.
var ErrUnauthorized = errors.New("unauthorized")

// maxMessage bounds the message a lead's extra answers make, below what
// crm.NewLead takes.
const maxMessage = 2000

// id is a platform's id, which its JSON gives as a number or a string.
type id string

func (v *id) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*v = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = id(strings.TrimSpace(s))
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("an id must be a number or a string: %w", err)
		}
		*v = id(n.String())
	}
	return nil
}

// reID is what an id we put in a URL or an external id looks like.
var reID = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,150}$`)

// answers collects a lead's answers beyond name, phone and email into the
// lead's message, one "Question: answer" a line, in the form's order.
type answers struct {
	lines []string
}

func (a *answers) add(question, answer string) {
	question, answer = oneLine(question), oneLine(answer)
	if answer == "" {
		return
	}
	if question == "" {
		a.lines = append(a.lines, answer)
		return
	}
	a.lines = append(a.lines, question+": "+answer)
}

func (a *answers) message() string {
	m := strings.Join(a.lines, "\n")
	if utf8.RuneCountInString(m) <= maxMessage {
		return m
	}
	r := []rune(m)
	return string(r[:maxMessage-1]) + "…"
}

// fill completes a lead from what a form split or gave twice: the name
// from its first and last names, the phone and email from the work ones
// when the personal ones are missing (else the work ones become answers),
// and the message from every answer.
func (a *answers) fill(in *crm.NewLead, first, last, workPhone, workEmail string) {
	if in.Name == "" {
		in.Name = oneLine(first + " " + last)
	}
	if in.Phone == "" {
		in.Phone = workPhone
	} else if workPhone != "" {
		a.add("Work phone", workPhone)
	}
	if in.Email == "" {
		in.Email = workEmail
	} else if workEmail != "" {
		a.add("Work email", workEmail)
	}
	in.Message = a.message()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// humanize makes a field's key ("zip_code", "POSTAL_CODE") a label
// ("Zip code").
func humanize(key string) string {
	s := strings.ToLower(strings.NewReplacer("_", " ", "-", " ").Replace(key))
	s = oneLine(s)
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

// yes reports whether a form's answer means yes.
func yes(answer string) bool {
	switch strings.ToLower(strings.Trim(oneLine(answer), ".! ")) {
	case "yes", "y", "true", "1", "on", "checked", "agree", "i agree", "accept", "accepted", "i accept", "ok", "okay":
		return true
	}
	return false
}
