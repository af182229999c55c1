package crm

import (
	"strings"
	"unicode"
)

// A lead may revoke consent to texts by any reasonable means, not only by
// a carrier keyword sent alone (FCC TCPA rule, in force since April 2025):
// "please stop texting me", "take me off your list" and "lose my number"
// opt out as STOP does. ParseRevocation reads such words. It is written as
// small rules over a normalised message, one clause at a time, so that a
// negation ("don't stop, keep me posted"), a condition ("don't call before
// 9"), another sense of the verb ("can you stop by", "stop the leak") or
// another object ("cancel my appointment", "take me off the schedule")
// leaves the message to the agent. It reads English only.

// ParseRevocation reports whether a lead's message revokes consent to be
// texted, in plain words; phrase is the words that did (normalised: lower
// case, no apostrophes), for the timeline. A carrier keyword alone
// ("STOP") revokes too; ParseKeyword tells it apart. A cancellation of an
// appointment or a plan is not a revocation, nor is a preference about
// when to be contacted.
func ParseRevocation(body string) (phrase string, ok bool) {
	clauses := clausesOf(body)
	callOnly := ""
	for _, c := range clauses {
		for i := range c {
			p, target, ok := revokesAt(c, i)
			if !ok {
				continue
			}
			if target != targetCalls {
				return p, true
			}
			if callOnly == "" {
				callOnly = p
			}
		}
	}
	// "Stop calling me, text me instead" asks for texts, not for silence.
	if callOnly != "" && !asksForTexts(clauses) {
		return callOnly, true
	}
	return "", false
}

// What a revocation is aimed at: calls alone, or texts and contact at large.
const (
	targetAll = iota
	targetCalls
)

// revokesAt tries every rule that starts at word i of clause c.
func revokesAt(c []string, i int) (phrase string, target int, ok bool) {
	w := c[i]
	switch {
	case w == "cease" && at(c, i+1) == "and" && at(c, i+2) == "desist":
		return join(c, i, i+3), targetAll, true
	case stopVerbs[w]:
		return stopRule(c, i)
	case w == "no" || w == "enough":
		if p, t, ok := noMoreRule(c, i); ok {
			return p, t, ok
		}
		if w == "no" && at(c, i+1) == "longer" {
			return dontWantRule(c, i)
		}
	case w == "dont" || w == "never":
		if p, t, ok := dontContactRule(c, i); ok {
			return p, t, ok
		}
		return dontWantRule(c, i)
	case removeVerbs[w]:
		return removeRule(c, i)
	case w == "lose" || w == "forget":
		return loseNumberRule(c, i)
	case w == "leave":
		return leaveAloneRule(c, i)
	case w == "unsubscribe" || w == "unsub" || w == "unsubscribed" || w == "optout" || w == "dnc":
		return withdrawRule(c, i, i+1)
	case w == "opt" || w == "opted":
		j := i + 1
		if at(c, j) == "me" || at(c, j) == "us" {
			j++
		}
		if at(c, j) == "out" {
			return withdrawRule(c, i, j+1)
		}
	case consentWithdrawals[w]:
		j := skip(c, i+1, wordSet("my your all the any"))
		if at(c, j) == "consent" || at(c, j) == "permission" {
			return join(c, i, j+1), targetAll, true
		}
	case w == "consent" && i > 0 && (c[i-1] == "dont" || c[i-1] == "longer"):
		return join(c, i-1, i+1), targetAll, true
	}
	return "", 0, false
}

