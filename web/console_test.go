package web_test

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/cadence"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/prompts"
)

func TestConsoleSignIn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	anon := b.browser(t)
	if p := anon.get(t, "/console/reps"); p.url.Path != "/login" || p.url.Query().Get("next") != "/console/reps" || !strings.Contains(p.body, "Sign in") {
		t.Fatalf("signed out: ended at %s", p.url)
	}
	if _, err := auth.AddUser(b.ctx, b.db, auth.NewUser{Email: "dana@example.com", Password: password, Role: auth.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	form := anon.get(t, "/login?next=/console/reps")
	csrf := hidden(t, form.body, "csrf")
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"wrong password", url.Values{"email": {"dana@example.com"}, "password": {"nope nope nope"}, "csrf": {csrf}}, 401, "Wrong email or password"},
		{"unknown email", url.Values{"email": {"who@example.com"}, "password": {password}, "csrf": {csrf}}, 401, "Wrong email or password"},
		{"no csrf", url.Values{"email": {"dana@example.com"}, "password": {password}, "csrf": {"x"}}, 403, "expired"},
	}
	for _, tt := range tests {
		if tt.form.Get("csrf") != "x" {
			tt.form.Set("csrf", csrf)
		}
		if p := anon.post(t, "/login", tt.form); p.status != tt.status || !strings.Contains(p.body, tt.want) {
			t.Errorf("%s: %d %s", tt.name, p.status, p.body)
		}
		csrf = hidden(t, anon.get(t, "/login").body, "csrf")
	}
	p := anon.post(t, "/login", url.Values{"email": {"Dana@Example.com "}, "password": {password}, "csrf": {csrf}, "next": {"/console/reps"}})
	if p.status != 200 || p.url.Path != "/console/reps" {
		t.Fatalf("sign in: %d at %s", p.status, p.url)
	}
	// An offsite next is not followed.
	anon.csrf = hidden(t, p.body, "csrf")
	out := anon.post(t, "/logout", url.Values{})
	if out.url.Path != "/login" {
		t.Fatalf("sign out: at %s", out.url)
	}
	if p := anon.get(t, "/"); p.url.Path != "/login" {
		t.Fatalf("after sign out the inbox is at %s", p.url)
	}
	csrf = hidden(t, anon.get(t, "/login").body, "csrf")
	p = anon.post(t, "/login", url.Values{"email": {"dana@example.com"}, "password": {password}, "csrf": {csrf}, "next": {"//evil.example/"}})
	if p.url.Host != strings.TrimPrefix(b.srv.URL, "http://") || p.url.Path != "/" {
		t.Fatalf("offsite next followed to %s", p.url)
	}
	// Nor is one a browser would read as another site, however it is
	// spelt: the Location is read as sent, before a client tidies it.
	noFollow := &http.Client{Jar: anon.client.Jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	nexts := []struct{ name, next, want string }{
		{"a path of ours", "/console/reps?tab=1#top", "/console/reps?tab=1#top"},
		{"protocol-relative", "//evil.example/", "/"},
		{"a tab between the slashes", "/\t/evil.example", "/"},
		{"a newline between the slashes", "/\n/evil.example", "/"},
		{"a carriage return and newline", "/\r\n/evil.example", "/"},
		{"a leading tab", "\t//evil.example", "/"},
		{"a backslash for the second slash", "/\\evil.example", "/"},
		{"backslashes only", "\\\\evil.example", "/"},
		{"a backslash later on", "/console\\..\\evil.example", "/"},
		{"a NUL", "/\x00/evil.example", "/"},
		{"a DEL", "/\x7f/evil.example", "/"},
		{"a scheme", "https://evil.example/", "/"},
		{"a scheme without slashes", "https:evil.example", "/"},
		{"javascript", "javascript:alert(1)", "/"},
		{"relative", "evil.example", "/"},
		{"a bad escape", "/%zz", "/"},
		{"empty", "", "/"},
	}
	for _, tt := range nexts {
		// The form carries next back as it will be followed.
		form := anon.get(t, "/login?"+url.Values{"next": {tt.next}}.Encode())
		if got := html.UnescapeString(hidden(t, form.body, "next")); got != tt.want {
			t.Errorf("%s: the form's next is %q, want %q", tt.name, got, tt.want)
		}
		body := url.Values{"email": {"dana@example.com"}, "password": {password}, "csrf": {hidden(t, form.body, "csrf")},
			"next": {tt.next}}
		req, err := http.NewRequest(http.MethodPost, b.srv.URL+"/login", strings.NewReader(body.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.srv.URL)
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tt.want {
			t.Errorf("%s: next %q: %d to %q, want %q", tt.name, tt.next, resp.StatusCode, resp.Header.Get("Location"), tt.want)
		}
	}
	// The link as the review found it: an escaped tab.
	if got := hidden(t, anon.get(t, "/login?next=%2F%09%2Fevil.example").body, "next"); got != "/" {
		t.Errorf("/login?next=%%2F%%09%%2Fevil.example: the form's next is %q", got)
	}
}

func TestConsoleRefusesForgedPosts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	v := b.conversation(t, "+19705552021", "a person please")
	b.flag(t, v, handoff.ReasonHumanRequest)
	br := b.login(t, "alex@example.com", auth.RoleRep, alex.ID)
	path := "/console/c/" + v.ID + "/takeover"

	// Another site's page posting with the browser's cookie: refused.
	for _, origin := range []string{"", "https://evil.example", "null"} {
		req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader("csrf="+br.csrf))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if p := br.do(t, req); p.status != http.StatusForbidden {
			t.Errorf("origin %q: %d, want 403", origin, p.status)
		}
	}
	// Same origin without the session's token: refused.
	if p := br.post(t, path, url.Values{"csrf": {"forged"}}); p.status != http.StatusForbidden {
		t.Errorf("forged token: %d", p.status)
	}
	if _, got := b.api(t, http.MethodGet, "/api/v1/conversations/"+v.ID, ""); got["mode"] != "handoff_pending" {
		t.Fatalf("a refused post changed the conversation: %v", got["mode"])
	}
	// The real form works.
	if p := br.post(t, path, url.Values{}); p.status != 200 || p.url.Path != "/console/c/"+v.ID || !strings.Contains(p.body, "Reply as Summit Home Services") {
		t.Fatalf("takeover from the console: %d at %s", p.status, p.url)
	}
}

