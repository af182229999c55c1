package web

import (
	"net/http"
	"sort"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/inbox"
)

// timelineItem is one line of a conversation as a rep reads it: a message,
// or an event (a handoff, a note, a takeover).
type timelineItem struct {
	At      time.Time
	Message *crm.Message
	Kind    string // the event's kind, for its style
	Text    string // the event in words
	Note    string // a rep's note
}

type conversationPage struct {
	pageBase
	Conv     conversationView
	Timeline []timelineItem
	SLA      inboxItem
	// What the signed-in user may do now.
	handoff.Allowed
	Outcomes []string
}

// consoleConversation serves GET /console/c/{id}: the whole conversation,
// what the rep can do with it, and the reply box.
func (s *Server) consoleConversation(c *gin.Context) {
	p, err := s.conversationPage(c)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	s.renderPage(c, http.StatusOK, "conversation.html", p)
}

// consoleConversationPart serves the parts of the page that change, for
// htmx: "live" (header and timeline, on every change) or "conv" (all of
// it, after a rep's action).
func (s *Server) consoleConversationPart(part string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, err := s.conversationPage(c)
		if err != nil {
			s.consoleFail(c, err)
			return
		}
		s.renderPage(c, http.StatusOK, part, p)
	}
}

func (s *Server) conversationPage(c *gin.Context) (conversationPage, error) {
	ctx := c.Request.Context()
	openedAt := time.Now()
	v, err := s.conversationView(ctx, c.Param("id"))
	if err != nil {
		return conversationPage{}, err
	}
	// The rep has now seen what the lead wrote: no unread marker in their inbox.
	if err := crm.MarkRead(ctx, s.cfg.DB, session(c).User.RepID, v.ID, openedAt); err != nil {
		return conversationPage{}, err
	}
	name := v.Contact.Name
	if name == "" {
		name = v.Contact.Phone
	}
	p := conversationPage{pageBase: s.base(c, name), Conv: v, SLA: slaOf(v, time.Now()), Outcomes: handoff.CloseOutcomes}
	p.Timeline = s.timeline(v)
	p.Allowed = handoff.Allow(v.Conversation, actor(c))
	return p, nil
}

// quietEvents are what the message bubbles already show.
var quietEvents = map[string]bool{
	crm.EventMessageReceived: true, crm.EventReplyQueued: true, crm.EventMessageSent: true,
	crm.EventDeliveryStatus: true, handoff.EventRepReplied: true,
}

// eventKinds are the timeline events the console reads: each package's
// own, which say themselves in a rep's words.
func eventKinds() (crm.Kinds, error) {
	return crm.NewKinds(crm.EventTypes(), crm.EmailEventTypes(), handoff.EventTypes(), inbox.EventTypes())
}

// timeline merges a conversation's messages and events, oldest first.
func (s *Server) timeline(v conversationView) []timelineItem {
	var items []timelineItem
	for i := range v.Messages {
		items = append(items, timelineItem{At: v.Messages[i].CreatedAt, Message: &v.Messages[i]})
	}
	for _, e := range v.Timeline {
		if quietEvents[e.Kind] {
			continue
		}
		d, err := s.events.Detail(e)
		if err != nil {
			// One odd row must not cost the rep the page: it reads as
			// its kind.
			s.logger.Warn("timeline event does not decode", "err", err)
			d = crm.Unknown{Kind: e.Kind}
		}
		it := timelineItem{At: e.CreatedAt, Kind: e.Kind, Text: d.Describe()}
		if n, ok := d.(handoff.Note); ok {
			it.Note = n.Text
		}
		items = append(items, it)
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].At.Before(items[j].At) })
	return items
}

// consoleAction runs a rep's action from the console and shows the
// conversation as it stands after it: a fragment for htmx, a redirect for
// a plain form.
func (s *Server) consoleAction(do func(s *Server, c *gin.Context, id string) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.Param("id")
		if err := do(s, c, id); err != nil {
			s.consoleFail(c, err)
			return
		}
		if c.GetHeader("HX-Request") != "" {
			s.consoleConversationPart("conv")(c)
			return
		}
		c.Redirect(http.StatusSeeOther, "/console/c/"+id)
	}
}

func consoleTakeover(s *Server, c *gin.Context, id string) error {
	return s.cfg.Reps.Takeover(c.Request.Context(), id, actor(c))
}

func consoleReply(s *Server, c *gin.Context, id string) error {
	_, err := s.cfg.Reps.Reply(c.Request.Context(), id, actor(c), c.PostForm("text"))
	return err
}

func consoleNote(s *Server, c *gin.Context, id string) error {
	return s.cfg.Reps.Note(c.Request.Context(), id, actor(c), redactNote(c.PostForm("text")))
}

func consoleHandback(s *Server, c *gin.Context, id string) error {
	return s.cfg.Reps.Handback(c.Request.Context(), id, actor(c))
}

func consoleClose(s *Server, c *gin.Context, id string) error {
	return s.cfg.Reps.Close(c.Request.Context(), id, actor(c), c.PostForm("outcome"))
}
