package agent

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// passage is one sentence of a knowledge chunk, as plain text, with what it
// needs to be judged on its own: the heading it sits under and, for FAQ
// answers and list items, the question or list intro that gives it a subject.
type passage struct {
	text    string // plain text, one sentence
	para    int    // paragraph within the chunk
	pos     int    // order within the chunk
	heading string // the Markdown or HTML heading above it in the chunk
	context string // the FAQ question or list intro it answers
	// question: context is an FAQ question (else a list intro, or none).
	question bool
	item     bool // a list item or table row
	// header names a table row's columns ("Day Hours").
	header string
}

var (
	reHTMLTag      = regexp.MustCompile(`(?s)<[a-zA-Z/!][^<>]*>`)
	reHTMLBlock    = regexp.MustCompile(`(?i)</?(p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote|section|article|header|footer|title|dd|dt)\b[^<>]*>`)
	reHTMLHidden   = regexp.MustCompile(`(?is)<(script|style|head)\b.*?</(script|style|head)>`)
	reHTMLHeading  = regexp.MustCompile(`(?is)<h[1-6]\b[^<>]*>(.*?)</h[1-6]>`)
	reHeading      = regexp.MustCompile(`^#{1,6}(\s+|$)`)
	reListItem     = regexp.MustCompile(`^(?:[-*+\x{2022}]|\d{1,3}[.)])\s+`)
	reTableRule    = regexp.MustCompile(`^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$`)
	reHRule        = regexp.MustCompile(`^(?:[-*_=]\s*){3,}$`)
	reFAQQuestion  = regexp.MustCompile(`(?i)^(?:q|question)\s*[:.)]\s*`)
	reFAQAnswer    = regexp.MustCompile(`(?i)^(?:a|answer)\s*[:.)]\s*`)
	reInlineAnswer = regexp.MustCompile(`(?i)\s(?:a|answer)\s*:\s`)
	reImage        = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	reLink         = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	reRefLink      = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	reAutoLink     = regexp.MustCompile(`<((?:https?://|mailto:)[^<>\s]+)>`)
	reEmphasis     = regexp.MustCompile(`(^|[^\w*])[*_]{1,3}([^*_\s](?:[^*_]*[^*_\s])?)[*_]{1,3}($|[^\w*])`)
	reStrike       = regexp.MustCompile(`~~([^~]+)~~`)
	reEscape       = regexp.MustCompile(`\\[` + regexp.QuoteMeta(escapable) + `]`)
	reSpaces       = regexp.MustCompile(`\s+`)
	reSpaceBefore  = regexp.MustCompile(`\s+([,.;:!?])`)
	reDanglingMark = regexp.MustCompile(`\*\*+|__+|` + "`+")
)

// Markdown's backslash escapes, and where CleanInline parks them: in the
// Private Use Area, which no knowledge text uses.
const (
	escapable  = "\\`*_{}[]()#+-.!|>"
	escapeBase = 0xE000
)

// looksLikeHTML reports whether s carries HTML markup worth stripping.
func looksLikeHTML(s string) bool {
	return reHTMLBlock.MatchString(s) || strings.Contains(s, "</")
}

// htmlToText turns an HTML fragment into lines: block elements become line
// breaks, headings become Markdown headings, other tags vanish.
func htmlToText(s string) string {
	s = reHTMLHidden.ReplaceAllString(s, "\n")
	s = reHTMLHeading.ReplaceAllString(s, "\n\n# $1\n\n")
	s = reHTMLBlock.ReplaceAllStringFunc(s, func(tag string) string {
		t := strings.ToLower(tag)
		if strings.HasPrefix(t, "<li") {
			return "\n- "
		}
		if strings.HasPrefix(t, "<p") || strings.HasPrefix(t, "</p") {
			return "\n\n"
		}
		return "\n"
	})
	s = reHTMLTag.ReplaceAllString(s, " ")
	return html.UnescapeString(s)
}

