package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/prompts"
	"github.com/leadagent/leadagent/web"
)

// TestConsoleCadencePreview: each step shows, beside its template, the
// text a sample lead would get.
func TestConsoleCadencePreview(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.login(t, "dana@example.com", auth.RoleAdmin, "")
	p := admin.get(t, "/console/cadence")
	if p.status != http.StatusOK {
		t.Fatalf("cadence page: %d", p.status)
	}
	text := html.UnescapeString(p.body)
	for _, want := range []string{
		// The default's second step, rendered for Dana.
		"Hi Dana, it's the AI assistant for Summit Home Services again. Any questions I can answer about an AC tune-up? Just reply here.",
		"Hi Dana, this is the last check-in from Summit Home Services's assistant.",
		// Its source stays editable.
		"{{if .Topic}} about {{.Topic}}{{end}}",
		// The first step has no message.
		"the agent writes this step from the conversation",
		"Dana came from a Google ad",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// A step that does not render is named on the form sent back.
	bad := admin.post(t, "/console/cadence", url.Values{"after": {"1h", "1d"}, "message": {"Hi {{.FirstName}}!", "Hi {{.Nope}}"}})
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Does not render") ||
		!strings.Contains(html.UnescapeString(bad.body), "Hi Dana!") {
		t.Errorf("a bad step: %d\n%s", bad.status, bad.body)
	}
}

// TestConsolePromptsPreview: the Prompts page renders the shown version
// for the business, says which agent answers, and stores a browser's CRLF
// as LF.
func TestConsolePromptsPreview(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		answering web.Answering
		want      []string
	}{
		{"offline", web.Answering{Agent: "the offline responder (no model is configured)"},
			[]string{"Answering leads now: <strong>the offline responder (no model is configured)</strong>", "Prompts apply only when a model is configured"}},
		{"model", web.Answering{Agent: "the model gpt-4o-mini", UsesPrompts: true},
			[]string{"Answering leads now: <strong>the model gpt-4o-mini</strong>", "runs with each prompt's active version"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupWith(t, func(c *web.Config) {
				c.Answering = tt.answering
				c.PromptVars = prompts.Vars{Hours: "Mon-Fri 07:00-18:00"}
			})
			admin := b.login(t, "dana@example.com", auth.RoleAdmin, "")
			p := admin.get(t, "/console/prompts?name=sms")
			if p.status != http.StatusOK {
				t.Fatalf("prompts page: %d", p.status)
			}
			for _, want := range tt.want {
				if !strings.Contains(p.body, want) {
					t.Errorf("the page lacks %s", want)
				}
			}
			if tt.name == "model" && strings.Contains(p.body, "Prompts apply only") {
				t.Errorf("with a model, the page says prompts are unused")
			}
			preview := between(html.UnescapeString(p.body), `<pre class="preview">`, `</pre>`)
			if !strings.Contains(preview, "You are the AI assistant for Summit Home Services.") ||
				!strings.Contains(preview, "Mon-Fri 07:00-18:00") || strings.Contains(preview, "{{") {
				t.Errorf("preview:\n%s", preview)
			}
		})
	}
	t.Run("CRLF", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		admin := b.login(t, "dana@example.com", auth.RoleAdmin, "")
		def, err := prompts.Active(b.ctx, b.db, prompts.SMS)
		if err != nil {
			t.Fatal(err)
		}
		saved := admin.post(t, "/console/prompts", url.Values{"name": {"sms"}, "body": {strings.ReplaceAll(def.Body, "\n", "\r\n")}})
		if saved.status != http.StatusOK || !strings.Contains(saved.url.RawQuery, "show=v1") || !strings.Contains(saved.body, "No difference.") {
			t.Errorf("a CRLF copy of the default: %d at %s; want no difference", saved.status, saved.url)
		}
		v, err := prompts.Get(b.ctx, b.db, prompts.SMS, "v1")
		if err != nil || v.Body != def.Body {
			t.Errorf("stored %q... (%v), want the default's LF body", v.Body[:min(len(v.Body), 60)], err)
		}
	})
}

func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	in, _, _ := strings.Cut(rest, to)
	return in
}
