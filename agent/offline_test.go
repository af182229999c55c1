package agent

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leadagent/leadagent/knowledge"
)

var demoBusiness = Business{
	Name:        "Summit Home Services",
	Phone:       "(970) 555-0100",
	Hours:       "Mon-Fri 7am-6pm, Sat 8am-2pm",
	ServiceArea: "Fort Collins and Northern Colorado",
}

type testBundle struct {
	kb      *fakeKB
	offline *Offline
}

func setup(t *testing.T, how chunking) testBundle {
	t.Helper()
	kb := loadDemoKB(t, how)
	return testBundle{kb: kb, offline: NewOffline(kb, demoBusiness)}
}

// lead and ai build a conversation history.
func lead(text string) Message { return Message{From: FromLead, Text: text} }
func ai(text string) Message   { return Message{From: FromAI, Text: text} }

type turnCase struct {
	name    string
	history []Message
	text    string
	outcome Outcome
	// contains: every one, case-insensitive; containsAny: at least one.
	contains    []string
	containsAny []string
	notContains []string
}

// checkReply asserts what every reply must satisfy, whatever the question:
// the contract on segments, plain text, citations and invented numbers.
func checkReply(t *testing.T, kb *fakeKB, in TurnInput, r Reply) {
	t.Helper()
	n, enc := Segments(r.Text)
	if r.Segments != n {
		t.Errorf("Reply.Segments = %d, but the text takes %d", r.Segments, n)
	}
	if n < 1 || n > 2 {
		t.Errorf("reply takes %d segments (%s): %q", n, enc, r.Text)
	}
	if enc != EncodingGSM7 {
		t.Errorf("reply fell into %s: %q", enc, r.Text)
	}
	if hasMarkup(r.Text) || strings.Contains(r.Text, "\n") {
		t.Errorf("reply has markup or line breaks: %q", r.Text)
	}
	allowed := numbersIn(demoBusiness.Phone + " " + in.Text)
	switch r.Outcome {
	case OutcomeAnswered:
		if len(r.Citations) == 0 {
			t.Errorf("answered without citations: %q", r.Text)
		}
		for _, id := range r.Citations {
			c, ok := kb.byID[id]
			if !ok {
				t.Errorf("cites chunk %d, which search never returned", id)
				continue
			}
			allowed = append(allowed, numbersIn(FoldGSM(c.Title+" "+c.Heading+" "+c.Content))...)
			if whole := strings.Join(PlainText(c.Content), " "); len(PlainText(c.Content)) >= 3 && strings.Contains(r.Text, whole) {
				t.Errorf("pasted the whole chunk %d: %q", id, r.Text)
			}
		}
	case OutcomeAsked, OutcomeUnknown:
		if len(r.Citations) != 0 {
			t.Errorf("%s reply cites %v", r.Outcome, r.Citations)
		}
	default:
		t.Errorf("unexpected outcome %q", r.Outcome)
	}
	for _, num := range numbersIn(r.Text) {
		if !slices.Contains(allowed, num) {
			t.Errorf("reply states %s, which no cited chunk, the business or the lead said: %q", num, r.Text)
		}
	}
}

func runTurnCases(t *testing.T, b testBundle, cases []turnCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := TurnInput{Channel: ChannelSMS, Lead: Lead{Name: "Dana Smith", Source: "facebook_ad", Stage: "new"}, History: tc.history, Text: tc.text}
			r, err := b.offline.Turn(context.Background(), in)
			if err != nil {
				t.Fatalf("Turn: %v", err)
			}
			checkReply(t, b.kb, in, r)
			if r.Outcome != tc.outcome {
				t.Errorf("outcome %q, want %q; reply %q", r.Outcome, tc.outcome, r.Text)
			}
			lower := strings.ToLower(r.Text)
			for _, s := range tc.contains {
				if !strings.Contains(lower, strings.ToLower(s)) {
					t.Errorf("reply lacks %q: %q", s, r.Text)
				}
			}
			if len(tc.containsAny) > 0 && !slices.ContainsFunc(tc.containsAny, func(s string) bool {
				return strings.Contains(lower, strings.ToLower(s))
			}) {
				t.Errorf("reply has none of %q: %q", tc.containsAny, r.Text)
			}
			for _, s := range tc.notContains {
				if strings.Contains(lower, strings.ToLower(s)) {
					t.Errorf("reply has %q: %q", s, r.Text)
				}
			}
		})
	}
}

