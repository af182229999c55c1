package handoff_test

// The escalation rules measured on the intent classifier's signals
// (agent.NewIntentClassifier) over the DEV parts of the public intent sets
// in ../../shared/data. The sets are read at test time and never copied
// here: their licences would bind the project. Each utterance is one
// Turn{Text, Signals} through Decide; buying_intent, human_request and
// complaint should hand off with that reason, faq and other should not.
//
//	go test -count=1 -run HandoffQuality -v ./handoff/                  # the tables
//	LEADAGENT_HANDOFF_ERRORS=complaint go test -count=1 -run HandoffQuality -v ./handoff/
//	LEADAGENT_SWEEP=1 go test -count=1 -run HandoffThresholdSweep -v ./handoff/
//	go test -run '^$' -bench Decide -benchmem ./handoff/
//
// Four of the five sets trained the classifier's weights, so their rows
// show how the rules act on messages like those the model learnt from;
// rasa-sara-nlu (GPL-3.0) never trains and is the row measured on unseen
// messages. The thresholds of DefaultRules were chosen on predictions for
// messages the model had not seen: the cross-validation, leave-one-set-out
// and leave-one-business-out figures and sweeps that `make train` prints.
// There, at DefaultRules' thresholds (buying 0.45, person and complaint
// 0.5, sensitive 0.3), 5-fold cross-validation over all five sets
// measures handoff precision 0.92 at recall 0.86; here, on the shipped
// weights:
//
//	handoff (any reason)                  n      P     R    F1      tp     fp     fn     tn  sensitive
//	bitext-customer-service-intent     4753  1.000 1.000 1.000     539      0      0   4214          0
//	natcs-dstc11-intent                1446  1.000 0.997 0.999     375      0      1   1070          0
//	rasa-sara-nlu                      2846  0.615 0.478 0.538      64     40     70   2672          4
//	clinc150-oos                      14215  0.998 0.994 0.996     626      1      4  13584          0
//	banking77                          7846  0.000 0.000 0.000       0     26      0   7820          0
//	overall                           31106  0.960 0.955 0.958    1604     67     75  29360          4
//	banking77 (grievances=complaint)   7846  0.923 0.038 0.072      24      2    615   7205          0
//
// BANKING77 has no handoff labels, so its row is all false alarms; its
// grievance labels ("I was charged twice"), which its README maps to
// other, are counted as complaints beside the sets, never in overall.
// They do not train the model either way.

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

// labelledTurn is one utterance of a set, with the signals the intent
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

// turnOf is what the turn builds from the agent's signals for Decide.
func turnOf(c *agent.IntentClassifier, text string) handoff.Turn {
	s := c.Classify(text, nil)
	return handoff.Turn{Text: text, Signals: handoff.Signals{
		BuyingIntent: s.BuyingIntent, HumanRequest: s.HumanRequest, Complaint: s.Complaint,
		Sensitive: s.Sensitive, Sentiment: s.Sentiment}}
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

// TestHandoffQuality measures DefaultRules on the classifier's signals.
// The floors sit under the measured figures (see the top of the file), so
// a change to the wiring or the rules that costs handoffs fails here.
func TestHandoffQuality(t *testing.T) {
	t.Parallel()
	sets := readAllTurns(t)
	per, all := perSet(handoff.DefaultRules(), sets)
	t.Log("\n" + formatHandoffQuality(per, all))

	if reason := os.Getenv("LEADAGENT_HANDOFF_ERRORS"); reason != "" {
		logErrors(t, handoff.DefaultRules(), sets, reason)
	}

	if h := all.handoff(); h.r < 0.9 || h.p < 0.9 {
		t.Errorf("overall handoff recall %.3f precision %.3f, below the floor (recall 0.90, precision 0.90)", h.r, h.p)
	}
	if h := per["rasa-sara-nlu"].handoff(); h.r < 0.45 || h.p < 0.5 {
		t.Errorf("rasa (never trained on) handoff recall %.3f precision %.3f, below the floor (recall 0.45, precision 0.50)", h.r, h.p)
	}
	if r := all.reason(handoff.ReasonHumanRequest).r; r < 0.9 {
		t.Errorf("human_request recall %.3f, below the floor 0.90: leads who ask for a person stay with the agent", r)
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
	for i := 20; i <= 80; i += 5 {
		thresholds = append(thresholds, float64(i)/100)
	}
	rule := func(reason string) thresholdSweep {
		return thresholdSweep{reason + ".threshold",
			func(r handoff.Rules) float64 { return r.Rule(reason).Threshold },
			func(r *handoff.Rules, v float64) { r.Rule(reason).Threshold = v }, thresholds}
	}
	return []thresholdSweep{
		rule(handoff.ReasonBuyingIntent), rule(handoff.ReasonHumanRequest), rule(handoff.ReasonComplaint), rule(handoff.ReasonSensitive),
		{"negative_sentiment", func(r handoff.Rules) float64 { return r.NegativeSentiment },
			func(r *handoff.Rules, v float64) { r.NegativeSentiment = v }, []float64{-1, -0.9, -0.8, -0.7, -0.6, -0.5, 0}},
	}
}

// TestHandoffThresholdSweep prints how each knob moves handoff P/R/F1 on
// the shipped weights, the others at their defaults. Four of the sets
// trained those weights, so read it for the direction of a change; the
// sweep on predictions for unseen messages is `make train`'s.
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
			h := all.handoff()
			mark := " "
			if v == sw.get(def) {
				mark = "*"
			}
			fmt.Fprintf(&b, "%s%-23g %5.3f/%5.3f/%5.3f %5.3f/%5.3f/%5.3f", mark, v, h.p, h.r, h.f1,
				all.reason(handoff.ReasonBuyingIntent).r, all.reason(handoff.ReasonHumanRequest).r, all.reason(handoff.ReasonComplaint).r)
			for _, name := range append(slices.Clone(handoffSets), adjustedBanking) {
				s := per[name].handoff()
				fmt.Fprintf(&b, " %5.3f/%5.3f/%5.3f", s.p, s.r, s.f1)
			}
			b.WriteString("\n")
		}
	}
	t.Log("one knob at a time, the others at DefaultRules (* = default); recall per reason, overall; " +
		"per set: handoff P/R/F1 (banking77g = grievances counted as complaints)\n" + b.String())
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
