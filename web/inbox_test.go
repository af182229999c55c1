package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/crm"
)

// section returns the part of an inbox page under the heading that starts
// with title, "" when the page has no such section.
func section(body, title string) string {
	i := strings.Index(body, "<h2>"+title)
	if i < 0 {
		return ""
	}
	rest := body[i+4:]
	if j := strings.Index(rest, "<h2>"); j >= 0 {
		return rest[:j]
	}
	return rest
}

// inbox reads an inbox page as its reader would, entities unescaped.
func (br *browser) inbox(t testing.TB, path string) string {
	t.Helper()
	p := br.get(t, path)
	if p.status != http.StatusOK {
		t.Fatalf("%s: %d\n%s", path, p.status, p.body)
	}
	return html.UnescapeString(p.body)
}

// text receives an SMS as the webhook would, through the inbox.
func (b *testBundle) text(t testing.TB, from, body string) crm.Conversation {
	t.Helper()
	if err := b.inbox.Receive(b.ctx, channels.Inbound{Channel: channels.SMS, ProviderSID: "SM" + from + body, From: from,
		Body: body, ReceivedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	list, err := crm.ListConversations(b.ctx, b.db, crm.Filter{Phone: from, Limit: 1})
	if err != nil || len(list) != 1 {
		t.Fatalf("conversation of %s: %v %d", from, err, len(list))
	}
	return list[0]
}

// TestInboxNames: a lead who says their name in a text shows by it, kept
// on the contact with the change on the timeline; a name the CRM has
// already wins, and "I'm interested" is not a name.
func TestInboxNames(t *testing.T) {
	t.Parallel()
	b := setup(t)
	br := b.login(t, "admin@example.com", auth.RoleAdmin, "")
	mike := b.text(t, "+19705550101", "Hi, I'm Mike. How much is a tune-up?")
	b.text(t, "+19705550102", "I'm interested in a new furnace")
	known := b.conversation(t, "+19705550103", "hello")
	if _, err := b.db.Exec(b.ctx, `UPDATE contacts SET name = 'Dana Reyes' WHERE id = $1`, known.Contact.ID); err != nil {
		t.Fatal(err)
	}
	b.text(t, "+19705550103", "this is Bob")

	body := br.inbox(t, "/")
	for _, want := range []string{"<span class=\"who\">Mike</span>\n    <span class=\"phone\">+19705550101</span>", ">+19705550102<", "Dana Reyes"} {
		if !strings.Contains(body, want) {
			t.Errorf("inbox lacks %q", want)
		}
	}
	for _, not := range []string{"Interested", ">Bob"} {
		if strings.Contains(body, not) {
			t.Errorf("inbox shows %q", not)
		}
	}
	events, err := crm.Timeline(b.ctx, b.db, mike.ID)
	if err != nil {
		t.Fatal(err)
	}
	learned := 0
	for _, e := range events {
		if d, err := crm.DetailAs[crm.NameLearned](e); err == nil && d.Name == "Mike" {
			learned++
		}
	}
	if learned != 1 {
		t.Fatalf("name_learned events: %d, want 1 (%v)", learned, events)
	}
}

// TestInboxSearch finds a conversation by its lead's name, phone number
// (as typed) or the words of a message, and keeps the search in the URL.
func TestInboxSearch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	br := b.login(t, "admin@example.com", auth.RoleAdmin, "")
	b.text(t, "+19705550201", "this is Mike Jones, the AC is dripping")
	b.text(t, "+19705550202", "do you service heat pumps?")
	b.text(t, "+19705550203", "what are your hours")
	tests := []struct {
		q    string
		want []string // phones found; the others are not
	}{
		{"mike", []string{"+19705550201"}},
		{"(970) 555-0202", []string{"+19705550202"}},
		{"0203", []string{"+19705550203"}},
		{"HEAT PUMP", []string{"+19705550202"}},
		{"hours", []string{"+19705550203"}},
		{"100%_", nil},
	}
	all := []string{"+19705550201", "+19705550202", "+19705550203"}
	for _, tt := range tests {
		body := br.inbox(t, "/?q="+url.QueryEscape(tt.q))
		for _, phone := range all {
			want := false
			for _, w := range tt.want {
				want = want || w == phone
			}
			if got := strings.Contains(body, phone+"<"); got != want {
				t.Errorf("q=%q: %s shown %v, want %v", tt.q, phone, got, want)
			}
		}
		if !strings.Contains(body, `value="`+tt.q+`"`) {
			t.Errorf("q=%q: the search box lost it", tt.q)
		}
	}
	long := strings.Repeat("x", 5000)
	br.inbox(t, "/?q="+long)
}

// TestInboxFilters narrows the inbox by state, handoff reason, rep, lead
// source and channel, each alone and with a search.
func TestInboxFilters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	br := b.login(t, "admin@example.com", auth.RoleAdmin, "")
	quote := b.conversation(t, "+19705550301", "I want a quote")
	b.flag(t, quote, "buying_intent") // before any rep: offered to nobody
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	angry := b.conversation(t, "+19705550302", "this is the worst service")
	b.flag(t, angry, "complaint")
	if err := crm.SetMode(b.ctx, b.db, angry.ID, crm.ModeChange{Mode: crm.ModeHuman, AssignedRepID: alex.ID, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	agent := b.conversation(t, "+19705550303", "what are your hours")
	if _, err := b.db.Exec(b.ctx, `UPDATE contacts SET source = 'google_ads' WHERE id = $1`, agent.Contact.ID); err != nil {
		t.Fatal(err)
	}
	caller, err := crm.ContactByPhone(b.ctx, b.db, "+19705550304", "US")
	if err != nil {
		t.Fatal(err)
	}
	call, err := crm.OpenConversation(b.ctx, b.db, caller.ID, "voice")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := crm.RecordInbound(b.ctx, b.db, crm.NewInbound{ConversationID: call.ID, Body: "my water heater is leaking",
		ProviderSID: "CA1", Channel: "voice", ReceivedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"state=handoff_pending", []string{"0301"}},
		{"state=human", []string{"0302"}},
		{"state=ai", []string{"0303", "0304"}},
		{"reason=buying_intent", []string{"0301"}},
		{"reason=complaint", []string{"0302"}},
		{"rep=" + alex.ID, []string{"0302"}},
		{"source=google_ads", []string{"0303"}},
		{"channel=voice", []string{"0304"}},
		{"channel=sms&q=hours", []string{"0303"}},
		{"state=ai&q=water", []string{"0304"}},
		{"state=human&q=hours", nil},
		{"rep=not-a-rep", nil},
	}
	for _, tt := range tests {
		body := br.inbox(t, "/?"+tt.query)
		for _, n := range []string{"0301", "0302", "0303", "0304"} {
			want := false
			for _, w := range tt.want {
				want = want || w == n
			}
			if got := strings.Contains(body, "+1970555"+n+"<"); got != want {
				t.Errorf("%s: +1970555%s shown %v, want %v", tt.query, n, got, want)
			}
		}
		// The live refresh asks for the same filter.
		if v, _ := url.ParseQuery(tt.query); !strings.Contains(body, `hx-get="/console/inbox?`+v.Encode()+`"`) {
			t.Errorf("%s: the live refresh lost the filter", tt.query)
		}
	}
	body := br.inbox(t, "/console/inbox?state=human")
	if !strings.Contains(body, "+19705550302<") || strings.Contains(body, "+19705550301<") {
		t.Errorf("the live list ignores the filter:\n%s", body)
	}
}

// TestInboxUnread marks a conversation the rep has when the lead wrote
// since the rep last opened it; opening it clears the mark, the lead's
// next text brings it back. Another rep sees no mark.
func TestInboxUnread(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	sam := b.rep(t, "Sam Lee", "+19705550182")
	br := b.login(t, "alex@example.com", auth.RoleRep, alex.ID)
	other := b.login(t, "sam@example.com", auth.RoleRep, sam.ID)
	v := b.conversation(t, "+19705550401", "are you there?")
	b.conversation(t, "+19705550402", "nobody has this one")
	if err := crm.SetMode(b.ctx, b.db, v.ID, crm.ModeChange{Mode: crm.ModeHuman, AssignedRepID: alex.ID, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	unread := func(br *browser) bool { return strings.Contains(br.inbox(t, "/"), "card mode-human unread") }
	if !unread(br) {
		t.Fatal("no unread marker for the rep who has it")
	}
	if unread(other) {
		t.Fatal("an unread marker for another rep")
	}
	if p := br.get(t, "/console/c/"+v.ID); p.status != http.StatusOK {
		t.Fatalf("open: %d", p.status)
	}
	if unread(br) {
		t.Fatal("still unread after the rep opened it")
	}
	if _, _, err := crm.RecordInbound(b.ctx, b.db, crm.NewInbound{ConversationID: v.ID, Body: "hello?", ProviderSID: "SM-later",
		ReceivedAt: time.Now().Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	if !unread(br) {
		t.Fatal("no unread marker after the lead wrote again")
	}
}

// TestInboxBadges shows each conversation's channel, and "Opted out" on a
// lead who texted STOP.
func TestInboxBadges(t *testing.T) {
	t.Parallel()
	b := setup(t)
	br := b.login(t, "admin@example.com", auth.RoleAdmin, "")
	b.text(t, "+19705550501", "how much for a tune-up")
	b.text(t, "+19705550502", "STOP")
	rows := strings.Split(br.inbox(t, "/"), `<li class="card`)
	for _, row := range rows[1:] {
		if !strings.Contains(row, `<span class="badge channel">SMS</span>`) {
			t.Errorf("a row without its channel badge:\n%s", row)
		}
		if got, want := strings.Contains(row, "Opted out"), strings.Contains(row, "+19705550502"); got != want {
			t.Errorf("opted-out badge %v, want %v:\n%s", got, want, row)
		}
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 2", len(rows)-1)
	}
}

// TestInboxWaitingForCall: a form lead without SMS consent, whom a rep
// was texted to call, has a group of its own with the task, not a blank
// row under the agent.
func TestInboxWaitingForCall(t *testing.T) {
	t.Parallel()
	b := setup(t)
	br := b.login(t, "admin@example.com", auth.RoleAdmin, "")
	b.text(t, "+19705550601", "what are your hours")
	if status, body := b.api(t, http.MethodPost, "/api/v1/leads",
		`{"phone": "+19705550602", "name": "Sam Ortiz", "source": "website", "message": "need a quote for a heat pump"}`); status != http.StatusCreated {
		t.Fatalf("lead: %d %v", status, body)
	}
	body := br.inbox(t, "/")
	call, agent := section(body, "Waiting for a call"), section(body, "With the agent")
	if !strings.Contains(call, "Call Sam Ortiz at +19705550602: no SMS consent (website). “need a quote for a heat pump”") {
		t.Fatalf("no call task:\n%s", body)
	}
	if strings.Contains(agent, "+19705550602") || !strings.Contains(agent, "+19705550601") {
		t.Fatalf("with the agent:\n%s", agent)
	}
	if !strings.Contains(call, `<span class="count">1</span>`) || !strings.Contains(agent, `<span class="count">1</span>`) {
		t.Fatalf("counts:\n%s", body)
	}
	body = br.inbox(t, "/?state=call")
	if !strings.Contains(body, "+19705550602") || strings.Contains(body, "+19705550601<") {
		t.Fatalf("state=call:\n%s", body)
	}
}
