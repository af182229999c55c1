package knowledge

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/ledongthuc/pdf"
	"github.com/tmc/langchaingo/documentloaders"
)

// loadPDF reads the text of a PDF's pages with langchaingo's PDF loader.
// The title is the document information's Title, else the file name. A
// PDF of scanned images has no text and is reported as such.
func loadPDF(ctx context.Context, name string, data []byte, sp splitter) (parsedDoc, error) {
	pages, err := documentloaders.NewPDF(bytes.NewReader(data), int64(len(data))).Load(ctx)
	if err != nil {
		return parsedDoc{}, fmt.Errorf("read pdf: %w", err)
	}
	var text strings.Builder
	for _, p := range pages {
		text.WriteString(p.PageContent)
		text.WriteString("\n\n")
	}
	title := pdfTitle(data)
	if title == "" {
		title = titleFromName(name)
	}
	return parsedDoc{title: title, chunks: sp.plain(title, "", text.String())}, nil
}

// pdfTitle returns the Title entry of the PDF's document information
// dictionary, or "" when there is none.
func pdfTitle(data []byte) string {
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	return collapseSpace(r.Trailer().Key("Info").Key("Title").Text())
}