// stopRule: "stop texting me", "stop the texts", "quit calling", "stop
// getting these messages", "the texts need to stop", and a bare "stop
// please" — but not "don't stop", "I'll stop texting you", "stop by",
// "stop the leak".
func stopRule(c []string, i int) (string, int, bool) {
	if negated(c, i) {
		return "", 0, false
	}
	if c[i] == "stop" && bare(c) {
		return join(c, i, i+1), targetAll, true
	}
	j := i + 1
	if at(c, j) == "with" {
		j++
	}
	switch next := at(c, j); {
	case strongGerunds[next]:
		switch obj := at(c, j+1); {
		case obj == "me" || obj == "us":
			return join(c, i, j+2), targetOf(next), true
		case aimedAtBusiness[obj] || firstPerson(c, i):
			return "", 0, false // the lead stops texting us
		}
		return join(c, i, j+1), targetOf(next), true
	case weakGerunds[next]:
		if aimedAtBusiness[at(c, j+1)] {
			return "", 0, false // "I'll stop sending you pictures"
		}
		for k := j + 1; k < min(len(c), j+4); k++ {
			if c[k] == "me" || c[k] == "us" || messageNouns[c[k]] {
				return join(c, i, k+1), targetOf(c[k]), true
			}
		}
		if j+1 == len(c) && next == "sending" {
			return join(c, i, j+1), targetAll, true // "stop sending"
		}
		return "", 0, false
	}
	if k, ok := nounAfter(c, j); ok {
		return join(c, i, k+1), targetOf(c[k]), true
	}
	// "the texts need to stop", "make the calls stop"
	if c[i] == "stop" && allFillers(c[i+1:]) {
		for k := i - 1; k >= max(0, i-4); k-- {
			if messageNouns[c[k]] {
				return join(c, k, i+1), targetOf(c[k]), true
			}
		}
	}
	return "", 0, false
}

// noMoreRule: "no more texts", "no more calling", "enough with the
// messages" — but not "no more questions".
func noMoreRule(c []string, i int) (string, int, bool) {
	j := i + 1
	if c[i] == "no" {
		if at(c, j) != "more" && at(c, j) != "further" {
			return "", 0, false
		}
		j++
	} else if at(c, j) == "with" {
		j++
	}
	if strongGerunds[at(c, j)] {
		return join(c, i, j+1), targetOf(c[j]), true
	}
	if k, ok := nounAfter(c, j); ok {
		return join(c, i, k+1), targetOf(c[k]), true
	}
	return "", 0, false
}

// dontContactRule: "don't text me", "do not contact me again", "never
// call me again", "do not text", "put me on your do not call list" — but
// not "don't call before 9", "I don't text much", "you never call me
// back", "don't call the tech".
func dontContactRule(c []string, i int) (string, int, bool) {
	if contactVerbs[at(c, i+1)] && at(c, i+2) == "list" {
		return join(c, i, i+3), targetAll, true
	}
	if i > 0 && subjects[c[i-1]] {
		return "", 0, false // "I don't text much", "you never call me back"
	}
	j := skip(c, i+1, adverbs)
	v := at(c, j)
	if !contactVerbs[v] {
		return "", 0, false
	}
	end := j + 1
	switch {
	case v == "reach" && at(c, end) == "out":
		end++
		if at(c, end) == "to" {
			end++
		}
	case v == "hit" && at(c, end+1) == "up":
		end += 2
	}
	n, ok := objectAt(c, end)
	if !ok {
		return "", 0, false // someone or something else: "don't call the tech"
	}
	end += n
	if v == "send" {
		// "don't send me any more texts", not "don't send the tech yet"
		k, ok := nounAfter(c, end)
		if n == 0 || !ok {
			return "", 0, false
		}
		end = k + 1
	}
	if !endsRevocation(c[end:]) {
		return "", 0, false // a condition: "before 9", "at work", "until Monday"
	}
	return join(c, i, end), targetOf(v), true
}

// dontWantRule: "I don't want any more texts", "I no longer wish to
// receive messages", "I don't want you to call me", "I don't want to be
// contacted", "I never want to hear from you again" — but not "I don't
// want to text a bot".
func dontWantRule(c []string, i int) (string, int, bool) {
	j := i + 1
	if at(c, j) == "really" || at(c, j) == "longer" {
		j++
	}
	if w := at(c, j); w != "want" && w != "wish" && w != "need" {
		return "", 0, false
	}
	j++
	switch {
	case at(c, j) == "to" && (at(c, j+1) == "receive" || at(c, j+1) == "get" || at(c, j+1) == "keep"):
		k := j + 2
		if at(c, k) == "getting" || at(c, k) == "receiving" {
			k++
		}
		if k, ok := nounAfter(c, k); ok {
			return join(c, i, k+1), targetOf(c[k]), true
		}
	case at(c, j) == "to" && at(c, j+1) == "be" && contactedWords[at(c, j+2)]:
		if endsRevocation(c[j+3:]) {
			return join(c, i, j+3), targetOf(c[j+2]), true
		}
	case at(c, j) == "to" && at(c, j+1) == "hear" && at(c, j+2) == "from":
		return join(c, i, j+3), targetAll, true
	case (at(c, j) == "you" || at(c, j) == "anyone" || at(c, j) == "yall") && at(c, j+1) == "to" && contactVerbs[at(c, j+2)]:
		end := j + 3
		if n, ok := objectAt(c, end); ok && endsRevocation(c[end+n:]) {
			return join(c, i, end+n), targetOf(c[j+2]), true
		}
	default:
		if k, ok := nounAfter(c, j); ok {
			return join(c, i, k+1), targetOf(c[k]), true
		}
	}
	return "", 0, false
}

