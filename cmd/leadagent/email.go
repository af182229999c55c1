package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/leadagent/leadagent/channels/email"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/web"
)

// emailConfig is email's part of Config (issue 16). The agent's replies
// on email conversations go out through its sender.
type emailConfig struct {
	// SMTPURL is the submission server, with its password (SMTP_URL).
	SMTPURL       secret
	From          string
	PostalAddress string
	// InboundSecret guards POST /email/inbound (INBOUND_EMAIL_SECRET).
	InboundSecret secret
	// ListenAddr runs the built-in SMTP receiver (SMTP_LISTEN_ADDR).
	ListenAddr string
}

// loadEmail reads email's settings into c.
func loadEmail(get func(key, def string) string, c *Config) error {
	c.Email = emailConfig{
		SMTPURL:       secret(get("SMTP_URL", "")),
		From:          get("EMAIL_FROM", ""),
		PostalAddress: get("BUSINESS_POSTAL_ADDRESS", ""),
		InboundSecret: secret(get("INBOUND_EMAIL_SECRET", "")),
		ListenAddr:    get("SMTP_LISTEN_ADDR", ""),
	}
	e := c.Email
	if e.From != "" {
		if _, err := mail.ParseAddress(e.From); err != nil {
			return fmt.Errorf("EMAIL_FROM %q: want an address like \"Summit Home Services <leads@summit.example>\"", e.From)
		}
	}
	if e.SMTPURL != "" {
		if e.From == "" {
			return errors.New("SMTP_URL is set without EMAIL_FROM: email needs a sender")
		}
		if _, err := email.NewSender(email.SenderConfig{SMTPURL: e.SMTPURL.Reveal(), From: e.From,
			PostalAddress: e.PostalAddress, PublicURL: c.PublicURL}); err != nil {
			return err // names the variable, never the password
		}
	}
	if e.ListenAddr != "" && e.From == "" {
		return errors.New("SMTP_LISTEN_ADDR is set without EMAIL_FROM: the receiver takes mail for EMAIL_FROM's domain")
	}
	return nil
}

// sender is the email sender when SMTP_URL is set, else nil (email
// replies wait, then fail, until it is).
func (e emailConfig) sender(publicURL string) (*email.Sender, error) {
	if e.SMTPURL == "" {
		return nil, nil
	}
	s, err := email.NewSender(email.SenderConfig{SMTPURL: e.SMTPURL.Reveal(), From: e.From,
		PostalAddress: e.PostalAddress, PublicURL: publicURL})
	if err != nil {
		return nil, fmt.Errorf("email sender: %w", err)
	}
	return s, nil
}

// emailDomain is EMAIL_FROM's domain.
func (e emailConfig) domain() string {
	a, err := mail.ParseAddress(e.From)
	if err != nil {
		return ""
	}
	_, d, _ := strings.Cut(a.Address, "@")
	return d
}

// emailWeb is the router's email part: the inbound webhook when
// INBOUND_EMAIL_SECRET is set.
func emailWeb(cfg Config, ib *inbox.Inbox) web.EmailConfig {
	return web.EmailConfig{InboundSecret: cfg.Email.InboundSecret.Reveal(), Receive: receiveEmail(ib),
		Unsubscribe: ib.UnsubscribeEmail}
}

func receiveEmail(ib *inbox.Inbox) func(context.Context, email.Inbound) error {
	return func(ctx context.Context, in email.Inbound) error {
		_, err := ib.ReceiveEmail(ctx, in)
		return err
	}
}

// startEmailReceiver runs the built-in SMTP receiver on SMTP_LISTEN_ADDR
// when it is set; stop shuts it down.
func startEmailReceiver(cfg Config, ib *inbox.Inbox, logger *slog.Logger) (stop func(), err error) {
	if cfg.Email.ListenAddr == "" {
		return func() {}, nil
	}
	rc, err := email.NewReceiver(email.ReceiverConfig{Domains: []string{cfg.Email.domain()}, Handler: receiveEmail(ib), Logger: logger})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Email.ListenAddr)
	if err != nil {
		return nil, fmt.Errorf("listen for email on %s: %w", cfg.Email.ListenAddr, err)
	}
	go func() {
		if err := rc.Serve(ln); err != nil {
			logger.Error("smtp receiver stopped", "err", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := rc.Shutdown(ctx); err != nil {
			logger.Warn("smtp receiver shutdown", "err", err)
		}
	}, nil
}
