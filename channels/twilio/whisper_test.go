package twilio_test

import (
	"encoding/xml"
	"testing"

	"github.com/leadagent/leadagent/channels/twilio"
)

// TestWhisperTwiML: the whisper is a <Gather> of one key within a few
// seconds, answering back to the whisper's URL, then a <Hangup> for no
// key, so the caller is never connected to a voicemail.
func TestWhisperTwiML(t *testing.T) {
	t.Parallel()
	v := &twilio.Voice{VoiceName: "Polly.Joanna"}
	doc, err := v.WhisperTwiML("Summit call from Dana, buying intent. Press 1 to take the call.", 42)
	if err != nil {
		t.Fatal(err)
	}
	var d element
	if err := xml.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	if d.names() != "Gather(Say) Hangup" {
		t.Fatalf("shape %q\n%s", d.names(), doc)
	}
	g := d.Inner[0]
	if g.attr("input") != "dtmf" || g.attr("numDigits") != "1" || g.attr("timeout") != "5" ||
		g.attr("action") != "/twilio/voice/whisper?handoff=42" || g.attr("method") != "POST" ||
		g.Inner[0].attr("voice") != "Polly.Joanna" || g.Inner[0].Text != "Summit call from Dana, buying intent. Press 1 to take the call." {
		t.Fatalf("gather: %+v", g)
	}
}
