package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/channels/twilio"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/hubspot"
)

// HubSpotQueue queues the jobs that bring HubSpot's new contacts in as
// leads (a *hubspot.Sink).
type HubSpotQueue interface {
	QueueCreated(ctx context.Context, events []hubspot.WebhookEvent) error
}

// HubSpot is HubSpot's side of the server: its contact.creation webhook,
// and the contact page's link to the HubSpot record.
type HubSpot struct {
	// ClientSecret signs HubSpot's webhooks (v3); "" answers them 404.
	ClientSecret string
	Queue        HubSpotQueue
	// PortalID, when known, links a contact's page to its HubSpot record.
	PortalID string
}

// hubspotWebhook serves POST /hubspot/webhook: HubSpot's webhook, checked
// by its v3 signature over the URL it called (PUBLIC_URL when set, as for
// Twilio's), answered at once after the new contacts' jobs are queued;
// 401 for a missing, wrong or expired signature, with nothing queued.
func (s *Server) hubspotWebhook(c *gin.Context) {
	hs := s.cfg.HubSpot
	if hs == nil || hs.ClientSecret == "" || hs.Queue == nil {
		abortError(c, http.StatusNotFound, "HubSpot webhooks are not set up here: set HUBSPOT_TOKEN and HUBSPOT_CLIENT_SECRET")
		return
	}
	body, err := readLeadFormBody(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	uri := twilio.NewValidator("", s.cfg.PublicURL).URL(c.Request)
	if err := hubspot.CheckSignature(hs.ClientSecret, c.Request.Method, uri, body, c.GetHeader("X-HubSpot-Signature-v3"),
		c.GetHeader("X-HubSpot-Request-Timestamp"), time.Now()); err != nil {
		s.logger.Warn("hubspot webhook refused", "err", err, "url", uri)
		abortError(c, http.StatusUnauthorized, "missing, wrong or expired X-HubSpot-Signature-v3: "+err.Error())
		return
	}
	events, err := hubspot.ParseWebhook(body)
	if err != nil {
		s.renderError(c, badRequest(err.Error()))
		return
	}
	if err := hs.Queue.QueueCreated(c.Request.Context(), events); err != nil {
		s.renderError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// hubspotState is the contact page's HubSpot section: nil when HubSpot
// is not set up and the contact was never synced.
type hubspotState struct {
	hubspot.ContactState
	// Link is the record in HubSpot's app ("" without the portal id).
	Link string
}

func (s *Server) hubspotStateOf(ctx context.Context, contactID string) (*hubspotState, error) {
	st, err := hubspot.StateOf(ctx, s.cfg.DB, contactID)
	switch {
	case errors.Is(err, crm.ErrNotFound):
		if s.cfg.HubSpot == nil {
			return nil, nil
		}
		return &hubspotState{}, nil
	case err != nil:
		return nil, err
	}
	out := &hubspotState{ContactState: st}
	if hs := s.cfg.HubSpot; hs != nil && hs.PortalID != "" && st.HubSpotID != "" {
		out.Link = "https://app.hubspot.com/contacts/" + hs.PortalID + "/record/0-1/" + st.HubSpotID
	}
	return out, nil
}
