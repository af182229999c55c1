package twilio_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/channels/twilio"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "f00dfeedf00dfeedf00dfeedf00dfeed"
	fromNumber = "+15005550006"
	leadPhone  = "+19705551234"
)

type senderBundle struct {
	sandbox *sandbox.Server
	server  *httptest.Server
	sender  *twilio.Sender
}

// setup runs the sandbox mounted at /sandbox, as the leadagent server
// mounts it, and a Sender pointed at it.
func setup(t *testing.T) senderBundle {
	t.Helper()
	sb := sandbox.New(sandbox.Config{AccountSID: accountSID, AuthToken: authToken})
	t.Cleanup(sb.Close)
	mux := http.NewServeMux()
	mux.Handle("/sandbox/", sb)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s, err := twilio.NewSender(twilio.SenderConfig{
		AccountSID: accountSID, AuthToken: authToken, FromNumber: fromNumber,
		APIBase: srv.URL + "/sandbox",
	})
	if err != nil {
		t.Fatal(err)
	}
	return senderBundle{sandbox: sb, server: srv, sender: s}
}

var smSID = regexp.MustCompile(`^SM[0-9a-f]{32}$`)

func TestSendCreatesMessage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res, err := b.sender.Send(context.Background(), channels.Outbound{
		To: leadPhone, Body: "We service heat pumps, yes! 👍", StatusCallback: "http://127.0.0.1:1/twilio/sms/status",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !smSID.MatchString(res.ProviderSID) || res.Status != "queued" {
		t.Errorf("result = %+v, want an SM SID and status queued", res)
	}
	m, ok := b.sandbox.Message(res.ProviderSID)
	if !ok {
		t.Fatalf("sandbox has no message %s", res.ProviderSID)
	}
	if m.To != leadPhone || m.From != fromNumber || m.Body != "We service heat pumps, yes! 👍" ||
		m.StatusCallback != "http://127.0.0.1:1/twilio/sms/status" || m.AccountSID != accountSID {
		t.Errorf("recorded %+v", m)
	}
}

func TestSendWithMessagingService(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s, err := twilio.NewSender(twilio.SenderConfig{
		AccountSID: accountSID, AuthToken: authToken,
		FromNumber: fromNumber, MessagingServiceSID: "MG0123456789abcdef0123456789abcdef",
		APIBase: b.server.URL + "/sandbox/",
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Send(context.Background(), channels.Outbound{To: leadPhone, Body: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := b.sandbox.Message(res.ProviderSID)
	if res.Status != "accepted" || m.MessagingServiceSID != "MG0123456789abcdef0123456789abcdef" {
		t.Errorf("status %q, service %q: want accepted through the service", res.Status, m.MessagingServiceSID)
	}
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		arrange   func(b senderBundle)
		sender    func(t *testing.T, b senderBundle) *twilio.Sender
		msg       channels.Outbound
		status    int
		code      int
		retryable bool
	}{
		{
			name: "wrong auth token",
			sender: func(t *testing.T, b senderBundle) *twilio.Sender {
				return newSender(t, b, accountSID, "0000feedf00dfeedf00dfeedf00d0000")
			},
			msg:    channels.Outbound{To: leadPhone, Body: "hi"},
			status: 401, code: 20003,
		},
		{
			name: "another account",
			sender: func(t *testing.T, b senderBundle) *twilio.Sender {
				return newSender(t, b, "ACffffffffffffffffffffffffffffffff", authToken)
			},
			msg:    channels.Outbound{To: leadPhone, Body: "hi"},
			status: 401, code: 20003,
		},
		{name: "no To", msg: channels.Outbound{Body: "hi"}, status: 400, code: 21604},
		{name: "To not E.164", msg: channels.Outbound{To: "970-555-1234", Body: "hi"}, status: 400, code: 21211},
		{name: "no body", msg: channels.Outbound{To: leadPhone}, status: 400, code: 21602},
		{name: "body over 1,600 characters", msg: channels.Outbound{To: leadPhone, Body: strings.Repeat("a", 1601)}, status: 400, code: 21617},
		{
			name:    "recipient unsubscribed",
			arrange: func(b senderBundle) { b.sandbox.Refuse(leadPhone, channels.CodeUnsubscribed) },
			msg:     channels.Outbound{To: leadPhone, Body: "hi"},
			status:  400, code: 21610,
		},
		{
			name:    "rate limited",
			arrange: func(b senderBundle) { b.sandbox.FailNext(1, 429, 20429) },
			msg:     channels.Outbound{To: leadPhone, Body: "hi"},
			status:  429, code: 20429, retryable: true,
		},
		{
			name:    "server error",
			arrange: func(b senderBundle) { b.sandbox.FailNext(1, 500, 20500) },
			msg:     channels.Outbound{To: leadPhone, Body: "hi"},
			status:  500, code: 20500, retryable: true,
		},
		{
			name:    "down",
			arrange: func(b senderBundle) { b.sandbox.SetDown(true) },
			msg:     channels.Outbound{To: leadPhone, Body: "hi"},
			status:  503, code: 20503, retryable: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			if tc.arrange != nil {
				tc.arrange(b)
			}
			s := b.sender
			if tc.sender != nil {
				s = tc.sender(t, b)
			}
			_, err := s.Send(context.Background(), tc.msg)
			var se *channels.SendError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *channels.SendError", err)
			}
			if se.HTTPStatus != tc.status || se.Code != tc.code || se.Retryable() != tc.retryable {
				t.Errorf("SendError %+v (retryable %v), want status %d code %d retryable %v", se, se.Retryable(), tc.status, tc.code, tc.retryable)
			}
			if channels.IsPermanent(err) == tc.retryable {
				t.Errorf("IsPermanent = %v for a retryable=%v error", channels.IsPermanent(err), tc.retryable)
			}
			if se.Message == "" {
				t.Error("SendError without a message")
			}
			assertNoToken(t, err)
			if n := len(b.sandbox.Messages()); n != 0 {
				t.Errorf("sandbox recorded %d messages for a failed send", n)
			}
		})
	}
}

func newSender(t *testing.T, b senderBundle, sid, token string) *twilio.Sender {
	t.Helper()
	s, err := twilio.NewSender(twilio.SenderConfig{AccountSID: sid, AuthToken: token, FromNumber: fromNumber, APIBase: b.server.URL + "/sandbox"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func assertNoToken(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), authToken) {
		t.Errorf("error reveals the auth token: %v", err)
	}
}

// A failure that the sandbox clears is gone on the next call: the Sender
// keeps no state between sends and does not retry by itself.
func TestSendDoesNotRetry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.sandbox.FailNext(1, 500, 20500)
	if _, err := b.sender.Send(context.Background(), channels.Outbound{To: leadPhone, Body: "one"}); err == nil {
		t.Fatal("first send succeeded; the injected 500 was retried away")
	}
	if _, err := b.sender.Send(context.Background(), channels.Outbound{To: leadPhone, Body: "two"}); err != nil {
		t.Fatalf("second send: %v", err)
	}
	if msgs := b.sandbox.Messages(); len(msgs) != 1 || msgs[0].Body != "two" {
		t.Errorf("sandbox has %+v, want only the second message", msgs)
	}
}

func TestSendTransportFailureIsRetryable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // nothing listens there now
	s, err := twilio.NewSender(twilio.SenderConfig{AccountSID: accountSID, AuthToken: authToken, FromNumber: fromNumber, APIBase: base})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(context.Background(), channels.Outbound{To: leadPhone, Body: "hi"})
	var se *channels.SendError
	if !errors.As(err, &se) || se.HTTPStatus != 0 || !se.Retryable() {
		t.Fatalf("err = %v, want a retryable SendError with HTTPStatus 0", err)
	}
	if !strings.Contains(err.Error(), base) {
		t.Errorf("error %q does not name the URL called, %s", err, base)
	}
	assertNoToken(t, err)
}

// A proxy in front of the API answering HTML, not Twilio's JSON.
func TestSendNonJSONErrorKeepsStatus(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
	}))
	t.Cleanup(srv.Close)
	s, err := twilio.NewSender(twilio.SenderConfig{AccountSID: accountSID, AuthToken: authToken, FromNumber: fromNumber, APIBase: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(context.Background(), channels.Outbound{To: leadPhone, Body: "hi"})
	var se *channels.SendError
	if !errors.As(err, &se) || se.HTTPStatus != http.StatusBadGateway || !se.Retryable() {
		t.Fatalf("err = %v, want a retryable SendError with HTTPStatus 502", err)
	}
	if !strings.Contains(se.Message, "502 Bad Gateway") {
		t.Errorf("message %q does not show what the proxy said", se.Message)
	}
}

// twilio-go builds its requests without a context; the Sender must still
// give up when the caller's context ends, not hang on a stuck API.
func TestSendHonoursContext(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{})
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	s, err := twilio.NewSender(twilio.SenderConfig{AccountSID: accountSID, AuthToken: authToken, FromNumber: fromNumber, APIBase: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	_, err = s.Send(ctx, channels.Outbound{To: leadPhone, Body: "hi"})
	var se *channels.SendError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &se) || !se.Retryable() {
		t.Fatalf("err = %v, want context.Canceled wrapped with a retryable SendError", err)
	}
}

func TestSendTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	s, err := twilio.NewSender(twilio.SenderConfig{
		AccountSID: accountSID, AuthToken: authToken, FromNumber: fromNumber, APIBase: srv.URL,
		HTTPClient: &http.Client{Timeout: 50 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(context.Background(), channels.Outbound{To: leadPhone, Body: "hi"})
	var se *channels.SendError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &se) || !se.Retryable() {
		t.Fatalf("err = %v, want a retryable SendError after the timeout", err)
	}
}

func TestNewSenderChecksConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  twilio.SenderConfig
	}{
		{"no account", twilio.SenderConfig{AuthToken: authToken, FromNumber: fromNumber}},
		{"no token", twilio.SenderConfig{AccountSID: accountSID, FromNumber: fromNumber}},
		{"no sender", twilio.SenderConfig{AccountSID: accountSID, AuthToken: authToken}},
		{"token twilio-go refuses", twilio.SenderConfig{AccountSID: accountSID, AuthToken: "secret-token-value", FromNumber: fromNumber}},
		{"relative API base", twilio.SenderConfig{AccountSID: accountSID, AuthToken: authToken, FromNumber: fromNumber, APIBase: "127.0.0.1:8080"}},
		{"API base with credentials", twilio.SenderConfig{AccountSID: accountSID, AuthToken: authToken, FromNumber: fromNumber, APIBase: "http://u:p@127.0.0.1:8080"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := twilio.NewSender(tc.cfg)
			if err == nil {
				t.Fatal("NewSender accepted it")
			}
			if strings.Contains(err.Error(), "secret-token-value") || strings.Contains(err.Error(), authToken) {
				t.Errorf("error reveals the token: %v", err)
			}
		})
	}
}