// answerCases are lead questions the demo knowledge answers, with the
// fact each answer must carry.
var answerCases = []turnCase{
	{name: "new AC price", text: "How much is a new AC unit?", outcome: OutcomeAnswered, contains: []string{"$6,200", "$9,800"}},
	{name: "diagnostic fee", text: "what do you charge to come out and look at my furnace", outcome: OutcomeAnswered, contains: []string{"$89"}, notContains: []string{"igniter"}},
	{name: "service area town", text: "Do you service Windsor?", outcome: OutcomeAnswered, contains: []string{"Windsor"}},
	{name: "office hours", text: "What are your hours?", outcome: OutcomeAnswered, contains: []string{"Monday", "7:00 a.m.", "6:00 p.m."}},
	{name: "financing", text: "do you offer financing?", outcome: OutcomeAnswered, containsAny: []string{"0% APR", "$1,500"}},
	{name: "repair warranty", text: "How long is the warranty on repairs?", outcome: OutcomeAnswered, contains: []string{"2-year"}},
	{name: "maintenance plan price", text: "how much is the maintenance plan", outcome: OutcomeAnswered, contains: []string{"$19", "$199"}, notContains: []string{"flush"}},
	{name: "cancellation", text: "Can I cancel my appointment?", outcome: OutcomeAnswered, contains: []string{"4 hours"}},
	{name: "license and insurance", text: "are you licensed and insured?", outcome: OutcomeAnswered, contains: []string{"license", "insurance"}},
	{name: "EV charger", text: "how much to install an EV charger", outcome: OutcomeAnswered, contains: []string{"$750", "$1,600"}},
	{name: "drain clearing", text: "do you clean drains", outcome: OutcomeAnswered, contains: []string{"$179"}},
	{name: "tankless", text: "Do you do tankless water heaters?", outcome: OutcomeAnswered, contains: []string{"tankless"}},
	{name: "reviews", text: "Are you guys any good? reviews?", outcome: OutcomeAnswered, contains: []string{"4.9"}},
	{name: "what they don't do", text: "Do you install solar panels?", outcome: OutcomeAnswered, contains: []string{"not install solar"}},
	{name: "senior discount", text: "do you have senior discounts", outcome: OutcomeAnswered, contains: []string{"10%"}},
	{name: "travel fee", text: "is there a trip charge to Greeley?", outcome: OutcomeAnswered, contains: []string{"$39"}},
	{name: "tune-up", text: "How much is an AC tune-up?", outcome: OutcomeAnswered, contains: []string{"$129"}},
	{name: "estimates", text: "Do you charge for estimates?", outcome: OutcomeAnswered, contains: []string{"free"}},
	{name: "panel upgrade", text: "how much is a panel upgrade", outcome: OutcomeAnswered, contains: []string{"$3,200", "$4,800"}},
	{name: "payment methods", text: "what forms of payment do you take", outcome: OutcomeAnswered, contains: []string{"Visa"}},
	{name: "same day", text: "can you come out today?", outcome: OutcomeAnswered, contains: []string{"same-day"}},
	{name: "greeting and question", text: "hi, how much is a furnace tune-up?", outcome: OutcomeAnswered, contains: []string{"$129"}},
	{name: "after-hours emergency", text: "my furnace stopped working and it's freezing, can someone come tonight?", outcome: OutcomeAnswered, containsAny: []string{"24 hours", "24/7", "$189"}},
	{name: "brands", text: "what brands do you install", outcome: OutcomeAnswered, contains: []string{"Carrier", "Lennox"}},
	{name: "permits", text: "do you pull permits", outcome: OutcomeAnswered, contains: []string{"permit"}},
	{name: "toilet", text: "my toilet keeps running", outcome: OutcomeAnswered, contains: []string{"toilet"}},
	{name: "curly quotes in the question", text: "What\u2019s the cost of a new furnace\u2026?", outcome: OutcomeAnswered, contains: []string{"$4,800"}},
	{name: "card abbreviation", text: "do you take amex", outcome: OutcomeAnswered, contains: []string{"American Express"}},
	{name: "a town not served", text: "do you cover boulder?", outcome: OutcomeAnswered, contains: []string{"not serve"}, notContains: []string{"?"}},
	{name: "symptom, not a new system", text: "ac is running but not cooling the house", outcome: OutcomeAnswered,
		containsAny: []string{"filter", "capacitor", "refrigerant"}, notContains: []string{"$6,200"}},
	{name: "whenever", text: "can i cancel the membership whenever", outcome: OutcomeAnswered, containsAny: []string{"any time", "prorated"}},
	{name: "lifespan", text: "how long do water heaters usually last around here", outcome: OutcomeAnswered, contains: []string{"8 to 12 years"}},
	{name: "minimum", text: "whats the minimum job size for financing", outcome: OutcomeAnswered, contains: []string{"$1,500"}},
	{name: "what members get", text: "what do i get with your maintenance plan", outcome: OutcomeAnswered, containsAny: []string{"tune-up", "15%", "Priority"}},
}

