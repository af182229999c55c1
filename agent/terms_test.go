package agent

import (
	"slices"
	"strings"
	"testing"
)

func TestStem(t *testing.T) {
	t.Parallel()
	// Words that must meet, and words that must not.
	same := [][2]string{
		{"leaking", "leak"}, {"leaks", "leak"}, {"warranties", "warranty"}, {"installed", "install"},
		{"installing", "install"}, {"clogged", "clog"}, {"schedule", "scheduled"}, {"heaters", "heater"},
		{"booking", "booked"}, {"charges", "charge"}, {"homes", "home"}, {"boxes", "box"},
	}
	for _, p := range same {
		if stem(p[0]) != stem(p[1]) {
			t.Errorf("stem(%q) = %q, stem(%q) = %q: want equal", p[0], stem(p[0]), p[1], stem(p[1]))
		}
	}
	differ := [][2]string{{"heater", "heat"}, {"gas", "ga"}, {"glass", "glas"}, {"need", "ne"}}
	for _, p := range differ {
		if stem(p[0]) == p[1] {
			t.Errorf("stem(%q) = %q: over-stemmed", p[0], p[1])
		}
	}
}

func needTerms(needs []need) []string {
	var out []string
	for _, n := range needs {
		out = append(out, n.alts[0])
	}
	return out
}

