package agent

import (
	"regexp"
	"strings"
	"unicode"
)

// Cue terms stand for what kind of fact a question wants. A sentence
// carries a cue when it states such a fact (a price, a time, a duration),
// so "how much is it?" prefers the sentence with the dollar amount.
const (
	cuePrice    = "#price"
	cueTime     = "#time"
	cueDuration = "#duration"
	// cueFree: the sentence says something costs nothing, half an answer
	// to "how much".
	cueFree = "#free"
)

// Weights of what a question asks for. Generic words ("install", "new",
// "service") say little about which fact is wanted; a cue says what kind.
const (
	weightSpecific = 1.0
	weightGeneric  = 0.35
	weightCue      = 0.5
	// weightSymptom is for how a lead describes a problem ("making a
	// weird noise"): it tells why they write, but the knowledge rarely
	// says it, and the fact wanted (the visit's price) is stated without it.
	weightSymptom = 0.15
	// ownedDiscount scales a word after "my" or "our": the lead's own
	// equipment ("my furnace") says what the visit is for, while the fact
	// wanted ("what do you charge to come out") is usually stated without it.
	ownedDiscount = 0.5
)

// phrases are rewritten to one token before tokenizing, longest first, so
// "air conditioner" and "AC" meet, and "water heater" is not mistaken for
// "heat". Keys are lower case and matched on word boundaries.
var phrases = []struct{ from, to string }{
	{"good morning", "hi"},
	{"good afternoon", "hi"},
	{"good evening", "hi"},
	{"good night", "bye"},
	{"hot water heaters", "waterheater"},
	{"hot water heater", "waterheater"},
	{"water heaters", "waterheater"},
	{"water heater", "waterheater"},
	{"no hot water", "waterheater"},
	{"hot water", "waterheater"},
	{"air conditioners", "ac"},
	{"air conditioner", "ac"},
	{"air conditioning", "ac"},
	{"air con", "ac"},
	{"central air", "ac"},
	{"a/c", "ac"},
	{"heat pumps", "heatpump"},
	{"heat pump", "heatpump"},
	{"mini splits", "ductless"},
	{"mini split", "ductless"},
	{"mini-splits", "ductless"},
	{"mini-split", "ductless"},
	{"tune ups", "tuneup"},
	{"tune up", "tuneup"},
	{"tune-ups", "tuneup"},
	{"tune-up", "tuneup"},
	{"check ups", "tuneup"},
	{"check up", "tuneup"},
	{"check-up", "tuneup"},
	{"same-day", "sameday"},
	{"same day", "sameday"},
	{"after hours", "afterhours"},
	{"after-hours", "afterhours"},
	{"24/7", "afterhours"},
	{"24 hours", "afterhours"},
	{"service area", "area"},
	{"come out here", "area"},
	{"come out there", "area"},
	{"come out this far", "area"},
	{"come out that far", "area"},
	{"come out this way", "area"},
	{"come out that way", "area"},
	{"service call", "diagnostic"},
	{"come out", "diagnostic"},
	{"come by", "diagnostic"},
	{"take a look", "diagnostic"},
	{"look at", "diagnostic"},
	{"check it out", "diagnostic"},
	{"send someone", "diagnostic"},
	{"trip charge", "travelfee"},
	{"trip fee", "travelfee"},
	{"travel fee", "travelfee"},
	{"travel charge", "travelfee"},
	{"ev charger", "evcharger"},
	{"ev chargers", "evcharger"},
	{"electric vehicle charger", "evcharger"},
	{"car charger", "evcharger"},
	{"tesla charger", "evcharger"},
	{"payment plans", "financing"},
	{"payment plan", "financing"},
	{"monthly payments", "financing"},
	{"maintenance plans", "maintenance"},
	{"maintenance plan", "maintenance"},
	{"comfort club", "maintenance"},
	{"still pay", "charge"},
	{"have to pay", "charge"},
	{"need to pay", "charge"},
	{"pay extra", "charge"},
	{"put in", "install"},
	{"go ahead", "approve"},
	{"any time", "anytime"},
	{"american express", "amex"},
	{"heat exchangers", "heatexchanger"},
	{"heat exchanger", "heatexchanger"},
	{"at least", "minimum"},
	{"or more", "minimum"},
	{"or older", "minimum"},
	{"and older", "minimum"},
	{"and up", "minimum"},
	{"or less", "maximum"},
	{"up to", "maximum"},
	{"what do i get", "include"},
	{"what do you get", "include"},
	{"what do we get", "include"},
	{"comes with", "include"},
	{"come with", "include"},
	{"how much", "howmuch"},
	{"how long", "howlong"},
	{"how soon", "howsoon"},
	{"how fast", "howsoon"},
	{"how quickly", "howsoon"},
	{"what time", "whattime"},
	{"what days", "whattime"},
	{"right now", "tonight"},
	{"background checked", "background"},
	{"background check", "background"},
	{"drug test", "background"},
	{"sewer line", "sewer"},
	{"garbage disposal", "disposal"},
	{"electrical panel", "panel"},
	{"breaker box", "panel"},
	{"fuse box", "panel"},
	{"not working", "broken"},
	{"stopped working", "broken"},
	{"doesn't work", "broken"},
	{"does not work", "broken"},
	{"isn't working", "broken"},
	{"won't turn on", "broken"},
}

