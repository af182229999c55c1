package agent

import (
	"regexp"
	"strings"
)

// reAskedIdentity matches a lead asking whether they talk to a bot or a
// person: "are you a bot?", "is this a real person", "am I texting a
// human", "r u real", "who is this".
var reAskedIdentity = regexp.MustCompile(`(?i)\b(?:(?:are|r)\s+(?:you|u|ya|this|it)|is\s+(?:this|that|it))\s+(?:(?:really|actually|even|just)\s+)?(?:(?:a|an)\s+)?(?:(?:real|live|actual)\s+)?(?:bot|robot|ai|a\.i\.|human(?:\s+being)?|real|person|machine|computer|automated|automatic|chat\s?bot|program|recording|auto[- ]?(?:reply|response|text|message))\b` +
	`|\bam\s+i\s+(?:talking|texting|chatting|speaking|writing)\s+(?:(?:to|with)\s+)?(?:(?:a|an)\s+)?(?:(?:real|live|actual)\s+)?(?:bot|robot|ai|a\.i\.|human|person|machine|computer|chat\s?bot|someone real)\b` +
	`|\bwho(?:\s+am\s+i\s+(?:talking|texting|chatting|speaking)\s+(?:to|with)|\s+is\s+this|'?s\s+this|\s+are\s+you)\b` +
	`|\b(?:you|u)\s+(?:a\s+)?(?:bot|robot|real|human)\s*\?`)

// askedIdentity reports whether the lead asked what they are talking
// to.
func askedIdentity(text string) bool {
	return reAskedIdentity.MatchString(text)
}

var (
	reAsksHuman = regexp.MustCompile(`(?i)\b(human|real|person|people|live|someone real)\b`)
	reAsksBot   = regexp.MustCompile(`(?i)\b(bot|robot|ai|a\.i\.|machine|computer|automated|automatic|chat\s?bot|program|recording)\b`)
	reAnswerYes = regexp.MustCompile(`(?i)^\W*(yes|yep|yeah|yup|ya|of course|sure|absolutely|definitely|indeed)\b`)
	reAnswerNo  = regexp.MustCompile(`(?i)^\W*(no|nope|nah|not at all)\b`)
)

// reDisclosesAI matches a reply that says it comes from an AI assistant.
var reDisclosesAI = regexp.MustCompile(`(?i)\b(?:ai|a\.i\.|artificial intelligence|virtual|automated|digital)[ -](?:assistant|agent|helper|receptionist|system)\b|\b(?:i'?m|i am)\s+(?:(?:a|an|just a|just an|the)\s+)?(?:bot|chatbot|ai|a\.i\.)\b`)

func disclosesAI(text string) bool {
	return reDisclosesAI.MatchString(text)
}

// reHumanClaim matches a reply claiming to be a person: "I'm a real
// person", "I am human", "I'm not a bot", "you're talking to a real
// person", "real person here".
var reHumanClaim = regexp.MustCompile(`(?i)\b(?:i'?m|i am|im|this is)\s+(?:(?:a|an)\s+)?(?:(?:real|live|actual)\s+)?(?:human(?:\s+being)?|person)\b` +
	`|\b(?:i'?m|i am|im)\s+(?:not|no)\s+(?:(?:a|an)\s+)?(?:bot|robot|ai|a\.i\.|machine|computer|chat\s?bot|program|automated|recording|virtual assistant)\b` +
	`|\b(?:i'?m|i am)\s+(?:a\s+)?(?:real|live)\s*(?:[.,!?]|$)` +
	`|\b(?:you'?re|you are)\s+(?:talking|texting|chatting|speaking)\s+(?:to|with)\s+(?:(?:a|an)\s+)?(?:real|live|actual)\s+(?:human|person)\b` +
	`|\b(?:real|live|actual)\s+(?:human|person)\s+here\b|\bhuman\s+here\b` +
	`|\bnot\s+(?:a\s+)?(?:bot|robot|an\s+ai)\b,?\s+(?:i'?m|i am|just)\b`)

