package agent

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The shipped classifier read through Classify on the public intent sets
// in ../shared/data (each maps its own labels to our classes; see the
// README.md of each set). The sets are read at test time and never copied
// here: their licences would bind the project.
//
// Four of the sets trained the shipped weights, so their rows show how
// well the model fits what it learnt, not how it does on messages it
// never saw; rasa-sara-nlu (GPL-3.0) never trains and is the one row
// measured on unseen messages. The honest figures (cross-validation,
// leave one set out, leave one business out) are what `make train`
// prints. This test guards the wiring: the signals Classify returns are
// the model's.
//
//	go test -run TestIntentQuality -v ./agent/
//	LEADAGENT_INTENT_ERRORS=complaint go test -run TestIntentQuality -v ./agent/

var intentSets = []string{
	"bitext-customer-service-intent",
	"natcs-dstc11-intent",
	"clinc150-oos",
	"banking77",
	"rasa-sara-nlu",
}

func isHandoffIntent(c string) bool {
	return c == IntentBuying || c == IntentHuman || c == IntentComplaint || c == IntentSensitive
}

// sharedDataDir returns the shared data folder, or "" when it is absent.
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

type labelled struct{ text, label string }

func readIntentSet(tb testing.TB, dir, name string) []labelled {
	tb.Helper()
	f, err := os.Open(filepath.Join(dir, name, "utterances.jsonl"))
	if err != nil {
		tb.Fatalf("open %s: %v", name, err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r struct{ Text, Label string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		if !slices.Contains(intentClasses, r.Label) {
			tb.Fatalf("%s: unknown label %q", name, r.Label)
		}
		out = append(out, labelled{r.Text, r.Label})
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return out
}

// confusion counts predictions by gold label.
type confusion map[[2]string]int // {gold, predicted}

type prf struct {
	p, r, f1 float64
	support  int
}

func newPRF(tp, fp, fn int) prf {
	x := prf{support: tp + fn}
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

func (c confusion) count(match func(gold, pred string) (bool, bool)) prf {
	tp, fp, fn := 0, 0, 0
	for k, v := range c {
		gold, pred := match(k[0], k[1])
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

func (c confusion) class(name string) prf {
	return c.count(func(g, p string) (bool, bool) { return g == name, p == name })
}

// handoff is whether the message should go to a person at all: a buying
// message read as a request for a person still goes to the right place.
func (c confusion) handoff() prf {
	return c.count(func(g, p string) (bool, bool) { return isHandoffIntent(g), isHandoffIntent(p) })
}

func formatQuality(per map[string]confusion, all confusion) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-32s %-16s", "Intent P/R/F1 (gold n)", "handoff")
	for _, cl := range intentClasses {
		fmt.Fprintf(&b, " %-16s", cl)
	}
	b.WriteString("\n")
	row := func(name string, c confusion) {
		h := c.handoff()
		fmt.Fprintf(&b, "%-32s %-16s", name, fmt.Sprintf("%.2f/%.2f/%.2f", h.p, h.r, h.f1))
		for _, cl := range intentClasses {
			x := c.class(cl)
			if x.support == 0 {
				fmt.Fprintf(&b, " %-16s", "-")
				continue
			}
			fmt.Fprintf(&b, " %-16s", fmt.Sprintf("%.2f/%.2f (%d)", x.p, x.r, x.support))
		}
		b.WriteString("\n")
	}
	for _, name := range intentSets {
		row(name, per[name])
	}
	row("overall", all)
	return b.String()
}

// TestIntentQuality logs the per-set table and checks floors under the
// measured figures (handoff P/R 0.95/0.96 overall, 0.58/0.56 on rasa),
// so a change that breaks the wiring fails while retraining stays free.
func TestIntentQuality(t *testing.T) {
	t.Parallel()
	dir := sharedDataDir()
	if dir == "" {
		t.Skip("no shared data (set LEADAGENT_SHARED_DATA)")
	}
	c := NewIntentClassifier()
	errorsOf := os.Getenv("LEADAGENT_INTENT_ERRORS")
	per, all := map[string]confusion{}, confusion{}
	for _, name := range intentSets {
		conf := confusion{}
		for _, u := range readIntentSet(t, dir, name) {
			s := c.Classify(u.text, nil)
			conf[[2]string{u.label, s.Intent}]++
			all[[2]string{u.label, s.Intent}]++
			if errorsOf != "" && u.label != s.Intent && (u.label == errorsOf || s.Intent == errorsOf) {
				t.Logf("%-9s gold=%-13s got=%-13s b=%.2f h=%.2f c=%.2f s=%.2f %q", strings.SplitN(name, "-", 2)[0],
					u.label, s.Intent, s.BuyingIntent, s.HumanRequest, s.Complaint, s.Sensitive, u.text)
			}
		}
		per[name] = conf
	}
	t.Log("\n" + formatQuality(per, all))
	if h := all.handoff(); h.p < 0.9 || h.r < 0.85 {
		t.Errorf("handoff precision %.2f recall %.2f, below the floor (0.90, 0.85)", h.p, h.r)
	}
	if h := per["rasa-sara-nlu"].handoff(); h.p < 0.45 || h.r < 0.35 {
		t.Errorf("rasa (never trained on) handoff precision %.2f recall %.2f, below the floor (0.45, 0.35)", h.p, h.r)
	}
}
