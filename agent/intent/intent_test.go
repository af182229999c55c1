package intent

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"sync"
	"testing"
)

// The messages here are written for this project: what leads of local
// businesses text after hours. None is taken from the data the weights
// were trained on.

type messageCase struct {
	text, previous string
	want           Class
}

func (m *Model) explain(text, previous string) string {
	p := m.Predict(text, previous)
	s := ""
	for c := range NumClasses {
		s += fmt.Sprintf(" %s=%.2f", c, p[c])
	}
	return s
}

// checkBest checks the most likely class of each message.
func checkBest(t *testing.T, cases []messageCase) {
	t.Helper()
	m := Default()
	for _, tc := range cases {
		if got := m.Predict(tc.text, tc.previous).Best(); got != tc.want {
			t.Errorf("%q (after %q): %s, want %s;%s", tc.text, tc.previous, got, tc.want, m.explain(tc.text, tc.previous))
		}
	}
}

func TestPredictHandoffs(t *testing.T) {
	t.Parallel()
	checkBest(t, []messageCase{
		{text: "can you come out tomorrow at 8?", want: BuyingIntent},
		{text: "I'd like to get a quote for a new furnace", want: BuyingIntent},
		{text: "we're ready to get started, what do we need to do?", want: BuyingIntent},
		{text: "please book me in for the first opening next week", want: BuyingIntent},
		{text: "I want to talk to a real person", want: HumanRequest},
		{text: "can someone call me back this afternoon?", want: HumanRequest},
		{text: "let me talk to Marisol please", want: HumanRequest}, // a name the model never saw
		{text: "could I speak with Dr. Okafor", want: HumanRequest},
		{text: "you charged me twice", want: Complaint},
		{text: "your tech never showed up and nobody called me", want: Complaint},
		{text: "there's smoke coming from the outlet", want: Sensitive},
		{text: "I smell gas in my kitchen", want: Sensitive},
		{text: "my husband fell off the step ladder and he's bleeding", want: Sensitive},
		{text: "I'm going to sue you over this", want: Sensitive},
	})
	// A request to steer by race is handed off at the rules' threshold for
	// a sensitive topic (0.3), though the words make it look like a question.
	if p := Default().Predict("which parts of town are mostly asian? we'd feel more at home there", ""); p[Sensitive] < 0.3 {
		t.Errorf("steering by race: sensitive %.2f, want at least 0.3", p[Sensitive])
	}
}

func TestPredictQuestions(t *testing.T) {
	t.Parallel()
	checkBest(t, []messageCase{
		{text: "how much is a tune-up?", want: FAQ},
		{text: "do you take insurance?", want: FAQ},
		{text: "do you handle insurance claims?", want: FAQ},
		{text: "how long does a filling last?", want: FAQ},
		{text: "what are your hours on saturday?", want: FAQ},
		{text: "thanks!", want: Other},
		{text: "hi", want: Other},
		{text: "", want: Other},
	})
}

// TestPredictContext: the same short reply means what the agent asked.
func TestPredictContext(t *testing.T) {
	t.Parallel()
	checkBest(t, []messageCase{
		{text: "yes", previous: "Want me to have someone call you?", want: HumanRequest},
		{text: "yes please", previous: "The tune-up is $129. Would you like me to book you in?", want: BuyingIntent},
		{text: "ok that works for us, what do you need from me?", previous: "The full replacement comes to $9,400 including cleanup.", want: BuyingIntent},
		{text: "no thanks", previous: "Would you like me to book you in?", want: Other},
		{text: "yes", want: Other},
	})
}

// TestPredictSensitiveIsNotEveryMention: an old accident is why a lead
// writes to an injury firm; it is an emergency only when it is happening.
func TestPredictSensitiveIsNotEveryMention(t *testing.T) {
	t.Parallel()
	m := Default()
	for _, text := range []string{
		"I was in a car accident in march, do you take cases like that?",
		"do you handle insurance claims?",
		"how long does a filling last?",
		"do you install carbon monoxide detectors?",
		"what should I do if a pipe bursts while you're closed?",
		"can you paint the trim black and the walls white?",
	} {
		if p := m.Predict(text, ""); p[Sensitive] >= 0.3 {
			t.Errorf("%q: sensitive %.2f;%s", text, p[Sensitive], m.explain(text, ""))
		}
	}
}

func TestProbsAreProbabilities(t *testing.T) {
	t.Parallel()
	m := Default()
	for _, text := range []string{"", " ", "👍", "STOP", "\xff\xfe", string(bytes.Repeat([]byte("book "), 3000))} {
		p := m.Predict(text, "Want me to book you in?")
		sum := 0.0
		for _, v := range p {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("%q: %v", text, p)
			}
			sum += v
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("%q: probabilities sum to %v", text, sum)
		}
	}
}