// TestSentToListsWhatWasSent: SentTo reads Twilio's message list for one
// number, newest first, across pages, and stops at messages older than
// asked for; messages to other numbers, or from another sender, are not
// its.
func TestSentToListsWhatWasSent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	send := func(to, body string) string {
		t.Helper()
		res, err := b.sender.Send(ctx, channels.Outbound{To: to, Body: body})
		if err != nil {
			t.Fatal(err)
		}
		return res.ProviderSID
	}
	old := send(leadPhone, "an old text")
	time.Sleep(1100 * time.Millisecond) // Twilio's dates have seconds
	since := time.Now().Add(-100 * time.Millisecond)
	var want []string
	for i := range 120 { // more than one page of 100
		want = append(want, send(leadPhone, "text "+strconv.Itoa(i)))
	}
	send("+19705550000", "to someone else")
	got, err := b.sender.SentTo(ctx, leadPhone, since)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d messages listed, want %d", len(got), len(want))
	}
	for i, m := range got {
		w := want[len(want)-1-i]
		if m.ProviderSID != w || m.To != leadPhone || m.Body != "text "+strconv.Itoa(len(want)-1-i) || m.Status == "" || m.Created.IsZero() {
			t.Fatalf("message %d = %+v, want %s", i, m, w)
		}
		if m.ProviderSID == old {
			t.Fatal("listed a message from before since")
		}
	}
}

// TestSentToFailsLikeSend: a list Twilio refuses comes back as a
// *channels.SendError.
func TestSentToFailsLikeSend(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.sandbox.SetDown(true)
	_, err := b.sender.SentTo(context.Background(), leadPhone, time.Now())
	var se *channels.SendError
	if !errors.As(err, &se) || se.HTTPStatus != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want a 503 SendError", err)
	}
}

// TestMayHaveLanded: only a 4xx answer says for certain that nothing was
// sent.
func TestMayHaveLanded(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{&channels.SendError{HTTPStatus: 0, Message: "connection reset"}, true},
		{&channels.SendError{HTTPStatus: 500}, true},
		{&channels.SendError{HTTPStatus: 503}, true},
		{&channels.SendError{HTTPStatus: 201, Message: "accepted, but the response could not be read"}, true},
		{&channels.SendError{HTTPStatus: 429, Code: 20429}, false},
		{&channels.SendError{HTTPStatus: 400, Code: 21211}, false},
		{context.DeadlineExceeded, true},
		{nil, false},
	} {
		if got := channels.MayHaveLanded(tt.err); got != tt.want {
			t.Errorf("MayHaveLanded(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
