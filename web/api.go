package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/crm"
)

// listConversations serves GET /api/v1/conversations?state=&phone=&limit=.
func (s *Server) listConversations(c *gin.Context) {
	f, err := s.parseFilter(c)
	if err != nil {
		abortError(c, http.StatusBadRequest, err.Error())
		return
	}
	list, err := crm.ListConversations(c.Request.Context(), s.cfg.DB, f)
	if err != nil {
		s.renderError(c, err)
		return
	}
	if list == nil {
		list = []crm.Conversation{}
	}
	c.JSON(http.StatusOK, gin.H{"conversations": list})
}

// getConversation serves GET /api/v1/conversations/{id}.
func (s *Server) getConversation(c *gin.Context) {
	v, err := crm.GetConversation(c.Request.Context(), s.cfg.DB, c.Param("id"))
	if err != nil {
		s.renderError(c, err)
		return
	}
	if v.Messages == nil {
		v.Messages = []crm.Message{}
	}
	c.JSON(http.StatusOK, v)
}

type badRequest string

func (e badRequest) Error() string { return string(e) }

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
