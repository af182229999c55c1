package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/leadagent/leadagent/agent/intent"
	"github.com/leadagent/leadagent/handoff"
)

// scored is an item with the probabilities a model that never saw it
// gave it.
type scored struct {
	item
	probs intent.Probs
}

// thresholds are the score at which each handoff class hands off, as
// handoff.DefaultRules sets them.
type thresholds [intent.NumClasses]float64

// decideOrder is the order handoff.Decide prefers reasons in when more
// than one fires.
var decideOrder = []intent.Class{intent.Sensitive, intent.Complaint, intent.HumanRequest, intent.BuyingIntent}

// handoffClasses are the classes that hand off, in Probs order.
var handoffClasses = []intent.Class{intent.BuyingIntent, intent.HumanRequest, intent.Complaint, intent.Sensitive}

// none is the decision to keep the conversation with the agent.
const none = intent.Class(-1)

// decide is what the escalation rules decide on p: the first reason in
// decideOrder whose probability reaches its threshold, else none.
func (t thresholds) decide(p intent.Probs) intent.Class {
	for _, c := range decideOrder {
		if p[c] >= t[c] {
			return c
		}
	}
	return none
}

// counts are decisions by {gold, decided}.
type counts map[[2]intent.Class]int

func tally(rows []scored, t thresholds, gold func(scored) intent.Class) counts {
	n := counts{}
	for _, r := range rows {
		n[[2]intent.Class{gold(r), t.decide(r.probs)}]++
	}
	return n
}

// decideByRules is what handoff.Decide makes of a row under rules, their
// keywords included.
func decideByRules(rules handoff.Rules, r scored) intent.Class {
	d := handoff.Decide(rules, handoff.Turn{Text: r.Text, Signals: handoff.Signals{
		BuyingIntent: r.probs[intent.BuyingIntent], HumanRequest: r.probs[intent.HumanRequest],
		Complaint: r.probs[intent.Complaint], Sensitive: r.probs[intent.Sensitive]}})
	c, ok := intent.ParseClass(d.Reason)
	if !ok {
		return none
	}
	return c
}

func goldLabel(r scored) intent.Class { return r.Class }

// goldGrievance counts BANKING77's grievance labels as complaints.
func goldGrievance(r scored) intent.Class {
	if r.set == "banking77" && slices.Contains(bankingGrievances, r.source) {
		return intent.Complaint
	}
	return r.Class
}

type prf struct {
	tp, fp, fn int
	p, r, f1   float64
}

func newPRF(tp, fp, fn int) prf {
	x := prf{tp: tp, fp: fp, fn: fn}
	if tp+fp > 0 {
		x.p = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		x.r = float64(tp) / float64(tp+fn)
	}
	if x.p+x.r > 0 {
		x.f1 = 2 * x.p * x.r / (x.p + x.r)
	}
	return x
}

// handoff scores whether a person gets the conversation, whatever the
// reason.
func (n counts) handoff() prf {
	tp, fp, fn := 0, 0, 0
	for k, v := range n {
		gold, pred := k[0].Handoff(), k[1] != none
		switch {
		case gold && pred:
			tp += v
		case pred:
			fp += v
		case gold:
			fn += v
		}
	}
	return newPRF(tp, fp, fn)
}

// reason scores one reason: a handoff for another reason is a miss of
// the gold one and a false alarm of the decided one.
func (n counts) reason(c intent.Class) prf {
	tp, fp, fn := 0, 0, 0
	for k, v := range n {
		gold, pred := k[0] == c, k[1] == c
		switch {
		case gold && pred:
			tp += v
		case pred:
			fp += v
		case gold:
			fn += v
		}
	}
	return newPRF(tp, fp, fn)
}

func (n counts) total() int {
	s := 0
	for _, v := range n {
		s += v
	}
	return s
}

