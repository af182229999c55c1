package intent

import "strings"

// Cues are features that a bag of words cannot make by itself, because
// they hang on two things at once: a word of praise after a bad fact is
// sarcasm, and praise alone is thanks; a word of danger with "right now"
// is an emergency, and the same word with "last year" is an old story; a
// question about what happens next after a story is a lead ready to go
// on. Each cue is made of general English only, never of a trade's
// words, so what the model learns of a cue from a plumber's leads holds
// for a dentist's. The model learns how much each cue counts.

// Word lists of the cues, after normalize (contractions spelt out).
var (
	// praise are words of praise, sincere or not.
	praise = setOf(`great amazing awesome wonderful fantastic perfect love loved lovely excellent nice cool
brilliant impressive incredible stellar outstanding superb fabulous terrific best exceptional phenomenal
stunning spectacular top-notch professional helpful classy`)
	// badFacts are words that state that something went wrong or is
	// missing: what sarcasm praises.
	badFacts = setOf(`zero nobody nothing never still another again only late lost broke broken wrong missed
forgot ignored ghosted excuse excuses cancelled canceled rescheduled waiting waited hold delay delayed
dirty mess worse fee fees charged charge overcharged leaking leak cracked failed stopped nobody's without
showings updates update reply replies response callback weeks months days hours minutes`)
	// alarms are words of danger to a person or a home.
	alarms = setOf(`bleeding blood fire flames smoke smoking sparks sparking burning gas fumes unconscious
faint fainted fainting dizzy breathe breathing choking seizure seizing chest swelling swollen fever poison
poisoned shocked electrocuted collapsed collapsing trapped flooding flooded pouring gushing exploded
explosion ambulance 911 highway freeway interstate crashed overdose allergic hives bitten unresponsive
gun weapon threatening suicide stroke`)
	// failures are words that say a thing done or sold has gone wrong.
	failures = setOf(`broke broken fell cracked cracking leaking leaks leaked peeling stopped failed failing
loose wrong missed forgot forgotten lost damaged scratched stained ruined late worse collections
overcharged twice double pushed rejected denied bounced bent dented torn ripped shrunk uneven crooked
sore infected`)
	// others are the people who send a friend to a business.
	others = setOf(`friend friends neighbor neighbors neighbour sister brother mom mother dad father cousin aunt
uncle coworker coworkers colleague boss buddy wife husband son daughter grandma grandmother grandpa
grandfather family roommate partner niece nephew church pastor teacher doctor realtor landlord`)
	// people are words for a person who could answer instead of the agent.
	people = setOf(`person human people someone somebody man woman guy lady agent representative staff
employee owner manager mechanic technician tech plumber electrician dentist doctor lawyer attorney
realtor agent nurse vet specialist expert professional contractor`)
)

// urgentPhrases say that something is happening as the lead writes.
var urgentPhrases = []string{"right now", "just now", "as we speak", "at the moment", "currently",
	"will not stop", "can not stop", "does not stop", "keeps", "still", "hurry", "please help", "help me",
	"help us", "what do i do", "what should i do", "what do we do", "is it an emergency", "emergency",
	"i am on the", "we are on the", "it is been", "just went", "just started", "just happened", "just fell",
	"just collapsed", "just now"}

// pastPhrases say that it happened a while ago.
var pastPhrases = []string{"last year", "last month", "years ago", "months ago", "a while ago", "back in",
	"in january", "in february", "in march", "in april", "in may", "in june", "in july", "in august",
	"in september", "in october", "in november", "in december", "last spring", "last summer", "last fall",
	"last winter", "a few months", "a few years"}

// nextPhrases ask what comes next, or when.
var nextPhrases = []string{"what now", "what happens now", "what happens next", "what is next",
	"next step", "next steps", "what do i do next", "what do we do next", "where do we go from here",
	"where do i go from here", "how do we start", "how do i start", "get started", "get the ball rolling",
	"when could you", "when can you", "when could someone", "when can someone", "how soon", "when are you free",
	"when is your next", "what do you need from me", "what do i need to do", "what do we need to do",
	"can you take a look", "could you take a look", "can you look at", "could you look at", "can someone look"}

// needPhrases say the lead needs or wants the thing.
var needPhrases = []string{"i need", "we need", "i want", "we want", "i should", "we should", "i would like",
	"we would like", "my turn", "i am due", "we are due", "probably due", "overdue", "i am thinking",
	"we are thinking", "mine", "ours", "me too", "i have to", "we have to", "same thing", "same kind",
	"i think i need", "time to", "about time", "ready to", "ready for"}

