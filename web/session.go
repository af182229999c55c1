package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/handoff"
)

const (
	sessionCookie = "leadagent_session"
	// loginCookie carries the login form's CSRF token (double submit):
	// there is no session yet to hold one.
	loginCookie = "leadagent_login"
	// deviceCookie carries the device token of the last account that
	// signed in on this browser, which spares it the delays a stranger's
	// guesses put on that account (auth.Throttle).
	deviceCookie = "leadagent_device"
	deviceTTL    = 400 * 24 * time.Hour // the longest browsers keep a cookie
	sessionTTL   = 12 * time.Hour
	sessionKey   = "session"
)

// secure reports whether cookies must be Secure: always behind HTTPS, as
// the request or the proxy in front of it says.
func (s *Server) secure(c *gin.Context) bool {
	return s.cfg.SecureCookies || c.Request.TLS != nil || strings.EqualFold(c.GetHeader("X-Forwarded-Proto"), "https")
}

func (s *Server) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.secure(c), SameSite: http.SameSiteLaxMode})
}

// session returns the signed-in session of a console request.
func session(c *gin.Context) auth.Session {
	v, _ := c.Get(sessionKey)
	sess, _ := v.(auth.Session)
	return sess
}

// actor is who a console request acts as.
func actor(c *gin.Context) handoff.Actor {
	u := session(c).User
	name := u.RepName
	if name == "" {
		name = u.Email
	}
	return handoff.Actor{RepID: u.RepID, Admin: u.Role == auth.RoleAdmin, Name: name}
}

// requireLogin lets a signed-in browser through. Others are sent to the
// login page, or, for a script's request, answered 401.
func (s *Server) requireLogin(c *gin.Context) {
	token, err := c.Cookie(sessionCookie)
	if err == nil && token != "" {
		sess, err := auth.SessionByToken(c.Request.Context(), s.cfg.DB, token, time.Now())
		if err == nil {
			c.Set(sessionKey, sess)
			c.Next()
			return
		}
		if !errors.Is(err, auth.ErrNotFound) {
			s.renderError(c, err)
			return
		}
	}
	if c.Request.Method == http.MethodGet && c.GetHeader("HX-Request") == "" {
		c.Redirect(http.StatusSeeOther, "/login?"+url.Values{"next": {c.Request.URL.RequestURI()}}.Encode())
		c.Abort()
		return
	}
	c.Header("HX-Redirect", "/login")
	abortError(c, http.StatusUnauthorized, "sign in first")
}

// requireAdmin keeps rep logins out of the admin pages.
func (s *Server) requireAdmin(c *gin.Context) {
	if session(c).User.Role != auth.RoleAdmin {
		s.renderPage(c, http.StatusForbidden, "error.html", errorPage{pageBase: s.base(c, "Admins only"),
			Message: "This page is for admins. Ask an admin if something here needs to change."})
		c.Abort()
		return
	}
	c.Next()
}

// requireCSRF refuses a state-changing console request that does not echo
// the session's CSRF token (in the X-CSRF-Token header htmx sends, or the
// form's csrf field) or that another site's page made the browser send.
func (s *Server) requireCSRF(c *gin.Context) {
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		c.Next()
		return
	}
	if !sameOrigin(c) {
		abortError(c, http.StatusForbidden, "cross-site request refused")
		return
	}
	if !auth.ValidCSRF(session(c), csrfToken(c)) {
		abortError(c, http.StatusForbidden, "the form has expired: reload the page and try again")
		return
	}
	c.Next()
}

// csrfToken is the CSRF token a request echoes: in the X-CSRF-Token header
// htmx sends, or the form's csrf field.
func csrfToken(c *gin.Context) string {
	if token := c.GetHeader("X-CSRF-Token"); token != "" {
		return token
	}
	return c.PostForm("csrf")
}

// sameOrigin reports whether the request's Origin, or failing that its
// Referer, is this host.
func sameOrigin(c *gin.Context) bool {
	from := c.GetHeader("Origin")
	if from == "" {
		from = c.GetHeader("Referer")
	}
	u, err := url.Parse(from)
	return from != "" && err == nil && u.Host == c.Request.Host
}

type loginPage struct {
	pageBase
	Email string
	Next  string
	// Token is the login form's own CSRF token (there is no session yet).
	Token string
	Error string
	Demo  string
}

