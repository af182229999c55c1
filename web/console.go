package web

import (
	"context"
	"fmt"
	"html/template"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
)

var templateFuncs = template.FuncMap{
	"ago":      func(t time.Time) string { return ago(time.Since(t), t) },
	"clock":    func(t time.Time) string { return t.Format("15:04:05") },
	"stamp":    func(t time.Time) string { return t.Format("Jan 2 15:04") },
	"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"when":     when,
	"reason":   handoff.ReasonLabel,
	"label":    crm.Words,
	"lines":    func(s string) []string { return strings.Split(s, "\n") },
	"joinList": func(l []string) string { return strings.Join(l, "\n") },
	"inc":      func(i int) int { return i + 1 },
	// versionTable feeds the "versions" template: a versioned document's
	// versions, where their activate form posts, and the default's name.
	"versionTable": func(list any, action, csrf, def string) map[string]any {
		return map[string]any{"List": list, "Action": action, "CSRF": csrf, "Default": def}
	},
	"channelLabel": func(ch string) string {
		if l, ok := map[string]string{crm.ChannelSMS: "SMS", crm.ChannelVoice: "Call", crm.ChannelWeb: "Web", crm.ChannelEmail: "Email"}[ch]; ok {
			return l
		}
		return ch
	},
	"modeLabel": func(m crm.Mode) string {
		return map[crm.Mode]string{crm.ModeAI: "AI", crm.ModeHandoffPending: "Needs a rep",
			crm.ModeHuman: "Rep", crm.ModeClosed: "Closed"}[m]
	},
}

// when is a moment to the second, in UTC, as evidence states it; "" for
// a nil *time.Time.
func when(t any) string {
	switch t := t.(type) {
	case time.Time:
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	case *time.Time:
		if t != nil {
			return when(*t)
		}
	}
	return ""
}

func ago(d time.Duration, t time.Time) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return t.Format("Jan 2")
}

// pageBase is what every console page's layout reads.
type pageBase struct {
	Title    string
	Business string
	User     auth.User
	CSRF     string
	Admin    bool
	// Simulator links the lead simulator (the Twilio sandbox only).
	Simulator bool
	// Sandbox links the Sandbox page: what the fake Twilio "sent".
	Sandbox bool
	Path    string
}

func (s *Server) base(c *gin.Context, title string) pageBase {
	sess := session(c)
	return pageBase{Title: title, Business: s.cfg.BusinessName, User: sess.User, CSRF: sess.CSRF,
		Admin: sess.User.Role == auth.RoleAdmin, Simulator: s.cfg.Simulate != nil, Sandbox: s.cfg.SandboxOutbox != nil,
		Path: c.Request.URL.Path}
}

type errorPage struct {
	pageBase
	Message string
}

// renderPage executes a page template into a buffer first, so a template
// error becomes a 500, not half a page.
func (s *Server) renderPage(c *gin.Context, status int, name string, data any) {
	var b strings.Builder
	if err := s.pages.ExecuteTemplate(&b, name, data); err != nil {
		s.renderError(c, fmt.Errorf("render %s: %w", name, err))
		return
	}
	c.Data(status, "text/html; charset=utf-8", []byte(b.String()))
}

// consoleFail answers a console request that went wrong: a fragment for
// htmx, which shows it in place, or a page.
func (s *Server) consoleFail(c *gin.Context, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.logFailure(c, "console request failed", err)
	}
	msg := publicMessage(err, status)
	if c.GetHeader("HX-Request") != "" {
		c.Header("HX-Retarget", "#flash")
		c.Header("HX-Reswap", "innerHTML")
		c.Data(status, "text/html; charset=utf-8", []byte(`<p class="error" role="alert">`+template.HTMLEscapeString(msg)+`</p>`))
		c.Abort()
		return
	}
	p := errorPage{pageBase: s.base(c, "Something went wrong"), Message: msg}
	s.renderPage(c, status, "error.html", p)
	c.Abort()
}

// inboxItem is one conversation in the inbox, with its SLA in words.
type inboxItem struct {
	conversationView
	Waiting  string // "12 min": how long the handoff has waited
	SLA      string // "due in 4 min", "overdue 3 min"
	SLAState string // ok, late, claimed
	// Call is the rep's task for a lead who may not be texted.
	Call *crm.CallTask
}

type inboxPage struct {
	pageBase
	Pending []inboxItem
	Human   []inboxItem
	Call    []inboxItem // leads waiting for a rep's call
	AI      []inboxItem
	Closed  []inboxItem
	View    string // "" (open) or "closed"
	Mine    bool
	Query   template.URL   // the filter, for the live refresh
	Counts  map[string]int // by mode, and "call"
	Search  inboxSearch
	// The filter form's choices.
	States   []choice
	Reps     []*repRef
	Reasons  []string
	Sources  []string
	Channels []string
}

// choice is one option of a filter.
type choice struct{ Value, Label string }