// unknownCases are questions the knowledge cannot answer: the reply says so,
// offers a person, and states no number but the business's phone.
var unknownCases = []turnCase{
	{name: "roofing in Denver", text: "do you do roofing in Denver?"},
	{name: "CEO's favorite color", text: "what's your CEO's favorite color"},
	{name: "swimming pools", text: "do you install swimming pools?"},
	{name: "car repair", text: "can you fix my car's transmission?"},
	{name: "generator price", text: "how much is a generator install?"},
	{name: "pizza", text: "do you sell pizza"},
	// Partial matches: a word of the question is in the knowledge, in
	// another sense or of another thing.
	{name: "hot tubs", text: "do you install hot tubs?"},
	{name: "gutter cleaning", text: "do you do gutter cleaning?"},
	{name: "windows vs arrival window", text: "do you install windows?"},
	{name: "gas fireplace vs gas furnace", text: "can you install a gas fireplace?"},
	{name: "water softeners", text: "do you install water softeners?"},
	{name: "air ducts", text: "do you clean air ducts?"},
	{name: "septic", text: "do you do septic tank pumping?"},
	{name: "a town not named", text: "do you cover Denver?"},
	{name: "EV install time", history: []Message{lead("do you install EV chargers?"), ai("Level 2 EV charger installation: $750 to $1,600.")}, text: "how long does it take?"},
}

func TestOfflineAnswers(t *testing.T) {
	t.Parallel()
	// Two ways a knowledge base may cut the same documents into chunks;
	// the answers must not depend on it.
	for _, how := range []chunking{byParagraph, bySection} {
		t.Run(fmt.Sprintf("chunking=%d", how), func(t *testing.T) {
			t.Parallel()
			runTurnCases(t, setup(t, how), answerCases)
		})
	}
}

func TestOfflineUnknown(t *testing.T) {
	t.Parallel()
	var cases []turnCase
	for _, c := range unknownCases {
		c.outcome = OutcomeUnknown
		c.contains = []string{"don't have that information", "follow up", demoBusiness.Phone}
		cases = append(cases, c)
	}
	for _, how := range []chunking{byParagraph, bySection} {
		t.Run(fmt.Sprintf("chunking=%d", how), func(t *testing.T) {
			t.Parallel()
			runTurnCases(t, setup(t, how), cases)
		})
	}
}

