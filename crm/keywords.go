package crm

import (
	"strings"
	"unicode"
)

// Keyword is a carrier-standard SMS keyword a lead sent as their whole message.
type Keyword int

const (
	KeywordNone Keyword = iota
	KeywordOptOut
	KeywordOptIn
	KeywordHelp
)

func (k Keyword) String() string {
	switch k {
	case KeywordOptOut:
		return "opt_out"
	case KeywordOptIn:
		return "opt_in"
	case KeywordHelp:
		return "help"
	}
	return "none"
}

// The keywords Twilio's Advanced Opt-Out recognises by default.
var keywords = map[string]Keyword{
	"STOP": KeywordOptOut, "STOPALL": KeywordOptOut, "UNSUBSCRIBE": KeywordOptOut,
	"CANCEL": KeywordOptOut, "END": KeywordOptOut, "QUIT": KeywordOptOut,
	"REVOKE": KeywordOptOut, "OPTOUT": KeywordOptOut,
	"START": KeywordOptIn, "UNSTOP": KeywordOptIn, "YES": KeywordOptIn,
	"HELP": KeywordHelp, "INFO": KeywordHelp,
}

// ParseKeyword recognises a keyword sent alone: any case, surrounding
// spaces and trailing punctuation ignored ("Stop.", " stop! "). "stop
// texting me" is a message, not a keyword: the agent reads it.
func ParseKeyword(body string) (Keyword, string) {
	word := strings.TrimFunc(body, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r)
	})
	word = strings.ToUpper(word)
	if k, ok := keywords[word]; ok {
		return k, word
	}
	return KeywordNone, ""
}

// HelpText is the answer to HELP or INFO: who is texting, how to reach a
// person, how to opt out (what carriers require of an automated sender).
func HelpText(business, phone string) string {
	s := business + ": this is our automated assistant."
	if phone != "" {
		s += " To reach a person call " + phone + "."
	}
	return s + " Reply STOP to opt out."
}