// rePersona matches the reply giving itself a human name: "This is Sarah
// from the office", "I'm Sarah.", "My name is Sarah".
var (
	rePersona   = regexp.MustCompile(`\b(?:[Tt]his is|I'm|I am|Im)\s+([A-Z][a-z'-]+)(?:\s+[A-Z][a-z'-]+)?(?:\s*(?:[.,!?;]|$)|\s+(?:from|at|with|here|speaking|over at|on the)\b)`)
	reNameIs    = regexp.MustCompile(`\b[Mm]y name(?: is|'s)\s+([A-Z][a-z'-]+)`)
	reAIWord    = regexp.MustCompile(`(?i)\b(assistant|ai|a\.i\.|bot|virtual|automated|digital)\b`)
	notAPersona = wordSet(`the a an your our not sorry happy glad here just only always still unable able afraid sure
		excited available checking looking going so really very also currently definitely certainly absolutely now back
		new ai okay ok great good fine well doing on in at with from for hoping writing texting reaching following
		monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
		september october november december thanks thank`)
)

// dropHumanClaims removes the sentences of text that claim to be human or
// use a human name; business is the business, whose name is not a person's.
func dropHumanClaims(text string, business Business) (string, bool) {
	return dropSentences(text, func(s string) bool { return claimsHuman(s, business) })
}

func claimsHuman(sentence string, business Business) bool {
	if reHumanClaim.MatchString(sentence) {
		return true
	}
	own := map[string]bool{}
	for _, w := range words(strings.ToLower(business.Name)) {
		own[w] = true
	}
	for _, re := range []*regexp.Regexp{rePersona, reNameIs} {
		for _, m := range re.FindAllStringSubmatchIndex(sentence, -1) {
			name := strings.ToLower(sentence[m[2]:m[3]])
			if notAPersona[name] || own[name] {
				continue
			}
			// "This is Sarah, the AI assistant": the clause says what it is.
			clause := sentence[m[0]:]
			if i := strings.IndexAny(clause[m[1]-m[0]:], ".!?;"); i >= 0 {
				clause = clause[:m[1]-m[0]+i]
			}
			if reAIWord.MatchString(clause) {
				continue
			}
			return true
		}
	}
	return false
}

// answersAsHuman reports whether the reply's first sentence answers the
// lead's identity question as a person would: "Yes" to "are you human?",
// "No" to "are you a bot?".
func answersAsHuman(question, reply string) bool {
	if !askedIdentity(question) {
		return false
	}
	sentences := SplitSentences(reply)
	if len(sentences) == 0 || disclosesAI(sentences[0]) {
		return false
	}
	first := sentences[0]
	human, bot := reAsksHuman.MatchString(question), reAsksBot.MatchString(question)
	return human && !bot && reAnswerYes.MatchString(first) || bot && !human && reAnswerNo.MatchString(first)
}

// dropSentences removes the sentences of text that drop reports.
func dropSentences(text string, drop func(string) bool) (string, bool) {
	var kept []string
	removed := false
	for _, s := range SplitSentences(text) {
		if drop(s) {
			removed = true
			continue
		}
		kept = append(kept, s)
	}
	if !removed {
		return text, false
	}
	return strings.Join(kept, " "), true
}

// greetingWords open a reply with a greeting: the one source of
// reGuardGreeting and of the first words on which a streamed reply holds
// its greeting to put the AI disclosure after it (streamGreetings).
var greetingWords = []string{"hi", "hello", "hey", "hiya", "howdy", "good morning", "good afternoon",
	"good evening", "greetings", "thanks", "thank you"}

var reGuardGreeting = regexp.MustCompile(`(?i)^\W*(` + phrasePattern(greetingWords) + `)\b`)

// insertAfterGreeting puts sentence after the reply's opening greeting
// ("Hi Dana!"), or first when it has none.
func insertAfterGreeting(text, sentence string) string {
	sentences := SplitSentences(text)
	if len(sentences) > 1 && reGuardGreeting.MatchString(sentences[0]) && len(strings.Fields(sentences[0])) <= 4 {
		return sentences[0] + " " + sentence + " " + strings.Join(sentences[1:], " ")
	}
	return joinText(sentence, text)
}

