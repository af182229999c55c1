package agent

import (
	"context"
	"strings"
)

// The messages the agent starts itself, without a lead's question to
// answer: the first touch to a lead who filled in a form, and a follow-up
// to one who has not answered.

// firstTouch opens the conversation with a lead who filled in a form: a
// greeting by name, the assistant saying what it is ("this is the AI
// assistant for Summit Home Services"), an answer to what the form asked
// when the knowledge has one, and one qualifying question. It leaves room
// in the segments for OptOutLine, which the guardrails add (see
// Guardrails.Apply).
func (o *Offline) firstTouch(ctx context.Context, in TurnInput, sig Signals) (Reply, float64, error) {
	opening := o.firstTouchOpening(in.Lead)
	text := strings.TrimSpace(in.Text)
	if !hasLetterOrDigit(text) {
		return o.finish(opening+"What can I help you with?", OutcomeAsked, nil), 1, nil
	}
	// Purpose tells the answer's budget what the text around it takes.
	r, coverage, err := o.reply(ctx, TurnInput{Channel: in.Channel, Lead: in.Lead, Text: text, Purpose: PurposeFirstTouch}, text, sig)
	if err != nil {
		return Reply{}, 0, err
	}
	if r.Outcome == OutcomeAnswered {
		body := opening + r.Text
		if !strings.Contains(r.Text, "?") {
			body += " " + defaultQualifyingQuestion
		}
		if fits(joinText(body, OptOutLine), o.thresholds.MaxSegments) {
			return o.finish(body, OutcomeAnswered, r.Citations), coverage, nil
		}
		return o.finish(opening+"I can help with that. "+defaultQualifyingQuestion, OutcomeAsked, nil), coverage, nil
	}
	// Nothing in the knowledge answers the form: say a person will
	// follow up, and start qualifying.
	body := opening + "I've passed your message to our team, and someone will follow up. In the meantime, " +
		lowerFirst(defaultQualifyingQuestion)
	return o.finish(body, OutcomeAsked, nil), coverage, nil
}

// firstTouchOpening greets a lead who filled in a form.
func (o *Offline) firstTouchOpening(l Lead) string {
	return hello(l) + ", this is the AI assistant for " + o.businessName() + ". Thanks for reaching out! "
}

// followUp nudges a lead who has not answered, about what they last asked
// (in.Text is what their form said, when they came from one).
func (o *Offline) followUp(in TurnInput) Reply {
	hi := hello(in.Lead)
	topic := strings.TrimSpace(in.Text)
	for i := len(in.History) - 1; i >= 0; i-- {
		if in.History[i].From == FromLead && hasLetterOrDigit(in.History[i].Text) {
			topic = in.History[i].Text
			break
		}
	}
	topic = strings.TrimRight(clipText(oneLineText(topic, 200), 60), ".?! ")
	// The first text ever sent to the lead cannot say "again".
	again := " again"
	if firstContact(in) {
		again = ""
	}
	body := hi + ", it's the AI assistant for " + o.businessName() + again
	if topic != "" {
		body += ", following up on your message (\"" + topic + "\"). Any questions I can answer? "
	} else {
		body += ". Is there anything I can help you with? "
	}
	body += "Just reply here."
	if !fits(body, o.thresholds.MaxSegments) {
		body = hi + ", it's the AI assistant for " + o.businessName() + again + ". Is there anything I can help you with? Just reply here."
	}
	return o.finish(body, OutcomeAsked, nil)
}

// defaultQualifyingQuestion moves a first touch towards a person without
// assuming what the business sells.
const defaultQualifyingQuestion = "When is a good time for someone from our team to reach you?"