func TestOfflineSmallTalk(t *testing.T) {
	t.Parallel()
	runTurnCases(t, setup(t, byParagraph), []turnCase{
		{name: "hi", text: "hi", outcome: OutcomeAsked, contains: []string{"Hi Dana", "AI assistant", "Summit Home Services", "help"}},
		{name: "hello?", text: "hello?", outcome: OutcomeAsked, contains: []string{"AI assistant", "?"}},
		{name: "anyone there", text: "is anyone there", outcome: OutcomeAsked, contains: []string{"AI assistant"}},
		{name: "good evening", text: "Good evening!", outcome: OutcomeAsked, contains: []string{"AI assistant"}},
		{name: "thanks", text: "thanks!", outcome: OutcomeAsked, contains: []string{"welcome", "AI assistant"}},
		{name: "emoji only", text: "👍", outcome: OutcomeAsked, contains: []string{"AI assistant"}},
		{name: "bot?", text: "are you a bot?", outcome: OutcomeAsked, contains: []string{"AI assistant", "not a person"}},
		{name: "a real person?", text: "is this a real person", outcome: OutcomeAsked, contains: []string{"AI assistant", "not a person"}},
		{name: "no topic at all", text: "how much is it?", outcome: OutcomeAsked, contains: []string{"which service"}},
		{name: "answers our question", history: []Message{lead("do you fix water heaters"), ai("Yes. Is your current water heater gas or electric?")},
			text: "gas, about 12 years old", outcome: OutcomeAsked, contains: []string{"follow up"}},
	})
}

func TestOfflineFollowUps(t *testing.T) {
	t.Parallel()
	runTurnCases(t, setup(t, bySection), []turnCase{
		{name: "weekends after hours", history: []Message{lead("What are your hours?"), ai("Our office is open Monday through Friday from 7:00 a.m. to 6:00 p.m.")},
			text: "what about weekends?", outcome: OutcomeAnswered, contains: []string{"Saturdays", "2:00 p.m."}},
		{name: "price of the plan asked before", history: []Message{lead("do you have a maintenance plan?"), ai("The Summit Comfort Club is our home maintenance membership.")},
			text: "how much is it?", outcome: OutcomeAnswered, contains: []string{"$19"}},
		{name: "price of tankless asked before", history: []Message{lead("Do you do tankless water heaters?"), ai("We replace tank and tankless water heaters.")},
			text: "how much are they?", outcome: OutcomeAnswered, contains: []string{"$4,400"}},
		{name: "after-hours price of the diagnostic", history: []Message{lead("how much is the diagnostic?"), ai("A standard diagnostic visit is $89 during office hours.")},
			text: "ok and what about after hours?", outcome: OutcomeAnswered, contains: []string{"$189"}},
		{name: "warranty on repairs after new AC", history: []Message{lead("what's the warranty on a new AC?"), ai("New heating and cooling systems come with a 10-year parts warranty.")},
			text: "and on repairs?", outcome: OutcomeAnswered, contains: []string{"2-year"}},
		{name: "a new topic is not bent to the old one", history: []Message{lead("how much is a new furnace?"), ai("A new gas furnace, installed, usually costs $4,800 to $7,900.")},
			text: "do you serve Loveland?", outcome: OutcomeAnswered, contains: []string{"Loveland"}, notContains: []string{"$4,800", "furnace"}},
		{name: "price after asking whether we install it", history: []Message{lead("do you guys install ev chargers"), ai("Yes, we install Level 2 EV chargers.")},
			text: "how much?", outcome: OutcomeAnswered, contains: []string{"$750"}},
		{name: "topic from two turns back", history: []Message{lead("do you do tankless water heaters?"), ai("Yes."), lead("ok"), ai("Anything else?")},
			text: "how much?", outcome: OutcomeAnswered, contains: []string{"$4,400"}},
		{name: "a rep's and the system's messages are not the lead's topic", history: []Message{lead("hi"), {From: FromRep, Text: "Ask me about water heaters"}, {From: FromSystem, Text: "tankless"}},
			text: "how much is it?", outcome: OutcomeAsked, contains: []string{"which service"}},
	})
}

