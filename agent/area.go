package agent

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leadagent/leadagent/knowledge"
	"github.com/leadagent/leadagent/lexicon"
)

// This file answers "do you come out to <place>?" when the knowledge does
// not name the place. A business's knowledge lists where it works; a town
// it does not list is, as far as the assistant can tell, outside it, and
// saying so with the list is the answer a person at the desk would give.

// reAreaAsk is a message asking whether the business works somewhere.
var reAreaAsk = regexp.MustCompile(`\b(?:serve[sd]?|service|servicing|cover(?:s|ed)?|come (?:out|over|up|down|to|by|get|pick)|pick(?:s|ing)? (?:it |them )?up|drop(?:s|ping)? off|go (?:out|as far)|travel|work (?:in|out|up|down|over)|areas?|that far|this far|out there|out here|house calls?|home visits?|tow(?:s|ing|ed)?|deliver|(?:do|offer|sell|handle|take|find|rent|buy) (?:[a-z'-]+ ){1,2}(?:in|out in|up in|down in|over in|around)|help (?:her|him|them|us|me) (?:find|buy|sell|move)|move (?:a|my|our|the|from|to))\b`)

// placeIntro are the words a place follows: "out to aurora", "in castle
// rock", "from mesa", "cover pflugerville"; "is buckeye in your area" is
// read apart (reIsPlaceIn).
var placeIntro = wordSet(`in to from near around cover serve service`)

var reIsPlaceIn = regexp.MustCompile(`\bis ([a-z][a-z'.-]*(?: [a-z][a-z'.-]*){0,2}) (?:in|within|part of) (?:your|the)\b`)

// notPlaces are words that follow "in", "to" or "from" without naming a
// place: times, and what a lead says of their own things.
var notPlaces = wordSet(`january february march april may june july august september october november december
	monday tuesday wednesday thursday friday saturday sunday today tomorrow tonight morning afternoon evening
	night week weekend month year spring summer fall autumn winter time advance person line town city area
	general total addition order case fact stock`)

// commonWord is the tag count from which a word alone is too common to be
// a town's name ("move" is; "boulder" and "aurora" are not); a word above
// rareWord is not taken for a town the knowledge does not name.
const (
	commonWord = 20
	rareWord   = 3
)

// usStates are the abbreviations leads write after a town ("austin tx").
var usStates = map[string]string{"al": "Alabama", "ak": "Alaska", "az": "Arizona", "ar": "Arkansas", "ca": "California",
	"co": "Colorado", "ct": "Connecticut", "de": "Delaware", "fl": "Florida", "ga": "Georgia", "hi": "Hawaii", "id": "Idaho",
	"il": "Illinois", "in": "Indiana", "ia": "Iowa", "ks": "Kansas", "ky": "Kentucky", "la": "Louisiana", "me": "Maine",
	"md": "Maryland", "ma": "Massachusetts", "mi": "Michigan", "mn": "Minnesota", "ms": "Mississippi", "mo": "Missouri",
	"mt": "Montana", "ne": "Nebraska", "nv": "Nevada", "nh": "New Hampshire", "nj": "New Jersey", "nm": "New Mexico",
	"ny": "New York", "nc": "North Carolina", "nd": "North Dakota", "oh": "Ohio", "ok": "Oklahoma", "or": "Oregon",
	"pa": "Pennsylvania", "ri": "Rhode Island", "sc": "South Carolina", "sd": "South Dakota", "tn": "Tennessee",
	"tx": "Texas", "ut": "Utah", "vt": "Vermont", "va": "Virginia", "wa": "Washington", "wv": "West Virginia",
	"wi": "Wisconsin", "wy": "Wyoming"}

// place is a place a lead named.
type place struct {
	name  string // as written, lower case: "castle rock"
	state string // the state written after it, spelt out ("Texas"), if any
}

