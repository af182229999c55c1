package handoff

import (
	"regexp"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/hours"
)

// handoffText is the text a rep gets about a handoff: who, why, the
// two-line summary and the link, read at a glance on a lock screen.
//
//	Summit Home Services: handoff, buying intent
//	Dana Reyes +19705551234
//	Wants: a quote on a new AC unit
//	Timing: next week · Next: call to quote and book
//	https://leads.example.com/console/c/…
//
// The summary's lines quote the lead (Summary.Lines); read back from the
// handoff, each is still made plain, unclickable and short here, so that
// no stored summary can put a link or a fake line on the rep's phone.
func handoffText(business, lead string, c crm.Contact, reason, summary, link string) string {
	var b strings.Builder
	b.WriteString(business + ": " + lead + "handoff, " + ReasonLabel(reason) + "\n")
	b.WriteString(who(c) + "\n")
	for i, line := range strings.SplitN(summary, "\n", 3) {
		if line = crm.Clip(defang(plainLine(line)), summaryLineLimit); line != "" && i < 2 {
			b.WriteString(line + "\n")
		}
	}
	b.WriteString(link)
	return b.String()
}

// summaryLineLimit bounds a summary line in a rep's text: "Wants: " and
// a quoted Wants, or the budget, timing and next step.
const summaryLineLimit = 160

// leadWroteText tells the rep who has a conversation that the lead wrote.
func leadWroteText(business string, c crm.Contact, body, link string) string {
	return business + ": " + who(c) + " wrote: " + quoteLead(body, leadQuoteLimit) + "\n" + link
}

// newLeadText tells a rep about a lead who may not be texted, with what
// the lead's form said, quoted.
func newLeadText(business string, c crm.Contact, source, message, link string) string {
	body := business + ": new lead, no SMS consent: call, don't text\n" + who(c)
	if source = crm.Clip(defang(plainLine(source)), 40); source != "" {
		body += " (" + source + ")"
	}
	if strings.TrimSpace(message) != "" {
		body += "\n" + quoteLead(message, leadQuoteLimit)
	}
	return body + "\n" + link
}

// leadQuoteLimit is the most runes of a lead's message a rep's text
// quotes: the rest is in the console, one tap away.
const leadQuoteLimit = 140

// who names the lead: the name they gave, made plain and short, without
// a phone number or address of anyone else's, then their own number.
func who(c crm.Contact) string {
	name := rePhoneInName.ReplaceAllString(plainLine(c.Name), "")
	name = crm.Clip(defang(strings.Join(strings.Fields(name), " ")), nameLimit)
	if name == "" {
		return c.Phone
	}
	return name + " " + c.Phone
}

// nameLimit bounds the name a lead gave in a rep's text.
const nameLimit = 40

// rePhoneInName is a phone number in a name field: outside a quote the
// only number a rep's text gives is the lead's own.
var rePhoneInName = regexp.MustCompile(`\+?\d[\d\s().-]{5,}\d`)

// Lead words in a rep's text. A rep's text comes from the business's own
// number, so what a lead wrote in it must read as the lead's: in quotes,
// on one line, links and addresses that cannot be tapped, short.

// quoteLead returns text a lead wrote for a rep's text: in quotes, on
// one line, without a double quote of its own that could end the quote
// early, invisible or direction-changing characters gone, links and email
// addresses defanged, at most max runes inside the quotes. Phone numbers
// stay as the lead wrote them: inside the quotes they are plainly the
// lead's to give.
func quoteLead(text string, max int) string {
	return `"` + crm.Clip(defang(quotable(plainLine(text))), max) + `"`
}

// quotable makes the double quotes of text single, so that text can sit
// between double quotes.
func quotable(s string) string {
	return strings.ReplaceAll(s, `"`, "'")
}

// plainLine makes outside text one plain line: valid UTF-8, compatibility
// forms folded (a full-width "．" is a dot), curly quotes straight, no
// control, format or direction characters, every run of white space one
// space.
func plainLine(s string) string {
	s = norm.NFKC.String(strings.ToValidUTF8(s, ""))
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u2018', '\u2019', '\u02bc':
			return '\''
		case '\u201c', '\u201d', '\u201e':
			return '"'
		case '\u3002', '\uff61':
			return '.' // ideographic full stops, which a phone may take for a dot in a link
		}
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			return ' '
		case unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

var (
	reLinkScheme = regexp.MustCompile(`(?i)\b(h)tt(ps?)(:/+)`)
	reDefangMail = regexp.MustCompile(`(?i)@([a-z0-9-]+(?:\.[a-z0-9-]+)+)`)
	// A host: labels of two characters or more, or an IP address, so that
	// "e.g." and "a.m." stay as they are.
	reDefangHost = regexp.MustCompile(`(?i)\b[a-z0-9][a-z0-9-]*[a-z0-9](?:\.[a-z0-9-]*[a-z0-9])*\.[a-z][a-z0-9-]*[a-z]\b|\b\d{1,3}(?:\.\d{1,3}){3}\b`)
)

// defang makes the links and email addresses of text impossible to tap,
// as security teams write them: "https://evil.example/x" is
// "hxxps://evil[.]example/x", "pay@evil.example" is
// "pay[@]evil[.]example". Applying it twice changes nothing.
func defang(s string) string {
	s = reLinkScheme.ReplaceAllString(s, "${1}xx${2}${3}")
	s = reDefangMail.ReplaceAllString(s, "[@]${1}")
	return reDefangHost.ReplaceAllStringFunc(s, func(host string) string {
		return strings.ReplaceAll(host, ".", "[.]")
	})
}

// Holding is what the lead's holding message says: who they are, why,
// and when a person will be there.
type Holding struct {
	Reason string
	Name   string
	// OnDuty: a rep is on duty now ("shortly"); otherwise Next is the next
	// opening in Sched, said in the business's time ("tomorrow at 9:00 AM").
	OnDuty bool
	Next   time.Time
	Sched  hours.Schedule
	Now    time.Time
	// Phone is the business's number, given for what cannot wait.
	Phone string
}

// HoldingMessage is the one message the lead gets when a person takes
// over: it says a person will follow up, and when. A sensitive topic (a
// gas smell, an injury) also says to call 911 when anyone is in danger,
// and, with nobody on duty, the business's number is given for what
// cannot wait. It is plain GSM-7 text that fits two segments.
func HoldingMessage(h Holding) string {
	first := crm.FirstName(h.Name)
	with := func(word, stop string) string {
		if first != "" {
			return word + ", " + first + stop
		}
		return word + stop
	}
	var open string
	switch h.Reason {
	case ReasonComplaint:
		open = with("I'm sorry about this", ". ")
	case ReasonHumanRequest:
		open = with("Of course", ". ")
	case ReasonSensitive:
		open = with("Thank you for telling us", ". ") + "If anyone is in danger, call 911 now. "
	default:
		open = with("Thanks", "! ")
	}
	when := "as soon as they can"
	switch {
	case h.OnDuty:
		when = "shortly"
	case !h.Next.IsZero():
		when = h.Sched.Say(h.Next, h.Now)
	}
	text := open + "I've passed this to our team, and a person will follow up " + when + "."
	if !h.OnDuty && h.Phone != "" {
		text += " If it can't wait, call " + h.Phone + "."
	} else {
		text += " You can add any details here in the meantime."
	}
	return text
}
