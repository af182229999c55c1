package handoff

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file writes the two lines a rep reads on their phone when a
// conversation is handed to them: what the lead wants, the budget and
// timing the lead gave, and the next step. It reads the lead's own words
// (or the model's note, when there is one); it is word patterns, not
// language understanding, so it prefers leaving a field empty to filling
// it with a number that is not money or a day that is not a date.

// SummaryInput is what a summary is made from.
type SummaryInput struct {
	Reason string   // one of crm.Reason*
	Lead   []string // the lead's messages in this conversation, oldest first (the last one triggered the handoff)
	// Topic is what the agent's knowledge search was about, when known ("AC replacement"); may be "".
	Topic string
	// ModelSummary is the language model's own note for the rep when it asked for the handoff ("Wants a quote for a 3-ton AC, budget $6k"); "" without a model.
	ModelSummary string
}

// Summary is what the rep's notification says about the conversation.
type Summary struct {
	// Wants is what the lead wants, from their own words turned to the
	// third person ("to get a quote on their furnace", "a used Tacoma
	// under 30k", "you to call them back"), at most 90 runes, clipped on
	// a word with "…".
	Wants string
	// Budget is the money the lead mentioned, in their words lightly
	// normalised ("$5,000", "under $8k", "around 3000 dollars",
	// "$300 a month"); "" when they said none.
	Budget string
	// Timing is when the lead wants it ("next week", "tomorrow after 3",
	// "ASAP", "Saturday", "by March 3"); "" when they did not say.
	Timing string
	// Next is the rep's next step, from the handoff's reason.
	Next string
	// Quoted says Wants is the lead's words (or the model's note on
	// them, which a lead can steer): the rep reads it in quotes, as the
	// lead's, not the business's.
	Quoted bool
}

// wantsLimit is the most runes Summary.Wants holds: with "Wants: " in
// front it stays within two lines of a phone's notification.
const wantsLimit = 90

// fieldLimit is the most runes Budget and Timing hold.
const fieldLimit = 40

// messageLimit is how much of one message a summary reads. An SMS body
// stops at 1,600 characters; a web form's essay says what it wants early,
// and reading all of a very long one would only cost time.
const messageLimit = 4000

// firstBytes is the start of s, at most n bytes, cut at a space when
// there is one near the end so that no number is cut in half.
func firstBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	if i := strings.LastIndexAny(s[:n], " \t\n"); i >= 0 && i >= n-100 {
		n = i
	}
	return s[:n]
}

// Summarize writes the summary of a conversation being handed to a rep.
// Budget and Timing come from the lead's messages only, never from the
// model's note: they are what the lead said, not what the model inferred.
func Summarize(in SummaryInput) Summary {
	lead := make([]string, len(in.Lead))
	for i, m := range in.Lead {
		lead[i] = scrubContact(firstBytes(m, messageLimit))
	}
	wants, quoted := wantsFor(in.Reason, lead, in.Topic, in.ModelSummary)
	return Summary{
		Wants:  wants,
		Budget: clipField(budgetFrom(lead)),
		Timing: clipField(timingFrom(lead)),
		Next:   nextStep(in.Reason),
		Quoted: quoted,
	}
}

// clipField bounds Budget or Timing: a lead's words, however they were
// found.
func clipField(s string) string {
	if r := []rune(s); len(r) > fieldLimit {
		return strings.TrimSpace(string(r[:fieldLimit-1])) + "…"
	}
	return s
}

// Lines renders the two lines: line 1 "Wants: <Wants>" (in quotes when
// Quoted: `Wants: "a quote on a new furnace"`), line 2 joins what is
// known with " · ": "Budget: $5k · Timing: next week · Next: call to
// quote and book". Neither line holds a line break, and no link or
// email address in them can be tapped (defang).
func (s Summary) Lines() [2]string {
	wants := defang(oneLine(s.Wants))
	switch {
	case wants == "":
		wants = wantsUnknown
	case s.Quoted:
		wants = `"` + quotable(wants) + `"`
	}
	var second []string
	if b := defang(oneLine(s.Budget)); b != "" {
		second = append(second, "Budget: "+b)
	}
	if t := defang(oneLine(s.Timing)); t != "" {
		second = append(second, "Timing: "+t)
	}
	next := oneLine(s.Next)
	if next == "" {
		next = nextStep("")
	}
	second = append(second, "Next: "+next)
	return [2]string{"Wants: " + wants, strings.Join(second, " · ")}
}

// String is the two lines joined by "\n".
func (s Summary) String() string {
	l := s.Lines()
	return l[0] + "\n" + l[1]
}

// nextStep is what the rep should do, by the handoff's reason.
func nextStep(reason string) string {
	switch strings.ToLower(strings.TrimSpace(reason)) {
	case ReasonBuyingIntent:
		return "call to quote and book"
	case ReasonHumanRequest:
		return "call or text them back"
	case ReasonComplaint:
		return "call to make it right"
	case ReasonUnknownAnswer:
		return "answer their question"
	case ReasonSensitive:
		return "reply personally"
	}
	return "follow up"
}

// oneLine collapses every run of white space, line breaks included, to
// one space.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// ---- Contact details and clean-up ----

var (
	// A phone number, with what introduces it ("call me at", "my cell
	// is"), so that taking it out leaves a sentence: "call me at
	// 970-555-1234" becomes "call me".
	rePhone = regexp.MustCompile(`(?i)(?:\b(?:my |our |the )?(?:cell|phone|mobile|number|cell number|phone number|home phone|work phone|callback number)(?: number)?(?: is| =)?\s*[:#-]?\s*|\b(?:at|on|to)\s+)?(?:\+?\b1[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-]?)\d{3}[\s.-]?\d{4}\b|\+\d{10,15}\b|\b\d{10,15}\b|\b\d{3}[.-]\d{4}\b`)
	// An email address, with what introduces it.
	reEmail = regexp.MustCompile(`(?i)(?:\b(?:my |our )?(?:e-?mail|email address)(?: address)?(?: is)?\s*:?\s*|\b(?:at|to)\s+)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+`)
	// What was taken out, with the words that joined it to the rest.
	reRemoved = regexp.MustCompile(`(?i)(?:\s*(?:,|/|\bor\b|\band\b)?\s*\x{e000})+`)
	// What taking a phone number or address out leaves: "quote , then".
	reSpaceBeforeMark = regexp.MustCompile(`[ \t]+([,.;:!?])`)
	// The marks redaction leaves ("[REDACTED card ending 4242]").
	reRedacted = regexp.MustCompile(`\[REDACTED[^\]]*\]?`)
)