// placesAsked returns the places a message asks the business to work in,
// or none when it does not ask that.
func placesAsked(norm string) []place {
	if !reAreaAsk.MatchString(norm) {
		return nil
	}
	var out []place
	seen := map[string]bool{}
	add := func(ws []string) {
		var name []string
		state := ""
		for _, w := range ws {
			w = strings.Trim(w, ".'")
			if s, ok := usStates[w]; ok && len(name) > 0 {
				state = s
				break
			}
			if isStop(w) || notPlaces[w] || isNumber(w) || reAreaAsk.MatchString(w) || len(name) == 3 {
				break
			}
			name = append(name, w)
		}
		if len(name) == 0 || len(name) == 1 && (len(name[0]) < 3 || lexicon.Default().Count(name[0]) >= commonWord) {
			// "to move", "in general": a common word alone names no town.
			return
		}
		if p := strings.Join(name, " "); !seen[p] {
			seen[p] = true
			out = append(out, place{name: p, state: state})
		}
	}
	if m := reIsPlaceIn.FindStringSubmatch(norm); m != nil {
		add(strings.Fields(m[1]))
	}
	ws := strings.Fields(strings.Map(func(r rune) rune {
		if r == ',' || r == '?' || r == '!' || r == ';' || r == ':' {
			return ' '
		}
		return r
	}, norm))
	for i, w := range ws {
		if placeIntro[w] || w == "as" && i+2 < len(ws) && ws[i+1] == "far" && ws[i+2] == "as" {
			j := i + 1
			if w == "as" {
				j = i + 3
			}
			if j < len(ws) {
				add(ws[j:min(len(ws), j+4)])
			}
		}
	}
	return out
}

// mentions reports whether text names the place, whole words, any case.
func mentions(text string, p place) bool {
	re, err := regexp.Compile(`(?i)\b` + regexp.QuoteMeta(p.name) + `\b`)
	if err != nil {
		return false
	}
	if re.MatchString(text) {
		return true
	}
	return p.state != "" && strings.Contains(strings.ToLower(text), strings.ToLower(p.state))
}

