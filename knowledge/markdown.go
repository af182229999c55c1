package knowledge

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/tmc/langchaingo/documentloaders"
)

// loadMarkdown reads Markdown: the title is the front matter's title, else
// the first level-1 heading, else the file name; chunks follow the
// headings.
func loadMarkdown(ctx context.Context, name string, data []byte, sp splitter) (parsedDoc, error) {
	docs, err := documentloaders.NewText(bytes.NewReader(data)).Load(ctx)
	if err != nil {
		return parsedDoc{}, fmt.Errorf("read markdown: %w", err)
	}
	var text strings.Builder
	for _, d := range docs {
		text.WriteString(d.PageContent)
	}
	src := strings.ReplaceAll(text.String(), "\r\n", "\n")
	src = strings.TrimPrefix(src, "\ufeff")
	meta, body := frontMatter(src)
	title := meta["title"]
	if title == "" {
		title = firstH1(body)
	}
	if title == "" {
		title = titleFromName(name)
	}
	chunks, err := sp.markdown(title, body)
	if err != nil {
		return parsedDoc{}, err
	}
	return parsedDoc{title: title, chunks: chunks}, nil
}

// frontMatter takes a leading "---" YAML block off src and returns its
// simple "key: value" lines; anything fancier is ignored.
func frontMatter(src string) (map[string]string, string) {
	if !strings.HasPrefix(src, "---\n") {
		return nil, src
	}
	block, rest, ok := strings.Cut(src[4:], "\n---")
	if !ok {
		return nil, src
	}
	// The closing line may be "---" or "..."-less "---\n".
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[i+1:]
	} else {
		rest = ""
	}
	meta := map[string]string{}
	for _, line := range strings.Split(block, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(line, " ") {
			continue
		}
		v = strings.TrimSpace(v)
		v = strings.Trim(v, `"'`)
		meta[strings.ToLower(strings.TrimSpace(k))] = v
	}
	return meta, rest
}

// firstH1 returns the text of the first level-1 heading, in ATX ("# T")
// or setext ("T\n===") form, outside fenced code.
func firstH1(src string) string {
	lines := strings.Split(src, "\n")
	fenced := false
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		if level, text, ok := atxHeading(trimmed); ok && level == 1 && text != "" {
			return text
		}
		if trimmed != "" && i+1 < len(lines) {
			next := strings.TrimSpace(lines[i+1])
			if len(next) >= 3 && strings.Trim(next, "=") == "" {
				return stripInlineMarkdown(trimmed)
			}
		}
	}
	return ""
}
