package intent

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// Example is one labelled message to learn from.
type Example struct {
	Text string
	// Previous is the agent's message the lead answered, "" for none.
	Previous string
	Class    Class
	// Weight is how much the example counts (0 counts as 1): examples
	// written for the project's own leads count more than the many
	// banking and assistant queries around them.
	Weight float64
}

// TrainOptions tune training. The zero value of a field takes the
// default's.
type TrainOptions struct {
	// Bits is log2 of the number of hashed feature buckets.
	Bits int
	// Epochs over the examples, each in a fresh seeded order.
	Epochs int
	// Rate is AdaGrad's learning rate.
	Rate float64
	// L2 pulls every weight it touches towards zero.
	L2 float64
	// Seed fixes the example order: the same examples and options train
	// the same weights, byte for byte, on one platform.
	Seed uint64
	// CalibrationFolds is how many models are trained on part of the
	// examples to predict the rest, for the temperature; 1 skips
	// calibration (temperature 1).
	CalibrationFolds int
	// Workers bounds how many models train at once.
	Workers int
}

// DefaultTrainOptions are the settings the shipped weights are trained
// with; `make train` prints what they measure.
func DefaultTrainOptions() TrainOptions {
	return TrainOptions{Bits: 18, Epochs: 15, Rate: 0.2, L2: 1e-5, Seed: 1, CalibrationFolds: 5, Workers: 2}
}

func (o TrainOptions) withDefaults() TrainOptions {
	d := DefaultTrainOptions()
	if o.Bits == 0 {
		o.Bits = d.Bits
	}
	if o.Epochs == 0 {
		o.Epochs = d.Epochs
	}
	if o.Rate == 0 {
		o.Rate = d.Rate
	}
	if o.L2 == 0 {
		o.L2 = d.L2
	}
	if o.CalibrationFolds == 0 {
		o.CalibrationFolds = d.CalibrationFolds
	}
	if o.Workers <= 0 {
		o.Workers = d.Workers
	}
	return o
}

// Dataset is examples with their features extracted once, so that the
// folds of a cross-validation share the work.
type Dataset struct {
	cfg      featureConfig
	msgs     []message
	classes  []Class
	weights  []float64
	examples []Example
}

// NewDataset extracts the features of examples for models of 2^bits
// buckets (0: the default).
func NewDataset(examples []Example, bits int) (*Dataset, error) {
	cfg := defaultFeatureConfig()
	if bits != 0 {
		if bits < 8 || bits > 24 {
			return nil, fmt.Errorf("intent dataset: %d bits, want 8 to 24", bits)
		}
		cfg.Bits = uint8(bits)
	}
	d := &Dataset{cfg: cfg, examples: examples}
	for i, e := range examples {
		if e.Class < 0 || e.Class >= NumClasses {
			return nil, fmt.Errorf("intent dataset: example %d: class %d", i, e.Class)
		}
		w := e.Weight
		if w == 0 {
			w = 1
		}
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("intent dataset: example %d: weight %v", i, e.Weight)
		}
		d.msgs = append(d.msgs, cfg.read(e.Text, e.Previous, nil))
		d.classes = append(d.classes, e.Class)
		d.weights = append(d.weights, w)
	}
	return d, nil
}

// Len is the number of examples.
func (d *Dataset) Len() int { return len(d.classes) }

// Train fits a model on examples, calibrated on out-of-fold predictions.
func Train(examples []Example, o TrainOptions) (*Model, error) {
	o = o.withDefaults()
	d, err := NewDataset(examples, o.Bits)
	if err != nil {
		return nil, err
	}
	return d.Train(nil, o)
}

