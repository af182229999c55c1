package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/channels/email"
	"github.com/leadagent/leadagent/crm"
)

// EmailConfig is the email channel's part of the router.
type EmailConfig struct {
	// Receive records an inbound email (the inbox); nil answers POST
	// /email/inbound with 404.
	Receive func(ctx context.Context, in email.Inbound) error
	// InboundSecret guards POST /email/inbound, given as ?token= or the
	// basic-auth password; empty answers it with 404.
	InboundSecret string
	// Unsubscribe opts the contact an unsubscribe token names out of email
	// (the inbox, which also stops the follow-ups only email could carry);
	// crm.ErrNotFound for an unknown token. nil answers the unsubscribe
	// routes with 404: no email was sent that could link them.
	Unsubscribe func(ctx context.Context, token, via string) error
}

type unsubscribePage struct {
	Business, Token string
	Done, Missing   bool
}

// emailUnsubscribePage asks before it unsubscribes: a GET never changes
// anything, since mail scanners follow links.
func (s *Server) emailUnsubscribePage(c *gin.Context) {
	token := c.Query("t")
	page := unsubscribePage{Business: s.cfg.BusinessName, Token: token}
	if _, err := crm.ContactByUnsubscribeToken(c.Request.Context(), s.cfg.DB, token); err != nil {
		if !errors.Is(err, crm.ErrNotFound) {
			s.renderError(c, err)
			return
		}
		page.Missing = true
		s.renderPage(c, http.StatusNotFound, "email_unsubscribe.html", page)
		return
	}
	s.renderPage(c, http.StatusOK, "email_unsubscribe.html", page)
}

// emailUnsubscribe opts the token's contact out of email at once: the
// RFC 8058 one-click POST a mail client sends (body
// List-Unsubscribe=One-Click), or the page's button.
func (s *Server) emailUnsubscribe(c *gin.Context) {
	token := c.Query("t")
	if token == "" {
		token = c.PostForm("t")
	}
	oneClick := c.PostForm("List-Unsubscribe") == "One-Click"
	via := "link"
	if oneClick {
		via = "one_click"
	}
	if s.cfg.Email.Unsubscribe == nil {
		abortError(c, http.StatusNotFound, "email is not set up")
		return
	}
	err := s.cfg.Email.Unsubscribe(c.Request.Context(), token, via)
	page := unsubscribePage{Business: s.cfg.BusinessName, Done: true}
	switch {
	case errors.Is(err, crm.ErrNotFound):
		if oneClick {
			c.String(http.StatusNotFound, "unknown unsubscribe token\n")
			return
		}
		page.Done, page.Missing = false, true
		s.renderPage(c, http.StatusNotFound, "email_unsubscribe.html", page)
	case err != nil:
		s.renderError(c, err)
	case oneClick:
		c.String(http.StatusOK, "unsubscribed\n")
	default:
		s.renderPage(c, http.StatusOK, "email_unsubscribe.html", page)
	}
}

// emailInbound takes a provider's inbound-parse post (SendGrid's or
// Mailgun's shape), guarded by INBOUND_EMAIL_SECRET.
func (s *Server) emailInbound(c *gin.Context) {
	cfg := s.cfg.Email
	if cfg.Receive == nil || cfg.InboundSecret == "" {
		abortError(c, http.StatusNotFound, "inbound email is not set up")
		return
	}
	if !email.WebhookAuthorized(c.Request, cfg.InboundSecret) {
		c.Header("WWW-Authenticate", `Basic realm="inbound email"`)
		abortError(c, http.StatusUnauthorized, "a valid token (?token= or the basic-auth password) is required")
		return
	}
	in, err := email.ParseWebhook(c.Writer, c.Request)
	if err != nil {
		s.renderError(c, badRequest(strings.TrimPrefix(err.Error(), "inbound email form: ")))
		return
	}
	if err := cfg.Receive(c.Request.Context(), in); err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "received"})
}
