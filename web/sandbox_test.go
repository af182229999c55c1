package web_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/channels/twilio"
	"github.com/leadagent/leadagent/web"
)

// The Sandbox page shows a signed-in rep what the fake Twilio "sent",
// newest first; without a sandbox there is neither page nor link.
func TestConsoleSandbox(t *testing.T) {
	t.Parallel()
	const sid, token = "AC00000000000000000000000000sandbox", "5a4db0c0ffee5a4db0c0ffee5a4db0c0"
	fake := sandbox.New(sandbox.Config{AccountSID: sid, AuthToken: token})
	t.Cleanup(fake.Close)
	api := httptest.NewServer(fake)
	t.Cleanup(api.Close)
	sender, err := twilio.NewSender(twilio.SenderConfig{AccountSID: sid, AuthToken: token, FromNumber: "+15005550006", APIBase: api.URL})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []channels.Outbound{
		{To: "+19705552101", Body: "Hi! We do furnace tune-ups <for $89>."},
		{To: "+19705550181", Body: "New lead waiting: +19705552101"},
	} {
		if _, err := sender.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}

	b := setupWith(t, func(c *web.Config) { c.SandboxOutbox, c.SandboxMailURL = fake, "http://127.0.0.1:1080" })
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	br := b.login(t, "alex@example.com", auth.RoleRep, alex.ID)
	p := br.get(t, "/console/sandbox")
	if p.status != http.StatusOK {
		t.Fatalf("sandbox page: %d\n%s", p.status, p.body)
	}
	text := html.UnescapeString(p.body)
	lead := strings.Index(text, "furnace tune-ups <for $89>.")
	rep := strings.Index(text, "New lead waiting: +19705552101")
	if lead < 0 || rep < 0 || rep > lead {
		t.Errorf("sandbox page: want both messages, the rep's (newest) first; at %d and %d in\n%s", rep, lead, p.body)
	}
	for _, want := range []string{"+19705550181", "+15005550006", "delivered", `href="/console/sandbox" aria-current="page"`, `href="/console/simulator"`,
		`href="http://127.0.0.1:1080"`} {
		if !strings.Contains(text, want) {
			t.Errorf("sandbox page lacks %q", want)
		}
	}

	plain := setup(t)
	br = plain.login(t, "dana@example.com", auth.RoleAdmin, "")
	if p := br.get(t, "/"); strings.Contains(p.body, "/console/sandbox") {
		t.Error("the nav links the Sandbox page with no sandbox")
	}
	if p := br.get(t, "/console/sandbox"); p.status != http.StatusNotFound {
		t.Errorf("sandbox page with no sandbox: %d, want 404", p.status)
	}
}
