package agent

import (
	"slices"
	"strings"
)

// evidenceIndex is what the evidence states, claim by claim, with the
// words around each. Its sentences are read the first time a reply
// states anything, and read for the claims of a kind the first time a
// reply states one of that kind.
type evidenceIndex struct {
	texts []string
	units []indexedUnit // nil until read
	lower string        // all evidence, folded
	done  []bool        // the claimReaders the evidence was read with
	// byKey holds where the evidence makes each claim.
	byKey map[string][]evidencePlace
	// byKind holds every claim of a kind, for the words the evidence puts
	// around other values of it.
	byKind map[claimKind][]evidencePlace
	// values holds the contacts the evidence gives, by kind.
	values map[claimKind][]string
	// exactClocks are the loose times ("~7:00") the evidence gives with
	// their half of the day, so that the other half is not supported.
	exactClocks map[string]bool
	others      map[string][]string
	// plain is the evidence's words, one space apart and one at each end
	// (quotes), made the first time a reply's sentence is looked up.
	plain string
	// wholeUnits are the evidence's units (claimText) as plain words.
	wholeUnits map[string]bool
}

// indexedUnit is a sentence of the evidence as the claim readers read it
// (claimText), with the words of the sentence it depends on: the intro
// of a list item, the sentence before one that opens with "it".
type indexedUnit struct {
	s     string
	words sentenceWords
	more  []string
}

// evidencePlace is one claim in the evidence: its value and the words of
// the sentence that makes it.
type evidencePlace struct {
	value string
	words []string
}

func newEvidenceIndex(texts []string) *evidenceIndex {
	return &evidenceIndex{texts: texts}
}

// need reads the evidence for claims of kind k, once.
func (idx *evidenceIndex) need(k claimKind) {
	if idx.units == nil {
		idx.readUnits()
	}
	r := readerOf(k)
	if r < 0 || idx.done[r] {
		return
	}
	idx.done[r] = true
	for _, u := range idx.units {
		claims := claimReaders[r].read(u.s, true)
		for _, c := range claims {
			_, wide := claimContext(u.s, u.words, c, claims)
			idx.add(c, append(wide, u.more...))
		}
	}
}

// readUnits splits the evidence into sentences and reads each as the
// claim readers do.
func (idx *evidenceIndex) readUnits() {
	idx.units = []indexedUnit{}
	idx.lower = claimFold(strings.Join(idx.texts, "\n"))
	idx.done = make([]bool, len(claimReaders))
	idx.byKey = map[string][]evidencePlace{}
	idx.byKind = map[claimKind][]evidencePlace{}
	idx.values = map[claimKind][]string{}
	idx.exactClocks = map[string]bool{}
	idx.others = map[string][]string{}
	for _, text := range idx.texts {
		var prev, intro []string
		for _, unit := range evidenceUnits(text) {
			s := claimText(unit.text)
			words := readWords(s)
			own := words.in(0, len(s))
			var more []string
			switch {
			case unit.item:
				more = intro // a list's items are about what its intro says
			case unit.continues && startsWithPronoun(s):
				more = prev // "It costs $19 a month": what "it" is
			}
			if !unit.item {
				intro = own
			}
			prev = own
			idx.units = append(idx.units, indexedUnit{s: s, words: words, more: more})
		}
	}
}

func (idx *evidenceIndex) add(c claim, words []string) {
	if c.kind.contact() {
		idx.values[c.kind] = append(idx.values[c.kind], c.value)
		idx.byKey[c.key()] = append(idx.byKey[c.key()], evidencePlace{value: c.value})
		return
	}
	p := evidencePlace{value: c.value, words: words}
	idx.byKey[c.key()] = append(idx.byKey[c.key()], p)
	idx.byKind[c.kind] = append(idx.byKind[c.kind], p)
	if c.kind == claimClock && c.exact != "" {
		exact := claim{kind: claimClock, value: "=" + c.exact}
		idx.byKey[exact.key()] = append(idx.byKey[exact.key()], p)
		idx.exactClocks[c.value] = true
	}
}

// placesFor returns where the evidence makes claim c. A time with its
// half of the day ("7am") is made by the same time, or by the time
// without its half ("7:00") when the evidence never gives the other.
func (idx *evidenceIndex) placesFor(c claim) []evidencePlace {
	if c.kind != claimClock || c.exact == "" {
		return idx.byKey[c.key()]
	}
	places := idx.byKey[claim{kind: claimClock, value: "=" + c.exact}.key()]
	if !idx.exactClocks[c.value] {
		places = append(places, idx.byKey[c.key()]...)
	}
	return places
}

// othersFor returns the words the evidence puts around the other claims
// of c's family: other values of its kind, other kinds ("new furnace" of
// $4,800 for "10% off a new furnace").
func (idx *evidenceIndex) othersFor(c claim) []string {
	if w, ok := idx.others[c.key()]; ok {
		return w
	}
	var out []string
	for _, r := range claimReaders {
		if r.kinds[0].family() != c.kind.family() {
			continue
		}
		for _, k := range r.kinds {
			idx.need(k)
			for _, p := range idx.byKind[k] {
				if k == c.kind && p.value == c.value {
					continue
				}
				for _, w := range p.words {
					if !slices.Contains(out, w) {
						out = append(out, w)
					}
				}
			}
		}
	}
	idx.others[c.key()] = out
	return out
}

// evidenceUnit is a sentence of the evidence, or a line of a list or a
// table (an item); continues says it follows another in the same
// paragraph.
type evidenceUnit struct {
	text      string
	continues bool
	item      bool
}

// evidenceUnits splits an evidence text into sentences: paragraphs of
// lines, a list item, a table row or a heading on its own, each
// paragraph into sentences and at semicolons.
func evidenceUnits(text string) []evidenceUnit {
	var out []evidenceUnit
	var para []string
	flush := func(item bool) {
		if len(para) == 0 {
			return
		}
		first := true
		for _, sentence := range SplitSentences(strings.Join(para, " ")) {
			for _, part := range strings.Split(sentence, ";") {
				if strings.TrimSpace(part) == "" {
					continue
				}
				out = append(out, evidenceUnit{text: part, continues: !first, item: item})
				first = false
			}
		}
		para = nil
	}
	for _, line := range strings.Split(text, "\n") {
		trim := strings.TrimSpace(line)
		switch {
		case trim == "":
			flush(false)
		case reLineItem.MatchString(trim) || strings.HasPrefix(trim, "|"):
			flush(false)
			para = []string{trim}
			flush(true)
		case strings.HasPrefix(trim, "#"):
			flush(false)
			para = []string{trim}
			flush(false)
		default:
			para = append(para, trim)
		}
	}
	flush(false)
	return out
}

// pronouns open a sentence about what the one before it named.
var pronouns = wordSet(`it its it's they their them this these that those each both he she ellos ellas esto este esta eso`)

func startsWithPronoun(s string) bool {
	w := words(s)
	return len(w) > 0 && pronouns[w[0]]
}
