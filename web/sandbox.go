package web

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/crm"
)

// SandboxOutbox is the fake Twilio's record of what it "sent": every
// message to a lead or a rep, oldest first (sandbox.Server has it).
type SandboxOutbox interface {
	Messages() []sandbox.Message
}

// sandboxPageLimit bounds the page: the newest messages are the ones a
// person trying the product looks for.
const sandboxPageLimit = 500

type sandboxPage struct {
	pageBase
	Messages []sandbox.Message // newest first
	Total    int
	MailURL  string // where the emails sent can be read, if anywhere
}

// consoleSandbox serves GET /console/sandbox: the messages the sandbox
// "sent" to leads and reps, newest first, which without a Twilio account
// is the only place to read them.
func (s *Server) consoleSandbox(c *gin.Context) {
	if s.cfg.SandboxOutbox == nil {
		s.consoleFail(c, fmt.Errorf("sandbox: %w", crm.ErrNotFound))
		return
	}
	msgs := s.cfg.SandboxOutbox.Messages()
	total := len(msgs)
	msgs = msgs[max(0, total-sandboxPageLimit):]
	slices.Reverse(msgs)
	s.renderPage(c, http.StatusOK, "sandbox.html", sandboxPage{pageBase: s.base(c, "Sandbox"), Messages: msgs, Total: total,
		MailURL: s.cfg.SandboxMailURL})
}
