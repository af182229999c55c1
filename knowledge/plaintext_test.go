package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestTextSections(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string // "heading: first line of text"
	}{
		{
			name: "capitals standing alone, numbered or not, under a letterhead",
			in: "ACME ROOFING LLC\nPAYMENT POLICY\n\nThis policy applies to every job.\n\n1. DEPOSITS\n\nA 10% deposit is due at signing.\n\n" +
				"WHAT TO BRING\n\n1. A photo ID.\n2. Your insurance card.\n",
			want: []string{"Acme roofing llc > Payment policy: This policy applies to every job.", "Deposits: A 10% deposit is due at signing.",
				"What to bring: 1. A photo ID."},
		},
		{
			name: "underlined headings keep their case",
			in:   "Office Hours\n============\nMonday to Friday, 8 to 5.\n\nParking\n-------\nFree, behind the building.\n",
			want: []string{"Office Hours: Monday to Friday, 8 to 5.", "Parking: Free, behind the building."},
		},
		{
			name: "text before the first heading has none",
			in:   "Hello,\n\nThank you for writing.\n\nSECTION 2: REFUNDS\nRefunds take 10 days.\n",
			want: []string{": Hello,", "Refunds: Refunds take 10 days."},
		},
		{
			name: "not headings: capitals inside a paragraph, a shouted sentence, a short word, a sentence in capitals",
			in: "Call us today.\nFREE ESTIMATES\n\nOK\n\nWE ARE CLOSED ON EVERY PUBLIC HOLIDAY OF THE YEAR AND ALSO ON THE DAY AFTER THANKSGIVING\n\n" +
				"NO PETS ALLOWED.\n",
			want: []string{": Call us today."},
		},
		{
			name: "a heading with nothing under it is dropped",
			in:   "Intro text.\n\nNOTES\n",
			want: []string{": Intro text."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, s := range textSections(tidy(tt.in)) {
				first := ""
				for _, l := range s.body {
					if strings.TrimSpace(l) != "" {
						first = strings.TrimSpace(l)
						break
					}
				}
				got = append(got, s.heading+": "+first)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("sections\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// A list under a heading in plain text keeps the heading when the splitter
// puts it in a chunk of its own: the chunk says what the list is.
func TestTextListKeepsItsHeading(t *testing.T) {
	t.Parallel()
	intro := strings.Repeat("Thank you for writing to us about your visit. ", 14)
	var list strings.Builder
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&list, "%d. Item number %d that you should have with you on the day.\n", i, i)
	}
	doc, err := loadText(t.Context(), "checklist.txt", []byte("Hello,\n\n"+intro+"\n\nWHAT TO BRING\n\n"+list.String()),
		splitter{size: defaultChunkSize, overlap: defaultChunkOverlap})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range doc.chunks {
		if strings.Contains(c.content, "1. Item number 1") {
			found = true
			if c.heading != "What to bring" {
				t.Errorf("the list's chunk has heading %q, want %q", c.heading, "What to bring")
			}
		}
		if strings.Contains(c.content, "WHAT TO BRING") {
			t.Errorf("the heading stayed in a chunk's text: %q", c.content)
		}
	}
	if !found {
		t.Fatalf("no chunk holds the list: %+v", doc.chunks)
	}
}

// A file stored by an earlier version of the readers is read again on the
// next ingest, though its bytes did not change: the old chunks were cut
// by the old readers.
func TestNewReadersReingestUnchangedFiles(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.ingest(t, "", "testdata/kb/faq.csv")
	data, err := os.ReadFile("testdata/kb/faq.csv")
	if err != nil {
		t.Fatal(err)
	}
	old := sha256.Sum256(data) // how the file was hashed before readers had a version
	if _, err := tb.pool.Exec(tb.ctx, `UPDATE documents SET sha256 = $1`, hex.EncodeToString(old[:])); err != nil {
		t.Fatal(err)
	}
	if rep := tb.ingest(t, "", "testdata/kb/faq.csv"); rep.Ingested != 1 || rep.Unchanged != 0 {
		t.Errorf("after a readers' change: %+v, want the file read again", rep)
	}
	if rep := tb.ingest(t, "", "testdata/kb/faq.csv"); rep.Ingested != 0 || rep.Unchanged != 1 {
		t.Errorf("then again: %+v, want it unchanged", rep)
	}
}
