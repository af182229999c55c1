package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadOffTopic(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	var lines []string
	for i := range 40 {
		lines = append(lines, `{"id":"oos-`+string(rune('a'+i%26))+strings.Repeat("x", i/26)+`","text":"q`+string(rune('a'+i%26))+`","out_of_scope":true}`)
	}
	lines = append(lines, `{"id":"in-1","text":"book a flight","out_of_scope":false}`)
	set, err := readOffTopic(write("ok.jsonl", strings.Join(lines, "\n")+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	train, measure := set.train, set.measure
	if len(train)+len(measure) != 40 || len(train) == 0 || len(measure) == 0 {
		t.Fatalf("train %d, measure %d: want the 40 out-of-scope queries split in two", len(train), len(measure))
	}
	for _, q := range append(train, measure...) {
		if q == "book a flight" {
			t.Error("an in-scope query was read as off-topic")
		}
	}
	again, _ := readOffTopic(write("again.jsonl", strings.Join(lines, "\n")))
	if strings.Join(again.train, "|") != strings.Join(train, "|") {
		t.Error("the halves differ between two reads of the same queries")
	}

	if _, err := readOffTopic(write("bad.jsonl", lines[0]+"\n{not json\n")); err == nil || !strings.Contains(err.Error(), ":2:") {
		t.Errorf("bad line: err %v, want one naming line 2", err)
	}
	if _, err := readOffTopic(write("none.jsonl", `{"id":"in-1","text":"hi","out_of_scope":false}`)); err == nil {
		t.Error("a file without out-of-scope queries: no error")
	}
	if _, err := readOffTopic(filepath.Join(dir, "missing.jsonl")); err == nil {
		t.Error("a missing file: no error")
	}
	if set, err := readOffTopic(""); err != nil || set.train != nil || set.measure != nil {
		t.Errorf("no file: %+v %v, want nothing", set, err)
	}
}
