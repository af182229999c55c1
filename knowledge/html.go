package knowledge

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// loadHTML reads a web page. The title is <title>, else the first <h1>,
// else the file name. Headings cut the page into sections as in Markdown;
// scripts, styles and navigation are left out, and block elements keep
// their line breaks so that words of neighbouring paragraphs do not run
// together.
//
// langchaingo's HTML loader flattens a page to one string without its
// title, headings or block boundaries, so pages are read here with goquery
// (the parser that loader uses) and split with the same splitters.
func loadHTML(_ context.Context, name string, data []byte, sp splitter) (parsedDoc, error) {
	page, err := goquery.NewDocumentFromReader(bytes.NewReader(data))
	if err != nil {
		return parsedDoc{}, fmt.Errorf("parse html: %w", err)
	}
	title := collapseSpace(page.Find("title").First().Text())
	if title == "" {
		title = collapseSpace(page.Find("h1").First().Text())
	}
	if title == "" {
		title = titleFromName(name)
	}
	w := &htmlWalker{title: title}
	root := page.Find("body")
	if root.Length() == 0 {
		root = page.Selection
	}
	for _, n := range root.Nodes {
		w.walk(n)
	}
	w.flush()
	var chunks []chunk
	for _, s := range w.sections {
		chunks = append(chunks, sp.plain(title, s.heading, s.text)...)
	}
	return parsedDoc{title: title, chunks: chunks}, nil
}

type htmlSection struct {
	heading, text string
}

// htmlWalker turns a DOM into sections of text under their headings.
type htmlWalker struct {
	title    string
	headings []string // the open heading per level, h1 at index 0
	text     strings.Builder
	pre      int // depth of <pre> elements around the current node
	sections []htmlSection
}

// skipped elements hold no knowledge a lead would ask about.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Canvas: true, atom.Iframe: true, atom.Nav: true,
	atom.Button: true, atom.Select: true, atom.Head: true, atom.Object: true,
}

// landmarks are the parts of a page beside its main text, whose headings
// do not nest under the main text's.
var landmarks = map[atom.Atom]bool{atom.Aside: true, atom.Header: true, atom.Footer: true}

// reSkipLink is the text of a link that jumps past a page's menus.
var reSkipLink = regexp.MustCompile(`(?i)^\s*skip to\b`)

// blocks end a line of text.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Header: true, atom.Footer: true, atom.Aside: true, atom.Ul: true, atom.Ol: true,
	atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Table: true,
	atom.Blockquote: true, atom.Pre: true, atom.Address: true,
	atom.Figure: true, atom.Figcaption: true, atom.Form: true, atom.Fieldset: true,
	atom.Hr: true, atom.Details: true, atom.Summary: true,
}

func headingLevel(a atom.Atom) int {
	switch a {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

func (w *htmlWalker) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		if p := n.Parent; p != nil && tableParts[p.DataAtom] && strings.TrimSpace(n.Data) == "" {
			return // the source's line breaks between rows and cells
		}
		if w.pre > 0 {
			w.text.WriteString(n.Data)
		} else {
			// Outside <pre>, a line break in the source is just a space.
			w.text.WriteString(htmlSpace.ReplaceAllString(n.Data, " "))
		}
		return
	case html.ElementNode:
		if skipped[n.DataAtom] {
			return
		}
		if level := headingLevel(n.DataAtom); level > 0 {
			w.heading(level, collapseSpace(nodeText(n)))
			return
		}
		if landmarks[n.DataAtom] {
			// A sidebar, a site header or footer is not part of the
			// section above it: its headings start from none, and the
			// page's go on after it.
			w.flush()
			saved := w.headings
			w.headings = nil
			defer func() {
				w.flush()
				w.headings = saved
			}()
		}
		switch n.DataAtom {
		case atom.A:
			if strings.HasPrefix(attr(n, "href"), "#") && reSkipLink.MatchString(nodeText(n)) {
				return // "Skip to content"
			}
		case atom.Br:
			w.text.WriteString("\n")
			return
		case atom.Li:
			w.text.WriteString("\n- ")
		case atom.Pre:
			w.pre++
			defer func() { w.pre-- }()
		case atom.Tr:
			// A row is a line of its table, as in Markdown; a row of
			// header cells is followed by the rule that marks it so.
			if !strings.HasSuffix(w.text.String(), "\n") {
				w.text.WriteString("\n")
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				w.walk(c)
			}
			w.text.WriteString(" |\n")
			if headerRow(n) {
				w.text.WriteString("| --- |\n")
			}
			return
		case atom.Td, atom.Th:
			w.text.WriteString(" | ")
		case atom.Img:
			if alt := attr(n, "alt"); alt != "" {
				w.text.WriteString(" " + alt + " ")
			}
			return
		}
		if blocks[n.DataAtom] {
			w.text.WriteString("\n\n")
			defer w.text.WriteString("\n\n")
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
}

// tableParts hold rows or cells, not text.
var tableParts = map[atom.Atom]bool{atom.Table: true, atom.Thead: true, atom.Tbody: true, atom.Tfoot: true, atom.Tr: true}

// headerRow reports whether a table row holds header cells only.
func headerRow(tr *html.Node) bool {
	cells := 0
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		switch c.DataAtom {
		case atom.Th:
			cells++
		case atom.Td:
			return false
		}
	}
	return cells > 0
}

// heading closes the section before it and opens one under it.
func (w *htmlWalker) heading(level int, text string) {
	w.flush()
	if text == "" {
		return
	}
	for len(w.headings) < level {
		w.headings = append(w.headings, "")
	}
	w.headings = append(w.headings[:level-1], text)
}

func (w *htmlWalker) flush() {
	text := w.text.String()
	w.text.Reset()
	if strings.TrimSpace(text) == "" {
		return
	}
	var path []string
	for i, h := range w.headings {
		if h == "" || (i == 0 && h == w.title) {
			continue
		}
		path = append(path, h)
	}
	w.sections = append(w.sections, htmlSection{heading: strings.Join(path, " > "), text: text})
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && skipped[n.DataAtom] {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

var htmlSpace = regexp.MustCompile(`[ \t\r\n\f]+`)

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
