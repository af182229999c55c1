package agent

import (
	"math"
	"regexp"
	"strings"

	"github.com/leadagent/leadagent/lexicon"
)

// This file reads what a lead's question asks: its words, each weighted by
// how much it says, and the kind of fact it wants (a price, a time, a
// duration). Everything here is general English; what the business calls
// things comes from its knowledge.

// kind is the kind of fact a question wants.
type kind int

const (
	kindAny       kind = iota
	kindPrice          // how much, what does it cost
	kindDuration       // how long, how many days
	kindTime           // when, what time, are you open
	kindNumber         // how many, how old
	kindPerson         // who
	kindPlace          // where, what's the address
	kindSince          // how long have you been in business
	kindPayment        // do you take cards, how can I pay
	kindFinancing      // payment plans, monthly payments, financing
	kindPhone          // what's your number
	kindEmail          // what's your email
	kindHours          // what are your hours, are you open on Saturdays
	kindDiscount       // do you have a military discount, any specials
	kindRating         // do you have reviews, how are you rated
	kindWalkIn         // do I need an appointment, do you take walk-ins
)

// factQuestions are the kinds of question whose answer is a kind of fact
// more than a topic: no word of "where are you located" or "how long have
// you been in business" is in "3150 S. Racine Ave." or "started in 2007".
// cue stands for what is asked when no cue word of the kind says it, and
// is met by a unit stating the fact; search is how knowledge writes such
// facts, added to what the retriever is asked; frame are the question's
// words that only say how it asks ("located", "in business"): they weigh
// as cue words and meet no synonym ("located" is not "placed").
//
// names: the frame words also name what is asked ("financing"), so a
// heading or FAQ question with them is about it; "open" in "when are you
// open?" names no section "Open houses".
var factQuestions = map[kind]struct {
	cue, search string
	frame       map[string]bool
	names       bool
}{
	kindPlace: {cue: "where", search: "address located location street avenue suite office directions visit",
		frame: wordSet(`located location address directions`)},
	kindPayment: {cue: "pay", search: "accept visa mastercard american express discover cash check debit credit card payment",
		frame: wordSet(`take accept credit debit card cards form forms method methods payment payments pay way ways kind kinds type types`),
		names: true},
	kindFinancing: {cue: "financing", search: "financing payment plan monthly payments apr interest months",
		frame: wordSet(`monthly payment payments plan plans make over time installment installments finance financing pay
	option options way ways`), names: true},
	kindPhone: {cue: "phone", search: "phone call text number",
		frame: wordSet(`phone number call text reach contact cell office main line`)},
	kindEmail: {cue: "email", search: "email address",
		frame: wordSet(`email e-mail mail address contact`)},
	kindHours: {cue: "hours", search: "hours open monday friday saturday sunday a.m. p.m. closed",
		frame: wordSet(`hours hour open opens opening close closes closing closed time times late early day days work`)},
	kindDiscount: {cue: "discount", search: "discount off save coupon promotion special",
		frame: wordSet(`discount discounts discounted coupon coupons promo promos promotion promotions promotional code codes
	deal deals special specials off save saving savings`), names: true},
	kindRating: {cue: "reviews", search: "reviews stars rating rated google yelp bbb",
		frame: wordSet(`review reviews rating ratings rated star stars google yelp bbb testimonial testimonials online
	customer customers client clients good read see check look`), names: true},
	kindWalkIn: {cue: "appointment", search: "walk-ins welcome by appointment only appointment required first come first served",
		frame: wordSet(`need needed require required necessary appointment appointments walk walk-in walk-ins show stop drop come
	make book schedule`), names: true},
	kindSince: {cue: "since", search: "since founded opened started established years",
		frame: wordSet(`when business around open opened founded started start established company firm long`)},
}

// term is one word (or run-together phrase) of a question.
type term struct {
	word string // as the lead wrote it, lower case
	key  string // lexicon key
	// base is how much the word says in English, before the scales of
	// where it was said (an aside, an earlier turn, a cue word).
	base float64
	// alts are the keys of its derived words ("pay" for "payment"), then
	// of its synonyms, which meet it in part; derived counts the first.
	alts    []string
	derived int
	weight  float64
	// phrase: several words the lexicon knows as one thing ("water
	// heater"); its words are terms of their own too.
	phrase bool
	// background: from earlier turns, not the lead's new message. It says
	// what a follow-up is about, not what it asks.
	background bool
	// aside: said around the question, not in it ("hail wrecked our roof
	// last week" before "do you deal with insurance?"): it tells why the
	// lead asks, and the answer rarely repeats it.
	aside bool
	// cue: a word that says what kind of fact is asked ("cost").
	cue bool
	// asks is the fact question a cue frames ("located" an address, see
	// factQuestions); kindAny for other words.
	asks kind
	// implied are the keys of what the word stands for ("weekday":
	// Monday to Friday); they meet it in full.
	implied []string
	// comparative: "longest", "cheaper".
	comparative bool
	// mod is the key of the word before it in the question, when that
	// word may say which kind of it is meant ("pool" of "pool pumps").
	mod string
	// compound is the lexicon's compound of the word before it and this
	// one ("solar panel" of "solar panels"), when it knows one.
	compound string
	// prev and next are the keys of the words before and after it,
	// unless stopwords.
	prev, next string
	// common: a word of everyday English (WordNet's sense-tagged corpus
	// has it), not only a name WordNet knows.
	common bool
	// known: an English word the lexicon has (else a name, a typo or the
	// business's own term).
	known bool
}

