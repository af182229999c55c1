package inbox_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/knowledge"
)

// gasInstruction is the demo knowledge's own instruction for a gas smell.
const gasInstruction = "If you smell gas, leave the house right away and call 911 or your gas utility from outside, then call us."

// withKnowledge gives the inbox the bundle's knowledge, where a caller in
// danger's instruction is found.
func (b *testBundle) withKnowledge(c *inbox.Config) {
	c.Knowledge = retriever{knowledge.New(b.db, knowledge.NewLocalEmbedder())}
	c.Voice = inbox.VoiceConfig{BusinessNumber: business}
}

// saysBefore is the words of every <Say> in v before its first element
// named name, joined, and whether that element is there.
func (v verb) saysBefore(name string) (string, bool) {
	var parts []string
	for _, in := range v.Inner {
		if _, ok := in.find(name); ok {
			return strings.Join(parts, " "), true
		}
		if s := in.said(); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " "), false
}

// TestCallInDangerHearsWhatToDo: a gas smell on a call hands off as
// sensitive, and the caller hears the knowledge's own instruction first,
// before the dial to the rep on duty.
func TestCallInDangerHearsWhatToDo(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.withDesk(t, hours.MustParse("24/7", "America/Denver"), nil, b.withKnowledge)
	sid, phone := "CA0000000000000000000000000000gas01", "+19705554201"
	b.voice(t, "/twilio/voice", callForm(sid, phone))
	got := b.voice(t, "/twilio/voice/gather?turn=1", callForm(sid, phone, "SpeechResult", "I smell gas in my basement", "Confidence", "0.9"))
	said, dialed := got.saysBefore("Dial")
	if !dialed {
		t.Fatalf("no dial: %+v", got)
	}
	if !strings.HasPrefix(said, gasInstruction) || !strings.Contains(said, "connect you") {
		t.Fatalf("before the dial the caller heard %q, want the gas instruction first", said)
	}
	b.settle(t)
	v := b.conversation(t, phone)
	if h, err := handoff.LatestHandoff(b.ctx, b.db, v.ID); err != nil || h.Reason != handoff.ReasonSensitive {
		t.Fatalf("handoff: %+v (%v)", h, err)
	}
	var spoken string
	for _, m := range v.Messages {
		if m.Channel == "voice" && m.Author == crm.AuthorAI {
			spoken = m.Body
		}
	}
	if !strings.HasPrefix(spoken, gasInstruction) {
		t.Fatalf("recorded answer %q", spoken)
	}
}

// TestCallInDangerWithNoInstruction: a danger the knowledge has no
// instruction for gets the 911 line first; with nobody on duty the
// caller is then told when a person will call back, and texted the same.
func TestCallInDangerWithNoInstruction(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	denver, _ := time.LoadLocation("America/Denver")
	d := time.Now().In(denver)
	clock := &fakeClock{t: time.Date(d.Year(), d.Month(), d.Day(), 22, 0, 0, 0, denver)}
	b.withDesk(t, hours.MustParse("Daily 09:00-17:00", "America/Denver"), clock.now, b.withKnowledge)
	sid, phone := "CA0000000000000000000000000000fire1", "+19705554202"
	b.voice(t, "/twilio/voice", callForm(sid, phone))
	got := b.voice(t, "/twilio/voice/gather?turn=1", callForm(sid, phone,
		"SpeechResult", "My garage is on fire and the fire department is on the way", "Confidence", "0.9"))
	if _, ok := got.find("Dial"); ok {
		t.Fatalf("dialed with nobody on duty: %+v", got)
	}
	said, hungUp := got.saysBefore("Hangup")
	if !hungUp || !strings.HasPrefix(said, agent.SafetyFallback) || !strings.Contains(said, "call you back tomorrow at 9:00 AM") {
		t.Fatalf("the caller heard %q", said)
	}
	if texts := b.replies(t, phone, 1); !strings.Contains(texts[0].Body, "tomorrow at 9:00 AM") {
		t.Fatalf("confirmation: %q", texts[0].Body)
	}
}

// screenedCall hands a call to a rep on duty by buying intent and returns
// the dial's TwiML.
func (b *testBundle) screenedCall(t *testing.T, sid, phone string) (dial, number verb) {
	t.Helper()
	b.voice(t, "/twilio/voice", callForm(sid, phone))
	got := b.voice(t, "/twilio/voice/gather?turn=1", callForm(sid, phone,
		"SpeechResult", "I'd like to book someone to replace my furnace next week", "Confidence", "0.9"))
	dial, ok := got.find("Dial")
	if !ok {
		t.Fatalf("no dial: %+v", got)
	}
	number, _ = dial.find("Number")
	if !strings.HasPrefix(number.attr("url"), "/twilio/voice/whisper?handoff=") {
		t.Fatalf("no whisper on the dial: %+v", dial)
	}
	return dial, number
}

// repLeg is a webhook of the rep's leg of a dial, as Twilio posts it:
// its own CallSid, the caller's as ParentCallSid.
func repLeg(sid, phone string, extra ...string) url.Values {
	f := callForm("CA1111111111111111111111111111rep01", phone, extra...)
	f.Set("ParentCallSid", sid)
	f.Set("Direction", "outbound-dial")
	return f
}