func TestQuestionNeeds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		q    string
		want []string
	}{
		{"How much is a new AC unit?", []string{cuePrice, "install", "ac", "system"}},
		{"Do you do tankless water heaters?", []string{"tankless", "waterheater"}},
		{"what about weekends?", []string{"weekend", cueTime}},
		{"is there a trip charge to Greeley?", []string{"travelfee", cuePrice, "greeley"}},
		{"how long is the warranty", []string{cueDuration, "warranty"}},
		{"hi there, thanks!", nil},
		{"what do you charge to come out and look at my furnace", []string{cuePrice, "diagnostic", "furnace"}},
		// A place asked about, in the words leads use.
		{"timnath?? do you come out here", []string{"timnath", "area"}},
		// "Whenever" asks for a time, not a topic to compound with.
		{"can i cancel the membership whenever", []string{"cancel", "maintenance", cueTime}},
		{"ballpark for going tankless?", []string{cuePrice, "tankless"}},
		{"how long does it take to put in a new furnace", []string{cueDuration, "install", "furnace"}},
		// A symptom implies a repair: the price of a new one is not asked.
		{"ac is running but not cooling", []string{"ac", "run", "cool", "repair"}},
	}
	for _, tt := range tests {
		got := needTerms(questionNeeds(tt.q))
		if !slices.Equal(got, tt.want) {
			t.Errorf("questionNeeds(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
	// Topic words side by side are one thing, met together.
	compounds := map[string]int{}
	for _, n := range questionNeeds("can you install a gas fireplace in Loveland?") {
		compounds[n.alts[0]] = n.compound
	}
	if compounds["ga"] == 0 && compounds["gas"] == 0 || compounds["fireplac"] == 0 || compounds["loveland"] != 0 {
		t.Errorf("compounds = %v; want gas+fireplace together, loveland alone", compounds)
	}
	// "my furnace" is the lead's own equipment: it weighs less than what
	// is asked about it.
	for _, n := range questionNeeds("what do you charge to look at my furnace") {
		if n.alts[0] == "furnace" && (!n.background || n.weight >= weightSpecific) {
			t.Errorf("my furnace: weight %.2f background %v", n.weight, n.background)
		}
	}
}

func TestPassageTermsCues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		cues []string
	}{
		{"A tune-up is $129 per system.", []string{cuePrice}},
		{"10% off any repair.", []string{cuePrice}},
		{"We quote a flat price before any work starts.", nil}, // says "price", states none
		{"Open Monday through Friday from 7:00 a.m. to 6:00 p.m.", []string{cueTime}},
		{"Every repair comes with a 2-year warranty.", []string{cueDuration}},
		{"Estimates are free.", []string{cueFree}},
		// How often is not how long.
		{"Replace a standard filter every 1 to 3 months.", nil},
		{"Thicker filters last 6 to 12 months.", []string{cueDuration}},
	}
	for _, tt := range tests {
		terms := passageTerms(tt.text)
		var got []string
		for _, c := range []string{cuePrice, cueTime, cueDuration, cueFree} {
			if terms[c] > 0 {
				got = append(got, c)
			}
		}
		if !slices.Equal(got, tt.cues) {
			t.Errorf("cues of %q = %v, want %v", tt.text, got, tt.cues)
		}
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	lead := Lead{Name: "Dana Al Smith"}
	tests := []struct {
		text string
		want intent
	}{
		{"hi", intentGreeting},
		{"Hello?", intentGreeting},
		{"hey is anyone there", intentGreeting},
		{"Good morning!", intentGreeting},
		{"hi this is Dana", intentGreeting},
		{"Dana Smith here, hi", intentGreeting},
		{"thanks!", intentThanks},
		{"ok thank you so much", intentThanks},
		{"👍", intentEmpty},
		{"", intentEmpty},
		{"are you a bot?", intentIdentity},
		{"Am I texting with a real person?", intentIdentity},
		{"who is this", intentIdentity},
		{"how much is it?", intentQuestion},
		{"hi, how much is a tune-up?", intentQuestion},
		{"thanks, do you do financing?", intentQuestion},
		{"are you open saturday", intentQuestion},
		{"Also, do you do financing", intentQuestion},
	}
	for _, tt := range tests {
		if got := classify(tt.text, lead); got != tt.want {
			t.Errorf("classify(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestQueriesFor(t *testing.T) {
	t.Parallel()
	history := []Message{
		{From: FromLead, Text: "hi"},
		{From: FromAI, Text: "Hi! How can I help?"},
		{From: FromLead, Text: "do you have a maintenance plan?"},
		{From: FromAI, Text: "The Summit Comfort Club is our home maintenance membership."},
	}
	tests := []struct {
		text      string
		firstHas  string // a word the first query's text must contain
		folded    bool   // whether the first query carries the earlier topic
		nQueries  int
		topicFrom string // a need the first query must have
	}{
		{"how much is it?", "maintenance", true, 1, "maintenance"},
		{"what about for two systems?", "maintenance", true, 2, "maintenance"},
		{"do you serve Loveland?", "Loveland", false, 2, "loveland"},
	}
	for _, tt := range tests {
		qs := queriesFor(tt.text, history)
		if len(qs) != tt.nQueries {
			t.Fatalf("%q: %d queries, want %d", tt.text, len(qs), tt.nQueries)
		}
		first := qs[0]
		if !strings.Contains(first.text, tt.firstHas) {
			t.Errorf("%q: first query %q lacks %q", tt.text, first.text, tt.firstHas)
		}
		if got := strings.Contains(first.text, "maintenance plan"); got != tt.folded {
			t.Errorf("%q: first query %q folded=%v, want %v", tt.text, first.text, got, tt.folded)
		}
		if !slices.Contains(needTerms(first.needs), tt.topicFrom) {
			t.Errorf("%q: needs %v lack %q", tt.text, needTerms(first.needs), tt.topicFrom)
		}
	}
	// The earlier message's generic words ("install") would find every
	// installation; its topic is what the follow-up is about.
	qs := queriesFor("how much?", []Message{{From: FromLead, Text: "do you guys install ev chargers"}})
	if strings.Contains(qs[0].text, "install") || !strings.Contains(qs[0].text, "ev chargers") {
		t.Errorf("follow-up query %q should carry the earlier topic without its generic words", qs[0].text)
	}
	if qs := queriesFor("how much is it?", nil); len(topicNeeds(qs[0].needs)) != 0 {
		t.Errorf("without history, %q should name no topic: %v", "how much is it?", needTerms(qs[0].needs))
	}
}

func TestExpandQuery(t *testing.T) {
	t.Parallel()
	got := expandQuery("how much is a new AC unit?", questionNeeds("how much is a new AC unit?"))
	for _, want := range []string{"how much is a new AC unit?", "air conditioner", "price"} {
		if !strings.Contains(got, want) {
			t.Errorf("expandQuery = %q, lacks %q", got, want)
		}
	}
}
