package handoff

import (
	"strings"
	"time"
	"unicode/utf8"

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
func handoffText(business, lead string, c crm.Contact, reason, summary, link string) string {
	var b strings.Builder
	b.WriteString(business + ": " + lead + "handoff, " + ReasonLabel(reason) + "\n")
	b.WriteString(who(c) + "\n")
	if summary != "" {
		b.WriteString(summary + "\n")
	}
	b.WriteString(link)
	return b.String()
}

// leadWroteText tells the rep who has a conversation that the lead wrote.
func leadWroteText(business string, c crm.Contact, body, link string) string {
	return business + ": " + who(c) + " wrote: \"" + clipRunes(strings.Join(strings.Fields(body), " "), 140) + "\"\n" + link
}

func who(c crm.Contact) string {
	if c.Name == "" {
		return c.Phone
	}
	return c.Name + " " + c.Phone
}

// HoldingMessage is the one message the lead gets when a person takes
// over: it says a person will follow up, and when: shortly while a rep is
// on duty, otherwise at the next opening, said in the business's time
// ("tomorrow at 9:00 AM"). It is plain GSM-7 text that fits one segment
// or two.
func HoldingMessage(reason, name string, onDuty bool, next time.Time, sched hours.Schedule, now time.Time) string {
	first := firstName(name)
	var open string
	switch reason {
	case ReasonComplaint:
		open = "I'm sorry about this"
		if first != "" {
			open += ", " + first
		}
		open += ". "
	case ReasonHumanRequest:
		open = "Of course"
		if first != "" {
			open += ", " + first
		}
		open += ". "
	default:
		open = "Thanks"
		if first != "" {
			open += ", " + first
		}
		open += "! "
	}
	when := "as soon as they can"
	switch {
	case onDuty:
		when = "shortly"
	case !next.IsZero():
		when = sched.Say(next, now)
	}
	return open + "I've passed this to our team, and a person will follow up " + when + ". You can add any details here in the meantime."
}

func firstName(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
