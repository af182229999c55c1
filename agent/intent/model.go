package intent

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
)

// Class is what a message is about, as the model tells them apart.
type Class int

// The classes, in the order of Probs. The first four hand a conversation
// to a person; faq is a question for the knowledge; other is the rest
// (small talk, answers, account chores, noise).
const (
	BuyingIntent Class = iota
	HumanRequest
	Complaint
	Sensitive
	FAQ
	Other
	NumClasses
)

var classNames = [NumClasses]string{"buying_intent", "human_request", "complaint", "sensitive", "faq", "other"}

// String is the class's name, as handoff reasons and Signals.Intent spell it.
func (c Class) String() string {
	if c < 0 || c >= NumClasses {
		return fmt.Sprintf("Class(%d)", int(c))
	}
	return classNames[c]
}

// ParseClass returns the class of a name such as "buying_intent".
func ParseClass(name string) (Class, bool) {
	for c, n := range classNames {
		if n == name {
			return Class(c), true
		}
	}
	return 0, false
}

// Handoff reports whether the class hands the conversation to a person.
func (c Class) Handoff() bool { return c >= BuyingIntent && c <= Sensitive }

// Probs are the calibrated probabilities of the classes; they sum to 1.
type Probs [NumClasses]float64

// Best returns the most likely class.
func (p Probs) Best() Class {
	best := Other
	for c := range NumClasses {
		if p[c] > p[best] {
			best = c
		}
	}
	return best
}

// Model is a trained classifier. It is read-only after it is made, so
// one Model serves any number of goroutines.
type Model struct {
	cfg featureConfig
	// temperature divides the logits: fitted on predictions for messages
	// the model was not trained on, it turns scores into probabilities.
	temperature float64
	bias        [NumClasses]float64
	// weights holds, for each bucket, one int8 weight per class; a class's
	// weight is weights[b*NumClasses+c] * scale[c]. Eight bits a weight
	// keep the model at a megabyte and a half in memory: on the training
	// messages no probability moves by more than 0.02, and the most
	// likely class changes for 2 in 29,671.
	weights []int8
	scale   [NumClasses]float64
}

// Predict returns the probabilities of each class for a lead's message,
// read as an answer to previous, the agent's message before it ("" when
// there was none): "yes" to "want me to book you in?" is buying intent,
// to "want someone to call you?" a request for a person. A message
// without a word in it (empty, only punctuation) asks nothing:
// it is other.
func (m *Model) Predict(text, previous string) Probs {
	var buf [512]feature
	return m.predict(m.cfg.read(text, previous, buf[:0]))
}

func (m *Model) predict(msg message) Probs {
	if len(msg.feats) == 0 {
		var p Probs
		p[Other] = 1
		return p
	}
	return m.probs(m.logits(msg))
}

// logits are the model's scores before calibration.
func (m *Model) logits(msg message) [NumClasses]float64 {
	var sum, cues [NumClasses]float64
	m.dot(&sum, msg.feats)
	m.dot(&cues, msg.cues)
	var z [NumClasses]float64
	norm := featureNorm(msg.feats)
	for c := range NumClasses {
		z[c] = sum[c]*m.scale[c]*norm + cues[c]*m.scale[c] + m.bias[c]
	}
	return z
}

// dot adds the quantised weights of feats, times their values, to sum.
func (m *Model) dot(sum *[NumClasses]float64, feats []feature) {
	for _, f := range feats {
		row := m.weights[int(f.bucket)*int(NumClasses) : int(f.bucket+1)*int(NumClasses)]
		v := float64(f.value)
		for c := range NumClasses {
			sum[c] += float64(row[c]) * v
		}
	}
}

// probs calibrates logits into probabilities.
func (m *Model) probs(z [NumClasses]float64) Probs {
	for c := range z {
		z[c] /= m.temperature
	}
	return softmax(z)
}

// featureNorm scales a message's features to unit length, so a long
// message is not surer of itself for having more words.
func featureNorm(feats []feature) float64 {
	sum := 0.0
	for _, f := range feats {
		sum += float64(f.value) * float64(f.value)
	}
	if sum == 0 {
		return 0
	}
	return 1 / math.Sqrt(sum)
}

