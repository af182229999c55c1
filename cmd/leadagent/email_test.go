package main

import (
	"fmt"
	"strings"
	"testing"
)

func TestLoadEmailConfig(t *testing.T) {
	t.Parallel()
	base := map[string]string{"EMAIL_FROM": "Summit Home Services <leads@summit.example>"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"none", map[string]string{}, ""},
		{"submission", with("SMTP_URL", "smtp://leads:pw-very-secret@smtp.example.com:587", "BUSINESS_POSTAL_ADDRESS", "100 Main St"), ""},
		{"implicit tls", with("SMTP_URL", "smtps://leads:pw-very-secret@smtp.example.com"), ""},
		{"receiver", with("SMTP_LISTEN_ADDR", "127.0.0.1:2525", "INBOUND_EMAIL_SECRET", "inbound-very-secret"), ""},
		{"bad scheme", with("SMTP_URL", "http://leads:pw-very-secret@smtp.example.com"), "SMTP_URL"},
		{"bad port", with("SMTP_URL", "smtp://leads:pw-very-secret@smtp.example.com:x"), "SMTP_URL"},
		{"no sender", map[string]string{"SMTP_URL": "smtp://smtp.example.com"}, "EMAIL_FROM"},
		{"bad sender", with("EMAIL_FROM", "leads at summit"), "EMAIL_FROM"},
		{"receiver without sender", map[string]string{"SMTP_LISTEN_ADDR": ":2525"}, "EMAIL_FROM"},
	}
	for _, tt := range tests {
		c, err := LoadConfig(envOf(tt.env))
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: err = %v, want one naming %s", tt.name, err, tt.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "very-secret") {
			t.Errorf("%s: the error shows a secret: %v", tt.name, err)
		}
		for _, format := range []string{"%v", "%+v", "%#v"} {
			if s := fmt.Sprintf(format, c); strings.Contains(s, "very-secret") {
				t.Errorf("%s: %s prints a secret", tt.name, format)
			}
		}
	}
	c, err := LoadConfig(envOf(with("SMTP_LISTEN_ADDR", ":2525")))
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Email.domain(); d != "summit.example" {
		t.Errorf("domain %q", d)
	}
}
