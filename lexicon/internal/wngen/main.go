// Command wngen writes the lexicon's data file from a WordNet 3.0
// database (Debian's wordnet-base installs one at /usr/share/wordnet):
// irregular forms, the lemmas, how often each lemma was seen in the
// sense-tagged corpus, and, for the most frequent senses of each lemma,
// its synonyms and derivationally related words. `make lexicon` runs it; the output is committed, so building
// the project needs no WordNet.
//
// The output is deterministic: the same database gives the same bytes.
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func main() {
	dir := flag.String("wordnet", "/usr/share/wordnet", "WordNet 3.0 database folder")
	out := flag.String("out", "lexicon/wordnet.txt.gz", "file to write")
	flag.Parse()
	if err := run(*dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "wngen:", err)
		os.Exit(1)
	}
}

// Senses beyond the first few of a lemma are rare meanings: expanding a
// lead's word with them would find what the lead did not mean.
const maxSenses = 2

type synset struct {
	pos   byte
	words []string
	// derived are the derivationally related words of each member, by
	// member index (pointer "+", lexical).
	derived map[int][]string // member index -> "pos:offset:target index"
}

type db struct {
	synsets map[string]*synset // "n:01234567"
	// senses of each lemma by pos, most frequent first.
	senses map[string]map[byte][]string
	count  map[string]int // lemma -> tag count over all senses
	exc    map[string][]string
}

func run(dir, out string) error {
	d := &db{synsets: map[string]*synset{}, senses: map[string]map[byte][]string{}, count: map[string]int{}, exc: map[string][]string{}}
	for _, pos := range []struct {
		name string
		c    byte
	}{{"noun", 'n'}, {"verb", 'v'}, {"adj", 'a'}, {"adv", 'r'}} {
		if err := d.readData(filepath.Join(dir, "data."+pos.name), pos.c); err != nil {
			return err
		}
		if err := d.readIndex(filepath.Join(dir, "index."+pos.name), pos.c); err != nil {
			return err
		}
		if err := d.readExc(filepath.Join(dir, pos.name+".exc")); err != nil {
			return err
		}
	}
	if err := d.readCounts(filepath.Join(dir, "cntlist.rev")); err != nil {
		return err
	}
	return d.write(out)
}

func eachLine(path string, fn func(line string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == ' ' {
			continue // the licence header
		}
		if err := fn(line); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return sc.Err()
}

// word turns WordNet's spelling of a lemma into the lexicon's: lower case,
// spaces for underscores, adjective markers ("(a)", "(p)") dropped.
func word(w string) string {
	if i := strings.IndexByte(w, '('); i > 0 {
		w = w[:i]
	}
	return strings.ToLower(strings.ReplaceAll(w, "_", " "))
}

func (d *db) readData(path string, pos byte) error {
	return eachLine(path, func(line string) error {
		if i := strings.Index(line, " | "); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			return fmt.Errorf("short line %q", line)
		}
		n, err := strconv.ParseInt(f[3], 16, 32)
		if err != nil {
			return err
		}
		s := &synset{pos: pos, derived: map[int][]string{}}
		i := 4
		for k := 0; k < int(n); k++ {
			s.words = append(s.words, word(f[i]))
			i += 2
		}
		pc, err := strconv.Atoi(f[i])
		if err != nil {
			return err
		}
		i++
		for k := 0; k < pc; k++ {
			sym, off, ppos, st := f[i], f[i+1], f[i+2], f[i+3]
			i += 4
			if ppos == "s" {
				ppos = "a"
			}
			switch {
			case sym == "+" && st != "0000":
				src, _ := strconv.ParseInt(st[:2], 16, 32)
				s.derived[int(src)-1] = append(s.derived[int(src)-1], ppos+":"+off+":"+st[2:])
			}
		}
		key := string(pos) + ":" + f[0]
		if f[2] == "s" {
			key = "a:" + f[0]
		}
		d.synsets[key] = s
		return nil
	})
}

