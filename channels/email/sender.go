package email

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SenderConfig is how email goes out.
type SenderConfig struct {
	// SMTPURL is the submission server: smtp://user:pass@host:587
	// (STARTTLS when offered, required unless the host is loopback; auth
	// when a user is given) or smtps://user:pass@host:465 (implicit TLS).
	SMTPURL string
	// From is who the email is from, the business's name and address:
	// "Summit Home Services <leads@summit.example>". Reply-To addresses
	// are its local part plus a token, at its domain.
	From string
	// PostalAddress is the business's postal address, on every marketing
	// email (CAN-SPAM).
	PostalAddress string
	// PublicURL is the base of the unsubscribe link.
	PublicURL string
	// Now is the clock for the Date header (time.Now when nil).
	Now func() time.Time
}

// Sender sends email over SMTP. It holds no connection between sends.
type Sender struct {
	client    *gomail.Client
	from      mail.Address
	local     string
	domain    string
	postal    string
	publicURL string
	now       func() time.Time
}

// NewSender checks the configuration; nothing is dialled until Send.
func NewSender(cfg SenderConfig) (*Sender, error) {
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("EMAIL_FROM %q: %w", cfg.From, err)
	}
	local, domain, _ := strings.Cut(from.Address, "@")
	client, err := newClient(cfg.SMTPURL)
	if err != nil {
		return nil, err
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Sender{client: client, from: *from, local: local, domain: domain, postal: strings.TrimSpace(cfg.PostalAddress),
		publicURL: strings.TrimRight(cfg.PublicURL, "/"), now: now}, nil
}

// newClient reads SMTP_URL. Its password never appears in an error.
func newClient(raw string) (*gomail.Client, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, errors.New("SMTP_URL: want smtp://[user:pass@]host[:port] or smtps://...")
	}
	host := u.Hostname()
	port := 587
	if u.Scheme == "smtps" {
		port = 465
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP_URL: port %q is not a number", p)
		}
	}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(30 * time.Second)}
	switch {
	case u.Scheme == "smtps":
		opts = append(opts, gomail.WithSSL())
	case isLoopback(host):
		// A relay on the same machine (MailDev, a local MTA) may not offer TLS.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		auth := gomail.SMTPAuthAutoDiscover // the strongest the server offers, over TLS
		if isLoopback(host) && u.Scheme == "smtp" {
			// A relay on this machine may offer AUTH without TLS; the
			// password never leaves the machine.
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(user), gomail.WithPassword(pass))
	}
	c, err := gomail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL host %s: %w", host, err)
	}
	return c, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Outgoing is one email to a lead.
type Outgoing struct {
	To, ToName string
	Subject    string
	// Text is the message in plain text; the HTML alternative is made
	// from it, escaped.
	Text string
	// InReplyTo and References thread a reply: the Message-ID it answers
	// and the thread's ids before it, without angle brackets.
	InReplyTo  string
	References []string
	// ReplyToken is the conversation's token: replies to the email go to
	// the From address's local part plus it, and come back to it.
	ReplyToken string
	// Marketing email (a first touch, a follow-up) carries the postal
	// address and the unsubscribe link and headers, for UnsubscribeToken.
	Marketing        bool
	UnsubscribeToken string
	// MessageID, when set (from NewMessageID), is the email's Message-ID,
	// so a retry of the same email carries the same one; empty makes a
	// new one.
	MessageID string
}

// Sent is what the server accepted.
type Sent struct {
	// MessageID is the Message-ID we gave the email, without brackets:
	// store it, replies name it in In-Reply-To.
	MessageID string
}

// Send composes and delivers one email.
func (s *Sender) Send(ctx context.Context, o Outgoing) (Sent, error) {
	m, id, err := s.Compose(o)
	if err != nil {
		return Sent{}, err
	}
	if err := s.client.DialAndSendWithContext(ctx, m); err != nil {
		return Sent{}, fmt.Errorf("send email %s: %w", id, err)
	}
	return Sent{MessageID: id}, nil
}

// CanMarket reports whether the sender may send marketing email (a first
// touch, a follow-up): it needs BUSINESS_POSTAL_ADDRESS for the footer and
// PUBLIC_URL for the unsubscribe link.
func (s *Sender) CanMarket() bool {
	return s != nil && s.postal != "" && s.publicURL != ""
}

