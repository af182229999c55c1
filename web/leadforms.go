package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/leadforms"
)

// FacebookLeadQueue queues the jobs that fetch Facebook's leads and
// record them (the inbox).
type FacebookLeadQueue interface {
	QueueFacebookLeads(ctx context.Context, leads []inbox.FacebookLeadArgs) error
}

// FacebookLeadAds checks Facebook Lead Ads webhooks.
type FacebookLeadAds struct {
	// VerifyToken is what Facebook sends back when the webhook is
	// subscribed (hub.verify_token).
	VerifyToken string
	// AppSecret signs each delivery (X-Hub-Signature-256).
	AppSecret string
	Queue     FacebookLeadQueue
}

// maxLeadFormBody bounds a platform's webhook body.
const maxLeadFormBody = 1 << 20

// leadFormRoutes serves the ad platforms' lead webhooks. They are not
// under /api/v1: each platform authenticates by its own scheme (a key in
// the body, a signature), not an API key.
func (s *Server) leadFormRoutes(r gin.IRoutes) {
	r.POST("/leads/google-ads", s.googleAdsLead)
	r.GET("/leads/facebook", s.facebookVerify)
	r.POST("/leads/facebook", s.facebookLeads)
}

// googleAdsLead serves POST /leads/google-ads: a Google Ads lead form's
// lead, checked against its form's key, recorded as POST /api/v1/leads
// records a lead; 200 with {} (what Google waits for), 403 for a wrong
// key with nothing recorded.
func (s *Server) googleAdsLead(c *gin.Context) {
	if !s.cfg.GoogleAdsForms.Configured() {
		abortError(c, http.StatusNotFound, "Google Ads lead forms are not set up here: set GOOGLE_ADS_LEAD_KEYS")
		return
	}
	body, err := readLeadFormBody(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	lead, err := leadforms.ParseGoogleLead(body)
	if err != nil {
		s.renderError(c, leadFormError(err))
		return
	}
	form, err := s.cfg.GoogleAdsForms.Check(lead)
	if err != nil {
		s.logger.Warn("google ads lead refused: wrong google_key", "form_id", lead.FormID, "lead_id", lead.LeadID)
		abortError(c, http.StatusForbidden, "the google_key does not match this form's key")
		return
	}
	in := lead.NewLead(form, time.Now())
	// As POST /api/v1/leads: a form's free text may carry a card number.
	in.Redact(agent.Redact)
	if _, err := s.cfg.Leads.ReceiveLead(c.Request.Context(), in); err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{})
}

// facebookVerify serves GET /leads/facebook, Facebook's check of the
// webhook's subscription: the challenge as plain text for our verify
// token, else 403.
func (s *Server) facebookVerify(c *gin.Context) {
	fb := s.cfg.Facebook
	if fb == nil {
		abortError(c, http.StatusNotFound, "Facebook Lead Ads is not set up here: set FACEBOOK_VERIFY_TOKEN, FACEBOOK_APP_SECRET and FACEBOOK_PAGE_TOKEN")
		return
	}
	challenge, err := leadforms.VerifySubscription(c.Query("hub.mode"), c.Query("hub.verify_token"), c.Query("hub.challenge"), fb.VerifyToken)
	if err != nil {
		abortError(c, http.StatusForbidden, "wrong hub.mode or hub.verify_token")
		return
	}
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(challenge))
}

// facebookLeads serves POST /leads/facebook: a signed notification of new
// leads, answered at once after their fetch jobs are queued (the Graph
// API is asked from the job, with retries); 403 for a wrong signature,
// with nothing queued.
func (s *Server) facebookLeads(c *gin.Context) {
	fb := s.cfg.Facebook
	if fb == nil {
		abortError(c, http.StatusNotFound, "Facebook Lead Ads is not set up here: set FACEBOOK_VERIFY_TOKEN, FACEBOOK_APP_SECRET and FACEBOOK_PAGE_TOKEN")
		return
	}
	body, err := readLeadFormBody(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	if err := leadforms.CheckSignature(body, c.GetHeader("X-Hub-Signature-256"), fb.AppSecret); err != nil {
		s.logger.Warn("facebook webhook refused", "err", err)
		abortError(c, http.StatusForbidden, "missing or wrong X-Hub-Signature-256")
		return
	}
	leads, err := leadforms.ParseFacebookNotification(body)
	if err != nil {
		s.renderError(c, leadFormError(err))
		return
	}
	jobs := make([]inbox.FacebookLeadArgs, len(leads))
	for i, l := range leads {
		jobs[i] = inbox.FacebookLeadArgs{LeadgenID: l.LeadgenID, FormID: l.FormID, PageID: l.PageID}
	}
	if err := fb.Queue.QueueFacebookLeads(c.Request.Context(), jobs); err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"queued": len(jobs)})
}

func readLeadFormBody(c *gin.Context) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxLeadFormBody+1))
	switch {
	case err != nil:
		return nil, badRequest("could not read the request body")
	case len(body) > maxLeadFormBody:
		return nil, badRequest("the request body is larger than 1 MiB")
	}
	return body, nil
}

// leadFormError makes a payload the platform's documentation does not
// describe a 400.
func leadFormError(err error) error {
	if errors.Is(err, leadforms.ErrMalformed) {
		return badRequest("the body is not the JSON this endpoint takes: " + err.Error())
	}
	return err
}
