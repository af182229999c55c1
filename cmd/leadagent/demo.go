package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/leadagent/leadagent/knowledge"
)

// runDemo loads the demo business's knowledge (demo/knowledge by default).
// Unchanged files are skipped, so make run can call it every time.
func runDemo(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("dir", "demo/knowledge", "folder with the demo business's knowledge")
	if _, err := parseFlagsAnywhere(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	kb, err := newKnowledgeBase(cfg, db)
	if err != nil {
		return err
	}
	rep, err := kb.Ingest(ctx, []string{*dir}, knowledge.IngestOptions{})
	if err != nil {
		return fmt.Errorf("load demo knowledge: %w", err)
	}
	for _, f := range rep.Failed {
		fmt.Fprintf(stdout, "  failed: %v\n", f)
	}
	fmt.Fprintf(stdout, "demo business %q: %d files (%d new or changed, %d unchanged), %d chunks written\n",
		cfg.BusinessName, rep.Files, rep.Ingested, rep.Unchanged, rep.Chunks)
	if len(rep.Failed) > 0 {
		return fmt.Errorf("%d demo files failed", len(rep.Failed))
	}
	return nil
}
