package twilio

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/twilio/twilio-go/twiml"

	"github.com/leadagent/leadagent/channels"
)

// Twilio's ConversationRelay: <Connect><ConversationRelay url=wss://...>
// makes Twilio open a WebSocket to Relay, do the speech recognition and
// text-to-speech itself, and exchange JSON messages:
//
//	Twilio → us: {"type":"setup","sessionId","callSid","from","to",...}
//	             {"type":"prompt","voicePrompt":"...","lang":"en-US","last":true}
//	             {"type":"interrupt","utteranceUntilInterrupt":"...","durationUntilInterruptMs":460}
//	             {"type":"dtmf","digit":"1"}, {"type":"error","description":"..."}
//	us → Twilio: {"type":"text","token":"...","last":false} ... {"type":"text","token":"","last":true}
//	             {"type":"end","handoffData":"..."}
//
// After "end" Twilio requests the <Connect action> URL (RelayEnd) with the
// HandoffData, and the TwiML answered there goes on with the call.

// voiceRelayEndPath is the <Connect action> of a relay session.
const voiceRelayEndPath = "/twilio/voice/relay-end"

// relayWriteTimeout bounds one message to Twilio; a session whose socket
// takes longer is gone.
const relayWriteTimeout = 5 * time.Second

// relayCloseAfterEnd is how long a session waits, after "end", for Twilio
// to close the socket before closing it itself.
const relayCloseAfterEnd = 10 * time.Second

// relayTwiML hands the call to a relay session that greets the caller
// with greeting.
func (v *Voice) relayTwiML(greeting string) twiml.Element {
	cr := &twiml.VoiceConversationRelay{Url: v.RelayURL, WelcomeGreeting: greeting, Language: v.Language}
	if v.Hints != nil {
		cr.Hints = v.Hints()
	}
	return &twiml.VoiceConnect{Action: voiceRelayEndPath, Method: "POST", InnerElements: []twiml.Element{cr}}
}

// Relay handles GET /twilio/relay: the WebSocket of a ConversationRelay
// session. The upgrade request must carry Twilio's signature over the
// WebSocket URL (wss://, or ws:// for a plain-HTTP server); one that does
// not gets 403 and no socket. Prompts go to the RelayReceiver one at a
// time; its words go back as text tokens while it writes them; an
// interrupt cancels the answer in flight.
func (v *Voice) Relay(w http.ResponseWriter, r *http.Request) {
	rr, ok := v.Receiver.(channels.RelayReceiver)
	if !ok {
		writeError(w, http.StatusNotFound, "voice relay is not configured")
		return
	}
	if !v.validRelay(r) {
		v.logger().Warn("twilio relay with a bad signature", "url", relayURL(v.Validator.URL(r)), "remote", r.RemoteAddr)
		writeError(w, http.StatusForbidden, "invalid X-Twilio-Signature")
		return
	}
	// Twilio is no browser: the signature, not the Origin, says who it is.
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		v.logger().Warn("twilio relay: websocket upgrade", "err", err)
		return
	}
	s := &relaySession{rr: rr, conn: conn, log: v.logger()}
	s.run(r.Context())
}

// RelayEnd handles POST /twilio/voice/relay-end, the <Connect action> of
// a relay session: the session ended (our "end", with HandoffData, or a
// failure), and the receiver's step goes on with the call.
func (v *Voice) RelayEnd(w http.ResponseWriter, r *http.Request) {
	form, ok := v.verified(w, r)
	if !ok {
		return
	}
	rr, ok := v.Receiver.(channels.RelayReceiver)
	if !ok {
		writeError(w, http.StatusNotFound, "voice relay is not configured")
		return
	}
	sid := form.Get("CallSid")
	if sid == "" {
		writeError(w, http.StatusBadRequest, "missing CallSid")
		return
	}
	if code := form.Get("ErrorCode"); code != "" {
		v.logger().Warn("twilio relay session failed", "call_sid", sid, "status", form.Get("SessionStatus"),
			"code", code, "error", form.Get("ErrorMessage"))
	}
	step, err := rr.RelayEnded(r.Context(), sid, form.Get("HandoffData"))
	if err != nil {
		v.fail(w, "relay end", sid, err)
		return
	}
	v.answer(w, step)
}

