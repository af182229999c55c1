package agent

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The messages here are written for this project: what leads of a home
// services business text after hours.

type intentCase struct {
	text    string
	history []Message
	want    string
}

func runIntentCases(t *testing.T, cases []intentCase) {
	t.Helper()
	c := NewIntentClassifier()
	for _, tc := range cases {
		t.Run(tc.text, func(t *testing.T) {
			t.Parallel()
			s := c.Classify(tc.text, tc.history)
			if s.Intent != tc.want {
				t.Errorf("Intent = %s, want %s (buying %.2f, human %.2f, complaint %.2f, sentiment %+.2f)\n%s",
					s.Intent, tc.want, s.BuyingIntent, s.HumanRequest, s.Complaint, s.Sentiment,
					strings.Join(explainIntent(c, tc.text), "\n"))
			}
		})
	}
}

func TestIntentBuying(t *testing.T) {
	t.Parallel()
	runIntentCases(t, []intentCase{
		{text: "I'd like to get a quote for a new furnace", want: IntentBuying},
		{text: "Can you send me an estimate for replacing my water heater?", want: IntentBuying},
		{text: "I want to book a tune-up for next week", want: IntentBuying},
		{text: "can I schedule an appointment for Saturday morning", want: IntentBuying},
		{text: "when can you come out? the AC is blowing warm air", want: IntentBuying},
		{text: "How soon could someone come out to look at my furnace?", want: IntentBuying},
		{text: "I'd like to get a heat pump installed before winter", want: IntentBuying},
		{text: "we're ready to move forward with the panel upgrade", want: IntentBuying},
		{text: "sign me up for the maintenance plan", want: IntentBuying},
		{text: "I want to apply for financing on a new AC", want: IntentBuying},
		{text: "how do I apply for your financing?", want: IntentBuying},
		{text: "do you have any openings tomorrow afternoon?", want: IntentBuying},
		{text: "Looking to replace our 20 year old furnace, can someone give us a bid?", want: IntentBuying},
		{text: "please book me in for the earliest slot", want: IntentBuying},
		{text: "I need someone to fix a leaking pipe under the sink asap", want: IntentBuying},
		{text: "ok let's do it, go ahead and schedule the install", want: IntentBuying},
		{text: "I'll take the 10 year warranty option, how do we get started?", want: IntentBuying},
		{text: "quote please", want: IntentBuying},
		{text: "Book", want: IntentBuying},
		{text: "can you get me on the schedule for an EV charger install", want: IntentBuying},
	})
}

// TestIntentPriceIsNotBuying: asking what something costs, or whether the
// business does it, is a question for the knowledge, not a handoff.
func TestIntentPriceIsNotBuying(t *testing.T) {
	t.Parallel()
	runIntentCases(t, []intentCase{
		{text: "how much is a tune-up?", want: IntentFAQ},
		{text: "How much does it cost to install a new AC?", want: IntentFAQ},
		{text: "what do you charge to replace a water heater", want: IntentFAQ},
		{text: "What's the price range for a new furnace installed?", want: IntentFAQ},
		{text: "Do you charge for estimates?", want: IntentFAQ},
		{text: "do you do free quotes?", want: IntentFAQ},
		{text: "Do you take appointments on weekends?", want: IntentFAQ},
		{text: "do you offer financing?", want: IntentFAQ},
		{text: "do I need to book in advance for a tune-up?", want: IntentFAQ},
		{text: "how much would it cost to get a tankless water heater installed?", want: IntentFAQ},
		{text: "What are your hours?", want: IntentFAQ},
		{text: "Are you licensed and insured?", want: IntentFAQ},
		{text: "what brands do you install", want: IntentFAQ},
		{text: "is there a trip charge to Greeley?", want: IntentFAQ},
		// Both in one message: the wish to book wins.
		{text: "How much is a tune-up? I'd like to book one for Friday", want: IntentBuying},
	})
}

