package crm_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/leadagent/leadagent/crm"
)

// Messages leads send, as they write them. Every one in revokes must opt
// out as STOP does; every one in keeps must reach the agent.
var (
	revokes = []string{
		// stop + texting, messaging, calling, contacting
		"please stop texting me",
		"Stop texting me!!",
		"STOP TEXTING ME",
		"stop txting me pls",
		"can you stop texting me",
		"Can u stop messaging me",
		"I need you to stop texting me",
		"I said stop texting me",
		"who is this? stop texting me",
		"stop contacting me",
		"Stop calling me",
		"quit texting me",
		"please quit calling this number",
		"stop messaging me, I'm not interested",
		"Not interested. Stop.",
		"stop harassing me",
		"stop bugging me with these",
		"stop spamming me",
		"Stop texting",
		"cease and desist",
		// stop + the messages
		"stop the texts",
		"Stop these messages please",
		"please stop all the automated texts",
		"stop sending me texts",
		"stop sending me these messages",
		"stop sending me stuff",
		"please stop sending",
		"how do I stop getting these texts",
		"stop with the texts already",
		"the texts need to stop",
		"make the calls stop",
		"stop the text",
		// a bare stop with words that do not change it
		"stop please",
		"Please stop.",
		"stop it",
		"Stop now",
		"STOP STOP STOP",
		"Stop, thanks",
		"no. stop",
		"I never signed up for this. Stop",
		// don't + contact
		"dont text me anymore",
		"don't text me",
		"Don’t text me again",
		"do not text me",
		"do not contact me again",
		"Please do not contact me",
		"pls dont msg me",
		"never text me again",
		"never call this number again",
		"do not text",
		"don't ever text me again",
		"don't message me anymore thanks",
		"dont send me any more texts",
		"Do not call me at all",
		"do not reach out to me again",
		"put me on your do not call list",
		"add me to the DNC list",
		// want
		"I don't want any more texts",
		"i dont want to receive any more messages",
		"I no longer wish to receive text messages",
		"i dont want these messages",
		"I don't want you to text me",
		"I don't want to be contacted",
		"i never want to hear from you again",
		// no more
		"no more texts please",
		"No more messages",
		"no more calls",
		"no more texting",
		"enough with the texts",
		// lists and numbers
		"take me off your list",
		"Take me off your texting list please",
		"take me off the list",
		"take me off",
		"remove my number",
		"Remove me from your list",
		"please remove me",
		"remove my phone number from your database",
		"delete my number",
		"take my number off your list",
		"lose my number",
		"Please lose my number.",
		"you can lose my number",
		"forget my number",
		// unsubscribe, opt out, consent
		"unsubscribe me",
		"Unsubscribe please",
		"how do I unsubscribe",
		"I want to unsubscribe from these texts",
		"opt out",
		"opt me out",
		"I'd like to opt out of text messages",
		"I want to be opted out",
		"i revoke my consent",
		"I withdraw consent to be contacted",
		"I do not consent to these messages",
		// leave me alone
		"leave me alone",
		"just leave me alone!",
		"leave me the hell alone",
		"Leave us alone please",
		"leave me be",
		// a revocation in a longer message
		"Thanks but I went with someone else. Please stop texting me.",
		"We already fixed it ourselves, take me off your list",
		"I'm not the homeowner, this is a rental. Remove my number please",
		"you guys are great but stop texting me",
		"Stop calling me",
	}
	keeps = []string{
		// other senses of stop
		"can you stop by tomorrow?",
		"could your tech stop by around 3",
		"don't stop, keep me posted",
		"please don't stop texting me updates",
		"stop the leak",
		"how do I stop my pipes from freezing",
		"my furnace keeps stopping",
		"the water won't stop running",
		"my AC stopped working",
		"is there a way to stop the dripping",
		"I'll stop texting you now, thanks!",
		"sorry, I'll stop bugging you",
		"I should stop calling you so late",
		"stop by whenever",
		"whats the next stop",
		"I can't stop sneezing since the filter change",
		// cancellations are not opt-outs
		"what's your cancellation policy",
		"I want to cancel my appointment",
		"please cancel my appointment",
		"cancel my membership",
		"can I cancel the comfort club whenever",
		"can i cancel the membership whenever",
		"how do I opt out of the maintenance plan auto renewal",
		"unsubscribe me from the comfort club",
		"take me off the schedule for tuesday",
		"remove me from the appointment",
		// preferences about when and how, not revocations
		"please don't call before 9",
		"don't call me at work",
		"please don't text me after 8pm",
		"dont text me until monday, im traveling",
		"don't call, just text",
		"Stop calling me, text me instead",
		"don't call me, text me",
		// not about being contacted
		"i dont want to text a bot. get me a person",
		"I don't want a new furnace, just a repair",
		"no more questions, just book me",
		"no thanks",
		"not interested in the maintenance plan",
		"don't call the tech yet, I'm not home",
		"remove the old water heater please",
		"can you remove my old unit",
		"did you lose my number? nobody called me back",
		"I lost my number and have a new one",
		"you never call me back",
		"you never text me back!",
		"I don't text much, can you call",
		"dont leave me alone with this broken AC",
		"leave me a message",
		"leave me a voicemail please",
		"can you call me back at this number",
		"text me the price",
		"what's the price of a tune up",
		"how much is a new AC unit?",
		"we have no heat",
		"no more hot water since this morning",
		"I don't want to lose heat overnight",
		"Do you offer financing?",
		"STOP", // a keyword: ParseKeyword's, and Twilio confirms it
	}
)

func TestParseRevocation(t *testing.T) {
	t.Parallel()
	for _, body := range revokes {
		if phrase, ok := crm.ParseRevocation(body); !ok || phrase == "" {
			t.Errorf("ParseRevocation(%q) = %q, %v; want a revocation", body, phrase, ok)
		}
	}
	for _, body := range keeps {
		if body == "STOP" {
			continue
		}
		if phrase, ok := crm.ParseRevocation(body); ok {
			t.Errorf("ParseRevocation(%q) = %q; want none", body, phrase)
		}
	}
}

func FuzzParseRevocation(f *testing.F) {
	for _, s := range append(append([]string{"", "\x00", "don't", "stop stop", "opt", "take me", "no more", "cease and"}, revokes...), keeps...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		phrase, ok := crm.ParseRevocation(body)
		if ok != (phrase != "") {
			t.Fatalf("ParseRevocation(%q) = %q, %v: phrase and verdict disagree", body, phrase, ok)
		}
		if !ok {
			return
		}
		// The phrase is the lead's own words, normalised.
		if phrase != strings.ToLower(phrase) || len(phrase) > len(body)*2 {
			t.Fatalf("ParseRevocation(%q) phrase %q is not the message's words", body, phrase)
		}
		// Case never changes the verdict.
		if isASCII(body) {
			if p, _ := crm.ParseRevocation(strings.ToUpper(body)); p != phrase {
				t.Fatalf("ParseRevocation(%q) = %q but %q in capitals", body, phrase, p)
			}
		}
	})
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}
