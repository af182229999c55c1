package leadforms

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/leadagent/leadagent/crm"
)

// Graph fetches Facebook Lead Ads leads from the Graph API.
type Graph struct {
	// Base is the Graph API's base URL (https://graph.facebook.com; a
	// test's fake).
	Base string
	// Version is the Graph API version, like v19.0.
	Version string
	// PageToken is a page access token with leads_retrieval.
	PageToken string
	// AppSecret signs each request (appsecret_proof), which apps that
	// require it ask for and the others ignore.
	AppSecret string
	// ConsentCheckbox is the key of the lead forms' custom disclaimer
	// checkbox that asks for consent to texts; "" for none.
	ConsentCheckbox string
	// Client makes the requests; nil for one with a 15-second timeout.
	Client *http.Client
	// Now is the clock; nil for time.Now.
	Now func() time.Time
}

// maxGraphBody bounds what is read of a Graph API answer.
const maxGraphBody = 1 << 20

// Lead fetches one lead by its leadgen id and maps it to ours. A lead the
// Graph API says does not exist is crm.ErrNotFound (retrying will not
// help); any other failure is worth retrying. No error carries the token.
func (g *Graph) Lead(ctx context.Context, leadgenID string) (crm.NewLead, error) {
	if !reID.MatchString(leadgenID) {
		return crm.NewLead{}, fmt.Errorf("facebook lead %q: not a leadgen id: %w", leadgenID, crm.ErrNotFound)
	}
	q := url.Values{"access_token": {g.PageToken}, "fields": {"id,created_time,field_data,custom_disclaimer_responses"}}
	if g.AppSecret != "" {
		mac := hmac.New(sha256.New, []byte(g.AppSecret))
		mac.Write([]byte(g.PageToken))
		q.Set("appsecret_proof", hex.EncodeToString(mac.Sum(nil)))
	}
	u := strings.TrimRight(g.Base, "/") + "/" + url.PathEscape(g.Version) + "/" + url.PathEscape(leadgenID) + "?" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return crm.NewLead{}, fmt.Errorf("facebook lead %s: request: %w", leadgenID, scrub(err))
	}
	client := g.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return crm.NewLead{}, fmt.Errorf("facebook lead %s: %w", leadgenID, scrub(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxGraphBody))
	if err != nil {
		return crm.NewLead{}, fmt.Errorf("facebook lead %s: read: %w", leadgenID, scrub(err))
	}
	if resp.StatusCode != http.StatusOK {
		return crm.NewLead{}, graphError(leadgenID, resp.StatusCode, body)
	}
	l, err := ParseFacebookLead(body)
	if err != nil {
		return crm.NewLead{}, fmt.Errorf("facebook lead %s: %w", leadgenID, err)
	}
	if l.ID == "" {
		l.ID = leadgenID
	}
	now := time.Now
	if g.Now != nil {
		now = g.Now
	}
	return l.NewLead(g.ConsentCheckbox, now()), nil
}

// graphError says what the Graph API refused, in its own words: an
// object that does not exist (404, or error code 100) is crm.ErrNotFound.
func graphError(leadgenID string, status int, body []byte) error {
	var e struct {
		Error struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    int    `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &e) // a body that is not Graph's error shape still has its status
	msg := fmt.Sprintf("facebook lead %s: graph api answered %d", leadgenID, status)
	if e.Error.Message != "" {
		msg += fmt.Sprintf(" (%s %d: %s)", e.Error.Type, e.Error.Code, e.Error.Message)
	}
	if status == http.StatusNotFound || (status == http.StatusBadRequest && e.Error.Code == 100) {
		return fmt.Errorf("%s: %w", msg, crm.ErrNotFound)
	}
	return errors.New(msg)
}

// scrub drops the URL (and with it the access token) from an HTTP
// client's error.
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s graph api: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}
