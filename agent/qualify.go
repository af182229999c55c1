package agent

import (
	"regexp"
	"strings"
)

// qualifyingQuestions move the conversation towards what a rep needs to
// know, chosen by what the answer was about. They state no facts, so they
// can follow any answer.
var qualifyingQuestions = []struct {
	when []string // any of these terms in the question or the answer
	ask  string   // empty: ask nothing
}{
	// About an appointment the lead already has: nothing to qualify.
	{[]string{"cancel", "book"}, ""},
	{[]string{"waterheater", "tankless"}, "Is your current water heater gas or electric?"},
	{[]string{"tuneup", "maintenance", "member"}, "How many heating and cooling systems does your home have?"},
	{[]string{"ac", "furnace", "heatpump", "ductless", "hvac", "thermostat"}, "About how old is your current system, and is it still running?"},
	{[]string{"leak", "drain", "toilet", "faucet", "sewer", "plumb", "disposal"}, "Is water leaking or backing up right now?"},
	{[]string{"electric", "panel", "outlet", "evcharger"}, "What electrical work do you have in mind?"},
	{[]string{"financ"}, "What project are you thinking about financing?"},
	{[]string{"area"}, "What can we help you with at your home?"},
}

// reWeDoNot finds an answer that says the business does not do what was
// asked ("We do not serve Boulder"): a question to qualify the job would
// read as if it did.
var reWeDoNot = regexp.MustCompile(`(?i)^(?:no\W+)?we (?:do not|don't|cannot|can't|will not|won't)\b`)

const defaultQualifyingQuestion = "What town is your home in?"

// qualifyingQuestion returns the question of the first entry whose terms
// are among topics; ok is false when none matches.
func qualifyingQuestion(topics map[string]bool) (ask string, ok bool) {
	for _, q := range qualifyingQuestions {
		if anyIn(q.when, topics) {
			return q.ask, true
		}
	}
	return "", false
}

// withQuestion adds one qualifying question to a short answer when it still
// fits the SMS budget and was not asked before in this conversation. The
// question follows what the lead asked about, else what the answer said.
func (o *Offline) withQuestion(in TurnInput, a answer) string {
	if n, _ := Segments(a.text); n > 1 || strings.HasSuffix(a.text, "?") || reWeDoNot.MatchString(a.text) {
		return a.text
	}
	ask, ok := qualifyingQuestion(a.asked)
	if !ok {
		ask, ok = qualifyingQuestion(a.topics)
	}
	if !ok {
		ask = defaultQualifyingQuestion
	}
	if ask == "" {
		return a.text
	}
	for _, m := range in.History {
		if m.From == FromAI && strings.Contains(m.Text, ask) {
			return a.text
		}
	}
	if text := a.text + " " + ask; fits(text, o.thresholds.MaxSegments) {
		return text
	}
	return a.text
}