// synonyms map a word (as written, or as stemmed) to the terms it stands
// for. The first term is the word's meaning; words that mean the same share
// it ("clean" and "clearing" are both "clear"). The rest are broader terms
// the word implies ("saturday" is also "weekend", "tankless" is also
// "waterheater"): a passage gets them all, while a question asks only for
// the first, so "tankless?" is not answered by any water heater sentence.
// A term starting with # is a cue.
var synonyms = map[string][]string{
	"ac": {"ac", "cool"}, "aircon": {"ac", "cool"}, "conditioner": {"ac"},
	"cool": {"cool"}, "cooling": {"cool"}, "cold": {"winter"}, "freezing": {"winter"}, "freeze": {"winter"},
	"winter":  {"winter"},
	"furnace": {"furnace", "heat"}, "furnaces": {"furnace", "heat"}, "boiler": {"furnace", "heat"},
	"heat": {"heat"}, "heating": {"heat"}, "heater": {"heat"}, "heatpump": {"heatpump", "heat", "cool"},
	"hvac":        {"hvac", "heat", "cool"},
	"waterheater": {"waterheater"}, "tankless": {"tankless", "waterheater"},
	"ductless": {"ductless"},
	"tuneup":   {"tuneup", "maintenance"}, "tuneups": {"tuneup", "maintenance"}, "maintenance": {"maintenance"},
	"maintain": {"maintenance"}, "membership": {"maintenance", "member"}, "member": {"member", "maintenance"},
	"members": {"member", "maintenance"}, "club": {"maintenance"},
	"plumber": {"plumb"}, "plumbers": {"plumb"}, "plumbing": {"plumb"},
	"electrician": {"electric"}, "electricians": {"electric"}, "electrical": {"electric"}, "electric": {"electric"},
	"leak": {"leak"}, "leaks": {"leak"}, "leaking": {"leak"}, "leaky": {"leak"}, "drip": {"leak"}, "dripping": {"leak"},
	"clog": {"clog", "drain"}, "clogged": {"clog", "drain"}, "unclog": {"drain", "clear"}, "snake": {"drain", "clear"},
	"clean": {"clear"}, "cleaning": {"clear"}, "cleaned": {"clear"}, "clear": {"clear"}, "clearing": {"clear"}, "drains": {"drain"}, "drain": {"drain"}, "backed": {"drain"},
	"fix": {"repair"}, "fixing": {"repair"}, "fixed": {"repair"}, "repairs": {"repair"}, "broken": {"repair"},
	"broke":   {"repair"},
	"replace": {"install"}, "replacing": {"install"}, "replacement": {"install"}, "replaced": {"install"},
	"installation": {"install"}, "installations": {"install"}, "installing": {"install"}, "installed": {"install"},
	"estimate": {"estimate"}, "estimates": {"estimate"}, "quote": {"estimate"}, "quotes": {"estimate"}, "bid": {"estimate"},
	"financing": {"financ"}, "finance": {"financ"}, "loan": {"financ"}, "loans": {"financ"},
	"apr": {"financ"}, "lending": {"financ"},
	"pay": {"pay"}, "payment": {"pay"}, "payments": {"pay"}, "paying": {"pay"}, "card": {"pay"}, "cards": {"pay"},
	"cash": {"pay"}, "check": {"pay"}, "checks": {"pay"}, "visa": {"pay"}, "mastercard": {"pay"},
	"amex":    {"amex", "pay"},
	"approve": {"approve"}, "approved": {"approve"}, "approval": {"approve"}, "proceed": {"approve"},
	"include": {"include"}, "includes": {"include"}, "included": {"include"}, "including": {"include"},
	"benefit": {"include"}, "benefits": {"include"}, "perk": {"include"}, "perks": {"include"},
	"coverage": {"cover"}, "minimum": {"minimum"}, "smallest": {"minimum"}, "maximum": {"maximum"}, "max": {"maximum"},
	"biggest": {"maximum"}, "largest": {"maximum"},
	"gal": {"gallon"}, "gallons": {"gallon"},
	"warranty": {"warranty"}, "warranties": {"warranty"}, "guarantee": {"warranty"}, "guaranteed": {"warranty"},
	"guarantees":  {"warranty"},
	"appointment": {"book"}, "appointments": {"book"}, "appt": {"book"}, "book": {"book"}, "booking": {"book"},
	"schedule": {"book"}, "scheduling": {"book"}, "scheduled": {"book"},
	"cancel": {"cancel"}, "cancellation": {"cancel"}, "cancelling": {"cancel"}, "canceling": {"cancel"},
	"reschedule": {"cancel", "book"}, "rescheduling": {"cancel", "book"},
	"area": {"area"}, "areas": {"area"}, "serve": {"area"}, "towns": {"area"}, "town": {"area"},
	"cities": {"area"}, "city": {"area"}, "travel": {"area"},
	"licensed": {"license"}, "license": {"license"}, "licenses": {"license"}, "insured": {"insure"},
	"insurance": {"insure"}, "bonded": {"insure"}, "certified": {"certified", "license"},
	"review": {"review"}, "reviews": {"review"}, "rating": {"review"}, "ratings": {"review"}, "rated": {"review"},
	"stars": {"review"}, "bbb": {"review"}, "yelp": {"review"}, "reputation": {"review"},
	"diagnostic": {"diagnostic", "visit"}, "diagnosis": {"diagnostic", "visit"}, "diagnose": {"diagnostic", "visit"},
	"visit": {"visit"}, "visits": {"visit"},
	"technician": {"technician"}, "technicians": {"technician"}, "tech": {"technician"}, "techs": {"technician"},
	"discount": {"discount"}, "discounts": {"discount"}, "coupon": {"discount"}, "coupons": {"discount"},
	"deal": {"discount"}, "deals": {"discount"}, "promo": {"discount"}, "special": {"discount"}, "specials": {"discount"},
	"off":    {"discount"},
	"senior": {"senior"}, "seniors": {"senior"}, "military": {"military"}, "veteran": {"military"}, "veterans": {"military"},
	"vet": {"military"}, "vets": {"military"},
	"rebate": {"rebate"}, "rebates": {"rebate"}, "incentive": {"rebate"}, "incentives": {"rebate"},
	"emergency": {"emergency"}, "emergencies": {"emergency"}, "urgent": {"emergency"}, "asap": {"emergency"},
	"afterhours": {"afterhours", "emergency", cueTime},
	"tonight":    {"afterhours", cueTime}, "overnight": {"afterhours", cueTime}, "midnight": {"afterhours", cueTime},
	"night": {"afterhours", cueTime}, "evening": {"afterhours", cueTime}, "evenings": {"afterhours", cueTime},
	"holiday": {"holiday", cueTime}, "holidays": {"holiday", cueTime},
	"today": {"sameday", cueTime}, "sameday": {"sameday"}, "tomorrow": {"sameday", cueTime},
	"saturday": {"saturday", "weekend", cueTime}, "saturdays": {"saturday", "weekend", cueTime},
	"sunday": {"sunday", "weekend", cueTime}, "sundays": {"sunday", "weekend", cueTime},
	"weekend": {"weekend", cueTime}, "weekends": {"weekend", cueTime},
	"weekday": {"weekday", cueTime}, "weekdays": {"weekday", cueTime},
	"monday": {"weekday", cueTime}, "friday": {"weekday", cueTime},
	"hours": {"hour", cueTime}, "open": {"hour", cueTime}, "opening": {"hour", cueTime}, "close": {"hour", cueTime},
	"closed": {"hour", cueTime}, "closing": {"hour", cueTime},
	"whattime": {cueTime}, "when": {cueTime}, "howsoon": {cueTime, cueDuration},
	"howlong": {cueDuration}, "long": {cueDuration},
	"last": {"last", cueDuration}, "lasts": {"last", cueDuration}, "lifespan": {"last", cueDuration},
	"lifetime": {"last", cueDuration},
	"whenever": {cueTime}, "anytime": {cueTime},
	"howmuch": {cuePrice}, "cost": {cuePrice}, "costs": {cuePrice}, "price": {cuePrice}, "prices": {cuePrice},
	"pricing": {cuePrice}, "priced": {cuePrice}, "charge": {cuePrice}, "charges": {cuePrice}, "rate": {cuePrice},
	"rates": {cuePrice}, "expensive": {cuePrice}, "cheap": {cuePrice}, "afford": {cuePrice}, "affordable": {cuePrice},
	"ballpark": {cuePrice}, "dollar": {cuePrice}, "dollars": {cuePrice}, "bucks": {cuePrice},
	"fee": {"fee", cuePrice}, "fees": {"fee", cuePrice}, "free": {"free", cuePrice}, "travelfee": {"travelfee", "area", cuePrice},
	"unit": {"system"}, "units": {"system"}, "system": {"system"}, "systems": {"system"}, "equipment": {"system"},
	"new": {"install"}, "brand": {"brand"}, "brands": {"brand"}, "make": {"brand"}, "makes": {"brand"},
	"evcharger": {"evcharger"}, "charger": {"evcharger"},
	"permit": {"permit"}, "permits": {"permit"},
	"toilet": {"toilet"}, "toilets": {"toilet"}, "faucet": {"faucet"}, "faucets": {"faucet"}, "sink": {"sink"},
	"filter": {"filter"}, "filters": {"filter"},
	"thermostat": {"thermostat"}, "thermostats": {"thermostat"},
	"panel": {"panel"}, "panels": {"panel"}, "breaker": {"panel"},
	"outlet": {"outlet"}, "outlets": {"outlet"}, "gfci": {"outlet"}, "plug": {"outlet"},
}