// CleanInline turns a line or paragraph of Markdown into plain text: links and images
// become their text, emphasis, code and strike marks and escapes go, and
// whitespace collapses to single spaces.
func CleanInline(s string) string {
	// Escaped characters ("\*") are literal: hide them from the emphasis
	// and link patterns, and put them back at the end.
	s = reEscape.ReplaceAllStringFunc(s, func(m string) string {
		return string(rune(escapeBase + int(m[1])))
	})
	s = reImage.ReplaceAllString(s, "$1")
	s = reLink.ReplaceAllString(s, "$1")
	s = reRefLink.ReplaceAllString(s, "$1")
	s = reAutoLink.ReplaceAllString(s, "$1")
	s = reStrike.ReplaceAllString(s, "$1")
	// Emphasis can nest (***x***, **a *b* c**); a few passes undo it.
	for range 3 {
		next := reEmphasis.ReplaceAllString(s, "$1$2$3")
		if next == s {
			break
		}
		s = next
	}
	s = reHTMLTag.ReplaceAllString(s, " ")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError || unicode.IsControl(r) && r != '\n':
			return ' '
		case r == escapeBase+'`':
			return '\'' // a literal backtick reads as an apostrophe
		case r >= escapeBase && r < escapeBase+128 && strings.ContainsRune(escapable, r-escapeBase):
			return r - escapeBase
		}
		return r
	}, s)
	// Escaped brackets put back can look like a link again, and removing
	// one mark can join others into a new one ("*`*", "<`b>"): repeat until
	// nothing changes. Each pass only shortens s, so this ends.
	for {
		prev := s
		s = reLink.ReplaceAllString(s, "$1")
		s = reHTMLTag.ReplaceAllString(s, " ")
		s = reDanglingMark.ReplaceAllString(s, "")
		if s == prev {
			break
		}
	}
	s = reSpaces.ReplaceAllString(s, " ")
	s = reSpaceBefore.ReplaceAllString(s, "$1")
	return strings.TrimSpace(s)
}

// stripLineMarks removes the block-level Markdown at the start of a line
// (headings, list markers, quote marks) that CleanInline leaves alone.
func stripLineMarks(line string) string {
	for {
		t := strings.TrimSpace(line)
		t = strings.TrimLeft(t, ">")
		t = strings.TrimSpace(t)
		t = reHeading.ReplaceAllString(t, "")
		t = reListItem.ReplaceAllString(t, "")
		if t == line {
			return t
		}
		line = t
	}
}

// cleanLine turns one line of a chunk into plain text. Line marks are
// stripped again after the inline pass, which can expose one ("#** x").
func cleanLine(raw string) string {
	return stripLineMarks(CleanInline(stripLineMarks(raw)))
}

// PlainText turns a chunk of Markdown, HTML or plain text into the plain
// sentences a reply may quote, with no markup left. Headings, questions and
// list intros are not among them: they only tell what the sentences are
// about.
func PlainText(content string) []string {
	var out []string
	for _, p := range parsePassages(content) {
		out = append(out, p.text)
	}
	return out
}

// line kinds of a chunk, as parsePassages sees them.
type lineKind int

const (
	lineProse lineKind = iota
	lineItem
	lineQuestion
	lineAnswer
)

// parsePassages splits chunk content into sentences with their context.
func parsePassages(content string) []passage {
	content = strings.ReplaceAll(content, "\r\n", "\n")
	content = strings.ReplaceAll(content, "\r", "\n")
	if looksLikeHTML(content) {
		content = htmlToText(content)
	}
	p := passageBuilder{}
	lines := strings.Split(content, "\n")
	inFence := false
	for i := 0; i < len(lines); i++ {
		raw := strings.TrimSpace(lines[i])
		if strings.HasPrefix(raw, "```") || strings.HasPrefix(raw, "~~~") {
			inFence = !inFence
			p.breakParagraph()
			continue
		}
		switch {
		case raw == "" || inFence:
			p.breakParagraph()
		case reTableRule.MatchString(raw) && strings.Contains(raw, "|"):
			// The header row above it was already taken as a row; drop it.
			p.dropLastTableRow()
		case reHRule.MatchString(raw):
			p.breakParagraph()
		case reHeading.MatchString(raw):
			p.pending = false
			p.breakParagraph()
			p.heading = CleanInline(reHeading.ReplaceAllString(raw, ""))
		case strings.HasPrefix(raw, "|") && strings.Count(raw, "|") >= 2:
			p.addTableRow(raw)
		case reListItem.MatchString(strings.TrimLeft(raw, "> ")) && allCaps(cleanLine(raw)):
			// "2. CANCELLING AND RESCHEDULING": a numbered section.
			p.pending = false
			p.breakParagraph()
			p.heading = cleanLine(raw)
		case reListItem.MatchString(strings.TrimLeft(raw, "> ")):
			p.addLine(lineItem, cleanLine(raw))
		case reFAQQuestion.MatchString(raw):
			p.breakParagraph()
			p.addLine(lineQuestion, cleanLine(reFAQQuestion.ReplaceAllString(raw, "")))
		case reFAQAnswer.MatchString(raw):
			p.addLine(lineAnswer, stripLineMarks(reFAQAnswer.ReplaceAllString(raw, "")))
		case plainHeading(raw, i == 0 || strings.TrimSpace(lines[i-1]) == "", i+1 == len(lines) || strings.TrimSpace(lines[i+1]) == ""):
			p.pending = false
			p.breakParagraph()
			p.heading = CleanInline(reSubject.ReplaceAllString(raw, ""))
		default:
			p.addLine(lineProse, stripLineMarks(raw))
		}
	}
	p.breakParagraph()
	return p.out
}