// TestConsoleRepWorkflow is what a rep does on their phone: the inbox
// shows the flagged conversation first with its reason and SLA; the rep
// takes it over, replies, notes, and hands it back; another rep cannot.
func TestConsoleRepWorkflow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	sam := b.rep(t, "Sam Ortiz", "+19705550182")
	b.conversation(t, "+19705552031", "what are your hours?")
	v := b.conversation(t, "+19705552032", "I'd like a quote for a water heater this week")
	b.flag(t, v, handoff.ReasonBuyingIntent)
	br := b.login(t, "alex@example.com", auth.RoleRep, alex.ID)
	other := b.login(t, "sam@example.com", auth.RoleRep, sam.ID)

	inbox := br.get(t, "/")
	flagged := strings.Index(inbox.body, "I&#39;d like a quote for a water heater")
	plain := strings.Index(inbox.body, "what are your hours?")
	if inbox.status != 200 || flagged < 0 || plain < 0 || flagged > plain {
		t.Fatalf("inbox: flagged at %d, plain at %d:\n%s", flagged, plain, inbox.body)
	}
	for _, want := range []string{"Needs a rep", "buying intent", "Alex Rivera · waiting", "next alert in"} {
		if !strings.Contains(inbox.body, want) {
			t.Errorf("inbox lacks %q", want)
		}
	}
	list := br.get(t, "/console/inbox")
	if list.status != 200 || strings.Contains(list.body, "<html") || !strings.Contains(list.body, "Needs a rep") {
		t.Fatalf("inbox fragment: %d %s", list.status, list.body)
	}

	conv := "/console/c/" + v.ID
	p := br.get(t, conv)
	if p.status != 200 || !strings.Contains(p.body, "Take over") || !strings.Contains(p.body, "Wants: a quote") ||
		strings.Contains(p.body, `id="reply-text"`) {
		t.Fatalf("conversation before takeover:\n%s", p.body)
	}
	if p := br.post(t, conv+"/takeover", url.Values{}); !strings.Contains(p.body, "Reply as Summit Home Services") {
		t.Fatalf("after takeover:\n%s", p.body)
	}
	// htmx asks for the fragment, and gets just #conv.
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+conv+"/reply", strings.NewReader(url.Values{"text": {"Hi! Alex here. Is Thursday OK?"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.srv.URL)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", br.csrf)
	frag := br.do(t, req)
	if frag.status != 200 || !strings.HasPrefix(frag.body, `<div id="conv">`) || !strings.Contains(frag.body, "Is Thursday OK?") {
		t.Fatalf("htmx reply: %d %s", frag.status, frag.body)
	}
	// Sam sees who has it, and is refused.
	if p := other.get(t, conv); strings.Contains(p.body, ">Take over<") || !strings.Contains(p.body, "Alex Rivera has this conversation") {
		t.Fatalf("the other rep's view:\n%s", p.body)
	}
	if p := other.post(t, conv+"/reply", url.Values{"text": {"me too"}}); p.status != http.StatusForbidden || !strings.Contains(p.body, "another rep") {
		t.Fatalf("other rep replies: %d %s", p.status, p.body)
	}
	req, _ = http.NewRequest(http.MethodPost, b.srv.URL+conv+"/handback", nil)
	req.Header.Set("Origin", b.srv.URL)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", other.csrf)
	if p := other.do(t, req); p.status != http.StatusForbidden || !strings.Contains(p.body, `class="error"`) {
		t.Fatalf("other rep hands back with htmx: %d %s", p.status, p.body)
	}
	if p := br.post(t, conv+"/note", url.Values{"text": {"Prefers mornings"}}); !strings.Contains(p.body, "Prefers mornings") {
		t.Fatalf("note not shown:\n%s", p.body)
	}
	if p := br.post(t, conv+"/reply", url.Values{"text": {""}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "text: is empty") {
		t.Fatalf("empty reply: %d %s", p.status, p.body)
	}
	if p := br.post(t, conv+"/handback", url.Values{}); !strings.Contains(p.body, "Handed back to the agent by Alex Rivera") {
		t.Fatalf("after hand-back:\n%s", p.body)
	}
	if p := br.get(t, "/?mine=1"); p.status != 200 || !strings.Contains(p.body, "Mine") {
		t.Fatalf("mine: %d", p.status)
	}
	if p := br.post(t, conv+"/close", url.Values{"outcome": {"booked"}}); !strings.Contains(p.body, "Closed as booked by Alex Rivera") {
		t.Fatalf("after close:\n%s", p.body)
	}
	if p := br.get(t, "/?view=closed"); !strings.Contains(p.body, "/console/c/"+v.ID) {
		t.Fatalf("closed view lacks the conversation:\n%s", p.body)
	}
}

// TestConsoleAdminPages: reps may read the reps page and switch their own
// on-call; rules, prompts, hours and adding reps are for admins, and every
// rules change is a new version.
func TestConsoleAdminPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	sam := b.rep(t, "Sam Ortiz", "+19705550182")
	rep := b.login(t, "alex@example.com", auth.RoleRep, alex.ID)
	admin := b.login(t, "dana@example.com", auth.RoleAdmin, "")

	for _, path := range []string{"/console/rules", "/console/prompts"} {
		if p := rep.get(t, path); p.status != http.StatusForbidden || !strings.Contains(p.body, "Admins only") {
			t.Errorf("rep at %s: %d", path, p.status)
		}
	}
	if p := rep.post(t, "/console/reps", url.Values{"name": {"Eve"}, "phone": {"+19705550199"}}); p.status != http.StatusForbidden {
		t.Errorf("rep adds a rep: %d", p.status)
	}
	if p := rep.post(t, "/console/reps/"+sam.ID+"/duty", url.Values{"on_call": {"true"}}); p.status != http.StatusForbidden {
		t.Errorf("rep switches another rep: %d", p.status)
	}
	if p := rep.post(t, "/console/reps/"+alex.ID+"/duty", url.Values{"on_call": {"true"}}); p.status != 200 || !strings.Contains(p.body, "Alex Rivera is on call") {
		t.Errorf("rep goes on call: %d %s", p.status, p.body)
	}

	if p := admin.post(t, "/console/reps", url.Values{"name": {"Eve Park"}, "phone": {"(970) 555-0199"}, "on_call": {"on"}}); !strings.Contains(p.body, "Added Eve Park") {
		t.Fatalf("admin adds a rep: %d %s", p.status, p.body)
	}
	if p := admin.post(t, "/console/reps", url.Values{"name": {"Bad Phone"}, "phone": {"12"}}); p.status != 422 || !strings.Contains(p.body, "is not a phone number") {
		t.Fatalf("bad phone: %d", p.status)
	}
	if p := admin.post(t, "/console/reps", url.Values{"name": {"eve park"}, "phone": {"+19705550198"}}); p.status != 409 {
		t.Fatalf("duplicate name: %d", p.status)
	}
	if p := admin.post(t, "/console/hours", url.Values{"hours": {"Mon-Fri 8am-6pm, Sat 9-1pm"}, "timezone": {"America/Denver"}}); !strings.Contains(p.body, "Mon-Fri 08:00-18:00, Sat 09:00-13:00") {
		t.Fatalf("save hours: %d %s", p.status, p.body)
	}
	if p := admin.post(t, "/console/hours", url.Values{"hours": {"Mon-Fri 9:00-25:00"}, "timezone": {"America/Denver"}}); p.status != 422 || !strings.Contains(p.body, "25:00 is not a time of day") {
		t.Fatalf("bad hours: %d %s", p.status, p.body)
	}

	rules := admin.get(t, "/console/rules")
	if rules.status != 200 || !strings.Contains(rules.body, "the built-in defaults") {
		t.Fatalf("rules page: %d", rules.status)
	}
	form := url.Values{
		"buying_intent.enabled": {"on"}, "buying_intent.threshold": {"0.7"}, "buying_intent.keywords": {"Estimate\nfree quote"},
		"human_request.enabled": {"on"}, "human_request.threshold": {"0.5"},
		"complaint.threshold": {"0.6"}, "negative_sentiment": {"-0.8"},
		"unknown_answer.enabled": {"on"}, "unknown_streak": {"3"},
		"sensitive.enabled": {"on"}, "sensitive.keywords": {"lawsuit"},
		"sla_minutes": {"15"}, "note": {"quotes always go to a person"},
	}
	if p := admin.post(t, "/console/rules", form); !strings.Contains(p.body, "Saved.") || !strings.Contains(p.body, "version 1 by dana@example.com") {
		t.Fatalf("save rules: %d %s", p.status, p.body)
	}
	got, err := handoff.ActiveRules(b.ctx, b.db)
	if err != nil {
		t.Fatal(err)
	}
	r := got.Rules
	if got.Version != 1 || r.BuyingIntent.Threshold != 0.7 || strings.Join(r.BuyingIntent.Keywords, "|") != "estimate|free quote" ||
		r.Complaint.Enabled || r.UnknownStreak != 3 || r.SLAMinutes != 15 || r.NegativeSentiment != -0.8 {
		t.Fatalf("saved rules = %+v", got)
	}
	form.Set("buying_intent.threshold", "1.5")
	if p := admin.post(t, "/console/rules", form); p.status != 422 || !strings.Contains(p.body, "buying_intent.threshold") {
		t.Fatalf("bad threshold: %d", p.status)
	}
	form.Set("buying_intent.threshold", "lots")
	if p := admin.post(t, "/console/rules", form); p.status != 422 || !strings.Contains(p.body, "is not a number") {
		t.Fatalf("threshold not a number: %d", p.status)
	}
	if p := admin.post(t, "/console/rules/activate", url.Values{"version": {"0"}}); !strings.Contains(p.body, "Version 0 is active") {
		t.Fatalf("back to the defaults: %d", p.status)
	}
	if got, _ := handoff.ActiveRules(b.ctx, b.db); got.Version != 0 {
		t.Fatalf("active after going back: v%d", got.Version)
	}
	if p := admin.get(t, "/console/prompts?name=sms"); p.status != 200 || !strings.Contains(p.body, "sms@default") {
		t.Fatalf("prompts page: %d", p.status)
	}
	bad := admin.post(t, "/console/prompts", url.Values{"name": {"sms"}, "body": {"Hello {{.Nope}}"}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid template: %d", bad.status)
	}
	ok := admin.post(t, "/console/prompts", url.Values{"name": {"sms"}, "body": {"You answer for {{.BusinessName}}. Be brief."}, "note": {"shorter"}})
	if ok.status != http.StatusOK || !strings.Contains(ok.url.RawQuery, "show=v1") || !strings.Contains(ok.body, "dana@example.com") {
		t.Fatalf("create prompt: %d %s", ok.status, ok.url)
	}
}

func TestConsoleSimulator(t *testing.T) {
	t.Parallel()
	b := setup(t)
	br := b.login(t, "dana@example.com", auth.RoleAdmin, "")
	conv := b.conversation(t, "+19705552003", "do you service furnaces?")
	if p := br.get(t, "/console/simulator"); p.status != 200 || !strings.Contains(p.body, "Lead simulator") {
		t.Fatalf("simulator: %d", p.status)
	}
	post := func(form url.Values) int {
		req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/console/simulate", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.srv.URL)
		req.Header.Set("X-CSRF-Token", br.csrf)
		return br.do(t, req).status
	}
	if status := post(url.Values{"from": {"(970) 555-2004"}, "body": {"hi there"}}); status != http.StatusNoContent || len(b.simulated) != 1 || b.simulated[0] != "+19705552004: hi there" {
		t.Fatalf("simulate: %d %v", status, b.simulated)
	}
	if status := post(url.Values{"from": {"nope"}, "body": {"hi"}}); status != http.StatusBadRequest {
		t.Fatalf("simulate with a bad phone: %d", status)
	}
	if _, _, err := crm.RecordOutbound(b.ctx, b.db, crm.NewOutbound{ConversationID: conv.ID, Author: crm.AuthorAI, Body: "Yes, we do.",
		Outcome: "answered", Turn: &crm.Turn{AnsweredBy: "fallback", Model: "offline"}}); err != nil {
		t.Fatal(err)
	}
	p := br.get(t, "/console/thread?phone=%2B19705552003")
	if p.status != 200 || !strings.Contains(p.body, "do you service furnaces?") || !strings.Contains(p.body, "answered · fallback") {
		t.Fatalf("thread: %d %s", p.status, p.body)
	}
}

// TestConsoleEvents: a change committed by anyone (here a timeline event
// written straight to the database, as a worker would) reaches an open
// console's event stream.
func TestConsoleEvents(t *testing.T) {
	t.Parallel()
	b := setup(t)
	br := b.login(t, "dana@example.com", auth.RoleAdmin, "")
	v := b.conversation(t, "+19705552041", "hello")
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.srv.URL+"/console/events", nil)
	resp, err := br.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := bufio.NewScanner(resp.Body)
	lines.Scan() // the stream's opening comment: subscribed from here on
	// The listener may still be connecting: keep writing until one arrives.
	go func() {
		for ctx.Err() == nil {
			_ = crm.AddEvent(ctx, b.db, crm.NewEvent{ConversationID: v.ID, ContactID: v.Contact.ID, Detail: crm.Unknown{Kind: "test"}})
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	want := []string{"event: conversation", "data: " + v.ID, "", "event: c-" + v.ID}
	var got []string
	for lines.Scan() {
		got = append(got, lines.Text())
		if len(got) >= len(want) && fmt.Sprint(got[len(got)-len(want):]) == fmt.Sprint(want) {
			return
		}
	}
	t.Fatalf("no change event; got %q (%v)", got, lines.Err())
}

// TestConsoleCadence: admins change the follow-up steps; each save is a
// version, bad steps are named, and an earlier version can come back.
func TestConsoleCadence(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(t, "dana@example.com", auth.RoleAdmin, "")
	if p := admin.get(t, "/console/cadence"); p.status != 200 || !strings.Contains(p.body, "the built-in default") ||
		!strings.Contains(p.body, `value="1d"`) {
		t.Fatalf("cadence page: %d\n%s", p.status, p.body)
	}
	form := url.Values{"after": {"30m", "2d", ""}, "message": {"", "Hi {{.FirstName}}, still thinking about it?", ""}, "note": {"faster"}}
	if p := admin.post(t, "/console/cadence", form); !strings.Contains(p.body, "Saved.") || !strings.Contains(p.body, "version 1 by dana@example.com") {
		t.Fatalf("save: %d %s", p.status, p.body)
	}
	v, err := cadence.Active(b.ctx, b.db)
	if err != nil || v.Version != 1 || len(v.Cadence.Steps) != 2 || time.Duration(v.Cadence.Steps[0].After) != 30*time.Minute {
		t.Fatalf("active = %+v (%v)", v, err)
	}
	for _, bad := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"after": {"soon"}, "message": {""}}, "steps[0].after"},
		{url.Values{"after": {"2d", "1d"}, "message": {"", ""}}, "must come after step 1"},
		{url.Values{"after": {"1h"}, "message": {"Hi {{.Nope}}"}}, "steps[0].message"},
		{url.Values{"after": {""}, "message": {""}}, "at least one step"},
	} {
		if p := admin.post(t, "/console/cadence", bad.form); p.status != 422 || !strings.Contains(p.body, bad.want) {
			t.Errorf("%v: %d, want 422 with %q", bad.form, p.status, bad.want)
		}
	}
	// A step by email, chosen per step; the page shows it chosen.
	form = url.Values{"after": {"1h", "1d"}, "channel": {"sms", "email"}, "message": {"", "Hi {{.FirstName}}, by email this time."}}
	if p := admin.post(t, "/console/cadence", form); !strings.Contains(p.body, "version 2 by dana@example.com") ||
		!strings.Contains(p.body, `<option value="email" selected>email</option>`) {
		t.Fatalf("save with an email step: %d %s", p.status, p.body)
	}
	if v, err := cadence.Active(b.ctx, b.db); err != nil || v.Cadence.Steps[0].Channel != "sms" || v.Cadence.Steps[1].Channel != "email" {
		t.Fatalf("active = %+v (%v)", v, err)
	}
	if p := admin.post(t, "/console/cadence", url.Values{"after": {"1h"}, "channel": {"fax"}, "message": {""}}); p.status != 422 ||
		!strings.Contains(p.body, "steps[0].channel") {
		t.Errorf("a step by fax: %d", p.status)
	}
	if p := admin.post(t, "/console/cadence/activate", url.Values{"version": {"0"}}); !strings.Contains(p.body, "Version 0 is active") {
		t.Fatalf("back to the default: %d", p.status)
	}
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	rep := b.login(t, "alex@example.com", auth.RoleRep, alex.ID)
	if p := rep.get(t, "/console/cadence"); p.status != http.StatusForbidden {
		t.Fatalf("a rep on the cadence page: %d", p.status)
	}
}

