package intent

// A message's skeleton is its words with those that carry its subject
// (nouns, most verbs and adjectives) replaced by one placeholder, a run
// of them by one, and the clause breaks kept: "my cousin used you for
// her accident, I think I need the same kind of help" is "<s> my <w> you
// for her <w> , i think i need the same <w> of help </s>". The words a
// business's leads use for its trade differ from one business to the
// next; the words that build a request, a grievance or an emergency do
// not, so n-grams of the skeleton carry what a lead of one business
// teaches to the leads of another. Words of praise and of alarm keep a
// mark of their own, so "great service" after a bad fact reads as the
// sarcasm it is.

// skeletonWords are the words a skeleton keeps: pronouns, determiners,
// prepositions, conjunctions, auxiliaries and modals, question words, the
// adverbs of time and degree, and the few verbs that build a request.
var skeletonWords = setOf(`
i me my mine myself we us our ours you your yours yourself he him his she her it its they them their
this that these those someone somebody anyone anybody nobody noone everyone everybody something anything
nothing everything one
a an the some any no every each another other all both either neither zero only same such
to for of in on at by with from about after before since until till into over under out up off down back
through during without against around than like as
and but or so because if when then while though although unless whether
is am are was were be been being do does did done have has had having can could will would should
shall may might must not never get gets got getting gotten go goes going went gone come coming came
want wants wanted need needs needed think thought know knew let make made take took keep kept
say said says tell told ask asked see saw look looking try trying call called help
what when where who whom whose why how which
just still already again now right yet ever even also too very really so soon today tomorrow tonight
yesterday here there please probably maybe actually literally honestly anymore ago last next first
ok okay yes yeah yep no nope sure well oh hi hey thanks thank
`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	w := ""
	for _, r := range words + " " {
		if r == ' ' || r == '\n' {
			if w != "" {
				m[w] = true
			}
			w = ""
			continue
		}
		w += string(r)
	}
	return m
}

// skeleton returns the skeleton of a message, with its clause breaks.
func skeleton(t text) []string {
	out := []string{"<s>"}
	k := 0 // the clause being read
	for i := range t.words {
		for k < len(t.clauses) && t.clauses[k].end <= i {
			k++
		}
		if k < len(t.clauses) && t.clauses[k].start == i && i > 0 {
			out = append(out, breakMark(t.clauses[k-1]))
		}
		w := t.words[i]
		switch {
		case skeletonWords[w], len(w) > 1 && w[0] == '<':
		case praise[w]:
			w = "<+>"
		case alarms[w]:
			w = "<!>"
		default:
			w = "<w>"
		}
		if w == "<w>" && out[len(out)-1] == "<w>" {
			continue
		}
		out = append(out, w)
	}
	return append(out, "</s>")
}

func breakMark(c clause) string {
	switch {
	case c.question:
		return "?"
	case c.exclaim:
		return "!"
	}
	return ","
}
