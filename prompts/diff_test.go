package prompts

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, a, b, want string
	}{
		{"identical", "one\ntwo\n", "one\ntwo\n", ""},
		{"both empty", "", "", ""},
		{"from empty", "", "one\ntwo\n", "@@ -0,0 +1,2 @@\n+one\n+two\n"},
		{"to empty", "one\n", "", "@@ -1 +0,0 @@\n-one\n"},
		{"one line changed", "a\nb\nc\n", "a\nB\nc\n", "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
		{"line added at the end", "a\nb\n", "a\nb\nc\n", "@@ -1,2 +1,3 @@\n a\n b\n+c\n"},
		{"line added at the top", "b\nc\n", "a\nb\nc\n", "@@ -1,2 +1,3 @@\n+a\n b\n c\n"},
		{
			"missing final newline",
			"a\nb", "a\nb\n",
			"@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
		},
		{
			"context is three lines",
			"1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			"@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
		},
		{
			"far apart changes make two hunks",
			"a\n1\n2\n3\n4\n5\n6\n7\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\nB\n",
			"@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -6,4 +6,4 @@\n 5\n 6\n 7\n-b\n+B\n",
		},
		{
			"changes six lines apart share a hunk",
			"a\n1\n2\n3\n4\n5\n6\nb\n", "A\n1\n2\n3\n4\n5\n6\nB\n",
			"@@ -1,8 +1,8 @@\n-a\n+A\n 1\n 2\n 3\n 4\n 5\n 6\n-b\n+B\n",
		},
		{
			"a moved line is removed and added",
			"x\ny\nz\n", "y\nz\nx\n",
			"@@ -1,3 +1,3 @@\n-x\n y\n z\n+x\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Diff(tt.a, tt.b)
			if got != tt.want {
				t.Errorf("Diff(%q, %q) =\n%s\nwant\n%s", tt.a, tt.b, got, tt.want)
			}
			if b, err := applyDiff(tt.a, got); err != nil || b != tt.b {
				t.Errorf("applying the diff to a gives %q, %v; want b %q", b, err, tt.b)
			}
		})
	}
}

func TestDiffOfLargeInputsStaysCorrect(t *testing.T) {
	t.Parallel()
	// Past maxDiffCells Diff gives up on the shortest script, not on correctness.
	var a, b strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&a, "line %d\n", i)
		fmt.Fprintf(&b, "line %d\n", i*7%5000)
	}
	d := Diff(a.String(), b.String())
	if got, err := applyDiff(a.String(), d); err != nil || got != b.String() {
		t.Fatalf("applying the diff does not give b: %v", err)
	}
}

func FuzzDiff(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nB\nc\n")
	f.Add("", "x")
	f.Add("x\n", "x")
	f.Add("1\n2\n3\n4\n5\n6\n7\n8\n", "0\n1\n2\n3\n5\n6\n7\n8\n9")
	f.Add("\n\n\n", "\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		d := Diff(a, b)
		if a == b {
			if d != "" {
				t.Fatalf("identical inputs give a diff:\n%s", d)
			}
			return
		}
		if d == "" {
			t.Fatalf("Diff(%q, %q) is empty", a, b)
		}
		// Every line of a is kept or removed and every line of b kept
		// or added, in order: applying the diff to a gives b.
		got, err := applyDiff(a, d)
		if err != nil {
			t.Fatalf("Diff(%q, %q) =\n%s\ndoes not apply: %v", a, b, d, err)
		}
		if got != b {
			t.Fatalf("Diff(%q, %q) =\n%s\napplied gives %q", a, b, d, got)
		}
	})
}

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$`)

// applyDiff applies a diff as Diff writes it to a, checking every header,
// context and removed line against a, and returns the result.
func applyDiff(a, diff string) (string, error) {
	src := splitLines(a)
	var out strings.Builder
	next := 0 // index in src of the next line not yet copied
	lines := strings.SplitAfter(diff, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	atoi := func(s, def string) int {
		if s == "" {
			s = def
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	for i := 0; i < len(lines); {
		m := hunkHeader.FindStringSubmatch(strings.TrimSuffix(lines[i], "\n"))
		if m == nil {
			return "", fmt.Errorf("line %d: want a hunk header, got %q", i+1, lines[i])
		}
		i++
		aStart, aCount, bCount := atoi(m[1], ""), atoi(m[2], "1"), atoi(m[4], "1")
		if aCount > 0 {
			aStart-- // 1-based line; an empty range names the line before
		}
		if aStart < next || aStart > len(src) {
			return "", fmt.Errorf("hunk at a line %d overlaps or is out of range", aStart+1)
		}
		for _, l := range src[next:aStart] {
			out.WriteString(l)
		}
		next = aStart
		seenA, seenB := 0, 0
		for i < len(lines) && !strings.HasPrefix(lines[i], "@@") {
			l := lines[i]
			i++
			if l == "" {
				return "", fmt.Errorf("empty diff line")
			}
			text := l[1:]
			if i < len(lines) && lines[i] == "\\ No newline at end of file\n" {
				text = strings.TrimSuffix(text, "\n")
				i++
			}
			switch l[0] {
			case ' ', '-':
				if next >= len(src) || src[next] != text {
					return "", fmt.Errorf("a line %d: diff has %q, a has other text", next+1, text)
				}
				next++
				seenA++
				if l[0] == ' ' {
					out.WriteString(text)
					seenB++
				}
			case '+':
				out.WriteString(text)
				seenB++
			default:
				return "", fmt.Errorf("bad diff line %q", l)
			}
		}
		if seenA != aCount || seenB != bCount {
			return "", fmt.Errorf("hunk %s counts %d,%d lines, header says %d,%d", m[0], seenA, seenB, aCount, bCount)
		}
	}
	for _, l := range src[next:] {
		out.WriteString(l)
	}
	return out.String(), nil
}
