package agent

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSegments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		text     string
		want     int
		encoding string
	}{
		{"empty", "", 0, EncodingGSM7},
		{"one char", "a", 1, EncodingGSM7},
		{"160 GSM fills one", strings.Repeat("a", 160), 1, EncodingGSM7},
		{"161 GSM needs two", strings.Repeat("a", 161), 2, EncodingGSM7},
		{"306 GSM is two parts of 153", strings.Repeat("a", 306), 2, EncodingGSM7},
		{"307 GSM is three", strings.Repeat("a", 307), 3, EncodingGSM7},
		{"GSM basic non-ASCII is one septet", strings.Repeat("é", 160), 1, EncodingGSM7},
		{"pound, yen, Greek capitals are GSM", "£¥ΔΦΓΛΩΠΨΣΘΞ", 1, EncodingGSM7},
		{"euro is an extension char: 80 fill one", strings.Repeat("€", 80), 1, EncodingGSM7},
		{"81 extension chars overflow", strings.Repeat("€", 81), 2, EncodingGSM7},
		{"brackets and braces count two", strings.Repeat("[", 80) + "a", 2, EncodingGSM7},
		{"escape never split across parts", strings.Repeat("a", 152) + "{" + strings.Repeat("a", 152), 3, EncodingGSM7},
		{"escape that fits stays", strings.Repeat("a", 151) + "{" + strings.Repeat("a", 153), 2, EncodingGSM7},
		{"newline and CR are GSM", "line one\r\nline two", 1, EncodingGSM7},
		{"form feed is extension", "a\fb", 1, EncodingGSM7},
		{"backtick is not GSM", "`", 1, EncodingUCS2},
		{"curly quote forces UCS-2", "it\u2019s", 1, EncodingUCS2},
		{"70 UCS-2 fill one", strings.Repeat("ж", 70), 1, EncodingUCS2},
		{"71 UCS-2 need two", strings.Repeat("ж", 71), 2, EncodingUCS2},
		{"134 UCS-2 is two parts of 67", strings.Repeat("ж", 134), 2, EncodingUCS2},
		{"135 UCS-2 is three", strings.Repeat("ж", 135), 3, EncodingUCS2},
		{"emoji is two code units: 35 fill one", strings.Repeat("😀", 35), 1, EncodingUCS2},
		{"36 emoji overflow", strings.Repeat("😀", 36), 2, EncodingUCS2},
		{"surrogate pair never split", strings.Repeat("a", 66) + "😀" + strings.Repeat("a", 66), 3, EncodingUCS2},
		{"one emoji turns GSM text to UCS-2", strings.Repeat("a", 69) + "👍", 2, EncodingUCS2},
		{"lowercase c-cedilla is not in GSM", "ç", 1, EncodingUCS2},
		{"1600 chars is 11 parts", strings.Repeat("x", 1600), 11, EncodingGSM7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, enc := Segments(tt.text)
			if n != tt.want || enc != tt.encoding {
				t.Errorf("Segments(%d runes) = %d, %s; want %d, %s", utf8.RuneCountInString(tt.text), n, enc, tt.want, tt.encoding)
			}
		})
	}
}

