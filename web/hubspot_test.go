package web_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/hubspot"
	"github.com/leadagent/leadagent/web"
)

// hubspotQueue records the contacts a webhook queued.
type hubspotQueue struct {
	mu     sync.Mutex
	queued []hubspot.WebhookEvent
}

func (q *hubspotQueue) QueueCreated(_ context.Context, events []hubspot.WebhookEvent) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queued = append(q.queued, events...)
	return nil
}

func (q *hubspotQueue) take() []hubspot.WebhookEvent {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.queued
	q.queued = nil
	return out
}

const hubspotSecret = "hs-client-secret"

// postHubSpot posts body to /hubspot/webhook signed as HubSpot signs it
// (v3), at when, over the URL signedURL.
func postHubSpot(t *testing.T, b *testBundle, signedURL, body string, when time.Time, secret string) int {
	t.Helper()
	ts := strconv.FormatInt(when.UnixMilli(), 10)
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+"/hubspot/webhook", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-HubSpot-Request-Timestamp", ts)
	req.Header.Set("X-HubSpot-Signature-v3", hubspot.Sign(secret, http.MethodPost, signedURL, []byte(body), ts))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

const hubspotDelivery = `[{"eventId":1,"subscriptionId":2,"portalId":3,"appId":4,"occurredAt":1700000000000,
	"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeFlag":"CREATED","changeSource":"CRM"}]`

func TestHubSpotWebhook(t *testing.T) {
	t.Parallel()
	q := &hubspotQueue{}
	b := setupWith(t, func(c *web.Config) {
		c.PublicURL = "https://leads.example.com"
		c.HubSpot = &web.HubSpot{ClientSecret: hubspotSecret, Queue: q}
	})
	signed := "https://leads.example.com/hubspot/webhook"

	if got := postHubSpot(t, b, signed, hubspotDelivery, time.Now(), hubspotSecret); got != http.StatusNoContent {
		t.Fatalf("signed delivery: %d", got)
	}
	if got := q.take(); len(got) != 1 || got[0].ObjectID != 123 || got[0].PortalID != 3 {
		t.Fatalf("queued %+v", got)
	}
	for _, tt := range []struct {
		name   string
		url    string
		when   time.Time
		secret string
	}{
		{"wrong secret", signed, time.Now(), "other"},
		{"expired", signed, time.Now().Add(-6 * time.Minute), hubspotSecret},
		{"signed for another URL", b.srv.URL + "/hubspot/webhook", time.Now(), hubspotSecret},
	} {
		if got := postHubSpot(t, b, tt.url, hubspotDelivery, tt.when, tt.secret); got != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", tt.name, got)
		}
	}
	resp, err := http.Post(b.srv.URL+"/hubspot/webhook", "application/json", strings.NewReader(hubspotDelivery))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned: %d, want 401", resp.StatusCode)
	}
	if got := q.take(); len(got) != 0 {
		t.Errorf("refused deliveries queued %+v", got)
	}
	if got := postHubSpot(t, b, signed, `{"not":"an array"}`, time.Now(), hubspotSecret); got != http.StatusBadRequest {
		t.Errorf("signed garbage: %d, want 400", got)
	}
}

func TestHubSpotWebhookOff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if got := postHubSpot(t, b, b.srv.URL+"/hubspot/webhook", hubspotDelivery, time.Now(), hubspotSecret); got != http.StatusNotFound {
		t.Errorf("without HubSpot: %d, want 404", got)
	}
}

func TestContactPageShowsHubSpotSync(t *testing.T) {
	t.Parallel()
	b := setupWith(t, func(c *web.Config) { c.HubSpot = &web.HubSpot{PortalID: "4432"} })
	v := b.conversation(t, "+19705553102", "hi")
	rep := b.rep(t, "Riley Rep", "+19705550199")
	br := b.login(t, "riley@example.com", auth.RoleRep, rep.ID)
	page := "/console/contacts/" + v.ContactID + "/evidence"

	if p := br.get(t, page); p.status != http.StatusOK || !strings.Contains(p.body, "not in HubSpot yet") {
		t.Fatalf("before a sync: %d\n%s", p.status, p.body)
	}
	if _, err := b.db.Exec(b.ctx, `INSERT INTO hubspot_contacts (contact_id, hubspot_id, last_synced_at, last_error, last_error_at)
		VALUES ($1, '901', now(), 'hubspot POST /crm/v3/objects/calls: 400 VALIDATION_ERROR: bad', now())`, v.ContactID); err != nil {
		t.Fatal(err)
	}
	p := br.get(t, page)
	for _, want := range []string{`href="https://app.hubspot.com/contacts/4432/record/0-1/901"`, "400 VALIDATION_ERROR: bad"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("contact page lacks %q", want)
		}
	}
}
