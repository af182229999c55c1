package handoff_test

import (
	"strings"
	"testing"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/handoff"
)

// TestDecideOnMessages is the escalation rules as a spec: realistic lead
// texts, read by the intent classifier, under the default rules. (The
// public intent sets are measured in quality_test.go, read where they
// are; none of them is copied here.)
func TestDecideOnMessages(t *testing.T) {
	t.Parallel()
	classifier := agent.NewIntentClassifier()
	tests := []struct {
		text    string
		history []agent.Message
		want    string // the reason, "" for no handoff
	}{
		// Buying intent: book, quote, come out, get started.
		{text: "can you come out tomorrow at 8?", want: handoff.ReasonBuyingIntent},
		{text: "I'd like to get a quote for a new furnace", want: handoff.ReasonBuyingIntent},
		{text: "ready to sign the contract, what's next", want: handoff.ReasonBuyingIntent},
		{text: "please schedule an appointment for Thursday", want: handoff.ReasonBuyingIntent},
		{text: "ok that works for us, what do you need from me?", history: []agent.Message{
			{From: agent.FromAI, Text: "The full replacement comes to $9,400, haul-away included."}}, want: handoff.ReasonBuyingIntent},
		// A person, however asked.
		{text: "I want to talk to a real person", want: handoff.ReasonHumanRequest},
		{text: "agent", want: handoff.ReasonHumanRequest},
		{text: "have someone call me", want: handoff.ReasonHumanRequest},
		{text: "yes", history: []agent.Message{{From: agent.FromAI, Text: "Want me to have someone call you?"}}, want: handoff.ReasonHumanRequest},
		// Complaints.
		{text: "you charged me twice", want: handoff.ReasonComplaint},
		{text: "your technician never showed up and nobody called", want: handoff.ReasonComplaint},
		{text: "this is the worst service I've ever had", want: handoff.ReasonComplaint},
		// Sensitive: safety, legal threats, discrimination; by the
		// classifier, not a keyword.
		{text: "there's smoke coming from the outlet", want: handoff.ReasonSensitive},
		{text: "the CO detector is beeping and my daughter feels dizzy", want: handoff.ReasonSensitive},
		{text: "my husband fell off the step ladder and his arm is bleeding", want: handoff.ReasonSensitive},
		{text: "I'm taking you to court over the damage", want: handoff.ReasonSensitive},
		// Questions the agent answers itself.
		{text: "how much is a tune-up?", want: ""},
		{text: "do you take insurance?", want: ""},
		{text: "can you stop by tomorrow?", want: ""},
		{text: "do you handle insurance claims?", want: ""},
		{text: "how long does a filling last?", want: ""},
		{text: "I was rear ended last spring, do you take cases like that?", want: ""},
		{text: "what are your hours on saturday", want: ""},
		{text: "thanks!", want: ""},
		{text: "hi", want: ""},
		{text: "not ready to book yet, just looking at prices", want: ""},
	}
	for _, tt := range tests {
		sig := classifier.Classify(tt.text, tt.history)
		got := handoff.Decide(handoff.DefaultRules(), handoff.Turn{Text: tt.text, Signals: handoff.Signals{
			BuyingIntent: sig.BuyingIntent, HumanRequest: sig.HumanRequest, Complaint: sig.Complaint,
			Sensitive: sig.Sensitive, Sentiment: sig.Sentiment}})
		if got.Reason != tt.want || got.Handoff != (tt.want != "") {
			t.Errorf("%q: %+v, want %q (signals %+v)", tt.text, got, tt.want, sig)
		}
	}
}

