package hubspot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Errors of CheckSignature: what is wrong with a webhook's signature.
var (
	ErrNoSignature      = errors.New("no X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp")
	ErrStaleSignature   = errors.New("the request timestamp is more than 5 minutes off")
	ErrBadSignature     = errors.New("the signature does not match")
	ErrWebhookMalformed = errors.New("the body is not HubSpot's array of events")
)

// MaxSignatureAge is how old a signed request may be.
const MaxSignatureAge = 5 * time.Minute

// CheckSignature checks a webhook's v3 signature: base64 of the HMAC-SHA256,
// keyed by the app's client secret, of the method, the URI as HubSpot
// called it, the body and the timestamp header (milliseconds since the
// epoch, at most MaxSignatureAge from now).
func CheckSignature(clientSecret, method, uri string, body []byte, signature, timestamp string, now time.Time) error {
	if signature == "" || timestamp == "" || clientSecret == "" {
		return ErrNoSignature
	}
	ms, err := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
	if err != nil {
		return ErrNoSignature
	}
	if d := now.Sub(time.UnixMilli(ms)); d > MaxSignatureAge || d < -MaxSignatureAge {
		return ErrStaleSignature
	}
	want := Sign(clientSecret, method, uri, body, timestamp)
	if !hmac.Equal([]byte(want), []byte(strings.TrimSpace(signature))) {
		return ErrBadSignature
	}
	return nil
}

// Sign is the v3 signature of a request, as HubSpot computes it (and the
// tests sign with).
func Sign(clientSecret, method, uri string, body []byte, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(clientSecret))
	mac.Write([]byte(method + signedURI(uri)))
	mac.Write(body)
	mac.Write([]byte(timestamp))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// uriDecoder decodes what HubSpot decodes in the URI it signs: the
// reserved characters of its request validation guide's table, nothing
// else (a %20 stays as sent).
var uriDecoder = func() *strings.Replacer {
	var pairs []string
	for _, c := range ":/?@!$'()*,;" {
		enc := fmt.Sprintf("%%%02X", c)
		pairs = append(pairs, enc, string(c), strings.ToLower(enc), string(c))
	}
	return strings.NewReplacer(pairs...)
}()

// signedURI is the URI as HubSpot signs it.
func signedURI(uri string) string { return uriDecoder.Replace(uri) }

// WebhookEvent is one event of a HubSpot webhook delivery.
type WebhookEvent struct {
	EventID          int64  `json:"eventId"`
	SubscriptionID   int64  `json:"subscriptionId"`
	PortalID         int64  `json:"portalId"`
	AppID            int64  `json:"appId"`
	OccurredAt       int64  `json:"occurredAt"`
	SubscriptionType string `json:"subscriptionType"`
	AttemptNumber    int    `json:"attemptNumber"`
	ObjectID         int64  `json:"objectId"`
	ChangeFlag       string `json:"changeFlag"`
	ChangeSource     string `json:"changeSource"`
}

// maxWebhookEvents bounds one delivery: HubSpot sends at most 100.
const maxWebhookEvents = 1000

// ParseWebhook reads a delivery (a JSON array of events) and returns the
// contacts it says were created, each once. Other subscriptions' events
// are left out; a body that is not such an array is ErrWebhookMalformed.
func ParseWebhook(body []byte) ([]WebhookEvent, error) {
	var all []WebhookEvent
	if err := json.Unmarshal(body, &all); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrWebhookMalformed, err)
	}
	if len(all) > maxWebhookEvents {
		return nil, fmt.Errorf("%w: %d events; at most %d", ErrWebhookMalformed, len(all), maxWebhookEvents)
	}
	seen := map[int64]bool{}
	var out []WebhookEvent
	for _, e := range all {
		if e.SubscriptionType != "contact.creation" || e.ObjectID <= 0 || seen[e.ObjectID] {
			continue
		}
		seen[e.ObjectID] = true
		out = append(out, e)
	}
	return out, nil
}