// falseAlarms is the share of messages that should stay with the agent
// and would not.
func (n counts) falseAlarms() float64 {
	fp, neg := 0, 0
	for k, v := range n {
		if k[0].Handoff() {
			continue
		}
		neg += v
		if k[1] != none {
			fp += v
		}
	}
	if neg == 0 {
		return 0
	}
	return float64(fp) / float64(neg)
}

// table writes handoff and per-reason precision/recall/F1 for groups of
// rows, one line a group.
func table(w io.Writer, title string, groups []string, rows map[string][]scored, t thresholds, gold func(scored) intent.Class) {
	fmt.Fprintf(w, "%-34s %6s | %-17s %6s %5s |", title, "n", "handoff P/R/F1", "false", "AP")
	for _, c := range handoffClasses {
		fmt.Fprintf(w, " %-22s", c)
	}
	fmt.Fprintln(w)
	for _, g := range groups {
		n := tally(rows[g], t, gold)
		h := n.handoff()
		fmt.Fprintf(w, "%-34s %6d | %s %6.3f %5.3f |", g, n.total(), fmtPRF(h), n.falseAlarms(), averagePrecision(rows[g], gold))
		for _, c := range handoffClasses {
			x := n.reason(c)
			if x.tp+x.fn == 0 {
				fmt.Fprintf(w, " %-22s", fmt.Sprintf("-   (0, fp %d)", x.fp))
				continue
			}
			fmt.Fprintf(w, " %-22s", fmt.Sprintf("%s (%d)", fmtPRF(x), x.tp+x.fn))
		}
		fmt.Fprintln(w)
	}
}

func fmtPRF(x prf) string {
	if x.tp+x.fp+x.fn == 0 {
		return "  -  /  -  /  -  "
	}
	return fmt.Sprintf("%.3f/%.3f/%.3f", x.p, x.r, x.f1)
}

// confusion writes gold (rows) by decided reason (columns).
func confusion(w io.Writer, rows []scored, t thresholds) {
	n := tally(rows, t, goldLabel)
	cols := append(slices.Clone(handoffClasses), none)
	fmt.Fprintf(w, "%-14s", "gold \\ decided")
	for _, c := range cols {
		fmt.Fprintf(w, " %13s", className(c))
	}
	fmt.Fprintln(w)
	for g := range intent.NumClasses {
		fmt.Fprintf(w, "%-14s", g)
		for _, c := range cols {
			fmt.Fprintf(w, " %13d", n[[2]intent.Class{g, c}])
		}
		fmt.Fprintln(w)
	}
}

func className(c intent.Class) string {
	if c == none {
		return "none"
	}
	return c.String()
}

// argmaxTable writes per-class precision/recall/F1 of the most likely
// class, the Intent the agent reports, and its accuracy.
func argmaxTable(w io.Writer, rows []scored) {
	n := counts{}
	right := 0
	for _, r := range rows {
		b := r.probs.Best()
		n[[2]intent.Class{r.Class, b}]++
		if b == r.Class {
			right++
		}
	}
	for c := range intent.NumClasses {
		x := n.reason(c)
		fmt.Fprintf(w, "  %-14s %s (gold %d)\n", c, fmtPRF(x), x.tp+x.fn)
	}
	fmt.Fprintf(w, "  accuracy %.3f over %d\n", float64(right)/float64(max(1, len(rows))), len(rows))
}

// calibrationTable writes, for each handoff class, how often messages
// scored in each band of its probability belong to it, and the expected
// calibration error: the weighted gap between the two.
func calibrationTable(w io.Writer, rows []scored) {
	for _, c := range handoffClasses {
		var n, pos [10]int
		var sum [10]float64
		for _, r := range rows {
			b := min(int(r.probs[c]*10), 9)
			n[b]++
			sum[b] += r.probs[c]
			if r.Class == c {
				pos[b]++
			}
		}
		ece := 0.0
		var bands []string
		for b := range 10 {
			if n[b] == 0 {
				continue
			}
			mean, share := sum[b]/float64(n[b]), float64(pos[b])/float64(n[b])
			ece += float64(n[b]) / float64(len(rows)) * math.Abs(mean-share)
			if b > 0 {
				bands = append(bands, fmt.Sprintf("%.1f:%.2f(%d)", float64(b)/10, share, n[b]))
			}
		}
		fmt.Fprintf(w, "  %-14s ECE %.4f  band:share(n) %s\n", c, ece, strings.Join(bands, " "))
	}
}

