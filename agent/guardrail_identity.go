package agent

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
)

// reAskedIdentity matches a lead asking whether they talk to a bot or a
// person: "are you a bot?", "is this a real person", "am I texting a
// human", "r u real", "who is this".
var reAskedIdentity = regexp.MustCompile(`(?i)\b(?:(?:are|r)\s+(?:you|u|ya|this|it)|is\s+(?:this|that|it))\s+(?:(?:really|actually|even|just)\s+)?(?:(?:a|an)\s+)?(?:(?:real|live|actual)\s+)?(?:bot|robot|ai|a\.i\.|human(?:\s+being)?|real|person|machine|computer|automated|automatic|chat\s?bot|program|recording|auto[- ]?(?:reply|response|text|message))\b` +
	`|\bam\s+i\s+(?:talking|texting|chatting|speaking|writing)\s+(?:(?:to|with)\s+)?(?:(?:a|an)\s+)?(?:(?:real|live|actual)\s+)?(?:bot|robot|ai|a\.i\.|human|person|machine|computer|chat\s?bot|someone real)\b` +
	`|\bwho(?:\s+am\s+i\s+(?:talking|texting|chatting|speaking)\s+(?:to|with)|\s+is\s+this|'?s\s+this|\s+are\s+you)\b` +
	`|\b(?:you|u)\s+(?:a\s+)?(?:bot|robot|real|human)\s*\?`)

// reAskedIdentitySpanish is the same question in Spanish, read folded
// (no accents): "¿eres un bot?", "¿hablo con una persona?".
var reAskedIdentitySpanish = regexp.MustCompile(`\b(?:eres|es usted|usted es|eres tu|es esto|esto es|hablo con|estoy hablando con|estoy escribiendo a|le escribo a|te escribo a)\s+(?:(?:un|una|el|la)\s+)?(?:bot|robot|persona|humano|humana|ser humano|maquina|ia|real|de verdad|programa|contestadora|grabacion|computadora|asistente virtual)\b|\bquien (?:eres|es usted|habla|me escribe)\b`)

// askedIdentity reports whether the lead asked what they are talking
// to.
func askedIdentity(text string) bool {
	return reAskedIdentity.MatchString(text) || reAskedIdentitySpanish.MatchString(claimFold(text))
}

var (
	reAsksHuman = regexp.MustCompile(`(?i)\b(human|real|person|people|live|someone real|persona|humano|humana|de verdad)\b`)
	reAsksBot   = regexp.MustCompile(`(?i)\b(bot|robot|ai|a\.i\.|machine|computer|automated|automatic|chat\s?bot|program|recording|maquina|ia|programa|grabacion|computadora)\b`)
	reAnswerYes = regexp.MustCompile(`(?i)^\W*(yes|yep|yeah|yup|ya|of course|sure|absolutely|definitely|indeed|claro|por supuesto|asi es|si\b[,.!]?|sip)\b`)
	reAnswerNo  = regexp.MustCompile(`(?i)^\W*(no|nope|nah|not at all|para nada)\b`)
)

// reDisclosesAI matches a reply that says it comes from an AI assistant.
var reDisclosesAI = regexp.MustCompile(`(?i)\b(?:ai|a\.i\.|artificial intelligence|virtual|automated|digital)[ -](?:assistant|agent|helper|receptionist|system)\b|\b(?:i'?m|i am)\s+(?:(?:a|an|just a|just an|the)\s+)?(?:bot|chatbot|ai|a\.i\.)\b` +
	`|\basistente (?:virtual|de ia|de inteligencia artificial|automatizad[oa]|digital)\b|\bsoy (?:(?:un|una|el|la)\s+)?(?:bot|chatbot|ia|asistente virtual|asistente de ia)\b`)

func disclosesAI(text string) bool {
	return reDisclosesAI.MatchString(text) || reDisclosesAI.MatchString(claimFold(text))
}

