package knowledge

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// faqEntry is one row of an FAQ CSV file.
type faqEntry struct {
	question, answer string
}

// loadFAQCSV reads an FAQ: a CSV file whose header names a question and an
// answer column. Each row is its own chunk (split further only when the
// answer is long), with the question as the chunk's title, because the
// question is what a lead's text will resemble.
func loadFAQCSV(_ context.Context, name string, data []byte, sp splitter) (parsedDoc, error) {
	entries, err := parseFAQ(data)
	if err != nil {
		return parsedDoc{}, err
	}
	doc := parsedDoc{title: titleFromName(name)}
	for _, e := range entries {
		doc.chunks = append(doc.chunks, sp.plain(e.question, "", e.answer)...)
	}
	return doc, nil
}

// parseFAQ parses FAQ CSV: a header row with question and answer columns
// (see faqColumn; any case and order; other columns are ignored), then one
// row per entry; a file without a header, whose first row asks a
// question, is read as question then answer. Comma, semicolon and tab
// separators are recognised from the header. Blank rows are skipped; a
// row with a question and no answer, or the other way round, is an error
// that names its line.
func parseFAQ(data []byte) ([]faqEntry, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sniffComma(data)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("faq csv: empty file (want a question,answer header)")
	}
	if err != nil {
		return nil, fmt.Errorf("faq csv: %w", err)
	}
	q, a := -1, -1
	for i, h := range header {
		switch faqColumn(h) {
		case "question":
			if q < 0 {
				q = i
			}
		case "answer":
			if a < 0 {
				a = i
			}
		}
	}
	var out []faqEntry
	if q < 0 || a < 0 {
		// No header: a first row that asks a question is an entry
		// ("Do you work weekends?,Yes, on Saturdays.").
		if len(header) < 2 || !strings.HasSuffix(strings.TrimSpace(header[0]), "?") || strings.TrimSpace(header[1]) == "" {
			return nil, fmt.Errorf("faq csv: header %q has no question and answer columns", strings.Join(header, string(r.Comma)))
		}
		q, a = 0, 1
		out = append(out, faqEntry{question: collapseSpace(strings.TrimSpace(header[0])), answer: strings.TrimSpace(header[1])})
	}
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("faq csv: %w", err)
		}
		line, _ := r.FieldPos(0)
		get := func(i int) string {
			if i < len(row) {
				return strings.TrimSpace(strings.ToValidUTF8(strings.ReplaceAll(row[i], "\x00", ""), ""))
			}
			return ""
		}
		question, answer := get(q), get(a)
		switch {
		case question == "" && answer == "":
			continue
		case question == "":
			return nil, fmt.Errorf("faq csv: line %d: answer without a question", line)
		case answer == "":
			return nil, fmt.Errorf("faq csv: line %d: question %q has no answer", line, truncate(question, 60))
		}
		out = append(out, faqEntry{question: collapseSpace(question), answer: answer})
	}
	if len(out) == 0 {
		return nil, errors.New("faq csv: no rows under the header")
	}
	return out, nil
}

// faqColumn says which column a header cell names: "question" for
// Question, Questions, Q, FAQ, Query or Prompt (or a name with "question"
// in it), "answer" for Answer, Answers, A, Response or Reply (or one with
// "answer" in it), else "".
func faqColumn(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	switch {
	case strings.Contains(h, "question"), h == "q", h == "faq", h == "query", h == "prompt":
		return "question"
	case strings.Contains(h, "answer"), h == "a", h == "response", h == "responses", h == "reply":
		return "answer"
	}
	return ""
}

// sniffComma picks the separator that the header line uses most: a comma
// unless it has more semicolons or tabs.
func sniffComma(data []byte) rune {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	best, n := ',', bytes.Count(line, []byte(","))
	for _, c := range []rune{';', '\t'} {
		if m := bytes.Count(line, []byte(string(c))); m > n {
			best, n = c, m
		}
	}
	return best
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
