package email

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// Handler takes an email that arrived. An error makes the receiver answer
// with a temporary failure, so the sending server tries again later.
type Handler func(ctx context.Context, in Inbound) error

// ReceiverConfig is the built-in SMTP receiver, for a self-hosted MX.
type ReceiverConfig struct {
	// Domains are the domains mail is accepted for (EMAIL_FROM's); any
	// other recipient is refused, so the receiver is no open relay.
	Domains []string
	// Hostname is what the receiver greets with.
	Hostname string
	Handler  Handler
	Logger   *slog.Logger
	// MaxMessageBytes bounds one message (default 25 MiB).
	MaxMessageBytes int64
}

// Receiver is an SMTP server that hands every message to its Handler.
type Receiver struct {
	server *smtp.Server
	cfg    ReceiverConfig
}

// NewReceiver makes a receiver; Serve runs it.
func NewReceiver(cfg ReceiverConfig) (*Receiver, error) {
	if cfg.Handler == nil || len(cfg.Domains) == 0 {
		return nil, errors.New("smtp receiver: needs a handler and the domains it takes mail for")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxMessageBytes == 0 {
		cfg.MaxMessageBytes = 25 << 20
	}
	if cfg.Hostname == "" {
		cfg.Hostname = cfg.Domains[0]
	}
	r := &Receiver{cfg: cfg}
	s := smtp.NewServer(r)
	s.Domain = cfg.Hostname
	s.MaxMessageBytes = cfg.MaxMessageBytes
	s.MaxRecipients = 20
	s.ReadTimeout = 2 * time.Minute
	s.WriteTimeout = 2 * time.Minute
	r.server = s
	return r, nil
}

// Serve accepts connections on l until Shutdown.
func (r *Receiver) Serve(l net.Listener) error {
	err := r.server.Serve(l)
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting and waits for sessions in flight.
func (r *Receiver) Shutdown(ctx context.Context) error { return r.server.Shutdown(ctx) }

// NewSession is go-smtp's Backend.
func (r *Receiver) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{r: r}, nil
}

type session struct {
	r    *Receiver
	from string
	to   []string
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	_, domain, _ := strings.Cut(to, "@")
	for _, d := range s.r.cfg.Domains {
		if strings.EqualFold(domain, d) {
			s.to = append(s.to, to)
			return nil
		}
	}
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "relay not permitted"}
}

func (s *session) Data(r io.Reader) error {
	in, err := ParseMessage(r)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "message not readable"}
	}
	if in.From == "" {
		in.From = strings.ToLower(s.from)
	}
	if len(in.To) == 0 {
		in.To = s.to
	} else if envelopeTo := ourRecipient(s.to, in.To); envelopeTo != "" {
		// The envelope says which of our addresses it was for (a Bcc, or
		// the Reply-To address behind a list): put it first.
		in.To = append([]string{envelopeTo}, in.To...)
	}
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = time.Now()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.r.cfg.Handler(ctx, in); err != nil {
		s.r.cfg.Logger.Error("inbound email not recorded", "message_id", in.MessageID, "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	return nil
}

// ourRecipient is an envelope recipient the headers do not name.
func ourRecipient(envelope, headers []string) string {
	for _, e := range envelope {
		a, err := mail.ParseAddress(e)
		addr := strings.ToLower(e)
		if err == nil {
			addr = strings.ToLower(a.Address)
		}
		found := false
		for _, h := range headers {
			if h == addr {
				found = true
			}
		}
		if !found {
			return addr
		}
	}
	return ""
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// String names the receiver in logs.
func (r *Receiver) String() string { return fmt.Sprintf("smtp receiver for %v", r.cfg.Domains) }