// question is what one message asks.
type question struct {
	text  string // normalised
	terms []term
	kind  kind
	// capability: the lead asks whether the business does something
	// ("do you do payment plans?").
	capability bool
	// followUp: the message leans on earlier turns, whose words joined it.
	followUp bool
	// spanish: the message is written in Spanish, at least in part.
	spanish bool
}

// Weights of a question's words. A word's weight falls with how common it
// is in ordinary English (WordNet's tag counts): "roof" says more than
// "get". A number says little of what is asked ("a 2019 corolla").
const (
	commonScale    = 20.0
	numberWeight   = 0.3
	phraseBonus    = 1.2
	backgroundLead = 0.5 // an earlier message of the lead's
	backgroundAI   = 0.35
	asideWeight    = 0.6
	offeredTopic   = 0.8 // what the agent's last question offered ("Want details on the warranty?")
)

// textSpeak spells out how people text. It is general English, not any
// business's words.
var textSpeak = map[string]string{
	"u": "you", "ur": "your", "r": "are", "ya": "you", "yall": "you", "y'all": "you", "pls": "please", "plz": "please",
	"thx": "thanks", "tho": "though", "thru": "through", "w": "with", "b4": "before", "bc": "because", "cuz": "because",
	"tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow", "2day": "today", "2nite": "tonight", "rn": "now",
	"hw": "how", "wat": "what", "wut": "what", "whats": "what is", "hrs": "hours", "hr": "hour", "mins": "minutes",
	"wk": "week", "wks": "weeks", "mo": "month", "mos": "months", "yr": "year", "yrs": "years", "appt": "appointment",
	"appts": "appointments", "info": "information", "approx": "approximately", "n": "and", "im": "i am",
	"dont": "do not", "cant": "cannot", "wont": "will not", "doesnt": "does not", "isnt": "is not", "didnt": "did not",
	"ppl": "people", "abt": "about", "bday": "birthday", "chnge": "change", "ok": "ok", "ty": "thanks",
	"gonna": "going to", "wanna": "want to", "gotta": "have to", "kinda": "kind of", "sorta": "sort of",
	"youre": "you are", "youve": "you have", "youll": "you will", "ive": "i have", "hes": "he is", "shes": "she is",
	"theyre": "they are", "theyve": "they have", "thats": "that is", "wheres": "where is", "whos": "who is",
	"theres": "there is", "heres": "here is", "arent": "are not", "wasnt": "was not", "werent": "were not",
	"couldnt": "could not", "wouldnt": "would not", "shouldnt": "should not", "hasnt": "has not",
	"havent": "have not", "hadnt": "had not", "aint": "is not",
}

// textMarks are spelt out before reading a message.
var textMarks = strings.NewReplacer("’", "'", "‘", "'", "w/", "with ", "&", " and ", "%", " percent ")

// reReachingOut is a lead saying that they call or write ("I'm calling
// about storage", "just texting to ask"): how the message reaches the
// business, not what it is about. What follows it is kept.
var reReachingOut = regexp.MustCompile(`\b(?:i'm|i am|im|i was|i'll be|just)\s+(?:just\s+)?(?:calling|texting|writing|messaging|emailing|e-mailing|reaching out|contacting you|getting in touch|inquiring|enquiring)\b(\s*(?:about|regarding|re|to|because|for|with|since|on)\b)?`)

// reInAdvance is the idiom for "ahead" ("book two weeks in advance"),
// whose "advance" is not the one of "advanced engine performance".
var reInAdvance = regexp.MustCompile(`\bin advance\b`)

// reWhatsTheDamage is the idiom for a price.
var reWhatsTheDamage = regexp.MustCompile(`\bwhat(?:'s| is|s) the damage\b`)

// twoAsTo are verbs after which a "2" is "to" ("how much to come out").
var twoAsTo = wordSet(`come go get be do see look make have take pay fix book schedule move start stop call
	check help find put bring send replace repair install clean change drop pick ship buy sell`)