// symptomTerms are how leads describe a problem, rarely how knowledge does
// ("my toilet keeps running", "it's making a weird noise").
var symptomTerms = canonicalSet(`running stopped noise noisy loud smell blowing warm weird strange making
	sound turning starting cycling tripping keep winter`)

// otherSenses are what a question's word may ask besides its own term:
// "do you cover Boulder?" asks about the service area, "what does the plan
// cover?" about what it includes. A passage meets another sense in part,
// as it meets a broader term; unlike a broader term, a passage does not
// get it, so a warranty that "covers parts" says nothing of the area.
var otherSenses = map[string][]string{"cover": {"area", "include"}}

// genericTerms are terms that many questions and passages share; matching
// one says little about whether a passage answers the question. Symptoms
// are among them.
var genericTerms = union(symptomTerms, canonicalSet(`install repair new system home house visit technician
	offer provide cover available typically usually problem issue help fort collins cool heat work job
	broken last`))

// stopwords carry no topic. The list leans towards how leads text:
// greetings, fillers and pronouns go too.
var stopwords = wordSet(`a about above after again all also am an and any anyone anything are aren't as at
	be because been before being below between both but by can can't cannot could couldn't did didn't do does
	doesn't doing don't down during each few for from further get gets getting got had hadn't has hasn't have
	haven't having he her here hers herself him himself his how i i'd i'll i'm i've if in into is isn't it it's
	its itself just let's me more most my myself no nor not of on once only or other ought our ours ourselves out
	over own same she should shouldn't so some such than that that's the their theirs them themselves then there
	there's these they they'd they'll they're they've this those through to too under until up us very was wasn't
	we we'd we'll we're we've were weren't what what's whats where where's which while who who's whom why why's
	will with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves
	hi hello hey hiya howdy yo bye goodbye thanks thank thx ty please pls plz ok okay k kk sure yes yeah yep yup nope
	guys guy folks y'all ya u ur r im dont cant wont wanna gonna gotta like know need needs want wants
	wondering wonder question questions ask asking tell also really actually maybe still kind sort thing things
	something anybody someone somebody one ones lot lots much many well good great awesome
	currently right now go going come coming back take took sure quick quickly
	do does did done doing able hoping hope thinking think looking look see find getting
	company business summit services service form forms type types kinds options option way ways
	keep keeps kept around`)