// removeRule: "remove me from your list", "delete my number", "take me off
// your list" — but not "remove the old unit", "take me off the schedule".
func removeRule(c []string, i int) (string, int, bool) {
	if negated(c, i) {
		return "", 0, false
	}
	j := i + 1
	switch at(c, j) {
	case "me", "us":
		j++
	case "my", "this", "our":
		k := skip(c, j+1, numberWords)
		if k == j+1 {
			return "", 0, false // "remove my old water heater"
		}
		j = k
	default:
		return "", 0, false
	}
	switch at(c, j) {
	case "from", "off", "out":
		if c[i] == "take" && at(c, j) == "from" {
			return "", 0, false
		}
		k := j + 1
		if at(c, k) == "of" {
			k++
		}
		if k == len(c) && c[i] == "take" {
			return join(c, i, k), targetAll, true // "take me off"
		}
		if k, ok := listAfter(c, k); ok {
			return join(c, i, k), targetAll, true
		}
		return "", 0, false
	}
	if c[i] == "take" || !endsRevocation(c[j:]) {
		return "", 0, false // "take me to…", "remove me as the contact"
	}
	return join(c, i, j), targetAll, true
}

// loseNumberRule: "lose my number", "please forget my number" — but not
// "did you lose my number?", which is a lead waiting for a call.
func loseNumberRule(c []string, i int) (string, int, bool) {
	for _, w := range c[:i] {
		if !imperativeLead[w] {
			return "", 0, false
		}
	}
	j := i + 1
	if w := at(c, j); w != "my" && w != "this" && w != "our" {
		return "", 0, false
	}
	k := skip(c, j+1, numberWords)
	if k == j+1 {
		return "", 0, false
	}
	return join(c, i, k), targetAll, true
}

// leaveAloneRule: "leave me alone", "just leave us the hell alone", "leave
// me be" — but not "don't leave me alone with this broken AC".
func leaveAloneRule(c []string, i int) (string, int, bool) {
	if negated(c, i) || (at(c, i+1) != "me" && at(c, i+1) != "us") {
		return "", 0, false
	}
	if at(c, i+2) == "be" && i+3 == len(c) {
		return join(c, i, i+3), targetAll, true
	}
	for k := i + 2; k < min(len(c), i+5); k++ {
		if c[k] == "alone" {
			return join(c, i, k+1), targetAll, true
		}
	}
	return "", 0, false
}

// withdrawRule reads what follows "unsubscribe", "opt out" or "DNC" from
// j: nothing, or a list or messages ("unsubscribe me", "opt out of
// texts"), revokes; another thing ("opt out of the maintenance plan") is a
// cancellation, not a revocation.
func withdrawRule(c []string, i, j int) (string, int, bool) {
	if negated(c, i) {
		return "", 0, false
	}
	if at(c, j) == "me" || at(c, j) == "us" {
		j++
	}
	if at(c, j) != "from" && at(c, j) != "of" {
		return join(c, i, j), targetAll, true
	}
	if k, ok := listAfter(c, j+1); ok {
		return join(c, i, k), targetAll, true
	}
	return "", 0, false
}

// asksForTexts reports whether the lead asks to be texted rather than
// called ("text me instead", "just text", "texting is fine").
func asksForTexts(clauses [][]string) bool {
	for _, c := range clauses {
		for i, w := range c {
			if w != "text" && w != "texting" && w != "texts" && w != "message" {
				continue
			}
			if negated(c, i) {
				continue
			}
			next, prev := at(c, i+1), at(c, i-1)
			if next == "me" || next == "instead" || next == "only" || next == "is" || next == "are" ||
				prev == "just" || prev == "prefer" || prev == "rather" || prev == "by" || prev == "via" || prev == "over" {
				return true
			}
		}
	}
	return false
}