// scrubContact makes s safe and plain for the rep's text: valid UTF-8,
// straight quotes, no control characters but line breaks, and no phone
// number, email address or redaction mark.
func scrubContact(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u2018', '\u2019', '\u02bc':
			return '\''
		case '\u201c', '\u201d':
			return '"'
		case '\n', '\u2028', '\u2029', '\u0085':
			return '\n'
		case '\u200b', '\ufeff':
			return -1
		}
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
	s = reRedacted.ReplaceAllString(s, removed)
	s = reEmail.ReplaceAllString(s, removed)
	s = rePhone.ReplaceAllString(s, removed)
	s = reRemoved.ReplaceAllString(s, " ")
	return reSpaceBeforeMark.ReplaceAllString(s, "$1")
}

// removed marks where scrubContact took something out, so that the
// words joining a list of them go too: "call me at X or Y about it" →
// "call me about it". It is a private-use rune no lead types.
const removed = "\ue000"

// ---- Wants ----

const (
	wantsUnknown      = "see the conversation"
	wantsHumanRequest = "to talk to someone"
	wantsComplaint    = "to complain about their service"
)

// wantsFor chooses what fills the Wants line: the model's note, else the
// lead's own words, else the topic, else a stock phrase for the reason.
// quoted says it is not a stock phrase: words the lead wrote or steered,
// their links and addresses defanged.
func wantsFor(reason string, lead []string, topic, model string) (wants string, quoted bool) {
	for _, from := range []func() string{
		func() string { return modelWants(model) },
		func() string { return leadWants(lead) },
		func() string { return trimEnds(oneLine(scrubContact(firstBytes(topic, messageLimit)))) },
	} {
		if w := clipWants(defang(plainLine(from()))); w != "" {
			return w, true
		}
	}
	switch strings.ToLower(strings.TrimSpace(reason)) {
	case ReasonHumanRequest:
		return wantsHumanRequest, false
	case ReasonComplaint:
		return wantsComplaint, false
	}
	return wantsUnknown, false
}

// reModelPrefix is how a model's note tends to open ("Lead wants",
// "Customer is looking for"): the Wants label already says it.
var reModelPrefix = regexp.MustCompile(`(?i)^(?:the )?(?:(?:lead|customer|caller|contact|client|patient|prospect|user|they|he|she)\s+)?(?:wants|would like|needs|is looking for|looking for|is interested in|interested in|is asking for|asked for|asks for|requests|requested|is requesting)\b\s*`)

// modelWants is the model's note made into a Wants phrase.
func modelWants(note string) string {
	s := oneLine(scrubContact(firstBytes(note, messageLimit)))
	s = reModelPrefix.ReplaceAllString(s, "")
	return lowerFunctionWord(trimEnds(s))
}

// leadWants picks the lead message that best states the want and turns
// it into a phrase. The triggering message usually does; a short reply
// ("yes please", "a person please", "this is ridiculous") does not, and
// neither, when an earlier message states a want, does a bare answer to a
// qualifying question ("Dana", "Geico").
func leadWants(lead []string) string {
	weak := ""
	for i := len(lead) - 1; i >= 0; i-- {
		sentences := contentSentences(lead[i])
		if len(sentences) == 0 {
			continue
		}
		phrase := composeWants(sentences)
		if phrase == "" {
			continue
		}
		if statesWant(sentences) {
			return phrase
		}
		if weak == "" {
			weak = phrase
		}
	}
	return weak
}

// reSentenceEnd splits a message into sentences.
var reSentenceEnd = regexp.MustCompile(`[.!?]+(?:\s+|$)|\n+|;\s+`)

// contentSentences are a message's sentences with greetings, fillers,
// opt-out words and self-introductions taken out, keeping those left with
// a content word.
func contentSentences(msg string) []string {
	var out []string
	for _, raw := range reSentenceEnd.Split(unshout(msg), -1) {
		if s := cleanSentence(raw); s != "" && hasContentWord(s) {
			out = append(out, s)
		}
	}
	return out
}