func TestIntentHumanRequest(t *testing.T) {
	t.Parallel()
	runIntentCases(t, []intentCase{
		{text: "agent", want: IntentHuman},
		{text: "Human", want: IntentHuman},
		{text: "REPRESENTATIVE", want: IntentHuman},
		{text: "operator please", want: IntentHuman},
		{text: "real person", want: IntentHuman},
		{text: "can I talk to someone?", want: IntentHuman},
		{text: "I'd rather speak with a real person about this", want: IntentHuman},
		{text: "please just call me", want: IntentHuman},
		{text: "Call me back at this number tomorrow", want: IntentHuman},
		{text: "can someone give me a call?", want: IntentHuman},
		{text: "I don't want to text with a bot", want: IntentHuman},
		{text: "is there a manager I can talk to", want: IntentHuman},
		{text: "transfer me to a live agent", want: IntentHuman},
		{text: "have the owner call me", want: IntentHuman},
	})
}

func TestIntentComplaint(t *testing.T) {
	t.Parallel()
	runIntentCases(t, []intentCase{
		{text: "Your tech never showed up and nobody called", want: IntentComplaint},
		{text: "nobody showed up for my 2pm appointment", want: IntentComplaint},
		{text: "The AC you installed last week is still not working", want: IntentComplaint},
		{text: "I want a refund, this repair didn't fix anything", want: IntentComplaint},
		{text: "you charged me twice for the same visit", want: IntentComplaint},
		{text: "This is ridiculous, I've been waiting all day", want: IntentComplaint},
		{text: "worst service ever, I'm leaving a bad review", want: IntentComplaint},
		{text: "your guy left a mess and scratched my floor", want: IntentComplaint},
		{text: "I'm really disappointed with the installation", want: IntentComplaint},
		{text: "this is bullshit", want: IntentComplaint},
		{text: "I want to dispute the charge on my invoice", want: IntentComplaint},
		{text: "WHY IS NOBODY ANSWERING?! THIS IS UNACCEPTABLE", want: IntentComplaint},
		{text: "the furnace broke again right after your visit 😡", want: IntentComplaint},
		{text: "I'm not happy with how the job was done", want: IntentComplaint},
	})
}

// TestIntentNotAComplaint: a broken appliance is why leads write; it is a
// complaint only when it is about the business.
func TestIntentNotAComplaint(t *testing.T) {
	t.Parallel()
	runIntentCases(t, []intentCase{
		{text: "my toilet keeps running", want: IntentOther},
		{text: "my furnace stopped working and it's freezing, can someone come tonight?", want: IntentBuying},
		{text: "No complaints, the tech was great!", want: IntentOther},
		{text: "what is your refund policy?", want: IntentFAQ},
		{text: "not bad at all, thanks", want: IntentOther},
	})
}

func TestIntentNegation(t *testing.T) {
	t.Parallel()
	runIntentCases(t, []intentCase{
		{text: "I don't want to book yet, just looking at prices", want: IntentOther},
		{text: "not ready to schedule anything, just curious what a new AC runs", want: IntentFAQ},
		{text: "no need for a person, you answered it", want: IntentOther},
		{text: "I don't need to talk to anyone, thanks", want: IntentOther},
		{text: "We're not looking to buy right now", want: IntentOther},
		// Not knowing how is still wanting to.
		{text: "I'm not sure how to book an appointment", want: IntentBuying},
		{text: "I can't reach anyone, can I speak to a person?", want: IntentHuman},
	})
}

func TestIntentHistory(t *testing.T) {
	t.Parallel()
	offer := []Message{lead("how much is a tune-up?"), ai("An AC tune-up is $129. Would you like me to have someone book you in?")}
	person := []Message{lead("my bill looks off"), ai("Would you like someone from our team to call you?")}
	day := []Message{lead("I need a new water heater"), ai("We can help with that. What day works best for a visit?")}
	anythingElse := []Message{lead("thanks"), ai("You're welcome! Is there anything else I can help with?")}
	runIntentCases(t, []intentCase{
		{text: "yes", history: offer, want: IntentBuying},
		{text: "Yes please!", history: offer, want: IntentBuying},
		{text: "sure, that works", history: offer, want: IntentBuying},
		{text: "no thanks, not yet", history: offer, want: IntentOther},
		{text: "yes", history: person, want: IntentHuman},
		{text: "tomorrow after 3", history: day, want: IntentBuying},
		{text: "no that's all", history: anythingElse, want: IntentOther},
		// The same "yes" with no offer before it is nothing.
		{text: "yes", want: IntentOther},
		// A lead's own earlier message is not our offer.
		{text: "yes", history: []Message{lead("can I book a visit?")}, want: IntentOther},
	})
}

