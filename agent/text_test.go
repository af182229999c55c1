package agent

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitSentences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"One sentence", []string{"One sentence"}},
		{"Open today. Closed tomorrow.", []string{"Open today.", "Closed tomorrow."}},
		{"Really? Yes! Good.", []string{"Really?", "Yes!", "Good."}},
		{"We open at 7:00 a.m. and close at 6:00 p.m. Call us.", []string{"We open at 7:00 a.m. and close at 6:00 p.m.", "Call us."}},
		{"Open until 2 p.m. Saturday for repairs.", []string{"Open until 2 p.m. Saturday for repairs."}},
		{"A tune-up is $129.00 per system. Members pay $0.", []string{"A tune-up is $129.00 per system.", "Members pay $0."}},
		{"Call Dr. Smith at 3320 Timberline Ct. in Fort Collins.", []string{"Call Dr. Smith at 3320 Timberline Ct. in Fort Collins."}},
		{"Ask for J. Reyes. She knows.", []string{"Ask for J. Reyes.", "She knows."}},
		{"Prices vary, e.g. by size. Ask us.", []string{"Prices vary, e.g. by size.", "Ask us."}},
		{"Lowercase after a period. then no split", []string{"Lowercase after a period. then no split"}},
		{"He said \"Done.\" Then left.", []string{"He said \"Done.\"", "Then left."}},
		{"Wait... What?", []string{"Wait...", "What?"}},
		{"  spaces   collapse\n\nacross lines.  ", []string{"spaces collapse across lines."}},
	}
	for _, tt := range tests {
		if got := SplitSentences(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitSentences(%q)\n got  %q\n want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanInline(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"**Drain clearing**: $179", "Drain clearing: $179"},
		{"Call __now__ or *today*", "Call now or today"},
		{"***Very*** important", "Very important"},
		{"Book at [our site](https://summit.example/book).", "Book at our site."},
		{"See ![a van](van.png) outside", "See a van outside"},
		{"Use `code` and ~~old~~ new", "Use code and old new"},
		{"A snake_case_word stays", "A snake_case_word stays"},
		{"2 * 3 * 4 is math", "2 * 3 * 4 is math"},
		{"Escaped \\*stars\\* stay", "Escaped *stars* stay"},
		{"<b>bold</b> tag", "bold tag"},
		{"spaced , comma", "spaced, comma"},
		{"<https://summit.example>", "https://summit.example"},
	}
	for _, tt := range tests {
		if got := CleanInline(tt.in); got != tt.want {
			t.Errorf("CleanInline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParsePassages(t *testing.T) {
	t.Parallel()
	type p struct{ text, heading, context string }
	tests := []struct {
		name string
		in   string
		want []p
	}{
		{
			name: "markdown headings, lists and intros",
			in: "# Plumbing\n\nOur plumbers handle **leaks** and drains. Common jobs:\n\n" +
				"- Drain clearing: $179\n- Toilet repair: from $165\n\n## Water heaters\n\n1. 40-gallon gas tank: $1,895",
			want: []p{
				{"Our plumbers handle leaks and drains.", "Plumbing", ""},
				{"Drain clearing: $179.", "Plumbing", "Common jobs"},
				{"Toilet repair: from $165.", "Plumbing", "Common jobs"},
				{"40-gallon gas tank: $1,895.", "Water heaters", ""},
			},
		},
		{
			name: "FAQ labels: the question is context, never a sentence",
			in:   "question: Do you charge for estimates?\nanswer: Estimates are free. Repairs start with an $89 diagnostic.",
			want: []p{
				{"Estimates are free.", "", "Do you charge for estimates?"},
				{"Repairs start with an $89 diagnostic.", "", "Do you charge for estimates?"},
			},
		},
		{
			name: "Q: and A: on one line",
			in:   "Q: Do you pull permits? A: Yes. We pull every permit.",
			want: []p{{"Yes. We pull every permit.", "", "Do you pull permits?"}},
		},
		{
			name: "a question in prose is context for what follows",
			in:   "Can you come out today? Usually, yes. Same-day visits are common.",
			want: []p{
				{"Usually, yes. Same-day visits are common.", "", "Can you come out today?"},
			},
		},
		{
			name: "tables become label: value sentences, header and rule dropped",
			in:   "| Job | Price |\n|-----|------:|\n| Tune-up | $129 |\n| Flush | $149 |",
			want: []p{{"Tune-up: $129.", "", ""}, {"Flush: $149.", "", ""}},
		},
		{
			name: "html",
			in:   "<h2>Reviews</h2><p>Rated 4.9 &amp; loved.</p><ul><li>Clean vans</li><li>On time</li></ul><script>x()</script>",
			want: []p{
				{"Rated 4.9 & loved.", "Reviews", ""},
				{"Clean vans.", "Reviews", ""},
				{"On time.", "Reviews", ""},
			},
		},
		{
			name: "prose right after a list with no intro is not an item's",
			in:   "## What to bring\n- A photo ID\n- Your insurance card\nPlease arrive 10 minutes early.",
			want: []p{
				{"A photo ID.", "What to bring", ""},
				{"Your insurance card.", "What to bring", ""},
				{"Please arrive 10 minutes early.", "What to bring", ""},
			},
		},
		{
			name: "fences, rules and quotes",
			in:   "> Quoted line here.\n\n---\n\n```\ncode here\n```\nAfter code.",
			want: []p{{"Quoted line here.", "", ""}, {"After code.", "", ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []p
			ps := parsePassages(tt.in)
			for _, x := range ps {
				got = append(got, p{x.text, x.heading, x.context})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("\n got  %q\n want %q", got, tt.want)
			}
			for i := 1; i < len(ps); i++ {
				if ps[i].item != ps[i-1].item && ps[i].para == ps[i-1].para && !ps[i].item {
					t.Errorf("%q after the item %q is in its paragraph", ps[i].text, ps[i-1].text)
				}
			}
		})
	}
}

var (
	reLeftLink = regexp.MustCompile(`\[[^\]]*\]\([^)]*\)`)
	reLeftTag  = regexp.MustCompile(`</?[a-zA-Z][^<>]*>`)
	// A heading, list or quote mark at the start of a sentence.
	reLeftLineMark = regexp.MustCompile(`^(?:#{1,6}|[-*+>])(?:\s|$)`)
)

// hasMarkup reports Markdown or HTML that must never reach a lead's phone.
func hasMarkup(s string) bool {
	for _, m := range []string{"**", "__", "`"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return reLeftLink.MatchString(s) || reLeftTag.MatchString(s) || reLeftLineMark.MatchString(s)
}

func FuzzSplitSentences(f *testing.F) {
	for _, s := range []string{"One. Two? Three!", "7 a.m. Monday. Call Dr. Who.", "$1.50. Next", "“Quote.” Next.", "...", "a.m. P.M. E.g. I.e."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := SplitSentences(s)
		// Nothing is lost or invented: the sentences joined by single
		// spaces are the text with its whitespace collapsed.
		if joined, want := strings.Join(got, " "), strings.Join(strings.Fields(s), " "); joined != want {
			t.Fatalf("joined sentences differ\n got  %q\n want %q", joined, want)
		}
		for _, sentence := range got {
			if sentence == "" || sentence != strings.TrimSpace(sentence) {
				t.Fatalf("empty or untrimmed sentence %q", sentence)
			}
		}
	})
}

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{
		"# Title\n\n**Bold** and [link](http://x). - item\n- list item\n1. one",
		"question: Q?\nanswer: A.",
		"<h1>T</h1><p>P &amp; <b>b</b></p>",
		"| a | b |\n|---|---|\n| c | d |",
		"***x*** __y__ `z` ~~w~~ ![i](j)",
		"*\n*\n**\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, sentence := range PlainText(s) {
			if sentence == "" || strings.ContainsAny(sentence, "\n\r") {
				t.Fatalf("bad sentence %q from %q", sentence, s)
			}
			if hasMarkup(sentence) {
				t.Fatalf("markup left in %q from %q", sentence, s)
			}
			if utf8.ValidString(s) && !utf8.ValidString(sentence) {
				t.Fatalf("invalid UTF-8 %q from valid input", sentence)
			}
		}
	})
}

func TestDropBareAnswer(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"No. Storm damage inspections are free.":       "Storm damage inspections are free.",
		"Yes! Every repair carries a 90-day warranty.": "Every repair carries a 90-day warranty.",
		"Usually, yes. Same-day visits are common.":    "Same-day visits are common.",
		"No, we don't work on motorcycles.":            "No, we don't work on motorcycles.",
		"No. 5 is our busiest crew.":                   "No. 5 is our busiest crew.",
		"Estimates are free. No obligation.":           "Estimates are free. No obligation.",
	} {
		if got := dropBareAnswer(in); got != want {
			t.Errorf("dropBareAnswer(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestQuoteBareAnswer: an FAQ answer's "No." is quoted only to the
// question it answers.
func TestQuoteBareAnswer(t *testing.T) {
	t.Parallel()
	u := &unit{text: "No. Storm damage inspections are free."}
	var asked, other rated
	asked.u, other.u = u, u
	asked.f[fLabel], other.f[fLabel] = 1, 0.2
	if got := quote(asked); got != u.text {
		t.Errorf("to its own question: %q", got)
	}
	if got := quote(other); got != "Storm damage inspections are free." {
		t.Errorf("to another question: %q", got)
	}
}

// TestQuoteToAWhQuestion: a bare "Yes." answers no question of what,
// which or how, whatever FAQ question the lead's words say.
func TestQuoteToAWhQuestion(t *testing.T) {
	t.Parallel()
	x := rated{u: &unit{text: "Yes. We install Carrier and Lennox."}}
	x.f[fLabel] = 1
	if got := quote(x); got != x.u.text {
		t.Errorf("to its own FAQ question: %q", got)
	}
	x.wh = true
	if got := quote(x); got != "We install Carrier and Lennox." {
		t.Errorf("to a wh-question: %q", got)
	}
	for q, want := range map[string]bool{
		"what brand of ac do you install": true, "hi, which towns do you cover?": true, "how long does it take": true,
		"do you install carrier?": false, "what about heat pumps?": false, "what if it rains": false,
	} {
		if got := asksWh(q); got != want {
			t.Errorf("asksWh(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestLowerFirst: a text goes on a sentence in lower case, unless its
// first word is "I" or not an ordinary capitalised word.
func TestLowerFirst(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"When is a good time to reach you?": "when is a good time to reach you?",
		"Storage":                           "storage",
		"A furnace tune-up":                 "a furnace tune-up",
		"I don't want to guess.":            "I don't want to guess.",
		"I'll pass this on.":                "I'll pass this on.",
		"GAF shingles":                      "GAF shingles",
		"iPhone repairs":                    "iPhone repairs",
		"":                                  "",
	} {
		if got := lowerFirst(in); got != want {
			t.Errorf("lowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}
