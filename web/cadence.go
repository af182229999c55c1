package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/cadence"
	"github.com/leadagent/leadagent/crm"
)

// cadenceRows is how many step rows the form offers: the steps, and room
// for two more.
const cadenceSpare = 2

type cadenceRow struct {
	After   string
	Message string
	// Channel is sms or email (see cadence.Step.Channel).
	Channel string
	// Preview is Message as the sample lead would read it; Problem says
	// why it does not render. Both are empty for a spare row.
	Preview string
	Problem string
	// ByAgent marks a step with no message: the agent writes it.
	ByAgent bool
}

type cadencePage struct {
	pageBase
	// Sample is whom the steps are previewed for.
	Sample   cadence.Vars
	Active   cadence.Version
	Rows     []cadenceRow
	Versions []cadence.Version
	Notice   string
	Error    string
}

// consoleCadence serves GET /console/cadence (admins): the follow-up
// steps new leads get, a form to change them, and every saved version.
func (s *Server) consoleCadence(c *gin.Context) {
	s.renderCadence(c, http.StatusOK, nil, "")
}

func (s *Server) renderCadence(c *gin.Context, status int, draft []cadenceRow, problem string) {
	ctx := c.Request.Context()
	p := cadencePage{pageBase: s.base(c, "Follow-ups"), Notice: c.Query("notice"), Error: problem}
	var err error
	if p.Active, err = cadence.Active(ctx, s.cfg.DB); err != nil {
		s.consoleFail(c, err)
		return
	}
	if p.Versions, err = cadence.Versions(ctx, s.cfg.DB, 30); err != nil {
		s.consoleFail(c, err)
		return
	}
	p.Rows = draft
	if p.Rows == nil {
		for _, st := range p.Active.Cadence.Steps {
			p.Rows = append(p.Rows, cadenceRow{After: st.After.String(), Message: st.Message, Channel: st.Channel})
		}
	}
	business := s.cfg.BusinessName
	if business == "" {
		business = "the business"
	}
	p.Sample = cadence.SampleLead(business)
	for i := range p.Rows {
		p.Rows[i].preview(p.Sample)
	}
	for i := 0; i < cadenceSpare; i++ {
		p.Rows = append(p.Rows, cadenceRow{})
	}
	s.renderPage(c, status, "cadence.html", p)
}

// preview renders the row's message for the sample lead.
func (r *cadenceRow) preview(v cadence.Vars) {
	if strings.TrimSpace(r.Message) == "" {
		r.ByAgent = r.After != ""
		return
	}
	text, err := cadence.Step{Message: r.Message}.Render(v)
	if err != nil {
		r.Problem = err.Error()
		return
	}
	r.Preview = text
}

// consoleSaveCadence serves POST /console/cadence (admins): the steps as a
// new version, for cadences started from now on.
func (s *Server) consoleSaveCadence(c *gin.Context) {
	var rows []cadenceRow
	var steps []cadence.Step
	var problem error
	afters, messages, channels := c.PostFormArray("after"), c.PostFormArray("message"), c.PostFormArray("channel")
	for i, a := range afters {
		row := cadenceRow{After: strings.TrimSpace(a), Channel: crm.ChannelSMS}
		if i < len(messages) {
			row.Message = strings.TrimSpace(messages[i])
		}
		if i < len(channels) && channels[i] != "" {
			row.Channel = channels[i]
		}
		if row.After == "" && row.Message == "" {
			continue
		}
		rows = append(rows, row)
		d, err := cadence.ParseDuration(row.After)
		if err != nil && problem == nil {
			problem = &crm.InvalidError{Field: fmt.Sprintf("steps[%d].after", len(steps)), Reason: err.Error()}
		}
		steps = append(steps, cadence.Step{After: d, Channel: row.Channel, Message: row.Message})
	}
	if problem == nil {
		_, problem = cadence.Save(c.Request.Context(), s.cfg.DB, cadence.Cadence{Steps: steps}, session(c).User.Email, c.PostForm("note"))
	}
	var invalid *crm.InvalidError
	if errors.As(problem, &invalid) {
		s.renderCadence(c, http.StatusUnprocessableEntity, rows, invalid.Error())
		return
	}
	if problem != nil {
		s.consoleFail(c, problem)
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/cadence?"+url.Values{"notice": {"Saved. New leads get these follow-ups; leads already in a cadence keep theirs."}}.Encode())
}
