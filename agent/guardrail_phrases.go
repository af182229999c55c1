package agent

import (
	"strings"
	"unicode"
)

// phraseSet finds the phrases of word lists in folded text a word at a
// time. The evidence is read sentence by sentence for every kind of
// claim a reply makes; one alternation of a hundred phrases, tried at
// every letter of every sentence, cost more than the rest of a turn.
// Words of a phrase match with a space or a hyphen between them ("risk
// free", "risk-free"), a phrase only whole words.
type phraseSet map[string][][]string // first word → phrases, longest first

func newPhraseSet(lists ...[]string) phraseSet {
	set := phraseSet{}
	for _, list := range lists {
		for _, p := range list {
			words := strings.Fields(strings.ReplaceAll(p, "-", " "))
			if len(words) > 0 {
				set[words[0]] = append(set[words[0]], words)
			}
		}
	}
	for _, phrases := range set {
		for i := 1; i < len(phrases); i++ { // longest first, as an alternation would try them
			for j := i; j > 0 && len(phrases[j]) > len(phrases[j-1]); j-- {
				phrases[j], phrases[j-1] = phrases[j-1], phrases[j]
			}
		}
	}
	return set
}

// find returns where the phrases are in s, left to right, none inside
// another.
func (set phraseSet) find(s string) [][]int {
	spans := wordSpans(s)
	var out [][]int
	for i := 0; i < len(spans); i++ {
		for _, phrase := range set[s[spans[i][0]:spans[i][1]]] {
			if n := len(phrase); set.at(s, spans, i, phrase) {
				out = append(out, []int{spans[i][0], spans[i+n-1][1]})
				i += n - 1
				break
			}
		}
	}
	return out
}

// at reports whether phrase is said from word i of s.
func (set phraseSet) at(s string, spans [][]int, i int, phrase []string) bool {
	if i+len(phrase) > len(spans) {
		return false
	}
	for k := 1; k < len(phrase); k++ {
		prev, cur := spans[i+k-1], spans[i+k]
		if gap := s[prev[1]:cur[0]]; gap != " " && gap != "-" || s[cur[0]:cur[1]] != phrase[k] {
			return false
		}
	}
	return true
}

func (set phraseSet) matches(s string) bool { return len(set.find(s)) > 0 }

// wordSpans returns where the words of s are: runs of letters, digits
// and apostrophes.
func wordSpans(s string) [][]int {
	var out [][]int
	start := -1
	for i, r := range s {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\''
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			out = append(out, []int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, []int{start, len(s)})
	}
	return out
}