// normalize lower-cases a message and spells out text speak.
func normalize(text string) string {
	text = strings.ToLower(FoldGSM(text))
	text = textMarks.Replace(text)
	text = reWhatsTheDamage.ReplaceAllString(text, "how much")
	text = reReachingOut.ReplaceAllString(text, "$1")
	text = reInAdvance.ReplaceAllString(text, "ahead")
	ws := strings.Fields(text)
	for i, f := range ws {
		core := strings.Trim(f, ".,!?;:()\"")
		next := ""
		if i+1 < len(ws) {
			next = strings.Trim(ws[i+1], ".,!?;:()\"")
		}
		switch {
		case core == "4" && next != "" && !isNumber(next) && !strings.HasPrefix(next, "$") && next != "of":
			ws[i] = strings.Replace(f, core, "for", 1)
		case core == "4" && isNumber(next):
			ws[i] = strings.Replace(f, core, "for", 1)
		case core == "2" && twoAsTo[next]:
			ws[i] = strings.Replace(f, core, "to", 1)
		default:
			if s, ok := textSpeak[core]; ok {
				ws[i] = strings.Replace(f, core, s, 1)
			}
		}
	}
	return strings.Join(ws, " ")
}

// stopwords carry no topic: function words, and how people frame a
// question or a text.
var stopwords = wordSet(`a about above after again all also am an and any anyone anything are aren't as at
	be because been before being below between both but by can can't cannot could couldn't did didn't do does
	doesn't doing don't down during each either few for from further get gets getting got had hadn't has hasn't
	have haven't having he her here hers herself him himself his how i i'd i'll i'm i've if in into is isn't it
	it's its itself just let let's me might more most must my myself no nor not of off on once only or other ought
	our ours ourselves out over own same she should shouldn't so some such than that that's the their theirs them
	themselves then there there's these they they'd they'll they're they've this those through to too under
	until up upon us very was wasn't we we'd we'll we're we've were weren't what what's where where's which while
	who who's whom why will with won't would wouldn't you you'd you'll you're you've your yours yourself
	yourselves hi hello hey hiya howdy yo bye goodbye thanks thank please sure yes yeah yep yup nope ok okay
	guys guy folks know need needs want wants wanted like wondering wonder question questions ask asking tell
	also really actually maybe still kind sort thing things something stuff anybody someone somebody one ones
	lot lots much many well good great awesome right now going coming honestly basically probably lol haha
	though even ever usually typically generally normally roughly approximately around able hoping hope
	curious quick quickly just anyway uh um umm uhh hmm er erm ah oh huh ya yea everything nothing everyone
	anyways else whatever per when offer offers offered offering provide provides provided give gives anymore
	already yet currently recently lately definitely certainly exactly literally totally pretty super seriously
	suddenly apparently obviously hopefully unfortunately fortunately luckily every`)

// cueWords ask what kind of fact is wanted ("how much", "what does it
// cost"): they frame the question, and the answer states a price rather
// than repeating them. A fact question's own framing words are in
// factQuestions.
var cueWords = wordSet(`cost costs price prices pricing priced charge charges charged fee fees rate rates ballpark
	expensive cheap afford affordable run runs long soon quickly fast quote quotes`)

// cueWeight scales a cue word's weight.
const cueWeight = 0.3

// isStop reports whether a word carries no topic.
func isStop(w string) bool {
	return stopwords[w] || len(w) == 1 && !isNumber(w)
}