func TestIntentOther(t *testing.T) {
	t.Parallel()
	runIntentCases(t, []intentCase{
		{text: "", want: IntentOther},
		{text: "   ", want: IntentOther},
		{text: "👍", want: IntentOther},
		{text: "🙂🙂", want: IntentOther},
		{text: "hi", want: IntentOther},
		{text: "thanks!", want: IntentOther},
		{text: "asdkjh qwe zzz", want: IntentOther},
		{text: "lol", want: IntentOther},
		{text: "are you a real person?", want: IntentOther},
		{text: "what's the weather tomorrow", want: IntentOther},
		{text: "Who won the game last night?", want: IntentOther},
	})
}

func TestIntentScores(t *testing.T) {
	t.Parallel()
	c := NewIntentClassifier()
	angry := c.Classify("This is the worst service I have ever had, I am furious!!", nil)
	happy := c.Classify("You guys were amazing, thank you so much! 😊", nil)
	neutral := c.Classify("what are your hours on saturday", nil)
	if angry.Sentiment > -0.6 || happy.Sentiment < 0.5 || neutral.Sentiment != 0 {
		t.Errorf("sentiment: angry %+.2f, happy %+.2f, neutral %+.2f", angry.Sentiment, happy.Sentiment, neutral.Sentiment)
	}
	if angry.Complaint < 0.8 || happy.Complaint > 0.1 {
		t.Errorf("complaint: angry %.2f, happy %.2f", angry.Complaint, happy.Complaint)
	}
	notGreat := c.Classify("the install was not great", nil)
	if notGreat.Sentiment >= 0 {
		t.Errorf("negated praise reads %+.2f", notGreat.Sentiment)
	}
	// Stronger evidence, higher score.
	weak := c.Classify("thinking about a new furnace at some point", nil)
	strong := c.Classify("I want to book the furnace install, when can you come out?", nil)
	if !(strong.BuyingIntent > 0.8 && weak.BuyingIntent < strong.BuyingIntent) {
		t.Errorf("buying: weak %.2f, strong %.2f", weak.BuyingIntent, strong.BuyingIntent)
	}
	if s := c.Classify("how much is a tune-up?", nil); s.Coverage != 0 {
		t.Errorf("the classifier set Coverage %.2f; that is the responder's", s.Coverage)
	}
}

// TestIntentNormalize checks contractions, shorthand and clauses.
func TestIntentNormalize(t *testing.T) {
	t.Parallel()
	got := icNormalize("I DON'T wanna book rn, but pls call me tmrw!")
	var clauses []string
	for _, c := range got.clauses {
		var w []string
		for _, tok := range c {
			w = append(w, tok.raw)
		}
		clauses = append(clauses, strings.Join(w, " "))
	}
	want := []string{"i do not want to book right now", "please call me tomorrow"}
	if !slices.Equal(clauses, want) {
		t.Errorf("clauses %q, want %q", clauses, want)
	}
	if got.exclaims != 1 || got.question {
		t.Errorf("features: %+v", got)
	}
	if s := icNormalize("CAN SOMEONE CALL ME BACK"); !s.shouting || !s.question {
		t.Errorf("shouting %v question %v", s.shouting, s.question)
	}
}

