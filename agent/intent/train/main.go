// Command train makes the intent classifier's weights
// (agent/intent/weights.bin) and prints what they measure:
//
//	go run ./agent/intent/train              # make train: measure, train, write the weights
//	go run ./agent/intent/train -measure=false -out /tmp/w.bin
//
// It trains on the public intent sets whose licences allow it (clinc150,
// banking77, natcs, bitext), the six businesses' eval suites and the
// project's own examples (examples.txt beside this file); rasa-sara-nlu
// (GPL-3.0) only ever measures. Before the final model it measures:
// 5-fold cross-validation over the public sets, leave-one-set-out and
// leave-one-business-out, each model trained without the messages it is
// tested on. The same files give the same weights, byte for byte.
package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/leadagent/leadagent/agent/intent"
	"github.com/leadagent/leadagent/handoff"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

// settings are the command's flags.
type settings struct {
	data, businesses, examples, out string
	measure                         bool
	protocols                       string
	errorsOf                        string
	opts                            intent.TrainOptions
	weights                         sourceWeights
}

// sourceWeights say how much one message of each source counts in
// training. The public sets are many and far from our leads; the
// project's examples and the businesses' cases are few and close.
type sourceWeights struct{ project, business, publicOther float64 }

func defaultSourceWeights() sourceWeights {
	return sourceWeights{project: 4, business: 3, publicOther: 1}
}

func parseSettings(args []string) (settings, error) {
	s := settings{opts: intent.DefaultTrainOptions(), weights: defaultSourceWeights()}
	fl := flag.NewFlagSet("train", flag.ContinueOnError)
	fl.StringVar(&s.data, "data", "../shared/data", "the public intent sets")
	fl.StringVar(&s.businesses, "businesses", "../shared/businesses", "the businesses, each with a suite.yaml")
	fl.StringVar(&s.examples, "examples", "agent/intent/train/examples.txt", "the project's own examples")
	fl.StringVar(&s.out, "out", "agent/intent/weights.bin", "where to write the weights (\"\": nowhere)")
	fl.BoolVar(&s.measure, "measure", true, "measure by cross-validation before training")
	fl.StringVar(&s.protocols, "protocols", "cv,loso,lobo", "which measurements: cv (5-fold), loso (leave one set out), lobo (leave one business out)")
	fl.IntVar(&s.opts.CalibrationFolds, "calibration-folds", s.opts.CalibrationFolds, "folds for the temperature (1: none)")
	fl.StringVar(&s.errorsOf, "errors", "", "list the cross-validation errors of this class")
	fl.IntVar(&s.opts.Epochs, "epochs", s.opts.Epochs, "epochs")
	fl.Float64Var(&s.opts.Rate, "rate", s.opts.Rate, "learning rate")
	fl.Float64Var(&s.opts.L2, "l2", s.opts.L2, "L2 regularisation")
	fl.IntVar(&s.opts.Bits, "bits", s.opts.Bits, "log2 of the feature buckets")
	fl.Float64Var(&s.weights.project, "project-weight", s.weights.project, "weight of a project example")
	fl.Float64Var(&s.weights.business, "business-weight", s.weights.business, "weight of a business case")
	fl.Float64Var(&s.weights.publicOther, "public-other-weight", s.weights.publicOther, "weight of a public set's message of class other")
	if err := fl.Parse(args); err != nil {
		return s, err
	}
	if fl.NArg() > 0 {
		return s, fmt.Errorf("unexpected argument %q", fl.Arg(0))
	}
	if s.errorsOf != "" {
		if _, ok := intent.ParseClass(s.errorsOf); !ok {
			return s, fmt.Errorf("-errors %q: not a class", s.errorsOf)
		}
	}
	return s, nil
}

// corpus is every message, its features extracted once.
type corpus struct {
	items []item
	data  *intent.Dataset
}