var (
	reAskPrice     = regexp.MustCompile(`\bhow much\b|\bcosts?\b|\bpric(?:e|es|ing|ey)\b|\bcharges?\b|\bfees?\b|\brates?\b|\bballpark\b|\bexpensive\b|\bcheap\b|\bafford|\bwhat'?s the damage\b|\bwhat (?:do|does|would|will) .{1,40}\brun\b|\bper (?:hour|month|week)\b|\bupfront\b|\bdeposit\b|\bpay (?:for|anything|extra|more)\b|\bpercent(?:age)?\b|\byour cut\b`)
	reAskDuration  = regexp.MustCompile(`\bhow long\b|\bhow many (?:days|hours|weeks|months|years|minutes)\b|\bhow (?:soon|fast|quickly)\b|\btake long\b|\bhow far (?:ahead|in advance)\b`)
	reAskTime      = regexp.MustCompile(`(?:^|[?.!,;:]\s*|\b(?:and|so|but|ok|okay|then)\s+)when\b|\bwhat time\b|\bwhat days?\b|\bopen\b|\bhours\b|\bclose[ds]?\b|\bsaturdays?\b|\bsundays?\b|\bweekends?\b|\bevenings?\b|\bmornings?\b|\blate\b|\bearly\b`)
	reAskNumber    = regexp.MustCompile(`\bhow many\b|\bhow old\b|\bwhat age\b|\bminimum age\b|\bhow big\b|\bhow much (?:weight|space|room)\b`)
	reAskPlace     = regexp.MustCompile(`\bwhere(?:'s| is| are| r)? (?:you|u|your|ur|y'all|yall|the (?:office|shop|store|clinic|showroom|location))\b|\b(?:located|location|address|directions)\b`)
	reAskSince     = regexp.MustCompile(`\bhow long (?:have|has|ve|'ve) (?:you|u|y'all|yall|ya|your [a-z]+|the [a-z]+)(?: guys| all)? been (?:in business|around|open|doing (?:this|it)|at it)\b|\bhow (?:long|many years) (?:in business|have you been in business)\b|\bwhen (?:was|were|did) (?:you|u|y'all|yall|your [a-z]+|the [a-z]+) (?:founded|started|established|get started|open|start)\b|\bhow old is (?:your|the) (?:company|business|firm|shop|practice|office)\b|\byears in business\b`)
	reAskPayment   = regexp.MustCompile(`\b(?:take|accept|use)(?: [a-z]+){0,2} (?:cards?|credit|debit|checks?|cash|amex|visa|mastercard|discover|apple pay|google pay|zelle|venmo|paypal)\b|\b(?:forms?|methods?|ways?|kinds?|types?) (?:of|to) pay(?:ment|ing)?\b|\bhow (?:can|do|could|should) (?:i|we) pay\b|\bpayment (?:methods|options|types)\b`)
	reAskFinancing = regexp.MustCompile(`\bmonthly payments?\b|\bpayment plans?\b|\bfinanc(?:e|ing)\b|\bpay (?:it |this |that )?(?:off )?(?:over time|in installments|monthly|in payments|a little at a time)\b|\binstallments?\b|\bmake payments\b|\bpayments? options?\b`)
	reAskPhone     = regexp.MustCompile(`\bphone ?(?:number|#|no)\b|\b(?:your|ur|office|main|what) (?:phone|number|contact number|cell)\b|\b(?:the|a) (?:phone|contact|cell) number\b|\b(?:the|a) number (?:to|for|i can|we can)\b|\bnumber (?:to|i can|can i|i should|should i|do i) (?:call|text|reach)\b|\bcall (?:you|u|y'all|yall) (?:at|on)\b`)
	reAskDiscount  = regexp.MustCompile(`\bdiscount(?:s|ed)?\b|\bcoupons?\b|\bpromo(?:tion)?s?\b|\bpromo codes?\b|\bspecials\b|\bany special\b|\bspecial (?:offers?|deals?|pricing|prices|rates?)\b|\bany deals?\b|\b(?:%|percent) off\b`)
	reAskRating    = regexp.MustCompile(`(?:^|\b(?:any|your|ur|some|good|bad|google|yelp|online|customer|client|the|see|read|have|got|check)\s+)reviews\b|\bratings?\b|\bhow (?:are|r) (?:you|u|y'all|yall) rated\b|\bstar rating\b|\bbbb\b|\btestimonials?\b`)
	reAskWalkIn    = regexp.MustCompile(`\b(?:need|have|require|got) (?:to (?:make|book|schedule|have) )?an? appointment\b|\bappointments? (?:needed|required|necessary)\b|\bwalk[- ]?ins?\b|\bwalk in\b|\b(?:just|can i|can we) (?:show up|stop by|drop by|drop in|come in|come by)\b|\bwithout an appointment\b`)
	reAskEmail     = regexp.MustCompile(`\b(?:your|ur|the|an|what|what's|whats) e-?mail(?: address)?\b|\be-?mail address\b|\bcan (?:i|we) e-?mail (?:you|u)\b`)
	reAskHours     = regexp.MustCompile(`\b(?:your|ur|the|office|business|opening|shop|store|clinic|operating) hours\b|\bhours of operation\b|\bwhen (?:are|r|do|does|is) (?:you|u|y'all|yall|ya|the (?:office|shop|store|clinic))(?: guys| all)? (?:open|close)\b|\bwhat time (?:do|does|are) (?:you|u|y'all|yall|ya|the (?:office|shop|store|clinic))(?: guys| all)? (?:open|close)\b|\b(?:are|r|is) (?:you|u|y'all|yall|ya|the (?:office|shop|store|clinic))(?: guys| all)? (?:open|closed)\b|\b(?:work|open)(?: on)? (?:weekends?|saturdays?|sundays?|evenings?|holidays?)\b`)
	// reOpenTo is "open" as willing ("are you open to negotiating?").
	reOpenTo     = regexp.MustCompile(`\bopen (?:to|for) (?:[a-z]+ing|offers?|suggestions?|ideas?|negotiation|discussion|that|it|this|them)\b`)
	reAskPerson  = regexp.MustCompile(`(?:^|[.?!,]\s*)who(?:'s| is| are| will| would| does| do)\b`)
	reCapability = regexp.MustCompile(leadIn + `(?:do|does|can|could|will|would|are|is|have|r|any chance) (?:you|u|y'all|yall|ya|your|there|anyone|any of|one of)\b`)
	// reAsksYou opens a question whether the business does something ("do
	// you work on motorcycles?"), which what it does not do may answer;
	// "do your repairs come with a warranty?" asks about a thing it does.
	reAsksYou = regexp.MustCompile(leadIn + `(?:do|does|can|could|will|would|are|r|is|have|any chance) (?:you|u|y'all|yall|ya)\b`)
	// reNamesThem opens a question that asks to be told which ("what areas
	// do you serve?", "which brands do you carry?"): what the business
	// does not do names none of them.
	reNamesThem = regexp.MustCompile(leadIn + `(?:what|which)(?: [a-z]+)?s (?:do|does|can|will|would) (?:you|u|y'all|yall)\b`)
)

