package main

import (
	"fmt"
	"io"

	"github.com/leadagent/leadagent/evals"
)

// runEvalTotals prints the figures of eval reports and their sum:
//
//	leadagent eval totals REPORT.json...
func runEvalTotals(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{msg: "no report file\n" + evalUsage}
	}
	var reports []*evals.Report
	for _, f := range args {
		rs, err := evals.ReadReports(f)
		if err != nil {
			return exitError{code: 2, err: fmt.Errorf("%s: %w", f, err)}
		}
		reports = append(reports, rs...)
	}
	return evals.WriteTotals(stdout, reports)
}