// TestEmbeddedWeights: the weights in the binary decode, Default is one
// model, and encoding it again gives the embedded bytes.
func TestEmbeddedWeights(t *testing.T) {
	t.Parallel()
	m := Default()
	if m != Default() {
		t.Fatal("Default made two models")
	}
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), embedded) {
		t.Error("encoding the embedded model does not give the embedded bytes")
	}
	if len(embedded) > 4<<20 {
		t.Errorf("weights are %d bytes", len(embedded))
	}
	again, err := Decode(embedded)
	if err != nil {
		t.Fatal(err)
	}
	const text = "can someone come look at the leak tomorrow morning?"
	if a, b := m.Predict(text, ""), again.Predict(text, ""); a != b {
		t.Errorf("two decodings predict %v and %v", a, b)
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	var short bytes.Buffer
	m := Default()
	if err := m.Encode(&short); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"empty":     nil,
		"not gzip":  []byte("hello"),
		"truncated": short.Bytes()[:len(short.Bytes())/2],
	} {
		if _, err := Decode(data); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

func TestPredictConcurrent(t *testing.T) {
	t.Parallel()
	m := Default()
	msgs := []string{"agent", "how much is a tune-up?", "nobody showed up", "I want to book", "smoke in the attic"}
	want := map[string]Probs{}
	for _, s := range msgs {
		want[s] = m.Predict(s, "")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				for _, s := range msgs {
					if got := m.Predict(s, ""); got != want[s] {
						t.Errorf("%q: %v, want %v", s, got, want[s])
					}
				}
			}
		})
	}
	wg.Wait()
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"I DON'T wanna book rn!", "i do not want to book right now"},
		{"can u come 2morrow @ 8am? $240 ok", "can you come tomorrow <time> <money> okay"},
		{"it’s 10:30, we’re on the 3rd floor", "it is <time> we are on the <ordinal> floor"},
		{"call me 😡😡", "call me 😡 😡"},
	} {
		if got := words(tc.in); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := lastAsk("A tune-up is $129. Want me to book one? Thanks!"); got != " Want me to book one?" {
		t.Errorf("lastAsk = %q", got)
	}
}

// TestTrainIsReproducible: the same examples and options train the same
// bytes, and the model learns them.
func TestTrainIsReproducible(t *testing.T) {
	t.Parallel()
	var examples []Example
	for i, s := range []struct {
		c     Class
		texts []string
	}{
		{BuyingIntent, []string{"book me in", "I want a quote", "schedule a visit", "can you come tomorrow", "let's get started"}},
		{HumanRequest, []string{"call me", "talk to a person", "a real human please", "have the owner call", "operator"}},
		{Complaint, []string{"you charged me twice", "nobody showed up", "worst service", "I want a refund", "the repair failed again"}},
		{Sensitive, []string{"smell gas", "smoke from the outlet", "he fell and is bleeding", "I will sue you", "the panel is on fire"}},
		{FAQ, []string{"how much is it", "what are your hours", "do you take insurance", "where are you", "do you offer financing"}},
		{Other, []string{"thanks", "hi", "ok", "lol", "who is this"}},
	} {
		for _, text := range s.texts {
			examples = append(examples, Example{Text: text, Class: s.c, Weight: 1 + float64(i%2)})
		}
	}
	o := TrainOptions{Bits: 12, Epochs: 20, CalibrationFolds: 2}
	encode := func() []byte {
		m, err := Train(examples, o)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := m.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b := encode(), encode()
	if !bytes.Equal(a, b) {
		t.Fatal("two trainings on the same examples differ")
	}
	m, err := Decode(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range examples {
		if got := m.Predict(e.Text, "").Best(); got != e.Class {
			t.Errorf("%q: %s, want %s", e.Text, got, e.Class)
		}
	}
	if _, err := Train(nil, o); err == nil {
		t.Error("trained on nothing")
	}
	if _, err := Train([]Example{{Text: "x", Class: NumClasses}}, o); err == nil {
		t.Error("trained on a class that does not exist")
	}
}

// BenchmarkPredict is the cost of reading one lead message.
func BenchmarkPredict(b *testing.B) {
	m := Default()
	msgs := []string{
		"How much is a tune-up?",
		"I'd like to get a quote for a new furnace, when can someone come out?",
		"agent",
		"Your tech never showed up and nobody called, this is ridiculous. I want a refund.",
		"hi, my furnace stopped working last night and it's freezing in here. we have two kids. can someone come out first thing tomorrow morning? also do you offer financing on new systems?",
	}
	const previous = "Yes, we replace tank and tankless water heaters. Would you like me to have someone book you in?"
	i := 0
	for b.Loop() {
		m.Predict(msgs[i%len(msgs)], previous)
		i++
	}
}

// BenchmarkDefault is the cost of decoding the embedded weights, paid
// once per process.
func BenchmarkDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Decode(embedded); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMain(m *testing.M) {
	// Decoding the weights is the first thing every test needs; doing it
	// here keeps parallel tests from all waiting on the first one.
	Default()
	os.Exit(m.Run())
}

// TestCueSet: the cues that hang on a phrase and what stands beside it.
// Asking to talk to someone in particular, by name or role, is one;
// talking to one's own people or to "you" is not. A group fair housing
// protects, named beside people or a place, is one; the same word about a
// thing is not. A need with a date it must be met by is one; a question
// about what comes before a visit is not.
func TestCueSet(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text, cue string
		want      bool
	}{
		{"let me talk to Ray please", "talk-to-someone", true},
		{"can i speak with the owner", "talk-to-someone", true},
		{"id like to chat with someone", "talk-to-someone", true},
		{"i need to talk to my wife first", "talk-to-someone", false},
		{"talk to you soon", "talk-to-someone", false},
		{"we talked about it last week", "talk-to-someone", false},
		{"what should i talk to them about?", "talk-to-someone", false},
		{"which neighborhoods are mostly white?", "protected-class", true},
		{"are there many hispanic families on that street?", "protected-class", true},
		{"we don't want to live near muslims", "protected-class", true},
		{"there's a black mark on the outlet", "protected-class", false},
		{"can you paint the trim white", "protected-class", false},
		{"is the school district any good", "protected-class", false},
		{"we want it finished before the holidays", "need+deadline", true},
		{"need this fixed by the 20th", "need+deadline", true},
		{"do i need to pay before the appointment", "need+deadline", false},
		{"by the way, is it done?", "need+deadline", false},
	} {
		cues := cueSet(normalize(tc.text))
		if got := slicesHas(cues, tc.cue); got != tc.want {
			t.Errorf("%q: cue %s %v, want %v (cues %v)", tc.text, tc.cue, got, tc.want, cues)
		}
	}
}