// leadIn is what may open a message before its question: a greeting, "ok",
// "so".
const leadIn = `^(?:(?:hi|hello|hey|hola|ok|okay|so|and|also|um|uh|yeah)\W+)*`

// kindTest says whether a text asks for, or states, a kind of fact.
type kindTest struct {
	k    kind
	test func(string) bool
}

// askTests say what kind of fact a message asks for, in order: the first
// that matches wins ("how long have you been in business" asks when the
// business began before it asks a duration).
var askTests = []kindTest{
	{kindSince, reAskSince.MatchString},
	{kindPhone, reAskPhone.MatchString},
	{kindEmail, reAskEmail.MatchString},
	{kindFinancing, reAskFinancing.MatchString},
	{kindPayment, reAskPayment.MatchString},
	{kindDiscount, reAskDiscount.MatchString},
	{kindRating, reAskRating.MatchString},
	{kindWalkIn, reAskWalkIn.MatchString},
	{kindHours, func(s string) bool { return reAskHours.MatchString(s) && !reOpenTo.MatchString(s) }},
	{kindDuration, reAskDuration.MatchString},
	{kindNumber, reAskNumber.MatchString},
	{kindPrice, reAskPrice.MatchString},
	{kindTime, reAskTime.MatchString},
	{kindPerson, reAskPerson.MatchString},
	{kindPlace, reAskPlace.MatchString},
}

// kindOf is the kind of fact a normalised message asks for.
func kindOf(text string) kind {
	for _, t := range askTests {
		if t.test(text) {
			return t.k
		}
	}
	return kindAny
}

// termWeight is how much a word says, by how common it is in English.
func termWeight(lex *lexicon.Lexicon, w string) float64 {
	if isNumber(strings.TrimLeft(w, "$")) {
		return numberWeight
	}
	c := float64(lex.Count(w))
	return 1 / (1 + math.Log1p(c/commonScale))
}

// readQuestion reads a lead's message.
func readQuestion(lex *lexicon.Lexicon, text string) question {
	return readQuestionIn(lex, text, false)
}

// readQuestionIn reads a lead's message, or a part of one; spanish says
// the whole message is written in Spanish, which one part alone may not
// show ("donde esta la oficina? es en downtown?").
func readQuestionIn(lex *lexicon.Lexicon, text string, spanish bool) question {
	norm := normalize(text)
	spanish = spanish || isSpanish(norm)
	if spanish {
		norm = englishFrames(norm)
	}
	q := question{text: norm, kind: kindOf(norm), capability: reCapability.MatchString(norm), spanish: spanish}
	asked, aside := askedPart(norm)
	resolved := false
	if aside != "" && pointsBack(asked) {
		// "...to get anything out of these cases. how long do these
		// usually take?": what it points at, named in the story.
		if ref := referent(aside); ref != "" {
			asked, resolved = asked+" "+ref, true
		}
	}
	q.terms = termsOf(lex, asked, 1)
	if aside != "" && weightOf(q.terms) >= minAskedWeight && (resolved || !pointsBack(asked)) {
		have := map[string]bool{}
		for _, t := range q.terms {
			have[t.key] = true
		}
		var asides []term
		for _, t := range termsOf(lex, aside, asideWeight) {
			if !have[t.key] {
				t.aside = true
				asides = append(asides, t)
			}
		}
		// A long story around a short question says why the lead asks;
		// all told, it weighs no more than the question.
		if sum, asked := weightOf(asides), weightOf(q.terms); sum > asked {
			for i := range asides {
				asides[i].weight *= asked / sum
			}
		}
		q.terms = append(q.terms, asides...)
	} else {
		q.terms = termsOf(lex, norm, 1)
	}
	if q.spanish {
		q.terms = withoutSpanishStops(q.terms)
		cognates(q.terms)
	}
	if fq, ok := factQuestions[q.kind]; ok {
		for i, t := range q.terms {
			if fq.frame[t.word] {
				// "in business", "been around": how the question asks,
				// not what about ("business days" is no answer).
				if !t.cue {
					q.terms[i].weight *= cueWeight
				}
				q.terms[i].cue, q.terms[i].asks = true, q.kind
				q.terms[i].alts, q.terms[i].derived = nil, 0
			}
		}
		if !hasCue(q.terms, q.kind) {
			// "where is your office?": what is asked is an address,
			// which no word of the question says.
			q.terms = append(q.terms, term{word: fq.cue, key: "#" + fq.cue, base: factCueWeight, weight: factCueWeight * cueWeight,
				cue: true, asks: q.kind, known: true})
		}
	}
	return q
}

