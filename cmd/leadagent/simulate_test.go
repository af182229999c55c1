package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/channels/twilio"
)

const (
	simAccount = "AC0123456789abcdef0123456789abcdef"
	simToken   = "f00dfeedf00dfeedf00dfeedf00dfeed"
	simBiz     = "+15005550006"
	simLead    = "+19705551234"
)

// simServer plays the leadagent server: the sandbox mounted at /sandbox,
// and a /twilio/sms that checks the signature and answers each text through
// the sandbox with a Sender, before acknowledging the webhook.
func simServer(t *testing.T) (*httptest.Server, *sandbox.Server) {
	t.Helper()
	sb := sandbox.New(sandbox.Config{AccountSID: simAccount, AuthToken: simToken})
	t.Cleanup(sb.Close)
	mux := http.NewServeMux()
	mux.Handle("/sandbox/", sb)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	sender, err := twilio.NewSender(twilio.SenderConfig{AccountSID: simAccount, AuthToken: simToken, FromNumber: simBiz, APIBase: srv.URL + "/sandbox"})
	if err != nil {
		t.Fatal(err)
	}
	validator := twilio.NewValidator(simToken, "")
	mux.HandleFunc("POST /twilio/sms", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || !validator.Valid(r, r.PostForm) {
			http.Error(w, `{"error":"invalid X-Twilio-Signature"}`, http.StatusForbidden)
			return
		}
		body := r.PostForm.Get("Body")
		if strings.EqualFold(body, "STOP") {
			return // opted out: no reply
		}
		reply := "Thanks! You asked: " + body
		if strings.Contains(body, "hours") {
			reply = "We are open 8-6.\nCall us any time."
		}
		if _, err := sender.Send(r.Context(), channels.Outbound{To: r.PostForm.Get("From"), Body: reply}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte("<Response/>"))
	})
	return srv, sb
}

func newSimulation(srvURL, token string) simulation {
	return simulation{
		lead: sandbox.Lead{ServerURL: srvURL, AuthToken: token, AccountSID: simAccount, From: simLead, To: simBiz},
		replies: replyLister{
			apiBase: srvURL + "/sandbox", accountSID: simAccount, authToken: simToken, phone: simLead,
			client: &http.Client{Timeout: 10 * time.Second},
		},
		poll:  5 * time.Millisecond,
		wait:  time.Minute, // a bound, not an expectation: the loop ends when the replies are in
		echo:  true,
		paced: true,
	}
}

func TestSimulateConversation(t *testing.T) {
	t.Parallel()
	srv, sb := simServer(t)
	// An earlier session's reply is not shown again.
	if _, err := (sandbox.Lead{ServerURL: srv.URL, AuthToken: simToken, AccountSID: simAccount, From: simLead, To: simBiz}).Text(context.Background(), "earlier"); err != nil {
		t.Fatal(err)
	}

	var out strings.Builder
	in := strings.NewReader("do you fix furnaces?\n\n   \nwhat are your hours?\n")
	if err := newSimulation(srv.URL, simToken).run(context.Background(), in, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	want := []string{
		"lead     +19705551234: do you fix furnaces?\n",
		"business +15005550006: Thanks! You asked: do you fix furnaces?\n",
		"lead     +19705551234: what are your hours?\n",
		"business +15005550006: We are open 8-6.\n" + strings.Repeat(" ", len("business +15005550006: ")) + "Call us any time.\n",
	}
	at := 0
	for _, w := range want {
		i := strings.Index(got[at:], w)
		if i < 0 {
			t.Fatalf("output lacks %q after position %d:\n%s", w, at, got)
		}
		at += i + len(w)
	}
	if strings.Contains(got, "earlier") {
		t.Errorf("an earlier session's reply was printed:\n%s", got)
	}
	if n := len(sb.MessagesTo(simLead)); n != 3 {
		t.Errorf("sandbox has %d replies, want 3", n)
	}
}

func TestSimulateReportsARefusedWebhook(t *testing.T) {
	t.Parallel()
	srv, _ := simServer(t)
	var out strings.Builder
	s := newSimulation(srv.URL, "0000feedf00dfeedf00dfeedf00d0000")
	if err := s.run(context.Background(), strings.NewReader("hello?\n"), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "! not delivered: ") || !strings.Contains(out.String(), "403") ||
		!strings.Contains(out.String(), "TWILIO_AUTH_TOKEN") {
		t.Errorf("output does not explain the refusal:\n%s", out.String())
	}
}

// A text that gets no reply (STOP) ends the session after the wait, not
// never.
func TestSimulateStopsWaitingForAReplyThatDoesNotCome(t *testing.T) {
	t.Parallel()
	srv, _ := simServer(t)
	s := newSimulation(srv.URL, simToken)
	s.wait = 50 * time.Millisecond
	var out strings.Builder
	if err := s.run(context.Background(), strings.NewReader("STOP\n"), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "no reply to the last message") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestSimulateEndsWithTheContext(t *testing.T) {
	t.Parallel()
	srv, _ := simServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out strings.Builder
	blocked := &blockingReader{release: make(chan struct{})}
	t.Cleanup(func() { close(blocked.release) })
	if err := newSimulation(srv.URL, simToken).run(ctx, blocked, &out); err != nil {
		t.Fatalf("interrupted session: %v, want nil", err)
	}
}

// blockingReader is a terminal nobody types into.
type blockingReader struct{ release chan struct{} }

func (b *blockingReader) Read([]byte) (int, error) {
	<-b.release
	return 0, errors.New("closed")
}

func TestRunSimulateFlags(t *testing.T) {
	t.Parallel()
	cfg := Config{ListenAddr: ":8080", TwilioAccountSID: simAccount, TwilioAuthToken: simToken, TwilioFromNumber: simBiz}
	tests := []struct {
		name string
		cfg  Config
		args []string
	}{
		{"unknown flag", cfg, []string{"--nope"}},
		{"positional argument", cfg, []string{"hello"}},
		{"bad from", cfg, []string{"--from", "970-555-1234"}},
		{"relative url", cfg, []string{"--url", "localhost"}},
		{"no business number", Config{ListenAddr: ":8080", TwilioMessagingServiceSID: "MG1"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := runSimulate(context.Background(), tc.cfg, tc.args, &strings.Builder{})
			var ue usageError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v, want a usageError", err)
			}
			if !strings.Contains(ue.msg, "usage: leadagent simulate") {
				t.Errorf("usage error without the usage: %q", ue.msg)
			}
		})
	}
}

func TestSimulateServerURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		":8080":          "http://127.0.0.1:8080",
		"0.0.0.0:9000":   "http://127.0.0.1:9000",
		"[::]:8081":      "http://127.0.0.1:8081",
		"localhost:8082": "http://localhost:8082",
		"10.1.2.3:80":    "http://10.1.2.3:80",
		"garbage":        "http://127.0.0.1:8080",
	} {
		if got := simulateServerURL(addr); got != want {
			t.Errorf("simulateServerURL(%q) = %q, want %q", addr, got, want)
		}
	}
}
