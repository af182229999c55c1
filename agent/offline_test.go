package agent

import (
	"context"
	"github.com/leadagent/leadagent/knowledge"
	"github.com/leadagent/leadagent/lexicon"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lead and ai build a conversation history.
func lead(text string) Message { return Message{From: FromLead, Text: text} }
func ai(text string) Message   { return Message{From: FromAI, Text: text} }

// bikeShop is a business written for these tests, unlike the demo's: the
// responder must answer from whatever a business's knowledge says.
var bikeShop = Business{Name: "Ridgeline Cycle Works", Phone: "(555) 010-2040"}

func bikeShopResponder(t testing.TB) *Offline {
	t.Helper()
	return NewOffline(loadKB(t, filepath.Join("testdata", "bikeshop"), byParagraph), bikeShop)
}

type turnCase struct {
	name    string
	history []Message
	text    string
	channel string
	outcome Outcome
	// orUnknown: saying it does not know passes too; an answer must
	// still pass the text checks.
	orUnknown bool
	// contains: every one, case-insensitive; containsAny: at least one;
	// not: none.
	contains, containsAny, not []string
}

func runTurnCases(t *testing.T, o *Offline, cases []turnCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := TurnInput{Channel: tc.channel, Text: tc.text, History: tc.history, Lead: Lead{Name: "Dana"}}
			if in.Channel == "" {
				in.Channel = ChannelSMS
			}
			r, err := o.Turn(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			low := strings.ToLower(r.Text)
			if tc.orUnknown && r.Outcome == OutcomeUnknown {
				return
			}
			if r.Outcome != tc.outcome {
				t.Errorf("outcome %s, want %s: %q", r.Outcome, tc.outcome, r.Text)
			}
			for _, c := range tc.contains {
				if !strings.Contains(low, strings.ToLower(c)) {
					t.Errorf("reply %q lacks %q", r.Text, c)
				}
			}
			if len(tc.containsAny) > 0 {
				hit := false
				for _, c := range tc.containsAny {
					hit = hit || strings.Contains(low, strings.ToLower(c))
				}
				if !hit {
					t.Errorf("reply %q has none of %q", r.Text, tc.containsAny)
				}
			}
			for _, c := range tc.not {
				if strings.Contains(low, strings.ToLower(c)) {
					t.Errorf("reply %q has %q", r.Text, c)
				}
			}
			if r.Outcome == OutcomeAnswered && len(r.Citations) == 0 {
				t.Errorf("an answer without citations: %q", r.Text)
			}
			if max := 2; r.Segments > max {
				t.Errorf("%d segments: %q", r.Segments, r.Text)
			}
		})
	}
}

// TestOfflineAnswersFromAnyKnowledge: questions in a lead's own words are
// answered with the passage that answers them, whole; what the knowledge
// does not say is not answered.
func TestOfflineAnswersFromAnyKnowledge(t *testing.T) {
	t.Parallel()
	runTurnCases(t, bikeShopResponder(t), []turnCase{
		{name: "a price from a table keeps its row", text: "how much is a tune up for my e-bike?",
			outcome: OutcomeAnswered, contains: []string{"$129"}},
		{name: "text speak", text: "hw much 4 a basic tune up",
			outcome: OutcomeAnswered, contains: []string{"$89"}},
		{name: "an FAQ answers its own question in other words", text: "do your repairs come with any kind of warranty?",
			outcome: OutcomeAnswered, contains: []string{"90-day"}},
		{name: "an aside before the question", text: "my kid's bike got a flat on the trail yesterday, can you fix it while I wait?",
			outcome: OutcomeAnswered, containsAny: []string{"while you wait", "$18"}},
		{name: "hours on a weekday", text: "are you open on weekdays?",
			outcome: OutcomeAnswered, contains: []string{"10:00"}},
		{name: "what the business does not do", text: "do you guys work on motorcycles?",
			outcome: OutcomeAnswered, contains: []string{"do not repair motorcycles"}},
		// The policy shares "leave" and "bike" with the message and none
		// of "a month" or "fixed" ("14 days", "ready"): the responder may
		// decline it, but what it quotes must be that policy.
		{name: "a plain-text policy under a heading in capitals", text: "what happens if I leave my bike there for a month after it's fixed?",
			outcome: OutcomeAnswered, orUnknown: true, contains: []string{"$5 a day"}},
		{name: "hours asked with no day: the schedule", text: "when are you guys open?",
			outcome: OutcomeAnswered, contains: []string{"Saturday", "Sunday"}},
		{name: "holidays are hours, and what is said of them", text: "are you open on holidays?",
			outcome: OutcomeAnswered, contains: []string{"Thanksgiving"}, not: []string{"Tuesday to Friday"}},
		{name: "where the business is, which no word of the question names", text: "where are you located?",
			outcome: OutcomeAnswered, contains: []string{"418 Alder St."}},
		{name: "an address by another word", text: "whats ur address",
			outcome: OutcomeAnswered, contains: []string{"418 Alder St."}},
		{name: "how to pay, asked in other words", text: "can i pay with my card when i pick it up?",
			outcome: OutcomeAnswered, contains: []string{"credit cards"}},
		{name: "how to pay", text: "what forms of payment do you accept?",
			outcome: OutcomeAnswered, contains: []string{"cash"}},
		{name: "how long it has been in business, which no word of the question names", text: "how long have you guys been in business?",
			outcome: OutcomeAnswered, contains: []string{"2011"}},
		{name: "another topic the knowledge lacks", text: "can you paint my frame a different color?",
			outcome: OutcomeUnknown, not: []string{"$"}},
	})
}