var (
	rePhraseCache = func() []*regexp.Regexp {
		res := make([]*regexp.Regexp, len(phrases))
		for i, p := range phrases {
			res[i] = regexp.MustCompile(`(^|[^\p{L}\p{N}])` + regexp.QuoteMeta(p.from) + `($|[^\p{L}\p{N}])`)
		}
		return res
	}()
	rePrice    = regexp.MustCompile(`[$€£]\s?\d|\d\s?(?:dollars|bucks|usd)\b|\d+(?:\.\d+)?\s?%`)
	reTime     = regexp.MustCompile(`(?i)\b\d{1,2}(?::\d{2})?\s?(?:a\.?m\.?|p\.?m\.?)|\b(?:noon|midnight|24/7|24 hours|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekdays?|weekends?|same[- ]day|holidays?|any time|anytime)\b`)
	reDuration = regexp.MustCompile(`(?i)\b\d+(?:[-–]|\s(?:to|or)\s)?\d*[-\s](?:minutes?|hours?|days?|weeks?|months?|years?)\b|\b(?:an|one|two|three|four|five|six|ten|twelve) (?:minutes?|hours?|days?|weeks?|months?|years?)\b|\bsame[- ]day\b|\bone day\b`)
	reFree     = regexp.MustCompile(`\b(?:free|no charge|at no cost|no (?:extra |additional )?(?:charge|cost|fee)|waived?)\b`)
	reNumber   = regexp.MustCompile(`\d+(?:[.,]\d+)*`)
)

