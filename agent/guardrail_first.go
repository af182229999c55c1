package agent

import (
	"strings"
)

// The first text a business sends a lead unasked (the first touch after a
// form, or a follow-up when nothing was ever sent before) is the one a
// TCPA dispute reads first: it names the business, says an automated
// assistant writes it, and tells the lead how to stop the texts. Later
// texts need not repeat it, and a reply to a lead who texted first is not
// unasked (it discloses as every first reply does: Guardrails.DiscloseAI).

// OptOutLine ends the first text sent to a lead unasked.
const OptOutLine = "Reply STOP to opt out."

// GuardFirstContact: the first text sent to a lead unasked did not say,
// in the required words, that it comes from the AI assistant for the
// business; the words were added. (Adding OptOutLine, and shortening the
// text to make room for both, is this rule's ordinary work and is not
// reported.)
const GuardFirstContact = "first_contact"

// firstContact reports whether the turn writes the first text the
// business sends the lead unasked: a first touch, or a follow-up in a
// conversation where the business (the agent, a rep, the system) has
// sent nothing yet.
func firstContact(in TurnInput) bool {
	if in.Channel == ChannelVoice || in.Channel == ChannelEmail {
		return false
	}
	switch in.Purpose {
	case PurposeFirstTouch:
		return true
	case PurposeFollowUp:
		if !in.FirstTurn {
			return false
		}
		for _, m := range in.History {
			if m.From != FromLead {
				return false
			}
		}
		return true
	}
	return false
}

// assistantLine is the words a first contact must carry: "the AI
// assistant for Summit Home Services".
func (g Guardrails) assistantLine() string {
	return "the AI assistant for " + g.businessName()
}

// firstContactText makes text a first contact of at most max SMS
// segments: it says it is the AI assistant for the business (added after
// the greeting when missing; added reports that) and ends with
// OptOutLine. When the whole is too long, sentences of the body go from
// the end, then from the front; the greeting and the assistant line go
// last, and the assistant line and OptOutLine are never dropped.
func (g Guardrails) firstContactText(text string, max int) (out string, added bool) {
	body := withoutOptOut(text)
	if !strings.Contains(strings.ToLower(body), strings.ToLower(g.assistantLine())) {
		body = insertAfterGreeting(body, g.disclosure())
		added = true
	}
	var sentences []string
	for _, s := range SplitSentences(body) {
		if !isOptOutLine(s) {
			sentences = append(sentences, s)
		}
	}
	line := strings.ToLower(g.assistantLine())
	keep := -1 // the sentence with the assistant line
	for i, s := range sentences {
		if strings.Contains(strings.ToLower(s), line) {
			keep = i
			break
		}
	}
	for {
		out = joinText(strings.Join(sentences, " "), OptOutLine)
		if fits(out, max) {
			break
		}
		// Drop the last sentence after the assistant line, else the one
		// just before it, the greeting (sentence 0) last.
		var drop int
		switch {
		case len(sentences)-1 > keep:
			drop = len(sentences) - 1
		case keep > 1:
			drop = keep - 1
		case keep == 1:
			drop = 0
		default:
			drop = -1
		}
		if drop < 0 {
			break
		}
		sentences = append(sentences[:drop:drop], sentences[drop+1:]...)
		if drop < keep {
			keep--
		}
	}
	if !fits(out, max) || !strings.Contains(strings.ToLower(out), line) {
		// The assistant line's own sentence is too long: say it alone.
		out = joinText(g.disclosure(), OptOutLine)
	}
	return out, added
}

// isOptOutLine reports whether sentence is OptOutLine, in any case.
func isOptOutLine(sentence string) bool {
	return strings.EqualFold(strings.TrimRight(strings.TrimSpace(sentence), ".!"), strings.TrimSuffix(OptOutLine, "."))
}

// withoutOptOut removes OptOutLine (in any case, with or without its full
// stop) from the end of text, so that a writer that added it already, or
// a text checked twice, ends with it once.
func withoutOptOut(text string) string {
	text = strings.TrimSpace(text)
	line := strings.TrimSuffix(OptOutLine, ".")
	for {
		t := strings.TrimRight(text, ". ")
		if !strings.HasSuffix(strings.ToLower(t), strings.ToLower(line)) {
			return text
		}
		text = strings.TrimSpace(t[:len(t)-len(line)])
	}
}