// fact is the kind of fact q asks for when its answer is that fact more
// than a topic (see factQuestions), else kindAny, which any text states.
func (q question) fact() kind {
	if _, ok := factQuestions[q.kind]; ok {
		return q.kind
	}
	return kindAny
}

// factCueWeight is how much a fact question's cue says ("where" asking
// for an address).
const factCueWeight = 0.5

// hasCue reports whether a cue word among ts asks for a fact of kind k.
func hasCue(ts []term, k kind) bool {
	for _, t := range ts {
		if t.asks == k {
			return true
		}
	}
	return false
}

// minAskedWeight is how much the asked part must say for the rest of a
// message to count as an aside: "is that something you do?" after a long
// story asks about the story.
const minAskedWeight = 0.6

// pointsBack reports whether text points at something named outside it
// ("do you do house calls out there?", "is that something you do?"): the
// rest of the message then says what is asked about.
func pointsBack(text string) bool {
	ws := words(text)
	for i, w := range ws {
		if w == "there" && existentialThere(ws, i) {
			continue // "is there a plan": no place
		}
		if w == "that" && i > 0 && !isStop(ws[i-1]) {
			continue // "a shingle that holds up": what it says of the shingle
		}
		if anaphora[w] {
			return true
		}
	}
	return false
}

// referent returns the thing a story last names with a demonstrative
// ("these cases", "those panels", "this plan"), for a question that
// points back at it, or "".
func referent(story string) string {
	ws := words(story)
	ref := ""
	for i := 0; i+1 < len(ws); i++ {
		switch ws[i] {
		case "this", "these", "those":
			if n := ws[i+1]; !isStop(n) && !isNumber(n) {
				ref = n
			}
		}
	}
	return ref
}

// existentialThere reports whether ws[i], "there", only says that
// something exists ("is there", "there are"), pointing nowhere.
func existentialThere(ws []string, i int) bool {
	return i > 0 && formsOfBe[ws[i-1]] || i+1 < len(ws) && formsOfBe[ws[i+1]]
}

var formsOfBe = wordSet(`is are was were be isnt arent`)

func weightOf(ts []term) float64 {
	sum := 0.0
	for _, t := range ts {
		if !t.phrase {
			sum += t.weight
		}
	}
	return sum
}

// reQuestionOpener opens a question, in a sentence or after a comma.
var reQuestionOpener = regexp.MustCompile(`^(?:(?:so|and|but|also|ok|okay|well|um|uh|like|just|hi|hey|hello|hola|yeah|anyway|anyways|btw|honestly|basically|quick question|question)\W+)*(?:what|what's|how|when|where|who|which|why|whats|do|does|did|can|could|is|are|will|would|should|any|anyone|have|has)\b`)

// askedPart splits a message into what it asks (its sentences or clauses
// that are questions) and the rest. A message without a recognisable
// question is all asked.
func askedPart(norm string) (asked, aside string) {
	var q, rest []string
	for _, sent := range splitLoose(norm) {
		// "hail wrecked our roof, do you deal with insurance?", "need a
		// crown but can't pay it all at once, do you do payment plans":
		// the question is the clause that opens as one.
		clauses := strings.Split(sent, ", ")
		at := -1
		for i, c := range clauses {
			if reQuestionOpener.MatchString(c) {
				at = i
				break
			}
		}
		switch {
		case at >= 0:
			if at > 0 {
				rest = append(rest, strings.Join(clauses[:at], ", "))
			}
			q = append(q, strings.Join(clauses[at:], ", "))
		case strings.HasSuffix(sent, "?"):
			q = append(q, sent)
		default:
			rest = append(rest, sent)
		}
	}
	if len(q) == 0 || len(rest) == 0 {
		return norm, ""
	}
	return strings.Join(q, " "), strings.Join(rest, " ")
}

