package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/crm"
)

// shownLink is a one-time link just made, shown to the admin once: only
// its hash is kept, so no page can show it again.
type shownLink struct {
	URL     string
	Email   string
	Purpose auth.LinkPurpose
	Expires time.Time
}

// inviteForm is the invite form as the admin filled it.
type inviteForm struct {
	Email string
	Role  auth.Role
	RepID string
}

type loginsPage struct {
	pageBase
	Users []auth.User
	// Reps are the reps without a login, for the invite form.
	Reps   []crm.Rep
	Link   *shownLink
	Form   inviteForm
	Notice string
	Error  string
}

// consoleLogins serves GET /console/logins (admins): every login, and the
// invite form.
func (s *Server) consoleLogins(c *gin.Context) {
	s.renderLogins(c, http.StatusOK, inviteForm{Role: auth.RoleRep}, nil, "")
}

func (s *Server) renderLogins(c *gin.Context, status int, form inviteForm, link *shownLink, problem string) {
	ctx := c.Request.Context()
	p := loginsPage{pageBase: s.base(c, "Logins"), Link: link, Form: form, Notice: c.Query("notice"), Error: problem}
	reps, users, logins, err := s.repsWithLogins(ctx)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	p.Users = users
	for _, r := range reps {
		if _, taken := logins[r.ID]; !taken {
			p.Reps = append(p.Reps, r)
		}
	}
	if link != nil {
		noStore(c)
	}
	s.renderPage(c, status, "logins.html", p)
}

// repsWithLogins loads the reps, the logins, and the email each rep with
// a login signs in with, by rep id.
func (s *Server) repsWithLogins(ctx context.Context) ([]crm.Rep, []auth.User, map[string]string, error) {
	reps, err := crm.ListReps(ctx, s.cfg.DB)
	if err != nil {
		return nil, nil, nil, err
	}
	users, err := auth.ListUsers(ctx, s.cfg.DB)
	if err != nil {
		return nil, nil, nil, err
	}
	logins := map[string]string{}
	for _, u := range users {
		if u.RepID != "" {
			logins[u.RepID] = u.Email
		}
	}
	return reps, users, logins, nil
}

// noStore keeps a page that shows a one-time link out of caches, and its
// address out of other sites' Referer.
func noStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "same-origin")
}

// consoleInvite serves POST /console/logins (admins): a login without a
// password, and the link that sets it, shown once.
func (s *Server) consoleInvite(c *gin.Context) {
	form := inviteForm{Email: c.PostForm("email"), Role: auth.Role(c.PostForm("role")), RepID: c.PostForm("rep")}
	l, err := auth.Invite(c.Request.Context(), s.cfg.DB, auth.Invitation{Email: form.Email, Role: form.Role, RepID: form.RepID,
		By: session(c).User.Email}, time.Now())
	if err != nil {
		s.loginsFail(c, form, err)
		return
	}
	s.renderLogins(c, http.StatusOK, inviteForm{Role: auth.RoleRep}, s.shown(c, l), "")
}

// loginsFail shows a refused change on the logins page, or fails.
func (s *Server) loginsFail(c *gin.Context, form inviteForm, err error) {
	switch status := statusOf(err); status {
	case http.StatusUnprocessableEntity, http.StatusConflict:
		s.renderLogins(c, status, form, nil, publicMessage(err, status))
	default:
		s.consoleFail(c, err)
	}
}

// shown is l as the admin passes it on: an address on this site.
func (s *Server) shown(c *gin.Context, l auth.Link) *shownLink {
	base := strings.TrimRight(s.cfg.PublicURL, "/")
	if base == "" {
		scheme := "http"
		if s.secure(c) {
			scheme = "https"
		}
		base = (&url.URL{Scheme: scheme, Host: c.Request.Host}).String()
	}
	link := base + "/login/link?" + url.Values{"t": {l.Token}}.Encode()
	return &shownLink{URL: link, Email: l.User.Email, Purpose: l.Purpose, Expires: l.ExpiresAt}
}

// consoleResetLink serves POST /console/logins/{id}/reset (admins): a new
// one-time link for the login, shown once.
func (s *Server) consoleResetLink(c *gin.Context) {
	l, err := auth.NewResetLink(c.Request.Context(), s.cfg.DB, c.Param("id"), session(c).User.Email, time.Now())
	if err != nil {
		s.loginsFail(c, inviteForm{Role: auth.RoleRep}, err)
		return
	}
	s.renderLogins(c, http.StatusOK, inviteForm{Role: auth.RoleRep}, s.shown(c, l), "")
}

