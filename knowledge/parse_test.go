package knowledge

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseFAQ(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []faqEntry
		wantErr string
	}{
		{
			name: "plain",
			in:   "question,answer\nDo you work weekends?,Yes on Saturdays.\n",
			want: []faqEntry{{"Do you work weekends?", "Yes on Saturdays."}},
		},
		{
			name: "quoted, multi-line, extra columns in any order, BOM, CRLF",
			in:   "\ufeffid,Answer , QUESTION\r\n1,\"Yes, we do.\nCall us first.\",\"Do you, ah, install?\"\r\n\r\n2,No.,Free?\r\n",
			want: []faqEntry{{"Do you, ah, install?", "Yes, we do.\nCall us first."}, {"Free?", "No."}},
		},
		{
			name: "semicolons",
			in:   "question;answer\nHours?;9 to 5, Monday to Friday\n",
			want: []faqEntry{{"Hours?", "9 to 5, Monday to Friday"}},
		},
		{
			name: "blank rows skipped, short rows",
			in:   "question,answer\n,\nWhere?,Denver\n",
			want: []faqEntry{{"Where?", "Denver"}},
		},
		{name: "empty file", in: "", wantErr: "empty file"},
		{
			name: "other names for the columns",
			in:   "Q,A\nOpen Sundays?,No.\n",
			want: []faqEntry{{"Open Sundays?", "No."}},
		},
		{
			name: "names with question and answer in them, and reply",
			in:   "FAQ Question,Reply\nParking?,Behind the shop.\n",
			want: []faqEntry{{"Parking?", "Behind the shop."}},
		},
		{
			name: "no header: the first row asks",
			in:   "Do you work weekends?,\"Yes, on Saturdays.\"\nParking?,Behind the shop.\n",
			want: []faqEntry{{"Do you work weekends?", "Yes, on Saturdays."}, {"Parking?", "Behind the shop."}},
		},
		{name: "no question and answer columns", in: "topic,text\na,b\n", wantErr: "no question and answer columns"},
		{name: "no answer column", in: "question,notes\na,b\n", wantErr: "no question and answer columns"},
		{name: "header only", in: "question,answer\n", wantErr: "no rows"},
		{name: "question without answer", in: "question,answer\nA?,yes\nB?,\n", wantErr: "line 3: question \"B?\" has no answer"},
		{name: "answer without question", in: "question,answer\n,yes\n", wantErr: "line 2: answer without a question"},
		{name: "bad quoting", in: "question,answer\n\"unclosed,yes\n", wantErr: "faq csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFAQ([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("entry %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// FuzzParseFAQ: outside CSV never panics, and what parses is usable: every
// entry has a question and an answer of valid UTF-8 without NULs, which
// PostgreSQL text requires.
func FuzzParseFAQ(f *testing.F) {
	f.Add([]byte("question,answer\nA?,B\n"))
	f.Add([]byte("\ufeffAnswer;Question\n\"x\ny\";z\n"))
	f.Add([]byte("question,answer\n\"a\"\"b\",\"c\x00d\"\n"))
	f.Add([]byte("question\tanswer\n\xff\xfe,\t\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := parseFAQ(data)
		if err != nil {
			if len(entries) != 0 {
				t.Fatal("entries returned with an error")
			}
			return
		}
		if len(entries) == 0 {
			t.Fatal("no entries and no error")
		}
		for _, e := range entries {
			for _, s := range []string{e.question, e.answer} {
				if strings.TrimSpace(s) == "" || !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
					t.Fatalf("unusable entry %q", e)
				}
			}
		}
	})
}

func TestMarkdownHeadingsAndTitle(t *testing.T) {
	t.Parallel()
	sp := splitter{size: defaultChunkSize, overlap: defaultChunkOverlap}
	tests := []struct {
		name, src, title string
		headings         []string
	}{
		{"atx", "# Guide\n\nIntro.\n\n## Part\n\nText.\n\n### Sub **bold**\n\nMore.\n", "Guide", []string{"", "Part", "Part > Sub bold"}},
		{"setext", "Guide\n=====\n\nIntro.\n\nPart\n----\n\nText.\n", "Guide", []string{"", "Part"}},
		{"front matter title wins", "---\ntitle: \"From front matter\"\n---\n# Heading one\n\nText.\n", "From front matter", []string{"Heading one"}},
		{"no title: file name", "Just text.\n\n## Later\n\nMore.\n", "My notes", []string{"", "Later"}},
		{"heading in code is not a title", "```\n# not a title\n```\n\nText.\n", "My notes", []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := loadMarkdown(context.Background(), "dir/my_notes.md", []byte(tt.src), sp)
			if err != nil {
				t.Fatal(err)
			}
			if doc.title != tt.title {
				t.Errorf("title %q, want %q", doc.title, tt.title)
			}
			var hs []string
			for _, c := range doc.chunks {
				hs = append(hs, c.heading)
				if c.title != tt.title {
					t.Errorf("chunk title %q", c.title)
				}
				if strings.HasPrefix(c.content, "#") {
					t.Errorf("heading left in content: %q", c.content)
				}
			}
			if strings.Join(hs, "|") != strings.Join(tt.headings, "|") {
				t.Errorf("headings %q, want %q", hs, tt.headings)
			}
		})
	}
}