// splitLoose splits lower-case text into sentences at ., ! and ? followed
// by a space.
func splitLoose(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if (s[i] == '.' || s[i] == '!' || s[i] == '?') && (i+1 == len(s) || s[i+1] == ' ') {
			if t := strings.TrimSpace(s[start : i+1]); t != "" {
				out = append(out, t)
			}
			start = i + 1
		}
	}
	if t := strings.TrimSpace(s[start:]); t != "" {
		out = append(out, t)
	}
	return out
}

// termsOf returns the terms of normalised text, each weighted and scaled
// by scale, without duplicates.
func termsOf(lex *lexicon.Lexicon, norm string, scale float64) []term {
	ws := words(norm)
	var out []term
	seen := map[string]bool{}
	add := func(t term) {
		if t.key == "" || seen[t.key] {
			return
		}
		seen[t.key] = true
		out = append(out, t)
	}
	for i, w := range ws {
		w = strings.Trim(strings.TrimSuffix(w, "'s"), "'")
		for n := 3; n >= 2; n-- {
			if i+n > len(ws) || isStop(ws[i]) || isStop(ws[i+n-1]) {
				continue
			}
			if p, ok := lex.Phrase(ws[i : i+n]...); ok {
				wt := 0.0
				for _, x := range ws[i : i+n] {
					wt = max(wt, termWeight(lex, x))
				}
				add(term{word: p, key: p, base: min(1, wt*phraseBonus), weight: min(1, wt*phraseBonus) * scale, phrase: true})
			}
		}
		if isStop(w) || frameVerb(ws, i) {
			continue
		}
		if p := ratePeriod(ws, i); p != "" {
			// "per month", "monthly": what a price is per.
			adj := adjectiveOf[p]
			wt := termWeight(lex, adj)
			add(term{word: adj, key: rateKey(p), base: wt, weight: wt * scale, known: true})
			continue
		}
		syn, der := altKeys(lex, w)
		t := term{word: w, key: lex.Key(w), alts: append(der, syn...), derived: len(der), base: termWeight(lex, w),
			weight: termWeight(lex, w) * scale, cue: cueWords[w]}
		if t.cue {
			t.weight *= cueWeight
		}
		t.known = lex.Known(w)
		t.common = lex.Count(w) > 0
		if i+1 < len(ws) && !isStop(ws[i+1]) {
			t.next = lex.Key(ws[i+1])
		}
		if i > 0 && !isStop(ws[i-1]) {
			t.prev = lex.Key(ws[i-1])
		}
		if modifies(ws, i) {
			t.mod = lex.Key(ws[i-1])
			if p, ok := lex.Phrase(ws[i-1], w); ok {
				t.compound = p
			}
		}
		for _, x := range strings.Fields(implied[w]) {
			t.implied = append(t.implied, lex.Key(x))
		}
		// "longest", "cheaper": a comparison between things named
		// before, not a topic of its own.
		t.comparative = t.known && lex.Lemma(w) != w && (strings.HasSuffix(w, "est") || strings.HasSuffix(w, "er"))
		add(t)
	}
	return out
}

// frameVerb reports whether ws[i] is a verb that only frames what a lead
// asks about, as "do" and "offer" do: the "deal" of "do you deal with
// insurance?".
func frameVerb(ws []string, i int) bool {
	switch ws[i] {
	case "deal", "deals", "dealing":
		return i+1 < len(ws) && ws[i+1] == "with"
	}
	return false
}

// modifies reports whether the word before ws[i] may say which kind of
// it is meant ("pool" of "pool pumps"), rather than be the verb that
// takes it ("repair" of "do you repair pumps", "fixing pumps").
func modifies(ws []string, i int) bool {
	if i == 0 {
		return false
	}
	prev := ws[i-1]
	if isStop(prev) || isNumber(prev) || strings.HasSuffix(prev, "ing") || strings.HasSuffix(prev, "ed") {
		return false
	}
	if i >= 2 {
		switch ws[i-2] {
		case "you", "u", "i", "we", "they", "to", "ya", "yall", "y'all", "guys", "please", "can", "could", "will",
			"come", "go", "help", "just", "also":
			// "do you repair pumps", "can you come fix pumps": a verb.
			return false
		}
	}
	return true
}