// TestIntentPatternSyntax checks the lexicon's small pattern language.
func TestIntentPatternSyntax(t *testing.T) {
	t.Parallel()
	macros := map[string]string{"who": "someone|a person"}
	for _, tc := range []struct {
		pat, text string
		match     bool
	}{
		{"book (me|us) in?", "book me", true},
		{"book (me|us) in?", "booked us in", true},
		{"=book it", "booked it", false},
		{"talk to ~2 @who", "talk to just a person", true},
		{"talk to ~1 @who", "talk to really just someone", false},
		{"overcharg* me", "overcharging me", true},
		{"call me $", "call me", true},
		{"call me $", "call me jim", false},
		{"(talk|speak) to @who", "speak to a person", true},
	} {
		p := compileICPattern(tc.pat, macros)
		toks := icNormalize(tc.text).clauses[0]
		if got := p.match(toks, 0) >= 0; got != tc.match {
			t.Errorf("%q on %q: match %v, want %v", tc.pat, tc.text, got, tc.match)
		}
	}
	for _, bad := range []string{"~ book", "book? me", "(a|(b))", "@nope", "(a|"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("pattern %q compiled", bad)
				}
			}()
			compileICPattern(bad, macros)
		}()
	}
}

func TestIntentConcurrent(t *testing.T) {
	t.Parallel()
	c := NewIntentClassifier()
	msgs := []string{"agent", "how much is a tune-up?", "nobody showed up", "I want to book", "hi"}
	want := map[string]Signals{}
	for _, m := range msgs {
		want[m] = c.Classify(m, nil)
	}
	done := make(chan bool)
	for range 8 {
		go func() {
			for range 50 {
				for _, m := range msgs {
					if got := c.Classify(m, nil); got != want[m] {
						t.Errorf("%q: %+v, want %+v", m, got, want[m])
					}
				}
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"", "agent", "I don't want to book yet", "😡😡 NOBODY SHOWED UP!!!", "how much is a tune-up?",
		"call me $", "'''", "n't", "~~~ @@ (a|b)", "Yes please", strings.Repeat("book ", 500), "\xff\xfe", "ÉLECTRICIEN svp"} {
		f.Add(s, "Want me to book you in?")
	}
	c := NewIntentClassifier()
	f.Fuzz(func(t *testing.T, text, last string) {
		s := c.Classify(text, []Message{lead("hi"), ai(last)})
		for name, v := range map[string]float64{"buying": s.BuyingIntent, "human": s.HumanRequest, "complaint": s.Complaint} {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("%s = %v for %q", name, v, text)
			}
		}
		if !(s.Sentiment >= -1 && s.Sentiment <= 1) {
			t.Fatalf("sentiment = %v for %q", s.Sentiment, text)
		}
		if !slices.Contains(intentClasses, s.Intent) {
			t.Fatalf("intent %q for %q", s.Intent, text)
		}
		if s.Coverage != 0 {
			t.Fatalf("coverage %v", s.Coverage)
		}
		if utf8.ValidString(text) && s.Intent == IntentHuman && s.HumanRequest < HandoffThreshold {
			t.Fatalf("intent %s below threshold: %+v", s.Intent, s)
		}
	})
}

// BenchmarkClassify is the classifier's cost per lead message.
func BenchmarkClassify(b *testing.B) {
	c := NewIntentClassifier()
	msgs := []string{
		"How much is a tune-up?",
		"I'd like to get a quote for a new furnace, when can someone come out?",
		"agent",
		"Your tech never showed up and nobody called, this is ridiculous. I want a refund.",
		"hi, my furnace stopped working last night and it's freezing in here. we have two kids. can someone come out first thing tomorrow morning? also do you offer financing on new systems?",
	}
	history := []Message{lead("do you replace water heaters?"), ai("Yes, we replace tank and tankless water heaters. Would you like me to have someone book you in?")}
	i := 0
	for b.Loop() {
		c.Classify(msgs[i%len(msgs)], history)
		i++
	}
}

// BenchmarkNewIntentClassifier is the cost of compiling the lexicons, paid
// once per responder.
func BenchmarkNewIntentClassifier(b *testing.B) {
	for b.Loop() {
		NewIntentClassifier()
	}
}
