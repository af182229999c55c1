package main

import (
	"context"
	"fmt"
	"io"
)

// runMigrate applies the schema and River migrations.
func runMigrate(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return usageError{msg: "migrate takes no arguments"}
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	db.Close()
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}
