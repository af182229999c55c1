package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultAPIBase is HubSpot's own API.
const DefaultAPIBase = "https://api.hubapi.com"

// Association type ids (HUBSPOT_DEFINED) from an object to a contact.
const (
	assocCommunicationToContact = 81
	assocCallToContact          = 194
	assocTaskToContact          = 204
	assocDealToContact          = 3
)

// contactProperties are the properties read from a contact.
var contactProperties = []string{"email", "phone", "mobilephone", "firstname", "lastname", "hubspot_owner_id", "lifecyclestage"}

// Client calls HubSpot's CRM API with a private app's token. Its errors
// never carry the token.
type Client struct {
	// Base is the API's base URL (DefaultAPIBase when empty).
	Base  string
	Token string
	HTTP  *http.Client
}

// APIError is an answer of HubSpot's other than 2xx.
type APIError struct {
	Method, Path string
	Status       int
	// Message is HubSpot's message (or the start of its body).
	Message  string
	Category string
	// RetryAfter is how long HubSpot asked us to wait (429), else 0.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("hubspot %s %s: %d", e.Method, e.Path, e.Status)
	if e.Category != "" {
		s += " " + e.Category
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Temporary reports whether trying again later may succeed: rate limits
// and HubSpot's own failures.
func (e *APIError) Temporary() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500 || e.Status == http.StatusRequestTimeout
}

// Contact is a HubSpot contact as the API returns it.
type Contact struct {
	ID         string            `json:"id"`
	Properties map[string]string `json:"properties"`
}

// Owner is a HubSpot user who can own records (a rep).
type Owner struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
}

// association is one "associations" entry of a create.
type association struct {
	To struct {
		ID string `json:"id"`
	} `json:"to"`
	Types []associationType `json:"types"`
}

type associationType struct {
	Category string `json:"associationCategory"`
	TypeID   int    `json:"associationTypeId"`
}

func toContact(contactID string, typeID int) []association {
	a := association{Types: []associationType{{Category: "HUBSPOT_DEFINED", TypeID: typeID}}}
	a.To.ID = contactID
	return []association{a}
}

// SearchContact finds the contact with this email or phone (either
// matches; email first as HubSpot keeps it unique). found is false when
// none does.
func (c *Client) SearchContact(ctx context.Context, email, phone string) (ct Contact, found bool, err error) {
	type filter struct {
		PropertyName string `json:"propertyName"`
		Operator     string `json:"operator"`
		Value        string `json:"value"`
	}
	type group struct {
		Filters []filter `json:"filters"`
	}
	var groups []group
	if email != "" {
		groups = append(groups, group{Filters: []filter{{"email", "EQ", email}}})
	}
	if phone != "" {
		groups = append(groups, group{Filters: []filter{{"phone", "EQ", phone}}})
	}
	if len(groups) == 0 {
		return Contact{}, false, nil
	}
	body := map[string]any{"filterGroups": groups, "properties": contactProperties, "limit": 1}
	var out struct {
		Total   int       `json:"total"`
		Results []Contact `json:"results"`
	}
	if err := c.do(ctx, http.MethodPost, "/crm/v3/objects/contacts/search", body, &out); err != nil {
		return Contact{}, false, err
	}
	if len(out.Results) == 0 {
		return Contact{}, false, nil
	}
	return out.Results[0], true, nil
}

// reExistingID is the id in a 409's message: "Contact already exists.
// Existing ID: 123".
var reExistingID = regexp.MustCompile(`Existing ID: ?([0-9]+)`)

// CreateContact creates a contact and returns its id. A contact HubSpot
// already has (409, same email) returns the existing id and existed.
func (c *Client) CreateContact(ctx context.Context, props map[string]string) (id string, existed bool, err error) {
	var out Contact
	err = c.do(ctx, http.MethodPost, "/crm/v3/objects/contacts", map[string]any{"properties": props}, &out)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusConflict {
		if m := reExistingID.FindStringSubmatch(apiErr.Message); m != nil {
			return m[1], true, nil
		}
	}
	if err != nil {
		return "", false, err
	}
	if out.ID == "" {
		return "", false, fmt.Errorf("hubspot create contact: the answer has no id")
	}
	return out.ID, false, nil
}

// UpdateContact writes properties of a contact.
func (c *Client) UpdateContact(ctx context.Context, id string, props map[string]string) error {
	return c.do(ctx, http.MethodPatch, "/crm/v3/objects/contacts/"+url.PathEscape(id), map[string]any{"properties": props}, nil)
}

