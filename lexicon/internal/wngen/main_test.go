package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedDataIsGenerated: the embedded data is what this command
// makes of WordNet, byte for byte. It needs WordNet (Debian's
// wordnet-base) and skips without it.
func TestCommittedDataIsGenerated(t *testing.T) {
	const dir = "/usr/share/wordnet"
	if _, err := os.Stat(filepath.Join(dir, "data.noun")); err != nil {
		t.Skip("WordNet is not installed (apt-get install wordnet-base)")
	}
	out := filepath.Join(t.TempDir(), "wordnet.txt.gz")
	if err := run(dir, out); err != nil {
		t.Fatal(err)
	}
	got, want := unzip(t, out), unzip(t, filepath.Join("..", "..", "wordnet.txt.gz"))
	if !bytes.Equal(got, want) {
		t.Errorf("lexicon/wordnet.txt.gz differs from what wngen makes (%d vs %d bytes): run make lexicon", len(want), len(got))
	}
}

func unzip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