func loadCorpus(s settings) (*corpus, error) {
	var items []item
	for _, set := range publicSets {
		got, err := readPublicSet(s.data, set.name)
		if err != nil {
			return nil, err
		}
		for i := range got {
			if got[i].Class == intent.Other && s.weights.publicOther != 1 {
				got[i].Weight = s.weights.publicOther
			}
		}
		items = append(items, got...)
	}
	project, err := readProjectExamples(s.examples)
	if err != nil {
		return nil, err
	}
	for i := range project {
		project[i].Weight = s.weights.project
	}
	business, err := readBusinesses(s.businesses)
	if err != nil {
		return nil, err
	}
	for i := range business {
		business[i].Weight = s.weights.business
	}
	items = append(append(items, project...), business...)
	examples := make([]intent.Example, len(items))
	for i, it := range items {
		examples[i] = it.Example
	}
	d, err := intent.NewDataset(examples, s.opts.Bits)
	if err != nil {
		return nil, err
	}
	return &corpus{items: items, data: d}, nil
}

// trainable reports whether an item may train the shipped weights.
func trainable(it item) bool {
	switch it.set {
	case "project", "business":
		return true
	case "banking77":
		return !slices.Contains(bankingGrievances, it.source)
	}
	for _, s := range publicSets {
		if s.name == it.set {
			return s.trainable
		}
	}
	return false
}

// where returns the indexes of the items keep accepts.
func (c *corpus) where(keep func(item) bool) []int {
	var idx []int
	for i, it := range c.items {
		if keep(it) {
			idx = append(idx, i)
		}
	}
	return idx
}

// score trains on train and scores test with that model.
func (c *corpus) score(train, test []int, o intent.TrainOptions) ([]scored, error) {
	m, err := c.data.Train(train, o)
	if err != nil {
		return nil, err
	}
	out := make([]scored, len(test))
	for k, i := range test {
		out[k] = scored{item: c.items[i], probs: c.data.Predict(m, i)}
	}
	return out, nil
}

func run(args []string, stdout io.Writer) error {
	s, err := parseSettings(args)
	if err != nil {
		return err
	}
	start := time.Now()
	c, err := loadCorpus(s)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "read %d messages and extracted their features in %s\n", len(c.items), time.Since(start).Round(time.Millisecond))
	rules := handoff.DefaultRules()
	t := thresholds{}
	t[intent.BuyingIntent] = rules.BuyingIntent.Threshold
	t[intent.HumanRequest] = rules.HumanRequest.Threshold
	t[intent.Complaint] = rules.Complaint.Threshold
	t[intent.Sensitive] = rules.Sensitive.Threshold
	fmt.Fprintf(stdout, "thresholds (handoff.DefaultRules): buying %.2f, human %.2f, complaint %.2f, sensitive %.2f\n\n",
		t[intent.BuyingIntent], t[intent.HumanRequest], t[intent.Complaint], t[intent.Sensitive])

	if s.measure {
		if err := measure(stdout, c, s, t); err != nil {
			return err
		}
	}

	start = time.Now()
	final := c.where(trainable)
	m, err := c.data.Train(final, s.opts)
	if err != nil {
		return err
	}
	took := time.Since(start)
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "final model: %d messages, trained in %s (with %d calibration folds), temperature %.3f\n",
		len(final), took.Round(time.Millisecond), s.opts.CalibrationFolds, m.Temperature())
	fmt.Fprintf(stdout, "weights: %d bytes (2^%d buckets x %d classes, 8 bits each, gzip), sha256 %x\n",
		buf.Len(), s.opts.Bits, intent.NumClasses, sha256.Sum256(buf.Bytes()))
	if s.out == "" {
		return nil
	}
	if err := os.WriteFile(s.out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write weights: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s\n", s.out)
	return nil
}

// measure prints the cross-validation, leave-one-set-out and
// leave-one-business-out figures.
func measure(w io.Writer, c *corpus, s settings, t thresholds) error {
	if strings.Contains(s.protocols, "cv") {
		if err := crossValidate(w, c, s, t); err != nil {
			return err
		}
	}
	if strings.Contains(s.protocols, "loso") {
		if err := leaveOneSetOut(w, c, s, t); err != nil {
			return err
		}
	}
	if strings.Contains(s.protocols, "lobo") {
		if err := leaveOneBusinessOut(w, c, s, t); err != nil {
			return err
		}
	}
	return nil
}