// TestConsoleInboxOldestHandoffFirst: with more conversations waiting than
// the section shows, the ones shown are those that have waited longest,
// oldest first, whatever their last message.
func TestConsoleInboxOldestHandoffFirst(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// Waiting n was handed off n minutes ago; its lead last wrote n
	// minutes ago, but Waiting 52, the oldest, wrote again just now.
	for _, stmt := range []string{
		`INSERT INTO contacts (phone, name) SELECT '+1970556' || lpad(g::text, 4, '0'), 'Waiting ' || g FROM generate_series(1, 52) g`,
		`INSERT INTO conversations (contact_id, channel, mode, last_message_at)
			SELECT id, 'sms', 'handoff_pending', now() - substr(phone, 9)::int * interval '1 minute' FROM contacts`,
		// A handoff that ended long ago does not count as waiting.
		`INSERT INTO handoffs (conversation_id, reason, created_at, ended_at)
			SELECT v.id, 'complaint', now() - interval '1 day', now() - interval '1 day'
			FROM conversations v JOIN contacts c ON c.id = v.contact_id WHERE c.name = 'Waiting 1'`,
		`INSERT INTO handoffs (conversation_id, reason, due_at, created_at)
			SELECT id, 'buying_intent', now() + interval '5 minutes', last_message_at FROM conversations`,
		`UPDATE conversations SET last_message_at = now()
			WHERE contact_id = (SELECT id FROM contacts WHERE name = 'Waiting 52')`,
	} {
		if _, err := b.db.Exec(b.ctx, stmt); err != nil {
			t.Fatalf("%v\n%s", err, stmt)
		}
	}
	admin := b.login(t, "dana@example.com", auth.RoleAdmin, "")
	p := admin.get(t, "/")
	if p.status != 200 || !strings.Contains(p.body, `Needs a rep <span class="count">52</span>`) {
		t.Fatalf("inbox: %d\n%s", p.status, p.body)
	}
	var got []string
	for _, m := range regexp.MustCompile(`<span class="who">Waiting (\d+)</span>`).FindAllStringSubmatch(p.body, -1) {
		got = append(got, m[1])
	}
	var want []string
	for n := 52; n > 2; n-- { // 50 shown: the two that waited least are left out
		want = append(want, strconv.Itoa(n))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("needs a rep, in order: %v\nwant %v", got, want)
	}
}

