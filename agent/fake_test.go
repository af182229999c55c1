package agent

import (
	"context"
	"encoding/csv"
	"html"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/leadagent/leadagent/knowledge"
)

// fakeKB is an in-memory knowledge base over the demo business's files,
// with a tiny word-overlap scorer. Real search lives in package knowledge;
// this one only has to rank plausibly, and, like vector search, it always
// returns k chunks, relevant or not.
type fakeKB struct {
	chunks []knowledge.Result
	byID   map[int64]knowledge.Result
	// err, when set, is returned by Search.
	err error
}

// chunking says how the fake splits documents: by paragraph (a list intro
// stays with its list), or by section (all paragraphs under a heading).
type chunking int

const (
	byParagraph chunking = iota
	bySection
)

func loadDemoKB(t testing.TB, how chunking) *fakeKB {
	t.Helper()
	kb := loadKB(t, filepath.Join("..", "demo", "knowledge"), how)
	if len(kb.chunks) < 20 {
		t.Fatalf("demo knowledge gave only %d chunks", len(kb.chunks))
	}
	return kb
}

// loadKB loads the knowledge files of dir as chunks.
func loadKB(t testing.TB, dir string, how chunking) *fakeKB {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("read demo knowledge: %v", err)
	}
	kb := &fakeKB{byID: map[int64]knowledge.Result{}}
	add := func(path, title, heading, content string) {
		content = strings.TrimSpace(content)
		if content == "" {
			return
		}
		r := knowledge.Result{ChunkID: int64(len(kb.chunks) + 1), DocumentPath: path, Title: title, Heading: heading, Content: content}
		kb.chunks = append(kb.chunks, r)
		kb.byID[r.ChunkID] = r
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		switch filepath.Ext(path) {
		case ".md":
			splitMarkdown(string(raw), how, func(title, heading, content string) { add(path, title, heading, content) })
		case ".txt":
			splitMarkdown(fakeTextToMarkdown(string(raw)), how, func(title, heading, content string) { add(path, title, heading, content) })
		case ".html":
			splitMarkdown(fakeHTMLToMarkdown(string(raw)), how, func(title, heading, content string) { add(path, title, heading, content) })
		case ".csv":
			rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
			if err != nil {
				t.Fatalf("parse %s: %v", path, err)
			}
			if len(rows) < 2 || rows[0][0] != "question" || rows[0][1] != "answer" {
				t.Fatalf("%s: want header question,answer, got %v", path, rows[0])
			}
			for _, row := range rows[1:] {
				// As package knowledge stores an FAQ row: the question as
				// the chunk's title, the answer as its content.
				add(path, row[0], "", row[1])
			}
		default:
			t.Fatalf("unexpected file in %s: %s", dir, path)
		}
	}
	return kb
}

// fakeTextToMarkdown marks plain text's headings as package knowledge
// reads them: a line in capitals standing alone ("STORAGE") heads the
// section under it, in sentence case.
func fakeTextToMarkdown(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		s := strings.TrimSpace(l)
		alone := (i == 0 || strings.TrimSpace(lines[i-1]) == "") && (i+1 == len(lines) || strings.TrimSpace(lines[i+1]) == "")
		if !alone || s == "" || strings.ToUpper(s) != s || strings.ToLower(s) == s {
			continue
		}
		r := []rune(strings.ToLower(s))
		r[0] = unicode.ToUpper(r[0])
		lines[i] = "## " + string(r)
	}
	return strings.Join(lines, "\n")
}

func splitMarkdown(doc string, how chunking, emit func(title, heading, content string)) {
	var title, heading string
	var paras []string
	var cur []string
	endPara := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	flush := func() {
		endPara()
		// A paragraph that ends with ":" introduces the list after it.
		var merged []string
		for i := 0; i < len(paras); i++ {
			p := paras[i]
			if strings.HasSuffix(p, ":") && i+1 < len(paras) {
				p += "\n" + paras[i+1]
				i++
			}
			merged = append(merged, p)
		}
		if how == bySection && len(merged) > 0 {
			merged = []string{strings.Join(merged, "\n\n")}
		}
		for _, p := range merged {
			emit(title, heading, p)
		}
		paras = nil
	}
	for _, line := range strings.Split(doc, "\n") {
		trim := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trim, "#"):
			flush()
			h := strings.TrimSpace(strings.TrimLeft(trim, "#"))
			if strings.HasPrefix(trim, "# ") && title == "" {
				title = h
			}
			heading = h
		case trim == "":
			endPara()
		default:
			cur = append(cur, trim)
		}
	}
	flush()
}

var (
	fakeHeadingTag = regexp.MustCompile(`(?is)<h([1-6])[^>]*>(.*?)</h[1-6]>`)
	fakeItemTag    = regexp.MustCompile(`(?is)<li[^>]*>`)
	fakeBlockTag   = regexp.MustCompile(`(?is)</?(p|ul|ol|blockquote|body|html|head|title|meta|!doctype)[^>]*>`)
	fakeAnyTag     = regexp.MustCompile(`(?s)<[^>]+>`)
)

// fakeHTMLToMarkdown is the crudest HTML-to-text a loader might do.
func fakeHTMLToMarkdown(doc string) string {
	doc = regexp.MustCompile(`(?is)<head>.*?</head>`).ReplaceAllString(doc, "")
	doc = fakeHeadingTag.ReplaceAllStringFunc(doc, func(m string) string {
		sub := fakeHeadingTag.FindStringSubmatch(m)
		return "\n\n" + strings.Repeat("#", int(sub[1][0]-'0')) + " " + sub[2] + "\n\n"
	})
	doc = fakeItemTag.ReplaceAllString(doc, "\n- ")
	doc = fakeBlockTag.ReplaceAllString(doc, "\n\n")
	doc = fakeAnyTag.ReplaceAllString(doc, "")
	return html.UnescapeString(doc)
}

// fakeStop is the fake scorer's own small stopword list, independent of
// the responder's vocabulary.
var fakeStop = wordSet("a an the and or of to in on for at by is are do does you your we our i my me it can how what when where who which with be from that this there have has")

func fakeTokens(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		if fakeStop[w] || len(w) < 2 {
			continue
		}
		set[strings.TrimSuffix(w, "s")] = true
	}
	return set
}

func (kb *fakeKB) Search(ctx context.Context, query string, k int) ([]knowledge.Result, error) {
	if kb.err != nil {
		return nil, kb.err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q := fakeTokens(query)
	out := make([]knowledge.Result, 0, len(kb.chunks))
	for _, c := range kb.chunks {
		words := fakeTokens(c.Title + " " + c.Heading + " " + c.Content)
		overlap := 0
		for w := range q {
			if words[w] {
				overlap++
			}
		}
		c.Score = float64(overlap) / math.Sqrt(float64(len(words)+1))
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out[:min(k, len(out))], nil
}

// TermCounts counts the chunks that have each word (by the fake's own
// crude tokens), as knowledge's full-text statistics would.
func (kb *fakeKB) TermCounts(_ context.Context, words []string) (map[string]int, int, error) {
	out := map[string]int{}
	for _, w := range words {
		out[w] = 0
		tok := fakeTokens(w)
		for _, c := range kb.chunks {
			have := fakeTokens(c.Title + " " + c.Heading + " " + c.Content)
			for t := range tok {
				if have[t] {
					out[w]++
					break
				}
			}
		}
	}
	return out, len(kb.chunks), nil
}