// botPhrases ask whether the agent is a machine.
var botPhrases = []string{"bot", "robot", "automated", "ai", "chatbot", "a machine", "a computer", "real person",
	"a human", "a program", "auto reply", "autoreply"}

// cueSet returns the cues of a message.
func cueSet(t text) []string {
	w := t.words
	var out []string
	add := func(name string, ok bool) {
		if ok {
			out = append(out, name)
		}
	}
	clauseOf := make([]int, len(w))
	for k, c := range t.clauses {
		for i := c.start; i < c.end && i < len(w); i++ {
			clauseOf[i] = k
		}
	}

	// Sarcasm: praise with a bad fact, and praise after it.
	firstBad, praised, praiseAfterBad := -1, false, false
	for i, x := range w {
		bad := badFacts[x] || (x == "no" && i+1 < len(w) && !slicesHas([]string{"problem", "worries", "rush", "thanks", "pressure"}, w[i+1]))
		if bad && firstBad < 0 {
			firstBad = i
		}
		if praise[x] && !(i > 0 && (w[i-1] == "not" || w[i-1] == "no")) {
			praised = true
			if firstBad >= 0 && firstBad < i {
				praiseAfterBad = true
			}
		}
	}
	add("praise+bad", praised && firstBad >= 0)
	add("bad>praise", praiseAfterBad)
	add("bad>praise/clause", praiseAfterBad && len(t.clauses) > 1 && clauseOf[firstBad] < clauseOf[lastOf(w, praise)])

	// Emergency: danger as it happens, or long ago.
	alarm := anyOf(w, alarms)
	urgent := hasAnyPhrase(w, urgentPhrases)
	past := hasAnyPhrase(w, pastPhrases)
	add("alarm", alarm)
	add("alarm+now", alarm && urgent && !past)
	add("alarm+past", alarm && past)
	add("now", urgent && !past)

	// A thing done or sold gone wrong.
	failed := anyOf(w, failures)
	yours := hasAnyPhrase(w, []string{"you", "your", "you all", "you guys", "your office", "your guy"})
	paid := hasAnyPhrase(w, []string{"paid", "i paid", "we paid", "charged", "<money>", "spent"})
	add("failed", failed)
	add("failed+already", failed && hasAnyPhrase(w, []string{"already", "again", "still", "just"}))
	add("failed+yours", failed && yours)
	add("failed+paid", failed && paid)
	add("failed+past", failed && hasAnyPhrase(w, []string{"last week", "yesterday", "got", "had", "you did", "you put", "you installed", "you fixed", "you pulled"}))

	// A story, then what happens next.
	if n := len(t.clauses); n > 0 {
		last := t.clauses[n-1]
		tail := w[last.start:last.end]
		asksNext := hasAnyPhrase(tail, nextPhrases)
		story := last.start >= 4 || (n == 1 && len(w) >= 8)
		add("next", hasAnyPhrase(w, nextPhrases))
		add("story+next", asksNext && story)
		add("story+need", story && hasAnyPhrase(tail, needPhrases))
	}

	// A referral: someone the lead knows used the business.
	referred := false
	for i, x := range w {
		if others[x] && i > 0 && (w[i-1] == "my" || w[i-1] == "our" || w[i-1] == "a") {
			referred = hasAnyPhrase(w[i+1:], []string{"you", "your", "you guys", "you all", "recommended", "referred", "swears by", "raves"})
			break
		}
	}
	add("referral", referred)
	add("referral+need", referred && hasAnyPhrase(w, needPhrases))

	// Asking whether it is a machine, and for a person.
	bot := hasAnyPhrase(w, botPhrases)
	realPerson := false
	for i, x := range w {
		if (x == "real" || x == "actual" || x == "live" || x == "human") && i+1 < len(w) && (people[w[i+1]] || i+2 < len(w) && people[w[i+2]]) {
			realPerson = true
		}
	}
	add("real-person", realPerson)
	add("talk-to-someone", talksToSomeone(w))
	add("protected-class", namesProtectedGroup(w))
	// A need with a date it must be met by: "want this done before the
	// snow starts", "lease is up the 31st".
	add("need+deadline", hasAnyPhrase(w, []string{"need it", "need this", "need them", "need that", "want it", "want this",
		"want them", "want that", "done", "finished", "in place", "moved", "installed", "fixed"}) &&
		hasAnyPhrase(w, deadlinePhrases) && !hasAnyPhrase(w, []string{"by the way"}))
	add("bot+want", bot && hasAnyPhrase(w, []string{"i want", "i need", "i would like", "i would rather", "let me", "get me", "can i"}))

	// A request in one clause of a longer story.
	if len(t.clauses) > 1 {
		asks, story := false, false
		for _, c := range t.clauses {
			cw := w[c.start:c.end]
			if hasPrefixPhrase(cw, requestOpenings) {
				asks = true
			} else if len(cw) >= 4 {
				story = true
			}
		}
		add("ask+story", asks && story)
	}

	// The lead's own legal deadline.
	add("legal+deadline", hasAnyPhrase(w, []string{"sue", "suing", "lawsuit", "court", "claim", "case", "file", "appeal"}) &&
		hasAnyPhrase(w, []string{"too late", "deadline", "time limit", "how long do i have", "how long do we have",
			"statute", "expire", "expired", "run out", "running out", "in time", "still sue", "still file"}))

	// Good news that clears the way.
	add("good-news", t.exclaim && hasAnyPhrase(w, []string{"approved", "approval", "pre-approved", "pre-approval", "came through", "just got", "finally got", "we got", "signed", "closed", "accepted"}))
	return out
}

