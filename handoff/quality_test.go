package handoff_test

// The escalation rules measured on the offline classifier's signals
// (agent.NewIntentClassifier) over the DEV parts of the public intent sets
// in ../../shared/data. The sets are read at test time and never copied
// here: their licences would bind the project. Each utterance is one
// Turn{Text, Signals} through Decide; buying_intent, human_request and
// complaint should hand off with that reason, faq and other should not.
//
//	go test -count=1 -run HandoffQuality -v ./handoff/                  # the tables below
//	LEADAGENT_HANDOFF_ERRORS=complaint go test -count=1 -run HandoffQuality -v ./handoff/
//	LEADAGENT_SWEEP=1 go test -count=1 -run HandoffThresholdSweep -v ./handoff/   # ~1 min
//	go test -run '^$' -bench Decide -benchmem ./handoff/
//
// DefaultRules (buying 0.57, human 0.50, complaint 0.60, sentiment -0.7),
// measured 2026-12-01 (classifier last changed in 705ef1a):
//
//	handoff (any reason)                  n      P     R    F1      tp     fp     fn     tn
//	bitext-customer-service-intent     4753  0.822 0.822 0.822     443     96     96   4118
//	natcs-dstc11-intent                1446  0.833 0.745 0.787     280     56     96   1014
//	rasa-sara-nlu                      2846  0.658 0.746 0.699     100     52     34   2660
//	clinc150-oos                      14215  0.552 0.554 0.553     349    283    281  13302
//	banking77                          7846  0.000 0.000 0.000       0    504      0   7342
//	overall                           31106  0.542 0.698 0.610    1172    991    507  28436
//	banking77 (grievances=complaint)   7846  0.181 0.142 0.159      91    413    548   6794
//
//	per reason P/R (gold n)          buying_intent      human_request      complaint
//	bitext-customer-service-intent   0.698/0.628 (180)  0.977/0.944 (180)  0.788/0.894 (179)
//	natcs-dstc11-intent              0.815/0.688 (321)  0.630/1.000 (17)   0.838/0.816 (38)
//	rasa-sara-nlu                    0.510/0.532 (94)   0.667/0.850 (40)   - (fp 3)
//	clinc150-oos                     0.617/0.540 (630)  - (fp 48)          - (fp 20)
//	banking77                        - (fp 133)         - (fp 8)           - (fp 363)
//	overall                          0.596/0.591 (1225) 0.718/0.932 (237)  0.305/0.880 (217)
//
// (At buying 0.60, where the sweep below started: overall 0.536/0.678/0.599.)
//
// 14 handoffs are "sensitive" (a keyword such as "injury"); they count as
// handoffs above and as misses for the gold reason per reason. BANKING77
// has no handoff labels, so its row is all false alarms: 363 of them are
// complaint, mostly account problems ("a direct debit I didn't authorise",
// "I was charged twice", "I am not satisfied with your service. Close my
// account") that its README maps to other while NatCS maps the same
// thing (DisputeCharge) to complaint. The grievances row counts the five
// grievance labels its README names as complaints, beside the sets, never
// in overall.
//
// The sweep (one knob at a time, 0.3..0.9 step 0.05; then all four
// together, 15,379 settings) says:
//
//   - human_request: 0.50..0.65 decide alike (recall 0.932, P 0.536-0.537);
//     below 0.50 recall gains 0.009 for P 0.523 (0.45) .. 0.504 (0.30);
//     above, recall falls to 0.907 at 0.70 and 0.831 at 0.75. The
//     classifier's human scores jump from 0.451 (55 messages, 2 human) to
//     0.699, so 0.50 sits in that gap, far from the cliff: keep it. The
//     constraint human_request recall >= 0.9 never binds below 0.70.
//   - buying_intent: 0.50 or 0.55 beats 0.60 (F1 0.608 vs 0.599, overall
//     recall 0.703 vs 0.678, P flat); above 0.65 recall collapses (0.551 at
//     0.70). The ladder of scores (printed by the sweep) explains it: the
//     0.593 tier (40 messages, 34 buying: "where can I rent a car soon")
//     sits under 0.60, the 0.551 tier (39 messages, 8 buying: "I'd like to
//     take out a loan", the rest "can usa residents get a card?", "I would
//     like to get a new insurance plan") under 0.55. A threshold between
//     them, 0.57, takes the first and leaves the second: overall P/R/F1
//     0.542/0.698/0.610, buying recall 0.563 -> 0.591, +34 handoffs for
//     +6 false alarms, and only 2 more faq (price and eligibility
//     questions) read as buying, where 0.55 adds 19.
//   - complaint: F1 rises with the threshold to 0.638 at 0.85, but only by
//     missing real complaints: complaint recall 0.880 -> 0.553 (NatCS
//     0.816 -> 0.079). What it stops are the BANKING77 account problems
//     above. 0.65 is free on the gold labels (the 0.632 tier, "I was charged
//     an extra fee, why?", is 13 messages, none gold complaint) but those
//     are billing disputes a rep should see; at 0.68 the 0.667 tier goes
//     ("I ain't happy with your work", "not satisfied with your service").
//     Keep 0.60.
//   - negative_sentiment: -1 .. -0.7 and 0 (off) measure within 4 false
//     alarms of each other; -0.6 and -0.5 add false alarms (P 0.531,
//     0.517). At the defaults the floor alone fires on 4 of 31,106
//     messages, all gold other ("change this song it sucks so bad"), and
//     catches no complaint the scores miss: the classifier already turns
//     sentiment below -0.6 into complaint evidence. The sets hold no angry
//     lead without complaint words to show what the floor is for, and it
//     costs 0.01% of messages: keep -0.7 as the safety net.
//   - The best overall F1 with human_request recall >= 0.9 is buying 0.55,
//     human 0.55, complaint 0.85, sentiment -1 or off: 0.643/0.659/0.651,
//     at complaint recall 0.535. Keeping buying and complaint recall within
//     0.02 of DefaultRules' it is buying 0.55, human 0.55, complaint 0.65,
//     sentiment -1 or off: 0.542/0.702/0.612.
//
// Recommended DefaultRules: BuyingIntent 0.57, HumanRequest 0.50,
// Complaint 0.60, NegativeSentiment -0.7 (only BuyingIntent changes), at
// 0.542/0.698/0.610 overall, recall buying 0.591, human 0.932, complaint
// 0.880. No set's recall falls (clinc150 0.500 -> 0.554); the cost is
// two false alarms each on rasa (P 0.667 -> 0.658), clinc150 and
// banking77. It is off the sweep's 0.05 grid because 0.57 sits between
// two score tiers rather than on one (0.57 and 0.58 measure alike). These
// are DEV sets, looked at to tune the lexicons too; the held-out 40% will
// read a few points lower, which is why the floors in TestHandoffQuality
// sit under these figures.
//
// BenchmarkDecide, a three-sentence lead message on a shared 2-core AMD
// EPYC: Classify+Decide 55-70 µs/op, 10.5 kB, 166 allocs; Decide alone
// 6-8 µs/op, 34 allocs, most of it the sensitive keyword scan.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/handoff"
)