// sweep writes, for each handoff class, its precision and recall at
// thresholds from 0.2 to 0.8, the others at t, and overall handoff P/R.
func sweep(w io.Writer, rows []scored, t thresholds) {
	for _, c := range handoffClasses {
		fmt.Fprintf(w, "  %-14s", c)
		for v := 0.2; v < 0.81; v += 0.1 {
			u := t
			u[c] = v
			n := tally(rows, u, goldLabel)
			x, h := n.reason(c), n.handoff()
			fmt.Fprintf(w, " %.1f:%.2f/%.2f(h %.2f/%.2f)", v, x.p, x.r, h.p, h.r)
		}
		fmt.Fprintln(w)
	}
}

// uniformSweep writes handoff P/R with every handoff class at the same
// threshold.
func uniformSweep(w io.Writer, rows []scored) {
	for v := 0.25; v < 0.71; v += 0.05 {
		var u thresholds
		for _, c := range handoffClasses {
			u[c] = v
		}
		n := tally(rows, u, goldLabel)
		h := n.handoff()
		fmt.Fprintf(w, "  %.2f: handoff %s, false %.4f;", v, fmtPRF(h), n.falseAlarms())
		for _, c := range handoffClasses {
			x := n.reason(c)
			fmt.Fprintf(w, " %s %.2f/%.2f", short(c.String()), x.p, x.r)
		}
		fmt.Fprintln(w)
	}
}

// errorsOf lists the rows whose decision is wrong for class c: misses
// and false alarms, worst first.
func errorsOf(w io.Writer, rows []scored, t thresholds, c intent.Class, limit int) {
	type miss struct {
		r   scored
		d   intent.Class
		gap float64
	}
	var out []miss
	for _, r := range rows {
		d := t.decide(r.probs)
		if (r.Class == c) == (d == c) {
			continue
		}
		out = append(out, miss{r, d, math.Abs(r.probs[c] - t[c])})
	}
	slices.SortStableFunc(out, func(a, b miss) int {
		switch {
		case a.gap > b.gap:
			return -1
		case a.gap < b.gap:
			return 1
		}
		return 0
	})
	for _, m := range out[:min(limit, len(out))] {
		prev := ""
		if m.r.Previous != "" {
			prev = " after " + quote(m.r.Previous, 60)
		}
		fmt.Fprintf(w, "  %-10s gold=%-13s got=%-13s p=%.2f %s%s\n", short(m.r.set), m.r.Class, className(m.d), m.r.probs[c], quote(m.r.Text, 110), prev)
	}
}

func short(set string) string { return strings.SplitN(set, "-", 2)[0] }

func quote(s string, n int) string {
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// handoffScore is the probability that a message should go to a person.
func handoffScore(p intent.Probs) float64 {
	return p[intent.BuyingIntent] + p[intent.HumanRequest] + p[intent.Complaint] + p[intent.Sensitive]
}

// averagePrecision ranks rows by handoffScore and averages the precision
// at each row that should hand off: how well the scores order messages,
// whatever the thresholds.
func averagePrecision(rows []scored, gold func(scored) intent.Class) float64 {
	type pair struct {
		score float64
		pos   bool
	}
	ps := make([]pair, len(rows))
	for i, r := range rows {
		ps[i] = pair{handoffScore(r.probs), gold(r).Handoff()}
	}
	slices.SortStableFunc(ps, func(a, b pair) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	tp, sum := 0, 0.0
	for i, p := range ps {
		if p.pos {
			tp++
			sum += float64(tp) / float64(i+1)
		}
	}
	if tp == 0 {
		return 0
	}
	return sum / float64(tp)
}