// validRelay checks the X-Twilio-Signature of a WebSocket upgrade: the
// URL signed is the socket's (wss://), with no parameters.
func (v *Voice) validRelay(r *http.Request) bool {
	sig := r.Header.Get(SignatureHeader)
	if !v.Validator.ok || sig == "" {
		return false
	}
	return v.Validator.rv.Validate(relayURL(v.Validator.URL(r)), map[string]string{}, sig)
}

// relayURL is the WebSocket URL for an HTTP one: https → wss, http → ws.
func relayURL(u string) string {
	switch {
	case strings.HasPrefix(u, "https://"):
		return "wss://" + strings.TrimPrefix(u, "https://")
	case strings.HasPrefix(u, "http://"):
		return "ws://" + strings.TrimPrefix(u, "http://")
	}
	return u
}

// relayIn is a message from Twilio; each type fills its own fields.
type relayIn struct {
	Type      string `json:"type"`
	SessionID string `json:"sessionId"`
	CallSID   string `json:"callSid"`
	From      string `json:"from"`
	To        string `json:"to"`
	Direction string `json:"direction"`
	// prompt
	VoicePrompt string `json:"voicePrompt"`
	Lang        string `json:"lang"`
	Last        bool   `json:"last"`
	// interrupt; Twilio's examples write the duration as a number and as
	// a string
	Utterance string          `json:"utteranceUntilInterrupt"`
	Duration  json.RawMessage `json:"durationUntilInterruptMs"`
	// dtmf, error
	Digit       string `json:"digit"`
	Description string `json:"description"`
}

// relayText is a piece of an answer to speak; the empty last one ends the
// answer.
type relayText struct {
	Type  string `json:"type"`
	Token string `json:"token"`
	Last  bool   `json:"last"`
}

// relayEnd ends the session.
type relayEnd struct {
	Type        string `json:"type"`
	HandoffData string `json:"handoffData"`
}

// relaySession is one WebSocket: a reader (run) and at most one answer in
// flight, in its own goroutine, so that an interrupt can stop it.
type relaySession struct {
	rr   channels.RelayReceiver
	conn *websocket.Conn
	log  *slog.Logger

	session channels.RelaySession // from setup
	turn    int

	mu     sync.Mutex
	cancel context.CancelCauseFunc // the answer in flight
	done   chan struct{}           // closed when it returns
	ended  bool
	closer *time.Timer
}

var errSessionClosed = errors.New("the relay session closed")

func (s *relaySession) run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer s.conn.CloseNow() //nolint:errcheck // the socket is done either way
	defer s.stopAnswer(errSessionClosed)
	defer func() {
		s.mu.Lock()
		if s.closer != nil {
			s.closer.Stop()
		}
		s.mu.Unlock()
	}()
	for {
		typ, data, err := s.conn.Read(ctx)
		if err != nil {
			switch websocket.CloseStatus(err) {
			case websocket.StatusNormalClosure, websocket.StatusGoingAway:
				s.log.Debug("twilio relay closed", "call_sid", s.session.CallSID)
			default:
				if ctx.Err() == nil {
					s.log.Info("twilio relay ended", "call_sid", s.session.CallSID, "err", err)
				}
			}
			return
		}
		if typ != websocket.MessageText {
			s.log.Warn("twilio relay: binary message ignored", "call_sid", s.session.CallSID)
			continue
		}
		var m relayIn
		if err := json.Unmarshal(data, &m); err != nil {
			s.log.Error("twilio relay: malformed message ignored", "call_sid", s.session.CallSID, "err", err, "bytes", len(data))
			continue
		}
		switch m.Type {
		case "setup":
			s.setup(ctx, m)
		case "prompt":
			s.prompt(ctx, m)
		case "interrupt":
			s.interrupt(m)
		case "dtmf":
			s.log.Debug("twilio relay: key pressed", "call_sid", s.session.CallSID, "digit", m.Digit)
		case "error":
			s.log.Warn("twilio relay: error from Twilio", "call_sid", s.session.CallSID, "description", m.Description)
		default:
			s.log.Warn("twilio relay: unknown message ignored", "call_sid", s.session.CallSID, "type", m.Type)
		}
	}
}

