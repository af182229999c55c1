package handoff

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// lead is a summary input of the lead's messages, oldest first.
func lead(reason string, messages ...string) SummaryInput {
	return SummaryInput{Reason: reason, Lead: messages}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	const (
		book     = "call to quote and book"
		callBack = "call or text them back"
		makeGood = "call to make it right"
		answer   = "answer their question"
		personal = "reply personally"
	)
	tests := []struct {
		name string
		in   SummaryInput
		want Summary
	}{
		// HVAC and plumbing.
		{"a quote, greeting and lead-in dropped",
			lead(ReasonBuyingIntent, "Hi there, I'd like to get a quote on a new furnace."),
			Summary{Wants: "to get a quote on a new furnace", Next: book}},
		{"the request first, the problem after; a year is not money",
			lead(ReasonBuyingIntent, "Hey! My 2015 furnace is making a banging noise. Can someone come out tomorrow morning?"),
			Summary{Wants: "someone to come out tomorrow morning; their 2015 furnace is making a banging noise", Timing: "tomorrow morning", Next: book}},
		{"a unit size is not money, the budget is",
			lead(ReasonBuyingIntent, "need a new 3 ton unit, budget around $6k"),
			Summary{Wants: "a new 3 ton unit, budget around $6k", Budget: "around $6k", Next: book}},
		{"a tank size is not money; under $N is",
			lead(ReasonBuyingIntent, "Looking to replace my 50 gallon water heater. Under $2,000 if possible"),
			Summary{Wants: "to replace their 50 gallon water heater; under $2,000 if possible", Budget: "under $2,000", Next: book}},
		{"a phone number is neither money nor part of the want",
			lead(ReasonBuyingIntent, "how much to replace a toilet?", "yes call me at 970-555-1234"),
			Summary{Wants: "how much to replace a toilet", Next: book}},
		{"a zip code is not money",
			lead(ReasonUnknownAnswer, "We're in zip 80521, do you service Fort Collins?"),
			Summary{Wants: "they're in zip 80521, do you service Fort Collins", Next: answer}},
		{"a bare budget number after budget words",
			lead(ReasonBuyingIntent, "I want a whole new system. My budget is 5000, house is 2,400 sq ft"),
			Summary{Wants: "a whole new system; their budget is 5000, house is 2,400 sq ft", Budget: "5000", Next: book}},
		{"a dollar range with k",
			lead(ReasonBuyingIntent, "Do you install heat pumps? We were thinking $5-6k"),
			Summary{Wants: "do you install heat pumps; they were thinking $5-6k", Budget: "$5-6k", Next: book}},
		{"between two amounts",
			lead(ReasonBuyingIntent, "I need a quote for a new AC, budget between $4,000 and $5,000"),
			Summary{Wants: "a quote for a new AC, budget between $4,000 and $5,000", Budget: "between $4,000 and $5,000", Next: book}},
		{"at 3 alone is neither money nor timing",
			lead(ReasonBuyingIntent, "can the tech come at 3 to fix the thermostat"),
			Summary{Wants: "the tech to come at 3 to fix the thermostat", Next: book}},
		{"a day and time reply: the want comes from the message before",
			lead(ReasonBuyingIntent, "I want to book a furnace tune-up", "Tuesday at 3pm works"),
			Summary{Wants: "to book a furnace tune-up", Timing: "Tuesday at 3pm", Next: book}},
		{"an emergency",
			lead(ReasonBuyingIntent, "water heater burst and the basement is flooding, this is an emergency"),
			Summary{Wants: "water heater burst and the basement is flooding, this is an emergency", Timing: "emergency", Next: book}},
		{"a pipe size is not a date; the newest mention wins",
			lead(ReasonBuyingIntent, "need a 3/4 inch shutoff valve replaced before winter", "ASAP if you can"),
			Summary{Wants: "a 3/4 inch shutoff valve replaced before winter", Timing: "ASAP", Next: book}},
		{"a numeric date",
			lead(ReasonBuyingIntent, "we need our ducts cleaned, could you do 3/14?"),
			Summary{Wants: "their ducts cleaned, could you do 3/14", Timing: "3/14", Next: book}},
		{"a past day is not timing, a bill is not a budget",
			lead(ReasonComplaint, "Your tech came last Tuesday, charged me $450 and the furnace still doesn't work", "this is ridiculous!!!"),
			Summary{Wants: "your tech came last Tuesday, charged them $450 and the furnace still doesn't work", Next: makeGood}},
		{"frustration alone: the complaint fallback",
			lead(ReasonComplaint, "this is ridiculous!!!"),
			Summary{Wants: "to complain about their service", Next: makeGood}},
		{"a shouted message is lower-cased, its acronyms kept",
			lead(ReasonBuyingIntent, "MY AC IS OUT AND ITS 100 DEGREES IN HERE"),
			Summary{Wants: "their AC is out and its 100 degrees in here", Next: book}},
		{"small talk dropped; a day with a window of hours",
			lead(ReasonBuyingIntent, "Hey there! Hope you're well. Just wondering if someone could look at my sump pump Friday between 2 and 4"),
			Summary{Wants: "someone to look at their sump pump Friday between 2 and 4", Timing: "Friday between 2 and 4", Next: book}},
		{"in N days",
			lead(ReasonBuyingIntent, "can you replace the garbage disposal in 3 days?"),
			Summary{Wants: "you to replace the garbage disposal in 3 days", Timing: "in 3 days", Next: book}},

		// A dental office.
		{"a question about insurance",
			lead(ReasonUnknownAnswer, "Do you take Delta Dental?"),
			Summary{Wants: "do you take Delta Dental", Next: answer}},
		{"a child's age is not money",
			lead(ReasonBuyingIntent, "I'd like to book a cleaning for my daughter next week, she's 8"),
			Summary{Wants: "to book a cleaning for their daughter next week, she's 8", Timing: "next week", Next: book}},
		{"same day",
			lead(ReasonBuyingIntent, "I have a toothache and my face is swollen, can I be seen today?"),
			Summary{Wants: "they have a toothache and their face is swollen, can they be seen today", Timing: "today", Next: book}},
		{"a bare amount after spend",
			lead(ReasonBuyingIntent, "how much is teeth whitening? I'd like to spend under 400"),
			Summary{Wants: "to spend under 400; how much is teeth whitening", Budget: "under 400", Next: book}},
		{"sensitive",
			lead(ReasonSensitive, "I'm nervous about needles, is sedation available?"),
			Summary{Wants: "they're nervous about needles, is sedation available", Next: personal}},
		{"a weekday with next and a part of the day",
			lead(ReasonBuyingIntent, "can I move my appointment to next Monday afternoon?"),
			Summary{Wants: "to move their appointment to next Monday afternoon", Timing: "next Monday afternoon", Next: book}},
		{"an order becomes a request; an ordinal that counts is not a date",
			lead(ReasonComplaint, "Cancel my appointment, this is the 3rd time you moved it"),
			Summary{Wants: "you to cancel their appointment, this is the 3rd time you moved it", Next: makeGood}},
		{"an ordinal day",
			lead(ReasonBuyingIntent, "can I book a cleaning for the 15th?"),
			Summary{Wants: "to book a cleaning for the 15th", Timing: "the 15th", Next: book}},
		{"billed is not a budget",
			lead(ReasonComplaint, "I was billed $350 for a cleaning my insurance should have covered"),
			Summary{Wants: "they were billed $350 for a cleaning their insurance should have covered", Next: makeGood}},
		{"a month-name date with an ordinal, a name introduction dropped",
			lead(ReasonBuyingIntent, "Hi Mike, this is Dana. Need a crown consult by March 3rd."),
			Summary{Wants: "a crown consult by March 3rd", Timing: "by March 3rd", Next: book}},

		// A car dealer.
		{"a model number and a year are not money; come by is a visit",
			lead(ReasonBuyingIntent, "Is the 2019 F-150 still available? I can come by Saturday"),
			Summary{Wants: "is the 2019 F-150 still available; they can come by Saturday", Timing: "Saturday", Next: book}},
		{"under 25k is money, 60k miles is not",
			lead(ReasonBuyingIntent, "looking for a used SUV under 25k with less than 60k miles"),
			Summary{Wants: "a used SUV under 25k with less than 60k miles", Budget: "under 25k", Next: book}},
		{"a listed price is not a budget, an offer is",
			lead(ReasonBuyingIntent, "the 2018 RAV4 listed at $22,995, would you take 20k?"),
			Summary{Wants: "the 2018 RAV4 listed at $22,995, would you take 20k", Budget: "20k", Next: book}},
		{"a mileage is not money",
			lead(ReasonBuyingIntent, "I want to trade in my 2016 Civic, it has 80,000 miles"),
			Summary{Wants: "to trade in their 2016 Civic, it has 80,000 miles", Next: book}},
		{"a monthly payment with a limit after it",
			lead(ReasonBuyingIntent, "can I get $300 a month or less on the Tacoma?"),
			Summary{Wants: "$300 a month or less on the Tacoma", Budget: "$300 a month or less", Next: book}},
		{"grand after budget words",
			lead(ReasonBuyingIntent, "what's the out the door price on the Tacoma? my max is 32 grand"),
			Summary{Wants: "what's the out the door price on the Tacoma; their max is 32 grand", Budget: "32 grand", Next: book}},
		{"a test drive tomorrow after a clock time",
			lead(ReasonBuyingIntent, "I'd like to test drive the Outback tomorrow after 5"),
			Summary{Wants: "to test drive the Outback tomorrow after 5", Timing: "tomorrow after 5", Next: book}},
		{"asking for a salesman: the human-request fallback",
			lead(ReasonHumanRequest, "let me talk to a salesman"),
			Summary{Wants: "to talk to someone", Next: callBack}},
		{"the newest day wins; a short reply gives no want",
			lead(ReasonBuyingIntent, "can you hold the blue Civic until Monday?", "actually Wednesday works better"),
			Summary{Wants: "you to hold the blue Civic until Monday", Timing: "Wednesday", Next: book}},

		// An insurance agency.
		{"a renewal date",
			lead(ReasonBuyingIntent, "I need a quote on auto insurance for 2 cars, my policy renews March 3"),
			Summary{Wants: "a quote on auto insurance for 2 cars, their policy renews March 3", Timing: "March 3", Next: book}},
		{"about $N a month",
			lead(ReasonBuyingIntent, "looking for life insurance, about $50 a month"),
			Summary{Wants: "life insurance, about $50 a month", Budget: "about $50 a month", Next: book}},
		{"a sum insured is not a budget",
			lead(ReasonBuyingIntent, "I want a $500,000 term life policy"),
			Summary{Wants: "a $500,000 term life policy", Next: book}},
		{"a deductible is not a budget",
			lead(ReasonUnknownAnswer, "my deductible is $1,000, can I lower my premium?"),
			Summary{Wants: "their deductible is $1,000, can they lower their premium", Next: answer}},
		{"I was becomes they were",
			lead(ReasonSensitive, "I was in an accident and need to file a claim"),
			Summary{Wants: "they were in an accident and need to file a claim", Next: personal}},
		{"a call-back request with a number: nothing usable, no topic",
			lead(ReasonHumanRequest, "can you call me back? my number is (970) 555-1234"),
			Summary{Wants: "to talk to someone", Next: callBack}},
		{"in N weeks, and an email address taken out",
			lead(ReasonBuyingIntent, "Um so I was wondering if you could send me a home and auto bundle quote at dana@example.com, renewal is in 2 weeks"),
			Summary{Wants: "you to send them a home and auto bundle quote, renewal is in 2 weeks", Timing: "in 2 weeks", Next: book}},
		{"before a season",
			lead(ReasonBuyingIntent, "want to get flood coverage before summer"),
			Summary{Wants: "to get flood coverage before summer", Timing: "before summer", Next: book}},
		{"day then month",
			lead(ReasonBuyingIntent, "my new car arrives on the 3rd of March, I need it insured by then"),
			Summary{Wants: "their new car arrives on the 3rd of March, they need it insured by then", Timing: "the 3rd of March", Next: book}},

		// The message that states the want, and the fallbacks.
		{"yes please after a question about a quote",
			lead(ReasonBuyingIntent, "Do you do free estimates for water heater replacement?", "yes please"),
			Summary{Wants: "do you do free estimates for water heater replacement", Next: book}},
		{"a person please, after the want",
			lead(ReasonHumanRequest, "my AC is blowing warm air", "a person please"),
			Summary{Wants: "their AC is blowing warm air", Next: callBack}},
		{"a short reply after an answered question: the earlier want",
			lead(ReasonBuyingIntent, "I'm interested in the hybrid Camry", "Dana"),
			Summary{Wants: "the hybrid Camry", Next: book}},
		{"the model's note wins, without its opening",
			SummaryInput{Reason: ReasonBuyingIntent, Lead: []string{"yes please"},
				ModelSummary: "Wants a quote for a 3-ton AC, budget $6k"},
			Summary{Wants: "a quote for a 3-ton AC, budget $6k", Next: book}},
		{"the model's note loses its phone number",
			SummaryInput{Reason: ReasonHumanRequest, ModelSummary: "Lead wants a callback at 970-555-1234 about their furnace."},
			Summary{Wants: "a callback about their furnace", Next: callBack}},
		{"nothing usable: the topic",
			SummaryInput{Reason: ReasonBuyingIntent, Lead: []string{"ok"}, Topic: "AC replacement"},
			Summary{Wants: "AC replacement", Next: book}},
		{"nothing at all, an unknown reason",
			SummaryInput{Reason: "callback"},
			Summary{Wants: "see the conversation", Next: "follow up"}},
		{"opt-out words dropped",
			lead(ReasonHumanRequest, "please stop texting me and have a plumber call about the leak. STOP"),
			Summary{Wants: "you to have a plumber call about the leak", Next: callBack}},
		{"phone numbers and an email address go with the words that joined them",
			lead(ReasonBuyingIntent, "call me at +1 (970) 555-1234 or 970.555.1234 or email dana.r+hvac@mail.example.co about the furnace"),
			Summary{Wants: "you to call them about the furnace", Next: book}},
		{"a number given as the cell",
			lead(ReasonBuyingIntent, "my cell is 9705551234, need a quote on a boiler"),
			Summary{Wants: "a quote on a boiler", Next: book}},
		{"an acknowledgement and days only: the fallback, with the timing",
			lead(ReasonBuyingIntent, "Sure, Tuesday or Wednesday next week"),
			Summary{Wants: "see the conversation", Timing: "Wednesday next week", Next: book}},
		{"fillers and a greeting dropped",
			lead(ReasonBuyingIntent, "hello there, um, so I'd like to book a cleaning"),
			Summary{Wants: "to book a cleaning", Next: book}},
		{"a budget the lead set beats a price someone quoted",
			lead(ReasonBuyingIntent, "my budget is $5k for the new AC", "the last company quoted me $9,000"),
			Summary{Wants: "their budget is $5k for the new AC", Budget: "$5k", Next: book}},
		{"line breaks collapse",
			lead(ReasonBuyingIntent, "need a quote\nfor a new\n\nwater softener"),
			Summary{Wants: "a quote; for a new; water softener", Next: book}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Wants in the lead's words is quoted; a stock phrase is not.
			switch tt.want.Wants {
			case wantsUnknown, wantsHumanRequest, wantsComplaint:
			default:
				tt.want.Quoted = true
			}
			if got := Summarize(tt.in); got != tt.want {
				t.Errorf("Summarize(%q)\n got %#v\nwant %#v", tt.in.Lead, got, tt.want)
			}
		})
	}
}