var reSubject = regexp.MustCompile(`(?i)^(?:subject|re|title)\s*:\s*`)

// plainHeading reports whether a line of plain text is a heading: an
// e-mail's subject, a line in capitals ("WHAT TO BRING"), or a short
// line in title case standing alone ("Our Warranties"). Markdown and HTML
// mark theirs.
func plainHeading(line string, blankBefore, blankAfter bool) bool {
	if reSubject.MatchString(line) && !strings.HasSuffix(line, ".") {
		return true
	}
	ws := strings.Fields(line)
	if len(ws) == 0 || len(ws) > 10 || strings.ContainsAny(line[len(line)-1:], ".!?:;,") {
		return false
	}
	if allCaps(line) {
		return true
	}
	if !blankBefore || !blankAfter || len(ws) > 6 || strings.IndexFunc(line, unicode.IsDigit) >= 0 {
		return false
	}
	for _, w := range ws {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLetter(r) && !unicode.IsUpper(r) && len(w) > 3 {
			return false
		}
	}
	return true
}

// allCaps reports whether a line is written in capitals ("WHAT TO
// BRING"), as plain text marks its headings.
func allCaps(line string) bool {
	letters, upper := 0, 0
	for _, r := range line {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	return letters >= 4 && upper == letters
}

// passageBuilder accumulates the lines of one paragraph and emits its
// sentences when the paragraph ends.
type passageBuilder struct {
	out      []passage
	heading  string
	para     int
	prose    []string // prose lines of the paragraph so far
	question string   // the FAQ question this paragraph answers
	intro    string   // a list intro ("Common repairs:") above the items
	rowStart int      // index in out of the last table row, when hasRow
	hasRow   bool
	// lastCells are the last row's cells; header, the current table's
	// column names.
	lastCells, header []string
	// pending: a question or list intro was set and nothing has followed
	// it yet, so a blank line does not end it.
	pending bool
}

func (b *passageBuilder) context() string {
	parts := make([]string, 0, 2)
	for _, s := range []string{b.question, b.intro} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " / ")
}

func (b *passageBuilder) emit(text string) {
	text = strings.TrimSpace(text)
	if text == "" || !hasLetterOrDigit(text) {
		return
	}
	b.out = append(b.out, passage{text: text, para: b.para, pos: len(b.out), heading: b.heading, context: b.context(),
		question: b.question != ""})
	b.pending = false
}

// emitItem emits a list item or table row.
func (b *passageBuilder) emitItem(text string) {
	n := len(b.out)
	b.emit(text)
	if len(b.out) > n {
		b.out[n].item = true
	}
}

// flushProse emits the sentences of the prose lines gathered so far. A
// final sentence that ends with a colon introduces a list: it becomes the
// context of the items that follow rather than a sentence of its own.
func (b *passageBuilder) flushProse() {
	if len(b.prose) == 0 {
		return
	}
	// Inline markup can span lines ("[a\nlink](url)"): clean the joined
	// paragraph, not line by line.
	sentences := mergeShort(SplitSentences(stripLineMarks(CleanInline(strings.Join(b.prose, "\n")))))
	b.prose = b.prose[:0]
	for i, s := range sentences {
		switch {
		case i == len(sentences)-1 && strings.HasSuffix(s, ":"):
			b.intro, b.pending = strings.TrimSuffix(s, ":"), true
		case strings.HasSuffix(strings.TrimRight(s, `"')`), "?"):
			// A question in the knowledge (an FAQ, a rhetorical lead-in) is
			// never quoted to a lead; it tells what the sentences after it
			// answer.
			b.question, b.pending = s, true
		default:
			b.emit(s)
		}
	}
}