// protectedGroups are words for the groups fair housing and equal
// treatment protect (race, colour, religion, national origin); groupPlaces
// are the people and places a preference about them would be about.
var (
	protectedGroups = setOf(`white black hispanic hispanics latino latinos latina latinas asian asians jewish jews muslim
muslims christian christians catholic catholics arab arabs mexican mexicans indian indians immigrant immigrants
african chinese korean vietnamese minority minorities ethnic race racial religion religious`)
	groupPlaces = setOf(`people person persons families family folks neighbors neighbours neighborhood neighborhoods
neighbourhood neighbourhoods area areas street streets block blocks community communities school schools district
districts tenant tenants renter renters buyer buyers technician technicians tech techs agent agents crowd residents
live living town towns city suburb suburbs part parts side complex building apartment apartments`)
)

// namesProtectedGroup reports whether a group fair housing protects is
// named beside people or a place ("mostly white neighborhoods", "many
// hispanic families"): a preference about who lives or works there, not
// "a black mark on the outlet" or "white paint".
func namesProtectedGroup(w []string) bool {
	for i, x := range w {
		if !protectedGroups[x] {
			continue
		}
		for j := max(0, i-4); j < min(len(w), i+5); j++ {
			if groupPlaces[w[j]] {
				return true
			}
		}
	}
	return false
}

// deadlinePhrases set a date a need must be met by.
var deadlinePhrases = []string{"before the", "before our", "before my", "before we", "before i", "by the", "by our",
	"by my", "by next", "before next", "is up", "are up", "runs out", "run out", "ends on", "no later than", "in time for"}

// notSomeone are the words after "talk to" that are not who the lead
// wants: "talk to my wife first", "talk to you soon", "talk to it".
var notSomeone = setOf(`my our his their your you me us them it this that these those her him myself ourselves
yourself each`)

// talksToSomeone reports whether the lead asks to talk to someone in
// particular: "let me talk to Ray", "can I speak with the owner".
func talksToSomeone(w []string) bool {
	for i := 0; i+2 < len(w); i++ {
		switch w[i] {
		case "talk", "speak", "chat", "talking", "speaking":
		default:
			continue
		}
		if (w[i+1] == "to" || w[i+1] == "with") && !notSomeone[w[i+2]] {
			return true
		}
	}
	return false
}

// requestOpenings open a clause that asks for the service.
var requestOpenings = []string{"i want to", "i would like to", "i need to", "we want to", "we would like to",
	"we need to", "can i", "can we", "could i", "could we", "can you", "could you", "i am looking to",
	"we are looking to", "i am ready to", "we are ready to", "please", "i would like", "we would like",
	"i want a", "i want an", "i need a", "i need an", "we need a", "we need an", "let us", "book", "schedule"}

// hasPrefixPhrase reports whether w starts with one of phrases.
func hasPrefixPhrase(w []string, phrases []string) bool {
	for _, p := range phrases {
		pw := strings.Fields(p)
		if len(pw) > len(w) {
			continue
		}
		match := true
		for j := range pw {
			if w[j] != pw[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func slicesHas(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func anyOf(w []string, set map[string]bool) bool {
	for _, x := range w {
		if set[x] {
			return true
		}
	}
	return false
}

func lastOf(w []string, set map[string]bool) int {
	for i := len(w) - 1; i >= 0; i-- {
		if set[w[i]] {
			return i
		}
	}
	return 0
}

// hasAnyPhrase reports whether one of phrases occurs in w as whole words.
func hasAnyPhrase(w []string, phrases []string) bool {
	for _, p := range phrases {
		pw := strings.Fields(p)
		for i := 0; i+len(pw) <= len(w); i++ {
			match := true
			for j := range pw {
				if w[i+j] != pw[j] {
					match = false
					break
				}
			}
			if match {
				return true
			}
		}
	}
	return false
}