var handoffSets = []string{
	"bitext-customer-service-intent",
	"natcs-dstc11-intent",
	"rasa-sara-nlu",
	"clinc150-oos",
	"banking77",
}

// handoffReasons are the gold labels that should hand off, each with the
// reason of that name; faq and other should not.
var handoffReasons = []string{handoff.ReasonBuyingIntent, handoff.ReasonHumanRequest, handoff.ReasonComplaint}

var goldLabels = []string{handoff.ReasonBuyingIntent, handoff.ReasonHumanRequest, handoff.ReasonComplaint, "faq", "other"}

// sharedDataDir returns the shared data folder, or "" when it is absent.
// It is agent's test helper, copied: that one is not importable.
func sharedDataDir() string {
	dir := os.Getenv("LEADAGENT_SHARED_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data")
	}
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}

// labelledTurn is one utterance of a set, with the signals the offline
// classifier read in it, as the inbox would hand it to Decide.
type labelledTurn struct {
	gold, source string // our label, and the set's own
	turn         handoff.Turn
}

// readTurns reads a set and classifies every utterance once, so a sweep
// only re-runs Decide.
func readTurns(tb testing.TB, c *agent.IntentClassifier, dir, name string) []labelledTurn {
	tb.Helper()
	f, err := os.Open(filepath.Join(dir, name, "utterances.jsonl"))
	if err != nil {
		tb.Fatalf("open %s: %v", name, err)
	}
	defer f.Close()
	var out []labelledTurn
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r struct {
			Text, Label  string
			SourceIntent string `json:"source_intent"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		if !slices.Contains(goldLabels, r.Label) {
			tb.Fatalf("%s: unknown label %q", name, r.Label)
		}
		out = append(out, labelledTurn{gold: r.Label, source: r.SourceIntent, turn: turnOf(c, r.Text)})
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return out
}

// turnOf is what inbox.escalate builds from the agent's signals.
func turnOf(c *agent.IntentClassifier, text string) handoff.Turn {
	s := c.Classify(text, nil)
	return handoff.Turn{Text: text, Signals: handoff.Signals{
		BuyingIntent: s.BuyingIntent, HumanRequest: s.HumanRequest, Complaint: s.Complaint, Sentiment: s.Sentiment}}
}

// readAllTurns reads every set, or skips the test when the data is absent.
func readAllTurns(tb testing.TB) map[string][]labelledTurn {
	tb.Helper()
	dir := sharedDataDir()
	if dir == "" {
		tb.Skip("no shared data: the public intent sets are not shipped with the project (set LEADAGENT_SHARED_DATA)")
	}
	c := agent.NewIntentClassifier()
	out := map[string][]labelledTurn{}
	for _, name := range handoffSets {
		out[name] = readTurns(tb, c, dir, name)
	}
	for _, lt := range out["banking77"] {
		if slices.Contains(bankingGrievances, lt.source) {
			lt.gold = handoff.ReasonComplaint
		}
		out[adjustedBanking] = append(out[adjustedBanking], lt)
	}
	return out
}

// bankingGrievances are the BANKING77 labels its README says read as
// grievances ("I was charged twice"), mapped to other there while NatCS
// maps the same thing (DisputeCharge) to complaint. The adjusted view,
// shown beside the sets and never in overall, counts them as complaints,
// as a home-services business would.
var bankingGrievances = []string{"transaction_charged_twice", "extra_charge_on_statement",
	"wrong_amount_of_cash_received", "card_payment_wrong_exchange_rate", "cash_withdrawal_charge"}

const adjustedBanking = "banking77 (grievances=complaint)"

// outcomes counts decisions by {gold label, decided reason}; the reason
// is "" when the turn stays with the agent.
type outcomes map[[2]string]int

func (o outcomes) add(x outcomes) {
	for k, v := range x {
		o[k] += v
	}
}

func decideAll(r handoff.Rules, turns []labelledTurn) outcomes {
	o := outcomes{}
	for _, lt := range turns {
		o[[2]string{lt.gold, handoff.Decide(r, lt.turn).Reason}]++
	}
	return o
}

type score struct {
	tp, fp, fn, tn int
	p, r, f1       float64
}

func newScore(tp, fp, fn, tn int) score {
	s := score{tp: tp, fp: fp, fn: fn, tn: tn}
	if tp+fp > 0 {
		s.p = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		s.r = float64(tp) / float64(tp+fn)
	}
	if s.p+s.r > 0 {
		s.f1 = 2 * s.p * s.r / (s.p + s.r)
	}
	return s
}

func shouldHandOff(gold string) bool { return slices.Contains(handoffReasons, gold) }

// handoff scores the yes/no question the rules answer: does a person get
// this conversation. Any reason counts, sensitive too: a buying message
// that mentions an injury still reaches a rep.
func (o outcomes) handoff() score {
	var tp, fp, fn, tn int
	for k, v := range o {
		gold, pred := shouldHandOff(k[0]), k[1] != ""
		switch {
		case gold && pred:
			tp += v
		case pred:
			fp += v
		case gold:
			fn += v
		default:
			tn += v
		}
	}
	return newScore(tp, fp, fn, tn)
}

// reason scores one reason: a handoff with another reason is a miss for
// the gold reason and a false alarm for the decided one.
func (o outcomes) reason(reason string) score {
	var tp, fp, fn, tn int
	for k, v := range o {
		gold, pred := k[0] == reason, k[1] == reason
		switch {
		case gold && pred:
			tp += v
		case pred:
			fp += v
		case gold:
			fn += v
		default:
			tn += v
		}
	}
	return newScore(tp, fp, fn, tn)
}

// decided counts the handoffs of one reason, whatever the gold label.
func (o outcomes) decided(reason string) int {
	n := 0
	for k, v := range o {
		if k[1] == reason {
			n += v
		}
	}
	return n
}

func perSet(r handoff.Rules, sets map[string][]labelledTurn) (map[string]outcomes, outcomes) {
	per := map[string]outcomes{}
	all := outcomes{}
	for _, name := range handoffSets {
		per[name] = decideAll(r, sets[name])
		all.add(per[name])
	}
	per[adjustedBanking] = decideAll(r, sets[adjustedBanking])
	return per, all
}

func formatHandoffQuality(per map[string]outcomes, all outcomes) string {
	var b strings.Builder
	names := append(slices.Clone(handoffSets), "overall", adjustedBanking)
	get := func(name string) outcomes {
		if name == "overall" {
			return all
		}
		return per[name]
	}
	fmt.Fprintf(&b, "%-32s %6s  %5s %5s %5s  %6s %6s %6s %6s  %9s\n", "handoff (any reason)",
		"n", "P", "R", "F1", "tp", "fp", "fn", "tn", "sensitive")
	for _, name := range names {
		o := get(name)
		h := o.handoff()
		fmt.Fprintf(&b, "%-32s %6d  %5.3f %5.3f %5.3f  %6d %6d %6d %6d  %9d\n",
			name, h.tp+h.fp+h.fn+h.tn, h.p, h.r, h.f1, h.tp, h.fp, h.fn, h.tn, o.decided(handoff.ReasonSensitive))
	}
	fmt.Fprintf(&b, "\n%-32s %-22s %-22s %-22s\n", "per reason P/R (gold n)", "buying_intent", "human_request", "complaint")
	for _, name := range names {
		o := get(name)
		fmt.Fprintf(&b, "%-32s", name)
		for _, reason := range handoffReasons {
			s := o.reason(reason)
			if s.tp+s.fn == 0 {
				fmt.Fprintf(&b, " %-22s", fmt.Sprintf("-/-     (0, fp %d)", s.fp))
				continue
			}
			fmt.Fprintf(&b, " %-22s", fmt.Sprintf("%.3f/%.3f (%d)", s.p, s.r, s.tp+s.fn))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\noverall, gold (rows) by decided reason (columns):\n%-14s", "")
	cols := append(slices.Clone(handoffReasons), handoff.ReasonSensitive, "")
	for _, c := range cols {
		fmt.Fprintf(&b, " %13s", reasonOrNone(c))
	}
	b.WriteString("\n")
	for _, g := range goldLabels {
		fmt.Fprintf(&b, "%-14s", g)
		for _, c := range cols {
			fmt.Fprintf(&b, " %13d", all[[2]string{g, c}])
		}
		b.WriteString("\n")
	}
	return trimLines(b.String())
}

// trimLines drops the padding at the ends of a table's lines.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// reasonOrNone names a decision that stays with the agent.
func reasonOrNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// TestHandoffQuality measures DefaultRules on the offline classifier's
// signals. The floors sit a few points under the measured figures, so a
// change to the lexicons or the rules that costs handoffs fails here.
func TestHandoffQuality(t *testing.T) {
	sets := readAllTurns(t)
	per, all := perSet(handoff.DefaultRules(), sets)
	t.Log("\n" + formatHandoffQuality(per, all))

	if reason := os.Getenv("LEADAGENT_HANDOFF_ERRORS"); reason != "" {
		logErrors(t, handoff.DefaultRules(), sets, reason)
	}

	// Measured recall 0.698, precision 0.542, human_request recall 0.932 (see the top of the file).
	h := all.handoff()
	if h.r < 0.65 || h.p < 0.50 {
		t.Errorf("overall handoff recall %.3f precision %.3f, below the floor (recall 0.65, precision 0.50)", h.r, h.p)
	}
	if r := all.reason(handoff.ReasonHumanRequest).r; r < 0.88 {
		t.Errorf("human_request recall %.3f, below the floor 0.88: leads who ask for a person stay with the agent", r)
	}
}

// logErrors logs the misses and false alarms of one reason, for tuning.
func logErrors(t *testing.T, r handoff.Rules, sets map[string][]labelledTurn, reason string) {
	for _, name := range handoffSets {
		for _, lt := range sets[name] {
			d := handoff.Decide(r, lt.turn)
			if (lt.gold == reason) == (d.Reason == reason) {
				continue
			}
			s := lt.turn.Signals
			t.Logf("%-9s gold=%-13s (%s) got=%-13s b=%.2f h=%.2f c=%.2f s=%+.2f %q", strings.SplitN(name, "-", 2)[0],
				lt.gold, lt.source, reasonOrNone(d.Reason), s.BuyingIntent, s.HumanRequest, s.Complaint, s.Sentiment, lt.turn.Text)
		}
	}
}

// thresholdSweep is one value of one knob, the others at DefaultRules.
type thresholdSweep struct {
	knob  string
	get   func(handoff.Rules) float64
	set   func(*handoff.Rules, float64)
	steps []float64
}

func sweeps() []thresholdSweep {
	var thresholds []float64
	for i := 30; i <= 90; i += 5 {
		thresholds = append(thresholds, float64(i)/100)
	}
	return []thresholdSweep{
		{"buying_intent.threshold", func(r handoff.Rules) float64 { return r.BuyingIntent.Threshold },
			func(r *handoff.Rules, v float64) { r.BuyingIntent.Threshold = v }, thresholds},
		{"human_request.threshold", func(r handoff.Rules) float64 { return r.HumanRequest.Threshold },
			func(r *handoff.Rules, v float64) { r.HumanRequest.Threshold = v }, thresholds},
		{"complaint.threshold", func(r handoff.Rules) float64 { return r.Complaint.Threshold },
			func(r *handoff.Rules, v float64) { r.Complaint.Threshold = v }, thresholds},
		{"negative_sentiment", func(r handoff.Rules) float64 { return r.NegativeSentiment },
			func(r *handoff.Rules, v float64) { r.NegativeSentiment = v }, []float64{-1, -0.9, -0.8, -0.7, -0.6, -0.5, 0}},
	}
}

// group is utterances that Decide cannot tell apart under any swept
// rules: the same signals, and the same answer to the one keyword rule
// DefaultRules has (sensitive). The joint sweep decides each group once.
type group struct {
	turn   handoff.Turn
	counts map[string]int // by gold label
}

func groupTurns(t *testing.T, sets map[string][]labelledTurn) []group {
	def := handoff.DefaultRules()
	for _, reason := range handoffReasons {
		if len(def.Rule(reason).Keywords) > 0 {
			t.Fatalf("%s has keywords by default: the grouping below assumes only sensitive does", reason)
		}
	}
	keywordsOnly := handoff.Rules{Sensitive: def.Sensitive}
	type key struct {
		s         handoff.Signals
		sensitive bool
	}
	idx := map[key]int{}
	var groups []group
	for _, name := range handoffSets {
		for _, lt := range sets[name] {
			k := key{lt.turn.Signals, handoff.Decide(keywordsOnly, lt.turn).Handoff}
			i, ok := idx[k]
			if !ok {
				i = len(groups)
				idx[k] = i
				turn := handoff.Turn{Signals: lt.turn.Signals}
				if k.sensitive {
					turn.Text = lt.turn.Text
				}
				groups = append(groups, group{turn: turn, counts: map[string]int{}})
			}
			groups[i].counts[lt.gold]++
		}
	}
	return groups
}

func decideGroups(r handoff.Rules, groups []group) outcomes {
	o := outcomes{}
	for _, g := range groups {
		reason := handoff.Decide(r, g.turn).Reason
		for gold, v := range g.counts {
			o[[2]string{gold, reason}] += v
		}
	}
	return o
}

// minHumanRecall is the constraint of the search: a lead who asks for a
// person must get one, with that reason, nine times in ten.
const minHumanRecall = 0.9

// recallSlack is how much recall of buying_intent or complaint the
// second search lets a setting give up against DefaultRules: F1 alone
// buys precision by missing real complaints (see the comment on top).
const recallSlack = 0.02

type sweepResult struct {
	rules   handoff.Rules
	h       score
	recalls [3]float64 // of handoffReasons
}

func resultOf(r handoff.Rules, o outcomes) sweepResult {
	x := sweepResult{rules: r, h: o.handoff()}
	for i, reason := range handoffReasons {
		x.recalls[i] = o.reason(reason).r
	}
	return x
}

func formatResults(title string, rs []sweepResult, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%6s %6s %6s %6s  %5s %5s %5s  %5s %5s %5s\n", title,
		"buying", "human", "compl", "sent", "P", "R", "F1", "buyR", "humR", "cmpR")
	for _, x := range rs[:min(n, len(rs))] {
		fmt.Fprintf(&b, "%6.2f %6.2f %6.2f %6.2f  %5.3f %5.3f %5.3f  %5.3f %5.3f %5.3f\n",
			x.rules.BuyingIntent.Threshold, x.rules.HumanRequest.Threshold, x.rules.Complaint.Threshold, x.rules.NegativeSentiment,
			x.h.p, x.h.r, x.h.f1, x.recalls[0], x.recalls[1], x.recalls[2])
	}
	return b.String()
}

// formatLadder lists, per scored reason, the scores the classifier gives
// (at least 5 messages each, 0.3 to 0.95): a threshold anywhere between
// two neighbours decides alike, so one in the middle of a gap is robust to
// small changes of the lexicon weights.
func formatLadder(sets map[string][]labelledTurn) string {
	score := map[string]func(handoff.Signals) float64{
		handoff.ReasonBuyingIntent: func(s handoff.Signals) float64 { return s.BuyingIntent },
		handoff.ReasonHumanRequest: func(s handoff.Signals) float64 { return s.HumanRequest },
		handoff.ReasonComplaint:    func(s handoff.Signals) float64 { return s.Complaint },
	}
	var b strings.Builder
	b.WriteString("score ladder, all sets: score n (of which gold is the reason / any handoff reason)\n")
	for _, reason := range handoffReasons {
		type tally struct{ n, same, any int }
		by := map[string]tally{}
		for _, name := range handoffSets {
			for _, lt := range sets[name] {
				v := score[reason](lt.turn.Signals)
				if v < 0.3 || v > 0.95 {
					continue
				}
				k := fmt.Sprintf("%.3f", v)
				x := by[k]
				x.n++
				if lt.gold == reason {
					x.same++
				}
				if shouldHandOff(lt.gold) {
					x.any++
				}
				by[k] = x
			}
		}
		var keys []string
		for k, x := range by {
			if x.n >= 5 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		fmt.Fprintf(&b, "%s:\n", reason)
		for i, k := range keys {
			x := by[k]
			fmt.Fprintf(&b, "  %s %5d %-9s", k, x.n, fmt.Sprintf("(%d/%d)", x.same, x.any))
			if i%5 == 4 || i == len(keys)-1 {
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

// TestHandoffThresholdSweep prints how each knob moves handoff P/R/F1,
// the others at their defaults, then searches the four knobs together
// for the best overall F1 with human_request recall at least
// minHumanRecall, and again keeping the other reasons' recall.
//
//	LEADAGENT_SWEEP=1 go test -count=1 -run HandoffThresholdSweep -v ./handoff/
func TestHandoffThresholdSweep(t *testing.T) {
	if os.Getenv("LEADAGENT_SWEEP") != "1" {
		t.Skip("set LEADAGENT_SWEEP=1 to sweep the thresholds")
	}
	sets := readAllTurns(t)
	def := handoff.DefaultRules()

	var b strings.Builder
	short := func(name string) string {
		if name == adjustedBanking {
			return "banking77g"
		}
		return strings.SplitN(name, "-", 2)[0]
	}
	for _, sw := range sweeps() {
		fmt.Fprintf(&b, "\n%-24s %-17s %-17s", sw.knob, "overall P/R/F1", "recall b/h/c")
		for _, name := range append(slices.Clone(handoffSets), adjustedBanking) {
			fmt.Fprintf(&b, " %-17s", short(name))
		}
		b.WriteString("\n")
		for _, v := range sw.steps {
			r := def
			sw.set(&r, v)
			per, all := perSet(r, sets)
			x := resultOf(r, all)
			mark := " "
			if v == sw.get(def) {
				mark = "*"
			}
			fmt.Fprintf(&b, "%s%-23g %5.3f/%5.3f/%5.3f %5.3f/%5.3f/%5.3f", mark, v,
				x.h.p, x.h.r, x.h.f1, x.recalls[0], x.recalls[1], x.recalls[2])
			for _, name := range append(slices.Clone(handoffSets), adjustedBanking) {
				s := per[name].handoff()
				fmt.Fprintf(&b, " %5.3f/%5.3f/%5.3f", s.p, s.r, s.f1)
			}
			b.WriteString("\n")
		}
	}
	t.Log("one knob at a time, the others at DefaultRules (* = default); recall per reason, overall; " +
		"per set: handoff P/R/F1 (banking77g = grievances counted as complaints)\n" + b.String())

	t.Log("\n" + formatLadder(sets))

	groups := groupTurns(t, sets)
	base := resultOf(def, decideGroups(def, groups))
	var reach, keep []sweepResult
	st := sweeps()
	for _, bi := range st[0].steps {
		for _, hr := range st[1].steps {
			for _, c := range st[2].steps {
				for _, ns := range st[3].steps {
					r := def
					r.BuyingIntent.Threshold, r.HumanRequest.Threshold, r.Complaint.Threshold, r.NegativeSentiment = bi, hr, c, ns
					x := resultOf(r, decideGroups(r, groups))
					if x.recalls[1] < minHumanRecall {
						continue
					}
					reach = append(reach, x)
					if x.recalls[0] >= base.recalls[0]-recallSlack && x.recalls[2] >= base.recalls[2]-recallSlack {
						keep = append(keep, x)
					}
				}
			}
		}
	}
	byF1 := func(x, y sweepResult) int {
		switch {
		case x.h.f1 > y.h.f1:
			return -1
		case x.h.f1 < y.h.f1:
			return 1
		}
		return 0
	}
	slices.SortStableFunc(reach, byF1)
	slices.SortStableFunc(keep, byF1)

	b.Reset()
	fmt.Fprintf(&b, "joint search: %d settings, %d groups of identical turns\n\n", len(st[0].steps)*len(st[1].steps)*len(st[2].steps)*len(st[3].steps), len(groups))
	b.WriteString(formatResults("DefaultRules", []sweepResult{base}, 1))
	for _, s := range []struct {
		title string
		rs    []sweepResult
	}{
		{fmt.Sprintf("best overall handoff F1 with human_request recall >= %.2f", minHumanRecall), reach},
		{fmt.Sprintf("the same, keeping buying_intent and complaint recall within %.2f of DefaultRules'", recallSlack), keep},
	} {
		b.WriteString("\n")
		if len(s.rs) == 0 {
			fmt.Fprintf(&b, "%s: no setting qualifies\n", s.title)
			continue
		}
		b.WriteString(formatResults(s.title, s.rs, 12))
		per, all := perSet(s.rs[0].rules, sets)
		fmt.Fprintf(&b, "\nthe first, per set:\n%s", formatHandoffQuality(per, all))
	}
	t.Log("\n" + b.String())
}

// BenchmarkDecide is the cost of one turn's escalation without a model:
// the classifier reading a lead's text, then the rules.
func BenchmarkDecide(b *testing.B) {
	c := agent.NewIntentClassifier()
	rules := handoff.DefaultRules()
	const text = "Hi, our furnace stopped working last night and the house is freezing. " +
		"Can someone come out tomorrow morning to take a look? How much would a repair cost, and can I book it now?"
	b.Run("classify+decide", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if d := handoff.Decide(rules, turnOf(c, text)); !d.Handoff {
				b.Fatal("the message should hand off")
			}
		}
	})
	b.Run("decide", func(b *testing.B) {
		turn := turnOf(c, text)
		b.ReportAllocs()
		for b.Loop() {
			if d := handoff.Decide(rules, turn); !d.Handoff {
				b.Fatal("the message should hand off")
			}
		}
	})
}