var (
	reGreeting = regexp.MustCompile(`(?i)^(?:(?:hi+|hello+|hey+|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day))(?: there| guys| folks| all| team| y'all| everyone)?(?:\b|\s)[\s,.!:;-]*|(?:morning|evening)[,!.]+\s*)`)
	// A greeting with a name after it: "Hi Mike, ...". Case matters: the
	// name is capitalised.
	reGreetingName = regexp.MustCompile(`^(?:[Hh]i|[Hh]ello|[Hh]ey|[Dd]ear)\s+[A-Z][a-z]+[,:!-]\s*`)
	reFillerStart  = regexp.MustCompile(`(?i)^(?:um+|uh+|er+m*|hm+|so|well,|oh|ok|okay|yeah|yes|yep|yup|sure|great|perfect|cool|awesome|thanks|thank you|anyway|anyways|alright|also|basically|actually|and|but|btw|fyi|quick question|question|hello\?*)(?:\b|\s)[\s,.!:;-]*`)
	reFiller       = regexp.MustCompile(`(?i)\b(?:um+|uh+|umm+|uhh+|erm)\b,?\s*`)
	// Opt-out keywords and phrases: the inbox acts on them; the rep need
	// not read them.
	reOptOutAlone = regexp.MustCompile(`(?i)^(?:stop|stopall|stop all|unsubscribe|cancel|end|quit|revoke|optout|opt out|opt-out)$`)
	reOptOut      = regexp.MustCompile(`(?i)\b(?:(?:please )?(?:stop|quit) (?:texting|messaging|txting|sending (?:me )?(?:texts|messages))(?: me)?|(?:don't|do not|dont) (?:text|message) me(?: again| anymore| any more)?|unsubscribe(?: me)?|opt(?:[- ]?me)?[- ]?out|stopall)\b`)
	reOptOutCaps  = regexp.MustCompile(`\b(?:STOP|STOPALL|UNSUBSCRIBE|OPTOUT)\b`)
	// A sentence that only says who is writing: the rep has the name.
	reSelfIntro  = regexp.MustCompile(`^(?:[Tt]his is|[Mm]y name is|[Mm]y name's|[Nn]ame's|[Ii]'m|[Ii] am|[Ii]t's)\s+[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)?(?:\s+here)?$|^[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+here$`)
	reSmallTalk  = regexp.MustCompile(`(?i)^(?:i\s+)?(?:hope\s+(?:you're|you are|you all are|y'all are|all is|everything is|your day is|you're having|you are having)|how\s+(?:are|r)\s+(?:you|u)|how's it going|how is it going|happy (?:monday|friday|new year|holidays))\b(?:\s+\S+){0,4}$`)
	reMyNameIs   = regexp.MustCompile(`(?i)^my name(?:'s| is)(?:\s+\S+){1,3}$`)
	rePoliteTail = regexp.MustCompile(`(?i)(?:[\s,]+|^)(?:please|pls|plz|thanks|thank you|thank u|thx|ty|lol|haha)(?:\s+(?:so much|very much|again))?[\s.!]*$`)
)

// cleanSentence strips what carries no want from one sentence: greetings,
// fillers, opt-out words, politeness at the end; "" for a sentence that
// only introduces the writer.
func cleanSentence(s string) string {
	s = reOptOut.ReplaceAllString(oneLine(s), "")
	s = reOptOutCaps.ReplaceAllString(s, "")
	s = oneLine(reFiller.ReplaceAllString(s, ""))
	for {
		before := s
		s = trimEnds(s)
		s = reGreetingName.ReplaceAllString(s, "")
		s = reGreeting.ReplaceAllString(s, "")
		s = reFillerStart.ReplaceAllString(s, "")
		s = rePoliteTail.ReplaceAllString(s, "")
		if s == before {
			break
		}
	}
	if reOptOutAlone.MatchString(s) || reSelfIntro.MatchString(s) || reMyNameIs.MatchString(s) || reSmallTalk.MatchString(s) {
		return ""
	}
	return s
}

// trimEnds drops the punctuation a phrase should not start or end with.
func trimEnds(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(".,;:!?-–—…~*", r)
	})
}

// unshout lower-cases a message written in capitals, keeping the
// acronyms a rep needs ("MY AC IS OUT" → "my AC is out").
func unshout(s string) string {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return s
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 8 {
		return s
	}
	words := strings.Fields(strings.ReplaceAll(s, "\n", " \n "))
	for i, w := range words {
		_, core, _ := splitWord(w)
		if !inWordList(acronyms, core) {
			words[i] = strings.ToLower(w)
		}
	}
	return strings.ReplaceAll(strings.Join(words, " "), " \n ", "\n")
}

// acronyms stay in capitals when a shouted message is lower-cased.
const acronyms = " AC A/C HVAC ASAP SUV VIN MPG AWD FWD 4WD 4X4 RV TV US USA PPO HMO HSA FSA ER EV GPS LED OTD APR DUI ID OK "

// reWantCue marks a sentence that asks for something: a want verb, a
// service word, a question.
var reWantCue = regexp.MustCompile(`(?i)\b(?:want|wants|wanted|wanna|need|needs|needed|would like|'d like|looking|interested|quote|quotes|estimate|price|prices|pricing|cost|costs|how much|appointment|appt|book|booking|schedule|reschedule|cancel|fix|fixed|repair|repaired|replace|replaced|replacement|install|installed|installation|service|serviced|clean|cleaning|check|checked|checkup|inspect|inspection|leak|leaks|leaking|broken|broke|clogged|clog|stopped|not working|won't|doesn't|isn't|financing|finance|lease|leasing|trade|test drive|available|availability|in stock|policy|coverage|claim|insurance|insure|quote|problem|issue|help with|question about|questions about|can you|could you|can someone|do you|does|are you|is there|when|where)\b|\?`)

// statesWant reports whether a message's sentences ask for something,
// rather than only answering a question ("Dana", "Geico", "3 bedroom").
func statesWant(sentences []string) bool {
	words := 0
	for _, s := range sentences {
		if reWantCue.MatchString(s) || opensRequest(s) {
			return true
		}
		words += countContentWords(s)
	}
	return words >= 3
}

