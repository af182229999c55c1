package twilio

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twilio/twilio-go/twiml"

	"github.com/leadagent/leadagent/channels"
)

// Voice serves Twilio's Voice webhooks: a call starting, each turn of the
// caller's speech (<Gather input="speech">), the whisper a rep hears, the
// end of a dial, and status callbacks. It checks signatures, parses, asks
// the VoiceReceiver what to do, and answers in TwiML built with twilio-go's
// twiml package.
type Voice struct {
	Receiver  channels.VoiceReceiver
	Validator Validator
	// VoiceName and Language are how <Say> speaks and <Gather> listens
	// ("Polly.Joanna", "en-US"); empty leaves Twilio's defaults.
	VoiceName string
	Language  string
	// Hints returns words the caller is likely to say (the business's
	// services), for the speech recognizer.
	Hints func() string
	// RelayURL, when set, is the WebSocket URL of the relay session
	// ("wss://HOST/twilio/relay"): a call listens through ConversationRelay
	// (<Connect><ConversationRelay>, served by Relay, streaming the answers)
	// instead of <Gather>. Receiver must then be a channels.RelayReceiver.
	RelayURL string
	Logger   *slog.Logger
	Now      func() time.Time
}

// Paths the TwiML points back at; web mounts the handlers there.
const (
	voiceGatherPath  = "/twilio/voice/gather"
	voiceWhisperPath = "/twilio/voice/whisper"
	voiceDialPath    = "/twilio/voice/dial"
)

// Call handles POST /twilio/voice: a call comes in.
func (v *Voice) Call(w http.ResponseWriter, r *http.Request) {
	form, ok := v.verified(w, r)
	if !ok {
		return
	}
	c, err := ParseCall(form)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	c.ReceivedAt = v.now()
	step, err := v.Receiver.CallStarted(r.Context(), c)
	if err != nil {
		v.fail(w, "call", c.CallSID, err)
		return
	}
	v.answer(w, step)
}