// crossValidate prints 5-fold cross-validation over the public sets,
// stratified by set and class. Every fold's model trains on the other
// four folds of the trainable sets with the project's examples and the
// businesses; rasa is scored in its fold and never trains.
func crossValidate(w io.Writer, c *corpus, s settings, t thresholds) error {
	o := s.opts
	extra := c.where(func(it item) bool { return it.set == "project" || it.set == "business" })
	start := time.Now()
	const k = 5
	folds := make([][]int, k)
	for _, set := range publicSets {
		idx := c.where(func(it item) bool { return it.set == set.name })
		for f, part := range c.data.Folds(idx, k, o.Seed) {
			folds[f] = append(folds[f], part...)
		}
	}
	public := c.where(func(it item) bool { return it.set != "project" && it.set != "business" })
	cv := make([][]scored, k)
	err := parallelFolds(k, func(f int) error {
		var train []int
		for _, i := range intent.Without(public, folds[f]) {
			if trainable(c.items[i]) {
				train = append(train, i)
			}
		}
		rows, err := c.score(append(train, extra...), folds[f], serial(o))
		cv[f] = rows
		return err
	})
	if err != nil {
		return err
	}
	var all []scored
	for _, rows := range cv {
		all = append(all, rows...)
	}
	bySet := groupBy(all, func(r scored) string { return r.set })
	names := setNames()
	bySet["overall"] = all
	bySet["overall without rasa"] = slices.DeleteFunc(slices.Clone(all), func(r scored) bool { return r.set == "rasa-sara-nlu" })
	fmt.Fprintf(w, "== 5-fold cross-validation over the public sets (%s)\n", time.Since(start).Round(time.Second))
	table(w, "decided by the thresholds", append(names, "overall", "overall without rasa"), bySet, t, goldLabel)
	grievance := map[string][]scored{"banking77 (grievances=complaint)": bySet["banking77"]}
	table(w, "", []string{"banking77 (grievances=complaint)"}, grievance, t, goldGrievance)
	fmt.Fprintln(w, "\nmost likely class (Signals.Intent), overall:")
	argmaxTable(w, all)
	fmt.Fprintln(w, "\ncalibration, overall: expected calibration error, and per band of the class's probability the share that is the class")
	calibrationTable(w, all)
	fmt.Fprintln(w, "\nthreshold sweep, overall: reason P/R (handoff P/R) at each threshold, the others at theirs")
	sweep(w, all, t)
	fmt.Fprintln(w, "\nall four thresholds at one value, overall:")
	uniformSweep(w, all)
	fmt.Fprintln(w, "\ngold (rows) by decided reason (columns), overall:")
	confusion(w, all, t)
	if s.errorsOf != "" {
		class, _ := intent.ParseClass(s.errorsOf)
		fmt.Fprintf(w, "\nerrors of %s:\n", class)
		errorsOf(w, all, t, class, 80)
	}

	return nil
}

// leaveOneSetOut prints each public set scored by a model trained
// without it: on the other trainable sets, the project's examples and the
// businesses; rasa is scored by the model of all four.
func leaveOneSetOut(w io.Writer, c *corpus, s settings, t thresholds) error {
	o := s.opts
	start := time.Now()
	loso := make([][]scored, len(publicSets))
	err := parallelFolds(len(publicSets), func(f int) error {
		name := publicSets[f].name
		train := c.where(func(it item) bool { return it.set != name && trainable(it) })
		test := c.where(func(it item) bool { return it.set == name })
		rows, err := c.score(train, test, serial(o))
		loso[f] = rows
		return err
	})
	if err != nil {
		return err
	}
	bySet := map[string][]scored{}
	for f, set := range publicSets {
		bySet[set.name] = loso[f]
	}
	fmt.Fprintf(w, "\n== leave one set out: each set scored by a model trained without it (%s)\n", time.Since(start).Round(time.Second))
	table(w, "decided by the thresholds", setNames(), bySet, t, goldLabel)
	return nil
}