// composeWants makes one Wants phrase of a message's sentences: the one
// that states the want first, its opening ("I'd like to", "can you")
// rewritten, then the others, all in the third person.
func composeWants(sentences []string) string {
	first := -1
	for i, s := range sentences {
		if opensRequest(s) {
			first = i
			break
		}
	}
	if first < 0 {
		for i, s := range sentences {
			if reWantCue.MatchString(s) {
				first = i
				break
			}
		}
	}
	if first < 0 {
		first = 0
	}
	want, _ := leadIn(sentences[first])
	if !hasContentWord(want) {
		want = sentences[first]
	}
	parts := []string{want}
	for i, s := range sentences {
		if i != first && !slices.Contains(sentences[:i], s) {
			parts = append(parts, s) // a sentence said twice is read once
		}
	}
	for i, p := range parts {
		parts[i] = lowerFunctionWord(trimEnds(thirdPerson(p)))
	}
	return trimEnds(strings.Join(nonEmpty(parts), "; "))
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// wantLeadIns rewrite how a lead opens a request into what follows
// "Wants:": "I'd like to get a quote" → "to get a quote", "I need a
// plumber" → "a plumber", "can you call me" → "you to call me" (and
// thirdPerson then makes it "them"). The first that matches applies.
var wantLeadIns = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`(?i)^(?:(?:i|we|i'd|we'd)\s+(?:really\s+|also\s+|just\s+|kinda\s+|kind of\s+)?(?:would\s+|'d\s+)?(?:like|love)|(?:(?:i|we)\s+)?(?:really\s+|also\s+|just\s+|kinda\s+|kind of\s+|only\s+)?(?:want|wanted|need|needed|would like|would love|hope|hoped)|(?:(?:i'm|im|we're|i am|we are|i was|we were)\s+)?(?:really\s+|also\s+|just\s+)?(?:wanting|needing|hoping|looking|trying|planning))\s+to\s+`), "to "},
	{regexp.MustCompile(`(?i)^(?:(?:i|we)\s+)?(?:just\s+|really\s+)?wanna\s+`), "to "},
	{regexp.MustCompile(`(?i)^(?:(?:i|we|i'd|we'd)\s+(?:really\s+|also\s+|just\s+)?(?:would\s+|'d\s+)?(?:like|love)|(?:(?:i|we)\s+)?(?:really\s+|also\s+|just\s+|only\s+|still\s+)?(?:want|wanted|need|needed|would like|would love)|(?:(?:i'm|im|we're|i am|we are|i was|we were)\s+)?(?:really\s+|also\s+|just\s+|currently\s+|still\s+)?(?:looking for|searching for|shopping for|shopping around for|in the market for|interested in|thinking about|needing|wanting))\s+`), ""},
	{regexp.MustCompile(`(?i)^(?:(?:i'm|im|we're|i am|we are|i was|we were)\s+)?(?:just\s+)?(?:calling|texting|writing|messaging|reaching out|contacting you|asking|inquiring|enquiring)(?:\s+you)?\s+(?:about|regarding|re|concerning|on)\s+`), "to talk about "},
	{regexp.MustCompile(`(?i)^(?:i|we)\s+(?:have|had|got)\s+(?:a\s+)?(?:quick\s+|few\s+|couple\s+)?(?:question|questions)\s+(?:about|on|regarding|re|for)\s+`), "to ask about "},
	{regexp.MustCompile(`(?i)^(?:can|could|may|might)\s+(?:i|we)\s+(?:please\s+|possibly\s+|maybe\s+)?(?:get|have|grab)\s+`), ""},
	{regexp.MustCompile(`(?i)^(?:can|could|may|might)\s+(?:i|we)\s+(?:please\s+|possibly\s+|maybe\s+)?`), "to "},
	{regexp.MustCompile(`(?i)^(?:can|could|would|will|can't|couldn't)\s+(?:you|u|y'all|you guys)\s+(?:please\s+|possibly\s+|maybe\s+|just\s+)?`), "you to "},
	{regexp.MustCompile(`(?i)^(?:can|could|would|will|can't|couldn't)\s+(someone|somebody|anyone|anybody|(?:the|your|a|an|one of your)\s+[\w-]+)\s+(?:please\s+|possibly\s+|maybe\s+)?`), "$1 to "},
	{regexp.MustCompile(`(?i)^(?:is it possible|would it be possible|any chance|is there any way|is there a way)\s+(?:to|that (?:i|we) (?:could|can)|(?:i|we) (?:could|can))\s+`), "to "},
	{regexp.MustCompile(`(?i)^(?:(?:i was|i'm|im|just)\s+)?wondering\s+if\s+(?:i|we)\s+(?:could|can|might)\s+`), "to "},
	{regexp.MustCompile(`(?i)^(?:(?:i was|i'm|im|just)\s+)?wondering\s+if\s+(?:you|u)\s+(?:could|can|would)\s+`), "you to "},
	{regexp.MustCompile(`(?i)^(?:(?:i was|i'm|im|just)\s+)?wondering\s+if\s+(someone|somebody|anyone|anybody)\s+(?:could|can|would)\s+`), "$1 to "},
}

var (
	// reImperative is a request put as an order: "cancel my appointment",
	// "send me a quote" → "you to cancel their appointment".
	reImperative = regexp.MustCompile(`(?i)^(?:please\s+)?(cancel|book|schedule|reschedule|send|call|text|email|give|fix|move|sign|put|add|set|let|help|tell|show|hold|come|have)\b`)
	rePlease     = regexp.MustCompile(`(?i)^(?:please|pls|plz)\s+`)
)

// leadIn rewrites how s opens a request into what follows "Wants:", and
// reports whether s opens like a request at all.
func leadIn(s string) (string, bool) {
	for _, l := range wantLeadIns {
		if l.re.MatchString(s) {
			return l.re.ReplaceAllString(s, l.with), true
		}
	}
	if m := reImperative.FindStringSubmatchIndex(s); m != nil {
		return "you to " + strings.ToLower(s[m[2]:m[3]]) + s[m[3]:], true
	}
	return rePlease.ReplaceAllString(s, ""), false
}

func opensRequest(s string) bool {
	_, ok := leadIn(s)
	return ok
}

// thirdPerson turns the lead's first person into the third, so the rep
// reads "their AC", "call them back". "I am" and "I was" keep their
// grammar; "US" in capitals is the country and stays.
func thirdPerson(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		pre, core, post := splitWord(w)
		var with string
		switch strings.ToLower(core) {
		case "i", "we":
			with = "they"
			if i+1 < len(words) {
				npre, next, npost := splitWord(words[i+1])
				switch strings.ToLower(next) {
				case "am":
					words[i+1] = npre + "are" + npost
				case "was":
					words[i+1] = npre + "were" + npost
				}
			}
		case "i'm", "im", "we're":
			with = "they're"
		case "i've", "we've":
			with = "they've"
		case "i'd", "we'd":
			with = "they'd"
		case "i'll", "we'll":
			with = "they'll"
		case "me":
			with = "them"
		case "us":
			if core != "US" {
				with = "them"
			}
		case "my", "our":
			with = "their"
		case "mine", "ours":
			with = "theirs"
		case "myself", "ourselves":
			with = "themselves"
		case "u":
			with = "you"
		}
		if with != "" {
			words[i] = pre + with + post
		}
	}
	return strings.Join(words, " ")
}

