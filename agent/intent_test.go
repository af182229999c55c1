package agent

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The messages here are written for this project: what leads of local
// businesses text after hours. The classifier's weights are trained and
// measured in package intent and by `make train`; these tests hold the
// signals the rest of the agent reads to the behaviour it relies on.

type intentCase struct {
	text    string
	history []Message
	want    string
}

var intentClasses = []string{IntentBuying, IntentHuman, IntentComplaint, IntentSensitive, IntentFAQ, IntentOther}

func runIntentCases(t *testing.T, cases []intentCase) {
	t.Helper()
	c := NewIntentClassifier()
	for _, tc := range cases {
		s := c.Classify(tc.text, tc.history)
		if s.Intent != tc.want {
			t.Errorf("%q: Intent = %s, want %s (buying %.2f, human %.2f, complaint %.2f, sensitive %.2f)",
				tc.text, s.Intent, tc.want, s.BuyingIntent, s.HumanRequest, s.Complaint, s.Sensitive)
		}
	}
}

func TestIntentBuying(t *testing.T) {
	t.Parallel()
	runIntentCases(t, []intentCase{
		{text: "can you come out tomorrow at 8?", want: IntentBuying},
		{text: "I'd like to get a quote for a new furnace", want: IntentBuying},
		{text: "Can you send me an estimate for replacing my water heater?", want: IntentBuying},
		{text: "I want to book a tune-up for next week", want: IntentBuying},
		{text: "when can you come out? the AC is blowing warm air", want: IntentBuying},
		{text: "we're ready to get started on the deck", want: IntentBuying},
		{text: "my neighbor used you for her patio, we want one like it", want: IntentBuying},
		{text: "need the bathroom done before my parents visit in june", want: IntentBuying},
		{text: "sign me up for the maintenance plan", want: IntentBuying},
		{text: "do you have any openings thursday afternoon? I'd like to come in", want: IntentBuying},
		{text: "please book me in for the earliest slot", want: IntentBuying},
		{text: "I need a plumber out today, the toilet is overflowing into the hall", want: IntentBuying},
	})
}

// TestIntentQuestions: asking what something costs, whether the business
// does it, or anything else the knowledge answers hands nothing off.
func TestIntentQuestions(t *testing.T) {
	t.Parallel()
	runIntentCases(t, []intentCase{
		{text: "how much is a tune-up?", want: IntentFAQ},
		{text: "do you take insurance?", want: IntentFAQ},
		{text: "How much does it cost to install a new AC?", want: IntentFAQ},
		{text: "do you offer financing?", want: IntentFAQ},
		{text: "What are your hours?", want: IntentFAQ},
		{text: "Are you licensed and insured?", want: IntentFAQ},
		{text: "what is your refund policy?", want: IntentFAQ},
		{text: "do you handle insurance claims?", want: IntentFAQ},
		{text: "how long does a filling last?", want: IntentFAQ},
	})
}

// TestIntentVisitRequest: asking the business to come by is asking to
// book, however casually put; it is never a request for a person, a
// complaint or an emergency.
func TestIntentVisitRequest(t *testing.T) {
	t.Parallel()
	c := NewIntentClassifier()
	s := c.Classify("can you stop by tomorrow?", nil)
	if s.Intent == IntentHuman || s.Intent == IntentComplaint || s.Intent == IntentSensitive || s.Sensitive >= 0.3 {
		t.Errorf("%+v", s)
	}
}

func TestIntentHumanRequest(t *testing.T) {
	t.Parallel()
	runIntentCases(t, []intentCase{
		{text: "I want to talk to a real person", want: IntentHuman},
		{text: "agent", want: IntentHuman},
		{text: "REPRESENTATIVE", want: IntentHuman},
		{text: "can I talk to someone?", want: IntentHuman},
		{text: "please just call me", want: IntentHuman},
		{text: "Call me back at this number tomorrow", want: IntentHuman},
		{text: "I don't want to text with a bot", want: IntentHuman},
		{text: "is there a manager I can talk to", want: IntentHuman},
		{text: "have the owner call me", want: IntentHuman},
	})
}

func TestIntentComplaint(t *testing.T) {
	t.Parallel()
	runIntentCases(t, []intentCase{
		{text: "you charged me twice", want: IntentComplaint},
		{text: "Your tech never showed up and nobody called", want: IntentComplaint},
		{text: "The AC you installed last week is still not working", want: IntentComplaint},
		{text: "I want a refund, this repair didn't fix anything", want: IntentComplaint},
		{text: "This is ridiculous, I've been waiting all day", want: IntentComplaint},
		{text: "worst service ever, I'm leaving a bad review", want: IntentComplaint},
		{text: "your guy left a mess and broke my fence gate", want: IntentComplaint},
	})
}

