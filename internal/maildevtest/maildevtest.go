// Package maildevtest runs MailDev (npm maildev, installed by
// scripts/install-maildev.sh) as the real SMTP server a test sends email to,
// and reads what arrived through MailDev's REST API. It owns the process's
// life for one test; it never fakes SMTP, and a test that needs it fails, not
// skips, when MailDev is missing.
package maildevtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Server is one MailDev process.
type Server struct {
	SMTPHost string
	SMTPPort int
	WebURL   string
	client   *http.Client
}

// Address is a sender or recipient as MailDev reports it.
type Address struct {
	Address string `json:"address"`
	Name    string `json:"name"`
}

// Email is a message as MailDev's GET /email returns it. Header names are
// lower-cased by MailDev.
type Email struct {
	ID        string         `json:"id"`
	Subject   string         `json:"subject"`
	From      []Address      `json:"from"`
	To        []Address      `json:"to"`
	ReplyTo   []Address      `json:"replyTo"`
	Headers   map[string]any `json:"headers"`
	Text      string         `json:"text"`
	HTML      string         `json:"html"`
	MessageID string         `json:"messageId"`
	Envelope  map[string]any `json:"envelope"`
}

// Header returns one header's value as MailDev parsed it ("" when absent).
func (e Email) Header(name string) string {
	v, ok := e.Headers[lower(name)]
	if !ok {
		return ""
	}
	switch v := v.(type) {
	case string:
		return v
	case []any:
		if len(v) > 0 {
			if s, ok := v[0].(string); ok {
				return s
			}
		}
	}
	return fmt.Sprint(v)
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// SMTPAddr is host:port of the SMTP server.
func (s *Server) SMTPAddr() string {
	return net.JoinHostPort(s.SMTPHost, strconv.Itoa(s.SMTPPort))
}

// SMTPURL is the server as an SMTP_URL value.
func (s *Server) SMTPURL() string { return "smtp://" + s.SMTPAddr() }

// Binary finds the maildev executable: $MAILDEV_BIN, else
// .data/maildev/node_modules/.bin/maildev under the module root.
func Binary() (string, error) {
	if p := os.Getenv("MAILDEV_BIN"); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find maildev: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, ".data", "maildev", "node_modules", ".bin", "maildev")
			if _, err := os.Stat(p); err != nil {
				return "", fmt.Errorf("find maildev: %w", err)
			}
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find maildev: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Start runs MailDev on free loopback ports until the test ends, with
// extra flags (--incoming-user U --incoming-pass P for a server that asks
// for auth). It fails the test, naming the install script, when MailDev is
// not installed.
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		t.Fatalf("this test needs MailDev (%v): run scripts/install-maildev.sh (CI runs it)", err)
	}
	smtpPort, webPort := freePort(t), freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin,
		"--smtp", strconv.Itoa(smtpPort), "--web", strconv.Itoa(webPort),
		"--ip", "127.0.0.1", "--web-ip", "127.0.0.1")
	cmd.Args = append(cmd.Args, extra...)
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("this test needs MailDev, which did not start (%s: %v): run scripts/install-maildev.sh (CI runs it)", bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cancel(); <-exited })

	s := &Server{SMTPHost: "127.0.0.1", SMTPPort: smtpPort,
		WebURL: "http://127.0.0.1:" + strconv.Itoa(webPort), client: &http.Client{Timeout: 10 * time.Second}}
	// Readiness: both the SMTP port accepts and the REST API answers. This is
	// a start-up wait bounded by a generous deadline, not a timed assertion.
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("maildev exited at start: %s", out.String())
		default:
		}
		if s.ready() {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("maildev did not become ready: %s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) ready() bool {
	c, err := net.DialTimeout("tcp", s.SMTPAddr(), time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	resp, err := s.client.Get(s.WebURL + "/email")
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Emails returns every message MailDev has received, oldest first.
func (s *Server) Emails(t testing.TB) []Email {
	t.Helper()
	resp, err := s.client.Get(s.WebURL + "/email")
	if err != nil {
		t.Fatalf("maildev GET /email: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("maildev GET /email: %s", resp.Status)
	}
	var emails []Email
	if err := json.NewDecoder(resp.Body).Decode(&emails); err != nil {
		t.Fatalf("maildev GET /email: decode: %v", err)
	}
	return emails
}

// EmailsTo is what MailDev holds for one address (its first recipient),
// oldest first.
func (s *Server) EmailsTo(t testing.TB, addr string) []Email {
	t.Helper()
	var out []Email
	for _, e := range s.Emails(t) {
		if len(e.To) > 0 && e.To[0].Address == addr {
			out = append(out, e)
		}
	}
	return out
}

// Raw returns a message's source as MailDev stored it.
func (s *Server) Raw(t testing.TB, id string) string {
	t.Helper()
	resp, err := s.client.Get(s.WebURL + "/email/" + id + "/source")
	if err != nil {
		t.Fatalf("maildev GET source: %v", err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatalf("maildev GET source: %v", err)
	}
	return b.String()
}

// Only returns the one message MailDev holds, failing when there is not
// exactly one. A send that returned has been accepted by MailDev's SMTP
// server, so no waiting is needed.
func (s *Server) Only(t testing.TB) Email {
	t.Helper()
	emails := s.Emails(t)
	if len(emails) != 1 {
		t.Fatalf("maildev holds %d emails, want 1", len(emails))
	}
	return emails[0]
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
