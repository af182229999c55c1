package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/leadagent/leadagent/knowledge"
)

// runSearch shows what retrieval returns for a query, with scores:
//
//	leadagent search "QUERY" [--k N] [--json] [--namespace NS]
//
// --json prints [{"document", "title", "chunk", "score", ...}], best
// first, for scripts and the eval tooling.
func runSearch(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	k := fs.Int("k", 5, "number of results")
	asJSON := fs.Bool("json", false, "print JSON")
	namespace := fs.String("namespace", knowledge.DefaultNamespace, "knowledge namespace to search")
	words, err := parseFlagsAnywhere(fs, args)
	if err != nil {
		return err
	}
	query := strings.TrimSpace(strings.Join(words, " "))
	if query == "" {
		return usageError{msg: "usage: leadagent search \"QUERY\" [--k N] [--json] [--namespace NS]\n" + usageOf(fs)}
	}
	if *k < 1 || *k > 100 {
		return usageError{msg: fmt.Sprintf("--k %d: want 1 to 100", *k)}
	}

	pool, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	kb, err := newKnowledgeBase(cfg, pool)
	if err != nil {
		return err
	}
	results, err := kb.Search(ctx, query, knowledge.SearchOptions{K: *k, Namespace: *namespace})
	if err != nil {
		return err
	}
	if *asJSON {
		if results == nil {
			results = []knowledge.Result{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(results)
	}
	printSearchResults(stdout, results)
	return nil
}

func printSearchResults(w io.Writer, results []knowledge.Result) {
	if len(results) == 0 {
		fmt.Fprintln(w, "no results")
		return
	}
	for i, r := range results {
		where := r.Title
		if r.Heading != "" {
			where += " › " + r.Heading
		}
		fmt.Fprintf(w, "%d. %s  (%s)\n", i+1, where, r.DocumentPath)
		fmt.Fprintf(w, "   score %.4f  vector %.3f  text %.3f\n", r.Score, r.VectorScore, r.TextRank)
		fmt.Fprintf(w, "   %s\n\n", searchExcerpt(r.Content, 280))
	}
}

// searchExcerpt is text on one line, cut at a word boundary near n characters.
func searchExcerpt(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + " …"
}
