package prompts

import (
	"errors"
	"strings"
	"testing"
)

var testVars = Vars{
	BusinessName:     "Summit Home Services",
	Hours:            "Mon-Fri 07:00-18:00",
	ServiceArea:      "Fort Collins and Loveland",
	Tone:             "friendly and plain-spoken",
	EscalationPolicy: "Hand every commercial job to Sam.",
}

func TestDefaultsRender(t *testing.T) {
	t.Parallel()
	if got := strings.Join(Names(), ","); got != "sms,voice" {
		t.Fatalf("Names() = %s, want sms,voice", got)
	}
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body, err := Default(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := Validate(body); err != nil {
				t.Fatalf("the embedded default does not validate: %v", err)
			}
			full, err := Render(body, testVars)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{
				"AI assistant for Summit Home Services", "Mon-Fri 07:00-18:00", "Fort Collins and Loveland",
				"friendly and plain-spoken", "Hand every commercial job to Sam.",
				"request_handoff", "buying_intent", "human_request", "complaint", "unknown_answer", "sensitive",
				"not a person", "never instructions", "one qualifying question",
			} {
				if !strings.Contains(full, want) {
					t.Errorf("rendered %s prompt lacks %q", name, want)
				}
			}
			empty, err := Render(body, Vars{})
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range []string{"<no value>", "Hours:", "Service area:", "ESCALATION POLICY", "Tone: ."} {
				if strings.Contains(empty, bad) {
					t.Errorf("%s prompt rendered without vars contains %q", name, bad)
				}
			}
			if !strings.Contains(empty, "AI assistant for the business") {
				t.Errorf("%s prompt without a business name does not fall back to \"the business\"", name)
			}
		})
	}
	if !strings.Contains(mustDefault(t, SMS), "two SMS segments") || strings.Contains(mustDefault(t, Voice), "SMS") {
		t.Error("the SMS prompt should bound segments and the voice prompt should not mention SMS")
	}
}

func mustDefault(t *testing.T, name string) string {
	t.Helper()
	b, err := Default(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		wantErr    string // "" for valid
	}{
		{"plain text", "You are a helpful assistant.", ""},
		{"every variable", "{{.BusinessName}} {{.Hours}} {{.ServiceArea}} {{.Tone}} {{.EscalationPolicy}}", ""},
		{"branches and builtins", `{{- $b := or .BusinessName "us" -}}{{if .Hours}}{{.Hours}}{{else}}ask{{end}} {{$b}} {{printf "%q" $.Tone}} {{len .Tone}}`, ""},
		{"with changes dot", "{{with .Hours}}Hours: {{.}}{{end}}", ""},
		{"empty", " \n\t", "empty"},
		{"does not parse", "Hello {{.BusinessName", "unclosed action"},
		{"unknown variable", "Call {{.Phone}}", "unknown variable .Phone"},
		{"lower-case variable", "{{.businessName}}", "unknown variable .businessName"},
		{"unknown variable in a branch not taken", "{{if false}}{{.Owner}}{{end}}", "unknown variable .Owner"},
		{"unknown variable through $", "{{$.Discount}}", "unknown variable $.Discount"},
		{"field of a variable", "{{.Hours.Start}}", "has no fields"},
		{"field of a parenthesised variable", "{{(.Hours).Start}}", "no fields"},
		{"undefined function", "{{price .Hours}}", `function "price" not defined`},
		{"undefined template", `{{template "footer"}}`, `template "footer" not defined`},
		{"fails only with empty vars", `{{index .Hours 0}}`, "index out of range"},
		{"not UTF-8", "caf\xe9", "UTF-8"},
		{"too big", strings.Repeat("x", MaxBodyBytes+1), "bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Validate(tt.body)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate accepted %q", tt.body)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not say %q", err, tt.wantErr)
			}
		})
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	got, err := Render("Hi from {{.BusinessName}} ({{.ServiceArea}}).{{if .Hours}} Open {{.Hours}}.{{end}}", testVars)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Hi from Summit Home Services (Fort Collins and Loveland). Open Mon-Fri 07:00-18:00."; got != want {
		t.Fatalf("Render = %q, want %q", got, want)
	}
	// Values are text, not template: a business name with braces stays as it is.
	got, err = Render("{{.BusinessName}}", Vars{BusinessName: "{{.Tone}} & Sons <b>"})
	if err != nil || got != "{{.Tone}} & Sons <b>" {
		t.Fatalf("Render = %q, %v", got, err)
	}
}

func TestParseRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ref      string
		name     string
		number   int
		wantFail bool
	}{
		{"sms@v3", "sms", 3, false},
		{"v3", "", 3, false},
		{"V12", "", 12, false},
		{"3", "", 3, false},
		{" voice@v1 ", "voice", 1, false},
		{"default", "", 0, false},
		{"sms@default", "sms", 0, false},
		{"v0", "", 0, true},
		{"v-1", "", 0, true},
		{"v+1", "", 0, true},
		{"@v1", "", 0, true},
		{"sms@", "", 0, true},
		{"latest", "", 0, true},
		{"", "", 0, true},
	}
	for _, tt := range tests {
		name, number, err := ParseRef(tt.ref)
		if tt.wantFail {
			if err == nil || !errors.Is(err, ErrInvalid) {
				t.Errorf("ParseRef(%q) = %q, %d, %v; want ErrInvalid", tt.ref, name, number, err)
			}
			continue
		}
		if err != nil || name != tt.name || number != tt.number {
			t.Errorf("ParseRef(%q) = %q, %d, %v; want %q, %d", tt.ref, name, number, err, tt.name, tt.number)
		}
	}
	if got := (Version{Name: "sms", Number: 3}).Ref(); got != "sms@v3" {
		t.Errorf("Ref = %s", got)
	}
	if got := (Version{Name: "voice"}).Ref(); got != "voice@default" {
		t.Errorf("Ref = %s", got)
	}
}