func TestOfflineQualifyingQuestion(t *testing.T) {
	t.Parallel()
	b := setup(t, byParagraph)
	in := TurnInput{Channel: ChannelSMS, Text: "How much is an AC tune-up?"}
	r, err := b.offline.Turn(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome != OutcomeAnswered || !strings.HasSuffix(r.Text, "?") || !strings.Contains(r.Text, "$129") {
		t.Fatalf("want the short answer followed by one question, got %s %q", r.Outcome, r.Text)
	}
	if strings.Count(r.Text, "?") != 1 {
		t.Errorf("more than one question: %q", r.Text)
	}
	// Asked once, not again in the same conversation.
	in.History = []Message{lead("How much is an AC tune-up?"), ai(r.Text)}
	again, err := b.offline.Turn(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(again.Text, "?") {
		t.Errorf("asked the same question twice: %q", again.Text)
	}
}

// staticKB returns the same results for any query.
type staticKB []knowledge.Result

func (s staticKB) Search(context.Context, string, int) ([]knowledge.Result, error) {
	return s, nil
}

func TestOfflineFitsTwoSegments(t *testing.T) {
	t.Parallel()
	long := knowledge.Result{ChunkID: 7, Title: "Water heaters", Content: strings.Repeat(
		"Our water heater replacement includes haul-away of the old tank, new connections, an expansion tank where code requires one, a new gas flex line, a drain pan, the city permit and a startup inspection, and it is usually done the same day when you call before noon. ", 4)}
	o := NewOffline(staticKB{long}, demoBusiness)
	in := TurnInput{Channel: ChannelSMS, Text: "what does water heater replacement include?"}
	r, err := o.Turn(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome != OutcomeAnswered || r.Segments > 2 || !fits(r.Text, 2) {
		t.Fatalf("got %s in %d segments: %q", r.Outcome, r.Segments, r.Text)
	}
	if !strings.HasPrefix(r.Text, "Our water heater replacement includes") {
		t.Errorf("reply does not start with the answer: %q", r.Text)
	}
	words := strings.Fields(strings.TrimSuffix(r.Text, "..."))
	last := words[len(words)-1]
	if !strings.Contains(long.Content, " "+strings.TrimRight(last, ".,")+" ") && !strings.Contains(long.Content, " "+last) {
		t.Errorf("reply ends inside a word: %q", last)
	}
}

func TestOfflineKeepsGSM(t *testing.T) {
	t.Parallel()
	kb := staticKB{{ChunkID: 3, Title: "Hours", Content: "We\u2019re open Monday\u2013Friday, 7:00 a.m.\u20136:00 p.m. \u2014 and \u201cemergencies\u201d are answered 24/7\u2026"}}
	r, err := NewOffline(kb, demoBusiness).Turn(context.Background(), TurnInput{Channel: ChannelSMS, Text: "when are you open?"})
	if err != nil {
		t.Fatal(err)
	}
	if _, enc := Segments(r.Text); enc != EncodingGSM7 || r.Outcome != OutcomeAnswered {
		t.Fatalf("got %s in %s: %q", r.Outcome, enc, r.Text)
	}
	if !strings.Contains(r.Text, "We're open Monday-Friday") {
		t.Errorf("punctuation not folded: %q", r.Text)
	}
}

func TestOfflineMarkdownNeverReachesTheLead(t *testing.T) {
	t.Parallel()
	kb := staticKB{{ChunkID: 4, Title: "Pricing", Heading: "Drains", Content: "## Drains\n\n**Drain clearing** is a flat [$179](https://summit.example/prices) for any sink, tub or shower.\n\n- _Main line_: $289"}}
	r, err := NewOffline(kb, demoBusiness).Turn(context.Background(), TurnInput{Channel: ChannelSMS, Text: "how much is drain clearing?"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Text, "Drain clearing is a flat $179 for any sink, tub or shower.") || hasMarkup(r.Text) {
		t.Errorf("got %q", r.Text)
	}
}

func TestOfflineThresholds(t *testing.T) {
	t.Parallel()
	b := setup(t, byParagraph)
	ctx := context.Background()
	in := TurnInput{Channel: ChannelSMS, Text: "How much is an AC tune-up?"}
	if r, _ := b.offline.Turn(ctx, in); r.Outcome != OutcomeAnswered {
		t.Fatalf("baseline: %s %q", r.Outcome, r.Text)
	}
	// Chunks below MinScore are not used at all.
	strict := b.offline.WithThresholds(Thresholds{MinScore: 1e9})
	if r, _ := strict.Turn(ctx, in); r.Outcome != OutcomeUnknown {
		t.Errorf("MinScore above every chunk: %s %q", r.Outcome, r.Text)
	}
	// A partial match ("toilet" but not "running") answers at the default
	// coverage and not when full coverage is required.
	partial := TurnInput{Channel: ChannelSMS, Text: "my toilet keeps running"}
	if r, _ := b.offline.Turn(ctx, partial); r.Outcome != OutcomeAnswered {
		t.Errorf("default coverage: %s %q", r.Outcome, r.Text)
	}
	if r, _ := b.offline.WithThresholds(Thresholds{MinCoverage: 0.99}).Turn(ctx, partial); r.Outcome != OutcomeUnknown {
		t.Errorf("MinCoverage 0.99: %s %q", r.Outcome, r.Text)
	}
	// WithThresholds returns a copy; the original keeps its own.
	if r, _ := b.offline.Turn(ctx, in); r.Outcome != OutcomeAnswered {
		t.Errorf("WithThresholds changed the original: %s", r.Outcome)
	}
}

func TestOfflineNothingRetrieved(t *testing.T) {
	t.Parallel()
	r, err := NewOffline(staticKB(nil), Business{Name: "Acme"}).Turn(context.Background(), TurnInput{Channel: ChannelSMS, Text: "do you fix furnaces?"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome != OutcomeUnknown || !strings.Contains(r.Text, "Acme") || strings.Contains(r.Text, "call") {
		t.Errorf("got %s %q", r.Outcome, r.Text)
	}
}

func TestOfflineSearchError(t *testing.T) {
	t.Parallel()
	down := errors.New("connection refused")
	kb := loadDemoKB(t, byParagraph)
	kb.err = down
	_, err := NewOffline(kb, demoBusiness).Turn(context.Background(), TurnInput{Channel: ChannelSMS, Text: "do you fix furnaces?"})
	if !errors.Is(err, down) || !strings.Contains(err.Error(), "search knowledge") {
		t.Errorf("err = %v; want it wrapped with context", err)
	}
	// Small talk needs no search and still works.
	if r, err := NewOffline(kb, demoBusiness).Turn(context.Background(), TurnInput{Channel: ChannelSMS, Text: "hi"}); err != nil || r.Outcome != OutcomeAsked {
		t.Errorf("greeting with search down: %v %s", err, r.Outcome)
	}
}

func TestOfflineCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewOffline(loadDemoKB(t, byParagraph), demoBusiness).Turn(ctx, TurnInput{Channel: ChannelSMS, Text: "do you fix furnaces?"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestOfflineVoiceIsShort(t *testing.T) {
	t.Parallel()
	b := setup(t, byParagraph)
	r, err := b.offline.Turn(context.Background(), TurnInput{Channel: ChannelVoice, Text: "What are your hours?"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(SplitSentences(r.Text)); r.Outcome != OutcomeAnswered || n > 3 {
		t.Errorf("voice reply of %d sentences: %q", n, r.Text)
	}
}

func TestOfflineConcurrent(t *testing.T) {
	t.Parallel()
	b := setup(t, bySection)
	want := map[string]string{}
	for _, c := range answerCases {
		r, err := b.offline.Turn(context.Background(), TurnInput{Channel: ChannelSMS, Text: c.text})
		if err != nil {
			t.Fatal(err)
		}
		want[c.text] = r.Text
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j, c := range answerCases {
				if (i+j)%2 == 0 {
					continue
				}
				r, err := b.offline.Turn(context.Background(), TurnInput{Channel: ChannelSMS, Text: c.text})
				if err != nil || r.Text != want[c.text] {
					t.Errorf("concurrent turn for %q: %v %q", c.text, err, r.Text)
				}
			}
		})
	}
	wg.Wait()
}

// TestNumbersGrounded checks the guard itself: a number not in the sources
// is caught, formatting aside.
func TestNumbersGrounded(t *testing.T) {
	t.Parallel()
	src := []string{"A tune-up is $129; a flush is $149. Call (970) 555-0100."}
	if !numbersGrounded("Tune-up: $129. Call (970) 555-0100.", src) {
		t.Error("grounded numbers rejected")
	}
	if numbersGrounded("A tune-up is $99.", src) {
		t.Error("invented $99 accepted")
	}
	if !regexp.MustCompile(`\d`).MatchString(strings.Join(numbersIn("$1,850.00 and 2-year"), "")) {
		t.Error("numbersIn found nothing")
	}
}

func TestRetrieverFunc(t *testing.T) {
	t.Parallel()
	var gotQuery string
	var gotK int
	r := RetrieverFunc(func(_ context.Context, q string, k int) ([]knowledge.Result, error) {
		gotQuery, gotK = q, k
		return []knowledge.Result{{ChunkID: 9, Title: "Tune-ups", Content: "An AC tune-up is $129 per system."}}, nil
	})
	rep, err := NewOffline(r, demoBusiness).Turn(context.Background(), TurnInput{Channel: ChannelSMS, Text: "how much is an AC tune-up?"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(gotQuery, "tune-up") || gotK != DefaultThresholds().K {
		t.Errorf("search got %q, k=%d", gotQuery, gotK)
	}
	if rep.Outcome != OutcomeAnswered || !slices.Equal(rep.Citations, []int64{9}) {
		t.Errorf("got %s %v %q", rep.Outcome, rep.Citations, rep.Text)
	}
}

// TestOfflineSignals: every reply carries the message's signals, who
// answered, and how well the knowledge covered the question.
func TestOfflineSignals(t *testing.T) {
	t.Parallel()
	b := setup(t, byParagraph)
	ctx := context.Background()
	for _, tc := range []struct {
		text           string
		intent         string
		outcome        Outcome
		coverageAtLow  float64 // Signals.Coverage at least
		coverageAtMost float64
	}{
		{text: "How much is an AC tune-up?", intent: IntentFAQ, outcome: OutcomeAnswered, coverageAtLow: DefaultThresholds().MinCoverage, coverageAtMost: 1},
		{text: "do you install swimming pools?", intent: IntentFAQ, outcome: OutcomeUnknown, coverageAtLow: 0, coverageAtMost: 0},
		{text: "hi", intent: IntentOther, outcome: OutcomeAsked, coverageAtLow: 1, coverageAtMost: 1},
		{text: "I'd like to book a furnace tune-up for Saturday", intent: IntentBuying},
		{text: "can I talk to a real person?", intent: IntentHuman, outcome: OutcomeAsked, coverageAtLow: 1, coverageAtMost: 1},
	} {
		r, err := b.offline.Turn(ctx, TurnInput{Channel: ChannelSMS, Text: tc.text})
		if err != nil {
			t.Fatal(err)
		}
		if r.Path != PathOffline || r.Model != "offline" || r.PromptVersion != "" {
			t.Errorf("%q: path %q model %q prompt %q", tc.text, r.Path, r.Model, r.PromptVersion)
		}
		if r.Signals.Intent != tc.intent {
			t.Errorf("%q: intent %s, want %s (%+v)", tc.text, r.Signals.Intent, tc.intent, r.Signals)
		}
		if tc.outcome == "" {
			continue
		}
		if r.Outcome != tc.outcome {
			t.Errorf("%q: outcome %s, want %s: %q", tc.text, r.Outcome, tc.outcome, r.Text)
		}
		if c := r.Signals.Coverage; c < tc.coverageAtLow || c > tc.coverageAtMost {
			t.Errorf("%q: coverage %.2f, want %.2f..%.2f", tc.text, c, tc.coverageAtLow, tc.coverageAtMost)
		}
	}
}

// TestOfflineDoesNotQuoteKnowledgeToAPersonRequestOrComplaint: a lead who
// asks for a person or complains is told a person will follow up, never
// handed a knowledge snippet that shares their words.
func TestOfflineDoesNotQuoteKnowledgeToAPersonRequestOrComplaint(t *testing.T) {
	t.Parallel()
	b := setup(t, byParagraph)
	person := []string{"someone from Summit Home Services", "reach out"}
	sorry := []string{"sorry", "someone from Summit Home Services", "follows up"}
	runTurnCases(t, b, []turnCase{
		{name: "lone agent", text: "agent", outcome: OutcomeAsked, contains: person},
		{name: "person about financing", text: "can I talk to a real person about financing?", outcome: OutcomeAsked, contains: person, notContains: []string{"APR"}},
		{name: "call me", text: "please just call me about the water heater", outcome: OutcomeAsked, contains: person, notContains: []string{"gallon", "$"}},
		{name: "identity then a person", text: "are you a bot? I want a human", outcome: OutcomeAsked, contains: person},
		{name: "no show", text: "your tech never showed up for my tune-up", outcome: OutcomeAsked, contains: sorry, notContains: []string{"$129"}},
		{name: "still broken", text: "the AC you installed is still not working and I want a refund", outcome: OutcomeAsked, contains: sorry, notContains: []string{"warranty"}},
		// A broken appliance is not a complaint about the business.
		{name: "broken furnace", text: "my furnace stopped working and it's freezing, can someone come tonight?", outcome: OutcomeAnswered, containsAny: []string{"24 hours", "24/7", "$189"}},
	})
}

func TestOfflineYesToOurOffer(t *testing.T) {
	t.Parallel()
	b := setup(t, byParagraph)
	history := []Message{lead("how much is a furnace tune-up?"), ai("A furnace tune-up is $129. Would you like me to have someone book you in?")}
	in := TurnInput{Channel: ChannelSMS, History: history, Text: "yes please"}
	r, err := b.offline.Turn(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkReply(t, b.kb, in, r)
	if r.Signals.Intent != IntentBuying || r.Outcome != OutcomeAsked || strings.Contains(r.Text, "Hi Dana") || !strings.Contains(r.Text, "reach out") {
		t.Errorf("got %s %s %q", r.Signals.Intent, r.Outcome, r.Text)
	}
}

// constSignals is a Classifier that reads the same signals from any message.
type constSignals Signals

func (f constSignals) Classify(string, []Message) Signals { return Signals(f) }

func TestOfflineWithClassifier(t *testing.T) {
	t.Parallel()
	b := setup(t, byParagraph)
	fixed := constSignals{BuyingIntent: 0.9, Intent: IntentBuying, Coverage: 0.3}
	o := b.offline.WithClassifier(fixed)
	r, err := o.Turn(context.Background(), TurnInput{Channel: ChannelSMS, Text: "What are your hours?"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Signals.BuyingIntent != 0.9 || r.Signals.Intent != IntentBuying || r.Outcome != OutcomeAnswered {
		t.Errorf("got %+v %s", r.Signals, r.Outcome)
	}
	if r.Signals.Coverage == 0.3 || r.Signals.Coverage == 0 {
		t.Errorf("coverage %.2f: the responder sets it, not the classifier", r.Signals.Coverage)
	}
	// The original keeps its own classifier; nil restores the built-in one.
	if r, _ := b.offline.Turn(context.Background(), TurnInput{Channel: ChannelSMS, Text: "What are your hours?"}); r.Signals.Intent != IntentFAQ {
		t.Errorf("WithClassifier changed the original: %+v", r.Signals)
	}
	if r, _ := o.WithClassifier(nil).Turn(context.Background(), TurnInput{Channel: ChannelSMS, Text: "agent"}); r.Signals.Intent != IntentHuman {
		t.Errorf("WithClassifier(nil): %+v", r.Signals)
	}
}
