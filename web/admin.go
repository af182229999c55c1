package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/internal/errkind"
	"github.com/leadagent/leadagent/store"
)

// repRow is a rep on the reps page, with whether they are on duty now.
type repRow struct {
	crm.Rep
	OnDuty bool
	Login  string
}

type repsPage struct {
	pageBase
	Reps     []repRow
	Hours    handoff.BusinessHours
	OpenNow  bool
	NextOpen string
	Notice   string
	Error    string
	Form     crm.NewRep
	Invite   repInvite
}

// repInvite is the add-a-rep form's option to invite a login for the rep
// too, and the link made, shown once.
type repInvite struct {
	On    bool
	Email string
	Link  *shownLink
	// Added is the name of the rep the link's login acts as.
	Added string
}

// consoleReps serves GET /console/reps: who takes over, who is on duty
// now, and the on-call switches.
func (s *Server) consoleReps(c *gin.Context) {
	s.renderReps(c, http.StatusOK, crm.NewRep{}, "")
}

func (s *Server) renderReps(c *gin.Context, status int, form crm.NewRep, problem string) {
	s.renderRepsInvite(c, status, form, repInvite{}, problem)
}

func (s *Server) renderRepsInvite(c *gin.Context, status int, form crm.NewRep, invite repInvite, problem string) {
	ctx := c.Request.Context()
	p := repsPage{pageBase: s.base(c, "Reps"), Notice: c.Query("notice"), Error: problem, Form: form, Invite: invite}
	if invite.Link != nil {
		noStore(c)
		p.Notice = "Added " + invite.Added + " and invited a login for them."
	}
	var err error
	if p.Hours, err = handoff.LoadBusinessHours(ctx, s.cfg.DB, s.cfg.Hours); err != nil {
		s.consoleFail(c, err)
		return
	}
	reps, _, logins, err := s.repsWithLogins(ctx)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	now := time.Now()
	p.OpenNow = p.Hours.Schedule.Open(now)
	if next := p.Hours.Schedule.NextOpen(now); !next.IsZero() && !p.OpenNow {
		p.NextOpen = p.Hours.Schedule.Say(next, now)
	}
	for _, r := range reps {
		p.Reps = append(p.Reps, repRow{Rep: r, OnDuty: r.OnDuty(p.OpenNow), Login: logins[r.ID]})
	}
	s.renderPage(c, status, "reps.html", p)
}

// consoleAddRep serves POST /console/reps (admins): a rep, and with the
// invite option a login for them, made together or not at all.
func (s *Server) consoleAddRep(c *gin.Context) {
	form := crm.NewRep{Name: c.PostForm("name"), Phone: c.PostForm("phone"), Email: c.PostForm("email"), OnCall: c.PostForm("on_call") != ""}
	invite := repInvite{On: c.PostForm("invite") != "", Email: c.PostForm("login_email")}
	var r crm.Rep
	err := pgx.BeginFunc(c.Request.Context(), s.cfg.DB, func(tx pgx.Tx) error {
		var err error
		if r, err = crm.AddRep(c.Request.Context(), tx, form, s.cfg.Region); err != nil || !invite.On {
			return err
		}
		email := invite.Email
		if strings.TrimSpace(email) == "" {
			email = r.Email
		}
		l, err := auth.Invite(c.Request.Context(), tx, auth.Invitation{Email: email, Role: auth.RoleRep, RepID: r.ID,
			By: session(c).User.Email}, time.Now())
		if err == nil {
			invite.Link = s.shown(c, l)
		}
		return err
	})
	var invalid *crm.InvalidError
	if errors.As(err, &invalid) || errors.Is(err, errkind.Conflict) {
		s.renderRepsInvite(c, statusOf(err), form, invite, publicMessage(err, statusOf(err)))
		return
	}
	if err == nil && invite.Link != nil {
		s.renderRepsInvite(c, http.StatusOK, crm.NewRep{}, repInvite{Link: invite.Link, Added: r.Name}, "")
		return
	}
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/reps?"+url.Values{"notice": {"Added " + r.Name + "."}}.Encode())
}

// consoleRepDuty serves POST /console/reps/{id}/duty: an admin sets any
// rep's on-call and active switches; a rep may set their own on-call.
func (s *Server) consoleRepDuty(c *gin.Context) {
	id := c.Param("id")
	u := session(c).User
	var d crm.RepDuty
	if v, ok := c.GetPostForm("on_call"); ok {
		b := v == "true"
		d.OnCall = &b
	}
	if v, ok := c.GetPostForm("active"); ok {
		if u.Role != auth.RoleAdmin {
			s.consoleFail(c, fmt.Errorf("set rep %s active: %w", id, handoff.ErrForbidden))
			return
		}
		b := v == "true"
		d.Active = &b
	}
	if u.Role != auth.RoleAdmin && u.RepID != id {
		s.consoleFail(c, fmt.Errorf("set duty of rep %s: %w", id, handoff.ErrForbidden))
		return
	}
	r, err := crm.SetRepDuty(c.Request.Context(), s.cfg.DB, id, d)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	state := "off call"
	if r.OnCall {
		state = "on call"
	}
	if !r.Active {
		state += ", away"
	}
	c.Redirect(http.StatusSeeOther, "/console/reps?"+url.Values{"notice": {r.Name + " is " + state + "."}}.Encode())
}