// consoleSetDisabled serves POST /console/logins/{id}/disable and
// .../enable (admins).
func (s *Server) consoleSetDisabled(disabled bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, err := auth.SetDisabled(c.Request.Context(), s.cfg.DB, c.Param("id"), disabled)
		if err != nil {
			s.loginsFail(c, inviteForm{Role: auth.RoleRep}, err)
			return
		}
		notice := u.Email + " is enabled."
		if disabled {
			notice = u.Email + " is disabled and signed out."
		}
		c.Redirect(http.StatusSeeOther, "/console/logins?"+url.Values{"notice": {notice}}.Encode())
	}
}

// consoleSetRole serves POST /console/logins/{id}/role (admins).
func (s *Server) consoleSetRole(c *gin.Context) {
	u, err := auth.SetRole(c.Request.Context(), s.cfg.DB, c.Param("id"), auth.Role(c.PostForm("role")))
	if err != nil {
		s.loginsFail(c, inviteForm{Role: auth.RoleRep}, err)
		return
	}
	page := "/console/logins"
	if u.ID == session(c).User.ID && u.Role != auth.RoleAdmin {
		page = "/console/reps" // the logins page is no longer theirs
	}
	c.Redirect(http.StatusSeeOther, page+"?"+url.Values{"notice": {u.Email + " is now " + string(u.Role) + "."}}.Encode())
}

type setPasswordPage struct {
	pageBase
	// Token is the link's; FormToken the form's own CSRF token (there is
	// no session yet).
	Token     string
	FormToken string
	Email     string
	Purpose   auth.LinkPurpose
	Min       int
	Error     string
}

// setPasswordForm shows the page a one-time link opens: the form, or why
// the link does not work.
func (s *Server) setPasswordForm(c *gin.Context, status int, token string, l auth.Link, problem string) {
	csrf := randomString()
	s.setCookie(c, loginCookie, csrf, 3600)
	noStore(c)
	p := setPasswordPage{pageBase: s.base(c, "Set your password"), Email: l.User.Email, Purpose: l.Purpose,
		Min: auth.MinPasswordChars, Error: problem}
	if l.User.ID != "" {
		p.Token, p.FormToken = token, csrf
	}
	s.renderPage(c, status, "set_password.html", p)
}

// linkFail shows why a link was refused.
func (s *Server) linkFail(c *gin.Context, err error) {
	status := statusOf(err)
	switch status {
	case http.StatusNotFound:
		s.setPasswordForm(c, status, "", auth.Link{}, "This link does not work: it was mistyped, or a newer one replaced it. Ask an admin for a new one.")
	case http.StatusGone, http.StatusForbidden:
		msg := publicMessage(err, status)
		s.setPasswordForm(c, status, "", auth.Link{}, strings.ToUpper(msg[:1])+msg[1:]+".")
	default:
		s.renderError(c, err)
	}
}

// consoleLinkPage serves GET /login/link?t=TOKEN: the page an invite or
// reset link opens.
func (s *Server) consoleLinkPage(c *gin.Context) {
	token := c.Query("t")
	l, err := auth.LinkByToken(c.Request.Context(), s.cfg.DB, token, time.Now())
	if err != nil {
		s.linkFail(c, err)
		return
	}
	s.setPasswordForm(c, http.StatusOK, token, l, "")
}

// consoleUseLink serves POST /login/link: the password is set, the link
// spent, and the browser signed in.
func (s *Server) consoleUseLink(c *gin.Context) {
	ctx := c.Request.Context()
	token := c.PostForm("t")
	cookie, err := c.Cookie(loginCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(cookie), []byte(c.PostForm("csrf"))) != 1 || !sameOrigin(c) {
		s.linkRetry(c, token, http.StatusForbidden, "The form expired. Please try again.")
		return
	}
	pw := c.PostFormArray("password")
	if len(pw) != 2 || pw[0] != pw[1] {
		s.linkRetry(c, token, http.StatusUnprocessableEntity, "The two passwords differ.")
		return
	}
	u, err := auth.UseLink(ctx, s.cfg.DB, token, pw[0], time.Now())
	var invalid *crm.InvalidError
	if errors.As(err, &invalid) {
		s.linkRetry(c, token, http.StatusUnprocessableEntity, "The password "+invalid.Reason+".")
		return
	}
	if err != nil {
		s.linkFail(c, err)
		return
	}
	sess, err := auth.NewSession(ctx, s.cfg.DB, u.ID, sessionTTL, time.Now())
	if err != nil {
		s.renderError(c, err)
		return
	}
	s.setCookie(c, loginCookie, "", -1)
	s.setCookie(c, sessionCookie, sess.Token, int(sessionTTL.Seconds()))
	c.Redirect(http.StatusSeeOther, "/")
}

// linkRetry shows the link's form again with what to fix, if the link
// still works.
func (s *Server) linkRetry(c *gin.Context, token string, status int, problem string) {
	l, err := auth.LinkByToken(c.Request.Context(), s.cfg.DB, token, time.Now())
	if err != nil {
		s.linkFail(c, err)
		return
	}
	s.setPasswordForm(c, status, token, l, problem)
}
