package web

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/agent"
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
	p.Timeline = timeline(v)
	p.Allowed = handoff.Allow(v.Conversation, actor(c))
	return p, nil
}

// quietEvents are what the message bubbles already show.
var quietEvents = map[string]bool{
	crm.EventMessageReceived: true, crm.EventReplyQueued: true, crm.EventMessageSent: true,
	crm.EventDeliveryStatus: true, handoff.EventRepReplied: true,
}

// timeline merges a conversation's messages and events, oldest first.
func timeline(v conversationView) []timelineItem {
	var items []timelineItem
	for i := range v.Messages {
		items = append(items, timelineItem{At: v.Messages[i].CreatedAt, Message: &v.Messages[i]})
	}
	for _, e := range v.Timeline {
		if quietEvents[e.Kind] {
			continue
		}
		it := timelineItem{At: e.CreatedAt, Kind: e.Kind, Text: describe(e)}
		if e.Kind == handoff.EventNote {
			it.Note, it.Text = str(e.Detail["text"]), "Note by "+str(e.Detail["by"])
		}
		items = append(items, it)
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].At.Before(items[j].At) })
	return items
}

// describe says a timeline event in a rep's words.
func describe(e crm.Event) string {
	d := e.Detail
	switch e.Kind {
	case handoff.EventHandoff:
		return fmt.Sprintf("Handed off: %s (%s)", handoff.ReasonLabel(str(d["reason"])), str(d["detail"]))
	case handoff.EventRepNotified:
		switch str(d["kind"]) {
		case handoff.NotifyLeadMessage:
			return str(d["rep"]) + " was texted that the lead wrote"
		case handoff.NotifyNextRep:
			return str(d["rep"]) + " was texted: still unclaimed"
		case handoff.NotifyAdmin:
			return str(d["rep"]) + " (admin) was texted: SLA missed"
		case handoff.NotifyNewLead:
			return str(d["rep"]) + " was texted to call the lead (no SMS consent)"
		}
		return str(d["rep"]) + " was texted the handoff"
	case handoff.EventNoRepOnDuty:
		if next := str(d["next_on_duty"]); next != "" {
			if t, err := time.Parse(time.RFC3339Nano, next); err == nil {
				return "Nobody on duty: the next rep will be texted at " + t.Local().Format("Mon Jan 2 15:04")
			}
		}
		return "Nobody on duty, and no opening hours set"
	case handoff.EventRepAssigned:
		return str(d["rep"]) + " came on duty and was given the handoff"
	case handoff.EventSLANextRep:
		return fmt.Sprintf("Unclaimed after %v min: asked %s too", d["waited_minutes"], str(d["rep"]))
	case handoff.EventSLAAdmins:
		return fmt.Sprintf("Unclaimed after %v min: the admins were told", d["waited_minutes"])
	case handoff.EventTakenOver:
		return str(d["rep"]) + " took over"
	case handoff.EventHandedBack:
		return "Handed back to the agent by " + str(d["by"])
	case handoff.EventClosed:
		return "Closed as " + label(str(d["outcome"])) + " by " + str(d["by"])
	case crm.EventStageChanged:
		s := "Stage: " + label(str(d["from"])) + " → " + label(str(d["to"]))
		if why := str(d["why"]); why != "" {
			s += " (" + why + ")"
		}
		return s
	case crm.EventLeadCreated:
		s := "New lead"
		if src := str(d["source"]); src != "" {
			s += " from " + label(src)
		}
		if d["sms_consent"] != true {
			s += ", no SMS consent"
		}
		if m := str(d["message"]); m != "" {
			s += `: "` + m + `"`
		}
		return s
	case crm.EventLeadMerged:
		return fmt.Sprintf("The lead matched this contact (updated: %v)", d["changed"])
	case inbox.EventFirstTouch:
		return "First text to the lead written"
	case inbox.EventFirstTouchSkipped:
		return "No first text: " + label(str(d["reason"]))
	case inbox.EventCadenceStarted:
		return fmt.Sprintf("Follow-ups started (%v steps)", d["steps"])
	case inbox.EventCadenceStep:
		return fmt.Sprintf("Follow-up %v sent", d["step"])
	case inbox.EventCadenceWaiting:
		return fmt.Sprintf("Follow-up %v held for %s", d["step"], heldFor(d))
	case inbox.EventFirstTouchWaiting:
		return "First text held for " + heldFor(d)
	case inbox.EventCadenceStopped:
		return "Follow-ups stopped: " + label(str(d["reason"]))
	case inbox.EventCadenceCompleted:
		return "Follow-ups finished"
	case crm.EventCallStarted:
		return "The lead called"
	case crm.EventCallEnded:
		return fmt.Sprintf("Call ended after %v s: %s", d["duration_seconds"], label(str(d["outcome"])))
	case crm.EventOptedOut:
		if w := str(d["words"]); w != "" {
			return `The lead opted out of texts: "` + w + `"`
		}
		return "The lead opted out of texts"
	case crm.EventOptedIn:
		return "The lead opted back in"
	case crm.EventSuppressed:
		return "Not sent: the lead opted out"
	case crm.EventMessageFailed:
		return fmt.Sprintf("A text failed: %s", str(d["error"]))
	case crm.EventAgentFallback:
		return "The model failed (" + str(d["reason"]) + "); the offline agent answered"
	case crm.EventGuardrail:
		return "A guardrail changed the reply: " + guardrails(d["rules"])
	case crm.EventHandoffRequested:
		return "The model asked for a person: " + str(d["summary"])
	case crm.EventCallbackRequested:
		return "The lead asked for a call back " + str(d["when"])
	case crm.EventMediaReceived:
		return "The lead sent a picture"
	case crm.EventPhoneUnparsed:
		return "The sender's number could not be read: " + str(d["from"])
	}
	return label(e.Kind)
}

// guardrailWords says what each guardrail did, for the timeline.
var guardrailWords = map[string]string{
	agent.GuardAIDisclosure: "said it is the AI assistant", agent.GuardAIIdentity: "said it is not a person",
	agent.GuardNoHumanClaim: "removed a claim to be a person", agent.GuardUnsupportedPrice: "removed a price the knowledge does not give",
	agent.GuardUnsupportedDiscount: "removed a discount the knowledge does not give", agent.GuardUnsupportedGuarantee: "removed a guarantee",
	agent.GuardUnsupportedAppointment: "removed an appointment time", agent.GuardPromptLeak: "kept its instructions private",
	agent.GuardPromptInjection:    "ignored instructions hidden in the message",
	agent.GuardUnsupportedContact: "removed a phone number, link or address the knowledge does not give",
	agent.GuardUnsupportedNumber:  "removed a figure the knowledge does not give",
	agent.GuardSensitiveRequest:   "removed a request for card, bank or identity details",
}

func guardrails(v any) string {
	list, _ := v.([]any)
	var out []string
	for _, g := range list {
		if w, ok := guardrailWords[str(g)]; ok {
			out = append(out, w)
		} else {
			out = append(out, label(str(g)))
		}
	}
	return strings.Join(out, "; ")
}

// heldFor says why an automated text waits: the contact window's hours
// or its cap a day, in the lead's state and time zone.
func heldFor(d map[string]any) string {
	why := str(d["reason"])
	if why == "" {
		why = "quiet hours"
	}
	if st := str(d["state"]); st != "" {
		why += " in " + st
	}
	return why + " (" + str(d["time_zone"]) + ")"
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func label(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == '_' {
			b[i] = ' '
		}
	}
	return string(b)
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