// normalizeForTerms lower-cases text and rewrites the known phrases.
func normalizeForTerms(text string) string {
	s := " " + strings.ToLower(FoldGSM(text)) + " "
	s = strings.ReplaceAll(s, "'s ", " ")
	s = strings.ReplaceAll(s, "’s ", " ")
	for i, p := range phrases {
		if !strings.Contains(s, p.from) {
			continue
		}
		s = rePhraseCache[i].ReplaceAllString(s, "${1}"+p.to+"${2}")
		// A second pass catches overlapping matches ("water heater water heater").
		s = rePhraseCache[i].ReplaceAllString(s, "${1}"+p.to+"${2}")
	}
	return s
}

// words splits normalized text into lower-case words: letters and digits,
// keeping apostrophes inside words ("don't").
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

// stem strips common English inflections, enough for "leaking" to meet
// "leak" and "warranties" to meet "warranty"; it is not a full stemmer.
func stem(w string) string {
	w = strings.Trim(w, "'")
	if len(w) <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "zes"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "ing") && len(w) >= 6:
		w = undouble(w[:len(w)-3])
	case strings.HasSuffix(w, "ied") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ed") && len(w) >= 5:
		w = undouble(w[:len(w)-2])
	}
	if strings.HasSuffix(w, "e") && len(w) >= 4 {
		w = w[:len(w)-1]
	}
	return w
}

