package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
)

// TestConsoleCloseAsksForOutcome: the Close form preselects nothing, a
// close without an outcome is refused (a plain form and htmx alike), and
// closing as booked makes the lead a customer, on the timeline.
func TestConsoleCloseAsksForOutcome(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.rep(t, "Alex Rivera", "+19705550191")
	v := b.conversation(t, "+19705552091", "Can you replace my furnace next week?")
	b.flag(t, v, handoff.ReasonBuyingIntent)
	br := b.login(t, "alex@example.com", auth.RoleRep, alex.ID)
	conv := "/console/c/" + v.ID

	p := br.post(t, conv+"/takeover", url.Values{})
	if !strings.Contains(p.body, `<option value="" selected disabled>Choose the outcome…</option>`) ||
		strings.Contains(p.body, `<option value="booked" selected`) || !strings.Contains(p.body, `name="outcome" aria-label="Outcome" required`) {
		t.Fatalf("the close form must ask for the outcome, with none chosen:\n%s", p.body)
	}

	if p := br.post(t, conv+"/close", url.Values{"outcome": {""}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "outcome: is required") {
		t.Fatalf("close without an outcome: %d %s", p.status, p.body)
	}
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+conv+"/close", nil)
	req.Header.Set("Origin", b.srv.URL)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", br.csrf)
	if p := br.do(t, req); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `class="error"`) || !strings.Contains(p.body, "outcome: is required") {
		t.Fatalf("close without an outcome, htmx: %d %s", p.status, p.body)
	}
	if c, err := crm.GetConversation(b.ctx, b.db, v.ID); err != nil || c.Mode != crm.ModeHuman {
		t.Fatalf("a refused close changed the conversation: %+v %v", c.Mode, err)
	}

	p = br.post(t, conv+"/close", url.Values{"outcome": {"booked"}})
	for _, want := range []string{"Closed as booked by Alex Rivera", "Stage: new → customer (closed as booked)", " · customer"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("after closing as booked the page lacks %q", want)
		}
	}
	if c, err := crm.GetContact(b.ctx, b.db, v.ContactID); err != nil || c.Stage != crm.StageCustomer {
		t.Fatalf("stage after closing as booked: %q %v, want %q", c.Stage, err, crm.StageCustomer)
	}
}