// splitWord splits a white-space-delimited token into the punctuation
// before it, the word, and the punctuation after: "(my" → "(", "my", "".
func splitWord(w string) (pre, core, post string) {
	start := strings.IndexFunc(w, isWordRune)
	if start < 0 {
		return w, "", ""
	}
	end := len(w)
	for end > start {
		r, size := utf8.DecodeLastRuneInString(w[:end])
		if isWordRune(r) {
			break
		}
		end -= size
	}
	return w[:start], w[start:end], w[end:]
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\''
}

// lowerFunctionWord lower-cases the first letter when the first word is
// a common word capitalised only for opening a sentence ("Do you take
// Delta Dental" → "do you take Delta Dental"); names and acronyms stay.
func lowerFunctionWord(s string) string {
	first, _, _ := strings.Cut(s, " ")
	lower := strings.ToLower(first)
	if w := strings.Trim(lower, ",.;:!?"); first == lower || !inWordList(functionWords, w) && !inWordList(openerWords, w) {
		return s
	}
	if len(first) > 1 && strings.ToUpper(first) == first {
		return s // "IS", "DO": shouting, or an acronym
	}
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[size:]
}

// Word lists, each word between spaces. functionWords carry grammar,
// not a want; noContentWords add acknowledgements, asking for a person,
// frustration, times and days: a message made only of these says nothing
// of the want.
const (
	functionWords = " a an the i me my mine myself we us our you your yours he she it its it's they them their" +
		" this that these those there here is are am was were be been being do does did doing done have has had" +
		" having can could would will should shall may might must to of in on at for with by from about into over" +
		" under up down out off as and or but so if then than too very just also really still now not no yes what" +
		" which who whom whose when where why how much many any some all each every both either neither other" +
		" another such own same again ever even only quite rather please "
	noContentWords = " yeah yep yup ya yea yess ok okay k kk sure fine great good cool perfect sounds sound alright" +
		" right nope nah thanks thank thx ty np lol haha hi hello hey hiya um uh hmm oh well bro dude man guys sir" +
		" maam ma'am want wanna need like get got let lets let's go ahead give send said say says asked told tell" +
		" talk speak chat person people human humans agent agents representative rep reps someone somebody anyone" +
		" salesman salesperson sales better best" +
		" anybody real live actual manager supervisor owner boss staff employee operator call calling called text" +
		" texting texted message reach contact back reply respond responding answer answering answers question" +
		" questions help helpful info information details more asap ugh argh wtf omg ffs smh seriously ridiculous" +
		" useless stupid dumb bot bots robot machine automated automatic computer ai frustrated frustrating" +
		" annoying annoyed terrible horrible awful worst angry mad sick tired joke waste wasting unbelievable" +
		" nevermind mind done over enough already waiting wait hold interested works work working time times" +
		" today tonight tomorrow tmrw morning afternoon evening night week weekend month day days soon later" +
		" next last following coming then" +
		" earlier early late monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays" +
		" thursdays fridays saturdays sundays tues thurs weds i'm i've i'd i'll we're we've we'd we'll you're" +
		" you've you'd you'll don't doesn't didn't can't won't isn't aren't dont cant wont im thats that's whats" +
		" what's "
)

// openerWords are more words that open a sentence and are no name.
const openerWords = " around maybe probably hope need needs needed looking wondering thinking trying planning getting" +
	" having want wanted wanna cancel book schedule reschedule send call text give fix move let help tell show hold" +
	" come got get ok okay yes yeah sure thanks "

func inWordList(list, w string) bool {
	return w != "" && strings.Contains(list, " "+w+" ")
}

// countContentWords counts the words of s that say something about the
// want: two letters or more, not digits, not on the lists above.
func countContentWords(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		w = strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
		letters := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters < 2 || inWordList(functionWords, w) || inWordList(noContentWords, w) {
			continue
		}
		n++
	}
	return n
}

func hasContentWord(s string) bool { return countContentWords(s) > 0 }

// clipWants cuts s to wantsLimit runes at a word boundary, ending it with
// "…" when anything was cut.
func clipWants(s string) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) <= wantsLimit {
		return s
	}
	runes := []rune(s)
	cut := runes[:wantsLimit-1] // room for the ellipsis
	if !unicode.IsSpace(runes[len(cut)]) {
		if i := lastSpace(cut); i >= wantsLimit/3 {
			cut = cut[:i]
		}
	}
	out := strings.TrimRightFunc(string(cut), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(".,;:!?-–—…", r)
	})
	if out == "" {
		out = string(runes[:wantsLimit-1])
	}
	return out + "…"
}

func lastSpace(rs []rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if unicode.IsSpace(rs[i]) {
			return i
		}
	}
	return -1
}

// ---- Budget ----

const (
	moneyNumber = `(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)`
	moneyMult   = `(?:\s?(?:k|grand|thousand|mil|million)\b)`
	moneyWord   = `(?:\s?(?:dollars|bucks|usd)\b)`
	moneyAtom   = `(\$\s?)?` + moneyNumber + moneyMult + `?` + moneyWord + `?`
)

