package knowledge

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tmc/langchaingo/textsplitter"
)

// Chunk sizes, in characters. A chunk should hold one answer with enough
// around it to make sense on its own: about a paragraph or two. Smaller
// chunks match questions more sharply but lose context; larger ones dilute
// the few words that matter. The overlap keeps a sentence cut at a chunk
// boundary readable from both sides.
const (
	defaultChunkSize    = 800
	defaultChunkOverlap = 100
)

// splitter cuts text into chunks with langchaingo's splitters.
type splitter struct {
	size, overlap int
}

func (sp splitter) recursive() textsplitter.RecursiveCharacter {
	return textsplitter.NewRecursiveCharacter(
		textsplitter.WithChunkSize(sp.size),
		textsplitter.WithChunkOverlap(sp.overlap),
		// Paragraphs first, then lines, sentences, clauses and words.
		textsplitter.WithSeparators([]string{"\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""}),
		textsplitter.WithLenFunc(utf8.RuneCountInString),
	)
}

// plain splits text that has no structure of its own; every chunk gets the
// same title and heading.
func (sp splitter) plain(title, heading, text string) []chunk {
	text = tidy(text)
	if text == "" {
		return nil
	}
	parts, err := sp.recursive().SplitText(text)
	if err != nil {
		// The recursive splitter has no failure of its own; keep the
		// text whole rather than lose it.
		parts = []string{text}
	}
	var out []chunk
	for _, p := range parts {
		if p = tidy(p); hasWords(p) {
			out = append(out, chunk{title: title, heading: heading, content: p})
		}
	}
	return out
}

// markdown splits Markdown on its headings (each section its own chunks,
// long sections split again) and records each chunk's heading path below
// the document title, such as "Heating > Furnace repair".
func (sp splitter) markdown(title, text string) ([]chunk, error) {
	md := textsplitter.NewMarkdownTextSplitter(
		textsplitter.WithChunkSize(sp.size),
		textsplitter.WithChunkOverlap(sp.overlap),
		textsplitter.WithHeadingHierarchy(true),
		textsplitter.WithCodeBlocks(true),
		textsplitter.WithJoinTableRows(true),
		textsplitter.WithSecondSplitter(sp.recursive()),
		textsplitter.WithLenFunc(utf8.RuneCountInString),
	)
	parts, err := md.SplitText(text)
	if err != nil {
		return nil, fmt.Errorf("split markdown: %w", err)
	}
	headers := tableHeaders(text)
	var out []chunk
	for _, p := range parts {
		headings, body := splitHeadingLines(p)
		body = tidy(withTableHeaders(body, headers))
		if !hasWords(body) {
			continue // a heading with nothing under it
		}
		if len(headings) > 0 && headings[0].level == 1 && headings[0].text == title {
			headings = headings[1:]
		}
		names := make([]string, len(headings))
		for i, h := range headings {
			names[i] = h.text
		}
		out = append(out, chunk{title: title, heading: strings.Join(names, " > "), content: body})
	}
	return out, nil
}

type headingLine struct {
	level int
	text  string
}

// splitHeadingLines takes the "# A\n## B\n" lines that the Markdown
// splitter puts before each chunk off its text.
func splitHeadingLines(s string) ([]headingLine, string) {
	var hs []headingLine
	for {
		line, rest, _ := strings.Cut(s, "\n")
		level, text, ok := atxHeading(line)
		if !ok {
			return hs, s
		}
		hs = append(hs, headingLine{level, text})
		s = rest
	}
}

// atxHeading parses "## Heading ##" into level 2 and "Heading".
func atxHeading(line string) (int, string, bool) {
	level := 0
	for level < len(line) && line[level] == '#' {
		level++
	}
	if level == 0 || level > 6 || level >= len(line) || line[level] != ' ' {
		return 0, "", false
	}
	text := strings.TrimSpace(line[level:])
	text = strings.TrimSpace(strings.TrimRight(text, "#"))
	return level, stripInlineMarkdown(text), true
}

// stripInlineMarkdown drops emphasis and code marks from a heading.
func stripInlineMarkdown(s string) string {
	return strings.NewReplacer("**", "", "__", "", "`", "").Replace(s)
}

// hasWords reports whether s has a letter or digit: a chunk of only
// punctuation or table rules answers nothing.
func hasWords(s string) bool {
	return len(words(s)) > 0
}

// tableHeaders maps each body row of the text's Markdown tables, written
// as the Markdown splitter writes rows, to its table's header row and
// rule. The splitter puts a table's header only before a row that opens a
// chunk: a table after a sentence ("Our membership plan:") lost it, and
// with it what its columns are ("Yearly fee: $359, $259" for adults and
// children).
func tableHeaders(text string) map[string]string {
	out := map[string]string{}
	lines := strings.Split(text, "\n")
	for i := 0; i+1 < len(lines); i++ {
		if !isTableLine(lines[i]) || !isTableRule(lines[i+1]) {
			continue
		}
		head := tableCells(lines[i])
		rule := make([]string, len(head))
		for k := range rule {
			rule[k] = "---"
		}
		header := tableLine(head) + "\n" + tableLine(rule)
		for j := i + 2; j < len(lines) && isTableLine(lines[j]); j++ {
			out[tableLine(tableCells(lines[j]))] = header
		}
	}
	return out
}

// withTableHeaders puts back, before the first row of a table a chunk
// holds, the table's header row and rule when the chunk lacks them.
func withTableHeaders(body string, headers map[string]string) string {
	if len(headers) == 0 {
		return body
	}
	lines := strings.Split(body, "\n")
	out := make([]string, 0, len(lines)+2)
	for i, l := range lines {
		if h, ok := headers[l]; ok && (i == 0 || !isTableLine(lines[i-1])) {
			out = append(out, h)
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func isTableLine(l string) bool {
	l = strings.TrimSpace(l)
	return strings.HasPrefix(l, "|") && strings.Count(l, "|") >= 2
}

// isTableRule reports whether a line is the rule under a table's header
// ("|---|:---:|").
func isTableRule(l string) bool {
	l = strings.TrimSpace(l)
	return isTableLine(l) && strings.Trim(l, "|-: ") == ""
}

// tableCells returns a table line's cells, trimmed.
func tableCells(l string) []string {
	l = strings.TrimSpace(l)
	l = strings.TrimSuffix(strings.TrimPrefix(l, "|"), "|")
	cells := strings.Split(l, "|")
	for i, c := range cells {
		cells[i] = strings.TrimSpace(c)
	}
	return cells
}

// tableLine writes cells as the Markdown splitter writes a table row.
func tableLine(cells []string) string {
	var b strings.Builder
	for _, c := range cells {
		b.WriteString("| " + c + " ")
	}
	b.WriteString("|")
	return b.String()
}
