package inbox_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/channels/twilio"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/inbox"
)

// verb is one TwiML element, parsed (TwiML is checked by parsing it, not
// by comparing strings).
type verb struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Inner   []verb     `xml:",any"`
}

func (v verb) attr(name string) string {
	for _, a := range v.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// said is every <Say> in v, joined.
func (v verb) said() string {
	var parts []string
	if v.XMLName.Local == "Say" {
		parts = append(parts, strings.TrimSpace(v.Text))
	}
	for _, in := range v.Inner {
		if s := in.said(); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// find returns the first element named name, depth first.
func (v verb) find(name string) (verb, bool) {
	if v.XMLName.Local == name {
		return v, true
	}
	for _, in := range v.Inner {
		if f, ok := in.find(name); ok {
			return f, true
		}
	}
	return verb{}, false
}

// postVoice posts a signed Voice webhook as Twilio would.
func (b *testBundle) postVoice(t testing.TB, path string, form url.Values) (int, []byte) {
	t.Helper()
	u := b.hooks.URL + path
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twilio.Sign(authToken, u, form))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// voice posts a signed Voice webhook and parses the TwiML it answers.
func (b *testBundle) voice(t testing.TB, path string, form url.Values) verb {
	t.Helper()
	status, body := b.postVoice(t, path, form)
	if status != 200 {
		t.Fatalf("%s: %d %s", path, status, body)
	}
	var doc verb
	if err := xml.Unmarshal(body, &doc); err != nil || doc.XMLName.Local != "Response" {
		t.Fatalf("%s: not TwiML (%v): %s", path, err, body)
	}
	return doc
}

func callForm(sid, from string, extra ...string) url.Values {
	f := url.Values{"CallSid": {sid}, "From": {from}, "To": {business}, "CallStatus": {"in-progress"}, "Direction": {"inbound"},
		"AccountSid": {accountSID}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

// TestCallAnsweredByTheAgent: the greeting says it is the AI assistant and
// listens; an answer comes from the knowledge, then listens for the next
// turn; a retried turn changes nothing; a poorly heard turn is asked
// again once, then the call moves to text; the status callback ends it.
func TestCallAnsweredByTheAgent(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.withDesk(t, hours.MustParse("24/7", "America/Denver"), nil)
	sid, phone := "CA0000000000000000000000000000call1", "+19705554001"

	greet := b.voice(t, "/twilio/voice", callForm(sid, phone))
	g, ok := greet.find("Gather")
	if !ok || g.attr("input") != "speech" || g.attr("action") != "/twilio/voice/gather?turn=1" || g.attr("speechTimeout") != "auto" ||
		!strings.Contains(greet.said(), "AI assistant") {
		t.Fatalf("greeting: %+v", greet)
	}
	again := b.voice(t, "/twilio/voice", callForm(sid, phone)) // Twilio retries
	if again.said() != greet.said() {
		t.Fatalf("a retried call webhook said %q", again.said())
	}

	hours := b.voice(t, "/twilio/voice/gather?turn=1", callForm(sid, phone, "SpeechResult", "what are your office hours", "Confidence", "0.92"))
	next, ok := hours.find("Gather")
	if !ok || !strings.Contains(hours.said(), "7:00") || next.attr("action") != "/twilio/voice/gather?turn=2" {
		t.Fatalf("answer: %q %+v", hours.said(), hours)
	}
	retry := b.voice(t, "/twilio/voice/gather?turn=1", callForm(sid, phone, "SpeechResult", "what are your office hours", "Confidence", "0.92"))
	if retry.said() != hours.said() {
		t.Fatalf("a retried turn answered %q", retry.said())
	}

	mumble := b.voice(t, "/twilio/voice/gather?turn=2", callForm(sid, phone, "SpeechResult", "mmhh uh", "Confidence", "0.21"))
	if g, ok := mumble.find("Gather"); !ok || g.attr("action") != "/twilio/voice/gather?turn=2" || !strings.Contains(mumble.said(), "didn't catch") {
		t.Fatalf("low confidence: %+v", mumble)
	}
	silence := b.voice(t, "/twilio/voice/gather?turn=2", callForm(sid, phone))
	if _, ok := silence.find("Hangup"); !ok || !strings.Contains(silence.said(), "send you a text") {
		t.Fatalf("second miss: %+v", silence)
	}
	texts := b.replies(t, phone, 1)
	if !strings.Contains(texts[0].Body, "couldn't hear you") {
		t.Fatalf("follow-up text: %q", texts[0].Body)
	}
	if status, body := b.postVoice(t, "/twilio/voice/status", callForm(sid, phone, "CallStatus", "completed", "CallDuration", "42")); status != 204 {
		t.Fatalf("status callback: %d %s", status, body)
	}
	b.settle(t)

	call, err := crm.CallBySID(b.ctx, b.db, sid)
	if err != nil || call.Outcome != crm.CallTextFollowUp || call.DurationSeconds == nil || *call.DurationSeconds != 42 || call.EndedAt == nil {
		t.Fatalf("call = %+v (%v)", call, err)
	}
	v := b.conversation(t, phone)
	var spoken []string
	for _, m := range v.Messages {
		if m.Channel == "voice" {
			spoken = append(spoken, m.Author+": "+m.Body)
		}
	}
	if len(spoken) != 2 || !strings.HasPrefix(spoken[0], "lead: what are your office hours") {
		t.Fatalf("transcript = %q", spoken)
	}
	if !hasEvent(v, crm.EventCallStarted) || !hasEvent(v, crm.EventCallEnded) {
		t.Fatalf("timeline: %+v", v.Timeline)
	}
}

// TestCallHandedToARep: buying intent on a call with a rep on duty dials
// the rep (the business number as caller ID, a whisper first); a missed
// dial promises a call back and texts the caller to confirm.
func TestCallHandedToARep(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	_, reps := b.withDesk(t, hours.MustParse("24/7", "America/Denver"), nil,
		func(c *inbox.Config) { c.Voice = inbox.VoiceConfig{BusinessNumber: business} })
	sid, phone := "CA0000000000000000000000000000call2", "+19705554002"
	b.voice(t, "/twilio/voice", callForm(sid, phone))
	got := b.voice(t, "/twilio/voice/gather?turn=1", callForm(sid, phone,
		"SpeechResult", "I'd like to book someone to replace my furnace next week", "Confidence", "0.9"))
	dial, ok := got.find("Dial")
	if !ok {
		t.Fatalf("no dial: %+v", got)
	}
	number, _ := dial.find("Number")
	rep := strings.TrimSpace(number.Text)
	if dial.attr("callerId") != business || !strings.HasPrefix(number.attr("url"), "/twilio/voice/whisper?handoff=") ||
		(rep != reps["Alex"].Phone && rep != reps["Sam"].Phone) || !strings.HasPrefix(dial.attr("action"), "/twilio/voice/dial?handoff=") {
		t.Fatalf("dial: %+v", dial)
	}
	whisper := b.voice(t, number.attr("url"), callForm(sid, phone))
	if !strings.Contains(whisper.said(), "buying intent") || !strings.Contains(whisper.said(), "Press 1 to take the call") {
		t.Fatalf("whisper: %q", whisper.said())
	}
	missed := b.voice(t, dial.attr("action"), callForm(sid, phone, "DialCallStatus", "no-answer"))
	if _, ok := missed.find("Hangup"); !ok || !strings.Contains(missed.said(), "call you back shortly") {
		t.Fatalf("missed dial: %q", missed.said())
	}
	confirm := b.replies(t, phone, 1)
	if !strings.Contains(confirm[0].Body, "call you back shortly") {
		t.Fatalf("confirmation: %q", confirm[0].Body)
	}
	call, _ := crm.CallBySID(b.ctx, b.db, sid)
	if call.Outcome != crm.CallCallback || call.DialStatus != "no-answer" || call.HandoffID == 0 {
		t.Fatalf("call = %+v", call)
	}
	b.settle(t)
	if v := b.conversation(t, phone); v.Mode != crm.ModeHandoffPending {
		t.Fatalf("mode %s", v.Mode)
	}
}

// TestCallHandoffWithNobodyOnDuty: the caller is told when a person will
// call back, and the text says the same.
func TestCallHandoffWithNobodyOnDuty(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	denver, _ := time.LoadLocation("America/Denver")
	d := time.Now().In(denver)
	clock := &fakeClock{t: time.Date(d.Year(), d.Month(), d.Day(), 22, 0, 0, 0, denver)}
	b.withDesk(t, hours.MustParse("Daily 09:00-17:00", "America/Denver"), clock.now)
	sid, phone := "CA0000000000000000000000000000call3", "+19705554003"
	b.voice(t, "/twilio/voice", callForm(sid, phone))
	got := b.voice(t, "/twilio/voice/gather?turn=1", callForm(sid, phone, "SpeechResult", "can I talk to a real person", "Confidence", "0.88"))
	if _, ok := got.find("Dial"); ok {
		t.Fatalf("dialed with nobody on duty: %+v", got)
	}
	if _, ok := got.find("Hangup"); !ok || !strings.Contains(got.said(), "call you back tomorrow at 9:00 AM") {
		t.Fatalf("callback promise: %q", got.said())
	}
	if texts := b.replies(t, phone, 1); !strings.Contains(texts[0].Body, "tomorrow at 9:00 AM") {
		t.Fatalf("confirmation: %q", texts[0].Body)
	}
}

// TestSlowModelOnACall: a turn past the budget gets a filler and a
// redirect; the redirect picks up the finished answer.
func TestSlowModelOnACall(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	g := gatedAgent{started: make(chan struct{}, 1), release: make(chan struct{}), inner: b.agent}
	b.agent = g
	b.withDesk(t, hours.MustParse("24/7", "UTC"), nil,
		func(c *inbox.Config) { c.Voice = inbox.VoiceConfig{Budget: 300 * time.Millisecond} })
	sid, phone := "CA0000000000000000000000000000call4", "+19705554004"
	b.voice(t, "/twilio/voice", callForm(sid, phone))
	first := b.voice(t, "/twilio/voice/gather?turn=1", callForm(sid, phone, "SpeechResult", "do you service Loveland", "Confidence", "0.9"))
	redirect, ok := first.find("Redirect")
	if !ok || redirect.Text != "/twilio/voice/gather?turn=1&wait=1" || !strings.Contains(first.said(), "One moment") {
		t.Fatalf("past the budget: %+v", first)
	}
	<-g.started
	close(g.release)
	var answer verb
	for i := 0; i < 20; i++ {
		answer = b.voice(t, redirect.Text, callForm(sid, phone))
		if _, waiting := answer.find("Redirect"); !waiting {
			break
		}
	}
	if _, ok := answer.find("Gather"); !ok || !strings.Contains(answer.said(), "Loveland") {
		t.Fatalf("the finished answer: %q %+v", answer.said(), answer)
	}
}

// TestUnsignedVoiceWebhooks: 403 and nothing recorded.
func TestUnsignedVoiceWebhooks(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	for _, path := range []string{"/twilio/voice", "/twilio/voice/gather?turn=1", "/twilio/voice/status",
		"/twilio/voice/whisper?handoff=1", "/twilio/voice/dial?handoff=1"} {
		form := callForm("CA0000000000000000000000000000call5", "+19705554005", "SpeechResult", "hi")
		req, _ := http.NewRequest(http.MethodPost, b.hooks.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", "bogus")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", path, resp.StatusCode)
		}
	}
	var calls int
	if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM calls`).Scan(&calls); err != nil || calls != 0 {
		t.Fatalf("calls recorded: %d (%v)", calls, err)
	}
}

// BenchmarkVoiceTurn measures the server's time from a SpeechResult to
// its TwiML with the offline agent, over signed HTTP on loopback.
func BenchmarkVoiceTurn(b *testing.B) {
	bundle := setup(b, options{})
	bundle.withDesk(b, hours.MustParse("24/7", "UTC"), nil)
	questions := []string{"what are your office hours", "do you service Loveland", "how much is a furnace tune up",
		"do you offer financing", "how much is a new water heater"}
	const calls, turns = 40, 5
	var lat []time.Duration
	for c := 0; c < calls; c++ {
		sid, phone := fmt.Sprintf("CA%032d", c), fmt.Sprintf("+1970%07d", 6000000+c)
		bundle.voice(b, "/twilio/voice", callForm(sid, phone))
		for turn := 1; turn <= turns; turn++ {
			start := time.Now()
			bundle.voice(b, fmt.Sprintf("/twilio/voice/gather?turn=%d", turn),
				callForm(sid, phone, "SpeechResult", questions[(c+turn)%len(questions)], "Confidence", "0.9"))
			lat = append(lat, time.Since(start))
		}
	}
	sortDurations(lat)
	b.ReportMetric(percentile(lat, 50), "p50-ms")
	b.ReportMetric(percentile(lat, 95), "p95-ms")
}

// TestCallToTheRepWhoHasIt: a caller whose conversation a rep took over
// (no handoff, so no summary to whisper) is dialed straight to that rep.
func TestCallToTheRepWhoHasIt(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	ib, reps := b.withDesk(t, hours.MustParse("24/7", "UTC"), nil,
		func(c *inbox.Config) { c.Voice = inbox.VoiceConfig{BusinessNumber: business} })
	phone := "+19705554010"
	b.text(t, phone, "what are your office hours?")
	b.replies(t, phone, 1)
	b.settle(t)
	v := b.conversation(t, phone)
	if err := ib.Takeover(b.ctx, v.ID, handoff.Actor{RepID: reps["Sam"].ID, Name: "Sam Ortiz"}); err != nil {
		t.Fatal(err)
	}
	sid := "CA0000000000000000000000000000call9"
	got := b.voice(t, "/twilio/voice", callForm(sid, phone))
	dial, ok := got.find("Dial")
	if !ok {
		t.Fatalf("no dial to the rep who has the conversation: %+v", got)
	}
	number, _ := dial.find("Number")
	if strings.TrimSpace(number.Text) != reps["Sam"].Phone || number.attr("url") != "" || dial.attr("callerId") != business {
		t.Fatalf("dial: %+v", dial)
	}
	ended := b.voice(t, dial.attr("action"), callForm(sid, phone, "DialCallStatus", "completed"))
	if _, ok := ended.find("Hangup"); !ok {
		t.Fatalf("after the dial: %+v", ended)
	}
	if status, body := b.postVoice(t, "/twilio/voice/status", callForm(sid, phone, "CallStatus", "completed", "CallDuration", "95")); status != 204 {
		t.Fatalf("status: %d %s", status, body)
	}
	if call, _ := crm.CallBySID(b.ctx, b.db, sid); call.Outcome != crm.CallDialedRep || call.DialStatus != "completed" {
		t.Fatalf("call = %+v", call)
	}
}

// TestCallOutcomes: a caller who hangs up before saying anything is
// abandoned; one the agent talked with is answered by the agent.
func TestCallOutcomes(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.withDesk(t, hours.MustParse("24/7", "UTC"), nil)
	quiet, talked := "CA0000000000000000000000000000callA", "CA0000000000000000000000000000callB"
	b.voice(t, "/twilio/voice", callForm(quiet, "+19705554011"))
	b.voice(t, "/twilio/voice", callForm(talked, "+19705554012"))
	b.voice(t, "/twilio/voice/gather?turn=1", callForm(talked, "+19705554012", "SpeechResult", "what are your office hours", "Confidence", "0.9"))
	for _, c := range []struct{ sid, from, want string }{{quiet, "+19705554011", crm.CallAbandoned}, {talked, "+19705554012", crm.CallAnsweredByAgent}} {
		if status, body := b.postVoice(t, "/twilio/voice/status", callForm(c.sid, c.from, "CallStatus", "completed", "CallDuration", "7")); status != 204 {
			t.Fatalf("status: %d %s", status, body)
		}
		if call, _ := crm.CallBySID(b.ctx, b.db, c.sid); call.Outcome != c.want {
			t.Errorf("%s: outcome %q, want %q", c.sid, call.Outcome, c.want)
		}
	}
}

// failingAgent fails every turn.
type failingAgent struct{}

func (failingAgent) Turn(context.Context, agent.TurnInput) (agent.Reply, error) {
	return agent.Reply{}, errors.New("model and fallback both down")
}

// TestCallWhenTheAgentFails: the caller is never left in silence (a person
// calls back), and the failure is on the timeline as for a text.
func TestCallWhenTheAgentFails(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	b.agent = failingAgent{}
	b.withDesk(t, hours.MustParse("24/7", "UTC"), nil)
	sid, phone := "CA0000000000000000000000000000callF", "+19705554020"
	b.voice(t, "/twilio/voice", callForm(sid, phone))
	got := b.voice(t, "/twilio/voice/gather?turn=1", callForm(sid, phone, "SpeechResult", "what are your office hours", "Confidence", "0.9"))
	if !strings.Contains(got.said(), "will call you back") {
		t.Fatalf("after a failed turn the caller heard %q", got.said())
	}
	if v := b.conversation(t, phone); !hasEvent(v, inbox.EventAgentFallback) {
		t.Fatalf("no fallback on the timeline: %+v", v.Timeline)
	}
}
