package evals

import (
	"errors"
	"fmt"
	"testing"

	"github.com/leadagent/leadagent/knowledge"
)

// TestOnlyFileErrors: a run goes on past files that could not be read,
// never past an error that stopped the ingest.
func TestOnlyFileErrors(t *testing.T) {
	t.Parallel()
	file := &knowledge.FileError{Path: "kb/faq.csv", Err: errors.New("no question column")}
	other := &knowledge.FileError{Path: "kb/a.pdf", Err: errors.New("read pdf")}
	down := errors.New("connection refused")
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"one file", file, true},
		{"one file, joined", errors.Join(file), true},
		{"two files", errors.Join(file, other), true},
		{"a file wrapped", fmt.Errorf("ingest: %w", file), true},
		{"a file and the database", errors.Join(file, down), false},
		{"the database", down, false},
	} {
		if got := onlyFileErrors(tc.err); got != tc.want {
			t.Errorf("%s: onlyFileErrors(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
