package agent

import (
	"slices"
	"testing"

	"github.com/leadagent/leadagent/lexicon"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"how much 4 a full synthetic oil chnge":   "how much for a full synthetic oil change",
		"hw much 4 2 guys n a truck on a weekday": "how much for 2 guys and a truck on a weekday",
		"how much do u charge 2 come out":         "how much do you charge to come out",
		"whats the damage for 3 guys":             "how much for 3 guys",
		"2 movers w/ a truck":                     "2 movers with a truck",
		"thats fine, youre open sat?":             "that is fine, you are open sat?",
		"hi, i'm calling about storage":           "hi, about storage",
		"just texting to ask if you rent kayaks":  "to ask if you rent kayaks",
		"who is calling about my bike?":           "who is calling about my bike?",
		"how far in advance should i book":        "how far ahead should i book",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNamesThem(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"what areas do you serve":          true,
		"ok which brands do you carry":     true,
		"do you serve boulder":             false,
		"what happens if you break a lamp": false,
	} {
		if got := reNamesThem.MatchString(normalize(in)); got != want {
			t.Errorf("reNamesThem(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestKindOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]kind{
		"how much is a tune-up":                 kindPrice,
		"what do new gutters usually run":       kindPrice,
		"do you charge extra for stairs":        kindPrice,
		"how long does the install take":        kindDuration,
		"how many days will it take":            kindDuration,
		"are you open on saturdays":             kindHours,
		"what are your hours":                   kindHours,
		"do you work weekends":                  kindHours,
		"r u open late any day?":                kindHours,
		"are you open to negotiating the price": kindPrice,
		"are you open for business on sundays":  kindHours,
		"what time do you guys close":           kindHours,
		"what time does the crew show up":       kindTime,
		"when do the movers show up":            kindTime,
		"ok so when can the crew come":          kindTime,
		"what do i get when i rent a bike":      kindAny,
		"how many movers do i need":             kindNumber,
		"do you work on teslas":                 kindAny,
		"where are you located":                 kindPlace,
		"do you take amex":                      kindPayment,
		"do yall do payment plans":              kindFinancing,
		"can i pay it off over time":            kindFinancing,
		"what forms of payment do you accept":   kindPayment,
		"can i pay with venmo":                  kindAny,
		"how long have you been in business":    kindSince,
		"when was the company founded":          kindSince,
		"how long have you been waiting":        kindDuration,
		"whats ur address":                      kindPlace,
		"where is the shop":                     kindPlace,
		"where do i get the police report":      kindAny,
		"what brand of pads do you use":         kindAny,
		"whats your phone number":               kindPhone,
		"what number do i call":                 kindPhone,
		"whats the number of people on a crew":  kindAny,
		"can i email you":                       kindEmail,
		"what's your email address":             kindEmail,
		"do you work on holidays":               kindHours,
		"do i need an appointment":              kindWalkIn,
		"can i just walk in on saturday":        kindWalkIn,
		"any senior discounts?":                 kindDiscount,
		"got any coupons":                       kindDiscount,
		"do you run specials in the winter":     kindDiscount,
		"what's special about your crews":       kindAny,
		"can you deal with my insurance":        kindAny,
		"do you guys have good reviews":         kindRating,
		"how are you rated on yelp":             kindRating,
		"can your lawyer review my contract":    kindAny,
	} {
		if got := kindOf(normalize(in)); got != want {
			t.Errorf("kindOf(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestAskedPart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, asked, aside string }{
		{"hail wrecked our roof last week, do you guys deal with insurance?", "do you guys deal with insurance?", "hail wrecked our roof last week"},
		{"need a crown but cant pay it all at once, do you do payment plans", "do you do payment plans", "need a crown but cant pay it all at once"},
		{"my dad is in a care home. could your dentist see him?", "could your dentist see him?", "my dad is in a care home."},
		{"how much is a tune-up", "how much is a tune-up", ""},
		{"my furnace is blowing cold air", "my furnace is blowing cold air", ""},
		{"lost my job in march. anyway is there a plan if you have no insurance", "anyway is there a plan if you have no insurance", "lost my job in march."},
	} {
		asked, aside := askedPart(tc.in)
		if asked != tc.asked || aside != tc.aside {
			t.Errorf("askedPart(%q) = %q, %q; want %q, %q", tc.in, asked, aside, tc.asked, tc.aside)
		}
	}
}

// TestReadQuestion: asides weigh less than what is asked, except when the
// question points back at them; cue words frame, they are not the topic.
func TestReadQuestion(t *testing.T) {
	t.Parallel()
	lex := lexicon.Default()
	q := readQuestion(lex, "hail wrecked our roof last week, do you guys deal with insurance?")
	byWord := map[string]term{}
	for _, tm := range q.terms {
		byWord[tm.word] = tm
	}
	if !byWord["hail"].aside || byWord["insurance"].aside || byWord["hail"].weight >= byWord["insurance"].weight {
		t.Errorf("terms %+v: want hail an aside, lighter than insurance", q.terms)
	}
	for _, tm := range readQuestion(lex, "is there a plan if you dont have insurance anymore, i definitely need one").terms {
		if tm.word == "anymore" || tm.word == "definitely" {
			t.Errorf("%q is a word of the question: adverbs of time and degree name no topic", tm.word)
		}
	}
	if _, ok := byWord["deal"]; ok {
		t.Error("the \"deal\" of \"deal with\" is a word of the question")
	}
	if q := readQuestion(lex, "is that a good deal"); len(q.terms) == 0 || q.terms[0].word != "deal" {
		t.Errorf("a deal is no longer a word: %+v", q.terms)
	}
	q = readQuestion(lex, "my mom lives in milwaukie, do you do house calls out there?")
	for _, tm := range q.terms {
		if tm.aside {
			t.Errorf("%q is an aside, though the question points back at it", tm.word)
		}
	}
	// A long story around a short question weighs no more than the question.
	q = readQuestion(lex, "so i got laid off in march and lost my dental through work, and i havent been to a dentist in "+
		"like 3 years which i know is bad. one of my back teeth is sensitive to cold. anyway is there a plan if you dont have insurance")
	var asked, aside float64
	for _, tm := range q.terms {
		switch {
		case tm.phrase:
		case tm.aside:
			aside += tm.weight
		default:
			asked += tm.weight
		}
	}
	if aside == 0 || aside > asked+1e-9 {
		t.Errorf("the story weighs %.2f, the question %.2f: want the story no heavier", aside, asked)
	}
	q = readQuestion(lex, "how much does the extra insurance cost")
	if q.kind != kindPrice {
		t.Errorf("kind %d, want price", q.kind)
	}
	for _, tm := range q.terms {
		if tm.word == "cost" && !tm.cue {
			t.Error("cost is not a cue")
		}
	}
}

// TestFollowUps: a message that leans on the ones before takes their
// words as background, and the agent's offer first.
func TestFollowUps(t *testing.T) {
	t.Parallel()
	lex := lexicon.Default()
	history := []Message{lead("what shingles do you use"), ai("We install GAF Timberline shingles. Want details on the warranty?")}
	q := withHistory(lex, readQuestion(lex, "yeah how long is it"), history)
	if !q.followUp || q.kind != kindDuration {
		t.Fatalf("followUp %v kind %d", q.followUp, q.kind)
	}
	var bg []string
	for _, tm := range q.terms {
		if tm.background {
			bg = append(bg, tm.word)
		}
	}
	if !slices.Contains(bg, "warranty") || !slices.Contains(bg, "shingles") {
		t.Errorf("background %v: want the offered warranty and the earlier shingles", bg)
	}
	standalone := withHistory(lex, readQuestion(lex, "do you install seamless gutters on two story homes?"), history)
	if standalone.followUp {
		t.Error("a question that names its own topic is no follow-up")
	}
	// A long "if" does not hide that the main clause points back.
	conditional := withHistory(lex, readQuestion(lex, "is that still good if we decide to go with you guys for the whole job"), history)
	if !conditional.followUp {
		t.Error("\"is that still good if ...\" is a follow-up")
	}
	long := withHistory(lex, readQuestion(lex, "can it be done with architectural shingles on a two story house with a steep pitch"), history)
	if long.followUp {
		t.Error("a long question that names its own topic is no follow-up, whatever its \"it\"")
	}
}

func TestQuestionParts(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]string{
		"do you pull the permit? and is the tear-off extra":               {"do you pull the permit?", "and is the tear-off extra"},
		"do you do oil changes on saturdays and do i need an appointment": {"do you do oil changes on saturdays", "and do i need an appointment"},
		"how much to move a 1br from pilsen to austin":                    {"how much to move a 1br from pilsen to austin"},
		// What follows a question and asks nothing is why the lead asks.
		"can someone give me a ride home after i drop the car off? i live like 3 miles away": {"can someone give me a ride home after i drop the car off?"},
		"do you take walk-ins? what about saturdays":                                         {"do you take walk-ins?", "what about saturdays"},
		"whats your address and phone number":                                                {"what is your address", "phone number"},
		"do you replace brake pads and rotors":                                               {"do you replace brake pads and rotors"},
	} {
		if got := questionParts(normalize(in)); !slices.Equal(got, want) {
			t.Errorf("questionParts(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlacesAsked(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]string{
		"do you guys come out to aurora?":                                               {"aurora"},
		"we're down in castle rock, do you do repairs that far south?":                  {"castle rock"},
		"my mom is homebound in milwaukie, does your dentist do house calls out there?": {"milwaukie"},
		"is paradise valley in ur free tow area":                                        {"paradise valley"},
		"do yall cover pflugerville":                                                    {"pflugerville"},
		"can you put a roof on in january":                                              nil,
		"how bad is the commute from leander to downtown":                               nil,
	} {
		var got []string
		for _, p := range placesAsked(normalize(in)) {
			got = append(got, p.name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("placesAsked(%q) = %q, want %q", in, got, want)
		}
	}
	if ps := placesAsked(normalize("how much to move a 1br to austin tx")); len(ps) != 1 || ps[0].state != "Texas" {
		t.Errorf("austin tx: %+v", ps)
	}
}

// TestReferent: a question pointing back ("how long do these take?") is
// about what the story last named with a demonstrative, if anything.
func TestReferent(t *testing.T) {
	t.Parallel()
	for story, want := range map[string]string{
		"his brother says it takes years to get anything out of these cases which scares me": "cases",
		"we saw this plan on your site, then those financing offers":                         "financing",
		"he said that insurance would pay":                                                   "",
		"we just moved here":                                                                 "",
	} {
		if got := referent(story); got != want {
			t.Errorf("referent(%q) = %q, want %q", story, got, want)
		}
	}
	// The question then weighs what it points at, not the story.
	q := readQuestion(lexicon.Default(), "my brother keeps saying it takes years to settle these cases. how long do these usually take?")
	for _, tm := range q.terms {
		if tm.word == "cases" && tm.aside || tm.word == "brother" && !tm.aside {
			t.Errorf("term %q aside=%v", tm.word, tm.aside)
		}
	}
}

// TestPointsBack: "that" after a noun says something of the noun; after
// a verb it points at something said before.
func TestPointsBack(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{
		"is there a type of shingle that holds up better to hail?": false,
		"is that something you do?":                                true,
		"do you do that?":                                          true,
		"how long do these usually take?":                          true,
		"is there a plan for it?":                                  true,
		"is there a payment plan?":                                 false,
	} {
		if got := pointsBack(text); got != want {
			t.Errorf("pointsBack(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestFocusWhatNoun: "what brand of AC" is about brands, though "AC" is
// the rarer word.
func TestFocusWhatNoun(t *testing.T) {
	t.Parallel()
	lex := lexicon.Default()
	for text, want := range map[string]string{
		"what brand of ac do you install": "brand",
		"which towns do you cover":        "towns",
	} {
		q := readQuestion(lex, text)
		w := weights(q, nil)
		if i := focusTerm(q, w, nil); i < 0 || q.terms[i].word != want {
			t.Errorf("focus of %q: %d, want %q (%+v)", text, i, want, q.terms)
		}
	}
}