// consoleSaveHours serves POST /console/hours (admins): the next routing
// decision of every process uses them.
func (s *Server) consoleSaveHours(c *gin.Context) {
	_, err := handoff.SaveBusinessHours(c.Request.Context(), s.cfg.DB, c.PostForm("hours"), c.PostForm("timezone"), session(c).User.Email)
	var invalid *crm.InvalidError
	if errors.As(err, &invalid) {
		s.renderReps(c, http.StatusUnprocessableEntity, crm.NewRep{}, invalid.Error())
		return
	}
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/reps?"+url.Values{"notice": {"Business hours saved."}}.Encode())
}

// ruleForm is one reason's row of the rules form.
type ruleForm struct {
	Reason   string
	Label    string
	Rule     handoff.Rule
	Scored   bool
	Keywords bool
}

type rulesPage struct {
	pageBase
	Active   handoff.RulesVersion
	Rules    handoff.Rules
	Forms    []ruleForm
	Versions []handoff.RulesVersion
	Notice   string
	Error    string
}

// consoleRules serves GET /console/rules (admins): the escalation rules in
// force, a form to change them, and every saved version.
func (s *Server) consoleRules(c *gin.Context) {
	s.renderRules(c, http.StatusOK, nil, "")
}

func (s *Server) renderRules(c *gin.Context, status int, draft *handoff.Rules, problem string) {
	ctx := c.Request.Context()
	p := rulesPage{pageBase: s.base(c, "Escalation rules"), Notice: c.Query("notice"), Error: problem}
	var err error
	if p.Active, err = handoff.ActiveRules(ctx, s.cfg.DB); err != nil {
		s.consoleFail(c, err)
		return
	}
	if p.Versions, err = handoff.RulesVersions(ctx, s.cfg.DB, 30); err != nil {
		s.consoleFail(c, err)
		return
	}
	p.Rules = p.Active.Rules
	if draft != nil {
		p.Rules = *draft
	}
	for _, reason := range []string{handoff.ReasonBuyingIntent, handoff.ReasonHumanRequest, handoff.ReasonComplaint,
		handoff.ReasonUnknownAnswer, handoff.ReasonSensitive} {
		p.Forms = append(p.Forms, ruleForm{Reason: reason, Label: handoff.ReasonLabel(reason), Rule: *p.Rules.Rule(reason),
			Scored:   handoff.Scored(reason),
			Keywords: reason != handoff.ReasonUnknownAnswer})
	}
	s.renderPage(c, status, "rules.html", p)
}

// consoleSaveRules serves POST /console/rules (admins): a new version,
// active from the next turn.
func (s *Server) consoleSaveRules(c *gin.Context) {
	r, err := rulesFromForm(c)
	if err == nil {
		_, err = handoff.SaveRules(c.Request.Context(), s.cfg.DB, r, session(c).User.Email, c.PostForm("note"))
	}
	var invalid *crm.InvalidError
	if errors.As(err, &invalid) {
		s.renderRules(c, http.StatusUnprocessableEntity, &r, invalid.Error())
		return
	}
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/rules?"+url.Values{"notice": {"Saved. The new rules apply from the next message."}}.Encode())
}

// activateVersion serves POST PAGE/activate (admins) for a versioned
// document: go back to an earlier version (0: the built-in default).
func (s *Server) activateVersion(page string, activate func(ctx context.Context, db store.Beginner, version int) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, err := strconv.Atoi(c.PostForm("version"))
		if err != nil || v < 0 {
			s.consoleFail(c, badRequest("version must be a number"))
			return
		}
		if err := activate(c.Request.Context(), s.cfg.DB, v); err != nil {
			s.consoleFail(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, page+"?"+url.Values{"notice": {fmt.Sprintf("Version %d is active.", v)}}.Encode())
	}
}

// rulesFromForm reads the rules form; numbers that do not parse are
// named. A threshold left out of the form keeps its default.
func rulesFromForm(c *gin.Context) (handoff.Rules, error) {
	r := handoff.DefaultRules()
	num := func(field string, dst *float64) error {
		v, ok := c.GetPostForm(field)
		if !ok {
			return nil
		}
		v = strings.TrimSpace(v)
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return &crm.InvalidError{Field: field, Reason: fmt.Sprintf("%q is not a number", v)}
		}
		*dst = f
		return nil
	}
	integer := func(field string, dst *int) error {
		v := strings.TrimSpace(c.PostForm(field))
		n, err := strconv.Atoi(v)
		if err != nil {
			return &crm.InvalidError{Field: field, Reason: fmt.Sprintf("%q is not a whole number", v)}
		}
		*dst = n
		return nil
	}
	for _, reason := range handoff.Reasons {
		rule := r.Rule(reason)
		rule.Enabled = c.PostForm(reason+".enabled") != ""
		if handoff.Scored(reason) {
			if err := num(reason+".threshold", &rule.Threshold); err != nil {
				return r, err
			}
		}
		if reason != handoff.ReasonUnknownAnswer {
			rule.Keywords = nil
			for _, line := range strings.FieldsFunc(c.PostForm(reason+".keywords"), func(r rune) bool { return r == '\n' || r == ',' }) {
				if line = strings.TrimSpace(line); line != "" {
					rule.Keywords = append(rule.Keywords, line)
				}
			}
		}
	}
	if err := num("negative_sentiment", &r.NegativeSentiment); err != nil {
		return r, err
	}
	if err := integer("unknown_streak", &r.UnknownStreak); err != nil {
		return r, err
	}
	if err := integer("sla_minutes", &r.SLAMinutes); err != nil {
		return r, err
	}
	return r, nil
}
