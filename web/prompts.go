package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/prompts"
)

// Answering says which agent answers leads now, in words for an admin:
// cmd/leadagent knows from its configuration, web only shows it.
type Answering struct {
	// Agent names it: "the offline responder", "the model gpt-4o-mini".
	Agent string
	// UsesPrompts is whether that agent runs with the prompts (a model
	// does; the offline responder answers from the knowledge base alone).
	UsesPrompts bool
}

type promptsPage struct {
	pageBase
	Names     []string
	Name      string
	Versions  []prompts.Version
	Active    prompts.Version
	Shown     prompts.Version // the version whose diff against the active one is shown
	Diff      []diffLine
	Preview   string // Shown rendered with the business's details
	Answering Answering
	Draft     string
	Error     string
	Notice    string
}

type diffLine struct {
	Kind string // add, del, hunk, same
	Text string
}

// consolePrompts shows a prompt's versions, the diff of one against the
// active version, and a form for a new version.
func (s *Server) consolePrompts(c *gin.Context) {
	s.renderPrompts(c, c.Query("name"), c.Query("show"), "", "", http.StatusOK)
}

func (s *Server) renderPrompts(c *gin.Context, name, show, draft, problem string, status int) {
	ctx := c.Request.Context()
	if name == "" {
		name = prompts.SMS
	}
	p := promptsPage{pageBase: s.base(c, "Prompts"), Names: prompts.Names(), Name: name, Error: problem, Notice: c.Query("notice")}
	var err error
	if p.Versions, err = prompts.List(ctx, s.cfg.DB, name); err != nil {
		s.consoleFail(c, err)
		return
	}
	if p.Active, err = prompts.Active(ctx, s.cfg.DB, name); err != nil {
		s.consoleFail(c, err)
		return
	}
	p.Shown = p.Active
	if show != "" {
		if p.Shown, err = prompts.Get(ctx, s.cfg.DB, name, show); err != nil {
			s.consoleFail(c, err)
			return
		}
	}
	p.Diff = diffLines(prompts.Diff(p.Active.Body, p.Shown.Body))
	p.Answering = s.cfg.Answering
	if p.Preview, err = prompts.Render(p.Shown.Body, s.promptVars()); err != nil {
		p.Preview = "This version does not render: " + err.Error()
	}
	p.Draft = draft
	if p.Draft == "" {
		p.Draft = p.Active.Body
	}
	s.renderPage(c, status, "prompts.html", p)
}

// promptVars are the business details a prompt renders with, the name
// from the console's own when the configuration gave none.
func (s *Server) promptVars() prompts.Vars {
	v := s.cfg.PromptVars
	if v.BusinessName == "" {
		v.BusinessName = s.cfg.BusinessName
	}
	return v
}

func diffLines(diff string) []diffLine {
	var out []diffLine
	for _, l := range strings.Split(strings.TrimRight(diff, "\n"), "\n") {
		if l == "" && diff == "" {
			break
		}
		kind := "same"
		switch {
		case strings.HasPrefix(l, "@@"):
			kind = "hunk"
		case strings.HasPrefix(l, "+"):
			kind = "add"
		case strings.HasPrefix(l, "-"):
			kind = "del"
		}
		out = append(out, diffLine{Kind: kind, Text: l})
	}
	return out
}

// consoleCreatePrompt stores a new version; an invalid template is shown
// back with the reason and nothing is stored.
func (s *Server) consoleCreatePrompt(c *gin.Context) {
	name, body, note := c.PostForm("name"), c.PostForm("body"), c.PostForm("note")
	v, err := prompts.Create(c.Request.Context(), s.cfg.DB, name, body, session(c).User.Email, note)
	if errors.Is(err, prompts.ErrInvalid) || errors.Is(err, prompts.ErrNotFound) {
		s.renderPrompts(c, name, "", body, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/prompts?"+url.Values{"name": {name}, "show": {v.Label()},
		"notice": {"Saved " + v.Ref() + ". Review the diff, then activate it."}}.Encode())
}

// consoleActivatePrompt makes a version the one every turn uses from now on.
func (s *Server) consoleActivatePrompt(c *gin.Context) {
	name, version := c.PostForm("name"), c.PostForm("version")
	v, err := prompts.Activate(c.Request.Context(), s.cfg.DB, name, version)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/prompts?"+url.Values{"name": {name}, "notice": {v.Ref() + " is active."}}.Encode())
}
