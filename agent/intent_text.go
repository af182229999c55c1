package agent

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file turns a lead's message into what the intent classifier reads:
// lower-case words with contractions and texting shorthand spelled out,
// each with a light stem, split into clauses, plus the few features that
// live outside the words (question marks, shouting, emoji).

// icToken is one word of a message.
type icToken struct {
	raw  string // lower case, as written after expansion
	stem string // stem(raw), what lexicon words are compared with
}

// icText is a message as the classifier reads it.
type icText struct {
	clauses [][]icToken
	n       int // words in all
	// question: the message asks something (a question mark, or a clause
	// opening like a question).
	question bool
	// exclaims counts "!"; shouting is true when most letters of a message
	// of some length are capitals.
	exclaims int
	shouting bool
	// emoji sums the sentiment of the emoji and emoticons used.
	emoji float64
	// profanity counts swear words used as intensifiers ("talk to a
	// damn person"); they are taken out of the clauses so that phrases
	// still match around them, and count towards complaint and sentiment.
	profanity int
}

// icProfane are swear words that mostly intensify; they are read as tone,
// not as words of a phrase.
var icProfane = wordSet(`fucking fuckin freaking frigging friggin effing damn damned goddamn goddamned bloody
	flipping fricking`)

// icShorthand spells out contractions written without an apostrophe and
// texting shorthand. Keys are whole words.
var icShorthand = map[string]string{
	"dont": "do not", "doesnt": "does not", "didnt": "did not", "cant": "can not", "cannot": "can not",
	"wont": "will not", "isnt": "is not", "arent": "are not", "wasnt": "was not", "werent": "were not",
	"havent": "have not", "hasnt": "has not", "hadnt": "had not", "wouldnt": "would not",
	"couldnt": "could not", "shouldnt": "should not", "aint": "is not", "im": "i am", "ive": "i have",
	"youre": "you are", "theyre": "they are", "thats": "that is", "whats": "what is", "hows": "how is",
	"wheres": "where is", "whens": "when is", "whos": "who is",
	"wanna": "want to", "gonna": "going to", "gotta": "got to", "lemme": "let me", "gimme": "give me",
	"u": "you", "yu": "you", "ur": "your", "r": "are", "y'all": "you all", "yall": "you all",
	"pls": "please", "plz": "please", "plez": "please", "pleae": "please", "thx": "thanks", "ty": "thanks",
	"appt": "appointment", "appts": "appointments", "apt": "appointment", "tmrw": "tomorrow", "tmr": "tomorrow",
	"tmrrw": "tomorrow", "tomorow": "tomorrow", "2morrow": "tomorrow", "2day": "today", "2nite": "tonight",
	"tonite": "tonight", "rn": "right now", "asap": "as soon as possible", "ppl": "people", "sched": "schedule",
	"ok": "okay", "k": "okay", "kk": "okay", "okey": "okay", "yea": "yeah", "ya'll": "you all",
	"idk": "i do not know", "dunno": "do not know", "nvm": "never mind", "bc": "because", "cuz": "because",
	"b4": "before", "abt": "about", "info": "information", "w/": "with", "wtf": "what the fuck",
	"acct": "account", "svc": "service", "tech's": "tech", "techs": "technicians", "reps": "representatives",
	"rep": "representative", "mgr": "manager", "hvac": "hvac", "a/c": "ac", "signup": "sign up",
	"callback": "call back", "someone's": "someone", "nobodys": "nobody", "noone": "no one",
}

// icContractions spell out the endings of contractions with an
// apostrophe. "'s" is dropped: "it's" reads as "it", which is all the
// lexicon needs ("what's" and "what is" then differ, so the lexicon says
// "what" with an optional "is").
var icContractions = []struct{ suffix, with string }{
	{"n't", " not"}, {"'m", " am"}, {"'re", " are"}, {"'ll", " will"}, {"'d", " would"}, {"'ve", " have"}, {"'s", ""},
}

// icIrregular are contractions whose stem changes.
var icIrregular = map[string]string{
	"won't": "will not", "can't": "can not", "ain't": "is not", "shan't": "shall not", "let's": "let us",
	"y'all": "you all", "it's": "it is", "that's": "that is", "what's": "what is", "there's": "there is",
	"here's": "here is", "who's": "who is", "where's": "where is", "how's": "how is", "when's": "when is",
}

// icClauseWords end a clause, as sentence ends, semicolons and commas do: a
// turn of the sentence. Negation and phrases do not reach across them.
var icClauseWords = map[string]bool{"but": true, "however": true, "although": true, "though": true, "except": true}

