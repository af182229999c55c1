package agent

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRedact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
	}{
		// Cards: Luhn-checked, in groups with any separators, or run together.
		{"my card is 4111 1111 1111 1111 exp 04/29", "my card is [REDACTED card ending 1111] exp 04/29"},
		{"4111-1111-1111-1111", "[REDACTED card ending 1111]"},
		{"card:5500005555555559, cvv 123", "card:[REDACTED card ending 5559], cvv [REDACTED]"},
		{"amex 3782 822463 10005 please", "amex [REDACTED card ending 0005] please"},
		{"visa 4222222222222 ok", "visa [REDACTED card ending 2222] ok"},
		{"dots 4111.1111.1111.1111.", "dots [REDACTED card ending 1111]."},
		{"double  spaced 4111  1111  1111  1111 thanks", "double  spaced [REDACTED card ending 1111] thanks"},
		{"spaced and dashed 4111 - 1111 - 1111 - 1111", "spaced and dashed [REDACTED card ending 1111]"},
		{"on two lines 4111 1111\n1111 1111", "on two lines [REDACTED card ending 1111]"},
		{"en dashes 4111–1111–1111–1111", "en dashes [REDACTED card ending 1111]"},
		{"no-break spaces 4111\u00a01111\u00a01111\u00a01111", "no-break spaces [REDACTED card ending 1111]"},
		{"full width ４１１１ １１１１ １１１１ １１１１", "full width [REDACTED card ending 1111]"},
		{"full width run ４１１１１１１１１１１１１１１１!", "full width run [REDACTED card ending 1111]!"},
		{"full-width spaces ４１１１\u3000１１１１\u3000１１１１\u3000１１１１", "full-width spaces [REDACTED card ending 1111]"},
		{"arabic-indic ٤١١١ ١١١١ ١١١١ ١١١١ done", "arabic-indic [REDACTED card ending 1111] done"},
		{"glued card4111111111111111", "glued card[REDACTED card ending 1111]"},
		{"4111 1111 1111 1112 fails Luhn", "4111 1111 1111 1112 fails Luhn"},
		{"4111.1111.1111.1112 fails Luhn", "4111.1111.1111.1112 fails Luhn"},
		{"call (970) 555-0100 or +1 970 555 0101", "call (970) 555-0100 or +1 970 555 0101"},
		{"call 970.555.0100", "call 970.555.0100"},
		{"order 20261002 for $1,500.00 on 2026-10-02", "order 20261002 for $1,500.00 on 2026-10-02"},
		{"pay 4111.11 by 10.30", "pay 4111.11 by 10.30"},
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
		// Labelled secrets: after ":" or "=", after "is", and after a bare
		// space when the value looks like a secret or the label always
		// comes with one.
		{"password: hunter2", "password: [REDACTED]"},
		{"my Password is correct-horse-battery", "my Password is [REDACTED]"},
		{"my password's hunter2", "my password's [REDACTED]"},
		{"password hunter22 thanks", "password [REDACTED] thanks"},
		{`api_key="abc def 123"`, `api_key=[REDACTED]`},
		{`{"password": "s3cret pass"}`, `{"password": [REDACTED]}`},
		{"the gate pin is 4455, thanks", "the gate pin is [REDACTED], thanks"},
		{"my api key is sk-abcdefghijklmnopqrstuvwxyz", "my api key is [REDACTED key]"},
		{"secret hunter2", "secret [REDACTED]"},
		{"the secret is hunter2", "the secret is [REDACTED]"},
		{"my secret word is tulip", "my secret word is [REDACTED]"},
		{"secret code 4455", "secret code [REDACTED]"},
		{"wifi pass Blue42horse", "wifi pass [REDACTED]"},
		{"the wifi password sunshine if the tech needs it", "the wifi password [REDACTED] if the tech needs it"},
		{"Wi-Fi password: sunshine", "Wi-Fi password: [REDACTED]"},
		{"wifi pass is guest", "wifi pass is [REDACTED]"},
		{"passcode 4455", "passcode [REDACTED]"},
		{"door passcode is 0000#", "door passcode is [REDACTED]"},
		{"ｐａｓｓｗｏｒｄ：ｈｕｎｔｅｒ２", "ｐａｓｓｗｏｒｄ：[REDACTED]"},
		{"I forgot my password again", "I forgot my password again"},
		{"my password is not working", "my password is not working"},
		{"can you send a password reset link", "can you send a password reset link"},
		{"what's the secret sauce", "what's the secret sauce"},
		{"pin the invoice to the door", "pin the invoice to the door"},
		// SSNs, with a cue or with separators alone.
		{"ssn 123-45-6789", "ssn [REDACTED ssn]"},
		{"social security number: 123456789", "social security number: [REDACTED ssn]"},
		{"my SSN is 078 05 1120", "my SSN is [REDACTED ssn]"},
		{"ssn 123456789", "ssn [REDACTED ssn]"},
		{"my ssn number is 123456789.", "my ssn number is [REDACTED ssn]."},
		{"ssn: 123 456 789", "ssn: [REDACTED ssn]"},
		{"SSN 123.45.6789", "SSN [REDACTED ssn]"},
		{"social 123456789", "social [REDACTED ssn]"},
		{"it's 123-45-6789", "it's [REDACTED ssn]"},
		{"it's 123.45.6789", "it's [REDACTED ssn]"},
		{"ssn ４５６－７８－９０１２", "ssn [REDACTED ssn]"},
		{"not an ssn: 000-12-3456 or 666-12-3456", "not an ssn: 000-12-3456 or 666-12-3456"},
		{"9 digits without a cue: 123456789", "9 digits without a cue: 123456789"},
		{"mixed separators 123-45.6789", "mixed separators 123-45.6789"},
		// Marks are left as they are; a lead's look-alike is not a mark.
		{"[REDACTED card ending 1111] and [REDACTED]", "[REDACTED card ending 1111] and [REDACTED]"},
		{"[REDACTED 4111111111111111]", "[REDACTED [REDACTED card ending 1111]]"},
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

func TestRedactKeepsBadBytes(t *testing.T) {
	t.Parallel()
	// Redaction works on whatever bytes it is given, and changes only what
	// it redacts.
	in := "a\xffb 4111 1111 1111 1111 \x00 password: x\xfe"
	got, _ := Redact(in)
	if want := "a\xffb [REDACTED card ending 1111] \x00 password: [REDACTED]"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestRedactSplitCard(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                   string
		earlier, later         string
		wantEarlier, wantLater string
	}{
		{"halves", "my card is 4111 1111", "1111 1111 exp 04/29",
			"my card is [REDACTED card part]", "[REDACTED card ending 1111] exp 04/29"},
		{"uneven, with dots", "card 5500.0055.5555", "5559 thanks",
			"card [REDACTED card part]", "[REDACTED card ending 5559] thanks"},
		{"run together, full stop after the first", "amex 37828224.", "6310005",
			"amex [REDACTED card part].", "[REDACTED card ending 0005]"},
		{"full-width digits", "４１１１ １１１１ １１１１", " １１１１",
			"[REDACTED card part]", " [REDACTED card ending 1111]"},
		{"the first text's number is not all of the card", "unit 12 card 4111 1111 1111", "1111",
			"unit 12 card [REDACTED card part]", "[REDACTED card ending 1111]"},
		{"a ZIP code then a phone number", "I'm in 80202", "9705550100 is my cell",
			"I'm in 80202", "9705550100 is my cell"},
		{"no known brand", "ref 1234 5678", "9012 3452",
			"ref 1234 5678", "9012 3452"},
		{"fails Luhn", "4111 1111", "1111 1112",
			"4111 1111", "1111 1112"},
		{"words after the first part", "4111 1111 is the start", "1111 1111",
			"4111 1111 is the start", "1111 1111"},
		{"words before the second part", "4111 1111", "and 1111 1111",
			"4111 1111", "and 1111 1111"},
		{"a whole card already redacted", "[REDACTED card ending 1111]", "1111 1111 1111",
			"[REDACTED card ending 1111]", "1111 1111 1111"},
		{"no digits", "hello", "how much is a tune-up?", "hello", "how much is a tune-up?"},
	} {
		e, l, ok := RedactSplitCard(tc.earlier, tc.later)
		if e != tc.wantEarlier || l != tc.wantLater || ok != (tc.earlier != tc.wantEarlier) {
			t.Errorf("%s: RedactSplitCard(%q, %q)\n got %q, %q, %v\nwant %q, %q", tc.name, tc.earlier, tc.later, e, l, ok,
				tc.wantEarlier, tc.wantLater)
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

// cardForms are the ways a lead may write card: run together, in fours
// with spaces, dots, double spaces, and in full-width digits.
func cardForms(card string) []string {
	groups := []string{card[:4], card[4:8], card[8:12], card[12:]}
	wide := strings.Map(func(r rune) rune { return r - '0' + '０' }, card)
	return []string{card, strings.Join(groups, " "), strings.Join(groups, "."), strings.Join(groups, "  "),
		strings.Join(groups, "-"), wide}
}

func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		"my card is 4111 1111 1111 1111",
		"password: hunter2 and sk-abcdefghijklmnopqrstuvwxyz",
		"ssn 123-45-6789, Bearer abcdefghijklmnop",
		"call 970-555-0100",
		"é 4111-1111-1111-1111 [REDACTED] password is [REDACTED]",
		"wifi pass Blue42 secret code 4455 ４１１１ １１１１",
		"\xff\x00 ssn 123.45.6789",
	} {
		f.Add(s, "411111111111111")
	}
	f.Fuzz(func(t *testing.T, text, cardStem string) {
		// Longer than any message yet slow to redact twenty times over: it
		// would only slow the search.
		if len(text) > 4096 {
			text = text[:4096]
		}
		out, changed := Redact(text)
		if changed != (out != text) {
			t.Fatalf("changed = %v for %q -> %q", changed, text, out)
		}
		again, changedAgain := Redact(out)
		if again != out || changedAgain {
			t.Fatalf("not idempotent:\n%q\n%q", out, again)
		}
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("valid UTF-8 became invalid: %q -> %q", text, out)
		}
		// A card number placed anywhere, between non-digits, in any of the
		// forms leads write it, never survives.
		var digits strings.Builder
		for _, r := range cardStem {
			if r >= '0' && r <= '9' && digits.Len() < 15 {
				digits.WriteRune(r)
			}
		}
		if digits.Len() < 15 {
			return
		}
		card := luhnComplete(digits.String())
		for _, c := range cardForms(card) {
			in := text + " #" + c + "# " + text
			red, _ := Redact(in)
			// The text around it may hold the same digits, not as a card.
			if strings.Count(red, c) > 2*strings.Count(text, c) {
				t.Fatalf("card %s survived in %q", c, red)
			}
		}
		// Nor does one sent over two texts, when it is of a known brand.
		card = luhnComplete("4" + digits.String()[:14])
		for _, c := range cardForms(card) {
			r := []rune(c)
			first, second := string(r[:len(r)/2]), string(r[len(r)/2:])
			earlier, _ := Redact(text + " card " + first)
			later, _ := Redact(second + " ok " + text)
			e, l, ok := RedactSplitCard(earlier, later)
			if !ok || !strings.HasSuffix(strings.TrimRightFunc(e, isCardSeparator), redactedCardPart) ||
				!strings.HasPrefix(strings.TrimLeftFunc(l, isCardSeparator), cardMark(card)) {
				t.Fatalf("card %s survived in %q + %q", c, e, l)
			}
		}
	})
}
