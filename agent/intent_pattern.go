package agent

import (
	"fmt"
	"strconv"
	"strings"
)

// Lexicon patterns are written as plain phrases over words and compiled
// once: a word matches any word with the same stem ("book" meets "booked"
// and "booking"), so the lexicon is written in the base form.
//
//	word        a word, compared by stem
//	word*       any word starting with these letters, as written
//	=word       this word exactly as written, no other form of it
//	(a b|c)     one of the alternatives, each a sequence of words
//	x?          x is optional (a word or a group)
//	~  ~N       up to 3 (or N) words of anything
//	@name       the group defined as name among the macros
//	$           the end of the clause
//
// A pattern must start with a word or a group, never with an optional
// element or a gap: where a match starts decides the negation scope.

// icWord matches one token.
type icWord struct {
	stem   string // compared with the token's stem
	prefix string // when set, compared with the start of the raw token
	exact  string // when set, compared with the raw token
}

func (w icWord) matches(t icToken) bool {
	switch {
	case w.prefix != "":
		return strings.HasPrefix(t.raw, w.prefix)
	case w.exact != "":
		return t.raw == w.exact
	}
	return t.stem == w.stem
}

// icElem is one element of a pattern.
type icElem struct {
	alts     [][]icWord // alternatives; nil for a gap
	optional bool
	gap      int  // a gap of up to gap words, when alts is nil
	end      bool // the end of the clause, when alts is nil
}

// icPattern is one compiled lexicon phrase.
type icPattern struct {
	src   string
	elems []icElem
}

// compileICPattern compiles src with the macros; it panics on a malformed
// pattern, which is a programming error found by any test.
func compileICPattern(src string, macros map[string]string) icPattern {
	p := icPattern{src: src}
	s := src
	for depth := 0; strings.Contains(s, "@"); depth++ {
		if depth > 5 {
			panic(fmt.Sprintf("intent pattern %q: macros nest too deep", src))
		}
		s = expandICMacros(src, s, macros)
	}
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ':
			i++
		case c == '(':
			j := strings.IndexByte(s[i:], ')')
			if j < 0 {
				panic(fmt.Sprintf("intent pattern %q: unclosed group", src))
			}
			if strings.Contains(s[i+1:i+j], "(") {
				panic(fmt.Sprintf("intent pattern %q: nested group", src))
			}
			var e icElem
			for _, alt := range strings.Split(s[i+1:i+j], "|") {
				seq := icWords(alt)
				if len(seq) == 0 {
					panic(fmt.Sprintf("intent pattern %q: empty alternative", src))
				}
				e.alts = append(e.alts, seq)
			}
			i += j + 1
			if i < len(s) && s[i] == '?' {
				e.optional = true
				i++
			}
			p.elems = append(p.elems, e)
		case c == '$':
			p.elems = append(p.elems, icElem{end: true})
			i++
		case c == '~':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			n := 3
			if j > i+1 {
				n, _ = strconv.Atoi(s[i+1 : j])
			}
			p.elems = append(p.elems, icElem{gap: n})
			i = j
		default:
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '(' {
				j++
			}
			f := s[i:j]
			opt := false
			if len(f) > 1 && strings.HasSuffix(f, "?") {
				f, opt = f[:len(f)-1], true
			}
			p.elems = append(p.elems, icElem{alts: [][]icWord{icWords(f)}, optional: opt})
			i = j
		}
	}
	if len(p.elems) == 0 || p.elems[0].alts == nil || p.elems[0].optional {
		panic(fmt.Sprintf("intent pattern %q: must start with a word or group", src))
	}
	return p
}

// expandICMacros replaces each @name in s with its group: in parentheses
// of its own, or, inside a group, as more alternatives of that group.
func expandICMacros(src, s string, macros map[string]string) string {
	var b strings.Builder
	inGroup := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '(':
			inGroup = true
		case ')':
			inGroup = false
		}
		if c != '@' {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] == '_') {
			j++
		}
		m, ok := macros[s[i+1:j]]
		if !ok {
			panic(fmt.Sprintf("intent pattern %q: no macro %q", src, s[i+1:j]))
		}
		if inGroup {
			b.WriteString(m)
		} else {
			b.WriteString("(" + m + ")")
		}
		i = j - 1
	}
	return b.String()
}

// icWords compiles a space-separated sequence of words.
func icWords(s string) []icWord {
	var out []icWord
	for _, f := range strings.Fields(s) {
		if p, ok := strings.CutSuffix(f, "*"); ok && p != "" {
			out = append(out, icWord{prefix: p})
			continue
		}
		if x, ok := strings.CutPrefix(f, "="); ok && x != "" {
			out = append(out, icWord{exact: x})
			continue
		}
		// Lexicon words go through the same expansion as messages, so
		// "don't" in a pattern is "do not".
		for _, x := range strings.Fields(icExpand(f)) {
			out = append(out, icWord{stem: stem(x)})
		}
	}
	return out
}

// match returns the end of a match of p starting at toks[i], or -1.
func (p *icPattern) match(toks []icToken, i int) int {
	return p.matchFrom(toks, 0, i)
}

func (p *icPattern) matchFrom(toks []icToken, ei, j int) int {
	if ei == len(p.elems) {
		return j
	}
	e := p.elems[ei]
	if e.end {
		if j == len(toks) {
			return j
		}
		return -1
	}
	if e.alts == nil {
		for g := 0; g <= e.gap && j+g <= len(toks); g++ {
			if end := p.matchFrom(toks, ei+1, j+g); end >= 0 {
				return end
			}
		}
		return -1
	}
	for _, seq := range e.alts {
		if j+len(seq) > len(toks) {
			continue
		}
		ok := true
		for k, w := range seq {
			if !w.matches(toks[j+k]) {
				ok = false
				break
			}
		}
		if ok {
			if end := p.matchFrom(toks, ei+1, j+len(seq)); end >= 0 {
				return end
			}
		}
	}
	if e.optional {
		return p.matchFrom(toks, ei+1, j)
	}
	return -1
}

// firstWords returns the words a match can start with.
func (p *icPattern) firstWords() []icWord {
	var out []icWord
	for _, seq := range p.elems[0].alts {
		out = append(out, seq[0])
	}
	return out
}