func softmax(z [NumClasses]float64) Probs {
	hi := z[0]
	for _, v := range z[1:] {
		hi = max(hi, v)
	}
	var p Probs
	sum := 0.0
	for c, v := range z {
		p[c] = math.Exp(v - hi)
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
	return p
}

// Temperature is the calibration the model was fitted with.
func (m *Model) Temperature() float64 { return m.temperature }

//go:embed weights.bin
var embedded []byte

// loadDefault decodes the embedded weights once, on first use.
var loadDefault = sync.OnceValues(func() (*Model, error) { return Decode(embedded) })

// Default returns the model whose weights are built into the binary. It
// is decoded once, on first use; the tests prove the embedded weights
// decode, so a failure here is a broken build and panics.
func Default() *Model {
	m, err := loadDefault()
	if err != nil {
		panic(fmt.Sprintf("intent: embedded weights: %v", err))
	}
	return m
}

// The weights file: gzip of a header, the calibration and the weights.
const (
	magic         = "leadagent-intent"
	formatVersion = 2
)

// Encode writes the model as the weights file Decode reads. The same
// model gives the same bytes.
func (m *Model) Encode(w io.Writer) error {
	var raw bytes.Buffer
	raw.WriteString(magic)
	raw.WriteByte(formatVersion)
	raw.Write([]byte{m.cfg.Bits, m.cfg.CharMin, m.cfg.CharMax, m.cfg.ShortReply, m.cfg.CharWeight, m.cfg.Skeleton, m.cfg.Cues, byte(NumClasses)})
	for _, n := range classNames {
		raw.WriteByte(byte(len(n)))
		raw.WriteString(n)
	}
	floats := append([]float64{m.temperature}, m.bias[:]...)
	floats = append(floats, m.scale[:]...)
	for _, f := range floats {
		_ = binary.Write(&raw, binary.LittleEndian, f)
	}
	for _, v := range m.weights {
		raw.WriteByte(byte(v))
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("encode intent model: %w", err)
	}
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return fmt.Errorf("encode intent model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("encode intent model: %w", err)
	}
	return nil
}

// Decode reads a weights file written by Encode.
func Decode(data []byte) (*Model, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode intent model: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("decode intent model: %w", err)
	}
	r := bytes.NewReader(raw)
	head := make([]byte, len(magic)+1+8)
	if _, err := io.ReadFull(r, head); err != nil || string(head[:len(magic)]) != magic {
		return nil, errors.New("decode intent model: not an intent weights file")
	}
	if v := head[len(magic)]; v != formatVersion {
		return nil, fmt.Errorf("decode intent model: format version %d, want %d", v, formatVersion)
	}
	h := head[len(magic)+1:]
	m := &Model{cfg: featureConfig{Bits: h[0], CharMin: h[1], CharMax: h[2], ShortReply: h[3], CharWeight: h[4], Skeleton: h[5], Cues: h[6]}}
	if m.cfg.Bits < 8 || m.cfg.Bits > 24 || (m.cfg.CharMax > 0 && (m.cfg.CharMin < 1 || m.cfg.CharMin > m.cfg.CharMax)) {
		return nil, fmt.Errorf("decode intent model: bad feature settings %+v", m.cfg)
	}
	if int(h[7]) != int(NumClasses) {
		return nil, fmt.Errorf("decode intent model: %d classes, want %d", h[7], NumClasses)
	}
	for c := range NumClasses {
		n, err := r.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("decode intent model: class names: %w", err)
		}
		name := make([]byte, n)
		if _, err := io.ReadFull(r, name); err != nil || string(name) != classNames[c] {
			return nil, fmt.Errorf("decode intent model: class %d is %q, want %q", c, name, classNames[c])
		}
	}
	floats := make([]float64, 1+2*NumClasses)
	if err := binary.Read(r, binary.LittleEndian, floats); err != nil {
		return nil, fmt.Errorf("decode intent model: calibration: %w", err)
	}
	m.temperature = floats[0]
	copy(m.bias[:], floats[1:1+NumClasses])
	copy(m.scale[:], floats[1+NumClasses:])
	if !(m.temperature > 0) || math.IsInf(m.temperature, 0) {
		return nil, fmt.Errorf("decode intent model: temperature %v", m.temperature)
	}
	n := (1 << m.cfg.Bits) * int(NumClasses)
	if r.Len() != n {
		return nil, fmt.Errorf("decode intent model: %d weights, want %d", r.Len(), n)
	}
	m.weights = make([]int8, n)
	for i := range m.weights {
		b, _ := r.ReadByte()
		m.weights[i] = int8(b)
	}
	return m, nil
}