// Compose builds the message Send would send, and its Message-ID.
func (s *Sender) Compose(o Outgoing) (*gomail.Msg, string, error) {
	if o.Marketing && (o.UnsubscribeToken == "" || !s.CanMarket()) {
		return nil, "", errors.New("compose marketing email: needs an unsubscribe token, PUBLIC_URL and BUSINESS_POSTAL_ADDRESS")
	}
	m := gomail.NewMsg()
	if err := m.FromFormat(s.from.Name, s.from.Address); err != nil {
		return nil, "", fmt.Errorf("compose email: from: %w", err)
	}
	if err := m.AddToFormat(o.ToName, o.To); err != nil {
		return nil, "", fmt.Errorf("compose email: to: %w", err)
	}
	if o.ReplyToken != "" {
		if err := m.ReplyToFormat(s.from.Name, s.address(o.ReplyToken)); err != nil {
			return nil, "", fmt.Errorf("compose email: reply-to: %w", err)
		}
	}
	id := strings.Trim(o.MessageID, "<>")
	if id == "" {
		var err error
		if id, err = s.NewMessageID(); err != nil {
			return nil, "", err
		}
	}
	m.SetMessageIDWithValue(id)
	m.SetDateWithValue(s.now())
	m.Subject(o.Subject)
	if o.InReplyTo != "" {
		m.SetGenHeaderPreformatted(gomail.HeaderInReplyTo, "<"+o.InReplyTo+">")
		refs := append(append([]string{}, o.References...), o.InReplyTo)
		m.SetGenHeaderPreformatted(gomail.HeaderReferences, bracketed(refs))
	}
	text, footer := o.Text, footerText{}
	if o.Marketing {
		link := s.UnsubscribeURL(o.UnsubscribeToken)
		footer = footerText{Name: s.from.Name, Postal: s.postal, Unsubscribe: link}
		m.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribe,
			"<"+link+">, <mailto:"+s.address(unsubscribePrefix+o.UnsubscribeToken)+"?subject=unsubscribe>")
		m.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
		text += "\n\n-- \n" + footer.Name + "\n" + footer.Postal + "\nUnsubscribe: " + footer.Unsubscribe + "\n"
	}
	m.SetBodyString(gomail.TypeTextPlain, text)
	html, err := renderHTML(o.Text, footer)
	if err != nil {
		return nil, "", err
	}
	m.AddAlternativeString(gomail.TypeTextHTML, html)
	return m, id, nil
}

// unsubscribePrefix marks an unsubscribe token in an address's
// subaddress, apart from a conversation's reply token (which, being
// hex, never has a dot).
const unsubscribePrefix = "u."

// address is From's local part plus a subaddress, at From's domain.
func (s *Sender) address(sub string) string {
	return s.local + "+" + sub + "@" + s.domain
}

// UnsubscribeURL is the link a marketing email carries.
func (s *Sender) UnsubscribeURL(token string) string {
	return s.publicURL + "/email/unsubscribe?t=" + url.QueryEscape(token)
}

// NewMessageID makes a Message-ID at From's domain, without brackets, for
// a caller that stores it before Send (Outgoing.MessageID).
func (s *Sender) NewMessageID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("compose email: message id: %w", err)
	}
	return hex.EncodeToString(b) + "@" + s.domain, nil
}

func bracketed(ids []string) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString("<" + strings.Trim(id, "<>") + ">")
	}
	return b.String()
}

// Subaddress reads the token an address to us carries: a conversation's
// reply token, or (unsubscribe true) a contact's unsubscribe token. ok is
// false for any other address.
func Subaddress(addr, from string) (token string, unsubscribe, ok bool) {
	fa, err := mail.ParseAddress(from)
	if err != nil {
		return "", false, false
	}
	a, err := mail.ParseAddress(addr)
	if err != nil {
		return "", false, false
	}
	local, domain, _ := strings.Cut(a.Address, "@")
	flocal, fdomain, _ := strings.Cut(fa.Address, "@")
	base, sub, found := strings.Cut(local, "+")
	if !found || sub == "" || !strings.EqualFold(domain, fdomain) || !strings.EqualFold(base, flocal) {
		return "", false, false
	}
	if t, isUnsub := strings.CutPrefix(sub, unsubscribePrefix); isUnsub {
		return t, true, t != ""
	}
	return sub, false, true
}

type footerText struct{ Name, Postal, Unsubscribe string }

var htmlBody = template.Must(template.New("email").Parse(`<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.4">
{{range .Paragraphs}}<p>{{range $i, $l := .}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>
{{end}}{{with .Footer}}{{if .Unsubscribe}}<hr>
<p style="font-size: 12px; color: #555">{{.Name}}<br>{{.Postal}}<br><a href="{{.Unsubscribe}}">Unsubscribe</a></p>
{{end}}{{end}}</body></html>
`))

// renderHTML is the text as paragraphs, every character escaped.
func renderHTML(text string, footer footerText) (string, error) {
	var paras [][]string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(p) != "" {
			paras = append(paras, strings.Split(strings.TrimSpace(p), "\n"))
		}
	}
	var b strings.Builder
	if err := htmlBody.Execute(&b, struct {
		Paragraphs [][]string
		Footer     footerText
	}{paras, footer}); err != nil {
		return "", fmt.Errorf("compose email: html: %w", err)
	}
	return b.String(), nil
}

// Tokens reads the tokens the addresses an email was sent to carry, in
// their subaddress ("leads+TOKEN@..."): a conversation's reply token, and
// a contact's unsubscribe token (the List-Unsubscribe mailto). Tokens are
// random, so an address that is not ours finds nothing.
func Tokens(to []string) (reply, unsubscribe string) {
	for _, addr := range to {
		local, _, _ := strings.Cut(strings.ToLower(addr), "@")
		_, sub, found := strings.Cut(local, "+")
		if !found || sub == "" {
			continue
		}
		if t, isUnsub := strings.CutPrefix(sub, unsubscribePrefix); isUnsub {
			if unsubscribe == "" {
				unsubscribe = t
			}
		} else if reply == "" {
			reply = sub
		}
	}
	return reply, unsubscribe
}