// TestOfflineFollowUps: a message that leans on the one before is read
// with it.
func TestOfflineFollowUps(t *testing.T) {
	t.Parallel()
	runTurnCases(t, bikeShopResponder(t), []turnCase{
		{name: "how much is it, after a topic", history: []Message{lead("can I rent a bike?"),
			ai("Yes. City bikes rent for $35 a day and e-bikes for $65 a day.")},
			text: "and what about saturday, are you open?", outcome: OutcomeAnswered, contains: []string{"9:00"}},
		{name: "a question without a topic asks what about", text: "how much is it?", outcome: OutcomeAsked,
			contains: []string{"which service"}},
		{name: "only the cue of a price is no topic", text: "how much do you charge?", outcome: OutcomeAsked,
			contains: []string{"which service"}},
		{name: "nor is the verb of a duration", text: "how long does it usually take?", outcome: OutcomeAsked,
			contains: []string{"which service"}},
		{name: "saying one calls is no topic either", text: "hi, I'm calling for a quote, what do you charge?",
			outcome: OutcomeAsked, contains: []string{"which service"}},
	})
}

// TestOfflineArea: a town the knowledge names is answered from it; one it
// does not name is, as far as the assistant can tell, outside the area.
func TestOfflineArea(t *testing.T) {
	t.Parallel()
	runTurnCases(t, bikeShopResponder(t), []turnCase{
		{name: "a town it serves", text: "do you pick up bikes in cedar falls?", outcome: OutcomeAnswered,
			contains: []string{"Cedar Falls", "$25"}},
		{name: "a town it does not name", text: "can you come pick up my bike in riverton?", outcome: OutcomeAnswered,
			contains: []string{"Riverton isn't in our service area"}},
		// The shop names no way to pay over time: it may say it does not
		// know, but never that "installments" is outside its area.
		{name: "an ordinary word is no town", text: "do you take payment for repairs in installments?",
			outcome: OutcomeAnswered, orUnknown: true, not: []string{"service area"}},
		{name: "which towns: those it serves, not those it does not", text: "what towns do you pick up bikes in?",
			outcome: OutcomeAnswered, contains: []string{"Maplewood"}, not: []string{"don't"}},
		{name: "where it works, from the knowledge", text: "what areas do you serve?", outcome: OutcomeAnswered,
			contains: []string{"Maplewood", "Cedar Falls"}},
	})
	// A business that says where it works answers with its own words,
	// which cite no chunk.
	shop := bikeShop
	shop.ServiceArea = "Maplewood, Harlan, Cedar Falls and Dunmore; pickups from Riverbend by arrangement"
	o := NewOffline(loadKB(t, filepath.Join("testdata", "bikeshop"), byParagraph), shop)
	r, err := o.Turn(context.Background(), TurnInput{Channel: ChannelSMS, Text: "which towns do you cover", Lead: Lead{Name: "Dana"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Our service area: Maplewood, Harlan, Cedar Falls and Dunmore; pickups from Riverbend by arrangement."; r.Outcome != OutcomeAnswered || !strings.Contains(r.Text, want) {
		t.Errorf("%s %q, want the business's own area %q", r.Outcome, r.Text, want)
	}
	r, err = o.Turn(context.Background(), TurnInput{Channel: ChannelSMS, Text: "do you guys come out to my neighborhood?", Lead: Lead{Name: "Dana"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "Our service area: Maplewood") {
		t.Errorf("%s %q, want the business's own area for \"my neighborhood\"", r.Outcome, r.Text)
	}
}

// TestOfflineWhQuestionWithoutBareYes: an FAQ answer opening "Yes." is
// quoted whole to its own yes-or-no question, and without the "Yes." to
// a question of how long or how much, which "Yes." does not answer.
func TestOfflineWhQuestionWithoutBareYes(t *testing.T) {
	t.Parallel()
	runTurnCases(t, bikeShopResponder(t), []turnCase{
		{name: "yes or no", text: "can i rent a bike?", outcome: OutcomeAnswered, contains: []string{"Yes.", "$35"}},
		{name: "how much", text: "how much does it cost to rent a bike?", outcome: OutcomeAnswered,
			contains: []string{"$35"}, not: []string{"Yes."}},
		{name: "how long", text: "how long is the warranty on repairs?", outcome: OutcomeAnswered,
			contains: []string{"90-day"}, not: []string{"Yes."}},
	})
}

// TestOfflineServedPlaceAsides: a town the business serves, named around
// a question about something else, does not turn the answer into where
// the business works; a town it does not serve still does.
func TestOfflineServedPlaceAsides(t *testing.T) {
	t.Parallel()
	shop := bikeShop
	shop.ServiceArea = "Maplewood, Harlan, Cedar Falls and Dunmore; pickups from Riverbend by arrangement"
	runTurnCases(t, NewOffline(loadKB(t, filepath.Join("testdata", "bikeshop"), byParagraph), shop), []turnCase{
		{name: "served", text: "can you pick up my e-bike in dunmore? how much for an e-bike tune-up", outcome: OutcomeAnswered,
			contains: []string{"$129"}},
		{name: "served, a run-on", text: "need you to pick up my e-bike in dunmore how much is an e-bike tune-up", outcome: OutcomeAnswered,
			contains: []string{"$129"}},
		{name: "not served", text: "need you to pick up my e-bike in riverton how much is an e-bike tune-up", outcome: OutcomeAnswered,
			contains: []string{"Riverton isn't in our service area"}, not: []string{"$129"}},
	})
}

// TestPlacePrefix: a question naming a town is answered by the opening of
// a unit that names it, and by more only when what follows points back at
// what the opening names.
func TestPlacePrefix(t *testing.T) {
	t.Parallel()
	lex := lexicon.Default()
	served := "We pick up in Maplewood, Harlan and Cedar Falls."
	for _, tc := range []struct{ next, ask, want string }{
		{"We don't pick up in Dunmore or Riverbend.", "do you pick up in harlan?", served},
		{"We don't pick up in Dunmore or Riverbend.", "do you pick up in dunmore?", served + " We don't pick up in Dunmore or Riverbend."},
		{"Pickups in those towns cost $25.", "do you pick up in harlan?", served + " Pickups in those towns cost $25."},
	} {
		whole := rated{u: &unit{text: served + " " + tc.next}, result: knowledge.Result{ChunkID: 1}}
		first := rated{u: &unit{text: served}, result: knowledge.Result{ChunkID: 1}}
		other := rated{u: &unit{text: "We pick up in Harlan."}, result: knowledge.Result{ChunkID: 2}}
		q := readQuestion(lex, tc.ask)
		got := placePrefix(q, whole, []rated{other, whole, first}, func(string) bool { return true })
		if got.u.text != tc.want {
			t.Errorf("%q after %q: quoted %q, want %q", tc.ask, tc.next, got.u.text, tc.want)
		}
	}
}

// TestOfflineAreaInOtherWords: asked where it works in words its
// knowledge does not use, the agent still finds where it says it.
func TestOfflineAreaInOtherWords(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, text := range map[string]string{
		"services.md": "# Services\n\n" + strings.Repeat("We work on road bikes, e-bikes and kids' bikes, and our work is guaranteed.\n\n", 12),
		"area.md":     "# Where we ride out to\n\nWe serve Maplewood, Harlan and Cedar Falls with no trip fee.\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runTurnCases(t, NewOffline(loadKB(t, dir, byParagraph), bikeShop), []turnCase{
		{name: "where all", text: "where all do you guys work?", outcome: OutcomeAnswered, contains: []string{"Maplewood, Harlan and Cedar Falls"}},
	})
}

// TestWholeArea: where the business works is answered with every part of
// the document that says it, each naming towns the others do not, in the
// knowledge's order, not with a perk elsewhere that names the same towns,
// and only as much as the reply can carry.
func TestWholeArea(t *testing.T) {
	t.Parallel()
	unitAt := func(text, doc string, chunk int64, score float64) rated {
		content := map[int64]string{
			1: "We mow lawns in Maplewood, Harlan and Cedar Falls at no trip charge.",
			2: "We also mow in Dunmore, Riverbend and Eastgate. These visits carry a $15 trip charge.",
			3: "Members pay no trip charge in Dunmore, Riverbend and Eastgate.",
		}[chunk]
		return rated{u: &unit{text: text}, score: score, result: knowledge.Result{ChunkID: chunk, DocumentPath: doc, Content: content}}
	}
	free := unitAt("We mow lawns in Maplewood, Harlan and Cedar Falls at no trip charge.", "area.md", 1, 5)
	part := unitAt("We mow lawns in Maplewood, Harlan and Cedar Falls.", "area.md", 1, 4.8)
	fee := unitAt("We also mow in Dunmore, Riverbend and Eastgate. These visits carry a $15 trip charge.", "area.md", 2, 4)
	perk := unitAt("Members pay no trip charge in Dunmore, Riverbend and Eastgate.", "club.md", 3, 4.5)
	areas := []rated{fee, perk, part, free}
	join := func(xs []rated) string { return joinAnswers(xs) }

	if got, want := join(wholeArea(areas, func(string) bool { return true })), free.u.text+" "+fee.u.text; got != want {
		t.Errorf("whole area %q, want %q", got, want)
	}
	short := func(s string) bool { return len(s) <= len(free.u.text) }
	if got := join(wholeArea(areas, short)); got != free.u.text {
		t.Errorf("with room for one unit: %q, want %q", got, free.u.text)
	}

	// The towns before the words around them: with room for both lists
	// but not for the fee sentence, the fee unit is cut to its opening.
	feeShort := unitAt("We also mow in Dunmore, Riverbend and Eastgate.", "area.md", 2, 3.9)
	both := free.u.text + " " + feeShort.u.text
	fee.score = 6 // the fee unit first: the cut must reach the units picked before
	areas = []rated{fee, feeShort, perk, part, free}
	if got := join(wholeArea(areas, func(s string) bool { return len(s) <= len(both) })); got != both {
		t.Errorf("with room for both lists: %q, want %q", got, both)
	}
}

// TestWithTopic: a list item labelled only by what it states says what it
// is for, from its heading; one that names its topic, or whose heading
// cannot be said in a few words, is quoted as it is.
func TestWithTopic(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, heading, want string }{
		{"Price: $69 per vault per month.", "Storage", "Price for storage: $69 per vault per month."},
		{"Minimum stay: one month.", "Storage vaults", "Minimum stay for storage vaults: one month."},
		{"Price: $575 per square.", "GAF shingles", "Price for GAF shingles: $575 per square."},
		{"Tune-up: $89.", "Services", "Tune-up: $89."},
		{"Price: $69 a month for storage.", "Storage", "Price: $69 a month for storage."},
		{"Price: $69 per vault per month.", "", "Price: $69 per vault per month."},
		{"Price: $69.", "What it costs to keep your things with us for a while", "Price: $69."},
		{"We charge $69 a month.", "Storage", "We charge $69 a month."},
	} {
		if got := withTopic(tc.text, tc.heading); got != tc.want {
			t.Errorf("withTopic(%q, %q) = %q, want %q", tc.text, tc.heading, got, tc.want)
		}
	}

	// The topic goes in only when the reply can carry it.
	plain := "Price: $69 per vault per month."
	x := rated{u: &unit{text: plain}, result: knowledge.Result{Heading: "Storage"}}
	if got := quoteWithin(x, func(s string) bool { return len(s) <= len(plain) }); got != plain {
		t.Errorf("with no room: %q, want %q", got, plain)
	}
	if got, want := quoteWithin(x, func(string) bool { return true }), "Price for storage: $69 per vault per month."; got != want {
		t.Errorf("with room: %q, want %q", got, want)
	}
}

// TestServesPlaces: a unit answers where the business works when it says
// it serves the places it names, not when it only names places or lists
// those it does not go to.
func TestServesPlaces(t *testing.T) {
	t.Parallel()
	lex := lexicon.Default()
	for text, want := range map[string]bool{
		"We serve Maplewood, Harlan, Cedar Falls and Dunmore.":                                           true,
		"Licensed with the City of Maplewood, Harlan, Cedar Falls and Dunmore.":                          false,
		"We do not serve Riverbend, Alder Creek, Pine Hollow or Eastgate.":                               false,
		"Zone 2 ($50 travel fee): Maplewood, Harlan, Cedar Falls and Dunmore.":                           true,
		"Our founders grew up in Maplewood and opened a shop in Harlan with friends.":                    false,
		"From June 1 through September 30 we hold four Tune-Up Express slots a day in our service area.": false,
		"Pickup slots in Maplewood, Harlan and Cedar Falls go first come, first served.":                 false,
		"We make home visits in Maplewood, Harlan, Cedar Falls and Dunmore.":                             true,
	} {
		us := buildUnits(lex, nil, knowledge.Result{ChunkID: 1, Content: text})
		if len(us) == 0 {
			t.Fatalf("%q: no unit", text)
		}
		if got := servesPlaces(&us[0], knowledge.Result{}); got != want {
			t.Errorf("servesPlaces(%q) = %v, want %v", text, got, want)
		}
	}

	// Text before a document's first heading is under its title.
	intro := "We help buyers and sellers across Maplewood, Harlan and Dunmore counties."
	us := buildUnits(lex, nil, knowledge.Result{ChunkID: 1, Content: intro})
	for _, r := range []knowledge.Result{{Title: "Areas We Serve"}, {Title: "About us", Heading: "Areas we serve"}} {
		if !servesPlaces(&us[0], r) {
			t.Errorf("servesPlaces(%q) under %+v = false, want true", intro, r)
		}
	}
	if servesPlaces(&us[0], knowledge.Result{Title: "About us"}) {
		t.Errorf("servesPlaces(%q) under \"About us\" = true, want false", intro)
	}
}

func TestServiceAreaText(t *testing.T) {
	t.Parallel()
	short := func(n int) func(string) bool { return func(s string) bool { return len(s) <= n } }
	area := "Shop at 12 N. Main St, Maplewood. Pickups in Harlan and Cedar Falls; Dunmore by arrangement"
	for _, tc := range []struct {
		max  int
		want string
	}{
		{200, "Our service area: " + area + "."},
		{100, "Our service area: Shop at 12 N. Main St, Maplewood. Pickups in Harlan and Cedar Falls."},
		{60, "Our service area: Shop at 12 N. Main St, Maplewood."},
		{20, ""},
	} {
		if got := serviceAreaText(area, short(tc.max)); got != tc.want {
			t.Errorf("serviceAreaText(%d) = %q, want %q", tc.max, got, tc.want)
		}
	}
}

// TestOfflineTwoQuestions: a message that asks two things gets both
// answers when they fit.
func TestOfflineTwoQuestions(t *testing.T) {
	t.Parallel()
	runTurnCases(t, bikeShopResponder(t), []turnCase{
		{name: "two questions", text: "do you take apple pay? and how much is a full overhaul?", outcome: OutcomeAnswered,
			contains: []string{"Apple Pay", "$249"}},
		// Weighing every part's answers against the others' grows with the
		// parts: the first three are answered.
		{name: "the same question thirty times", text: strings.Repeat("how much is a full overhaul? ", 30),
			outcome: OutcomeAnswered, contains: []string{"$249"}},
		{name: "five questions", text: "do you rent bikes? how much is a tune-up? do you take apple pay? are you open sunday? do you fix flats?",
			outcome: OutcomeAnswered},
		{name: "what to bring: the list under its heading", text: "what do i need to bring to rent a bike?",
			outcome: OutcomeAnswered, contains: []string{"A photo ID", "Closed-toe shoes"}},
		{name: "what you get: every item that fits", text: "what do i get when i rent a bike?",
			outcome: OutcomeAnswered, contains: []string{"A helmet in your size", "A U-lock", "A printed map", "A phone mount"}},
		{name: "one answered, one the knowledge does not answer", text: "do you take apple pay? and do you repair lawn mowers?",
			outcome: OutcomeAnswered, contains: []string{"Apple Pay", "I don't have an answer to your other question"}},
	})
}

// TestOfflineUnknownVaries: saying "I don't know" twice in a thread uses
// other words, and says what happens next.
func TestOfflineUnknownVaries(t *testing.T) {
	t.Parallel()
	o := bikeShopResponder(t)
	in := TurnInput{Channel: ChannelSMS, Text: "can you paint my frame a different color?"}
	first, err := o.Turn(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	in.History = []Message{lead(in.Text), ai(first.Text)}
	in.Text = "do you offer student discounts?"
	second, err := o.Turn(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if first.Outcome != OutcomeUnknown || second.Outcome != OutcomeUnknown {
		t.Fatalf("outcomes %s, %s: want unknown twice", first.Outcome, second.Outcome)
	}
	if SplitSentences(first.Text)[0] == SplitSentences(second.Text)[0] {
		t.Errorf("the same words twice: %q", second.Text)
	}
	for _, r := range []Reply{first, second} {
		if !strings.Contains(r.Text, bikeShop.Name) {
			t.Errorf("%q does not say who follows up", r.Text)
		}
	}
}

func TestTypo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want bool
	}{{"chnge", "change", true}, {"recieve", "receive", true}, {"warrenty", "warranty", true},
		{"roofs", "roof", true}, {"gutter", "butter", false}, {"install", "insulate", false}} {
		if got := typo(tc.a, tc.b); got != tc.want {
			t.Errorf("typo(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestOfflineFactQuestionWithoutTheFact: a question that asks for a kind
// of fact (how to pay, where, since when) is answered by a sentence that
// states one, or the reply says it does not know; the words it shares
// with another sentence do not make that one an answer.
func TestOfflineFactQuestionWithoutTheFact(t *testing.T) {
	t.Parallel()
	kb := &fakeKB{byID: map[int64]knowledge.Result{}}
	for i, text := range []string{
		"Don't open new credit cards or finance a car before closing.",
		"Our business days are Monday to Friday; offers sent on weekends are answered Monday.",
	} {
		r := knowledge.Result{ChunkID: int64(i + 1), Title: "Buying a home", Content: text}
		kb.chunks = append(kb.chunks, r)
		kb.byID[r.ChunkID] = r
	}
	runTurnCases(t, NewOffline(kb, bikeShop), []turnCase{
		{name: "how to pay", text: "do you take credit cards?", outcome: OutcomeUnknown},
		{name: "since when", text: "how long have you been in business?", outcome: OutcomeUnknown},
		{name: "where", text: "where are you located?", outcome: OutcomeUnknown},
	})
}

// TestCloseSecond: when the best unit does not answer, one scored close
// behind it from another passage that does is quoted; one far behind, or
// a window of the same sentences, is not.
func TestCloseSecond(t *testing.T) {
	t.Parallel()
	q := readQuestion(lexicon.Default(), "is there a plan if you do not have insurance")
	answers := func(text string, score float64) rated {
		x := rated{u: &unit{text: text}, score: score}
		x.f[fOwn], x.f[fRareCoverage], x.f[fLabel], x.f[fAbout] = 1, 1, 1, 1
		return x
	}
	weak := rated{u: &unit{text: "Membership includes two exams a year."}, score: 5}
	keep := func(string) bool { return true }
	if p := decision(q, weak, nil).probability(); p >= answerProbability {
		t.Fatalf("the weak unit answers (p %.2f): the test needs one that does not", p)
	}
	for _, tc := range []struct {
		name   string
		second rated
		want   bool
	}{
		{"close behind", answers("Patients without insurance pay $199 for a first visit.", 4.8), true},
		{"far behind", answers("Patients without insurance pay $199 for a first visit.", 3), false},
		{"the same sentences", answers("Membership includes two exams a year. It costs $359.", 4.9), false},
	} {
		got, ok := closeSecond(q, weak, []rated{weak, tc.second}, keep)
		if ok != tc.want || ok && got.u != tc.second.u {
			t.Errorf("%s: closeSecond = %q, %v; want %v", tc.name, got.u.text, ok, tc.want)
		}
	}
}

// TestJoinAnswersSaysAnIntroOnce: two items of one list answering two
// questions are quoted under their intro once.
func TestJoinAnswersSaysAnIntroOnce(t *testing.T) {
	t.Parallel()
	pick := []rated{
		{u: &unit{text: "Every replacement includes: The city permit and its fee."}},
		{u: &unit{text: "Every replacement includes: A dumpster and daily cleanup."}},
		{u: &unit{text: "Deposits: 10% when you sign."}},
	}
	want := "Every replacement includes: The city permit and its fee. A dumpster and daily cleanup. Deposits: 10% when you sign."
	if got := joinAnswers(pick); got != want {
		t.Errorf("joinAnswers = %q, want %q", got, want)
	}
}

// TestBestPartsMayLeaveAPart: when the parts' best units do not fit
// together, a weak part is left for the team rather than a strong one cut
// down to a poor unit; a part that matters is kept.
func TestBestPartsMayLeaveAPart(t *testing.T) {
	t.Parallel()
	unitOf := func(text string, score float64) rated {
		return rated{u: &unit{text: text}, score: score, result: knowledge.Result{ChunkID: int64(len(text))}}
	}
	long := unitOf(strings.TrimSpace(strings.Repeat("Open houses run Saturday and Sunday from 1 to 4. ", 3)), 10)
	short := unitOf("Open houses: yes.", 3)
	rest := func(n int) string { return "The rest is for the team." }
	fits := func(s string) bool { return len(s) <= 180 }
	for _, tc := range []struct {
		second float64
		want   string
	}{
		{4, long.u.text + " The rest is for the team."},
		{8, "Open houses: yes. Listings are posted on our website every Thursday morning."},
	} {
		list := unitOf("Listings are posted on our website every Thursday morning.", tc.second)
		got, _, _, _, ok := bestParts([][]rated{{long, short}, {list}}, 0, fits, rest)
		if !ok || got != tc.want {
			t.Errorf("second part scoring %.0f: %q, want %q", tc.second, got, tc.want)
		}
	}
}

// TestSaysMore: when a part of a message is left for the team, the best
// unit for the whole message replaces the parts' answers only when it says
// all they say and more; a search that found nothing replaces nothing.
func TestSaysMore(t *testing.T) {
	t.Parallel()
	q := readQuestion(lexicon.Default(), "when are your open houses and where do i find the list")
	answered := "Open houses run Saturday and Sunday from 1 to 4."
	whole := rated{u: &unit{text: answered + " Each week's list is posted on our website every Thursday."}}
	if got, ok := saysMore(q, whole, true, answered); !ok || got != whole.u.text {
		t.Errorf("a unit saying more: %q, %v", got, ok)
	}
	other := rated{u: &unit{text: "Listings are posted every Thursday, with open houses for the weekend."}}
	if _, ok := saysMore(q, other, true, answered); ok {
		t.Error("a unit that does not say the answers replaced them")
	}
	if _, ok := saysMore(q, rated{u: &unit{text: answered}}, true, answered); ok {
		t.Error("a unit saying no more replaced the answers")
	}
	if _, ok := saysMore(q, rated{}, false, answered); ok {
		t.Error("nothing found replaced the answers")
	}
}