// bare reports whether a clause is "stop" with nothing that changes its
// sense: "stop", "please stop", "stop it now", "STOP STOP".
func bare(c []string) bool {
	stops := 0
	for _, w := range c {
		switch {
		case w == "stop":
			stops++
		case !fillers[w]:
			return false
		}
	}
	return stops > 0
}

func allFillers(ws []string) bool {
	for _, w := range ws {
		if !fillers[w] {
			return false
		}
	}
	return true
}

// negated reports whether one of the two words before i negates it ("don't
// stop", "do not unsubscribe me", "never leave me").
func negated(c []string, i int) bool {
	for k := max(0, i-2); k < i; k++ {
		if negators[c[k]] {
			return true
		}
	}
	return false
}

// firstPerson reports whether the nearest person named before i is the
// lead ("I'll stop texting", "we should stop calling").
func firstPerson(c []string, i int) bool {
	for k := i - 1; k >= 0; k-- {
		switch {
		case firstPersons[c[k]]:
			return true
		case subjects[c[k]]:
			return false
		}
	}
	return false
}

// objectAt reads the lead as the object of a contact verb from j: nothing
// (n 0: "do not text"), "me", "us", "this number", "my phone". ok is false
// when someone or something else is the object ("don't call the tech").
func objectAt(c []string, j int) (n int, ok bool) {
	switch w := at(c, j); {
	case w == "me" || w == "us" || w == "here":
		return 1, true
	case w == "my" || w == "this" || w == "our":
		if k := skip(c, j+1, numberWords); k > j+1 {
			return k - j, true
		}
		return 0, false
	case w == "" || revocationEnds[w] || fillers[w]:
		return 0, true
	}
	return 0, false
}

// nounAfter finds messages named from j, after words that only qualify
// them: "the texts", "all these automated messages", "the text". k is the
// noun's index.
func nounAfter(c []string, j int) (k int, ok bool) {
	for k = j; k < len(c) && determiners[c[k]]; k++ {
		if messageNouns[c[k]] && !messageNouns[at(c, k+1)] && !determiners[at(c, k+1)] {
			return k, true // "stop the text", where "text" is the noun
		}
	}
	return k, messageNouns[at(c, k)]
}

// listAfter finds a list or messages named from j, after "from" or "off":
// "your list", "the mailing list", "these texts", "this". end is past it.
func listAfter(c []string, j int) (end int, ok bool) {
	k := skip(c, j, determiners)
	k = skip(c, k, listQualifiers)
	if w := at(c, k); listNouns[w] || messageNouns[w] || strongGerunds[w] {
		return k + 1, true
	}
	// "from this", "from all of it"
	if k == len(c) && k > j && listNouns[c[k-1]] {
		return k, true
	}
	return 0, false
}

// endsRevocation reports whether what follows a revocation leaves it one:
// nothing, "again", "anymore", "ever", "please", "at all", "from now on";
// a condition ("before 9", "at work", "until Monday") makes it a
// preference about when.
func endsRevocation(tail []string) bool {
	for _, w := range tail {
		if revocationEnds[w] {
			return true
		}
		if !fillers[w] && !tailFillers[w] {
			return false
		}
	}
	return true
}

func targetOf(w string) int {
	if callWords[w] {
		return targetCalls
	}
	return targetAll
}

// clausesOf normalises a message into clauses of words: lower case,
// apostrophes dropped ("don't" → "dont"), "do not" read as "dont",
// shorthand spelled out ("pls", "txt", "u"), split at punctuation and at
// "but".
func clausesOf(body string) [][]string {
	var (
		clauses [][]string
		clause  []string
		word    strings.Builder
	)
	endClause := func() {
		if len(clause) > 0 {
			clauses = append(clauses, clause)
			clause = nil
		}
	}
	endWord := func() {
		if word.Len() == 0 {
			return
		}
		w := word.String()
		word.Reset()
		if s, ok := shorthand[w]; ok {
			w = s
		}
		last := ""
		if len(clause) > 0 {
			last = clause[len(clause)-1]
		}
		switch {
		case w == "but":
			endClause()
		case w == "not" && contractions[last] != "":
			clause[len(clause)-1] = contractions[last]
		case w == "more" && last == "any":
			clause[len(clause)-1] = "anymore"
		case (w == "up" || w == "ups") && last == "follow":
			clause[len(clause)-1] = "followups"
		default:
			clause = append(clause, w)
		}
	}
	for _, r := range body {
		switch {
		case strings.ContainsRune("'’‘`´", r):
			// dropped: "don't" is one word
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(unicode.ToLower(r))
		case strings.ContainsRune(".,!?;:()[]{}\"“”…", r) || r == '\n' || r == '\r':
			endWord()
			endClause()
		default:
			endWord()
		}
	}
	endWord()
	endClause()
	return clauses
}

