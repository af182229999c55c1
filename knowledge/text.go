package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// words splits text into lower-case words of letters and digits, with
// accents folded ("Café" → "cafe") and apostrophes inside a word dropped
// ("don't" → "dont", "owner's" → "owner").
func words(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			w := b.String()
			if strings.HasSuffix(w, "'s") {
				w = w[:len(w)-2]
			}
			w = strings.ReplaceAll(w, "'", "")
			if w != "" {
				out = append(out, w)
			}
			b.Reset()
		}
	}
	// NFD splits accented letters into base letter plus combining mark; the
	// marks are dropped below.
	it := norm.NFD.String(text)
	for i := 0; i < len(it); {
		if c := it[i]; c < utf8.RuneSelf && c != '\'' {
			// ASCII, the common case, without the tables.
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				b.WriteByte(c)
			case 'A' <= c && c <= 'Z':
				b.WriteByte(c + 'a' - 'A')
			default:
				flush()
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(it[i:])
		i += size
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining mark: part of the previous letter
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case (r == '\'' || r == '’') && b.Len() > 0 && i < len(it):
			next, _ := utf8.DecodeRuneInString(it[i:])
			if unicode.IsLetter(next) {
				b.WriteByte('\'')
			} else {
				flush()
			}
		default:
			flush()
		}
	}
	flush()
	return out
}

// stopwords are words too common to say what a text is about: the usual
// English function words plus the filler of questions ("could you tell me").
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		a about above after again against all am an and any are as at be because been
		before being below between both but by can could did do does doing done down
		during each few for from further had has have having he her here hers herself
		him himself his how i if in into is it its itself just me might more most must
		my myself no nor not now of off on once only or other our ours ourselves out
		over own same shall she should so some such than that the their theirs them
		themselves then there these they this those through to too under until up upon
		very was we were what when where which while who whom why will with would you
		your yours yourself yourselves also may please hi hello thanks thank ok okay
		dont doesnt didnt cant im ive id youre theyre thats whats isnt arent wont
		let lets get got`) {
		m[w] = true
	}
	return m
}()

// isStopword reports whether w (lower case) carries no meaning of its own.
func isStopword(w string) bool { return stopwords[w] }

// stem reduces an English word to a stem so that inflections of one word
// meet: "deleting", "deleted", "deletes" and "delete" all become "delet".
// It is a light suffix stripper, not a linguist: what matters for hashing
// is that related forms agree, not that the stem is a word.
func stem(w string) string {
	if len(w) <= 3 || !isASCIILetters(w) {
		return w
	}
	// Plurals and third person.
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "zzes"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	// Verb forms.
	for _, suf := range []string{"ing", "ed"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 && hasVowel(w[:len(w)-len(suf)]) {
			w = undouble(w[:len(w)-len(suf)])
			break
		}
	}
	// Derivations that rarely change what a word is about.
	for _, d := range derivations {
		if strings.HasSuffix(w, d.suffix) && len(w)-len(d.suffix) >= d.minStem {
			w = undouble(w[:len(w)-len(d.suffix)])
			break
		}
	}
	switch {
	case strings.HasSuffix(w, "e") && len(w) >= 4:
		w = w[:len(w)-1]
	case strings.HasSuffix(w, "y") && len(w) > 4:
		w = w[:len(w)-1] + "i"
	case strings.HasSuffix(w, "ll") && len(w) > 4:
		// "install", "installing" and "installation" meet at "instal".
		w = w[:len(w)-1]
	}
	return w
}

// derivations are the suffixes stem strips after inflections, longest
// first, each with the shortest stem it may leave ("apply" keeps its "ly").
var derivations = []struct {
	suffix  string
	minStem int
}{
	{"ational", 3}, {"ation", 3}, {"ition", 3}, {"ment", 3}, {"ness", 3},
	{"able", 3}, {"ible", 3}, {"fully", 3}, {"ful", 3}, {"ize", 3}, {"ly", 4},
}

func isASCIILetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

func hasVowel(w string) bool { return strings.ContainsAny(w, "aeiouy") }

// undouble turns "stopp" into "stop", keeping ll, ss and zz ("fall", "pass").
func undouble(w string) string {
	n := len(w)
	if n >= 2 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouylsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}