// inboxStates are the inbox's groups, in its order, for the state filter.
var inboxStates = []choice{{string(crm.ModeHandoffPending), "Needs a rep"}, {string(crm.ModeHuman), "With a rep"},
	{stateCall, "Waiting for a call"}, {string(crm.ModeAI), "With the agent"}, {string(crm.ModeClosed), "Closed"}}

// inboxSearch is the inbox's search and filters, as GET parameters.
type inboxSearch struct {
	Q       string `form:"q"`
	State   string `form:"state"` // a mode, or "call"
	Reason  string `form:"reason"`
	Rep     string `form:"rep"`
	Source  string `form:"source"`
	Channel string `form:"channel"`
}

// Active reports whether the search or a filter narrows the inbox.
func (f inboxSearch) Active() bool { return f != inboxSearch{} }

// stateCall is the inbox group of leads waiting for a rep's call.
const stateCall = "call"

// inboxLimit bounds each section of the inbox: flagged conversations are
// few, and the agent's are a long tail a rep reads from the top.
const inboxLimit = 50

// consoleInbox serves GET /: flagged conversations first (oldest handoff
// first, with the SLA), then those with a rep, the leads waiting for a
// call, then the agent's.
func (s *Server) consoleInbox(c *gin.Context) {
	p, err := s.inbox(c)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	s.renderPage(c, http.StatusOK, "inbox.html", p)
}

// consoleInboxList serves the inbox's list alone, for live updates.
func (s *Server) consoleInboxList(c *gin.Context) {
	p, err := s.inbox(c)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	s.renderPage(c, http.StatusOK, "inbox_list", p)
}

func (s *Server) inbox(c *gin.Context) (inboxPage, error) {
	ctx := c.Request.Context()
	p := inboxPage{pageBase: s.base(c, "Inbox"), View: c.Query("view"), Mine: c.Query("mine") == "1",
		Query: template.URL(c.Request.URL.Query().Encode()), Counts: map[string]int{}, Reasons: handoff.Reasons,
		States: inboxStates, Channels: []string{crm.ChannelSMS, crm.ChannelVoice, crm.ChannelWeb, crm.ChannelEmail}}
	_ = c.ShouldBindQuery(&p.Search) // every field is a string: nothing to fail
	f := p.Search
	if f.State == string(crm.ModeClosed) {
		p.View = "closed"
	}
	reader := session(c).User.RepID
	mine := f.Rep
	if p.Mine {
		if mine = reader; mine == "" {
			return p, nil // an admin without a rep has no conversations of their own
		}
	}
	reps, err := s.repsByID(ctx)
	if err != nil {
		return p, err
	}
	for _, r := range reps {
		p.Reps = append(p.Reps, r)
	}
	sort.Slice(p.Reps, func(i, j int) bool { return p.Reps[i].Name < p.Reps[j].Name })
	if p.Sources, err = crm.Sources(ctx, s.cfg.DB); err != nil {
		return p, err
	}
	if !f.Active() {
		counts, err := crm.CountByMode(ctx, s.cfg.DB, mine)
		if err != nil {
			return p, err
		}
		for m, n := range counts {
			p.Counts[string(m)] = n
		}
	}
	now := time.Now()
	// section lists one group, or nothing when the state filter names
	// another.
	section := func(state string, cf crm.Filter) ([]inboxItem, error) {
		if f.State != "" && f.State != state {
			return nil, nil
		}
		cf.AssignedRepID, cf.Limit, cf.ReaderRepID = mine, inboxLimit, reader
		cf.Query, cf.Reason, cf.Source, cf.Channel = f.Q, f.Reason, f.Source, f.Channel
		views, err := s.conversationViews(ctx, cf, reps)
		if err != nil {
			return nil, err
		}
		items := make([]inboxItem, len(views))
		for i, v := range views {
			items[i] = slaOf(v, now)
		}
		if f.Active() {
			p.Counts[state] = len(items)
		}
		return items, nil
	}
	if p.View == "closed" {
		p.Closed, err = section(string(crm.ModeClosed), crm.Filter{Mode: crm.ModeClosed})
		return p, err
	}
	// The handoff that has waited longest is the one to take first, and
	// the one the limit must not leave out.
	if p.Pending, err = section(string(crm.ModeHandoffPending), crm.Filter{Mode: crm.ModeHandoffPending, OldestHandoffFirst: true}); err != nil {
		return p, err
	}
	if p.Human, err = section(string(crm.ModeHuman), crm.Filter{Mode: crm.ModeHuman}); err != nil {
		return p, err
	}
	if p.Call, err = section(stateCall, crm.Filter{Mode: crm.ModeAI, WaitingForCall: crm.CallWaitingOnly}); err != nil {
		return p, err
	}
	if err := s.callTasks(ctx, p.Call); err != nil {
		return p, err
	}
	if !f.Active() {
		// The agent's count leaves out the leads it cannot text.
		p.Counts[stateCall] = len(p.Call)
		if len(p.Call) == inboxLimit {
			if p.Counts[stateCall], err = crm.CountWaitingForCall(ctx, s.cfg.DB, mine); err != nil {
				return p, err
			}
		}
		p.Counts[string(crm.ModeAI)] -= p.Counts[stateCall]
	}
	p.AI, err = section(string(crm.ModeAI), crm.Filter{Mode: crm.ModeAI, WaitingForCall: crm.CallWaitingNone})
	return p, err
}

