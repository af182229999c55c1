package crm_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/leadagent/leadagent/crm"
)

// TestParseName reads names leads give, and leaves alone the far commoner
// texts that only look like one.
func TestParseName(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"I'm Mike", "Mike"},
		{"Hi, I'm Mike. Need a quote", "Mike"},
		{"this is Mike Jones from the hill", "Mike Jones"},
		{"Hey this is Mike, call me", "Mike"},
		{"my name is ana", "Ana"},
		{"My name is Ana Lucia Ortiz", "Ana Lucia"},
		{"I am Priya and my furnace is out", "Priya"},
		{"I’m Mike", "Mike"},
		{"im Jo", "Jo"},
		{"this is Sean McDonald", "Sean McDonald"},
		{"MIKE here, this is MIKE", ""},
		{"I'm interested", ""},
		{"I'm Interested in a tune-up", ""},
		{"I'm home after 5", ""},
		{"this is urgent", ""},
		{"This Is Urgent", ""},
		{"i'm mike", ""},
		{"I'm not sure", ""},
		{"this is the third time I've asked", ""},
		{"I'm Looking for a quote", ""},
		{"I am Available Tuesday", ""},
		{"victim is here", ""},
		{"how much is it", ""},
		{"my name is 42", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := crm.ParseName(tt.text); got != tt.want {
			t.Errorf("ParseName(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// FuzzParseName: whatever the text, a name is "" or one or two words of
// letters, each capitalised, short, and taken from the text.
func FuzzParseName(f *testing.F) {
	for _, s := range []string{"I'm Mike", "this is Mike Jones", "my name is ana", "I'm interested", "this is urgent",
		"i'm\u00a0Ö", "my name is -", "this is a'", "I'm Éloïse-Marie"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		name := crm.ParseName(text)
		if name == "" {
			return
		}
		words := strings.Split(name, " ")
		if len(words) > 2 {
			t.Fatalf("ParseName(%q) = %q: more than two words", text, name)
		}
		for _, w := range words {
			r := []rune(w)
			if len(r) < 2 || len(r) > 20 || !unicode.IsUpper(r[0]) {
				t.Fatalf("ParseName(%q) = %q: %q is not a name word", text, name, w)
			}
			for _, c := range r {
				if !unicode.IsLetter(c) && c != '\'' && c != '-' {
					t.Fatalf("ParseName(%q) = %q: %q in a name", text, name, c)
				}
			}
			if !strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
				t.Fatalf("ParseName(%q) = %q: not from the text", text, name)
			}
		}
		for _, not := range []string{"Interested", "Home", "Urgent"} {
			if words[0] == not {
				t.Fatalf("ParseName(%q) = %q", text, name)
			}
		}
	})
}