// reBareAnswer matches a sentence that only says yes or no ("Yes.",
// "Usually, yes.", "No, we don't.").
var reBareAnswer = regexp.MustCompile(`(?i)^(?:(?:yes|yep|no|nope|sure|absolutely|definitely|usually|generally|typically|often|sometimes|mostly|of course|correct|not usually|not always|we do|we don't|we do not|we can|we can't)\b[\s,]*){1,3}[.!]$`)

// dropBareAnswer drops the bare yes or no that opens a text when a
// sentence of its own follows: "No. Estimates are free." is "Estimates
// are free."; "No, we don't." stays.
func dropBareAnswer(text string) string {
	// Not SplitSentences: it keeps "No." with what follows, as in "No. 5".
	for i := 0; i+2 < len(text); i++ {
		if (text[i] == '.' || text[i] == '!') && text[i+1] == ' ' {
			if !reBareAnswer.MatchString(text[:i+1]) {
				return text
			}
			rest := strings.TrimSpace(text[i+2:])
			if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsUpper(r) {
				return text
			}
			return rest
		}
	}
	return text
}

// mergeShort joins a bare yes or no to the sentence after it: alone it
// answers nothing.
func mergeShort(sentences []string) []string {
	out := make([]string, 0, len(sentences))
	carry := ""
	for i, s := range sentences {
		if carry != "" {
			s = carry + " " + s
			carry = ""
		}
		if i < len(sentences)-1 && reBareAnswer.MatchString(s) {
			carry = s
			continue
		}
		out = append(out, s)
	}
	return out
}

func (b *passageBuilder) addLine(kind lineKind, text string) {
	b.hasRow = false
	switch kind {
	case lineQuestion:
		b.flushProse()
		b.pending = true
		if loc := reInlineAnswer.FindStringIndex(text); loc != nil {
			b.question = strings.TrimSpace(text[:loc[0]])
			b.prose = append(b.prose, strings.TrimSpace(text[loc[1]:]))
			return
		}
		b.question = text
	case lineAnswer:
		b.flushProse()
		b.prose = append(b.prose, text)
	case lineItem:
		b.flushProse()
		b.emitItem(ensureStop(text))
	default:
		if b.intro != "" {
			// Prose after a list ends the list.
			b.intro = ""
		}
		if n := len(b.out); len(b.prose) == 0 && n > 0 && b.out[n-1].item && b.out[n-1].para == b.para {
			// A list with no intro ends too: "Please arrive early." after
			// the items under "What to bring" is not one of them.
			b.para++
		}
		b.prose = append(b.prose, text)
	}
}

func (b *passageBuilder) addTableRow(raw string) {
	b.flushProse()
	cells := strings.Split(strings.Trim(raw, "|"), "|")
	for i, c := range cells {
		cells[i] = cleanLine(c)
	}
	b.rowStart, b.hasRow, b.lastCells = len(b.out), true, cells
	n := len(b.out)
	b.emitItem(endSentence(tableRow(cells, b.header)))
	if len(b.out) > n {
		b.out[n].header = strings.Join(b.header, " ")
	}
}

// endSentence ends a row or item with a full stop unless it ends with
// one already: "(Saturday)" does not end a sentence, and rows quoted
// together must not run on.
func endSentence(s string) string {
	s = strings.TrimRight(strings.TrimSpace(s), ",;")
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, ":") {
		return s
	}
	return s + "."
}

// tableRow reads a row as a sentence: its first cell, then the others.
// With more than two columns each value says which column it is in
// ("2 movers: $139 per hour (Monday to Friday), $159 per hour (Saturday)"),
// since a price without its column answers nothing.
func tableRow(cells, header []string) string {
	var keep []string
	for i, c := range cells {
		if c == "" {
			continue
		}
		if i > 0 && len(cells) > 2 && i < len(header) && header[i] != "" && !strings.EqualFold(header[i], c) {
			c += " (" + header[i] + ")"
		}
		keep = append(keep, c)
	}
	switch len(keep) {
	case 0:
		return ""
	case 1:
		return keep[0]
	}
	return keep[0] + ": " + strings.Join(keep[1:], ", ")
}

