package knowledge

import (
	"strings"
	"unicode"
)

// maxQueryTerms bounds the full-text query: a lead pasting an essay must
// not turn into a hundred-way OR.
const maxQueryTerms = 32

// orQuery builds the to_tsquery('english', …) input for a user's question:
// its words joined with OR ("furnace | repair | cost"), so that a chunk
// matching some of a natural question's words is found and ts_rank_cd
// ranks chunks by how many they match and how close together. An AND query
// would need every word, including the ones the knowledge phrases
// differently.
//
// Words are runs of letters and digits, so nothing in the input can be
// read as tsquery syntax (&, !, :*, quotes, parentheses); PostgreSQL drops
// stopwords and stems the rest with the same english configuration as the
// chunks. It returns "" when the question has no words.
func orQuery(question string) string {
	seen := map[string]bool{}
	var terms []string
	for _, w := range strings.FieldsFunc(strings.ToLower(question), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if seen[w] || !tsWord(w) {
			continue
		}
		seen[w] = true
		terms = append(terms, w)
		if len(terms) == maxQueryTerms {
			break
		}
	}
	return strings.Join(terms, " | ")
}

// tsWord reports whether PostgreSQL's parser reads w as a single word: it
// must not be too long for a lexeme (2047 bytes) and must not mix in
// characters the parser splits on (letters of some scripts and marks
// that unicode.IsLetter accepts but the parser does not are dropped by
// it, harmlessly).
func tsWord(w string) bool {
	if len(w) == 0 || len(w) > 256 {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
