package web

// Webhooks out: the API other programs set endpoints up with, and the
// admins' console page. The work is package webhooks'.

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/internal/errkind"
	"github.com/leadagent/leadagent/webhooks"
)

// WebhookSender sends a test event and replays a delivery: webhooks.Webhooks.
type WebhookSender interface {
	SendTest(ctx context.Context, endpointID string) (string, error)
	Replay(ctx context.Context, deliveryID string) (string, error)
}

// errNoSender: the server runs without webhooks' sender.
var errNoSender = errkind.New(errkind.Unavailable, "webhooks are not sent by this server")

// createWebhookEndpoint serves POST /api/v1/webhook-endpoints.
func (s *Server) createWebhookEndpoint(c *gin.Context) {
	var in webhooks.NewEndpoint
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		s.renderError(c, errkind.New(errkind.Invalid, "the body is not a JSON endpoint: "+err.Error()))
		return
	}
	e, err := webhooks.CreateEndpoint(c.Request.Context(), s.cfg.DB, in)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusCreated, e)
}

// listWebhookEndpoints serves GET /api/v1/webhook-endpoints (no secrets).
func (s *Server) listWebhookEndpoints(c *gin.Context) {
	list, err := webhooks.Endpoints(c.Request.Context(), s.cfg.DB)
	if err != nil {
		s.renderError(c, err)
		return
	}
	if list == nil {
		list = []webhooks.Endpoint{}
	}
	c.JSON(http.StatusOK, gin.H{"endpoints": list})
}

// webhookDeliveries serves GET /api/v1/webhook-endpoints/{id}/deliveries?limit=.
func (s *Server) webhookDeliveries(c *gin.Context) {
	limit, _ := strconv.Atoi(c.Query("limit"))
	list, err := webhooks.Deliveries(c.Request.Context(), s.cfg.DB, c.Param("id"), limit)
	if err != nil {
		s.renderError(c, err)
		return
	}
	if list == nil {
		list = []webhooks.Delivery{}
	}
	c.JSON(http.StatusOK, gin.H{"deliveries": list})
}

// deleteWebhookEndpoint serves DELETE /api/v1/webhook-endpoints/{id}.
func (s *Server) deleteWebhookEndpoint(c *gin.Context) {
	if err := webhooks.DeleteEndpoint(c.Request.Context(), s.cfg.DB, c.Param("id")); err != nil {
		s.renderError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// testWebhookEndpoint serves POST /api/v1/webhook-endpoints/{id}/test.
func (s *Server) testWebhookEndpoint(c *gin.Context) {
	if s.cfg.WebhookSender == nil {
		s.renderError(c, errNoSender)
		return
	}
	id, err := s.cfg.WebhookSender.SendTest(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"delivery_id": id})
}

// replayWebhookDelivery serves POST /api/v1/webhook-deliveries/{id}/replay.
func (s *Server) replayWebhookDelivery(c *gin.Context) {
	if s.cfg.WebhookSender == nil {
		s.renderError(c, errNoSender)
		return
	}
	id, err := s.cfg.WebhookSender.Replay(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"delivery_id": id})
}

type webhookEndpointView struct {
	webhooks.Endpoint
	Deliveries []deliveryView
}

// deliveryView is a delivery with its payload indented for reading.
type deliveryView struct {
	webhooks.Delivery
	Pretty string
}

// eventChoice is one event type's box on the add form.
type eventChoice struct {
	Name    string
	Checked bool
}

type webhooksPage struct {
	pageBase
	Endpoints []webhookEndpointView
	Disabled  []webhooks.Endpoint
	Events    []eventChoice
	// Created is the endpoint just added, with its secret, shown once.
	Created *webhooks.Endpoint
	Form    webhooks.NewEndpoint
	CanSend bool
	Notice  string
	Error   string
}

// consoleWebhooks serves GET /console/webhooks (admins): the endpoints,
// each with its latest deliveries, and the form that adds one.
func (s *Server) consoleWebhooks(c *gin.Context) {
	s.renderWebhooks(c, http.StatusOK, webhooks.NewEndpoint{}, nil, "")
}