// GetContact reads a contact with these properties; one HubSpot does not
// have is an *APIError of status 404.
func (c *Client) GetContact(ctx context.Context, id string, props []string) (Contact, error) {
	var out Contact
	path := "/crm/v3/objects/contacts/" + url.PathEscape(id) + "?properties=" + url.QueryEscape(strings.Join(props, ","))
	err := c.do(ctx, http.MethodGet, path, nil, &out)
	return out, err
}

// CreateObject creates a CRM object (communications, calls, tasks,
// deals) associated with a contact by the association type typeID, and
// returns its id.
func (c *Client) CreateObject(ctx context.Context, objectType string, props map[string]string, contactID string, typeID int) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	body := map[string]any{"properties": props, "associations": toContact(contactID, typeID)}
	if err := c.do(ctx, http.MethodPost, "/crm/v3/objects/"+objectType, body, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("hubspot create %s: the answer has no id", objectType)
	}
	return out.ID, nil
}

// OwnersByEmail lists the owners with this email.
func (c *Client) OwnersByEmail(ctx context.Context, email string) ([]Owner, error) {
	var out struct {
		Results []Owner `json:"results"`
	}
	err := c.do(ctx, http.MethodGet, "/crm/v3/owners?email="+url.QueryEscape(email), nil, &out)
	return out.Results, err
}

// Owners lists every owner, page by page.
func (c *Client) Owners(ctx context.Context) ([]Owner, error) {
	var all []Owner
	after := ""
	for range 50 { // 5,000 owners is more than a small business has
		path := "/crm/v3/owners?limit=100"
		if after != "" {
			path += "&after=" + url.QueryEscape(after)
		}
		var out struct {
			Results []Owner `json:"results"`
			Paging  *struct {
				Next *struct {
					After string `json:"after"`
				} `json:"next"`
			} `json:"paging"`
		}
		if err := c.do(ctx, http.MethodGet, path, nil, &out); err != nil {
			return nil, err
		}
		all = append(all, out.Results...)
		if out.Paging == nil || out.Paging.Next == nil || out.Paging.Next.After == "" {
			break
		}
		after = out.Paging.Next.After
	}
	return all, nil
}

// maxErrorBody bounds what of an error's body is read.
const maxErrorBody = 4 << 10

// do sends one request and decodes a 2xx answer's JSON into out (when
// not nil). Anything else is an *APIError.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	base := strings.TrimRight(c.Base, "/")
	if base == "" {
		base = DefaultAPIBase
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("hubspot %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return fmt.Errorf("hubspot %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		// *url.Error names the URL, which carries no secret: the token is
		// in a header.
		return fmt.Errorf("hubspot %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return apiError(method, path, resp, raw)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(out); err != nil {
		return fmt.Errorf("hubspot %s %s: read answer: %w", method, path, err)
	}
	return nil
}

// apiError reads HubSpot's error answer: its JSON message and category,
// and, for 429, how long to wait.
func apiError(method, path string, resp *http.Response, raw []byte) *APIError {
	e := &APIError{Method: method, Path: pathOnly(path), Status: resp.StatusCode}
	var body struct {
		Message  string `json:"message"`
		Category string `json:"category"`
	}
	if json.Unmarshal(raw, &body) == nil && body.Message != "" {
		e.Message, e.Category = body.Message, body.Category
	} else {
		e.Message = strings.TrimSpace(string(raw))
		if len(e.Message) > 200 {
			e.Message = e.Message[:200]
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter = retryAfter(resp.Header)
	}
	return e
}

// pathOnly drops a path's query (an owner's email) from errors.
func pathOnly(path string) string {
	p, _, _ := strings.Cut(path, "?")
	return p
}

// DefaultRetryAfter is the wait after a 429 that says nothing of when to
// come back.
const DefaultRetryAfter = 10 * time.Second

// retryAfter is the wait a 429 asks for: Retry-After in seconds, else
// what is left of the rate limit's interval, else DefaultRetryAfter.
func retryAfter(h http.Header) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && s >= 0 {
		return max(time.Duration(s)*time.Second, time.Second)
	}
	if ms, err := strconv.Atoi(strings.TrimSpace(h.Get("X-HubSpot-RateLimit-Interval-Milliseconds"))); err == nil && ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	if d, err := strconv.Atoi(strings.TrimSpace(h.Get("X-HubSpot-RateLimit-Daily-Remaining"))); err == nil && d == 0 {
		// The day's calls are spent: HubSpot's day ends at midnight in the
		// portal's zone, which we do not know; an hour is a fair wait.
		return time.Hour
	}
	return DefaultRetryAfter
}