// TestConsoleInboxMine: a rep's own conversations only; an admin without
// a rep has none.
func TestConsoleInboxMine(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	sam := b.rep(t, "Sam Ortiz", "+19705550182")
	for phone, rep := range map[string]crm.Rep{"+19705552051": alex, "+19705552052": sam} {
		v := b.conversation(t, phone, "a question for "+rep.Name)
		if _, err := b.db.Exec(b.ctx, `UPDATE conversations SET mode = 'human', assigned_rep_id = $2 WHERE id = $1`, v.ID, rep.ID); err != nil {
			t.Fatal(err)
		}
	}
	b.conversation(t, "+19705552053", "a question for the agent")

	rep := b.login(t, "alex@example.com", auth.RoleRep, alex.ID)
	p := rep.get(t, "/?mine=1")
	if p.status != 200 || !strings.Contains(p.body, "a question for Alex Rivera") || strings.Contains(p.body, "a question for Sam Ortiz") ||
		strings.Contains(p.body, "a question for the agent") || !strings.Contains(p.body, `With a rep <span class="count">1</span>`) {
		t.Fatalf("alex's own: %d\n%s", p.status, p.body)
	}
	if p := rep.get(t, "/"); !strings.Contains(p.body, "a question for Sam Ortiz") || !strings.Contains(p.body, "a question for the agent") {
		t.Fatalf("alex's open inbox lacks the others':\n%s", p.body)
	}
	admin := b.login(t, "dana@example.com", auth.RoleAdmin, "")
	p = admin.get(t, "/?mine=1")
	if p.status != 200 || strings.Contains(p.body, "a question from") || !strings.Contains(p.body, "Nothing waiting for a rep.") ||
		!strings.Contains(p.body, `With a rep <span class="count">0</span>`) {
		t.Fatalf("an admin without a rep, mine: %d\n%s", p.status, p.body)
	}
	if p := admin.get(t, "/console/inbox?mine=1"); p.status != 200 || strings.Contains(p.body, "a question from") {
		t.Fatalf("an admin without a rep, mine, live: %d\n%s", p.status, p.body)
	}
}