// TestIntentSensitive: safety emergencies, legal threats and requests to
// discriminate go to a person; an old accident told to an injury firm, or
// a question about insurance, does not.
func TestIntentSensitive(t *testing.T) {
	t.Parallel()
	runIntentCases(t, []intentCase{
		{text: "there's smoke coming from the outlet", want: IntentSensitive},
		{text: "I smell gas in the basement and the kids are home", want: IntentSensitive},
		{text: "the carbon monoxide detector keeps going off", want: IntentSensitive},
		{text: "the basement is flooded and water is reaching the outlets", want: IntentSensitive},
		{text: "my dad fell off the ladder and he's bleeding", want: IntentSensitive},
		{text: "I'm going to sue your company", want: IntentSensitive},
		{text: "show us neighborhoods without many immigrants", want: IntentSensitive},
	})
	c := NewIntentClassifier()
	for _, text := range []string{
		"I was rear ended last year, do you take cases like that?",
		"do you handle insurance claims?",
		"how long does a filling last?",
		"do you install smoke detectors?",
	} {
		if s := c.Classify(text, nil); s.Sensitive >= 0.3 {
			t.Errorf("%q: sensitive %.2f", text, s.Sensitive)
		}
	}
}

// TestIntentHistory: a short reply means what the agent asked before it.
func TestIntentHistory(t *testing.T) {
	t.Parallel()
	offer := []Message{lead("how much is a tune-up?"), ai("An AC tune-up is $129. Would you like me to have someone book you in?")}
	person := []Message{lead("my bill looks off"), ai("Would you like someone from our team to call you?")}
	quote := []Message{lead("how much for the whole job?"), ai("The estimate for the full replacement is $8,900, including haul-away.")}
	runIntentCases(t, []intentCase{
		{text: "yes please", history: offer, want: IntentBuying},
		{text: "no thanks, not yet", history: offer, want: IntentOther},
		{text: "yes", history: person, want: IntentHuman},
		{text: "ok that works for us, what do you need from me?", history: quote, want: IntentBuying},
		// The same "yes" with no offer before it is nothing.
		{text: "yes", want: IntentOther},
		// A lead's own earlier message is not our offer.
		{text: "yes", history: []Message{ai("Want me to book you in?"), lead("can I book a visit?")}, want: IntentOther},
	})
}

func TestIntentOther(t *testing.T) {
	t.Parallel()
	runIntentCases(t, []intentCase{
		{text: "", want: IntentOther},
		{text: "   ", want: IntentOther},
		{text: "👍", want: IntentOther},
		{text: "hi", want: IntentOther},
		{text: "thanks!", want: IntentOther},
		{text: "lol", want: IntentOther},
		{text: "Who won the game last night?", want: IntentOther},
	})
}

func TestIntentSignals(t *testing.T) {
	t.Parallel()
	c := NewIntentClassifier()
	angry := c.Classify("This is the worst service I have ever had, I am furious!!", nil)
	happy := c.Classify("You guys were amazing, thank you so much! 😊", nil)
	neutral := c.Classify("what are your hours on saturday", nil)
	if angry.Sentiment > -0.6 || happy.Sentiment < 0.5 || neutral.Sentiment < -0.2 || neutral.Sentiment > 0.2 {
		t.Errorf("sentiment: angry %+.2f, happy %+.2f, neutral %+.2f", angry.Sentiment, happy.Sentiment, neutral.Sentiment)
	}
	// 0.5 is the default complaint threshold: the angry message is handed
	// off, the happy one is nowhere near.
	if angry.Complaint < 0.5 || happy.Complaint > 0.1 {
		t.Errorf("complaint: angry %.2f, happy %.2f", angry.Complaint, happy.Complaint)
	}
	// Sarcasm praises in words and complains in fact.
	if s := c.Classify("great job guys, the sink is leaking again", nil); s.Sentiment >= 0 {
		t.Errorf("sarcasm reads %+.2f", s.Sentiment)
	}
	if s := c.Classify("how much is a tune-up?", nil); s.Coverage != 0 {
		t.Errorf("the classifier set Coverage %.2f; that is the responder's", s.Coverage)
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
		"'''", "n't", "Yes please", strings.Repeat("book ", 500), "\xff\xfe", "ÉLECTRICIEN svp", "$$$ 10:30 3rd"} {
		f.Add(s, "Want me to book you in?")
	}
	c := NewIntentClassifier()
	f.Fuzz(func(t *testing.T, text, last string) {
		s := c.Classify(text, []Message{lead("hi"), ai(last)})
		sum := 0.0
		for name, v := range map[string]float64{"buying": s.BuyingIntent, "human": s.HumanRequest, "complaint": s.Complaint, "sensitive": s.Sensitive} {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("%s = %v for %q", name, v, text)
			}
			sum += v
		}
		if sum > 1+1e-9 {
			t.Fatalf("handoff probabilities sum to %v for %q", sum, text)
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
		if utf8.ValidString(text) && s.Intent == IntentHuman && s.HumanRequest < 1.0/6 {
			t.Fatalf("intent %s is not the most likely class: %+v", s.Intent, s)
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
