package agent

import (
	"regexp"
	"strings"

	"github.com/leadagent/leadagent/lexicon"
)

// intent is what kind of message the lead sent, as far as the offline
// responder needs to know before searching.
type intent int

const (
	intentQuestion intent = iota
	intentEmpty
	intentGreeting // hi, hello?, anyone there?
	intentThanks   // thanks, ok thank you
	intentIdentity // are you a bot? who is this?
)

// smallTalkAnchors mark a greeting, thanks or acknowledgement. A message
// with one of them and nothing the knowledge could answer is small talk.
var smallTalkAnchors = wordSet(`hi hii hiii hello helo hey heya hiya howdy yo hola greetings sup
	morning afternoon evening anyone anybody there
	thanks thank thx tx ty tysm appreciate appreciated cheers
	ok okay k kk cool great awesome perfect nice alright sure yes yeah yep
	bye goodbye cya later`)

var thanksWords = wordSet(`thanks thank thx tx ty tysm appreciate appreciated cheers`)

// introduction matches "this is Dana", "my name is Dana Smith", "I'm Dana"
// at the start of a short message, so a lead's name is not a question.
var introduction = regexp.MustCompile(`(?i)\b(?:this is|my name is|my name's|i am|i'm|im|it's|its)\s+[\p{L}'-]+(?:\s+[\p{L}'-]+)?\s*[.!,]?\s*$|\b(?:this is|my name is|my name's|i'm|it's)\s+[\p{L}'-]+\s*[.!,]`)

var identityQuestion = regexp.MustCompile(`(?i)\b(?:(?:are|r) (?:you|u|this|it) (?:a |an |really a |really an |actually a )?(?:bot|robot|ai|a\.i\.|human|real person|real|person|computer|machine|automated|chatbot|live person)\b|who(?: is|'s|s) this\b|who am i (?:talking|texting|chatting|speaking) (?:to|with)\b|am i (?:talking|texting|chatting|speaking) (?:to|with) (?:a |an )?(?:bot|robot|ai|human|real person|person|computer|machine|chatbot)\b|(?:is|r) (?:this|it|that) (?:a |an )?(?:real |live |actual )?(?:bot|robot|ai|automated|computer|chatbot|human|person|people)\b|(?:am i|are we) (?:talking|texting|chatting|speaking) (?:to|with) (?:a )?(?:real|live|actual) (?:person|human)\b)`)

// classify tells small talk from questions. Only messages with nothing
// but small talk count: "hi, how much is a tune-up?" is a question.
func classify(text string, lead Lead) intent {
	if !hasLetterOrDigit(text) {
		return intentEmpty
	}
	if identityQuestion.MatchString(text) && len(words(strings.ToLower(text))) <= 12 {
		return intentIdentity
	}
	name := map[string]bool{}
	for _, w := range words(strings.ToLower(lead.Name)) {
		name[w] = true
	}
	var rest []string // the message without introductions and the lead's name
	anchor, thanks := false, false
	for _, w := range words(strings.ToLower(introduction.ReplaceAllString(text, " "))) {
		if w = strings.Trim(w, "'"); name[w] {
			continue
		}
		rest = append(rest, w)
		anchor = anchor || smallTalkAnchors[w] || isLaughter(w)
		thanks = thanks || thanksWords[w]
	}
	if !anchor || len(termsOf(lexicon.Default(), normalize(strings.Join(rest, " ")), 1)) > 0 {
		return intentQuestion
	}
	if thanks {
		return intentThanks
	}
	return intentGreeting
}

// answersOurQuestion reports whether text reads as the lead's answer to the
// question the assistant asked last ("mine is gas, 12 years old") rather
// than a question of their own.
func answersOurQuestion(text string, history []Message) bool {
	if strings.Contains(text, "?") || reQuestionStart.MatchString(text) || len(strings.Fields(text)) > maxAnswerWords {
		return false
	}
	for i := len(history) - 1; i >= 0; i-- {
		switch history[i].From {
		case FromAI:
			return strings.HasSuffix(strings.TrimSpace(history[i].Text), "?")
		case FromLead:
			return false
		}
	}
	return false
}

// maxAnswerWords bounds what reads as a short answer ("gas, about 12 years
// old", "Fort Collins"); a longer message is treated as a question.
const maxAnswerWords = 12

// reQuestionStart opens a question written without a question mark.
var reQuestionStart = regexp.MustCompile(`(?i)^\W*(?:(?:ok|okay|and|so|also|but|hi|hey|yeah|yes|yep|yup|sure|um|uh|oh|cool|great|thanks)\W+)*(?:what|what's|whats|how|when|where|why|who|which|do|does|did|can|could|is|are|will|would|should|any|anything)\b`)

// isLaughter matches "lol", "haha", "hahaha".
func isLaughter(w string) bool {
	if w == "lol" || w == "lmao" {
		return true
	}
	if len(w) < 4 {
		return false
	}
	return strings.Trim(w, "ha") == ""
}