func (d *db) readIndex(path string, pos byte) error {
	return eachLine(path, func(line string) error {
		f := strings.Fields(line)
		if len(f) < 6 {
			return fmt.Errorf("short line %q", line)
		}
		pc, err := strconv.Atoi(f[3])
		if err != nil {
			return err
		}
		tagged, err := strconv.Atoi(f[4+pc+1])
		if err != nil {
			return err
		}
		offs := f[4+pc+2:]
		// Senses no one tagged in the corpus are rare meanings; the first
		// sense stays whatever its count.
		offs = offs[:max(1, min(tagged, len(offs)))]
		lemma := word(f[0])
		if d.senses[lemma] == nil {
			d.senses[lemma] = map[byte][]string{}
		}
		for _, o := range offs {
			d.senses[lemma][pos] = append(d.senses[lemma][pos], string(pos)+":"+o)
		}
		return nil
	})
}

func (d *db) readExc(path string) error {
	return eachLine(path, func(line string) error {
		f := strings.Fields(line)
		for _, base := range f[1:] {
			d.exc[word(f[0])] = appendNew(d.exc[word(f[0])], word(base))
		}
		return nil
	})
}

func (d *db) readCounts(path string) error {
	return eachLine(path, func(line string) error {
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil
		}
		n, err := strconv.Atoi(f[2])
		if err != nil {
			return err
		}
		lemma := word(f[0][:strings.IndexByte(f[0], '%')])
		d.count[lemma] += n
		return nil
	})
}

// maxWords bounds the phrases kept: longer lemmas are names and terms of
// art no lead texts.
const maxWords = 3

func words(s string) int { return strings.Count(s, " ") + 1 }

func appendNew(list []string, w string) []string {
	for _, x := range list {
		if x == w {
			return list
		}
	}
	return append(list, w)
}

// write prints the data file, gzipped:
//
//	E form base            an irregular form
//	L lemma count          a lemma and its tag count
//	S lemma syn|syn|...    synonyms (first senses)
//	D lemma word|word|...  derivationally related words (first senses)
func (d *db) write(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(zw)
	if err := d.print(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

func (d *db) print(w io.Writer) error {
	forms := keys(d.exc)
	for _, form := range forms {
		for _, base := range d.exc[form] {
			if base != form {
				fmt.Fprintf(w, "E\t%s\t%s\n", form, base)
			}
		}
	}
	lemmas := keys(d.senses)
	for _, l := range lemmas {
		if words(l) <= maxWords {
			fmt.Fprintf(w, "L\t%s\t%d\n", l, d.count[l])
		}
	}
	for _, l := range lemmas {
		if words(l) > 1 && d.count[l] == 0 {
			// A rare phrase: a lead who writes it is matched word by word.
			continue
		}
		var syn, der []string
		for _, pos := range []byte{'n', 'v', 'a', 'r'} {
			for i, key := range d.senses[l][pos] {
				if i >= maxSenses {
					break
				}
				s := d.synsets[key]
				if s == nil {
					continue
				}
				for k, m := range s.words {
					if m != l && words(m) <= 2 {
						syn = appendNew(syn, m)
					}
					if m != l {
						continue
					}
					for _, ref := range s.derived[k] {
						parts := strings.Split(ref, ":")
						t := d.synsets[parts[0]+":"+parts[1]]
						idx, _ := strconv.ParseInt(parts[2], 16, 32)
						if t != nil && int(idx) >= 1 && int(idx) <= len(t.words) && t.words[idx-1] != l {
							der = appendNew(der, t.words[idx-1])
						}
					}
				}
			}
		}
		for _, rel := range []struct {
			tag   string
			words []string
		}{{"S", syn}, {"D", der}} {
			if len(rel.words) > 0 {
				fmt.Fprintf(w, "%s\t%s\t%s\n", rel.tag, l, strings.Join(rel.words, "|"))
			}
		}
	}
	return nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
