package maildevtest_test

import (
	"net/smtp"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/internal/maildevtest"
)

func TestStartReceivesAndReads(t *testing.T) {
	s := maildevtest.Start(t)
	msg := "From: a@example.com\r\nTo: b@example.com\r\nSubject: hello\r\nMessage-ID: <m1@example.com>\r\nX-Test: yes\r\n\r\nbody text\r\n"
	if err := smtp.SendMail(s.SMTPAddr(), nil, "a@example.com", []string{"b@example.com"}, []byte(msg)); err != nil {
		t.Fatalf("send: %v", err)
	}
	e := s.Only(t)
	if e.Subject != "hello" || !strings.Contains(e.Text, "body text") || e.Header("X-Test") != "yes" {
		t.Fatalf("got %+v", e)
	}
	if !strings.Contains(s.Raw(t, e.ID), "Message-ID: <m1@example.com>") {
		t.Fatalf("raw source lacks the Message-ID")
	}
}
