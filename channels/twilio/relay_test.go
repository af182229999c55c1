package twilio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/twilio"
)

const relayToken = "0123456789abcdef0123456789abcdef"

// fakeRelay is a RelayReceiver whose answers the test scripts.
type fakeRelay struct {
	channels.VoiceReceiver // not called
	answer                 func(ctx context.Context, p channels.RelayPrompt, say func(string) error) (channels.RelayAnswer, error)

	mu       sync.Mutex
	sessions []channels.RelaySession
	prompts  []channels.RelayPrompt
	ended    []string // callSID + " " + handoffData
}

func (f *fakeRelay) RelayStarted(_ context.Context, s channels.RelaySession) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions = append(f.sessions, s)
	return nil
}

func (f *fakeRelay) RelayPrompt(ctx context.Context, p channels.RelayPrompt, say func(string) error) (channels.RelayAnswer, error) {
	f.mu.Lock()
	f.prompts = append(f.prompts, p)
	f.mu.Unlock()
	return f.answer(ctx, p, say)
}

func (f *fakeRelay) RelayEnded(_ context.Context, callSID, data string) (channels.VoiceStep, error) {
	f.mu.Lock()
	f.ended = append(f.ended, callSID+" "+data)
	f.mu.Unlock()
	return channels.VoiceStep{Say: "Connecting you now.", Next: channels.VoiceDial,
		Dial: &channels.Dial{To: "+19705550181", CallerID: "+19705550100", HandoffID: 7, Timeout: 20 * time.Second}}, nil
}

// sayWords says each word of text as its own token.
func sayWords(say func(string) error, text string) error {
	for i, w := range strings.Fields(text) {
		if i > 0 {
			w = " " + w
		}
		if err := say(w); err != nil {
			return err
		}
	}
	return nil
}

// syncBuffer collects log lines from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type relayBundle struct {
	srv  *httptest.Server
	recv *fakeRelay
	logs *syncBuffer
}

func setupRelay(t *testing.T, answer func(ctx context.Context, p channels.RelayPrompt, say func(string) error) (channels.RelayAnswer, error)) *relayBundle {
	t.Helper()
	b := &relayBundle{recv: &fakeRelay{answer: answer}, logs: &syncBuffer{}}
	v := &twilio.Voice{Receiver: b.recv, Validator: twilio.NewValidator(relayToken, ""),
		Logger: slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /twilio/relay", v.Relay)
	mux.HandleFunc("POST /twilio/voice/relay-end", v.RelayEnd)
	b.srv = httptest.NewServer(mux)
	t.Cleanup(b.srv.Close)
	return b
}

func (b *relayBundle) wsURL() string {
	return "ws" + strings.TrimPrefix(b.srv.URL, "http") + "/twilio/relay"
}

// relayClient speaks ConversationRelay's protocol as Twilio does. A
// reader goroutine queues what the server sends: a read cut short by a
// timeout would close the socket.
type relayClient struct {
	t    *testing.T
	conn *websocket.Conn
	in   chan []byte
}

func (b *relayBundle) dial(t *testing.T) *relayClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h := http.Header{twilio.SignatureHeader: {twilio.Sign(relayToken, b.wsURL(), nil)}}
	conn, resp, err := websocket.Dial(ctx, b.wsURL(), &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	t.Cleanup(func() { conn.CloseNow() })
	c := &relayClient{t: t, conn: conn, in: make(chan []byte, 256)}
	go func() {
		defer close(c.in)
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				return
			}
			c.in <- b
		}
	}()
	return c
}

