package web

import (
	"fmt"
	"html/template"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/crm"
)

var templateFuncs = template.FuncMap{
	"ago": func(t time.Time) string {
		d := time.Since(t)
		switch {
		case d < time.Minute:
			return "just now"
		case d < time.Hour:
			return fmt.Sprintf("%d min ago", int(d.Minutes()))
		case d < 24*time.Hour:
			return fmt.Sprintf("%d h ago", int(d.Hours()))
		}
		return t.Format("Jan 2")
	},
	"clock": func(t time.Time) string { return t.Format("15:04:05") },
	"modeLabel": func(m crm.Mode) string {
		return map[crm.Mode]string{crm.ModeAI: "AI", crm.ModeHandoffPending: "Needs a rep",
			crm.ModeHuman: "Rep", crm.ModeClosed: "Closed"}[m]
	},
}

type homePage struct {
	Business      string
	Conversations []crm.Conversation
	Simulator     bool
	SimPhone      string
}

func (s *Server) consoleHome(c *gin.Context) {
	list, err := crm.ListConversations(c.Request.Context(), s.cfg.DB, crm.Filter{Limit: 100})
	if err != nil {
		s.renderError(c, err)
		return
	}
	// ?phone= opens that lead's thread in the simulator (the list links
	// there); otherwise a new made-up lead.
	simPhone, ok := crm.NormalizePhone(c.Query("phone"), s.cfg.Region)
	if !ok {
		simPhone = fmt.Sprintf("+1970555%04d", rand.IntN(10000))
	}
	s.render(c, "home.html", homePage{
		Business: s.cfg.BusinessName, Conversations: list, Simulator: s.cfg.Simulate != nil, SimPhone: simPhone,
	})
}

// consoleConversations renders the conversation list alone, for the page's
// periodic refresh.
func (s *Server) consoleConversations(c *gin.Context) {
	list, err := crm.ListConversations(c.Request.Context(), s.cfg.DB, crm.Filter{Limit: 100})
	if err != nil {
		s.renderError(c, err)
		return
	}
	s.render(c, "conversations.html", homePage{Conversations: list})
}

// consoleThread renders the simulator's thread: the conversation of one
// phone number, as the CRM recorded it (replies show their delivery status
// from the sandbox's callbacks).
func (s *Server) consoleThread(c *gin.Context) {
	phone, ok := crm.NormalizePhone(c.Query("phone"), s.cfg.Region)
	if !ok {
		abortError(c, http.StatusBadRequest, "phone is not a phone number")
		return
	}
	var msgs []crm.Message
	list, err := crm.ListConversations(c.Request.Context(), s.cfg.DB, crm.Filter{Phone: phone, Limit: 1})
	if err != nil {
		s.renderError(c, err)
		return
	}
	if len(list) == 1 {
		if msgs, err = crm.Messages(c.Request.Context(), s.cfg.DB, list[0].ID); err != nil {
			s.renderError(c, err)
			return
		}
	}
	s.render(c, "thread.html", msgs)
}

type simulateForm struct {
	From string `form:"from"`
	Body string `form:"body"`
}

// consoleSimulate texts the server as a lead, through the same signed
// webhook Twilio would call.
func (s *Server) consoleSimulate(c *gin.Context) {
	if s.cfg.Simulate == nil {
		abortError(c, http.StatusNotFound, "the simulator needs the Twilio sandbox")
		return
	}
	var f simulateForm
	if err := c.ShouldBind(&f); err != nil {
		abortError(c, http.StatusBadRequest, "bad form: "+err.Error())
		return
	}
	phone, ok := crm.NormalizePhone(f.From, s.cfg.Region)
	if !ok {
		abortError(c, http.StatusBadRequest, "from is not a phone number")
		return
	}
	if strings.TrimSpace(f.Body) == "" {
		abortError(c, http.StatusBadRequest, "type a message first")
		return
	}
	base := "http://" + c.Request.Host
	if err := s.cfg.Simulate(c.Request.Context(), base, phone, f.Body); err != nil {
		s.logger.Error("simulator", "err", err)
		abortError(c, http.StatusBadGateway, "the webhook did not accept the message: "+err.Error())
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) render(c *gin.Context, name string, data any) {
	var b strings.Builder
	if err := s.pages.ExecuteTemplate(&b, name, data); err != nil {
		s.renderError(c, fmt.Errorf("render %s: %w", name, err))
		return
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.String(http.StatusOK, b.String())
}