// reHumanClaim matches a reply claiming to be a person, read folded
// (lower case, no accents): "I'm a real person", "I am human", "I'm not
// a bot", "this isn't an AI", "you're talking to a real person", "real
// person here", "100% human", "I work in the office", "I can come by
// myself", "soy una persona", "no soy un robot".
var reHumanClaim = regexp.MustCompile(`\b(?:i'?m|i am|im|this is)\s+(?:(?:a|an)\s+)?(?:(?:real|live|actual|genuine)\s+)?(?:human(?:\s+being)?|person)\b` +
	`|\b(?:i'?m|i am|im)\s+(?:(?:a|an)\s+)?(?:real|live|actual|genuine)\s+(?:agent|rep|representative|employee|team member|staff member|woman|man|guy|lady|one)\b` +
	`|\b(?:i'?m|i am|im)\s+(?:a|an)\s+(?:woman|man|guy|lady|employee|staff member|team member|member of (?:the|our) team)\b` +
	`|(?:\bnot|n't|\bno)\s+(?:talking\s+to\s+|texting\s+(?:with\s+)?|chatting\s+with\s+|speaking\s+(?:to|with)\s+)?(?:(?:a|an|some)\s+)?(?:bots?|robots?|ai|a\.i\.|machine|computer|chat\s?bot|program|script|automated(?:\s+\w+)?|auto-?(?:reply|responder|text)|recording|virtual assistant|artificial intelligence)\b(?:\s+here)?` +
	`|\b(?:i'?m|i am)\s+(?:a\s+)?(?:real|live)\s*(?:[.,!?]|$)` +
	`|\b(?:you'?re|you are|u r|ur)\s+(?:talking|texting|chatting|speaking|writing)\s+(?:to|with)\s+(?:(?:a|an)\s+)?(?:real|live|actual)\s+(?:human|person|people)\b` +
	`|\b(?:a\s+)?(?:real|live|actual)\s+(?:human|person)\s+(?:is\s+)?(?:here|typing|texting|answering|reading|writing|on the line)\b|\bhuman\s+here\b` +
	`|\b100\s?%\s+(?:human|real)\b|\bflesh and blood\b` +
	`|\bsoy\s+(?:(?:un|una)\s+)?(?:persona|humano|humana|ser humano|empleado|empleada|real|de verdad|de carne y hueso)\b` +
	`|\b(?:estas|esta|estan)\s+(?:hablando|escribiendo|chateando)\s+con\s+(?:(?:un|una)\s+)?(?:persona|humano|humana)\b` +
	`|\bno\s+soy\s+(?:(?:un|una)\s+)?(?:bot|robot|maquina|ia|inteligencia artificial|programa|asistente virtual|contestadora|grabacion|computadora)\b`)

// reWorkClaim matches the reply saying it works or goes where a person
// does: "I work in the office", "I'll come by myself". A sentence that
// says it is an assistant ("I work for Summit as its AI assistant") is
// not one.
var reWorkClaim = regexp.MustCompile(`\bi\s+(?:work|am working)\s+(?:here|at|for|in the office|in the shop|on the team)\b` +
	`|\bi(?:'ll| will| can| could)\s+(?:personally\s+)?(?:come (?:out|over|by)|be there|stop by|swing by|drive over|head over|come take a look)\b` +
	`|\btrabajo\s+(?:en|para|aqui)\b`)

// reRoleClaim matches the reply giving itself a job only a person has:
// "I'm the owner", "I'm one of the techs", "soy el técnico". A clause
// that says it is an assistant ("I'm your virtual receptionist") is not
// one.
var reRoleClaim = regexp.MustCompile(`\b(?:i'?m|i am|im|soy)\s+(?:the|a|an|one of the|one of our|your|el|la|uno de los|una de las)\s+(?:[a-z]+\s+)?(?:owner|manager|dispatcher|technicians?|techs?|receptionist|secretary|rep|representative|salesperson|sales rep|scheduler|coordinator|advisor|specialist|employee|plumber|electrician|installer|estimator|operator|supervisor|tecnico|tecnica|duena|dueno|gerente|recepcionista|secretaria|empleado|empleada|plomero|electricista)\b`)