func (c *relayClient) send(v any) {
	c.t.Helper()
	var b []byte
	if s, ok := v.(string); ok {
		b = []byte(s)
	} else {
		b, _ = json.Marshal(v)
	}
	if err := c.conn.Write(context.Background(), websocket.MessageText, b); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

type relayOut struct {
	Type        string `json:"type"`
	Token       string `json:"token"`
	Last        bool   `json:"last"`
	HandoffData string `json:"handoffData"`
}

// recv returns the next message, or an error after wait or when the
// socket closed.
func (c *relayClient) recv(wait time.Duration) (relayOut, error) {
	select {
	case b, ok := <-c.in:
		if !ok {
			return relayOut{}, errors.New("socket closed")
		}
		var m relayOut
		if err := json.Unmarshal(b, &m); err != nil {
			c.t.Fatalf("not JSON: %s", b)
		}
		return m, nil
	case <-time.After(wait):
		return relayOut{}, errors.New("nothing came")
	}
}

// answer reads text tokens up to the last one and returns them joined.
func (c *relayClient) answer() string {
	c.t.Helper()
	var text strings.Builder
	for {
		m, err := c.recv(5 * time.Second)
		if err != nil {
			c.t.Fatalf("after %q: %v", text.String(), err)
		}
		if m.Type != "text" {
			c.t.Fatalf("after %q: a %q message, want text", text.String(), m.Type)
		}
		if m.Last {
			if m.Token != "" {
				c.t.Fatalf("last token %q, want empty", m.Token)
			}
			return text.String()
		}
		text.WriteString(m.Token)
	}
}

func setupMessage(sid string) map[string]any {
	return map[string]any{"type": "setup", "sessionId": "VX" + sid[2:], "callSid": sid, "from": "+19705554001", "to": "+19705550100",
		"direction": "inbound", "customParameters": map[string]string{}}
}

func promptMessage(text string) map[string]any {
	return map[string]any{"type": "prompt", "voicePrompt": text, "lang": "en-US", "last": true}
}

// TestRelaySession: setup opens the session on its call; each prompt's
// answer arrives as text tokens then the empty last one; an answer that
// ends the session sends "end" with its handoff data, and the <Connect
// action> renders the receiver's next step.
func TestRelaySession(t *testing.T) {
	t.Parallel()
	b := setupRelay(t, func(ctx context.Context, p channels.RelayPrompt, say func(string) error) (channels.RelayAnswer, error) {
		if strings.Contains(p.Text, "person") {
			return channels.RelayAnswer{End: true, HandoffData: `{"handoff":7}`}, sayWords(say, "Let me get someone.")
		}
		return channels.RelayAnswer{}, sayWords(say, "We are open Monday to Friday.")
	})
	c := b.dial(t)
	const sid = "CA00000000000000000000000000relay1"
	c.send(setupMessage(sid))
	c.send(promptMessage("when are you open"))
	if got := c.answer(); got != "We are open Monday to Friday." {
		t.Fatalf("answer %q", got)
	}
	c.send(map[string]any{"type": "prompt", "voicePrompt": "can I talk", "last": false}) // partial: no answer
	c.send(promptMessage("can I talk to a person"))
	if got := c.answer(); got != "Let me get someone." {
		t.Fatalf("answer %q", got)
	}
	end, err := c.recv(5 * time.Second)
	if err != nil || end.Type != "end" || end.HandoffData != `{"handoff":7}` {
		t.Fatalf("end: %+v %v", end, err)
	}

	b.recv.mu.Lock()
	sessions, prompts := b.recv.sessions, b.recv.prompts
	b.recv.mu.Unlock()
	if len(sessions) != 1 || sessions[0].CallSID != sid || sessions[0].From != "+19705554001" || sessions[0].SessionID == "" {
		t.Fatalf("sessions %+v", sessions)
	}
	if len(prompts) != 2 || prompts[0].Turn != 1 || prompts[1].Turn != 2 || prompts[1].Text != "can I talk to a person" || prompts[0].Lang != "en-US" {
		t.Fatalf("prompts %+v", prompts)
	}

	// Twilio requests the <Connect action> with the handoff data.
	form := url.Values{"CallSid": {sid}, "AccountSid": {"AC0"}, "SessionId": {"VX1"}, "SessionStatus": {"ended"}, "HandoffData": {end.HandoffData}}
	u := b.srv.URL + "/twilio/voice/relay-end"
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(twilio.SignatureHeader, twilio.Sign(relayToken, u, form))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var doc element
	if err := xml.Unmarshal(body, &doc); err != nil || resp.StatusCode != 200 || doc.names() != "Say Dial(Number)" {
		t.Fatalf("relay-end: %d %s (%v)", resp.StatusCode, body, err)
	}
	if b.recv.ended[0] != sid+` {"handoff":7}` {
		t.Fatalf("ended %q", b.recv.ended)
	}
	unsigned, _ := http.Post(u, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	unsigned.Body.Close()
	if unsigned.StatusCode != http.StatusForbidden {
		t.Fatalf("unsigned relay-end: %d", unsigned.StatusCode)
	}
}

// TestRelayInterruptCancelsTheAnswer: an interrupt cancels the answer in
// flight (its context ends with the caller's interruption as the cause)
// and no token follows; the next prompt is answered.
func TestRelayInterruptCancelsTheAnswer(t *testing.T) {
	t.Parallel()
	cancelled := make(chan error, 1)
	var sentAfter int
	var mu sync.Mutex
	b := setupRelay(t, func(ctx context.Context, p channels.RelayPrompt, say func(string) error) (channels.RelayAnswer, error) {
		if p.Turn > 1 {
			return channels.RelayAnswer{}, say("Sure.")
		}
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				cancelled <- context.Cause(ctx)
				// A receiver that tries to go on is refused.
				if err := say(" more"); err == nil {
					mu.Lock()
					sentAfter++
					mu.Unlock()
				}
				return channels.RelayAnswer{}, ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
			if err := say(" word"); err != nil {
				return channels.RelayAnswer{}, err
			}
		}
	})
	c := b.dial(t)
	c.send(setupMessage("CA00000000000000000000000000relay2"))
	c.send(promptMessage("tell me everything"))
	for i := 0; i < 3; i++ {
		if m, err := c.recv(5 * time.Second); err != nil || m.Type != "text" || m.Last {
			t.Fatalf("token %d: %+v %v", i, m, err)
		}
	}
	c.send(map[string]any{"type": "interrupt", "utteranceUntilInterrupt": "word word", "durationUntilInterruptMs": 460})
	var cause error
	select {
	case cause = <-cancelled:
	case <-time.After(2 * time.Second):
		t.Fatal("the answer's context was not cancelled")
	}
	var in *channels.Interrupted
	if !errors.As(cause, &in) || in.Heard != "word word" || in.After != 460*time.Millisecond {
		t.Fatalf("cause %v (%+v)", cause, in)
	}
	// Tokens written before the interrupt was read may still be on the
	// way; after them, nothing but the next answer.
	for {
		m, err := c.recv(300 * time.Millisecond)
		if err != nil {
			break // quiet
		}
		if m.Token != " word" || m.Last {
			t.Fatalf("after the interrupt: %+v", m)
		}
	}
	mu.Lock()
	if sentAfter != 0 {
		t.Fatalf("%d tokens sent after the cancel", sentAfter)
	}
	mu.Unlock()
	c.send(promptMessage("ok just the hours"))
	if got := c.answer(); got != "Sure." {
		t.Fatalf("next answer %q", got)
	}
}

// TestRelayBadSignature: an unsigned or wrongly signed upgrade gets 403
// and no socket.
func TestRelayBadSignature(t *testing.T) {
	t.Parallel()
	b := setupRelay(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for name, sig := range map[string]string{
		"unsigned":         "",
		"wrong token":      twilio.Sign("ffffffffffffffffffffffffffffffff", b.wsURL(), nil),
		"signed as https:": twilio.Sign(relayToken, "http"+strings.TrimPrefix(b.wsURL(), "ws"), nil),
	} {
		h := http.Header{}
		if sig != "" {
			h.Set(twilio.SignatureHeader, sig)
		}
		_, resp, err := websocket.Dial(ctx, b.wsURL(), &websocket.DialOptions{HTTPHeader: h})
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %v %v, want 403", name, resp, err)
		}
	}
	if len(b.recv.sessions) != 0 {
		t.Fatalf("sessions %+v", b.recv.sessions)
	}
}

// TestRelayIgnoresMalformedMessages: bad JSON and unknown types are
// logged and skipped; the session stays up.
func TestRelayIgnoresMalformedMessages(t *testing.T) {
	t.Parallel()
	b := setupRelay(t, func(ctx context.Context, p channels.RelayPrompt, say func(string) error) (channels.RelayAnswer, error) {
		return channels.RelayAnswer{}, sayWords(say, "Still here.")
	})
	c := b.dial(t)
	c.send(setupMessage("CA00000000000000000000000000relay3"))
	c.send(`{"type":"prompt","voicePrompt":`)
	c.send(`{"type":"wat"}`)
	c.send(map[string]any{"type": "error", "description": "Invalid message received"})
	c.send(promptMessage("hello?"))
	if got := c.answer(); got != "Still here." {
		t.Fatalf("answer %q", got)
	}
	logs := b.logs.String()
	if !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "malformed message") || !strings.Contains(logs, "unknown message") {
		t.Fatalf("logs:\n%s", logs)
	}
}

