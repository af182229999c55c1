package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/internal/fakeclock"
	"github.com/leadagent/leadagent/web"
)

// signIn posts the login form from address (the test server's peer is
// loopback, a proxy whose X-Forwarded-For the router trusts).
func (br *browser) signIn(t *testing.T, email, pw, address string) (page, http.Header) {
	t.Helper()
	form := br.get(t, "/login")
	body := url.Values{"email": {email}, "password": {pw}, "csrf": {hidden(t, form.body, "csrf")}, "next": {"/"}}
	req, err := http.NewRequest(http.MethodPost, br.b.srv.URL+"/login", strings.NewReader(body.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", br.b.srv.URL)
	req.Header.Set("X-Forwarded-For", address)
	resp, err := br.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := page{status: resp.StatusCode, url: resp.Request.URL, body: readAll(t, resp)}
	return p, resp.Header
}

// TestSignInThrottled: guesses at one account from one address wait ever
// longer (429 with Retry-After) before the password is even checked; the
// owner gets in once the wait is over. Guesses from many addresses slow
// every new browser, but not the one that signed in to the account before.
func TestSignInThrottled(t *testing.T) {
	t.Parallel()
	clock := fakeclock.New(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	b := setupWith(t, func(c *web.Config) { c.Logins = auth.NewThrottle(auth.ThrottleConfig{Now: clock.Now}) })
	if _, err := auth.AddUser(b.ctx, b.db, auth.NewUser{Email: "dana@example.com", Password: password, Role: auth.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	guesser := b.browser(t)
	for i := range 4 {
		if p, _ := guesser.signIn(t, "dana@example.com", fmt.Sprintf("guess %d guess", i), "203.0.113.9"); p.status != 401 {
			t.Fatalf("guess %d: %d", i, p.status)
		}
	}
	for _, pw := range []string{"guess again", password} {
		p, h := guesser.signIn(t, "dana@example.com", pw, "203.0.113.9")
		if p.status != http.StatusTooManyRequests || h.Get("Retry-After") != "1" || !strings.Contains(p.body, "Too many failed sign-ins") {
			t.Fatalf("fifth try (%s): %d, Retry-After %q\n%s", pw, p.status, h.Get("Retry-After"), p.body)
		}
	}
	clock.Add(time.Second)
	owner := b.browser(t)
	if p, _ := owner.signIn(t, "dana@example.com", password, "203.0.113.9"); p.status != 200 || p.url.Path != "/" {
		t.Fatalf("the owner after the wait: %d at %s", p.status, p.url)
	}

	// Many addresses guess; a new browser waits, the owner's does not.
	for i := range 30 {
		b.browser(t).signIn(t, "dana@example.com", "guess guess", fmt.Sprintf("198.51.100.%d", i))
	}
	if p, _ := b.browser(t).signIn(t, "dana@example.com", password, "192.0.2.1"); p.status != http.StatusTooManyRequests {
		t.Fatalf("a new browser during the attack: %d", p.status)
	}
	if p, _ := owner.signIn(t, "dana@example.com", password, "203.0.113.9"); p.status != 200 || p.url.Path != "/" {
		t.Fatalf("the owner's browser during the attack: %d at %s\n%s", p.status, p.url, p.body)
	}
}

// TestSignOutChecked: signing out is a post like any other: another site
// cannot do it for the browser, nor a form without the session's token.
func TestSignOutChecked(t *testing.T) {
	t.Parallel()
	b := setup(t)
	br := b.login(t, "dana@example.com", auth.RoleAdmin, "")
	for _, tt := range []struct {
		name, origin, csrf string
	}{
		{"another site", "https://evil.example", br.csrf},
		{"no origin", "", br.csrf},
		{"an opaque origin", "null", br.csrf},
		{"no token", b.srv.URL, ""},
		{"a wrong token", b.srv.URL, "forged"},
	} {
		req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/logout", strings.NewReader(url.Values{"csrf": {tt.csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if tt.origin != "" {
			req.Header.Set("Origin", tt.origin)
		}
		resp, err := http.DefaultTransport.RoundTrip(withCookies(br, req))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || len(resp.Header.Values("Set-Cookie")) != 0 {
			t.Errorf("%s: %d, Set-Cookie %q; want 403 and the cookie left alone", tt.name, resp.StatusCode, resp.Header.Values("Set-Cookie"))
		}
		if p := br.get(t, "/"); p.url.Path != "/" {
			t.Fatalf("%s signed the browser out", tt.name)
		}
	}
	if p := br.post(t, "/logout", url.Values{}); p.url.Path != "/login" {
		t.Fatalf("the console's own sign-out: at %s", p.url)
	}
	if p := br.get(t, "/"); p.url.Path != "/login" {
		t.Fatal("still signed in after signing out")
	}
}

// withCookies gives req the browser's cookies, for a request sent without
// following redirects.
func withCookies(br *browser, req *http.Request) *http.Request {
	for _, c := range br.client.Jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	return req
}

// TestMetricsToken: with METRICS_TOKEN set, /metrics asks for it as a
// bearer token; without one it stays open (TestMetricsEndpoint).
func TestMetricsToken(t *testing.T) {
	t.Parallel()
	b := setupWith(t, func(c *web.Config) {
		c.Metrics = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "leadagent_up 1") })
		c.MetricsToken = "m-0123456789"
	})
	for _, tt := range []struct {
		auth   string
		status int
	}{
		{"", 401},
		{"Bearer wrong", 401},
		{"Bearer ", 401},
		{"Basic m-0123456789", 401},
		{"Bearer " + apiKey, 401},
		{"Bearer m-0123456789", 200},
	} {
		req, _ := http.NewRequest(http.MethodGet, b.srv.URL+"/metrics", nil)
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != tt.status || tt.status == 401 && (strings.Contains(body, "leadagent_up") || resp.Header.Get("WWW-Authenticate") == "") {
			t.Errorf("Authorization %q: %d %s", tt.auth, resp.StatusCode, body)
		}
	}
}

// TestLeadsRedactedAndCleaned: what a form sends is redacted in every
// free-text field before anything is stored (the lead, the contact, the
// consent, the timeline); bytes that are not text are replaced in free
// text and refused, by name, in identifiers; never a 500.
func TestLeadsRedactedAndCleaned(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := func(body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/api/v1/leads", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+apiKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, readAll(t, resp)
	}
	status, body := post(`{"phone": "+19705553101", "name": "Dana 4111 1111 1111 1111", "source": "ssn 123-45-6789",
		"message": "card 4111.1111.1111.1111 exp 04/29, ssn 078 05 1120, wifi pass Blue42horse, password: hunter2",
		"consent": {"sms": true, "text": "I agree. My pin is 4455", "captured_at": "2026-11-30T22:04:05Z"}}`)
	if status != 201 {
		t.Fatalf("lead: %d %s", status, body)
	}
	var stored string
	if err := b.db.QueryRow(b.ctx, `SELECT concat_ws(' | ', (SELECT string_agg(message || ' ' || source, ' ') FROM leads),
		(SELECT string_agg(name, ' ') FROM contacts), (SELECT string_agg(text, ' ') FROM consents),
		(SELECT string_agg(detail::text, ' ') FROM timeline_events))`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	// Digits are looked for with what surrounds them: a random id may hold "4111".
	for _, secret := range []string{"4111 1111", "4111.1111", "123-45-6789", "078 05 1120", "Blue42horse", "hunter2", "is 4455"} {
		if strings.Contains(stored, secret) {
			t.Errorf("%q is stored: %s", secret, stored)
		}
	}
	for _, mark := range []string{"[REDACTED card ending 1111]", "[REDACTED ssn]", "wifi pass [REDACTED]"} {
		if !strings.Contains(stored, mark) {
			t.Errorf("no %q in what is stored: %s", mark, stored)
		}
	}

	for _, tt := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"a NUL in the name", `{"phone": "+19705553102", "name": "Dana\u0000 Reyes", "message": "hi\u0000"}`, 201, `"created":true`},
		{"bytes that are not UTF-8", "{\"phone\": \"+19705553103\", \"name\": \"Jos\xe9\", \"message\": \"caf\xc3\"}", 201, `"created":true`},
		{"a lone surrogate", `{"phone": "+19705553104", "name": "\ud800Dana"}`, 201, `"created":true`},
		{"a NUL in the external id", `{"phone": "+19705553105", "external_id": "fb\u0000-2"}`, 422, `external_id: holds a NUL character`},
		{"a NUL in the phone", `{"phone": "+1970555\u00003106"}`, 422, `phone: holds a NUL character`},
		{"a NUL in the email", `{"phone": "+19705553107", "email": "dana\u0000@example.com"}`, 422, `email: holds a NUL character`},
		{"a NUL in the owner", `{"phone": "+19705553108", "owner_email": "a\u0000@example.com"}`, 422, `owner_email:`},
		{"a NUL in the consent address", `{"phone": "+19705553109", "consent": {"sms": false, "ip": "1.2.3.4\u0000"}}`, 422, `consent.ip:`},
		{"a NUL in the consent words", `{"phone": "+19705553110", "consent": {"sms": true, "text": "ok\u0000", "captured_at": "2026-11-30T22:04:05Z"}}`,
			201, `"first_touch":"queued"`},
	} {
		if status, body := post(tt.body); status != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %s; want %d with %s", tt.name, status, body, tt.status, tt.want)
		}
	}
	names := map[string]string{}
	rows, err := b.db.Query(b.ctx, `SELECT phone, name FROM contacts`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var phone, name string
		if err := rows.Scan(&phone, &name); err != nil {
			t.Fatal(err)
		}
		names[phone] = name
	}
	for phone, want := range map[string]string{"+19705553102": "Dana Reyes", "+19705553103": "Jos\uFFFD", "+19705553104": "\uFFFDDana"} {
		if names[phone] != want {
			t.Errorf("name of %s: %q, want %q", phone, names[phone], want)
		}
	}
}

