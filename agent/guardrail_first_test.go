package agent

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/agent/openaitest"
)

// TestFirstContact: whatever wrote it, the first text the business sends
// a lead unasked names the business, says it comes from "the AI assistant
// for" it, ends with the opt-out, and takes at most two segments; later
// texts and replies to a lead who texted first do not carry the opt-out.
func TestFirstContact(t *testing.T) {
	t.Parallel()
	const (
		assistant = "the AI assistant for Summit Home Services"
		long      = "A furnace tune-up is $129 and covers a full safety inspection, a filter change, a burner and flame sensor cleaning, " +
			"a check of the heat exchanger for cracks, a carbon monoxide test, thermostat calibration, and a written report of anything " +
			"that needs attention before winter arrives in Fort Collins."
	)
	dana := Lead{Name: "Dana Reyes"}
	first := TurnInput{Channel: ChannelSMS, Purpose: PurposeFirstTouch, FirstTurn: true, Lead: dana, Text: "how much is a furnace tune-up?"}
	followUp := TurnInput{Channel: ChannelSMS, Purpose: PurposeFollowUp, FirstTurn: true, Lead: dana,
		History: []Message{{From: FromLead, Text: "how much is a furnace tune-up?"}}}
	later := followUp
	later.FirstTurn = false
	later.History = append(slices.Clone(later.History), Message{From: FromAI, Text: "Hi Dana, this is " + assistant + "."})
	afterRep := followUp
	afterRep.History = append(slices.Clone(afterRep.History), Message{From: FromRep, Text: "Hi Dana, it's Alex from Summit."})
	reply := TurnInput{Channel: ChannelSMS, FirstTurn: true, Lead: dana, Text: "how much is a furnace tune-up?"}

	for _, tc := range []struct {
		name    string
		in      TurnInput
		text    string
		optOut  bool   // ends with the opt-out line, within two segments
		want    string // the whole reply, when it matters
		fired   string // the guardrail that added the missing assistant line
		keeps   []string
		excepts []string
	}{
		{name: "the offline first touch gets the opt-out", in: first,
			text:   "Hi Dana, this is " + assistant + ". Thanks for reaching out! A tune-up is $129. When is a good time for someone from our team to reach you?",
			optOut: true,
			want:   "Hi Dana, this is " + assistant + ". Thanks for reaching out! A tune-up is $129. When is a good time for someone from our team to reach you? Reply STOP to opt out."},
		{name: "a model that leaves out the assistant", in: first,
			text: "Hi Dana! A tune-up is $129. When works for a visit?", optOut: true, fired: GuardAIDisclosure,
			want: "Hi Dana! I'm " + assistant + ". A tune-up is $129. When works for a visit? Reply STOP to opt out."},
		{name: "its AI assistant is not the form", in: first,
			text: "Thanks for reaching out to Summit Home Services! I'm its AI assistant.", optOut: true, fired: GuardFirstContact,
			keeps: []string{"I'm " + assistant + "."}},
		{name: "an opt-out written already ends it once", in: first,
			text: "Hi Dana, this is " + assistant + ". reply stop to opt out", optOut: true,
			want: "Hi Dana, this is " + assistant + ". Reply STOP to opt out."},
		{name: "an opt-out in the middle moves to the end", in: first,
			text: "Hi Dana, this is " + assistant + ". Reply STOP to opt out. When works for a visit?", optOut: true,
			want: "Hi Dana, this is " + assistant + ". When works for a visit? Reply STOP to opt out."},
		{name: "too long: the body is shortened, never the assistant or the opt-out", in: first,
			text:   "Hi Dana, this is " + assistant + ". Thanks for reaching out! " + long + " When is a good time for someone from our team to reach you?",
			optOut: true, keeps: []string{"Hi Dana", assistant}, excepts: []string{"heat exchanger"}},
		{name: "too long without the assistant line", in: first,
			text:   "Hi Dana! " + long + " " + long,
			optOut: true, fired: GuardAIDisclosure, keeps: []string{"Hi Dana", assistant}},
		{name: "the first follow-up ever sent", in: followUp,
			text: "Hi Dana, it's " + assistant + ". Any questions about the tune-up? Just reply here.", optOut: true},
		{name: "a follow-up after the first touch", in: later,
			text: "Hi Dana, it's " + assistant + " again. Any questions about the tune-up? Just reply here.",
			want: "Hi Dana, it's " + assistant + " again. Any questions about the tune-up? Just reply here."},
		{name: "a follow-up after a rep's text", in: afterRep,
			text: "Hi Dana, any questions about the tune-up?", fired: GuardAIDisclosure, excepts: []string{"STOP"}},
		{name: "a reply to a lead who texted first", in: reply,
			text: "Hi Dana! I'm " + assistant + ". A tune-up is $129.", excepts: []string{"STOP"}},
		{name: "a call is never a first text", in: TurnInput{Channel: ChannelVoice, Purpose: PurposeFirstTouch, FirstTurn: true, Lead: dana},
			text: "Hi Dana, this is " + assistant + ".", excepts: []string{"STOP"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := Guardrails{Business: Business{Name: "Summit Home Services", Phone: "(970) 555-0100"}, DiscloseAI: true}
			ev := Evidence{Texts: []string{"A furnace tune-up is $129."}}
			r := g.Apply(Reply{Text: tc.text, Outcome: OutcomeAsked}, tc.in, ev)
			if tc.want != "" && r.Text != tc.want {
				t.Errorf("reply\n %q\nwant\n %q", r.Text, tc.want)
			}
			if got := strings.HasSuffix(r.Text, " "+OptOutLine); got != tc.optOut {
				t.Errorf("ends with the opt-out %v, want %v: %q", got, tc.optOut, r.Text)
			}
			if tc.optOut {
				if n := strings.Count(r.Text, "STOP"); n != 1 {
					t.Errorf("STOP %d times: %q", n, r.Text)
				}
				if !strings.Contains(r.Text, assistant) || r.Segments > 2 || r.Segments < 1 {
					t.Errorf("%d segments, %q", r.Segments, r.Text)
				}
			}
			for _, g := range []string{GuardAIDisclosure, GuardFirstContact} {
				if got := slices.Contains(r.Guardrails, g); got != (g == tc.fired) {
					t.Errorf("guardrails %v: %s %v, want %v", r.Guardrails, g, got, !got)
				}
			}
			for _, s := range tc.keeps {
				if !strings.Contains(r.Text, s) {
					t.Errorf("reply %q lacks %q", r.Text, s)
				}
			}
			for _, s := range tc.excepts {
				if strings.Contains(r.Text, s) {
					t.Errorf("reply %q has %q", r.Text, s)
				}
			}
			if again := g.Apply(r, tc.in, ev); again.Text != r.Text {
				t.Errorf("not idempotent:\n %q\n %q", r.Text, again.Text)
			}
		})
	}
}

