package knowledge

import (
	wordnet "github.com/leadagent/leadagent/lexicon"
	"strings"
	"unicode"
)

// A lead's word is also searched in the forms English derives from it:
// "payment" finds "pay", "installation" finds "install", "financing" finds
// "finance" (WordNet's derivationally related words, from package
// lexicon), with less weight than the lead's own word (expansionWeight).
// Synonyms are left out: WordNet's cover every sense of a word ("fitting"
// is also "adjustment"), and measured on the businesses' suites and the
// public retrieval sets they found more wrong chunks than right ones.

// expandWords returns the words derived from the content words of ws
// (lower case, as words() returns them), each once, in order. Words of
// several words are left out: their parts alone would match other things.
func expandWords(ws []string) []string {
	lx := wordnet.Default()
	var out []string
	seen := map[string]bool{}
	for _, w := range ws {
		seen[w] = true
	}
	for _, w := range ws {
		if isStopword(w) {
			continue
		}
		for _, x := range lx.Derived(w) {
			if strings.Contains(x, " ") || seen[x] || isStopword(x) {
				continue
			}
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// acronyms are upper-case abbreviations that lower case would turn into
// other words ("US" into the pronoun "us", a stopword), so they are read
// before words() folds case, and spelled out.
var acronyms = map[string]string{
	"US": "United States", "U.S": "United States", "USA": "United States", "U.S.A": "United States",
	"UK": "United Kingdom", "U.K": "United Kingdom",
	"EU": "European Union", "E.U": "European Union",
}

// spellAcronyms replaces the acronyms of a question with what they stand
// for. A question in capitals throughout ("CAN US KIDS COME") is left as
// it is: there "US" may be the pronoun.
func spellAcronyms(question string) string {
	if !strings.ContainsFunc(question, unicode.IsLower) {
		return question
	}
	var b strings.Builder
	changed := false
	start := -1
	flush := func(end int) {
		tok := question[start:end]
		if full, ok := acronyms[strings.TrimSuffix(tok, ".")]; ok {
			b.WriteString(full)
			changed = true
		} else {
			b.WriteString(tok)
		}
		start = -1
	}
	for i, r := range question {
		inToken := unicode.IsLetter(r) || (r == '.' && start >= 0)
		switch {
		case inToken && start < 0:
			start = i
		case !inToken && start >= 0:
			flush(i)
			b.WriteRune(r)
		case !inToken:
			b.WriteRune(r)
		}
	}
	if start >= 0 {
		flush(len(question))
	}
	if !changed {
		return question
	}
	return b.String()
}
