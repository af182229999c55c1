package agent

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
	}{
		// Cards: Luhn-checked, spaced, dashed or run together.
		{"my card is 4111 1111 1111 1111 exp 04/29", "my card is [REDACTED card ending 1111] exp 04/29"},
		{"4111-1111-1111-1111", "[REDACTED card ending 1111]"},
		{"card:5500005555555559, cvv 123", "card:[REDACTED card ending 5559], cvv 123"},
		{"amex 3782 822463 10005 please", "amex [REDACTED card ending 0005] please"},
		{"visa 4222222222222 ok", "visa [REDACTED card ending 2222] ok"},
		{"4111 1111 1111 1112 fails Luhn", "4111 1111 1111 1112 fails Luhn"},
		{"call (970) 555-0100 or +1 970 555 0101", "call (970) 555-0100 or +1 970 555 0101"},
		{"order 20261002 for $1,500.00", "order 20261002 for $1,500.00"},
		// Keys and tokens.
		{"key sk-proj-abcDEF1234567890abcdefXYZ done", "key [REDACTED key] done"},
		{"OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwxyz123456", "OPENAI_API_KEY=[REDACTED key]"},
		{"sid AC0123456789abcdef0123456789abcdef", "sid [REDACTED key]"},
		{"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "Authorization: Bearer [REDACTED key]"},
		{"Authorization: Bearer abcdef0123456789abcdef", "Authorization: Bearer [REDACTED]"},
		{"aws AKIAIOSFODNN7EXAMPLE and aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws [REDACTED key] and aws_secret_access_key = [REDACTED]"},
		{"token ghp_0123456789abcdefghijABCDEFGHIJ012345", "token [REDACTED key]"},
		{"stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe [REDACTED key]"},
		{"slack xoxb-1234567890-abcdefghij", "slack [REDACTED key]"},
		{"-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "[REDACTED private key]"},
		// Labelled secrets.
		{"password: hunter2", "password: [REDACTED]"},
		{"my Password is correct-horse-battery", "my Password is [REDACTED]"},
		{`api_key="abc def 123"`, `api_key=[REDACTED]`},
		{"the gate pin is 4455, thanks", "the gate pin is [REDACTED], thanks"},
		{"my api key is sk-abcdefghijklmnopqrstuvwxyz", "my api key is [REDACTED key]"},
		{"I forgot my password again", "I forgot my password again"},
		// SSNs.
		{"ssn 123-45-6789", "ssn [REDACTED ssn]"},
		{"social security number: 123456789", "social security number: [REDACTED ssn]"},
		{"my SSN is 078 05 1120", "my SSN is [REDACTED ssn]"},
		{"not an ssn: 000-12-3456 or 666-12-3456", "not an ssn: 000-12-3456 or 666-12-3456"},
		// Ordinary lead messages are untouched.
		{"hi, my furnace is 15 years old and the AC is making noise", "hi, my furnace is 15 years old and the AC is making noise"},
		{"", ""},
	} {
		got, changed := Redact(tc.in)
		if got != tc.want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
		if changed != (tc.in != tc.want) {
			t.Errorf("Redact(%q) changed = %v", tc.in, changed)
		}
	}
}

func TestLuhn(t *testing.T) {
	t.Parallel()
	for _, valid := range []string{"4111111111111111", "5500005555555559", "378282246310005", "6011111111111117", "4222222222222"} {
		if !luhn(valid) {
			t.Errorf("%s fails the Luhn check", valid)
		}
	}
	if luhn("4111111111111112") {
		t.Error("4111111111111112 passes the Luhn check")
	}
}

// luhnComplete appends the check digit that makes digits pass the Luhn
// check.
func luhnComplete(digits string) string {
	for d := '0'; d <= '9'; d++ {
		if luhn(digits + string(d)) {
			return digits + string(d)
		}
	}
	panic("unreachable")
}

func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		"my card is 4111 1111 1111 1111",
		"password: hunter2 and sk-abcdefghijklmnopqrstuvwxyz",
		"ssn 123-45-6789, Bearer abcdefghijklmnop",
		"call 970-555-0100",
		"é 4111-1111-1111-1111 [REDACTED] password is [REDACTED]",
	} {
		f.Add(s, "411111111111111")
	}
	f.Fuzz(func(t *testing.T, text, cardStem string) {
		out, changed := Redact(text)
		if changed != (out != text) {
			t.Fatalf("changed = %v for %q -> %q", changed, text, out)
		}
		again, changedAgain := Redact(out)
		if again != out || changedAgain {
			t.Fatalf("not idempotent:\n%q\n%q", out, again)
		}
		// A card number placed anywhere, between non-digits, never survives.
		var digits strings.Builder
		for _, r := range cardStem {
			if r >= '0' && r <= '9' && digits.Len() < 18 {
				digits.WriteRune(r)
			}
		}
		if digits.Len() < 12 {
			return
		}
		card := luhnComplete(digits.String())
		spaced := card[:4] + " " + card[4:8] + " " + card[8:12] + " " + card[12:]
		for _, c := range []string{card, spaced} {
			in := text + " #" + c + "# " + text
			red, _ := Redact(in)
			// The text around it may hold the same digits, not as a card.
			if strings.Count(red, c) > 2*strings.Count(text, c) {
				t.Fatalf("card %s survived in %q", c, red)
			}
		}
	})
}
