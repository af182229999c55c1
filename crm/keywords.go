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

// OptOutConfirmation is the one text that confirms an opt-out a lead
// asked for in plain words ("please stop texting me"): the carrier
// confirms a keyword such as STOP itself but cannot read free text, so the
// business must. It sells nothing and fits one SMS segment: a business
// name that could make it longer, or that GSM-7 cannot carry, is left out.
func OptOutConfirmation(business string) string {
	const text = "you're opted out and will get no more texts from us. Reply START to opt back in."
	if plainName(business) {
		return business + ": " + text
	}
	return "You" + text[3:]
}

// OptInConfirmation is the one text that confirms START (or UNSTOP, YES)
// from a lead who had opted out, on a number where the business confirms
// keywords itself rather than Twilio. It sells nothing and fits one SMS
// segment, like OptOutConfirmation.
func OptInConfirmation(business string) string {
	const text = "you're opted back in to texts from us. Reply HELP for help, STOP to opt out."
	if plainName(business) {
		return business + ": " + text
	}
	return "You" + text[3:]
}

// plainName reports whether a business name is short and made of
// characters that take one GSM-7 position each.
func plainName(s string) bool {
	if s == "" || len(s) > 60 {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune(" &'.,-!?()/+:#%*", r)) {
			return false
		}
	}
	return true
}
