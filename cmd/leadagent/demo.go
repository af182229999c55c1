package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

// runDemo loads the demo business's knowledge (demo/knowledge by default)
// through the ingest command. Unchanged files are skipped, so make run can
// call it every time.
func runDemo(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("dir", "demo/knowledge", "folder with the demo business's knowledge")
	if _, err := parseFlagsAnywhere(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo business %q from %s: ", cfg.BusinessName, *dir)
	if err := runIngest(ctx, cfg, []string{"--quiet", "--", *dir}, stdout); err != nil {
		return fmt.Errorf("load demo knowledge: %w", err)
	}
	return nil
}