func (s *Server) renderWebhooks(c *gin.Context, status int, form webhooks.NewEndpoint, created *webhooks.Endpoint, problem string) {
	ctx := c.Request.Context()
	p := webhooksPage{pageBase: s.base(c, "Webhooks"), Created: created, Form: form,
		CanSend: s.cfg.WebhookSender != nil, Notice: c.Query("notice"), Error: problem}
	for _, ev := range crm.PublicEventTypes() {
		p.Events = append(p.Events, eventChoice{Name: ev, Checked: slices.Contains(form.Events, ev)})
	}
	list, err := webhooks.Endpoints(ctx, s.cfg.DB)
	if err != nil {
		s.consoleFail(c, err)
		return
	}
	for _, e := range list {
		ds, err := webhooks.Deliveries(ctx, s.cfg.DB, e.ID, 20)
		if err != nil {
			s.consoleFail(c, err)
			return
		}
		view := webhookEndpointView{Endpoint: e}
		for _, d := range ds {
			var pretty bytes.Buffer
			if json.Indent(&pretty, d.Payload, "", "  ") != nil {
				pretty.Reset()
				pretty.Write(d.Payload)
			}
			view.Deliveries = append(view.Deliveries, deliveryView{Delivery: d, Pretty: pretty.String()})
		}
		p.Endpoints = append(p.Endpoints, view)
		if e.DisabledAt != nil {
			p.Disabled = append(p.Disabled, e)
		}
	}
	if created != nil {
		noStore(c)
	}
	s.renderPage(c, status, "webhooks.html", p)
}

// consoleAddWebhook serves POST /console/webhooks (admins): the new
// endpoint's secret is shown once.
func (s *Server) consoleAddWebhook(c *gin.Context) {
	form := webhooks.NewEndpoint{URL: c.PostForm("url"), Events: c.PostFormArray("events"), Description: c.PostForm("description")}
	e, err := webhooks.CreateEndpoint(c.Request.Context(), s.cfg.DB, form)
	if err != nil {
		s.webhooksFail(c, form, err)
		return
	}
	s.renderWebhooks(c, http.StatusOK, webhooks.NewEndpoint{}, &e, "")
}

// consoleWebhookAction serves the console's POSTs on one endpoint or
// delivery: delete, enable, test, replay.
func (s *Server) consoleWebhookAction(do func(ctx context.Context, s *Server, id string) (string, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		notice, err := do(c.Request.Context(), s, c.Param("id"))
		if err != nil {
			s.webhooksFail(c, webhooks.NewEndpoint{}, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/console/webhooks?"+url.Values{"notice": {notice}}.Encode())
	}
}

func consoleDeleteWebhook(ctx context.Context, s *Server, id string) (string, error) {
	return "The endpoint is deleted.", webhooks.DeleteEndpoint(ctx, s.cfg.DB, id)
}

func consoleEnableWebhook(ctx context.Context, s *Server, id string) (string, error) {
	return "The endpoint is enabled again.", webhooks.EnableEndpoint(ctx, s.cfg.DB, id)
}

func consoleTestWebhook(ctx context.Context, s *Server, id string) (string, error) {
	if s.cfg.WebhookSender == nil {
		return "", errNoSender
	}
	_, err := s.cfg.WebhookSender.SendTest(ctx, id)
	return "A test event is on its way.", err
}

func consoleReplayWebhook(ctx context.Context, s *Server, id string) (string, error) {
	if s.cfg.WebhookSender == nil {
		return "", errNoSender
	}
	_, err := s.cfg.WebhookSender.Replay(ctx, id)
	return "The event is sent again.", err
}

// webhooksFail shows a refused change on the webhooks page, or fails.
func (s *Server) webhooksFail(c *gin.Context, form webhooks.NewEndpoint, err error) {
	switch status := statusOf(err); status {
	case http.StatusUnprocessableEntity, http.StatusNotFound, http.StatusServiceUnavailable:
		msg := publicMessage(err, status)
		s.renderWebhooks(c, status, form, nil, strings.ToUpper(msg[:1])+msg[1:]+".")
	default:
		s.consoleFail(c, err)
	}
}