func (s *relaySession) setup(ctx context.Context, m relayIn) {
	if s.session.CallSID != "" {
		s.log.Warn("twilio relay: second setup ignored", "call_sid", s.session.CallSID)
		return
	}
	if m.CallSID == "" {
		s.log.Error("twilio relay: setup without a callSid")
		_ = s.conn.Close(websocket.StatusPolicyViolation, "setup without a callSid")
		return
	}
	s.session = channels.RelaySession{SessionID: m.SessionID, CallSID: m.CallSID, From: m.From, To: m.To, Direction: m.Direction}
	if err := s.rr.RelayStarted(ctx, s.session); err != nil {
		s.log.Error("twilio relay: start", "call_sid", m.CallSID, "err", err)
		s.end(ctx, "")
	}
}

// prompt starts the answer to what the caller said, after the answer
// before it (a caller who speaks again is not waiting for that one).
func (s *relaySession) prompt(ctx context.Context, m relayIn) {
	text := strings.TrimSpace(m.VoicePrompt)
	switch {
	case s.session.CallSID == "":
		s.log.Warn("twilio relay: prompt before setup ignored")
		return
	case !m.Last || text == "":
		return // a partial transcript: the last one is the caller's words
	}
	s.stopAnswer(&channels.Interrupted{})
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	s.turn++
	p := channels.RelayPrompt{SessionID: s.session.SessionID, CallSID: s.session.CallSID, Turn: s.turn, Text: text, Lang: m.Lang}
	answerCtx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	s.cancel, s.done = cancel, done
	go func() {
		defer close(done)
		defer cancel(nil)
		s.answer(ctx, answerCtx, p)
	}()
}

// answer runs one prompt: its words go out as they come, then the empty
// last token, and the end of the session when the answer says so. Nothing
// is sent once answerCtx ends.
func (s *relaySession) answer(ctx, answerCtx context.Context, p channels.RelayPrompt) {
	say := func(token string) error {
		if answerCtx.Err() != nil {
			return context.Cause(answerCtx)
		}
		if token == "" {
			return nil
		}
		return s.send(ctx, relayText{Type: "text", Token: token})
	}
	ans, err := s.rr.RelayPrompt(answerCtx, p, say)
	interrupted := answerCtx.Err() != nil
	switch {
	case err == nil && ans.End:
		// A handoff ends the session even when the caller spoke over
		// its last words.
		if !interrupted {
			s.lastToken(ctx, p)
		}
		s.end(ctx, ans.HandoffData)
	case interrupted:
		// The caller spoke over it, or the session closed: nothing more.
	case err != nil:
		s.log.Error("twilio relay: answer", "call_sid", p.CallSID, "turn", p.Turn, "err", err)
		s.end(ctx, "")
	default:
		s.lastToken(ctx, p)
	}
}

// lastToken ends an answer's text.
func (s *relaySession) lastToken(ctx context.Context, p channels.RelayPrompt) {
	if err := s.send(ctx, relayText{Type: "text", Last: true}); err != nil {
		s.log.Info("twilio relay: send", "call_sid", p.CallSID, "err", err)
	}
}

// interrupt stops the answer in flight: the caller spoke over it.
func (s *relaySession) interrupt(m relayIn) {
	ms, _ := strconv.ParseFloat(strings.Trim(string(m.Duration), `"`), 64)
	cause := &channels.Interrupted{Heard: m.Utterance, After: time.Duration(ms * float64(time.Millisecond))}
	s.mu.Lock()
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel(cause)
	}
	s.log.Debug("twilio relay: caller interrupted", "call_sid", s.session.CallSID, "after", cause.After)
}

// stopAnswer cancels the answer in flight, if any, and waits for it.
func (s *relaySession) stopAnswer(cause error) {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.cancel, s.done = nil, nil
	s.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel(cause)
	<-done
}

// end ends the session once: Twilio then requests the <Connect action>
// with handoffData. A socket Twilio leaves open is closed after a while.
func (s *relaySession) end(ctx context.Context, handoffData string) {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	s.ended = true
	s.closer = time.AfterFunc(relayCloseAfterEnd, func() { _ = s.conn.Close(websocket.StatusNormalClosure, "session ended") })
	s.mu.Unlock()
	if err := s.send(ctx, relayEnd{Type: "end", HandoffData: handoffData}); err != nil {
		s.log.Info("twilio relay: send end", "call_sid", s.session.CallSID, "err", err)
	}
}

// send writes one message. Its context is the session's, never an
// answer's: a write cut short by a cancelled context closes the socket.
func (s *relaySession) send(ctx context.Context, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, relayWriteTimeout)
	defer cancel()
	return s.conn.Write(ctx, websocket.MessageText, b)
}