// displayPlace writes a place as a town is written: "Castle Rock".
func displayPlace(p place) string {
	ws := strings.Fields(p.name)
	for i, w := range ws {
		ws[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	s := strings.Join(ws, " ")
	if p.state != "" {
		s += ", " + p.state
	}
	return s
}

// areaClause returns the sentence or clause of a service-area description
// that names p ("The tow program does not cover Buckeye, ..."), or "".
func areaClause(area string, p place) string {
	for _, s := range SplitSentences(area) {
		for _, c := range strings.Split(s, ";") {
			if mentions(c, p) {
				return ensureStop(strings.TrimSpace(c))
			}
		}
	}
	return ""
}

// isAreaUnit reports whether a unit of the chunk r describes where the
// business works: words of serving somewhere in it or around it, and
// places named in it.
func isAreaUnit(u *unit, r knowledge.Result) bool {
	return reAreaWords.MatchString(u.text+" "+u.context+" "+sectionOf(r)) && properNames(u.text) >= 2
}

// servesPlaces reports whether a unit of the chunk r answers where the
// business works: it names at least minAreaNames places and says that it
// serves them, not only names them ("licensed with the City of Fort
// Collins, Loveland and Windsor") or lists those it does not go to.
func servesPlaces(u *unit, r knowledge.Result) bool {
	head := sectionOf(r)
	return isAreaUnit(u, r) && properNames(u.text) >= minAreaNames && !u.negative &&
		reServes.MatchString(reFirstServed.ReplaceAllString(u.text+" "+u.context+" "+head, "")) &&
		!reNegative.MatchString(u.context+" "+lastHeading(head))
}

// sectionOf is what a chunk is under: its headings, or the document's
// title for the text before the first heading ("Areas We Serve").
func sectionOf(r knowledge.Result) string {
	if r.Heading != "" {
		return r.Heading
	}
	return r.Title
}

// reFirstServed is the idiom that serves no place: "appointments go first
// come, first served".
var reFirstServed = regexp.MustCompile(`(?i)\bfirst[- ]come,? first[- ]served\b`)

// minAreaNames is how many places a unit names to answer where the
// business works.
const minAreaNames = 3

// reServes says that a text is about where the business works: it
// serves, covers or works in places, or visits, picks up, delivers or
// tows in them.
var reServes = regexp.MustCompile(`(?i)\b(?:serve[sd]?|serving|service areas?|areas? we (?:serve|cover)|we (?:also )?(?:cover|work in|go to)|travel fees?|trip charges?|zones?|visits? (?:in|to)|pick ?ups? (?:in|from)|deliver(?:y|ies)? (?:in|to)|tow(?:s|ing)? (?:in|from))\b`)

var reAreaWords = regexp.MustCompile(`(?i)\b(?:serve[sd]?|service|area|areas|towns?|cities|city|communities|counties|county|neighborhoods|suburbs|zones?|metro|cover|travel|pick ?ups?|deliver(?:y|ies)?|visits?|tows?|towing)\b`)

// properNames counts the capitalised words of a text that do not open a
// sentence: the names in "We serve Maplewood, Harlan and Cedar Falls."
func properNames(text string) int {
	n := 0
	eachProperName(text, func(string) { n++ })
	return n
}

// eachProperName calls fn with each capitalised word of a text that does
// not open a sentence, without its punctuation; months and days are no
// names of places ("From June 1 through September 30").
func eachProperName(text string, fn func(string)) {
	for _, s := range SplitSentences(text) {
		ws := strings.Fields(s)
		for i, w := range ws {
			if i == 0 {
				continue
			}
			r, _ := utf8.DecodeRuneInString(w)
			w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if unicode.IsUpper(r) && !notPlaces[strings.ToLower(w)] {
				fn(w)
			}
		}
	}
}

// wholeArea returns the units that together say where the business
// works, in the order the knowledge says them: the best of areas, then
// each other of the same document (where the knowledge says where it
// works, not a perk that names towns) that names at least minAreaNames
// places the ones before did not, while the reply passes keep: "We serve
// Fort Collins, Loveland and Windsor with no travel fee." and "We also
// serve Greeley, Berthoud and Johnstown. Visits to these towns carry a
// $39 travel fee."
func wholeArea(areas []rated, keep func(string) bool) []rated {
	sorted := append([]rated(nil), areas...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].score > sorted[j].score })
	var pick []rated
	named := map[string]bool{}
	for _, x := range sorted {
		if !keep(x.u.text) || overlapsAny(x, pick) || slices.ContainsFunc(pick, func(p rated) bool {
			return strings.Contains(p.u.text, x.u.text) || strings.Contains(x.u.text, p.u.text)
		}) {
			continue
		}
		var fresh []string
		eachProperName(x.u.text, func(w string) {
			if !named[w] && !slices.Contains(fresh, w) {
				fresh = append(fresh, w)
			}
		})
		if len(pick) > 0 && (len(fresh) < minAreaNames || x.result.DocumentPath != pick[0].result.DocumentPath) {
			continue
		}
		if !keep(joinAnswers(inKnowledgeOrder(append(slices.Clone(pick), x)))) {
			// The towns before the words around them: the units cut to
			// their openings that still name places ("We also serve
			// Greeley, Berthoud and Johnstown." without the fee sentence
			// after it) may make room.
			short := []rated{shortestNaming(x, sorted, keep)}
			for _, p := range pick {
				short = append(short, shortestNaming(p, sorted, keep))
			}
			if !keep(joinAnswers(inKnowledgeOrder(slices.Clone(short)))) {
				continue
			}
			pick, x = short[1:], short[0]
		}
		pick = append(pick, x)
		for _, w := range fresh {
			named[w] = true
		}
	}
	return inKnowledgeOrder(pick)
}

// shortestNaming returns the shortest unit of units that opens x and
// still names places (minAreaNames of them), x itself when none is
// shorter.
func shortestNaming(x rated, units []rated, keep func(string) bool) rated {
	best := x
	for _, y := range units {
		if y.result.ChunkID == x.result.ChunkID && len(y.u.text) < len(best.u.text) &&
			strings.HasPrefix(x.u.text, y.u.text) && keep(y.u.text) && properNames(y.u.text) >= minAreaNames {
			best = y
		}
	}
	return best
}

// inKnowledgeOrder sorts units as the knowledge says them: by chunk, then
// by where in the chunk each starts.
func inKnowledgeOrder(xs []rated) []rated {
	sort.SliceStable(xs, func(i, j int) bool {
		a, b := xs[i], xs[j]
		if a.result.ChunkID != b.result.ChunkID {
			return a.result.ChunkID < b.result.ChunkID
		}
		return strings.Index(a.result.Content, a.u.text) < strings.Index(b.result.Content, b.u.text)
	})
	return xs
}