var (
	// reMoney matches an amount, a range of two ("$5-6k", "$4,000 and
	// $5,000") and a monthly suffix ("$300 a month").
	reMoney = regexp.MustCompile(`(?i)` + moneyAtom +
		`(?P<range>\s?(?:-|–|to|and)\s?` + moneyAtom + `)?` +
		`(?P<month>\s?(?:/\s?mo(?:nth)?\b|a month\b|per month\b|a mo\b|per mo\b|monthly\b|/mo\b))?`)
	reMoneyMarked = regexp.MustCompile(`(?i)\$|\b(?:dollars|bucks|usd|grand)\b`)
	reMoneyMult   = regexp.MustCompile(`(?i)\d\s?(?:k|thousand|mil|million)\b`)
	// A qualifier right before an amount belongs in the budget ("under
	// $8k").
	reQualifier = regexp.MustCompile(`(?i)\b(under|below|less than|no more than|not more than|nothing over|not over|up to|upto|at most|max(?:imum)?(?: of)?|around|about|roughly|approximately|approx\.?|close to|somewhere around|somewhere between|in the range of|ballpark|between|from|at least|over|more than|no less than)\s*$|~\s*$`)
	// A budget word right before an amount (qualifier taken off): "my
	// budget is", "looking to spend", "can afford".
	reBudgetRight = regexp.MustCompile(`(?i)\b(?:budget|budgeted|spend|spending|afford|pay|paying|price range|range|price point|max|out the door|otd|put down|down payment|payment|payments)(?:\s+(?:is|of|was|would be|will be|'s|at|right|like|maybe|probably|to|for|around|about|is like|is around|is about|of about|of around|cash))*\s*[:=-]?\s*$`)
	// An offer right before an amount: "would you take 20k".
	reOfferRight = regexp.MustCompile(`(?i)\b(?:take|offer|do|beat|match|accept)(?:\s+(?:maybe|like|about|around|for))*\s*$`)
	// A budget word near an amount, in the same clause.
	reBudgetNear = regexp.MustCompile(`(?i)\b(?:budget|budgeted|spend|spending|afford|price range|price point|willing to pay|looking to pay|can pay|want to pay|out the door|otd|max)\b`)
	// Amounts that are someone else's price, a bill or a sum insured,
	// not what the lead means to spend.
	reNotBudget      = regexp.MustCompile(`(?i)\b(?:quoted|quoting|quote (?:was|is|of|came)|charged|charging|overcharged|billed|bill (?:was|is|of|came)|(?:my|the|a|this) bill|paid|invoice|estimate (?:was|is|of)|estimated at|cost me|costs me|they want|they're asking|asking price|listed at|sticker|deductible|refund|owe|owed|payoff|worth|coverage|covered for|fee (?:was|is)|was charged)\b`)
	reNotBudgetAfter = regexp.MustCompile(`(?i)^\s*(?:(?:of|in|worth of)\s+)?(?:coverage|policy|life|term|umbrella|liability|deductible|refund)\b`)
	// Units after a number: a size, a distance, a count, a time.
	reUnitAfter    = regexp.MustCompile(`(?i)^\s?-?\s?(?:tons?|gallons?|gal|miles?|mi|kms?|btus?|seer|sq|square|feet|ft|foot|inch|inches|in\b|"|lbs?|pounds?|years?|yrs?|yr|months?|mos?\b|weeks?|wks?|days?|hours?|hrs?|minutes?|mins?|[ap]m\b|[ap]\.m|o'?clock|people|persons|kids|children|rooms?|bedrooms?|bathrooms?|baths?|bed|bd|ba\b|stor(?:y|ies)|cars?|vehicles?|drivers?|teeth|tooth|%|percent|x\b|th\b|st\b|nd\b|rd\b|amps?|volts?|watts?|kw|mpg|cc\b|hp\b|psi|deg|degrees|°|units?|zones?|floors?|windows?|acres?|cyl|cylinders?|speed|seats?|doors?|owners?|times|ppl)`)
	reBudgetSuffix = regexp.MustCompile(`(?i)^\s*(max|maximum|tops|or less|or under|or so|ish|at most|budget)\b`)
)

// budgetFrom finds the money the lead mentioned. An amount the lead ties
// to budget words beats one with only a qualifier ("under 30k"), which
// beats a bare amount; among equals the newest message wins. A number
// without "$", "dollars", "k" or a budget word is never money: that keeps
// out phone numbers, zip codes, years, clock times, sizes and addresses.
func budgetFrom(lead []string) string {
	best, bestRank := "", 0
	for i := len(lead) - 1; i >= 0; i-- {
		msg := oneLine(lead[i])
		for _, loc := range reMoney.FindAllStringSubmatchIndex(msg, -1) {
			text, rank := budgetCandidate(msg, loc)
			if rank > bestRank {
				best, bestRank = text, rank
			}
		}
	}
	return best
}

// budgetCandidate judges one reMoney match: the budget text and its rank
// (0: not money; 1: an amount; 2: with a qualifier; 3: tied to budget).
func budgetCandidate(msg string, loc []int) (string, int) {
	start, end := loc[0], loc[1]
	if start > 0 {
		if r, _ := utf8.DecodeLastRuneInString(msg[:start]); unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".,/:#-", r) {
			return "", 0 // inside a token: "F150", "3.5", "#12", "1/2"
		}
	}
	after := msg[end:]
	if r, _ := utf8.DecodeRuneInString(after); unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("/:", r) ||
		(r == '-' || r == '.') && len(after) > 1 && after[1] >= '0' && after[1] <= '9' {
		return "", 0 // "3:30", "3/14", "970-555-...", "80521a"
	}
	amount := msg[start:end]
	clause := clauseBefore(msg[:start])

	qual := ""
	if m := reQualifier.FindStringSubmatchIndex(clause); m != nil {
		qual = strings.ToLower(strings.TrimSpace(clause[m[0]:]))
		clause = clause[:m[0]]
	}
	// "and" joins a range only after "between".
	rangeIdx := 2 * reMoney.SubexpIndex("range")
	if loc[rangeIdx] >= 0 {
		conn := strings.ToLower(strings.TrimSpace(strings.TrimLeft(msg[loc[rangeIdx]:loc[rangeIdx+1]], " ")))
		if strings.HasPrefix(conn, "and") && qual != "between" && qual != "somewhere between" {
			amount = msg[start:loc[rangeIdx]]
			after = msg[loc[rangeIdx]:]
		}
	}
	if reNotBudget.MatchString(clause) || reNotBudgetAfter.MatchString(after) {
		return "", 0
	}

	suffix := ""
	tied := reBudgetRight.MatchString(clause)
	if m := reBudgetSuffix.FindStringSubmatch(after); m != nil {
		if w := strings.ToLower(m[1]); w == "budget" {
			tied = true
		} else {
			suffix = " " + w
		}
	}
	near := tied || reBudgetNear.MatchString(clause) || reOfferRight.MatchString(clause)

	monthly := loc[2*reMoney.SubexpIndex("month")] >= 0
	if !isMoney(amount, after, qual != "", tied, near, monthly) {
		return "", 0
	}
	rank := 1
	if qual != "" {
		rank = 2
	}
	if near {
		rank = 3
	}
	text := normaliseAmount(amount) + suffix
	if qual != "" {
		text = qual + " " + text
	}
	return text, rank
}