// leaveOneBusinessOut prints each business's cases scored by a model
// trained on everything else, the other five businesses included.
func leaveOneBusinessOut(w io.Writer, c *corpus, s settings, t thresholds) error {
	o := s.opts
	start := time.Now()
	businesses := businessNames(c.items)
	lobo := make([][]scored, len(businesses))
	err := parallelFolds(len(businesses), func(f int) error {
		b := businesses[f]
		train := c.where(func(it item) bool { return it.business != b && trainable(it) })
		test := c.where(func(it item) bool { return it.business == b })
		rows, err := c.score(train, test, serial(o))
		lobo[f] = rows
		return err
	})
	if err != nil {
		return err
	}
	byBusiness := map[string][]scored{}
	var pooled []scored
	for f, b := range businesses {
		byBusiness[b] = lobo[f]
		pooled = append(pooled, lobo[f]...)
	}
	byBusiness["all six"] = pooled
	fmt.Fprintf(w, "\n== leave one business out: each business's cases scored by a model trained without them (%s)\n", time.Since(start).Round(time.Second))
	table(w, "decided by the thresholds", append(businesses, "all six"), byBusiness, t, goldLabel)
	rules := handoff.DefaultRules()
	n := counts{}
	for _, r := range pooled {
		n[[2]intent.Class{r.Class, decideByRules(rules, r)}]++
	}
	h := n.handoff()
	fmt.Fprintf(w, "all six by handoff.Decide with DefaultRules' keywords: handoff %s, false %.3f;", fmtPRF(h), n.falseAlarms())
	for _, c := range handoffClasses {
		x := n.reason(c)
		fmt.Fprintf(w, " %s %s", short(c.String()), fmtPRF(x))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "\nthreshold sweep, all six: reason P/R (handoff P/R) at each threshold, the others at theirs")
	sweep(w, pooled, t)
	fmt.Fprintln(w, "\nall four thresholds at one value, all six:")
	uniformSweep(w, pooled)
	fmt.Fprintln(w, "\ncases decided wrong:")
	for _, r := range pooled {
		if d := t.decide(r.probs); (d == none && !r.Class.Handoff()) || d == r.Class {
			continue
		}
		d := t.decide(r.probs)
		fmt.Fprintf(w, "  %-40s gold=%-13s got=%-13s %s %s\n", r.source, r.Class, className(d), fmtProbs(r.probs), quote(r.Text, 90))
	}
	fmt.Fprintln(w)
	return nil
}

func fmtProbs(p intent.Probs) string {
	return fmt.Sprintf("b%.2f h%.2f c%.2f s%.2f", p[intent.BuyingIntent], p[intent.HumanRequest], p[intent.Complaint], p[intent.Sensitive])
}

// serial trains one model's calibration folds one at a time: the
// protocols above already keep both cores busy with a model each.
func serial(o intent.TrainOptions) intent.TrainOptions {
	o.Workers = 1
	return o
}

// parallelFolds runs the folds of a protocol two at a time; each writes
// only its own result.
func parallelFolds(n int, f func(int) error) error {
	errs := make([]error, n)
	sem := make(chan struct{}, 2)
	done := make(chan struct{})
	for k := range n {
		go func() {
			sem <- struct{}{}
			errs[k] = f(k)
			<-sem
			done <- struct{}{}
		}()
	}
	for range n {
		<-done
	}
	return errors.Join(errs...)
}

func groupBy(rows []scored, key func(scored) string) map[string][]scored {
	out := map[string][]scored{}
	for _, r := range rows {
		out[key(r)] = append(out[key(r)], r)
	}
	return out
}

func setNames() []string {
	var out []string
	for _, s := range publicSets {
		out = append(out, s.name)
	}
	return out
}

func businessNames(items []item) []string {
	var out []string
	for _, it := range items {
		if it.business != "" && !slices.Contains(out, it.business) {
			out = append(out, it.business)
		}
	}
	return out
}
