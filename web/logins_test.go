package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/auth"
)

var oneTimeLink = regexp.MustCompile(`value="(http://[^"]+/login/link\?t=[A-Za-z0-9_-]+)"`)

// linkIn returns the path and query of the one-time link a page shows.
func linkIn(t *testing.T, body string) string {
	t.Helper()
	m := oneTimeLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no one-time link in:\n%s", body)
	}
	u, err := url.Parse(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

// setPassword opens a link in a new browser and sets the password there.
func (b *testBundle) setPassword(t *testing.T, link, pw string) (*browser, page) {
	t.Helper()
	br := b.browser(t)
	form := br.get(t, link)
	if form.status != http.StatusOK {
		return br, form
	}
	return br, br.post(t, "/login/link", url.Values{"t": {hidden(t, form.body, "t")}, "csrf": {hidden(t, form.body, "csrf")},
		"password": {pw, pw}})
}

func (b *testBundle) userID(t *testing.T, email string) string {
	t.Helper()
	u, err := auth.UserByEmail(b.ctx, b.db, email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestLoginsInvite(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(t, "dana@example.com", auth.RoleAdmin, "")
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	sam := b.rep(t, "Sam Ortiz", "+19705550182")
	rep := b.login(t, "sam@example.com", auth.RoleRep, sam.ID)

	// Reps get 403, for the page and every change.
	if p := rep.get(t, "/console/logins"); p.status != http.StatusForbidden {
		t.Errorf("a rep opens the logins page: %d", p.status)
	}
	for _, path := range []string{"/console/logins", "/console/logins/" + b.userID(t, "dana@example.com") + "/disable"} {
		if p := rep.post(t, path, url.Values{"email": {"x@example.com"}, "role": {"admin"}}); p.status != http.StatusForbidden {
			t.Errorf("a rep posts %s: %d", path, p.status)
		}
	}

	list := admin.get(t, "/console/logins")
	if list.status != http.StatusOK || !strings.Contains(list.body, "sam@example.com") || !strings.Contains(list.body, "acts as Sam Ortiz") ||
		!strings.Contains(list.body, `<option value="`+alex.ID+`"`) || strings.Contains(list.body, `<option value="`+sam.ID+`"`) {
		t.Fatalf("logins page: %d\n%s", list.status, list.body)
	}
	// Without the session's CSRF token, nothing is invited.
	if p := admin.post(t, "/console/logins", url.Values{"email": {"alex@example.com"}, "role": {"rep"}, "rep": {alex.ID}, "csrf": {"forged"}}); p.status != http.StatusForbidden {
		t.Errorf("forged invite: %d", p.status)
	}
	if p := admin.post(t, "/console/logins", url.Values{"email": {"alex@example.com"}, "role": {"rep"}}); p.status != http.StatusUnprocessableEntity {
		t.Errorf("a rep's invite without a rep: %d", p.status)
	}
	p := admin.post(t, "/console/logins", url.Values{"email": {"Alex@Example.com"}, "role": {"rep"}, "rep": {alex.ID}})
	if p.status != http.StatusOK || !strings.Contains(p.body, "Invite link for alex@example.com") {
		t.Fatalf("invite: %d\n%s", p.status, p.body)
	}
	link := linkIn(t, p.body)
	// The link is shown once: the list does not show it again.
	if again := admin.get(t, "/console/logins"); oneTimeLink.MatchString(again.body) || !strings.Contains(again.body, "invited") {
		t.Errorf("the logins page after the invite:\n%s", again.body)
	}
	if p := admin.post(t, "/console/logins", url.Values{"email": {"alex@example.com"}, "role": {"admin"}}); p.status != http.StatusConflict {
		t.Errorf("invite the same email again: %d", p.status)
	}

	// The invitee: two different passwords, then a short one, then a good one.
	br := b.browser(t)
	form := br.get(t, link)
	if form.status != http.StatusOK || !strings.Contains(form.body, "alex@example.com") || form.url.Path != "/login/link" {
		t.Fatalf("link page: %d at %s\n%s", form.status, form.url, form.body)
	}
	token, csrf := hidden(t, form.body, "t"), hidden(t, form.body, "csrf")
	if p := br.post(t, "/login/link", url.Values{"t": {token}, "csrf": {csrf}, "password": {password, password + "x"}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "differ") {
		t.Errorf("different passwords: %d", p.status)
	}
	csrf = hidden(t, br.get(t, link).body, "csrf")
	if p := br.post(t, "/login/link", url.Values{"t": {token}, "csrf": {csrf}, "password": {"short", "short"}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "at least 10") {
		t.Errorf("short password: %d", p.status)
	}
	csrf = hidden(t, br.get(t, link).body, "csrf")
	if p := br.post(t, "/login/link", url.Values{"t": {token}, "csrf": {"forged"}, "password": {password, password}}); p.status != http.StatusForbidden {
		t.Errorf("forged set-password form: %d", p.status)
	}
	csrf = hidden(t, br.get(t, link).body, "csrf")
	in := br.post(t, "/login/link", url.Values{"t": {token}, "csrf": {csrf}, "password": {password, password}})
	if in.status != http.StatusOK || in.url.Path != "/" || !strings.Contains(in.body, "Sign out") {
		t.Fatalf("set password: %d at %s\n%s", in.status, in.url, in.body)
	}
	if p := br.get(t, "/console/reps"); p.status != http.StatusOK || p.url.Path != "/console/reps" {
		t.Errorf("signed in after the link: %d at %s", p.status, p.url)
	}
	// The link works once.
	if _, p := b.setPassword(t, link, "another long password"); p.status != http.StatusGone || !strings.Contains(p.body, "used already") {
		t.Errorf("link used twice: %d\n%s", p.status, p.body)
	}
	if p := br.post(t, "/login/link", url.Values{"t": {token}, "csrf": {csrf}, "password": {password, password}}); p.status != http.StatusGone {
		t.Errorf("form posted twice: %d", p.status)
	}
	// An unknown link.
	if _, p := b.setPassword(t, "/login/link?t=nope", password); p.status != http.StatusNotFound {
		t.Errorf("unknown link: %d", p.status)
	}

	// An expired link is refused.
	p = admin.post(t, "/console/logins", url.Values{"email": {"late@example.com"}, "role": {"admin"}})
	late := linkIn(t, p.body)
	if _, err := b.db.Exec(b.ctx, `UPDATE login_links SET expires_at = now() - interval '1 minute'`); err != nil {
		t.Fatal(err)
	}
	if _, p := b.setPassword(t, late, password); p.status != http.StatusGone || !strings.Contains(p.body, "expired") {
		t.Errorf("expired link: %d\n%s", p.status, p.body)
	}
	// A new link for the invite works again.
	p = admin.post(t, "/console/logins/"+b.userID(t, "late@example.com")+"/reset", url.Values{})
	if p.status != http.StatusOK || !strings.Contains(p.body, "Invite link for late@example.com") {
		t.Fatalf("new invite link: %d\n%s", p.status, p.body)
	}
	if _, p := b.setPassword(t, linkIn(t, p.body), password); p.status != http.StatusOK || p.url.Path != "/" {
		t.Errorf("the new invite link: %d at %s", p.status, p.url)
	}
}

func TestRepsPageInvitesALogin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(t, "dana@example.com", auth.RoleAdmin, "")
	p := admin.post(t, "/console/reps", url.Values{"name": {"Alex Rivera"}, "phone": {"970-555-0181"}, "email": {"alex@example.com"}, "invite": {"on"}})
	if p.status != http.StatusOK || !strings.Contains(p.body, "Added Alex Rivera") {
		t.Fatalf("add a rep with a login: %d\n%s", p.status, p.body)
	}
	br, in := b.setPassword(t, linkIn(t, p.body), password)
	if in.status != http.StatusOK || in.url.Path != "/" {
		t.Fatalf("the rep's link: %d at %s", in.status, in.url)
	}
	if reps := br.get(t, "/console/reps"); !strings.Contains(reps.body, "login alex@example.com") {
		t.Errorf("reps page does not show the login:\n%s", reps.body)
	}
	// A login that cannot be made leaves no rep behind either.
	p = admin.post(t, "/console/reps", url.Values{"name": {"Sam Ortiz"}, "phone": {"970-555-0182"}, "invite": {"on"}, "login_email": {"dana@example.com"}})
	if p.status != http.StatusConflict {
		t.Fatalf("invite a taken email with a rep: %d\n%s", p.status, p.body)
	}
	if reps := admin.get(t, "/console/reps"); strings.Contains(reps.body, "Sam Ortiz") {
		t.Error("the rep was added though the invite failed")
	}
	// Without the option, no login.
	p = admin.post(t, "/console/reps", url.Values{"name": {"Sam Ortiz"}, "phone": {"970-555-0182"}})
	if p.status != http.StatusOK || oneTimeLink.MatchString(p.body) {
		t.Errorf("add a rep without a login: %d", p.status)
	}
}

func TestLoginsDisableResetRole(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dana := b.rep(t, "Dana Lee", "+19705550180")
	admin := b.login(t, "dana@example.com", auth.RoleAdmin, dana.ID)
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	rep := b.login(t, "alex@example.com", auth.RoleRep, alex.ID)
	repID, adminID := b.userID(t, "alex@example.com"), b.userID(t, "dana@example.com")
	signIn := func(pw string) page {
		br := b.browser(t)
		form := br.get(t, "/login")
		return br.post(t, "/login", url.Values{"email": {"alex@example.com"}, "password": {pw}, "csrf": {hidden(t, form.body, "csrf")}, "next": {"/"}})
	}

	// Disable: the rep's session ends and sign-in is refused.
	if p := admin.post(t, "/console/logins/"+repID+"/disable", url.Values{}); p.status != http.StatusOK || !strings.Contains(p.body, "disabled and signed out") {
		t.Fatalf("disable: %d\n%s", p.status, p.body)
	}
	if p := rep.get(t, "/"); p.url.Path != "/login" {
		t.Errorf("a disabled login's session still opens the inbox: at %s", p.url)
	}
	if p := signIn(password); p.status != http.StatusForbidden || !strings.Contains(p.body, "disabled") {
		t.Errorf("a disabled login signs in: %d at %s", p.status, p.url)
	}
	if p := admin.post(t, "/console/logins/"+repID+"/reset", url.Values{}); p.status != http.StatusUnprocessableEntity {
		t.Errorf("a reset link for a disabled login: %d", p.status)
	}
	if p := admin.post(t, "/console/logins/"+repID+"/enable", url.Values{}); p.status != http.StatusOK {
		t.Fatalf("enable: %d", p.status)
	}
	if p := signIn(password); p.status != http.StatusOK || p.url.Path != "/" {
		t.Errorf("enabled login signs in: %d at %s", p.status, p.url)
	}

	// Reset: the link sets a new password; the old one stops working.
	p := admin.post(t, "/console/logins/"+repID+"/reset", url.Values{})
	if p.status != http.StatusOK || !strings.Contains(p.body, "Password reset link for alex@example.com") {
		t.Fatalf("reset link: %d\n%s", p.status, p.body)
	}
	if _, in := b.setPassword(t, linkIn(t, p.body), "a brand new password"); in.status != http.StatusOK || in.url.Path != "/" {
		t.Fatalf("use reset link: %d at %s", in.status, in.url)
	}
	if p := signIn(password); p.status != http.StatusUnauthorized {
		t.Errorf("the old password after a reset: %d", p.status)
	}
	rep = b.browser(t)
	form := rep.get(t, "/login")
	in := rep.post(t, "/login", url.Values{"email": {"alex@example.com"}, "password": {"a brand new password"}, "csrf": {hidden(t, form.body, "csrf")}, "next": {"/"}})
	if in.status != http.StatusOK || in.url.Path != "/" {
		t.Fatalf("the new password: %d at %s", in.status, in.url)
	}
	rep.csrf = hidden(t, in.body, "csrf")

	// Last admin: Dana can neither disable nor demote herself.
	for _, tt := range []struct {
		path string
		form url.Values
	}{
		{"/console/logins/" + adminID + "/disable", url.Values{}},
		{"/console/logins/" + adminID + "/role", url.Values{"role": {"rep"}}},
	} {
		if p := admin.post(t, tt.path, tt.form); p.status != http.StatusConflict || !strings.Contains(p.body, "last active admin") {
			t.Errorf("%s as the last admin: %d\n%s", tt.path, p.status, p.body)
		}
	}
	if p := admin.get(t, "/console/logins"); p.status != http.StatusOK {
		t.Fatalf("the last admin is still an admin: %d", p.status)
	}

	// Role change: Alex becomes an admin, from the next request.
	if p := admin.post(t, "/console/logins/"+repID+"/role", url.Values{"role": {"admin"}}); p.status != http.StatusOK || !strings.Contains(p.body, "is now admin") {
		t.Fatalf("promote: %d\n%s", p.status, p.body)
	}
	if p := rep.get(t, "/console/logins"); p.status != http.StatusOK {
		t.Errorf("promoted login opens the logins page: %d", p.status)
	}
	// Now Dana may step down.
	if p := admin.post(t, "/console/logins/"+adminID+"/role", url.Values{"role": {"rep"}}); p.status != http.StatusOK {
		t.Fatalf("demote self with another admin: %d\n%s", p.status, p.body)
	}
	if p := admin.get(t, "/console/logins"); p.status != http.StatusForbidden {
		t.Errorf("demoted login opens the logins page: %d", p.status)
	}
	if p := rep.post(t, "/console/logins/"+repID+"/role", url.Values{"role": {"bogus"}}); p.status != http.StatusUnprocessableEntity {
		t.Errorf("a made-up role: %d", p.status)
	}
}
