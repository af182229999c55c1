package twilio_test

import (
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/twilio"
)

// element is TwiML parsed generically.
type element struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Inner   []element  `xml:",any"`
}

func (e element) attr(n string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == n {
			return a.Value
		}
	}
	return ""
}

func (e element) names() string {
	var out []string
	for _, in := range e.Inner {
		s := in.XMLName.Local
		if len(in.Inner) > 0 {
			s += "(" + in.names() + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestVoiceTwiML(t *testing.T) {
	t.Parallel()
	v := &twilio.Voice{VoiceName: "Polly.Joanna", Language: "en-US", Hints: func() string { return "furnace, water heater" }}
	tests := []struct {
		name  string
		step  channels.VoiceStep
		shape string
		check func(t *testing.T, doc element)
	}{
		{"listen", channels.VoiceStep{Say: "How can I help?", Next: channels.VoiceListen, Turn: 3}, "Gather(Say)", func(t *testing.T, d element) {
			g := d.Inner[0]
			if g.attr("input") != "speech" || g.attr("action") != "/twilio/voice/gather?turn=3" || g.attr("hints") != "furnace, water heater" ||
				g.attr("language") != "en-US" || g.attr("actionOnEmptyResult") != "true" || g.Inner[0].attr("voice") != "Polly.Joanna" ||
				g.Inner[0].Text != "How can I help?" {
				t.Fatalf("gather: %+v", g)
			}
		}},
		{"wait", channels.VoiceStep{Say: "One moment.", Next: channels.VoiceWait, Turn: 2}, "Say Redirect", func(t *testing.T, d element) {
			if d.Inner[1].Text != "/twilio/voice/gather?turn=2&wait=1" {
				t.Fatalf("redirect: %+v", d.Inner[1])
			}
		}},
		{"dial", channels.VoiceStep{Say: "Connecting.", Next: channels.VoiceDial,
			Dial: &channels.Dial{To: "+19705550181", CallerID: "+19705550100", HandoffID: 42, Timeout: 20 * time.Second}},
			"Say Dial(Number)", func(t *testing.T, d element) {
				dial := d.Inner[1]
				n := dial.Inner[0]
				if dial.attr("callerId") != "+19705550100" || dial.attr("timeout") != "20" || dial.attr("action") != "/twilio/voice/dial?handoff=42" ||
					n.Text != "+19705550181" || n.attr("url") != "/twilio/voice/whisper?handoff=42" {
					t.Fatalf("dial: %+v", dial)
				}
			}},
		{"hang up", channels.VoiceStep{Say: "Goodbye.", Next: channels.VoiceHangup}, "Say Hangup", nil},
		{"words alone (a whisper)", channels.VoiceStep{Say: "A lead, buying intent."}, "Say", nil},
		{"words that need escaping", channels.VoiceStep{Say: `Tom & Jerry's <quote> "now"`, Next: channels.VoiceHangup}, "Say Hangup",
			func(t *testing.T, d element) {
				if d.Inner[0].Text != `Tom & Jerry's <quote> "now"` {
					t.Fatalf("say: %q", d.Inner[0].Text)
				}
			}},
	}
	for _, tt := range tests {
		doc, err := v.TwiML(tt.step)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var d element
		if err := xml.Unmarshal([]byte(doc), &d); err != nil || d.XMLName.Local != "Response" {
			t.Fatalf("%s: %v\n%s", tt.name, err, doc)
		}
		if d.names() != tt.shape {
			t.Fatalf("%s: shape %q, want %q\n%s", tt.name, d.names(), tt.shape, doc)
		}
		if tt.check != nil {
			tt.check(t, d)
		}
	}
	if _, err := v.TwiML(channels.VoiceStep{Next: channels.VoiceDial}); err == nil {
		t.Fatal("a dial without a number rendered")
	}
}

func TestParseSpeech(t *testing.T) {
	t.Parallel()
	tests := []struct {
		form, query string
		want        channels.Speech
		err         string
	}{
		{"CallSid=CA1&SpeechResult=+hello+&Confidence=0.87", "turn=2", channels.Speech{CallSID: "CA1", Turn: 2, Text: "hello", Confidence: 0.87}, ""},
		{"CallSid=CA1", "turn=1&wait=1", channels.Speech{CallSID: "CA1", Turn: 1, Waiting: true}, ""},
		{"SpeechResult=hi", "turn=1", channels.Speech{}, "missing CallSid"},
		{"CallSid=CA1", "turn=0", channels.Speech{}, "turn"},
		{"CallSid=CA1", "", channels.Speech{}, "turn"},
		{"CallSid=CA1&Confidence=1.7", "turn=1", channels.Speech{}, "Confidence"},
		{"CallSid=CA1&Confidence=abc", "turn=1", channels.Speech{}, "Confidence"},
	}
	for _, tt := range tests {
		f, _ := url.ParseQuery(tt.form)
		q, _ := url.ParseQuery(tt.query)
		got, err := twilio.ParseSpeech(f, q)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s ? %s: %v, want an error about %s", tt.form, tt.query, err, tt.err)
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("%s ? %s: %+v (%v), want %+v", tt.form, tt.query, got, err, tt.want)
		}
	}
}

func FuzzParseSpeech(f *testing.F) {
	f.Add("CallSid=CA1&SpeechResult=hi&Confidence=0.5", "turn=1")
	f.Add("CallSid=&Confidence=-1", "turn=-3&wait=1")
	f.Fuzz(func(t *testing.T, form, query string) {
		fv, err1 := url.ParseQuery(form)
		qv, err2 := url.ParseQuery(query)
		if err1 != nil || err2 != nil {
			return
		}
		s, err := twilio.ParseSpeech(fv, qv)
		if err == nil && (s.CallSID == "" || s.Turn < 1 || s.Confidence < 0 || s.Confidence > 1) {
			t.Fatalf("accepted %+v", s)
		}
	})
}

func TestParseCall(t *testing.T) {
	t.Parallel()
	f, _ := url.ParseQuery("CallSid=CA9&From=%2B19705551234&To=%2B19705550100&CallStatus=completed&CallDuration=61")
	c, err := twilio.ParseCall(f)
	if err != nil || c.CallSID != "CA9" || c.Duration != 61*time.Second || c.Status != "completed" {
		t.Fatalf("call = %+v (%v)", c, err)
	}
	for _, bad := range []string{"From=%2B1970", "CallSid=CA9", "CallSid=CA9&From=x&CallDuration=-4"} {
		f, _ := url.ParseQuery(bad)
		if _, err := twilio.ParseCall(f); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
}
