package sandbox

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/twilio"
)

// DefaultWebhookPath is where a leadagent server takes inbound SMS.
const DefaultWebhookPath = "/twilio/sms"

// Lead is a lead's phone: it texts the business by posting the inbound
// SMS webhook Twilio would post, with every field Twilio sends, signed with
// the account's auth token.
type Lead struct {
	// ServerURL is the leadagent server's base URL, e.g. http://127.0.0.1:8080.
	ServerURL string
	// PublicURL is the base the server checks signatures against
	// (PUBLIC_URL), when it is not ServerURL.
	PublicURL  string
	AuthToken  string
	AccountSID string
	// MessagingServiceSID, when set, is sent as the service the business
	// number belongs to.
	MessagingServiceSID string
	From                string // the lead's phone, E.164
	To                  string // the business number
	// WebhookPath defaults to DefaultWebhookPath.
	WebhookPath string
	// HTTPClient nil means one with a 15 s timeout.
	HTTPClient *http.Client
}

// WebhookError is a webhook answer other than 2xx.
type WebhookError struct {
	StatusCode int
	Body       string
}

func (e *WebhookError) Error() string {
	return fmt.Sprintf("webhook answered %d: %s", e.StatusCode, e.Body)
}

// Text sends body as an SMS from the lead and returns its MessageSid.
func (l Lead) Text(ctx context.Context, body string) (string, error) {
	return l.TextMedia(ctx, body)
}

// TextMedia sends an MMS: body (possibly empty) and media.
func (l Lead) TextMedia(ctx context.Context, body string, media ...channels.Media) (string, error) {
	form := l.Message(body, media...)
	if err := l.Post(ctx, form); err != nil {
		return "", err
	}
	return form.Get("MessageSid"), nil
}

// Message is the inbound webhook form Twilio posts for a message from the
// lead, with a new MessageSid. Tests change it before Post to send what
// Twilio would not.
func (l Lead) Message(body string, media ...channels.Media) url.Values {
	prefix := "SM"
	if len(media) > 0 {
		prefix = "MM"
	}
	sid := newSID(prefix)
	from, to := placeOf(l.From), placeOf(l.To)
	form := url.Values{
		"ToCountry":        {to.country},
		"ToState":          {to.state},
		"SmsMessageSid":    {sid},
		"NumMedia":         {strconv.Itoa(len(media))},
		"ToCity":           {to.city},
		"FromZip":          {from.zip},
		"SmsSid":           {sid},
		"FromState":        {from.state},
		"SmsStatus":        {"received"},
		"FromCity":         {from.city},
		"Body":             {body},
		"FromCountry":      {from.country},
		"To":               {l.To},
		"ToZip":            {to.zip},
		"NumSegments":      {strconv.Itoa(segments(body))},
		"ReferralNumMedia": {"0"},
		"MessageSid":       {sid},
		"AccountSid":       {l.AccountSID},
		"From":             {l.From},
		"ApiVersion":       {apiVersion},
	}
	if l.MessagingServiceSID != "" {
		form.Set("MessagingServiceSid", l.MessagingServiceSID)
	}
	for i, m := range media {
		form.Set("MediaUrl"+strconv.Itoa(i), m.URL)
		form.Set("MediaContentType"+strconv.Itoa(i), m.ContentType)
	}
	return form
}

// Post signs form and posts it to the server's webhook. An answer other
// than 2xx is a *WebhookError.
func (l Lead) Post(ctx context.Context, form url.Values) error {
	path := l.WebhookPath
	if path == "" {
		path = DefaultWebhookPath
	}
	target := strings.TrimRight(l.ServerURL, "/") + path
	signed := target
	if l.PublicURL != "" {
		signed = strings.TrimRight(l.PublicURL, "/") + path
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("lead webhook %s: %w", target, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	req.Header.Set("I-Twilio-Idempotency-Token", newSID(""))
	req.Header.Set(twilio.SignatureHeader, twilio.Sign(l.AuthToken, signed, form))

	hc := l.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("lead webhook: %w", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("lead webhook %s: %w", target, &WebhookError{StatusCode: resp.StatusCode, Body: strings.TrimSpace(string(answer))})
	}
	return nil
}

// place is where Twilio says a number is; empty when it does not know.
type place struct{ city, state, zip, country string }

// placeOf gives a few North American area codes the place Twilio reports
// for them, so the demo's webhooks look like real ones; other +1 numbers
// get only the country, others nothing.
func placeOf(phone string) place {
	if !strings.HasPrefix(phone, "+1") || len(phone) != 12 {
		return place{}
	}
	switch phone[2:5] {
	case "970":
		return place{"FORT COLLINS", "CO", "80521", "US"}
	case "303", "720":
		return place{"DENVER", "CO", "80202", "US"}
	case "719":
		return place{"COLORADO SPRINGS", "CO", "80903", "US"}
	case "415":
		return place{"SAN FRANCISCO", "CA", "94105", "US"}
	case "212":
		return place{"NEW YORK", "NY", "10001", "US"}
	case "312":
		return place{"CHICAGO", "IL", "60601", "US"}
	}
	return place{country: "US"}
}