// rePersona matches the reply giving itself a human name: "This is Sarah
// from the office", "I'm Sarah.", "My name is Sarah".
var (
	rePersona = regexp.MustCompile(`\b(?:[Tt]his is|I'm|I am|Im|[Yy]ou've got|[Yy]ou're (?:talking|texting|chatting|speaking) (?:to|with)|[Ss]oy|[Ll]e habla|[Tt]e habla|[Ll]e escribe|[Tt]e escribe)\s+([\p{Lu}][\p{Ll}'-]+)(?:\s+[\p{Lu}][\p{Ll}'-]+)?(?:\s*(?:[.,!?;]|$)|\s+(?:from|at|with|here|speaking|over at|on the|de|del|con|desde)\b)`)
	// "It's Carlos from dispatch", not "it's Carrier." or "it's Fort
	// Collins.": only with where the name is from.
	reItsName = regexp.MustCompile(`\b[Ii]t(?:'s| is)\s+([\p{Lu}][\p{Ll}'-]+)(?:\s+[\p{Lu}][\p{Ll}'-]+)?\s+(?:from|at|with|here|speaking|over at|on the)\b`)
	reNameIs  = regexp.MustCompile(`\b(?:[Mm]y name(?: is|'s)|[Mm]e llamo|[Mm]i nombre es)\s+([\p{Lu}][\p{Ll}'-]+)`)
	// "Sarah here!", "Hi! Mike here from Summit", "Aquí Carlos": a name
	// that opens a sentence and says it is the writer.
	reNameHere = regexp.MustCompile(`(?:^|[.!?]\s+|^(?:[Hh]i|[Hh]ey|[Hh]ello|[Hh]ola)[,!]?\s+)(?:[Aa]qu[ií]\s+)?([\p{Lu}][\p{Ll}'-]+)\s+(?:here|speaking|aqu[ií])?(?:\s*(?:[.,!?;:]|-\s)|\s*$|\s+(?:from|at|with|over at|de|del)\b)`)
	// "Thanks! -Mike": a signature.
	reSignature = regexp.MustCompile(`(?:^|\s)[-~]\s?([\p{Lu}][\p{Ll}'-]+)\s*$`)
	reAIWord    = regexp.MustCompile(`(?i)\b(assistant|ai|a\.i\.|bot|virtual|automated|digital|asistente|ia)\b`)
	notAPersona = wordSet(`the a an your our not sorry happy glad here just only always still unable able afraid sure
		excited available checking looking going so really very also currently definitely certainly absolutely now back
		new ai okay ok great good fine well doing on in at with from for hoping writing texting reaching following
		monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
		september october november december thanks thank everyone someone somebody everybody nobody anyone team staff
		office support dispatch customer service home there today tomorrow tonight free true done open closed included
		it this that we you they he she yes no hi hey hello hola gracias buenas buenos claro perfecto listo
		lunes martes miercoles jueves viernes sabado domingo`)
)

// dropHumanClaims removes the sentences of text that claim to be human or
// use a human name; business is the business, whose name is not a person's.
func dropHumanClaims(text string, business Business) (string, bool) {
	return dropSentences(text, func(s string) bool { return claimsHuman(s, business) })
}

func claimsHuman(sentence string, business Business) bool {
	folded := claimFold(sentence)
	if reHumanClaim.MatchString(folded) {
		return true
	}
	for _, m := range reRoleClaim.FindAllStringIndex(folded, -1) {
		if !reAIWord.MatchString(folded[m[0]:]) {
			return true
		}
	}
	if reWorkClaim.MatchString(folded) && !reAIWord.MatchString(folded) {
		return true
	}
	own := map[string]bool{}
	for _, w := range words(strings.ToLower(business.Name)) {
		own[w] = true
	}
	for _, re := range []*regexp.Regexp{rePersona, reItsName, reNameIs, reNameHere, reSignature} {
		for _, m := range re.FindAllStringSubmatchIndex(sentence, -1) {
			name := claimFold(sentence[m[2]:m[3]])
			if notAPersona[name] || own[name] {
				continue
			}
			if re == reNameHere && !nameHereSays(sentence[m[0]:m[1]]) {
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

// nameHereSays reports whether a name opening a sentence says who writes:
// "Sarah here", "Aquí Carlos", "Mike speaking", not "Loveland, Windsor".
func nameHereSays(m string) bool {
	f := claimFold(m)
	return strings.Contains(f, " here") || strings.Contains(f, "speaking") || strings.Contains(f, "aqui")
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

// phrasePattern is a regular expression alternation matching any of the
// phrases, lower-cased, longest first.
func phrasePattern(phrases []string) string {
	alts := make([]string, 0, len(phrases))
	for _, p := range phrases {
		words := strings.Fields(p)
		for i, w := range words {
			words[i] = regexp.QuoteMeta(w)
		}
		alts = append(alts, strings.Join(words, "[ -]"))
	}
	sortLongestFirst(alts)
	return strings.Join(alts, "|")
}

// sortLongestFirst orders alternatives of an expression so that the
// longest wins.
func sortLongestFirst(alts []string) {
	slices.SortStableFunc(alts, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
}

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