func (s *Server) loginForm(c *gin.Context, status int, email, problem string) {
	token := randomString()
	s.setCookie(c, loginCookie, token, 3600)
	s.renderPage(c, status, "login.html", loginPage{pageBase: s.base(c, "Sign in"), Email: email, Next: safeNext(c.Query("next")),
		Token: token, Error: problem, Demo: s.cfg.DemoLogin})
}

// consoleLogin serves GET /login.
func (s *Server) consoleLogin(c *gin.Context) { s.loginForm(c, http.StatusOK, "", "") }

// consoleSignIn serves POST /login: email and password give a session
// cookie and the page the user was sent from.
func (s *Server) consoleSignIn(c *gin.Context) {
	cookie, err := c.Cookie(loginCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(cookie), []byte(c.PostForm("csrf"))) != 1 || !sameOrigin(c) {
		s.loginForm(c, http.StatusForbidden, c.PostForm("email"), "The form expired. Please sign in again.")
		return
	}
	ctx := c.Request.Context()
	device, _ := c.Cookie(deviceCookie)
	user, device, err := s.logins.SignIn(ctx, s.cfg.DB, auth.Attempt{Email: c.PostForm("email"), Password: c.PostForm("password"),
		Address: c.ClientIP(), Device: device})
	var throttled *auth.ThrottledError
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		s.loginForm(c, http.StatusUnauthorized, c.PostForm("email"), "Wrong email or password.")
		return
	case errors.As(err, &throttled):
		c.Header("Retry-After", strconv.Itoa(throttled.Seconds()))
		s.loginForm(c, statusOf(err), c.PostForm("email"), "Too many failed sign-ins. Wait "+
			strconv.Itoa(throttled.Seconds())+" seconds, then try again.")
		return
	case errors.Is(err, auth.ErrDisabled):
		s.loginForm(c, statusOf(err), c.PostForm("email"), "This login is disabled. Ask an admin.")
		return
	case errors.Is(err, auth.ErrBusy):
		c.Header("Retry-After", "5")
		s.loginForm(c, statusOf(err), c.PostForm("email"), "Too many sign-ins at once. Try again in a few seconds.")
		return
	case err != nil:
		s.renderError(c, err)
		return
	}
	// Sign-ins are rare enough to sweep expired sessions on, and frequent
	// enough that the table stays small without a job of its own.
	if _, err := auth.DeleteExpiredSessions(ctx, s.cfg.DB, time.Now()); err != nil {
		s.logger.Warn("sweep expired sessions", "err", err)
	}
	sess, err := auth.NewSession(ctx, s.cfg.DB, user.ID, sessionTTL, time.Now())
	if err != nil {
		s.renderError(c, err)
		return
	}
	s.setCookie(c, loginCookie, "", -1)
	s.setCookie(c, sessionCookie, sess.Token, int(sessionTTL.Seconds()))
	s.setCookie(c, deviceCookie, device, int(deviceTTL.Seconds()))
	c.Redirect(http.StatusSeeOther, safeNext(c.PostForm("next")))
}

// consoleSignOut serves POST /logout, checked as every console post is:
// another site's page cannot sign the browser out, since even a refused
// post's reply could clear the cookie.
func (s *Server) consoleSignOut(c *gin.Context) {
	if !sameOrigin(c) {
		abortError(c, http.StatusForbidden, "cross-site request refused")
		return
	}
	if token, err := c.Cookie(sessionCookie); err == nil && token != "" {
		sess, err := auth.SessionByToken(c.Request.Context(), s.cfg.DB, token, time.Now())
		switch {
		case errors.Is(err, auth.ErrNotFound):
			// Expired or ended already: only the cookie is left to clear.
		case err != nil:
			s.renderError(c, err)
			return
		case !auth.ValidCSRF(sess, csrfToken(c)):
			abortError(c, http.StatusForbidden, "the form has expired: reload the page and try again")
			return
		default:
			if err := auth.EndSession(c.Request.Context(), s.cfg.DB, token); err != nil {
				s.renderError(c, err)
				return
			}
		}
	}
	s.setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/login")
}

// safeNext keeps the after-login redirect on this site: a path of ours, or
// "/". Browsers drop tabs and newlines from a Location and read a
// backslash as a slash, so "/\t/evil.example" and "/\\evil.example" are
// //evil.example to them: any control character or backslash is refused,
// not only the leading "//" and a scheme or host url.Parse finds.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || strings.ContainsFunc(next, unicode.IsControl) || strings.ContainsRune(next, '\\') ||
		u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}