func TestSummarizeNext(t *testing.T) {
	t.Parallel()
	for reason, want := range map[string]string{
		ReasonBuyingIntent:  "call to quote and book",
		ReasonHumanRequest:  "call or text them back",
		ReasonComplaint:     "call to make it right",
		ReasonUnknownAnswer: "answer their question",
		ReasonSensitive:     "reply personally",
		"":                  "follow up",
		"something_new":     "follow up",
	} {
		if got := Summarize(SummaryInput{Reason: reason}).Next; got != want {
			t.Errorf("Next for %q = %q, want %q", reason, got, want)
		}
	}
}

func TestSummarizeClipsLongWants(t *testing.T) {
	t.Parallel()
	in := lead(ReasonBuyingIntent, "I'd like to schedule someone to look at the leak under my kitchen sink "+
		"and also get a price on replacing the garbage disposal and maybe the faucet too while they are here")
	got := Summarize(in).Wants
	const want = "to schedule someone to look at the leak under their kitchen sink and also get a price on…"
	if got != want {
		t.Errorf("Wants = %q, want %q", got, want)
	}
	if n := utf8.RuneCountInString(got); n > wantsLimit {
		t.Errorf("Wants is %d runes, more than %d", n, wantsLimit)
	}

	// One enormous word is cut where it must be.
	long := strings.Repeat("a", 200)
	got = Summarize(lead(ReasonBuyingIntent, "need "+long)).Wants
	if n := utf8.RuneCountInString(got); n != wantsLimit || !strings.HasSuffix(got, "…") {
		t.Errorf("Wants = %q (%d runes), want %d runes ending in …", got, n, wantsLimit)
	}
}

