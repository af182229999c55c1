package knowledge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"github.com/tmc/langchaingo/documentloaders"
)

// A parsedDoc is one file turned into the chunks that will be stored.
type parsedDoc struct {
	title  string
	chunks []chunk
}

// A chunk is a piece of a document small enough to answer one question.
type chunk struct {
	title, heading, content string
}

// errEmpty means a file held no text to index (a scanned PDF, an empty
// page): it is reported, not silently stored as nothing.
var errEmpty = errors.New("no text found")

// format is how one kind of file is read and cut into chunks.
type format func(ctx context.Context, name string, data []byte, sp splitter) (parsedDoc, error)

// formats maps a lower-case file extension to its reader.
var formats = map[string]format{
	".md":       loadMarkdown,
	".markdown": loadMarkdown,
	".txt":      loadText,
	".text":     loadText,
	".html":     loadHTML,
	".htm":      loadHTML,
	".pdf":      loadPDF,
	".csv":      loadFAQCSV,
}

// Supported reports whether Ingest reads files with the extension of path.
func Supported(path string) bool {
	_, ok := formats[strings.ToLower(filepath.Ext(path))]
	return ok
}

// parse reads one file's bytes into a document.
func parse(ctx context.Context, path string, data []byte, sp splitter) (doc parsedDoc, err error) {
	load, ok := formats[strings.ToLower(filepath.Ext(path))]
	if !ok {
		return parsedDoc{}, fmt.Errorf("unsupported file type %q (want .md, .txt, .html, .pdf or .csv)", filepath.Ext(path))
	}
	// The PDF reader panics on some malformed files; one bad file must not
	// take the whole ingest down.
	defer func() {
		if r := recover(); r != nil {
			doc, err = parsedDoc{}, fmt.Errorf("unreadable file: %v", r)
		}
	}()
	doc, err = load(ctx, path, data, sp)
	if err != nil {
		return parsedDoc{}, err
	}
	if len(doc.chunks) == 0 {
		return parsedDoc{}, errEmpty
	}
	return doc, nil
}

// loadText reads plain text: the file name is the title, the text is cut
// into sections at its heading lines (plaintext.go), and each section is
// split on paragraphs, then lines, sentences and words.
func loadText(ctx context.Context, name string, data []byte, sp splitter) (parsedDoc, error) {
	docs, err := documentloaders.NewText(bytes.NewReader(data)).Load(ctx)
	if err != nil {
		return parsedDoc{}, fmt.Errorf("read text: %w", err)
	}
	title := titleFromName(name)
	var text strings.Builder
	for _, d := range docs {
		text.WriteString(d.PageContent)
		text.WriteString("\n\n")
	}
	var chunks []chunk
	for _, s := range textSections(tidy(text.String())) {
		chunks = append(chunks, sp.plain(title, s.heading, strings.Join(s.body, "\n"))...)
	}
	return parsedDoc{title: title, chunks: chunks}, nil
}

// titleFromName makes a title of a file name: "return-policy.txt" is
// "Return policy".
func titleFromName(name string) string {
	base := filepath.Base(name)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	base = strings.Join(strings.FieldsFunc(base, func(r rune) bool {
		return r == '-' || r == '_' || r == '.' || unicode.IsSpace(r)
	}), " ")
	if base == "" {
		return filepath.Base(name)
	}
	r := []rune(base)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

var (
	spaceRun   = regexp.MustCompile(`[ \t\f\v\x{00a0}]+`)
	blankLines = regexp.MustCompile(`\n[ \t]*\n(\s*\n)*`)
)

// tidy collapses runs of spaces and of blank lines, and drops carriage
// returns and NULs, which PostgreSQL text cannot hold.
func tidy(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\x00", "")
	s = strings.ToValidUTF8(s, "")
	s = spaceRun.ReplaceAllString(s, " ")
	s = blankLines.ReplaceAllString(s, "\n\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