// TestDecideRules is each rule alone, on given signals.
func TestDecideRules(t *testing.T) {
	t.Parallel()
	def := handoff.DefaultRules()
	off := func(edit func(*handoff.Rules)) handoff.Rules {
		r := handoff.DefaultRules()
		edit(&r)
		return r
	}
	tests := []struct {
		name  string
		rules handoff.Rules
		turn  handoff.Turn
		want  string
	}{
		{"below every threshold", def, handoff.Turn{Text: "ok", Signals: handoff.Signals{BuyingIntent: 0.44, HumanRequest: 0.49, Complaint: 0.49, Sensitive: 0.29}}, ""},
		{"buying at its threshold", def, handoff.Turn{Signals: handoff.Signals{BuyingIntent: 0.45}}, handoff.ReasonBuyingIntent},
		{"sensitive at its threshold", def, handoff.Turn{Signals: handoff.Signals{Sensitive: 0.3}}, handoff.ReasonSensitive},
		{"sensitive and complaint: sensitive wins", def, handoff.Turn{Signals: handoff.Signals{Sensitive: 0.5, Complaint: 0.9}}, handoff.ReasonSensitive},
		{"sensitive score off", off(func(r *handoff.Rules) { r.Sensitive.Enabled = false }), handoff.Turn{Signals: handoff.Signals{Sensitive: 1}}, ""},
		{"a sensitive keyword, whatever the score", def, handoff.Turn{Text: "I will take legal action", Signals: handoff.Signals{Sensitive: 0.1}}, handoff.ReasonSensitive},
		{"person and buying: the person wins", def, handoff.Turn{Signals: handoff.Signals{BuyingIntent: 0.9, HumanRequest: 0.9}}, handoff.ReasonHumanRequest},
		{"complaint and person: the complaint wins", def, handoff.Turn{Signals: handoff.Signals{Complaint: 0.8, HumanRequest: 0.9}}, handoff.ReasonComplaint},
		{"angry without complaint words", def, handoff.Turn{Signals: handoff.Signals{Sentiment: -0.8}}, handoff.ReasonComplaint},
		{"sentiment off", off(func(r *handoff.Rules) { r.NegativeSentiment = 0 }), handoff.Turn{Signals: handoff.Signals{Sentiment: -1}}, ""},
		{"buying disabled", off(func(r *handoff.Rules) { r.BuyingIntent.Enabled = false }), handoff.Turn{Signals: handoff.Signals{BuyingIntent: 1}}, ""},
		{"a keyword, whatever the scores", off(func(r *handoff.Rules) { r.BuyingIntent.Keywords = []string{"free estimate"} }),
			handoff.Turn{Text: "Do you do a FREE estimate?"}, handoff.ReasonBuyingIntent},
		{"a keyword matches whole words only", off(func(r *handoff.Rules) { r.BuyingIntent.Keywords = []string{"quote"} }),
			handoff.Turn{Text: "can you misquote me"}, ""},
		{"a keyword of a disabled reason", off(func(r *handoff.Rules) {
			r.HumanRequest.Keywords = []string{"manager"}
			r.HumanRequest.Enabled = false
		}), handoff.Turn{Text: "get me your manager"}, ""},
		{"sensitive topic", def, handoff.Turn{Text: "There's a gas leak I think"}, handoff.ReasonSensitive},
		{"sensitive off", off(func(r *handoff.Rules) { r.Sensitive.Enabled = false }), handoff.Turn{Text: "gas leak"}, ""},
		{"first unknown answer", def, handoff.Turn{Unknown: true}, ""},
		{"second unknown answer in a row", def, handoff.Turn{Unknown: true, UnknownBefore: 1}, handoff.ReasonUnknownAnswer},
		{"unknown before, answered now", def, handoff.Turn{UnknownBefore: 3}, ""},
		{"streak of three", off(func(r *handoff.Rules) { r.UnknownStreak = 3 }), handoff.Turn{Unknown: true, UnknownBefore: 1}, ""},
		{"the model asks, rules agree it may", def, handoff.Turn{Requested: handoff.ReasonHumanRequest}, handoff.ReasonHumanRequest},
		{"the model asks for a disabled reason", off(func(r *handoff.Rules) { r.BuyingIntent.Enabled = false }),
			handoff.Turn{Requested: handoff.ReasonBuyingIntent}, ""},
		{"the model asks for a made-up reason", def, handoff.Turn{Requested: "bored"}, ""},
	}
	for _, tt := range tests {
		got := handoff.Decide(tt.rules, tt.turn)
		if got.Reason != tt.want || got.Handoff != (tt.want != "") || (got.Handoff && got.Detail == "") {
			t.Errorf("%s: %+v, want %q", tt.name, got, tt.want)
		}
	}
}

func TestValidateRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(*handoff.Rules)
		field string // "" when valid
	}{
		{"defaults", func(*handoff.Rules) {}, ""},
		{"threshold zero", func(r *handoff.Rules) { r.BuyingIntent.Threshold = 0 }, "buying_intent.threshold"},
		{"threshold above one", func(r *handoff.Rules) { r.Complaint.Threshold = 1.2 }, "complaint.threshold"},
		{"sensitive threshold zero", func(r *handoff.Rules) { r.Sensitive.Threshold = 0 }, "sensitive.threshold"},
		{"sentiment above zero", func(r *handoff.Rules) { r.NegativeSentiment = 0.3 }, "negative_sentiment"},
		{"streak zero", func(r *handoff.Rules) { r.UnknownStreak = 0 }, "unknown_streak"},
		{"sla zero", func(r *handoff.Rules) { r.SLAMinutes = 0 }, "sla_minutes"},
		{"keywords on unknown answers", func(r *handoff.Rules) { r.UnknownAnswer.Keywords = []string{"x"} }, "unknown_answer.keywords"},
		{"a long keyword", func(r *handoff.Rules) { r.Sensitive.Keywords = []string{strings.Repeat("a", 81)} }, "sensitive.keywords"},
	}
	for _, tt := range tests {
		r := handoff.DefaultRules()
		tt.edit(&r)
		err := r.Validate()
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.field != "" && (err == nil || err.Error()[:len(tt.field)] != tt.field):
			t.Errorf("%s: %v, want an error about %s", tt.name, err, tt.field)
		}
	}
	r := handoff.DefaultRules()
	r.BuyingIntent.Keywords = []string{"  Free   Quote!", "free quote", "", "Estimate"}
	if err := r.Validate(); err != nil || len(r.BuyingIntent.Keywords) != 2 || r.BuyingIntent.Keywords[0] != "free quote" {
		t.Fatalf("tidied keywords = %q (%v)", r.BuyingIntent.Keywords, err)
	}
}