func TestFoldGSM(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"It\u2019s \u201cfree\u201d", `It's "free"`},
		{"Mon\u2013Fri 7\u20146", "Mon-Fri 7-6"},
		{"wait\u2026", "wait..."},
		{"$1,850\u00a0installed", "$1,850 installed"},
		{"\u2022 item", "- item"},
		{"Carrier\u00ae and Lennox\u2122", "Carrier and Lennox"},
		{"a \u00bd horsepower disposal", "a 1/2 horsepower disposal"},
		{"33\u2153% (one-third) of the total", "33 1/3% (one-third) of the total"}, // not "331/3%"
		{"2\u00bd-car garage, \u00be inch", "2 1/2-car garage, 3/4 inch"},
		{"caf\u00e9 \U0001F600", "caf\u00e9 \U0001F600"}, // é is GSM; the emoji has no equivalent
	}
	for _, tt := range tests {
		if got := FoldGSM(tt.in); got != tt.want {
			t.Errorf("FoldGSM(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if _, enc := Segments(FoldGSM("We\u2019re open Mon\u2013Fri\u2026")); enc != EncodingGSM7 {
		t.Errorf("folded typographic punctuation still needs %s", enc)
	}
}

func TestTrimToSegments(t *testing.T) {
	t.Parallel()
	long := "Our office is open Monday through Friday from 7:00 a.m. to 6:00 p.m. " +
		"On Saturdays we are open from 8:00 a.m. to 2:00 p.m. for scheduled appointments and repairs. " +
		"The office is closed on Sundays and on major holidays, but the emergency line is always answered. " +
		"For emergencies, call (970) 555-0100 any time, 24 hours a day, 7 days a week."
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits unchanged", "Drain clearing is $179.", 2, "Drain clearing is $179."},
		{"drops whole sentences from the end", long, 2,
			"Our office is open Monday through Friday from 7:00 a.m. to 6:00 p.m. On Saturdays we are open from 8:00 a.m. to 2:00 p.m. for scheduled appointments and repairs. The office is closed on Sundays and on major holidays, but the emergency line is always answered."},
		{"one segment keeps the first sentence", long, 1, "Our office is open Monday through Friday from 7:00 a.m. to 6:00 p.m."},
		{"folds curly quotes so it stays GSM", "We\u2019re here.", 1, "We're here."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TrimToSegments(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if !fits(got, tt.max) {
				t.Errorf("result takes more than %d segments", tt.max)
			}
		})
	}

	t.Run("a single long sentence is cut at a word", func(t *testing.T) {
		sentence := strings.Repeat("furnace ", 60) + "end."
		got := TrimToSegments(sentence, 1)
		if !strings.HasSuffix(got, "...") || !fits(got, 1) {
			t.Fatalf("got %q", got)
		}
		if body := strings.TrimSuffix(got, "..."); !strings.HasSuffix(body, "furnace") {
			t.Errorf("cut inside a word: %q", got)
		}
	})
	t.Run("a word longer than the budget gives nothing rather than half a word", func(t *testing.T) {
		if got := TrimToSegments(strings.Repeat("x", 400), 2); got != "" {
			t.Errorf("got %q", got)
		}
	})
}

func FuzzSegments(f *testing.F) {
	for _, s := range []string{"", "hello", strings.Repeat("a", 161), "€[]{}", "😀 ok", "ж", "\xff\xfe", strings.Repeat("{", 90)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, enc := Segments(s)
		if s == "" {
			if n != 0 {
				t.Fatalf("empty text: %d segments", n)
			}
			return
		}
		gsm := true
		units := 0
		for _, r := range s {
			if gsmSeptets(r) == 0 {
				gsm = false
			}
		}
		single, part := gsmSingle, gsmPart
		if gsm {
			for _, r := range s {
				units += gsmSeptets(r)
			}
		} else {
			single, part = ucs2Single, ucs2Part
			for _, r := range s {
				units += utf16Units(r)
			}
		}
		if (enc == EncodingGSM7) != gsm {
			t.Fatalf("encoding %s for text that is GSM=%v", enc, gsm)
		}
		if units <= single {
			if n != 1 {
				t.Fatalf("%d units fit one message, got %d segments", units, n)
			}
			return
		}
		// Each part holds at most part units and, because a character is
		// never split, wastes at most one (a 2-unit character moved on).
		if n*part < units || (n-1)*(part-1) >= units {
			t.Fatalf("%d units in %d parts of %d: impossible", units, n, part)
		}
		// Appending can never make a message shorter.
		if m, enc2 := Segments(s + "a"); enc2 == enc && m < n {
			t.Fatalf("appending a character went from %d to %d segments", n, m)
		}
	})
}

func FuzzTrimToSegments(f *testing.F) {
	f.Add("Our office is open Monday through Friday. On Saturdays we open at 8 a.m.", 1)
	f.Add(strings.Repeat("word ", 100), 2)
	f.Add("“Quoted” text… with – dashes", 1)
	f.Add(strings.Repeat("😀 ", 80), 2)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 1 || max > 4 || !utf8.ValidString(s) {
			return
		}
		got := TrimToSegments(s, max)
		if !fits(got, max) {
			t.Fatalf("result takes more than %d segments: %q", max, got)
		}
		if got == "" {
			return
		}
		// The result is a prefix of the folded text, up to spacing, that
		// ends at a word boundary.
		body := strings.TrimSuffix(got, ellipsis)
		whole := strings.Join(strings.Fields(FoldGSM(s)), " ")
		prefix := strings.Join(strings.Fields(body), " ")
		if !strings.HasPrefix(whole, prefix) {
			t.Fatalf("result is not a prefix of the text\n text %q\n got  %q", whole, got)
		}
		if rest := whole[len(prefix):]; rest != "" && body != got {
			if r, _ := utf8.DecodeRuneInString(rest); unicode.IsLetter(r) || unicode.IsDigit(r) {
				t.Fatalf("cut inside a word: %q | %q", prefix, rest)
			}
		}
	})
}
