// Command benchfmt reads `go test -json -bench` from stdin and prints the
// figures as each benchmark finishes: its result line, what it reported
// with b.Logf, and failures. The rest (the product's logs written while a
// benchmark runs, the go test chatter) stays out. make bench runs it, and
// then `benchfmt -cleanup`, which drops the databases benchmarks keep
// between runs (leadagent_bench_*, see knowledge's benchmarks) and says how
// much space that gave back, unless KEEP_BENCH_DB=1.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/store/storetest"
)

// event is one line of test2json.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

var (
	// "BenchmarkKey-2   \t     100\t       991.2 ns/op\n", and the figures
	// a benchmark reports with b.ReportMetric.
	resultLine = regexp.MustCompile(`^Benchmark\S*\s+\d+\s+[\d.]+ \S+`)
	// "    bench_test.go:42: p95 12ms", a benchmark's b.Logf.
	logfLine = regexp.MustCompile(`^\s+\S+\.go:\d+: `)
	// Where a failure starts and a package's end.
	failLine = regexp.MustCompile(`^(\s*--- FAIL|FAIL|panic:|\s*--- SKIP)`)
)

func main() {
	cleanup := flag.Bool("cleanup", false, "drop the leadagent_bench_* databases (unless KEEP_BENCH_DB=1) instead of formatting")
	flag.Parse()
	if *cleanup {
		if err := dropBenchDBs(os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "benchfmt:", err)
			os.Exit(1)
		}
		return
	}
	failed, err := format(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchfmt:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// format copies the figures in the test2json stream r to w as they come
// and reports whether a package failed.
func format(r io.Reader, w io.Writer) (failed bool, err error) {
	partial := map[string]string{} // package and test → output not yet ending in a newline
	headed := map[string]bool{}    // packages whose name is printed
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			fmt.Fprintln(w, sc.Text()) // a build error is not JSON
			continue
		}
		if e.Action == "fail" && e.Test == "" {
			failed = true
			fmt.Fprintf(w, "FAIL %s\n", e.Package)
		}
		if e.Action != "output" {
			continue
		}
		key := e.Package + "\x00" + e.Test
		text := partial[key] + e.Output
		lines := strings.SplitAfter(text, "\n")
		partial[key] = lines[len(lines)-1]
		for _, line := range lines[:len(lines)-1] {
			line = strings.TrimRight(line, "\n")
			if !resultLine.MatchString(line) && !logfLine.MatchString(line) && !failLine.MatchString(line) {
				continue
			}
			if strings.HasPrefix(line, "FAIL") {
				continue // said once, from the package's fail event
			}
			if !headed[e.Package] {
				headed[e.Package] = true
				fmt.Fprintf(w, "\n%s\n", e.Package)
			}
			fmt.Fprintln(w, line)
		}
	}
	return failed, sc.Err()
}

// dropBenchDBs drops the databases benchmarks built on the test server
// and prints what it dropped, or, with KEEP_BENCH_DB=1, what it kept.
func dropBenchDBs(w io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, storetest.AdminURL())
	if err != nil {
		return fmt.Errorf("connect to the test PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT datname, pg_database_size(datname), pg_size_pretty(pg_database_size(datname))
		FROM pg_database WHERE datname LIKE 'leadagent\_bench\_%' ORDER BY datname`)
	if err != nil {
		return fmt.Errorf("list bench databases: %w", err)
	}
	type db struct {
		name, pretty string
		size         int64
	}
	var dbs []db
	for rows.Next() {
		var d db
		if err := rows.Scan(&d.name, &d.size, &d.pretty); err != nil {
			return fmt.Errorf("list bench databases: %w", err)
		}
		dbs = append(dbs, d)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list bench databases: %w", err)
	}
	if len(dbs) == 0 {
		return nil
	}
	keep := os.Getenv("KEEP_BENCH_DB") == "1"
	var total int64
	for _, d := range dbs {
		total += d.size
		if keep {
			fmt.Fprintf(w, "kept %s (%s) for the next make bench (KEEP_BENCH_DB=1)\n", d.name, d.pretty)
			continue
		}
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{d.name}.Sanitize()+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop %s: %w", d.name, err)
		}
		fmt.Fprintf(w, "dropped %s (%s); KEEP_BENCH_DB=1 keeps it for the next run\n", d.name, d.pretty)
	}
	if len(dbs) > 1 {
		fmt.Fprintf(w, "%d bench databases, %d MB\n", len(dbs), total>>20)
	}
	return nil
}