// isMoney decides whether an amount is money from how it is written
// and what is around it: "$", "dollars" or "grand" always are; "30k"
// with a qualifier or a budget word is, "40k on it" is not; a bare
// number only right after budget words ("my budget is 5000"), or after a
// qualifier when it is not a year or a small count ("under 3000"), and
// never with a unit after it ("3 ton", "50 gallon", "60k miles").
func isMoney(amount, after string, qualified, tied, near, monthly bool) bool {
	switch {
	case reMoneyMarked.MatchString(amount):
		return true
	case reUnitAfter.MatchString(after) && !monthly:
		return false
	case reMoneyMult.MatchString(amount):
		return qualified || near
	}
	v := leadingValue(amount)
	switch {
	case tied && v >= 10:
		return true
	case monthly && v >= 10 && (qualified || near):
		return true
	case qualified && v >= 100 && !(v >= 1900 && v <= 2099):
		return true
	}
	return false
}

// clauseBefore is the end of the clause before an amount: back to the
// last comma or sentence break, at most 60 bytes.
func clauseBefore(s string) string {
	s = lastBytes(s, 60)
	if i := strings.LastIndexAny(s, ".,!?;\n"); i >= 0 && i+1 < len(s) && (s[i+1] == ' ' || s[i] != '.' && s[i] != ',') {
		s = s[i+1:]
	}
	return s
}

// lastBytes is the end of s, at most n bytes and whole runes: what the
// patterns that look back from a match need, so that a long message
// costs time in proportion to its length.
func lastBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := len(s) - n
	for cut < len(s) && !utf8.RuneStart(s[cut]) {
		cut++
	}
	return s[cut:]
}

// leadingValue is the first number of an amount, without its commas.
func leadingValue(amount string) float64 {
	i := strings.IndexFunc(amount, unicode.IsDigit)
	if i < 0 {
		return 0
	}
	j := i
	for j < len(amount) && (amount[j] >= '0' && amount[j] <= '9' || amount[j] == ',' || amount[j] == '.') {
		j++
	}
	v, err := strconv.ParseFloat(strings.TrimRight(strings.ReplaceAll(amount[i:j], ",", ""), "."), 64)
	if err != nil {
		return 0
	}
	return v
}

var reDollarSpace = regexp.MustCompile(`\$\s+`)

// normaliseAmount lower-cases an amount's words ("5K" → "5k") and
// closes "$ 500" up.
func normaliseAmount(s string) string {
	s = reDollarSpace.ReplaceAllString(oneLine(s), "$")
	return strings.ToLower(s)
}

// ---- Timing ----

const (
	tmWeekday = `(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|thurs|weds)`
	tmMonth   = `(?:january|february|march|april|may|june|july|august|september|october|november|december)`
	tmMonthAb = `(?:` + tmMonth + `|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?`
	tmOrd     = `\d{1,2}(?:st|nd|rd|th)?\b`
	tmAmPm    = `(?:\s?(?:[ap]m\b|[ap]\.m\.))`
	tmClock   = `(?:\d{1,2}(?::\d{2})?(?:` + tmAmPm + `|\b)|noon|midday|lunch(?:time)?)`
	tmClockAP = `(?:\d{1,2}(?::\d{2})?` + tmAmPm + `|\d{1,2}:\d{2}\b|noon)`
	tmClockTo = `(?:\s?(?:-|–|to|and)\s?` + tmClock + `)?`
	tmTail    = `(?:,?\s(?:in\sthe\s(?:morning|afternoon|evening)))?` +
		`(?:,?\s(?:at|after|before|around|by|between|from|anytime\safter|any\stime\safter|sometime\safter|anytime\sbefore|until|till)\s` + tmClock + tmClockTo + `)?`
	tmPart = `(?:\s(?:morning|afternoon|evening|night))?`
	tmBy   = `(?:(?:by|before|no\slater\sthan|until|till|not\suntil|after)\s)?`

	tmDay = tmBy + `(?:` +
		`(?:later\s|early\s|first\sthing\s)?(?:today|tonight|this\s(?:morning|afternoon|evening))\b` +
		`|(?:first\sthing\s)?(?:tomorrow|tmrw|tmrow|tmr|tomorow|tommorow|tommorrow)\b` + tmPart +
		`|(?:(?:this|next|this\scoming|next\scoming|coming)\s)?` + tmWeekday + `s?\b` + tmPart + `(?:\s(?:next|this)\sweek\b)?` +
		`)` + tmTail

	tmDate = tmBy + `(?:` +
		tmMonthAb + `\s` + tmOrd + `(?:,?\s\d{4}\b)?` +
		`|(?:the\s)?\d{1,2}(?:st|nd|rd|th)\sof\s` + tmMonth + `\b` +
		`|(?:in|by|before|early|late|mid-?|until|end\sof)\s?` + tmMonth + `\b` +
		`|(?:(?:by|before|on|until|for|no\slater\sthan)\s)?the\s(?P<ordinal>\d{1,2}(?:st|nd|rd|th))\b(?:\sof\s` + tmMonth + `\b)?` +
		`|(?P<numeric>\d{1,2}/\d{1,2}(?:/\d{2}(?:\d{2})?)?)\b` +
		`)` + tmTail

	tmRelative = `(?:(?:later|early|earlier|sometime|some\stime|anytime|any\stime|end\sof)\s)?(?:this|next)\s(?:week(?:end)?|month|year)\b` +
		`|(?:over\s)?the\sweekend\b` +
		`|(?:(?:by|before)\s)?(?:the\s)?end\sof\s(?:the\s)?(?:day|week|month|year)\b` +
		`|(?:with)?in\s(?:a|an|one|two|three|four|five|six|a\sfew|a\scouple(?:\sof)?|the\snext(?:\sfew|\scouple(?:\sof)?)?(?:\s\d{1,2})?|\d{1,2})\s(?:days?|weeks?|months?|hours?)\b` +
		`|(?:this|next|before|by|in\sthe|over\sthe)\s(?:winter|summer|spring|fall|autumn|holidays)\b` +
		`|before\s(?:christmas|thanksgiving|the\sholidays|school\sstarts|the\snew\syear|new\syear'?s)` +
		`|(?:in\sthe\s(?:morning|afternoon|evening)|(?:weekday\s)?(?:mornings|afternoons|evenings)|weekdays|weekends)\b`

	tmUrgent = `(?:asap\b|a\.s\.a\.p\.?|as\ssoon\sas\s(?:possible|you\scan)\b|(?:not\s|non-?|no\s|isn't\s|is\snot\s|not\san\s)?(?:urgent(?:ly)?|emergency)\b|right\saway\b|right\snow\b|immediately\b|same[-\s]day\b|no\srush\b|no\shurry\b|(?:not\s)?in\sa\s(?:rush|hurry)\b)`

	tmClockOnly = `(?:at|after|before|around|by|between|anytime\safter|any\stime\safter|sometime\safter)\s` + tmClockAP + tmClockTo +
		`|(?:(?:at|after|before|around|by)\s)?` + tmClockAP + `\s(?:on\s)?(?:today|tonight|tomorrow|` + tmWeekday + `)\b`
)