func TestSummarizeReadsTheStartOfAVeryLongMessage(t *testing.T) {
	t.Parallel()
	essay := "I'd like a quote on a new furnace, budget around $6k. " + strings.Repeat("The old one rattles. ", 1000) +
		"Call me tomorrow at 970-555-1234"
	got := Summarize(lead(ReasonBuyingIntent, essay))
	const wants = "a quote on a new furnace, budget around $6k; the old one rattles" // said once
	if !strings.HasPrefix(got.Wants, wants) || got.Budget != "around $6k" || got.Timing != "" {
		t.Errorf("Summarize(essay) = %#v, want Wants starting %q, Budget \"around $6k\" and no Timing from past the limit", got, wants)
	}
}

func TestSummaryLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s    Summary
		want [2]string
	}{
		{"everything known",
			Summary{Wants: "a quote on a new AC unit", Budget: "$5k", Timing: "next week", Next: "call to quote and book"},
			[2]string{"Wants: a quote on a new AC unit", "Budget: $5k · Timing: next week · Next: call to quote and book"}},
		{"only timing",
			Summary{Wants: "to book a cleaning", Timing: "Saturday", Next: "call to quote and book"},
			[2]string{"Wants: to book a cleaning", "Timing: Saturday · Next: call to quote and book"}},
		{"only the next step",
			Summary{Wants: "to talk to someone", Next: "call or text them back"},
			[2]string{"Wants: to talk to someone", "Next: call or text them back"}},
		{"a zero summary still reads",
			Summary{},
			[2]string{"Wants: see the conversation", "Next: follow up"}},
		{"line breaks in a field do not break the lines",
			Summary{Wants: "a quote\non a roof", Budget: "$5k\n", Next: "follow up"},
			[2]string{"Wants: a quote on a roof", "Budget: $5k · Next: follow up"}},
	}
	for _, tt := range tests {
		if got := tt.s.Lines(); got != tt.want {
			t.Errorf("%s: Lines() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestSummaryString(t *testing.T) {
	t.Parallel()
	s := Summarize(lead(ReasonBuyingIntent, "Hi! I'd like a quote on a new AC unit, budget $5k", "next week works"))
	const want = "Wants: \"a quote on a new AC unit, budget $5k\"\nBudget: $5k · Timing: next week · Next: call to quote and book"
	if got := s.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func FuzzSummarize(f *testing.F) {
	f.Add(ReasonBuyingIntent, "Hi there, I'd like to get a quote on a new furnace", "yes please", "", "")
	f.Add(ReasonHumanRequest, "call me at 970-555-1234", "agent", "AC replacement", "")
	f.Add(ReasonComplaint, "charged me $450 last Tuesday", "between $4,000 and $5,000 by March 3rd", "", "")
	f.Add(ReasonUnknownAnswer, "Do you take Delta Dental?\n\n3/14 at 3pm", "I was wondering if you could", "", "Wants a quote for a 3-ton AC, budget $6k")
	f.Add("", "", "", "", "")
	f.Add(ReasonSensitive, strings.Repeat("ā", 300), "$5-6k down tomorrow after 3", "", strings.Repeat("word ", 40))
	f.Fuzz(func(t *testing.T, reason, first, last, topic, model string) {
		s := Summarize(SummaryInput{Reason: reason, Lead: []string{first, last}, Topic: topic, ModelSummary: model})
		if n := utf8.RuneCountInString(s.Wants); n > wantsLimit || n == 0 {
			t.Errorf("Wants %q is %d runes, want 1 to %d", s.Wants, n, wantsLimit)
		}
		if s.Next == "" {
			t.Error("Next is empty")
		}
		for _, line := range s.Lines() {
			if strings.ContainsAny(line, "\n\r") {
				t.Errorf("line %q holds a line break", line)
			}
		}
		if strings.Count(s.String(), "\n") != 1 {
			t.Errorf("String() %q is not two lines", s.String())
		}
	})
}
