package evals

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteTotals writes a line a report (its suite's pass rate and answer
// figures) and a last line adding them up: what `leadagent eval totals`
// prints over the reports of several runs, so that the figures of many
// suites are read from their reports, not added up by hand.
func WriteTotals(w io.Writer, reports []*Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "suite\tpassed\tno answer where one was due\tanswered where none was due")
	var all Summary
	for _, r := range reports {
		s := r.Summary
		fmt.Fprintf(tw, "%s\t%d/%d\t%d/%d\t%d/%d\n", r.Suite, s.Passed, s.Cases,
			s.Answers.SaidUnknown, s.Answers.Answerable, s.Answers.Answered, s.Answers.Unanswerable)
		all.Passed += s.Passed
		all.Cases += s.Cases
		all.Answers.SaidUnknown += s.Answers.SaidUnknown
		all.Answers.Answerable += s.Answers.Answerable
		all.Answers.Answered += s.Answers.Answered
		all.Answers.Unanswerable += s.Answers.Unanswerable
	}
	fmt.Fprintf(tw, "all %d\t%d/%d\t%d/%d\t%d/%d\n", len(reports), all.Passed, all.Cases,
		all.Answers.SaidUnknown, all.Answers.Answerable, all.Answers.Answered, all.Answers.Unanswerable)
	return tw.Flush()
}