// Train fits a model on the examples whose indexes are in idx (nil: all).
// With CalibrationFolds > 1 it first trains that many models, each on all
// but one stratified fold of idx, predicts the fold left out, and fits the
// temperature that makes those predictions' probabilities honest; then
// the final model on all of idx.
func (d *Dataset) Train(idx []int, o TrainOptions) (*Model, error) {
	o = o.withDefaults()
	if int(d.cfg.Bits) != o.Bits {
		return nil, fmt.Errorf("intent train: dataset has %d bits, options %d", d.cfg.Bits, o.Bits)
	}
	if idx == nil {
		idx = make([]int, d.Len())
		for i := range idx {
			idx[i] = i
		}
	}
	if len(idx) == 0 {
		return nil, errors.New("intent train: no examples")
	}
	temperature := 1.0
	if o.CalibrationFolds > 1 {
		folds := d.Folds(idx, o.CalibrationFolds, o.Seed)
		logits := make([][NumClasses]float64, d.Len())
		err := parallel(o.Workers, len(folds), func(k int) error {
			m := d.fit(Without(idx, folds[k]), o)
			for _, i := range folds[k] {
				logits[i] = m.logits(d.msgs[i])
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		temperature = d.fitTemperature(idx, logits)
	}
	m := d.fit(idx, o)
	m.temperature = temperature
	return m, nil
}

// Predict returns the probabilities model m gives example i.
func (d *Dataset) Predict(m *Model, i int) Probs {
	return m.predict(d.msgs[i])
}

// Folds splits idx into k folds stratified by class: each class spread
// evenly over the folds, in a seeded order.
func (d *Dataset) Folds(idx []int, k int, seed uint64) [][]int {
	byClass := make([][]int, NumClasses)
	for _, i := range idx {
		byClass[d.classes[i]] = append(byClass[d.classes[i]], i)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	folds := make([][]int, k)
	next := 0
	for _, members := range byClass {
		members = slices.Clone(members)
		rng.Shuffle(len(members), func(a, b int) { members[a], members[b] = members[b], members[a] })
		for _, i := range members {
			folds[next%k] = append(folds[next%k], i)
			next++
		}
	}
	for _, f := range folds {
		slices.Sort(f)
	}
	return folds
}

// Without returns idx without the members of out.
func Without(idx, out []int) []int {
	skip := make(map[int]bool, len(out))
	for _, i := range out {
		skip[i] = true
	}
	var keep []int
	for _, i := range idx {
		if !skip[i] {
			keep = append(keep, i)
		}
	}
	return keep
}

// fit trains one model on the examples of idx with AdaGrad on the
// weighted log loss, and quantises it.
func (d *Dataset) fit(idx []int, o TrainOptions) *Model {
	const nc = int(NumClasses)
	nb := 1 << d.cfg.Bits
	w := make([]float64, nb*nc)
	g2 := make([]float64, nb*nc)
	var bias, biasG2 [NumClasses]float64
	order := slices.Clone(idx)
	rng := rand.New(rand.NewPCG(o.Seed, uint64(len(idx))))
	var z [NumClasses]float64
	for range o.Epochs {
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		for _, i := range order {
			feats, cues := d.msgs[i].feats, d.msgs[i].cues
			if len(feats) == 0 {
				continue // Predict calls a message without words other
			}
			norm := featureNorm(feats)
			for c := range nc {
				s := 0.0
				for _, f := range feats {
					s += w[int(f.bucket)*nc+c] * float64(f.value)
				}
				z[c] = float64(s*norm) + bias[c]
				for _, f := range cues {
					z[c] += w[int(f.bucket)*nc+c] * float64(f.value)
				}
			}
			p := softmax(z)
			for c := range nc {
				g := p[c]
				if Class(c) == d.classes[i] {
					g--
				}
				g *= d.weights[i]
				biasG2[c] += float64(g * g)
				bias[c] -= float64(o.Rate * g / math.Sqrt(biasG2[c]+1e-8))
				gn := float64(g * norm)
				for _, f := range feats {
					k := int(f.bucket)*nc + c
					gk := float64(gn*float64(f.value)) + float64(o.L2*w[k])
					g2[k] += float64(gk * gk)
					w[k] -= float64(o.Rate * gk / math.Sqrt(g2[k]+1e-8))
				}
				for _, f := range cues {
					k := int(f.bucket)*nc + c
					gk := float64(g*float64(f.value)) + float64(o.L2*w[k])
					g2[k] += float64(gk * gk)
					w[k] -= float64(o.Rate * gk / math.Sqrt(g2[k]+1e-8))
				}
			}
		}
	}
	return quantise(d.cfg, w, bias)
}

// quantise keeps each class's weights in 8 bits, scaled by the class's
// largest weight.
func quantise(cfg featureConfig, w []float64, bias [NumClasses]float64) *Model {
	const nc = int(NumClasses)
	m := &Model{cfg: cfg, temperature: 1, bias: bias, weights: make([]int8, len(w))}
	var hi [NumClasses]float64
	for k, v := range w {
		hi[k%nc] = max(hi[k%nc], math.Abs(v))
	}
	for c := range nc {
		m.scale[c] = hi[c] / 127
		if m.scale[c] == 0 {
			m.scale[c] = 1
		}
	}
	for k, v := range w {
		m.weights[k] = int8(math.Round(v / m.scale[k%nc]))
	}
	return m
}

// fitTemperature finds the temperature that minimises the weighted log
// loss of out-of-fold logits: a golden-section search over log T, which
// the loss is unimodal in.
func (d *Dataset) fitTemperature(idx []int, logits [][NumClasses]float64) float64 {
	loss := func(logT float64) float64 {
		t := math.Exp(logT)
		sum := 0.0
		for _, i := range idx {
			z := logits[i]
			for c := range z {
				z[c] /= t
			}
			p := softmax(z)
			sum -= d.weights[i] * math.Log(max(p[d.classes[i]], 1e-12))
		}
		return sum
	}
	lo, hi := math.Log(0.05), math.Log(20.0)
	phi := (math.Sqrt(5) - 1) / 2
	a, b := hi-phi*(hi-lo), lo+phi*(hi-lo)
	fa, fb := loss(a), loss(b)
	for range 60 {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - phi*(hi-lo)
			fa = loss(a)
		} else {
			lo, a, fa = a, b, fb
			b = lo + phi*(hi-lo)
			fb = loss(b)
		}
	}
	return math.Exp((lo + hi) / 2)
}

// parallel runs f(0..n-1) on up to workers goroutines and returns the
// first error. Each call writes only its own results, so the outcome does
// not depend on the scheduling.
func parallel(workers, n int, f func(int) error) error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	sem := make(chan struct{}, max(1, workers))
	for k := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[k] = f(k)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
