package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
)

// RepDesk is what reps' actions ask of the inbox; the API and the console
// both call it, so they behave alike.
type RepDesk interface {
	Takeover(ctx context.Context, conversationID string, actor handoff.Actor) error
	Reply(ctx context.Context, conversationID string, actor handoff.Actor, text string) (crm.Message, error)
	Note(ctx context.Context, conversationID string, actor handoff.Actor, text string) error
	Handback(ctx context.Context, conversationID string, actor handoff.Actor) error
	Close(ctx context.Context, conversationID string, actor handoff.Actor, outcome string) error
}

// repRef is a rep as a conversation names them.
type repRef struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// conversationView is a conversation as /api/v1 returns it (DESIGN.md):
// the CRM's conversation with the rep who has it and its latest handoff.
type conversationView struct {
	crm.Conversation
	AssignedRep *repRef          `json:"assigned_rep"`
	Handoff     *handoff.Handoff `json:"handoff"`
}

// listConversations serves GET /api/v1/conversations?state=&phone=&limit=.
func (s *Server) listConversations(c *gin.Context) {
	f, err := s.parseFilter(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	ctx := c.Request.Context()
	reps, err := s.repsByID(ctx)
	if err != nil {
		s.renderError(c, err)
		return
	}
	list, err := s.conversationViews(ctx, f, reps)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"conversations": list})
}

// conversationViews lists conversations with their handoffs, in two
// queries whatever the number of rows, naming their reps from reps (by id:
// repsByID, loaded once for a request however many lists it shows).
func (s *Server) conversationViews(ctx context.Context, f crm.Filter, reps map[string]*repRef) ([]conversationView, error) {
	list, err := crm.ListConversations(ctx, s.cfg.DB, f)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(list))
	for i, v := range list {
		ids[i] = v.ID
	}
	handoffs, err := handoff.LatestHandoffs(ctx, s.cfg.DB, ids)
	if err != nil {
		return nil, err
	}
	out := make([]conversationView, len(list))
	for i, v := range list {
		out[i] = conversationView{Conversation: v, AssignedRep: reps[v.AssignedRepID]}
		if h, ok := handoffs[v.ID]; ok {
			out[i].Handoff = &h
		}
	}
	return out, nil
}

func (s *Server) repsByID(ctx context.Context) (map[string]*repRef, error) {
	reps, err := crm.ListReps(ctx, s.cfg.DB)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*repRef, len(reps))
	for _, r := range reps {
		out[r.ID] = &repRef{ID: r.ID, Name: r.Name, Phone: r.Phone}
	}
	return out, nil
}

// getConversation serves GET /api/v1/conversations/{id}.
func (s *Server) getConversation(c *gin.Context) {
	v, err := s.conversationView(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// conversationView returns one conversation whole: contact, messages,
// timeline, rep and latest handoff.
func (s *Server) conversationView(ctx context.Context, id string) (conversationView, error) {
	v, err := crm.GetConversation(ctx, s.cfg.DB, id)
	if err != nil {
		return conversationView{}, err
	}
	if v.Messages == nil {
		v.Messages = []crm.Message{}
	}
	out := conversationView{Conversation: v}
	if v.AssignedRepID != "" {
		r, err := crm.GetRep(ctx, s.cfg.DB, v.AssignedRepID)
		if err != nil {
			return conversationView{}, err
		}
		out.AssignedRep = &repRef{ID: r.ID, Name: r.Name, Phone: r.Phone}
	}
	h, err := handoff.LatestHandoff(ctx, s.cfg.DB, v.ID)
	switch {
	case err == nil:
		out.Handoff = &h
	case !errors.Is(err, crm.ErrNotFound):
		return conversationView{}, err
	}
	return out, nil
}

// actionBody is what the rep actions take; every field is optional but
// for the action that needs it.
type actionBody struct {
	RepID   string `json:"rep_id"`
	Text    string `json:"text"`
	Outcome string `json:"outcome"`
}

// apiAction serves POST /api/v1/conversations/{id}/ACTION: an API client
// acts for the rep named by rep_id, or for the business without one.
func (s *Server) apiAction(do func(s *Server, ctx context.Context, id string, actor handoff.Actor, body actionBody) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		var body actionBody
		if err := decodeJSON(c.Request, &body); err != nil {
			s.renderError(c, err)
			return
		}
		// JSON carries a NUL as \u0000, which no column stores.
		body.Text = crm.CleanText(body.Text)
		actor := handoff.Actor{RepID: strings.TrimSpace(body.RepID), Name: "api"}
		actor.Admin = actor.RepID == ""
		if err := do(s, c.Request.Context(), c.Param("id"), actor, body); err != nil {
			s.renderError(c, err)
			return
		}
		s.getConversation(c)
	}
}

func doTakeover(s *Server, ctx context.Context, id string, actor handoff.Actor, _ actionBody) error {
	return s.cfg.Reps.Takeover(ctx, id, actor)
}

func doReply(s *Server, ctx context.Context, id string, actor handoff.Actor, b actionBody) error {
	_, err := s.cfg.Reps.Reply(ctx, id, actor, b.Text)
	return err
}

func doNote(s *Server, ctx context.Context, id string, actor handoff.Actor, b actionBody) error {
	return s.cfg.Reps.Note(ctx, id, actor, redactNote(b.Text))
}

// redactNote keeps a card number or password a rep pastes into a note
// off the timeline, as it is kept out of a lead's texts.
func redactNote(text string) string {
	text, _ = agent.Redact(text)
	return text
}

func doHandback(s *Server, ctx context.Context, id string, actor handoff.Actor, _ actionBody) error {
	return s.cfg.Reps.Handback(ctx, id, actor)
}

func doClose(s *Server, ctx context.Context, id string, actor handoff.Actor, b actionBody) error {
	return s.cfg.Reps.Close(ctx, id, actor, b.Outcome)
}

// decodeJSON reads a small JSON object; an empty body is an empty object.
func decodeJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return badRequest("could not read the request body")
	}
	if strings.TrimSpace(string(body)) == "" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("the body is not the JSON this endpoint takes: " + err.Error())
	}
	return nil
}

func (s *Server) parseFilter(c *gin.Context) (crm.Filter, error) {
	f := crm.Filter{Mode: crm.Mode(c.Query("state"))}
	if f.Mode != "" && !f.Mode.Valid() {
		return f, badRequest("state must be one of ai, handoff_pending, human, closed")
	}
	if p := c.Query("phone"); p != "" {
		e164, ok := crm.NormalizePhone(p, s.cfg.Region)
		if !ok {
			return f, badRequest("phone " + strconv.Quote(p) + " is not a phone number")
		}
		f.Phone = e164
	}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			return f, badRequest("limit must be a number from 1 to 500")
		}
		f.Limit = n
	}
	return f, nil
}