// undouble turns "clogg" (from "clogged") back into "clog".
func undouble(w string) string {
	n := len(w)
	if n >= 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

// termsOf returns the terms a word stands for, or nil for a stopword.
func termsOf(w string) []string {
	if stopwords[w] {
		return nil
	}
	if t, ok := synonyms[w]; ok {
		return t
	}
	s := stem(w)
	if stopwords[s] {
		return nil
	}
	if t, ok := synonyms[s]; ok {
		return t
	}
	return []string{s}
}

// need is one thing a question asks for: a passage with any of alts meets
// it.
type need struct {
	word    string   // as the lead wrote it
	alts    []string // terms that meet it
	broader []string // terms that meet it in part ("cool" for "ac")
	weight  float64
	// background: the lead's own thing ("my furnace") or the topic of an
	// earlier message. It tells what the question is about, but is not
	// what is asked, so it does not earn a sentence of its own.
	background bool
	// implied: the lead did not say it; it follows from what they said
	// (see withImpliedRepair).
	implied bool
	// compound groups topic words written next to each other ("gas
	// fireplace", "gutter cleaning"): one thing, met only together. Zero
	// for a word on its own.
	compound int
}

// questionNeeds returns what a question asks for, one need per content
// word or cue, without duplicates.
func questionNeeds(text string) []need {
	var out []need
	seen := map[string]bool{}
	add := func(n need) bool {
		key := n.alts[0]
		if seen[key] {
			return false
		}
		seen[key] = true
		out = append(out, n)
		return true
	}
	prev := ""
	compound, lastTopic := 0, -1 // lastTopic: index in out of the previous word's topic need
	for _, w := range words(normalizeForTerms(text)) {
		owned := prev == "my" || prev == "our"
		prev = w
		terms := termsOf(w)
		if len(terms) == 0 {
			lastTopic = -1
			continue
		}
		var alts, broader, cues []string
		for i, t := range terms {
			switch {
			case strings.HasPrefix(t, "#"):
				cues = append(cues, t)
			case i == 0:
				alts = []string{t}
			default:
				broader = append(broader, t)
			}
		}
		if len(alts) > 0 {
			broader = append(broader, otherSenses[alts[0]]...)
			weight := weightSpecific
			if genericTerms[alts[0]] {
				weight = weightGeneric
			}
			if symptomTerms[alts[0]] {
				weight = weightSymptom
			}
			if isNumber(w) {
				// A number in a question ("a 50 gallon tank") helps find the
				// passage but is not a topic the answer must repeat.
				weight = weightGeneric
			}
			if owned {
				weight *= ownedDiscount
			}
			n := need{word: w, alts: alts, broader: broader, weight: weight, background: owned}
			if before := len(out); isTopic(n) && add(n) {
				if lastTopic >= 0 {
					if out[lastTopic].compound == 0 {
						compound++
						out[lastTopic].compound = compound
					}
					out[before].compound = out[lastTopic].compound
				}
				lastTopic = before
			} else {
				if !isTopic(n) {
					add(n)
				}
				lastTopic = -1
			}
		}
		for _, c := range cues {
			add(need{word: w, alts: []string{c}, weight: weightCue})
		}
	}
	return withImpliedRepair(out)
}

// withImpliedRepair adds a repair need to a question that describes a
// problem ("the AC is running but not cooling") and names neither a repair
// nor an installation: the lead wants it fixed, so the price of a new one
// answers a different question (see exclusive). The need weighs nothing:
// it says which side of the pair is asked, not what the answer must say.
func withImpliedRepair(needs []need) []need {
	symptom := false
	for _, n := range needs {
		switch t := n.alts[0]; {
		case t == "repair" || t == "install":
			return needs
		case symptomTerms[t]:
			symptom = true
		}
	}
	if !symptom {
		return needs
	}
	return append(needs, need{word: "repair", alts: []string{"repair"}, implied: true})
}

// isTopic reports whether a need names a topic: not a cue, not a generic
// word, not a bare number.
func isTopic(n need) bool {
	t := n.alts[0]
	return !strings.HasPrefix(t, "#") && !genericTerms[t] && !isNumber(n.word)
}

// topicNeeds are the needs that name a topic.
func topicNeeds(needs []need) []need {
	var out []need
	for _, n := range needs {
		if isTopic(n) {
			out = append(out, n)
		}
	}
	return out
}

// passageTerms counts the terms a passage speaks of, with the cues for the
// kinds of fact it states. Cues come only from stated facts ("$129",
// "7:00 a.m.", "2-year"), never from words like "price" or "hours".
func passageTerms(text string) map[string]int {
	set := map[string]int{}
	for _, w := range words(normalizeForTerms(text)) {
		for _, t := range termsOf(w) {
			if !strings.HasPrefix(t, "#") {
				set[t]++
			}
		}
	}
	lower := strings.ToLower(text)
	if rePrice.MatchString(lower) {
		set[cuePrice] = 1
	}
	if reTime.MatchString(lower) {
		set[cueTime] = 1
	}
	if statesDuration(lower) {
		set[cueDuration] = 1
	}
	if reFree.MatchString(lower) {
		set[cueFree] = 1
	}
	return set
}

// statesDuration reports whether lower-case text states how long something
// takes or lasts. "Every 1 to 3 months" says how often, not how long.
func statesDuration(lower string) bool {
	for _, loc := range reDuration.FindAllStringIndex(lower, -1) {
		if !strings.HasSuffix(strings.TrimRight(lower[:loc[0]], " "), "every") {
			return true
		}
	}
	return false
}

// retrievalHints are the words the knowledge tends to use for a term a
// question asks about. They are added to the search query, so that "AC"
// also finds "air conditioner" and "how much" finds the price lists.
var retrievalHints = map[string]string{
	"ac": "air conditioner cooling", "waterheater": "water heater", "tankless": "tankless water heater",
	"heatpump": "heat pump", "ductless": "ductless mini-split", "tuneup": "tune-up",
	"afterhours": "after-hours emergency", "emergency": "emergency line", "financ": "financing",
	"book": "appointment book", "cancel": "cancel reschedule", "area": "serve towns service area",
	"license": "licensed", "insure": "insurance", "review": "reviews stars", "visit": "diagnostic visit",
	"diagnostic": "diagnostic visit", "plumb": "plumbing", "electric": "electrical", "evcharger": "EV charger",
	"drain": "drain clearing", "clear": "clearing", "travelfee": "travel fee", "maintenance": "Comfort Club maintenance",
	"member": "Comfort Club members", "estimate": "estimates free", "pay": "payment accept", "hour": "office hours open",
	"weekend": "Saturday Sunday", "sameday": "same-day", "warranty": "warranty", "discount": "discount",
	"technician": "technicians", "brand": "brands", "panel": "electrical panel", "outlet": "outlet",
	"amex": "American Express", "include": "includes included", "minimum": "minimum or more",
	cuePrice: "price cost", cueTime: "hours", cueDuration: "how long",
}

// expandQuery returns text with the retrieval hints of its needs appended.
func expandQuery(text string, needs []need) string {
	var b strings.Builder
	b.WriteString(text)
	lower := strings.ToLower(text)
	added := map[string]bool{}
	for _, n := range needs {
		hint, ok := retrievalHints[n.alts[0]]
		if !ok || added[hint] || strings.Contains(lower, strings.ToLower(hint)) {
			continue
		}
		added[hint] = true
		b.WriteString(" ")
		b.WriteString(hint)
	}
	return b.String()
}

// canonicalSet returns the terms that the words of list stand for, as
// questions and passages see them.
func canonicalSet(list string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(list) {
		if t, ok := synonyms[w]; ok {
			set[t[0]] = true
		} else {
			set[stem(w)] = true
		}
	}
	return set
}

func union(a, b map[string]bool) map[string]bool {
	out := make(map[string]bool, len(a)+len(b))
	for t := range a {
		out[t] = true
	}
	for t := range b {
		out[t] = true
	}
	return out
}

func wordSet(list string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(list) {
		set[w] = true
	}
	return set
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return w != ""
}

// numbersIn returns the numbers written in text, for checking that a reply
// states no number its sources do not.
func numbersIn(text string) []string {
	return reNumber.FindAllString(text, -1)
}