// rePromptInjection matches text that tries to instruct the model: to
// ignore its rules, take a new role, or reveal its prompt, or that
// pretends to be a system or chat-template message.
var rePromptInjection = regexp.MustCompile(`(?i)\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+|of\s+)*(?:previous|prior|above|earlier|preceding|original|system|old)?\s*(?:instructions|prompts?|rules|directions|guidelines|messages|context)\b` +
	`|(?m:^\s*(?:#+\s*|\[|<)?(?:system|assistant|developer)\s*(?:\]|>)?\s*:)` +
	`|\b(?:reveal|show|print|repeat|output|display|leak|tell me|what(?:'s| is| are)|give me|share|paste)\s+(?:me\s+)?(?:your\s+(?:full\s+|exact\s+|original\s+|hidden\s+|secret\s+)*(?:prompt|instructions|rules|guidelines|configuration)|the\s+(?:full\s+|exact\s+|original\s+|hidden\s+|secret\s+)*(?:system\s+prompt|initial\s+prompt|prompt\b|hidden\s+instructions))\b` +
	`|\bsystem\s+prompt\b|\bnew\s+instructions\b|\byou\s+are\s+now\b|\bdeveloper\s+mode\b|\bjailbreak\b|\bdo\s+anything\s+now\b|\bpretend\s+(?:to\s+be|you(?:'re|\s+are))\b|\bact\s+as\s+(?:if|a|an)\b` +
	`|<\|[a-z_]+\|>|\[/?INST\]|<<SYS>>`)

// injectionCues are words one of rePromptInjection's alternatives needs:
// text with none of them is not read with the (slower) expression.
var injectionCues = []string{"ignore", "disregard", "forget", "override", "bypass",
	"system:", "system :", "system]", "system>", "assistant:", "assistant :", "assistant]", "assistant>",
	"developer:", "developer :", "developer]", "developer>", "developer mode",
	"prompt", "instruction", "rules", "guidelines", "configuration", "you are now", "jailbreak", "do anything",
	"pretend", "act as", "<|", "[inst", "[/inst", "<<sys"}

// looksLikeInjection reports whether text carries instructions meant for
// the model.
func looksLikeInjection(text string) bool {
	lower := strings.ToLower(text)
	for _, cue := range injectionCues {
		if strings.Contains(lower, cue) {
			return rePromptInjection.MatchString(text)
		}
	}
	return false
}

// reDataTag matches the tags that delimit data in the model's input, and
// chat-template tokens, wherever they appear inside data.
var reDataTag = regexp.MustCompile(`(?i)<\s*/?\s*(?:lead_message|lead_profile|crm_history|knowledge|tool_result|system|assistant|developer|user)\b|<\|[a-z_]+\|>|\[/?INST\]|<<SYS>>|<</SYS>>`)

// neutralize makes data safe to put between delimiters: it cannot close
// the delimiter it is in or open a role of its own.
func neutralize(s string) string {
	return reDataTag.ReplaceAllStringFunc(s, func(m string) string {
		return "(" + strings.Trim(m, "<>[]|/ ") + ")"
	})
}

// Prompt leaks: a reply that shares a run of words with the system prompt
// that no evidence and no guardrail sentence explains.
const (
	leakShingle = 6 // words per shingle
	leakShared  = 4 // shingles shared: a run of about nine words
)

// leakMarkers are the words of the agent's own machinery, which a reply
// to a lead never needs.
var leakMarkers = []string{
	toolSearchKnowledge, toolGetLeadHistory, toolRequestHandoff, toolScheduleCallback, toolReportSignals,
	"<lead_message", "<knowledge", "<lead_profile", "<crm_history",
}

func leaksPrompt(reply string, prompts, facts, own []string) bool {
	lower := strings.ToLower(reply)
	for _, m := range leakMarkers {
		if strings.Contains(lower, m) {
			return true
		}
	}
	if len(prompts) == 0 {
		return false
	}
	replyShingles := shingles(reply)
	if len(replyShingles) == 0 {
		return false
	}
	shared := map[string]bool{}
	for _, p := range prompts {
		for s := range shingles(p) {
			if replyShingles[s] {
				shared[s] = true
			}
		}
	}
	if len(shared) < leakShared {
		return false
	}
	for _, text := range append(append([]string(nil), facts...), own...) {
		for s := range shingles(text) {
			delete(shared, s)
		}
	}
	return len(shared) >= leakShared
}

// shingles returns the runs of leakShingle words of text, lower-cased.
func shingles(text string) map[string]bool {
	w := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	})
	out := map[string]bool{}
	for i := 0; i+leakShingle <= len(w); i++ {
		out[strings.Join(w[i:i+leakShingle], " ")] = true
	}
	return out
}
