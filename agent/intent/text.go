package intent

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file turns a message into the words the features are made of:
// lower case, contractions and texting shorthand spelled out, numbers,
// times and amounts as shape tokens (the figure itself says nothing of
// intent; that there is a time does), emoji as tokens of their own.

// maxRunes bounds what is read of one message: an SMS turn is short, and
// a pasted essay must not cost the worker.
const maxRunes = 1000

// Shape tokens stand for what a word is rather than what it says.
const (
	tokNum     = "<num>"     // 12
	tokTime    = "<time>"    // 8am, 10:30
	tokMoney   = "<money>"   // $240, 20k
	tokOrdinal = "<ordinal>" // 3rd
	tokAlnum   = "<alnum>"   // f-250, 2br
)

// text is a message as the features read it.
type text struct {
	words    []string
	question bool // a question mark
	exclaim  bool // an exclamation mark
	shouting bool // most letters of a message of some length are capitals
	// clauses are the message's runs of words between sentence and
	// clause punctuation (. , ; : ! ? and line breaks), in order.
	clauses []clause
}

// clause is the words [start, end) of a text, and the mark it ends with.
type clause struct {
	start, end        int
	question, exclaim bool
}

// shorthand spells out contractions written without an apostrophe and
// texting shorthand. Keys are whole words.
var shorthand = map[string]string{
	"dont": "do not", "doesnt": "does not", "didnt": "did not", "cant": "can not", "cannot": "can not",
	"wont": "will not", "isnt": "is not", "arent": "are not", "wasnt": "was not", "werent": "were not",
	"havent": "have not", "hasnt": "has not", "hadnt": "had not", "wouldnt": "would not",
	"couldnt": "could not", "shouldnt": "should not", "aint": "is not", "im": "i am", "ive": "i have",
	"youre": "you are", "theyre": "they are", "thats": "that is", "whats": "what is", "hows": "how is",
	"wheres": "where is", "whens": "when is", "whos": "who is", "theres": "there is", "hes": "he is",
	"wanna": "want to", "gonna": "going to", "gotta": "got to", "lemme": "let me", "gimme": "give me",
	"u": "you", "ya": "you", "ur": "your", "r": "are", "yall": "you all", "pls": "please", "plz": "please",
	"thx": "thanks", "ty": "thanks", "appt": "appointment", "appts": "appointments", "tmrw": "tomorrow",
	"tmr": "tomorrow", "tmrrw": "tomorrow", "tomorow": "tomorrow", "2morrow": "tomorrow", "2day": "today",
	"2nite": "tonight", "tonite": "tonight", "rn": "right now", "asap": "as soon as possible", "ppl": "people",
	"ok": "okay", "k": "okay", "kk": "okay", "okey": "okay", "yea": "yeah", "idk": "i do not know",
	"dunno": "do not know", "nvm": "never mind", "bc": "because", "cuz": "because", "b4": "before",
	"abt": "about", "info": "information", "w": "with", "acct": "account", "mgr": "manager", "rep": "representative",
	"reps": "representatives", "signup": "sign up", "callback": "call back", "noone": "no one", "n": "and",
}

// irregular are contractions whose stem changes.
var irregular = map[string]string{
	"won't": "will not", "can't": "can not", "ain't": "is not", "shan't": "shall not", "let's": "let us",
	"y'all": "you all", "ya'll": "you all", "it's": "it is", "that's": "that is", "what's": "what is",
	"there's": "there is", "here's": "here is", "who's": "who is", "where's": "where is", "how's": "how is",
	"when's": "when is", "he's": "he is", "she's": "she is",
}

// contractions spell out the endings of contractions with an apostrophe;
// a possessive "'s" is dropped.
var contractions = []struct{ suffix, with string }{
	{"n't", " not"}, {"'m", " am"}, {"'re", " are"}, {"'ll", " will"}, {"'d", " would"}, {"'ve", " have"}, {"'s", ""},
}

