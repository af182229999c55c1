package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/inbox"
)

// LeadIntake records leads from forms and ad platforms (the inbox).
type LeadIntake interface {
	ReceiveLead(ctx context.Context, in crm.NewLead) (inbox.NewLead, error)
}

// leadBody is POST /api/v1/leads as DESIGN.md and the issue give it.
type leadBody struct {
	Phone      string       `json:"phone"`
	Name       string       `json:"name"`
	Email      string       `json:"email"`
	Source     string       `json:"source"`
	Message    string       `json:"message"`
	Consent    *consentBody `json:"consent"`
	ExternalID string       `json:"external_id"`
	OwnerEmail string       `json:"owner_email"`
}

type consentBody struct {
	SMS        bool   `json:"sms"`
	Email      bool   `json:"email"`
	Text       string `json:"text"`
	CapturedAt string `json:"captured_at"`
	IP         string `json:"ip"`
	Version    string `json:"version"`
	PageURL    string `json:"page_url"`
}

// createLead serves POST /api/v1/leads: 201 with the conversation for a
// new contact, 200 for a lead that matched one (or repeated an
// external_id), 422 naming the field for bad input. first_touch says what
// the lead gets (inbox.NewLead.FirstTouch), first_touch_channel how when
// it is queued (sms or email).
func (s *Server) createLead(c *gin.Context) {
	var b leadBody
	if err := decodeJSON(c.Request, &b); err != nil {
		s.renderError(c, err)
		return
	}
	in := crm.NewLead{Phone: b.Phone, Name: b.Name, Email: b.Email, Source: b.Source, Message: b.Message,
		ExternalID: b.ExternalID, OwnerEmail: b.OwnerEmail}
	if b.Consent != nil {
		in.Consent = &crm.Consent{SMS: b.Consent.SMS, Email: b.Consent.Email, Text: b.Consent.Text, IP: b.Consent.IP, Version: b.Consent.Version,
			PageURL: b.Consent.PageURL}
		if at := strings.TrimSpace(b.Consent.CapturedAt); at != "" {
			t, err := time.Parse(time.RFC3339, at)
			if err != nil {
				s.renderError(c, &crm.InvalidError{Field: "consent.captured_at", Reason: "is not a time like 2026-12-01T22:04:05Z"})
				return
			}
			in.Consent.CapturedAt = t
		}
	}
	// A form's every free-text field may carry a card number; none is
	// stored, nor put on the timeline, before this.
	in.Redact(agent.Redact)
	out, err := s.cfg.Leads.ReceiveLead(c.Request.Context(), in)
	if err != nil {
		s.renderError(c, err)
		return
	}
	status := http.StatusOK
	if out.NewContact && !out.Repeat {
		status = http.StatusCreated
	}
	body := gin.H{"lead_id": out.Lead.ID, "contact_id": out.Lead.ContactID, "conversation_id": out.Lead.ConversationID,
		"created": out.NewContact && !out.Repeat, "merged": out.Lead.Merged, "repeat": out.Repeat, "first_touch": out.FirstTouch}
	if out.Channel != "" {
		body["first_touch_channel"] = out.Channel
	}
	c.JSON(status, body)
}