// TestRepTextCleanedAndNotesRedacted: a rep's reply or note with a NUL or
// bad bytes is kept without them (no 500), over the API and the console;
// a card number in a note is redacted like a lead's.
func TestRepTextCleanedAndNotesRedacted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	v := b.conversation(t, "+19705552041", "a person please")
	b.flag(t, v, handoff.ReasonHumanRequest)
	path := "/api/v1/conversations/" + v.ID
	for _, s := range []struct{ action, body string }{
		{"/takeover", `{"rep_id":"` + alex.ID + `"}`},
		{"/reply", `{"rep_id":"` + alex.ID + `","text":"Hi\u0000 there"}`},
		{"/note", `{"rep_id":"` + alex.ID + `","text":"paid with 4111 1111 1111 1111\u0000"}`},
	} {
		if status, got := b.api(t, http.MethodPost, path+s.action, s.body); status != 200 {
			t.Fatalf("%s: %d %v", s.action, status, got)
		}
	}
	br := b.login(t, "alex@example.com", auth.RoleRep, alex.ID)
	if p := br.post(t, "/console/c/"+v.ID+"/note", url.Values{"text": {"gate\x00 code \xff ok, card 5500 0055 5555 5559"}}); p.status != 200 {
		t.Fatalf("console note: %d %s", p.status, p.body)
	}
	conv, err := crm.GetConversation(b.ctx, b.db, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	for _, e := range conv.Timeline {
		if e.Kind == handoff.EventNote {
			d, err := crm.DetailAs[handoff.Note](e)
			if err != nil {
				t.Fatal(err)
			}
			notes = append(notes, d.Text)
		}
	}
	want := []string{"paid with [REDACTED card ending 1111]", "gate code \uFFFD ok, card [REDACTED card ending 5559]"}
	if fmt.Sprint(notes) != fmt.Sprint(want) {
		t.Errorf("notes %q, want %q", notes, want)
	}
	if last := conv.Messages[len(conv.Messages)-1]; last.Body != "Hi there" {
		t.Errorf("reply stored as %q", last.Body)
	}
}