// altKeys are the keys of a word's synonyms and derived words, single
// words only: a phrase among synonyms ("put in" for "install") would meet
// any text with "put".
func altKeys(lex *lexicon.Lexicon, w string) (synonyms, derived []string) {
	seen := map[string]bool{lex.Key(w): true}
	keys := func(list []string) []string {
		var out []string
		for _, s := range list {
			if strings.Contains(s, " ") || isStop(s) {
				continue
			}
			if k := lex.Key(s); !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
		return out
	}
	derived = keys(lex.Derived(w))
	return keys(lex.Synonyms(w)), derived
}

// implied are what some general words stand for, which knowledge writes
// out: a weekday is Monday to Friday, and a new one of something is
// installed or replaced.
var implied = map[string]string{
	"weekday": "monday tuesday wednesday thursday friday", "weekdays": "monday tuesday wednesday thursday friday",
	"weekend": "saturday sunday", "weekends": "saturday sunday",
	"holiday": "thanksgiving christmas memorial easter", "holidays": "thanksgiving christmas memorial easter",
	"new":  "install installation replace replacement",
	"amex": "american express",
}

// anaphora refer back to something named earlier.
var anaphora = wordSet(`it its it's that that's this these those them they they're one ones there`)

// followUpOpener starts a message that continues the previous question.
var followUpOpener = regexp.MustCompile(`^\W*(?:(?:ok(?:ay)?|cool|great|thanks|and|so|also|but|yeah|yes|hmm|oh)\W+)*(?:what about|how about|what if|and|also|same|plus|is that|does that|would that|will that|do they|does it|is it|can i|can we)\b`)

// withHistory folds the earlier turns into a follow-up's question: a
// message that leans on them ("how much is the metal one?", "and on
// saturdays?") is about what the lead asked before and what the agent
// offered last. Their words join as background, weighted less.
func withHistory(lex *lexicon.Lexicon, q question, history []Message) question {
	if !isFollowUp(q) || len(history) == 0 {
		return q
	}
	q.followUp = true
	have := map[string]bool{}
	for _, t := range q.terms {
		have[t.key] = true
	}
	addAll := func(ts []term) {
		for _, t := range ts {
			if !have[t.key] {
				have[t.key] = true
				t.background = true
				q.terms = append(q.terms, t)
			}
		}
	}
	leads, ais := 0, 0
	for i := len(history) - 1; i >= 0 && leads+ais < 3; i-- {
		m := history[i]
		switch m.From {
		case FromAI:
			if ais > 0 {
				continue
			}
			ais++
			text := strings.TrimSpace(m.Text)
			if offer := lastQuestion(text); offer != "" {
				// "Want details on the warranty?": a "yes, how long?" is
				// about the warranty.
				addAll(termsOf(lex, normalize(offer), offeredTopic))
			}
			addAll(termsOf(lex, normalize(text), backgroundAI))
		case FromLead:
			if leads > 0 {
				continue
			}
			leads++
			addAll(termsOf(lex, normalize(m.Text), backgroundLead))
		}
	}
	if q.kind == kindAny {
		for i := len(history) - 1; i >= 0; i-- {
			if history[i].From == FromLead {
				q.kind = kindOf(normalize(history[i].Text))
				break
			}
		}
	}
	return q
}

// lastQuestion returns the question a message ends with, if any.
func lastQuestion(text string) string {
	if !strings.HasSuffix(text, "?") {
		return ""
	}
	sents := SplitSentences(text)
	return sents[len(sents)-1]
}

// isFollowUp reports whether a message leans on earlier ones for its
// topic: it names no topic of its own, opens as a continuation, or is
// short and points back ("how long is it").
func isFollowUp(q question) bool {
	own := 0.0
	for _, t := range q.terms {
		if !t.background && !t.phrase {
			own += t.weight
		}
	}
	if own < 0.5 || followUpOpener.MatchString(q.text) {
		return true
	}
	// The main clause points back: "do i get that back if i let you do
	// the repair?" is about what came before, however long its "if".
	ws := words(q.text)
	for i, w := range ws {
		if i > 0 && subordinators[w] {
			ws = ws[:i]
			break
		}
	}
	if len(ws) > 12 {
		return false
	}
	for _, w := range ws {
		if anaphora[w] {
			return true
		}
	}
	return false
}

// subordinators open a clause that hangs on the main one.
var subordinators = wordSet(`if when because since unless once while whether`)

// searchText is what the retriever is asked for a question: the lead's
// words, then the earlier turns' when it is a follow-up.
func (q question) searchText() string {
	var bg []string
	for _, t := range q.terms {
		if t.background && !t.phrase {
			bg = append(bg, t.word)
		}
	}
	if fq, ok := factQuestions[q.kind]; ok {
		// Knowledge states such a fact in other words than the lead's
		// ("where" and an address): search for how it is written too.
		bg = append(bg, fq.search)
	}
	return strings.TrimSpace(q.text + " " + strings.Join(bg, " "))
}
