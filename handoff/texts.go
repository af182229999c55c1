package handoff

import (
	"strings"
	"time"

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
	return business + ": " + who(c) + " wrote: \"" + crm.Clip(body, 140) + "\"\n" + link
}

func who(c crm.Contact) string {
	if c.Name == "" {
		return c.Phone
	}
	return c.Name + " " + c.Phone
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