var (
	reTiming = func() *regexp.Regexp {
		re := regexp.MustCompile(`(?i)\b(?:` + tmDay + `|` + tmDate + `|` + tmRelative + `|` + tmUrgent + `|` + tmClockOnly + `)`)
		re.Longest() // "next Tuesday morning at 10", not "next Tuesday"
		return re
	}()
	// A day in the past is not when the lead wants something.
	rePastBefore = regexp.MustCompile(`(?i)\b(?:last|since|past|ago|yesterday)\s*$`)
	// "by" after a verb of visiting is not a deadline.
	reVisitBefore = regexp.MustCompile(`(?i)\b(?:come|coming|came|stop|stopping|drop|dropping|swing|swinging|pop|popping|run|head)\s+$`)
	// An ordinal that counts something is not a date.
	reOrdinalNoun = regexp.MustCompile(`(?i)^\s(?:floor|time|one|person|people|grade|car|vehicle|house|home|unit|bedroom|bathroom|story|opinion|gen|generation|row|option|quote|estimate|tooth|molar|visit|child|kid|baby|driver|policy|owner|street|st|ave|avenue|place|step)\b`)
	// A fraction is not a date: "3/4 inch", "1/2 of".
	reFractionAfter = regexp.MustCompile(`(?i)^\s?(?:in\b|inch|"|''|of\b|hp\b|pipe|line|bath|ton|cup)`)
	reNumericDate   = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})`)
	reTimingWord    = regexp.MustCompile(`(?i)\b(?:` + tmWeekday + `s?|` + tmMonthAb + `|asap|a\.s\.a\.p\.?|tmrw|tmrow|tmr|tomorow|tommorow|tommorrow|christmas|thanksgiving)(?:\b|$)`)
)

// timingFrom finds when the lead wants it: the last mention in the
// newest message that has one, in the lead's words, lower case except
// day and month names and ASAP.
func timingFrom(lead []string) string {
	for i := len(lead) - 1; i >= 0; i-- {
		msg := oneLine(lead[i])
		matches := reTiming.FindAllStringSubmatchIndex(msg, -1)
		for j := len(matches) - 1; j >= 0; j-- {
			if t := timingCandidate(msg, matches[j]); t != "" {
				return t
			}
		}
	}
	return ""
}

func timingCandidate(msg string, loc []int) string {
	start, end := loc[0], loc[1]
	if end < len(msg) {
		if r, _ := utf8.DecodeRuneInString(msg[end:]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			return ""
		}
	}
	before := lastBytes(msg[:start], 40)
	if rePastBefore.MatchString(before) {
		return ""
	}
	if m := msg[start:end]; len(m) > 3 && strings.EqualFold(m[:3], "by ") && reVisitBefore.MatchString(before) {
		start += 3 // "come by tomorrow": a visit, not a deadline
	}
	if n := 2 * reTiming.SubexpIndex("ordinal"); loc[n] >= 0 && reOrdinalNoun.MatchString(msg[end:]) {
		return "" // "the 2nd floor", "for the 3rd time"
	}
	if n := 2 * reTiming.SubexpIndex("numeric"); loc[n] >= 0 {
		if !plausibleDate(msg[loc[n]:loc[n+1]]) || reFractionAfter.MatchString(msg[end:]) {
			return ""
		}
		if r, _ := utf8.DecodeLastRuneInString(msg[:loc[n]]); unicode.IsDigit(r) || r == '/' {
			return ""
		}
	}
	return normaliseTiming(msg[start:end])
}

func plausibleDate(s string) bool {
	m := reNumericDate.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	month, _ := strconv.Atoi(m[1])
	day, _ := strconv.Atoi(m[2])
	return month >= 1 && month <= 12 && day >= 1 && day <= 31
}

func normaliseTiming(s string) string {
	s = strings.ToLower(oneLine(s))
	for _, p := range []string{"on ", "for "} {
		s = strings.TrimPrefix(s, p) // "on Saturday", "for the 15th"
	}
	return reTimingWord.ReplaceAllStringFunc(s, func(w string) string {
		switch w {
		case "asap", "a.s.a.p", "a.s.a.p.":
			return "ASAP"
		case "tmrw", "tmrow", "tmr", "tomorow", "tommorow", "tommorrow":
			return "tomorrow"
		}
		r, size := utf8.DecodeRuneInString(w)
		return string(unicode.ToUpper(r)) + w[size:]
	})
}
