package prompts

import (
	"fmt"
	"strings"
)

// diffContext is how many unchanged lines a hunk shows around a change.
const diffContext = 3

// maxDiffCells bounds the LCS table (rows × columns of the lines that
// differ). Prompts are a few hundred lines at most; past the bound, Diff
// shows the differing middle as removed and added wholesale, which is
// still a correct diff, only not the shortest.
const maxDiffCells = 1 << 22

type opKind byte

const (
	opEqual  opKind = ' '
	opDelete opKind = '-'
	opInsert opKind = '+'
)

type diffOp struct {
	kind opKind
	line string // with its "\n", except a last line that has none
}

// Diff returns a unified diff of a and b, line by line, with three lines
// of context: the hunks only ("@@ -1,4 +1,5 @@" and the lines), without
// the "---"/"+++" header, which the caller writes with the names it knows.
// Identical texts give "". A last line without a newline is marked
// "\ No newline at end of file", as diff(1) does.
func Diff(a, b string) string {
	if a == b {
		return ""
	}
	ops := diffLines(splitLines(a), splitLines(b))
	var out strings.Builder
	for _, h := range hunks(ops) {
		writeHunk(&out, ops, h)
	}
	return out.String()
}

// splitLines splits s after each "\n"; the pieces join back to s.
func splitLines(s string) []string {
	var lines []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// diffLines is the edit script from a to b along a longest common
// subsequence of lines, deletions before insertions within a change.
func diffLines(a, b []string) []diffOp {
	prefix := 0
	for prefix < len(a) && prefix < len(b) && a[prefix] == b[prefix] {
		prefix++
	}
	suffix := 0
	for suffix < len(a)-prefix && suffix < len(b)-prefix && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	ops := make([]diffOp, 0, len(a)+len(b))
	for _, l := range a[:prefix] {
		ops = append(ops, diffOp{opEqual, l})
	}
	ma, mb := a[prefix:len(a)-suffix], b[prefix:len(b)-suffix]
	ops = append(ops, lcsOps(ma, mb)...)
	for _, l := range a[len(a)-suffix:] {
		ops = append(ops, diffOp{opEqual, l})
	}
	return ops
}

func lcsOps(a, b []string) []diffOp {
	var ops []diffOp
	if len(a)*len(b) > maxDiffCells || len(a) == 0 || len(b) == 0 {
		for _, l := range a {
			ops = append(ops, diffOp{opDelete, l})
		}
		for _, l := range b {
			ops = append(ops, diffOp{opInsert, l})
		}
		return ops
	}
	// lcs[i*w+j] is the length of the LCS of a[i:] and b[j:].
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			ops = append(ops, diffOp{opEqual, a[i]})
			i++
			j++
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			ops = append(ops, diffOp{opDelete, a[i]})
			i++
		default:
			ops = append(ops, diffOp{opInsert, b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		ops = append(ops, diffOp{opDelete, a[i]})
	}
	for ; j < len(b); j++ {
		ops = append(ops, diffOp{opInsert, b[j]})
	}
	return ops
}

// hunk is a range of ops, [start, end).
type hunk struct{ start, end int }

// hunks groups the changes in ops with their context; changes closer
// than twice the context share a hunk.
func hunks(ops []diffOp) []hunk {
	var hs []hunk
	for i := 0; i < len(ops); {
		if ops[i].kind == opEqual {
			i++
			continue
		}
		// i is the first change of a hunk; find its last change.
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != opEqual {
				end = j + 1
				continue
			}
			if j-end >= 2*diffContext {
				break
			}
		}
		h := hunk{start: max(i-diffContext, 0), end: min(end+diffContext, len(ops))}
		if n := len(hs); n > 0 && h.start <= hs[n-1].end {
			hs[n-1].end = h.end
		} else {
			hs = append(hs, h)
		}
		i = end
	}
	return hs
}

func writeHunk(out *strings.Builder, ops []diffOp, h hunk) {
	// Line numbers (0-based) in a and b where the hunk starts.
	aLine, bLine := 0, 0
	for _, op := range ops[:h.start] {
		if op.kind != opInsert {
			aLine++
		}
		if op.kind != opDelete {
			bLine++
		}
	}
	aCount, bCount := 0, 0
	for _, op := range ops[h.start:h.end] {
		if op.kind != opInsert {
			aCount++
		}
		if op.kind != opDelete {
			bCount++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(aLine, aCount), hunkRange(bLine, bCount))
	for _, op := range ops[h.start:h.end] {
		out.WriteByte(byte(op.kind))
		out.WriteString(op.line)
		if !strings.HasSuffix(op.line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange writes a range the way diff -u does: "l,n", "l" when n is 1,
// and for an empty range the line before it ("0,0" at the top).
func hunkRange(start, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, count)
}