// at returns word i of c, or "" outside it.
func at(c []string, i int) string {
	if i < 0 || i >= len(c) {
		return ""
	}
	return c[i]
}

// skip returns the first index from i whose word is not in set.
func skip(c []string, i int, set map[string]bool) int {
	for i < len(c) && set[c[i]] {
		i++
	}
	return i
}

func join(c []string, from, to int) string {
	return strings.Join(c[from:min(to, len(c))], " ")
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// The vocabulary of the rules above, in normalised words.
var (
	shorthand = map[string]string{
		"u": "you", "ya": "you", "ur": "your", "pls": "please", "plz": "please", "plse": "please", "pleas": "please",
		"txt": "text", "tx": "text", "txts": "texts", "txting": "texting", "texing": "texting", "textin": "texting",
		"msg": "message", "msgs": "messages", "msging": "messaging", "messagin": "messaging", "callin": "calling",
		"dnt": "dont", "donot": "dont", "unsubcribe": "unsubscribe", "unsuscribe": "unsubscribe", "unsubsribe": "unsubscribe",
	}
	// "do not" reads as "dont", "will not" as "wont".
	contractions = map[string]string{
		"do": "dont", "does": "dont", "should": "dont", "did": "didnt", "will": "wont", "would": "wont", "can": "cant", "could": "cant",
	}
	stopVerbs = wordSet("stop quit cease halt discontinue")
	negators  = wordSet("dont didnt doesnt never not wont shouldnt cant cannot")
	// Who may be the subject of a verb, and which of them is the lead.
	firstPersons    = wordSet("i ill im ive id we well were weve lets")
	subjects        = wordSet("i ill im ive id we well were weve lets you yall they he she someone somebody anyone anybody guys company")
	aimedAtBusiness = wordSet("you yall your them him her")
	// Verbs of contacting the lead, as "don't ___ me" uses them.
	contactVerbs = wordSet("text message contact call email sms bother bug spam harass pester ping phone ring reach hit send")
	// Gerunds that make "stop ___" a revocation by themselves.
	strongGerunds = wordSet(`texting messaging contacting calling emailing bothering bugging spamming harassing pestering hounding
		pinging phoning robocalling`)
	// Gerunds that do when the lead or messages follow: "stop sending me
	// texts", "stop getting these messages".
	weakGerunds  = wordSet("sending writing reaching hitting receiving getting")
	messageNouns = wordSet(`texts text messages message sms calls call notifications notification reminders alerts ads promos
		promotions marketing communications communication contact emails email robocalls spam solicitations followups updates
		stuff junk offers`)
	callWords      = wordSet("call calls calling phone phoning ring robocalls robocalling")
	contactedWords = wordSet("texted messaged contacted called emailed bothered spammed")
	determiners    = wordSet(`the these those this that your all any of with automated auto text more anymore further such
		stupid annoying damn fucking freaking constant endless promotional marketing sales spam`)
	adverbs        = wordSet("ever even again please really")
	numberWords    = wordSet("number phone cell cellphone mobile info information contact details data name email address")
	listNouns      = wordSet("list lists database system records file roster thread conversation contacts everything all it them these this")
	listQualifiers = wordSet("mailing texting text sms contact calling call marketing messaging email distribution subscriber subscription dnc dont")
	// Words that may come before "lose my number" in a command.
	imperativeLead = wordSet("please just so and now kindly go ok okay then you can could would will yall")
	// Words that do not change a bare "stop".
	fillers = wordSet(`please now just ok okay thanks thank you already immediately asap right away it this that all seriously
		guys man lol omg sir maam for real god oh hey hi so yes yeah no k ty thx`)
	// Words after "don't text me" that keep it a revocation.
	revocationEnds     = wordSet("again anymore ever more period never further forever future")
	tailFillers        = wordSet("at all from now on going forward in the any way anyone whatsoever longer")
	removeVerbs        = wordSet("remove delete erase drop scratch take unlist")
	consentWithdrawals = wordSet("revoke withdraw rescind retract cancel pull")
)