// TestCallScreeningTaken: the whisper asks the rep to press 1 within a
// few seconds, and hangs up the rep's leg without a key; pressing 1
// connects, and the dial's end is a call connected to the rep.
func TestCallScreeningTaken(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.withDesk(t, hours.MustParse("24/7", "America/Denver"), nil, b.withKnowledge)
	sid, phone := "CA0000000000000000000000000000scr01", "+19705554203"
	dial, number := b.screenedCall(t, sid, phone)

	whisper := b.voice(t, number.attr("url"), repLeg(sid, phone))
	g, ok := whisper.find("Gather")
	if !ok || g.attr("numDigits") != "1" || g.attr("timeout") != "5" || g.attr("action") != number.attr("url") ||
		!strings.Contains(g.said(), "buying intent") || !strings.Contains(g.said(), "Press 1 to take the call") {
		t.Fatalf("whisper: %+v", whisper)
	}
	if len(whisper.Inner) != 2 || whisper.Inner[1].XMLName.Local != "Hangup" {
		t.Fatalf("no key must hang up the rep's leg: %+v", whisper)
	}

	taken := b.voice(t, number.attr("url"), repLeg(sid, phone, "Digits", "1"))
	if _, hangs := taken.find("Hangup"); hangs || !strings.Contains(taken.said(), "Connecting you") {
		t.Fatalf("pressing 1: %+v", taken)
	}
	ended := b.voice(t, dial.attr("action"), callForm(sid, phone, "DialCallStatus", "completed", "DialCallDuration", "64"))
	if _, ok := ended.find("Hangup"); !ok || ended.said() != "" {
		t.Fatalf("after a taken call: %+v", ended)
	}
	call, _ := crm.CallBySID(b.ctx, b.db, sid)
	if call.Outcome != crm.CallDialedRep || call.DialStatus != "completed" {
		t.Fatalf("call = %+v", call)
	}
}

// TestCallScreeningNotTaken: a rep leg that ends without 1 (a voicemail
// answered and no key came, or the rep pressed another key) is not an
// answer, whatever the dial's status says: the caller is told when a
// person will call back and gets a text saying the same.
func TestCallScreeningNotTaken(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.withDesk(t, hours.MustParse("24/7", "America/Denver"), nil, b.withKnowledge)

	for i, c := range []struct{ name, digits string }{{"voicemail, no key", ""}, {"another key", "2"}} {
		sid, phone := "CA0000000000000000000000000000scr1"+string(rune('0'+i)), "+1970555421"+string(rune('0'+i))
		dial, number := b.screenedCall(t, sid, phone)
		b.voice(t, number.attr("url"), repLeg(sid, phone))
		if c.digits != "" {
			declined := b.voice(t, number.attr("url"), repLeg(sid, phone, "Digits", c.digits))
			if _, ok := declined.find("Hangup"); !ok {
				t.Fatalf("%s: the rep's leg goes on: %+v", c.name, declined)
			}
		}
		// The rep's leg was answered and hung up: Twilio reports the dial
		// completed.
		missed := b.voice(t, dial.attr("action"), callForm(sid, phone, "DialCallStatus", "completed", "DialCallDuration", "9"))
		said, hungUp := missed.saysBefore("Hangup")
		if !hungUp || !strings.Contains(said, "call you back shortly") {
			t.Fatalf("%s: the caller heard %q", c.name, said)
		}
		if texts := b.replies(t, phone, 1); !strings.Contains(texts[0].Body, "call you back shortly") {
			t.Fatalf("%s: confirmation %q", c.name, texts[0].Body)
		}
		call, _ := crm.CallBySID(b.ctx, b.db, sid)
		if call.Outcome != crm.CallCallback || call.DialStatus != "not-taken" {
			t.Fatalf("%s: call = %+v", c.name, call)
		}
	}
}

// TestRelayCallInDanger: on a relay call, a gas smell ends the session
// for the transfer, and the caller hears the knowledge's instruction
// before the dial.
func TestRelayCallInDanger(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	ib, _ := b.withDesk(t, hours.MustParse("24/7", "America/Denver"), nil, b.withKnowledge)
	s := startRelay(t, ib)
	sid, phone := "CA00000000000000000000000000relayG", "+19705554221"
	doc := s.post(t, "/twilio/voice", callForm(sid, phone))
	connect, _ := doc.find("Connect")
	cr, _ := connect.find("ConversationRelay")
	c := s.open(t, cr.attr("url"), sid, phone)
	c.say("I smell gas in my basement")
	c.answer()
	end, err := c.next(10 * time.Second)
	if err != nil || end.Type != "end" || end.HandoffData == "" {
		t.Fatalf("%+v %v, want end", end, err)
	}
	next := s.post(t, "/twilio/voice/relay-end", callForm(sid, phone, "SessionStatus", "ended", "HandoffData", end.HandoffData))
	said, dialed := next.saysBefore("Dial")
	if !dialed || !strings.HasPrefix(said, gasInstruction) {
		t.Fatalf("relay end: %q %+v", said, next)
	}
}