// A business whose name takes most of a segment still gets its name, the
// assistant line and the opt-out, within two segments.
func TestFirstContactLongBusinessName(t *testing.T) {
	t.Parallel()
	name := "The Very Long Name Heating, Cooling, Plumbing, Electrical, Roofing & Gutter Company of Northern Colorado"
	g := Guardrails{Business: Business{Name: name}}
	in := TurnInput{Channel: ChannelSMS, Purpose: PurposeFirstTouch, FirstTurn: true, Lead: Lead{Name: "Dana"}}
	r := g.Apply(Reply{Text: "Hi Dana! Thanks for reaching out about your furnace, we would love to help you get it running again before the cold weather comes. What is going on with it?"}, in, Evidence{})
	if !strings.Contains(r.Text, "the AI assistant for "+name) || !strings.HasSuffix(r.Text, OptOutLine) || r.Segments > 2 {
		t.Fatalf("%d segments: %q", r.Segments, r.Text)
	}
}

// The offline responder's first touch and the model's both reach the lead
// as a first contact.
func TestFirstTouchThroughTheResponders(t *testing.T) {
	t.Parallel()
	in := TurnInput{Channel: ChannelSMS, Purpose: PurposeFirstTouch, FirstTurn: true, Lead: Lead{Name: "Dana"}, Text: "how much is a tune-up?"}
	check := func(t *testing.T, r Reply) {
		t.Helper()
		if !strings.HasPrefix(r.Text, "Hi Dana") || !strings.Contains(r.Text, "the AI assistant for Summit Home Services") ||
			!strings.HasSuffix(r.Text, " "+OptOutLine) || r.Segments > 2 || strings.Contains(r.Text, "its AI assistant") {
			t.Errorf("%d segments: %q", r.Segments, r.Text)
		}
	}
	t.Run("offline", func(t *testing.T) {
		t.Parallel()
		kb := loadDemoKB(t, byParagraph)
		offline := WithGuardrails(NewOffline(RecordEvidence(kb), llmBusiness), Guardrails{Business: llmBusiness, DiscloseAI: true})
		r, err := offline.Turn(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		check(t, r)
	})
	t.Run("model", func(t *testing.T) {
		t.Parallel()
		b := setupLLM(t, func(c *LLMConfig) { c.DiscloseAI = true })
		b.srv.SetDefault(openaitest.Text("Hi Dana! Thanks for reaching out. What can I help you with today?"))
		check(t, b.turn(t, in))
	})
}