// callTasks fills each item's call task.
func (s *Server) callTasks(ctx context.Context, items []inboxItem) error {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	tasks, err := crm.CallTasks(ctx, s.cfg.DB, ids)
	if err != nil {
		return err
	}
	for i := range items {
		if t, ok := tasks[items[i].ID]; ok {
			items[i].Call = &t
		}
	}
	return nil
}

// slaOf says how a conversation's handoff stands against its SLA.
func slaOf(v conversationView, now time.Time) inboxItem {
	it := inboxItem{conversationView: v}
	h := v.Handoff
	if h == nil || !h.Open() {
		return it
	}
	it.Waiting = minutes(now.Sub(h.CreatedAt))
	switch {
	case h.ClaimedAt != nil:
		it.Waiting = ""
		it.SLAState, it.SLA = "claimed", "claimed after "+minutes(h.ClaimedAt.Sub(h.CreatedAt))
	case h.RepID == "" && h.DueAt == nil:
		it.SLAState, it.SLA = "late", "nobody on duty yet"
	case h.DueAt == nil:
		it.SLAState, it.SLA = "late", "overdue, admins told"
	case now.Before(*h.DueAt):
		it.SLAState, it.SLA = "ok", "next alert in "+minutes(h.DueAt.Sub(now))
	default:
		it.SLAState, it.SLA = "late", "overdue "+minutes(now.Sub(*h.DueAt))
	}
	return it
}

func minutes(d time.Duration) string {
	if d < time.Minute {
		return "under a minute"
	}
	if d < 2*time.Hour {
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	if d < 48*time.Hour {
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

type simulatorPage struct {
	pageBase
	SimPhone string
}

// consoleSimulator serves the lead simulator (sandbox only): text the
// business as a lead and read the replies.
func (s *Server) consoleSimulator(c *gin.Context) {
	if s.cfg.Simulate == nil {
		s.consoleFail(c, fmt.Errorf("simulator: %w", crm.ErrNotFound))
		return
	}
	// ?phone= opens that lead's thread; otherwise a new made-up lead.
	simPhone, ok := crm.NormalizePhone(c.Query("phone"), s.cfg.Region)
	if !ok {
		simPhone = fmt.Sprintf("+1970555%04d", rand.IntN(10000))
	}
	s.renderPage(c, http.StatusOK, "simulator.html", simulatorPage{pageBase: s.base(c, "Lead simulator"), SimPhone: simPhone})
}

// consoleThread renders the simulator's thread: the conversation of one
// phone number, as the CRM recorded it (replies show their delivery status
// from the sandbox's callbacks).
func (s *Server) consoleThread(c *gin.Context) {
	phone, ok := crm.NormalizePhone(c.Query("phone"), s.cfg.Region)
	if !ok {
		abortError(c, http.StatusBadRequest, "phone is not a phone number")
		return
	}
	var msgs []crm.Message
	list, err := crm.ListConversations(c.Request.Context(), s.cfg.DB, crm.Filter{Phone: phone, Limit: 1})
	if err != nil {
		s.renderError(c, err)
		return
	}
	if len(list) == 1 {
		if msgs, err = crm.Messages(c.Request.Context(), s.cfg.DB, list[0].ID); err != nil {
			s.renderError(c, err)
			return
		}
	}
	s.renderPage(c, http.StatusOK, "thread.html", msgs)
}

type simulateForm struct {
	From string `form:"from"`
	Body string `form:"body"`
}

// consoleSimulate texts the server as a lead, through the same signed
// webhook Twilio would call.
func (s *Server) consoleSimulate(c *gin.Context) {
	if s.cfg.Simulate == nil {
		abortError(c, http.StatusNotFound, "the simulator needs the Twilio sandbox")
		return
	}
	var f simulateForm
	if err := c.ShouldBind(&f); err != nil {
		abortError(c, http.StatusBadRequest, "bad form: "+err.Error())
		return
	}
	phone, ok := crm.NormalizePhone(f.From, s.cfg.Region)
	if !ok {
		abortError(c, http.StatusBadRequest, "from is not a phone number")
		return
	}
	if strings.TrimSpace(f.Body) == "" {
		abortError(c, http.StatusBadRequest, "type a message first")
		return
	}
	base := "http://" + c.Request.Host
	if err := s.cfg.Simulate(c.Request.Context(), base, phone, f.Body); err != nil {
		s.logger.Error("simulator", "err", err)
		abortError(c, http.StatusBadGateway, "the webhook did not accept the message: "+err.Error())
		return
	}
	c.Status(http.StatusNoContent)
}