// Gather handles POST /twilio/voice/gather?turn=N: what the caller said
// (SpeechResult, Confidence), or nothing (silence), or, with wait=1, the
// return for an answer that was still being written.
func (v *Voice) Gather(w http.ResponseWriter, r *http.Request) {
	form, ok := v.verified(w, r)
	if !ok {
		return
	}
	s, err := ParseSpeech(form, r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	step, err := v.Receiver.Heard(r.Context(), s)
	if err != nil {
		v.fail(w, "speech", s.CallSID, err)
		return
	}
	v.answer(w, step)
}

// Screening: the whisper asks the rep to press a key, within
// whisperTimeout; no key hangs up the rep's leg, and the dial ends
// without connecting the caller.
const whisperTimeout = 5

// Whisper handles POST /twilio/voice/whisper?handoff=ID: TwiML the rep
// hears on answering, before the caller is connected, and the answer to
// it. Twilio runs a <Number url> on the rep's leg while the caller hears
// ringing: the caller is connected when that TwiML ends, and not when it
// hangs the rep's leg up. So the whisper is a <Gather> of one key: a key
// comes back here (Digits, CallSid of the rep's leg, ParentCallSid of the
// caller's) for the receiver to connect or decline; no key in time falls
// through to <Hangup>, so a rep's voicemail never takes the call.
func (v *Voice) Whisper(w http.ResponseWriter, r *http.Request) {
	form, ok := v.verified(w, r)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.URL.Query().Get("handoff"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "handoff must be a handoff id")
		return
	}
	if digits, pressed := form["Digits"]; pressed {
		sid := form.Get("ParentCallSid")
		if sid == "" {
			sid = form.Get("CallSid")
		}
		if sid == "" {
			writeError(w, http.StatusBadRequest, "missing ParentCallSid or CallSid")
			return
		}
		step, err := v.Receiver.WhisperAnswered(r.Context(), sid, id, strings.Join(digits, ""))
		if err != nil {
			v.fail(w, "whisper answer", sid, err)
			return
		}
		v.answer(w, step)
		return
	}
	text, err := v.Receiver.Whisper(r.Context(), id)
	if err != nil {
		v.fail(w, "whisper", strconv.FormatInt(id, 10), err)
		return
	}
	doc, err := v.WhisperTwiML(text, id)
	if err != nil {
		v.logger().Error("twiml", "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write([]byte(doc))
}

// WhisperTwiML renders a whisper: its words inside a <Gather> of one key
// that answers back to the whisper's URL, then <Hangup> for no key.
func (v *Voice) WhisperTwiML(text string, handoffID int64) (string, error) {
	g := &twiml.VoiceGather{Input: "dtmf", NumDigits: "1", Timeout: strconv.Itoa(whisperTimeout),
		Action: fmt.Sprintf("%s?handoff=%d", voiceWhisperPath, handoffID), Method: "POST",
		InnerElements: []twiml.Element{&twiml.VoiceSay{Message: text, Voice: v.VoiceName, Language: v.Language}}}
	return twiml.Voice([]twiml.Element{g, &twiml.VoiceHangup{}})
}

// DialEnded handles POST /twilio/voice/dial?handoff=ID: the <Dial> to a
// rep ended (DialCallStatus).
func (v *Voice) DialEnded(w http.ResponseWriter, r *http.Request) {
	form, ok := v.verified(w, r)
	if !ok {
		return
	}
	sid := form.Get("CallSid")
	id, err := strconv.ParseInt(r.URL.Query().Get("handoff"), 10, 64)
	if sid == "" || err != nil {
		writeError(w, http.StatusBadRequest, "missing CallSid or handoff")
		return
	}
	step, err := v.Receiver.DialEnded(r.Context(), sid, id, form.Get("DialCallStatus"))
	if err != nil {
		v.fail(w, "dial", sid, err)
		return
	}
	v.answer(w, step)
}

// Status handles POST /twilio/voice/status: the call's status callback.
func (v *Voice) Status(w http.ResponseWriter, r *http.Request) {
	form, ok := v.verified(w, r)
	if !ok {
		return
	}
	c, err := ParseCall(form)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	c.ReceivedAt = v.now()
	if err := v.Receiver.CallStatus(r.Context(), c); err != nil {
		v.fail(w, "call status", c.CallSID, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ParseCall reads a voice webhook's call fields; CallSid and From are
// required.
func ParseCall(form url.Values) (channels.Call, error) {
	c := channels.Call{CallSID: form.Get("CallSid"), From: form.Get("From"), To: form.Get("To"),
		Status: form.Get("CallStatus"), Direction: form.Get("Direction")}
	switch {
	case c.CallSID == "":
		return c, errors.New("missing CallSid")
	case c.From == "":
		return c, errors.New("missing From")
	}
	if d := form.Get("CallDuration"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 {
			return c, fmt.Errorf("CallDuration %q is not a number of seconds", d)
		}
		c.Duration = time.Duration(n) * time.Second
	}
	return c, nil
}

// ParseSpeech reads a <Gather> action: the form's SpeechResult and
// Confidence, the turn number and wait flag from the action URL's query.
func ParseSpeech(form, query url.Values) (channels.Speech, error) {
	s := channels.Speech{CallSID: form.Get("CallSid"), Text: strings.TrimSpace(form.Get("SpeechResult")), Waiting: query.Get("wait") == "1"}
	if s.CallSID == "" {
		return s, errors.New("missing CallSid")
	}
	turn, err := strconv.Atoi(query.Get("turn"))
	if err != nil || turn < 1 {
		return s, fmt.Errorf("turn %q is not a turn number", query.Get("turn"))
	}
	s.Turn = turn
	if c := form.Get("Confidence"); c != "" {
		f, err := strconv.ParseFloat(c, 64)
		if err != nil || f < 0 || f > 1 {
			return s, fmt.Errorf("Confidence %q is not a number from 0 to 1", c)
		}
		s.Confidence = f
	}
	return s, nil
}

// answer writes a step as TwiML.
func (v *Voice) answer(w http.ResponseWriter, step channels.VoiceStep) {
	doc, err := v.TwiML(step)
	if err != nil {
		v.logger().Error("twiml", "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write([]byte(doc))
}

// TwiML renders a step: <Say> its words, then <Gather> the next turn, a
// <Redirect> to wait for an answer, a <Dial> with a whisper, or <Hangup>.
func (v *Voice) TwiML(step channels.VoiceStep) (string, error) {
	var verbs []twiml.Element
	say := func() twiml.Element {
		return &twiml.VoiceSay{Message: step.Say, Voice: v.VoiceName, Language: v.Language}
	}
	switch step.Next {
	case channels.VoiceListen:
		if v.RelayURL != "" {
			verbs = append(verbs, v.relayTwiML(step.Say))
			break
		}
		g := &twiml.VoiceGather{Input: "speech", Action: fmt.Sprintf("%s?turn=%d", voiceGatherPath, step.Turn), Method: "POST",
			SpeechTimeout: "auto", Language: v.Language, ActionOnEmptyResult: "true"}
		if v.Hints != nil {
			g.Hints = v.Hints()
		}
		if step.Say != "" {
			g.InnerElements = []twiml.Element{say()}
		}
		verbs = append(verbs, g)
	case channels.VoiceWait:
		if step.Say != "" {
			verbs = append(verbs, say())
		}
		verbs = append(verbs, &twiml.VoiceRedirect{Url: fmt.Sprintf("%s?turn=%d&wait=1", voiceGatherPath, step.Turn), Method: "POST"})
	case channels.VoiceDial:
		if step.Dial == nil {
			return "", errors.New("dial step without a number")
		}
		if step.Say != "" {
			verbs = append(verbs, say())
		}
		d := step.Dial
		timeout := ""
		if d.Timeout > 0 {
			timeout = strconv.Itoa(int(d.Timeout.Seconds()))
		}
		number := &twiml.VoiceNumber{PhoneNumber: d.To}
		if d.HandoffID != 0 {
			// A dial for a handoff whispers its summary to the rep first; a
			// rep who already has the conversation needs none.
			number.Url, number.Method = fmt.Sprintf("%s?handoff=%d", voiceWhisperPath, d.HandoffID), "POST"
		}
		verbs = append(verbs, &twiml.VoiceDial{CallerId: d.CallerID, Timeout: timeout, Method: "POST",
			Action:        fmt.Sprintf("%s?handoff=%d", voiceDialPath, d.HandoffID),
			InnerElements: []twiml.Element{number}})
	default: // hang up, or a whisper: words alone
		if step.Say != "" {
			verbs = append(verbs, say())
		}
		if step.Next == channels.VoiceHangup {
			verbs = append(verbs, &twiml.VoiceHangup{})
		}
	}
	return twiml.Voice(verbs)
}

func (v *Voice) verified(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	h := Webhooks{Validator: v.Validator, Logger: v.Logger}
	return h.verified(w, r)
}

func (v *Voice) fail(w http.ResponseWriter, what, sid string, err error) {
	h := Webhooks{Logger: v.Logger}
	h.fail(w, what, sid, err)
}

func (v *Voice) logger() *slog.Logger {
	if v.Logger != nil {
		return v.Logger
	}
	return slog.Default()
}

func (v *Voice) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}
