package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/crm"
)

// evidencePage is one contact's consent evidence as a rep reads and
// prints it.
type evidencePage struct {
	pageBase
	Evidence crm.Evidence
	// Who is the contact's name, or their phone when they gave none.
	Who string
	// HubSpot is the contact's sync with HubSpot; nil hides the section.
	HubSpot *hubspotState
}

// apiEvidence serves GET /api/v1/contacts/{id}/evidence: the contact's
// consent evidence (crm.Evidence) as JSON.
func (s *Server) apiEvidence(c *gin.Context) {
	ev, err := s.evidence(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, ev)
}

// consoleEvidence serves GET /console/contacts/{id}/evidence: the
// evidence as a page made to be printed.
func (s *Server) consoleEvidence(c *gin.Context) {
	ev, err := s.evidence(c)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	who := ev.Contact.Name
	if who == "" {
		who = ev.Contact.Phone
	}
	hs, err := s.hubspotStateOf(c.Request.Context(), ev.Contact.ID)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	s.renderPage(c, http.StatusOK, "evidence.html", evidencePage{pageBase: s.base(c, "Consent evidence · "+who), Evidence: ev, Who: who,
		HubSpot: hs})
}

// consoleEvidenceJSON serves GET /console/contacts/{id}/evidence.json:
// the API's JSON, as a file to keep.
func (s *Server) consoleEvidenceJSON(c *gin.Context) {
	ev, err := s.evidence(c)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	name := "consent-evidence-" + ev.Contact.ID + "-" + ev.GeneratedAt.UTC().Format("20060102T150405Z") + ".json"
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.IndentedJSON(http.StatusOK, ev)
}

// evidence reads the contact named by the path's id, in one read-only
// snapshot so its consents, opt-outs and messages agree with each other.
func (s *Server) evidence(c *gin.Context) (crm.Evidence, error) {
	id := c.Param("id")
	if !crm.IsUUID(id) {
		return crm.Evidence{}, badRequest("contact id " + strconv.Quote(id) + " is not a UUID")
	}
	var ev crm.Evidence
	ctx := c.Request.Context()
	err := pgx.BeginTxFunc(ctx, s.cfg.DB, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			var err error
			ev, err = crm.ContactEvidence(ctx, tx, id, time.Now())
			return err
		})
	return ev, err
}