// TestMarkdownTableKeepsItsHeader: a table after a sentence keeps its
// header row in the chunk, or its rows no longer say what their columns
// are.
func TestMarkdownTableKeepsItsHeader(t *testing.T) {
	t.Parallel()
	sp := splitter{size: defaultChunkSize, overlap: defaultChunkOverlap}
	src := "# Plans\n\nOur membership plan:\n\n| | Adults | Kids |\n|---|:---:|---|\n| Yearly | $359 | $259 |\n| Monthly | $32 | $23 |\n\n" +
		"Supplies:\n\n|Item|Price|\n|--|--|\n|Box|$2|\n"
	doc, err := loadMarkdown(context.Background(), "plans.md", []byte(src), sp)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, c := range doc.chunks {
		all = append(all, c.content)
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{"| | Adults | Kids |\n| --- | --- | --- |\n| Yearly | $359 | $259 |", "| Item | Price |\n| --- | --- |\n| Box | $2 |"} {
		if !strings.Contains(got, want) {
			t.Errorf("chunks %q lack %q", got, want)
		}
	}
	if strings.Count(got, "| Item | Price |") != 1 {
		t.Errorf("a header written twice: %q", got)
	}
}

func TestLongTextIsSplitWithOverlap(t *testing.T) {
	t.Parallel()
	sp := splitter{size: 200, overlap: 40}
	var b strings.Builder
	for i := range 40 {
		b.WriteString(strings.Repeat("word ", 3))
		b.WriteString("sentence number ")
		b.WriteString(strings.Repeat("x", i%5+1))
		b.WriteString(". ")
	}
	chunks := sp.plain("T", "", b.String())
	if len(chunks) < 5 {
		t.Fatalf("%d chunks from %d characters", len(chunks), b.Len())
	}
	for i, c := range chunks {
		if n := utf8.RuneCountInString(c.content); n > 200+40 {
			t.Errorf("chunk %d has %d characters", i, n)
		}
	}
}

func TestHTMLText(t *testing.T) {
	t.Parallel()
	sp := splitter{size: defaultChunkSize, overlap: defaultChunkOverlap}
	src := `<html><body><a href="#main">Skip to content</a><h2>Prices</h2><p>Tune-up:
		<em>$99</em></p><table>
		  <tr><th>Item</th><th>Price</th></tr>
		  <tr><td>Filter</td><td>$20</td></tr>
		</table>
		<pre>keep
  this</pre><noscript>no</noscript><aside><h3>Why us</h3><p>Family owned.</p></aside>
		<p>Prices include tax.</p><footer>Call (970) 555-0100</footer></body></html>`
	doc, err := loadHTML(context.Background(), "prices.htm", []byte(src), sp)
	if err != nil {
		t.Fatal(err)
	}
	if doc.title != "Prices" { // no <title> and no <h1>: the file name
		t.Errorf("title %q", doc.title)
	}
	var got []string
	for _, c := range doc.chunks {
		got = append(got, c.heading+": "+strings.Join(strings.Fields(c.content), " "))
	}
	// The sidebar's heading does not nest under the page's, and the page's
	// goes on after it; the footer is under no heading; the skip link and
	// <noscript> are not text.
	want := []string{
		"Prices: Tune-up: $99 | Item | Price | | --- | | Filter | $20 | keep this",
		"Why us: Family owned.",
		"Prices: Prices include tax.",
		": Call (970) 555-0100",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("chunks\n got %q\nwant %q", got, want)
	}
	// A table's rows are its lines, the header row marked as Markdown's is.
	if !strings.Contains(doc.chunks[0].content, "| Item | Price |\n| --- |\n| Filter | $20 |\n") {
		t.Errorf("table rows not one a line: %q", doc.chunks[0].content)
	}
	if !strings.Contains(doc.chunks[0].content, "keep\nthis") {
		t.Errorf("<pre> lost its line break: %q", doc.chunks[0].content)
	}
}

func TestOrQuery(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"How much is a new AC?", "how | much | is | a | new | ac"},
		{"furnace & !repair | (cost):*", "furnace | repair | cost"},
		{"it's 'quoted' it's", "it | s | quoted"},
		{"", ""},
		{"?!", ""},
		{"Café ÜBER", "café | über"},
	}
	for _, tt := range tests {
		if got := orQuery(tt.in); got != tt.want {
			t.Errorf("orQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	var many []string
	for i := range 100 {
		many = append(many, fmt.Sprintf("w%d", i))
	}
	if n := len(strings.Split(orQuery(strings.Join(many, " ")), " | ")); n != maxQueryTerms {
		t.Errorf("%d terms, want at most %d", n, maxQueryTerms)
	}
}

// FuzzOrQuery: whatever a lead types, PostgreSQL accepts the query built
// from it, and it uses no tsquery syntax but OR.
func FuzzOrQuery(f *testing.F) {
	for _, s := range []string{"how much?", "a & b | !c", "(x:* <-> y)", "'\\'", "日本語のテキスト", "x\x00y", "\xff\xfe", strings.Repeat("long", 700)} {
		f.Add(s)
	}
	tb := setup(f)
	f.Fuzz(func(t *testing.T, in string) {
		q := orQuery(in)
		if q == "" {
			return
		}
		for _, term := range strings.Split(q, " | ") {
			if !tsWord(term) {
				t.Fatalf("term %q of %q is not a plain word", term, q)
			}
		}
		var out string
		if err := tb.pool.QueryRow(tb.ctx, `SELECT to_tsquery('english', $1)::text`, q).Scan(&out); err != nil {
			t.Fatalf("PostgreSQL refused %q (from %q): %v", q, in, err)
		}
	})
}