// expand spells out one lower-case word's contraction or shorthand.
func expand(w string) string {
	if x, ok := shorthand[w]; ok {
		return x
	}
	if x, ok := irregular[w]; ok {
		return x
	}
	for _, c := range contractions {
		if strings.HasSuffix(w, c.suffix) && len(w) > len(c.suffix) {
			return w[:len(w)-len(c.suffix)] + c.with
		}
	}
	return w
}

// normalize reads a message into words and the marks that live outside
// them.
func normalize(s string) text {
	if utf8.RuneCountInString(s) > maxRunes {
		s = string([]rune(s)[:maxRunes])
	}
	var t text
	letters, upper := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
		switch r {
		case '?', '¿':
			t.question = true
		case '!':
			t.exclaim = true
		}
	}
	t.shouting = letters >= 8 && upper*10 >= letters*7

	var word strings.Builder
	money := false // the word started with a currency sign
	start := 0     // the first word of the clause being read
	endClause := func(r rune) {
		if n := len(t.words); n > start {
			t.clauses = append(t.clauses, clause{start: start, end: n})
			start = n
		}
		if k := len(t.clauses) - 1; k >= 0 && t.clauses[k].end == len(t.words) {
			t.clauses[k].question = t.clauses[k].question || r == '?' || r == '¿'
			t.clauses[k].exclaim = t.clauses[k].exclaim || r == '!'
		}
	}
	flush := func() {
		w := strings.Trim(word.String(), "'")
		word.Reset()
		m := money
		money = false
		if w == "" {
			return
		}
		if x := expand(w); x != w {
			t.words = append(t.words, strings.Fields(x)...)
			return
		}
		if shape, ok := numberShape(w, m); ok {
			t.words = append(t.words, shape)
			return
		}
		t.words = append(t.words, w)
	}
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '’' || r == '‘' || r == '`' || r == '´':
			r = '\''
			fallthrough
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'':
			word.WriteRune(r)
		case (r == ':' || r == ',' || r == '.' || r == '-') && word.Len() > 0 && isDigit(lastByte(&word)):
			// 10:30, 2,500, 9.99 and f-250 stay one word.
			word.WriteRune(r)
		case r == '$' || r == '€' || r == '£':
			flush()
			money = true
		case unicode.Is(unicode.So, r):
			flush()
			t.words = append(t.words, string(r))
		case strings.ContainsRune(".,;:!?¿…\n", r):
			flush()
			endClause(r)
		default:
			flush()
		}
	}
	flush()
	endClause(0)
	return t
}

func lastByte(b *strings.Builder) byte {
	s := b.String()
	return s[len(s)-1]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// numberShape returns the shape token of a word with digits in it.
func numberShape(w string, money bool) (string, bool) {
	w = strings.TrimRight(w, ":,.-")
	digits := 0
	for i := 0; i < len(w); i++ {
		if isDigit(w[i]) {
			digits++
		}
	}
	if digits == 0 {
		return "", false
	}
	if money {
		return tokMoney, true
	}
	rest := strings.TrimLeft(w, "0123456789:,.")
	switch rest {
	case "":
		if strings.Contains(w, ":") {
			return tokTime, true
		}
		return tokNum, true
	case "am", "pm", "a", "p":
		return tokTime, true
	case "k":
		return tokMoney, true
	case "st", "nd", "rd", "th":
		return tokOrdinal, true
	}
	return tokAlnum, true
}

// lastAsk is the part of the agent's message a reply answers: its last
// sentence that asks something, else its last sentence. "Tune-ups are
// $129. Want me to book one?" is answered by "yes" to the booking.
func lastAsk(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	end := len(s)
	if q := strings.LastIndexByte(s, '?'); q >= 0 {
		end = q + 1
	}
	head := strings.TrimRight(s[:end], "?!. \n")
	start := strings.LastIndexAny(head, ".!?\n") + 1
	return s[start:end]
}
