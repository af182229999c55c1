package knowledge

import (
	"regexp"
	"strings"
	"unicode"
)

// Plain text marks its sections the way typewritten policies and saved
// letters do: a short line of capitals standing alone ("WHAT TO BRING",
// "3. FINANCING"), or a short line underlined with "===" or "---". A
// section's chunks carry its heading, as a Markdown section's do, so a
// list under "WHAT TO BRING" is known to be what to bring even when it
// fills a chunk of its own.

// maxHeadingWords bounds a heading line: a longer line of capitals is a
// shouted sentence, not a heading.
const maxHeadingWords = 10

var (
	// reEnumeration is a section number before a heading: "3.", "2)",
	// "IV.", "A.", "Section 4:".
	reEnumeration = regexp.MustCompile(`^(?i:(?:section|part|article)\s+)?(?:\d{1,2}|[IVX]{1,4}|[A-Z])[.):]\s+|^(?i:(?:section|part|article)\s+)(?:\d{1,2}|[IVX]{1,4})\s*[-–—:.]?\s*`)
	reUnderline   = regexp.MustCompile(`^\s*(?:={3,}|-{3,})\s*$`)
)

// textSection is a heading and the text under it.
type textSection struct {
	heading string
	body    []string
}

// textSections cuts plain text into sections at its heading lines. Text
// before the first heading is a section without one; headings that
// follow one another with nothing between them make one heading path
// ("Payment > Refunds").
func textSections(text string) []textSection {
	lines := strings.Split(text, "\n")
	var out []textSection
	var cur textSection
	var path []string // the headings since the last section's text
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		// A heading stands alone: after a blank line, at the start, or
		// right under another heading.
		alone := i == 0 || strings.TrimSpace(lines[i-1]) == "" || len(path) > 0 && !cur.hasText()
		underlined := strings.TrimSpace(line) != "" && i+1 < len(lines) && reUnderline.MatchString(lines[i+1])
		if h, ok := textHeading(line, alone, underlined); ok {
			if cur.hasText() {
				out = append(out, cur)
				path = nil
			}
			path = append(path, h)
			cur = textSection{heading: strings.Join(path, " > ")}
			if underlined {
				i++
			}
			continue
		}
		cur.body = append(cur.body, line)
	}
	if cur.hasText() {
		out = append(out, cur)
	}
	return out
}

func (s textSection) hasText() bool {
	for _, l := range s.body {
		if strings.TrimSpace(l) != "" {
			return true
		}
	}
	return false
}

// textHeading reports whether line is a heading, and returns it in
// sentence case without its section number: "3. FINANCING" is
// "Financing".
func textHeading(line string, prevBlank, underlined bool) (string, bool) {
	s := strings.TrimSpace(line)
	if s == "" || !prevBlank && !underlined {
		return "", false
	}
	if n := len(strings.Fields(s)); n > maxHeadingWords || strings.HasSuffix(s, ".") && !underlined {
		return "", false
	}
	bare := strings.TrimSpace(reEnumeration.ReplaceAllString(s, ""))
	if bare == "" {
		return "", false
	}
	if !underlined && !capitals(bare) {
		return "", false
	}
	bare = strings.TrimRight(bare, ":")
	if capitals(bare) {
		bare = sentenceCase(bare)
	}
	return bare, true
}

// capitals reports whether s is written in capitals, with at least three
// letters ("FAQ" and "HOURS", not "A" or "OK").
func capitals(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		}
	}
	return letters >= 3
}

// sentenceCase lowers all but the first letter: "WHAT TO BRING" is
// "What to bring".
func sentenceCase(s string) string {
	r := []rune(strings.ToLower(s))
	for i, c := range r {
		if unicode.IsLetter(c) {
			r[i] = unicode.ToUpper(c)
			break
		}
	}
	return string(r)
}