// TestConsolePromptsNotFound: an unknown version is the console's 404
// page, whether shown or activated, not a 500 or JSON.
func TestConsolePromptsNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(t, "dana@example.com", auth.RoleAdmin, "")
	for _, p := range []page{
		admin.get(t, "/console/prompts?name=sms&show=v99"),
		admin.get(t, "/console/prompts?show=v99"),
		admin.post(t, "/console/prompts/activate", url.Values{"name": {"sms"}, "version": {"v99"}}),
	} {
		if p.status != http.StatusNotFound || !strings.Contains(p.body, "<html") || !strings.Contains(p.body, "not found") {
			t.Errorf("%s: %d\n%s", p.url, p.status, p.body)
		}
	}
	if v, err := prompts.Active(b.ctx, b.db, prompts.SMS); err != nil || v.Number != 0 {
		t.Errorf("active after a refused activation: %+v (%v)", v, err)
	}
}

// TestConsoleAdminWithARep: an admin whose login is tied to a rep may
// still act on another rep's conversation, and the page offers exactly
// what the desk allows.
func TestConsoleAdminWithARep(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	jordan := b.rep(t, "Jordan Lee", "+19705550180")
	v := b.conversation(t, "+19705552051", "a person please")
	b.flag(t, v, handoff.ReasonHumanRequest)
	if status, got := b.api(t, http.MethodPost, "/api/v1/conversations/"+v.ID+"/takeover", `{"rep_id":"`+alex.ID+`"}`); status != 200 {
		t.Fatalf("takeover: %d %v", status, got)
	}
	admin := b.login(t, "jordan@example.com", auth.RoleAdmin, jordan.ID)
	conv := "/console/c/" + v.ID
	p := admin.get(t, conv)
	if !strings.Contains(p.body, "Reply as Summit Home Services") || !strings.Contains(p.body, "Hand back to the agent") {
		t.Fatalf("the admin's view lacks reply or hand back:\n%s", p.body)
	}
	if p := admin.post(t, conv+"/reply", url.Values{"text": {"Jordan here, the manager."}}); p.status != 200 {
		t.Fatalf("admin reply: %d %s", p.status, p.body)
	}
	if p := admin.post(t, conv+"/handback", url.Values{}); p.status != 200 || !strings.Contains(p.body, "Handed back to the agent by Jordan Lee") {
		t.Fatalf("admin hand back: %d", p.status)
	}
}