// dropLastTableRow drops the row above a table's rule: it was the header,
// and it names the columns of the rows below.
func (b *passageBuilder) dropLastTableRow() {
	if b.hasRow && b.rowStart < len(b.out) {
		b.out = b.out[:b.rowStart]
		b.header = b.lastCells
	}
	b.hasRow = false
}

func (b *passageBuilder) breakParagraph() {
	b.flushProse()
	b.hasRow, b.header = false, nil
	if b.pending {
		return
	}
	if len(b.out) > 0 && b.out[len(b.out)-1].para == b.para {
		b.para++
	}
	b.question, b.intro = "", ""
}

func hasLetterOrDigit(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// ensureStop ends a sentence with punctuation, so list items read as
// sentences when joined into a reply.
func ensureStop(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, ",;")
	if s == "" {
		return s
	}
	switch last, _ := utf8.DecodeLastRuneInString(s); last {
	case '.', '!', '?', ':', '"', '\'', ')':
		return s
	}
	return s + "."
}

// abbreviations end with a period that does not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "ave": true, "blvd": true,
	"rd": true, "ct": true, "inc": true, "ltd": true, "co": true, "corp": true, "jr": true,
	"sr": true, "vs": true, "e.g": true, "i.e": true, "approx": true, "est": true, "no": true,
	"mon": true, "tue": true, "tues": true, "wed": true, "thu": true, "thur": true, "thurs": true,
	"fri": true, "sat": true, "sun": true, "jan": true, "feb": true, "mar": true, "apr": true,
	"jun": true, "jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true,
	"dec": true, "u.s": true, "min": true, "hr": true, "hrs": true, "ft": true, "sq": true,
	"a.m": true, "p.m": true, "ph": true, "tel": true, "ext": true,
}

// dayOrMonth are capitalised words that often follow "a.m." or "p.m."
// inside one sentence ("8 a.m. Saturday").
var dayOrMonth = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true, "mountain": true, "mt": true, "mst": true, "mdt": true,
}

// SplitSentences splits plain text into sentences at ., ! and ? followed by
// a space and a likely sentence start, keeping abbreviations (a.m., Dr.,
// Mon.), decimals and initials inside their sentence. Joined with single
// spaces, the sentences give back the text with its whitespace collapsed.
func SplitSentences(text string) []string {
	words := strings.Fields(text)
	var out []string
	start := 0
	for i, w := range words {
		if i+1 < len(words) && !endsSentence(w, words[i+1]) {
			continue
		}
		out = append(out, strings.Join(words[start:i+1], " "))
		start = i + 1
	}
	return out
}

// endsSentence reports whether word w, followed by next, ends a sentence.
func endsSentence(w, next string) bool {
	core := strings.TrimRight(w, `"')]”’»`)
	if core == "" {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(core)
	switch last {
	case '!', '?', '…':
		return startsSentence(next)
	case '.':
	default:
		return false
	}
	if !startsSentence(next) {
		return false
	}
	stem := strings.ToLower(strings.TrimLeft(strings.TrimSuffix(core, "."), `"'([“‘«`))
	if stem == "" || strings.HasSuffix(core, "..") {
		return true
	}
	if stem == "a.m" || stem == "p.m" {
		return !dayOrMonth[strings.ToLower(strings.Trim(next, `.,;:"'()`))]
	}
	if abbreviations[stem] {
		return false
	}
	// A single letter before the period is an initial ("J. Smith").
	if r, n := utf8.DecodeRuneInString(stem); n == len(stem) && unicode.IsLetter(r) {
		return false
	}
	return true
}

// startsSentence reports whether w can begin a sentence: a capital letter,
// a digit, a currency sign or an opening quote.
func startsSentence(w string) bool {
	w = strings.TrimLeft(w, `"'([“‘«¿¡`)
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || r == '$' || r == '€' || r == '£'
}

// lowerFirst lowers the first letter of a text to go on a sentence with
// it, when its first word is an ordinary capitalised one: "When is a good
// time" and "Storage", not "I", "I'll", "GAF" or "iPhone".
func lowerFirst(s string) string {
	first, _, _ := strings.Cut(s, " ")
	r, n := utf8.DecodeRuneInString(first)
	if !unicode.IsUpper(r) || first == "I" || strings.HasPrefix(first, "I'") || strings.ToLower(first[n:]) != first[n:] {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