// TestRelayTwiML: with RelayURL set, a call listens through
// ConversationRelay, greeting with the step's words, and ends at the
// relay-end action.
func TestRelayTwiML(t *testing.T) {
	t.Parallel()
	v := &twilio.Voice{Language: "en-US", RelayURL: "wss://leads.example.com/twilio/relay", Hints: func() string { return "furnace" }}
	doc, err := v.TwiML(channels.VoiceStep{Say: "Hi, you're speaking with the AI assistant.", Next: channels.VoiceListen, Turn: 1})
	if err != nil {
		t.Fatal(err)
	}
	var d element
	if err := xml.Unmarshal([]byte(doc), &d); err != nil || d.names() != "Connect(ConversationRelay)" {
		t.Fatalf("%v\n%s", err, doc)
	}
	connect, cr := d.Inner[0], d.Inner[0].Inner[0]
	if connect.attr("action") != "/twilio/voice/relay-end" || cr.attr("url") != v.RelayURL ||
		cr.attr("welcomeGreeting") != "Hi, you're speaking with the AI assistant." || cr.attr("language") != "en-US" || cr.attr("hints") != "furnace" {
		t.Fatalf("relay: %s", doc)
	}
	// Other steps render as before.
	if doc, _ := v.TwiML(channels.VoiceStep{Say: "Goodbye.", Next: channels.VoiceHangup}); !strings.Contains(doc, "<Hangup") {
		t.Fatalf("hangup: %s", doc)
	}
}