// icQuestionStarts open a clause that asks something.
var icQuestionStarts = map[string]bool{
	"what": true, "when": true, "where": true, "which": true, "who": true, "why": true, "how": true,
	"do": true, "does": true, "did": true, "can": true, "could": true, "is": true, "are": true, "will": true,
	"would": true, "should": true, "may": true, "any": true, "anyone": true, "whats": true, "was": true,
}

// icEmoji rate the emoji and emoticons leads use, -1..1.
var icEmoji = map[string]float64{
	"😡": -1, "🤬": -1, "😠": -0.9, "👎": -0.7, "😤": -0.7, "😞": -0.5, "😢": -0.5, "😭": -0.5, "🙄": -0.5,
	"😒": -0.5, "😩": -0.5, "😫": -0.5, "💩": -0.6, "😕": -0.3, "🙁": -0.4, "☹": -0.4, "😐": -0.1,
	"👍": 0.5, "🙂": 0.4, "😊": 0.6, "😀": 0.6, "😃": 0.6, "😄": 0.6, "😁": 0.6, "❤": 0.7, "😍": 0.8,
	"🙏": 0.4, "👌": 0.5, "🎉": 0.6, "💯": 0.5, "🔥": 0.3, "😂": 0.3, "🤣": 0.3, "😉": 0.3,
	":)": 0.4, ":-)": 0.4, ":d": 0.5, ";)": 0.3, ":(": -0.4, ":-(": -0.4, ">:(": -0.9, ":/": -0.2,
}

// icMaxRunes bounds what is read of one message: an SMS conversation
// turn is short, and a pasted essay must not cost the worker.
const icMaxRunes = 2000

// icNormalize reads text into clauses of tokens and features.
func icNormalize(text string) icText {
	if len(text) > icMaxRunes*4 || utf8.RuneCountInString(text) > icMaxRunes {
		r := []rune(text)
		text = string(r[:min(len(r), icMaxRunes)])
	}
	var t icText
	letters, upper := 0, 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	t.shouting = letters >= 8 && float64(upper) >= 0.7*float64(letters)
	t.exclaims = strings.Count(text, "!")
	t.question = strings.Contains(text, "?")

	s := strings.ToLower(text)
	s = strings.NewReplacer("’", "'", "‘", "'", "`", "'", "´", "'", "“", `"`, "”", `"`, "–", "-", "—", "-", "…", ".").Replace(s)
	for e, v := range icEmoji {
		if n := strings.Count(s, e); n > 0 {
			t.emoji += v * float64(n)
		}
	}

	var clause []icToken
	end := func() {
		if len(clause) > 0 {
			t.clauses = append(t.clauses, clause)
			t.n += len(clause)
			clause = nil
		}
	}
	add := func(w string) {
		if icClauseWords[w] {
			end()
			return
		}
		if icProfane[w] {
			t.profanity++
			return
		}
		clause = append(clause, icToken{raw: w, stem: stem(w)})
	}
	word := strings.Builder{}
	flush := func() {
		if word.Len() == 0 {
			return
		}
		w := strings.Trim(word.String(), "'")
		word.Reset()
		if w == "" {
			return
		}
		for _, x := range strings.Fields(icExpand(w)) {
			add(x)
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'':
			word.WriteRune(r)
		case r == '/' && word.String() == "w":
			word.WriteRune(r)
		case r == '.' || r == '!' || r == '?' || r == ';' || r == ',' || r == ':' || r == '\n' || r == '(' || r == ')':
			flush()
			end()
		default:
			flush()
		}
	}
	flush()
	end()
	if !t.question {
		for _, c := range t.clauses {
			if icQuestionStarts[c[0].raw] && len(c) > 1 {
				t.question = true
				break
			}
		}
	}
	return t
}

// icExpand spells out one word's contraction or shorthand.
func icExpand(w string) string {
	if x, ok := icShorthand[w]; ok {
		return x
	}
	if x, ok := icIrregular[w]; ok {
		return x
	}
	for _, c := range icContractions {
		if strings.HasSuffix(w, c.suffix) && len(w) > len(c.suffix) {
			return w[:len(w)-len(c.suffix)] + c.with
		}
	}
	return w
}

// icAll returns every token of the message in order.
func (t icText) icAll() []icToken {
	out := make([]icToken, 0, t.n)
	for _, c := range t.clauses {
		out = append(out, c...)
	}
	return out
}
