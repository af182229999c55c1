package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/leadagent/leadagent/knowledge"
)

// runIngest loads files and folders into the knowledge base:
//
//	leadagent ingest [--namespace NS] PATH...
func runIngest(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	namespace := fs.String("namespace", knowledge.DefaultNamespace, "knowledge namespace to load into")
	quiet := fs.Bool("quiet", false, "print only the summary, no progress")
	paths, err := parseFlagsAnywhere(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usageError{msg: "usage: leadagent ingest [--namespace NS] PATH...\n" + usageOf(fs)}
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

	opts := knowledge.IngestOptions{Namespace: *namespace}
	if !*quiet {
		opts.Progress = ingestProgress(stdout)
	}
	rep, err := kb.Ingest(ctx, paths, opts)
	printIngestReport(stdout, rep, kb.Embedder().Name())
	if err != nil {
		if onlyFileErrors(err) {
			return fmt.Errorf("%d of %d files failed", len(rep.Failed), rep.Files)
		}
		return err
	}
	return nil
}

// ingestProgress reports progress on long runs: about every 10% and at
// most once a second, never for a handful of files.
func ingestProgress(w io.Writer) func(done, total int) {
	last := time.Now()
	step := 0
	return func(done, total int) {
		if total < 50 || done == total {
			return
		}
		if s := done * 10 / total; s > step && time.Since(last) > time.Second {
			step, last = s, time.Now()
			fmt.Fprintf(w, "  %d/%d files\n", done, total)
		}
	}
}

func printIngestReport(w io.Writer, rep knowledge.IngestReport, embedder string) {
	fmt.Fprintf(w, "%d ingested, %d unchanged, %d failed (%d chunks written with %s in %s)\n",
		rep.Ingested, rep.Unchanged, len(rep.Failed), rep.Chunks, embedder, rep.Duration.Round(time.Millisecond))
	if n := len(rep.Skipped); n > 0 {
		fmt.Fprintf(w, "%d files of other types skipped\n", n)
	}
	for _, fe := range rep.Failed {
		fmt.Fprintf(w, "  %v\n", fe)
	}
}

// onlyFileErrors reports whether err is nothing but files that failed,
// which the report has already listed.
func onlyFileErrors(err error) bool {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var fe *knowledge.FileError
		if !errors.As(e, &fe) {
			return false
		}
	}
	return true
}
