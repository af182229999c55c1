package hubspot

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeHubSpot is a HubSpot-shaped CRM API written from HubSpot's public
// reference (CRM v3 objects, search, owners): it keeps contacts and
// created objects, answers in HubSpot's shapes, and records every request
// so a test can assert them field by field. fail queues answers that
// replace the next requests' (a 429, a 500).
type fakeHubSpot struct {
	t     testing.TB
	srv   *httptest.Server
	token string

	mu       sync.Mutex
	requests []fakeRequest
	contacts map[string]map[string]string // id → properties
	nextID   int
	owners   []Owner
	fails    []fakeAnswer
}

type fakeRequest struct {
	Method, Path, Query, Auth string
	Body                      map[string]any
}

type fakeAnswer struct {
	status int
	header map[string]string
	body   string
}

func newFakeHubSpot(t testing.TB) *fakeHubSpot {
	f := &fakeHubSpot{t: t, token: "pat-na1-test-token", contacts: map[string]map[string]string{}, nextID: 1000}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeHubSpot) client() *Client { return &Client{Base: f.srv.URL, Token: f.token} }

// fail makes the next request answer with status, headers and body.
func (f *fakeHubSpot) fail(status int, header map[string]string, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails = append(f.fails, fakeAnswer{status, header, body})
}

// addContact puts a contact in the CRM as if typed in HubSpot.
func (f *fakeHubSpot) addContact(props map[string]string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.newIDLocked(props)
}

func (f *fakeHubSpot) newIDLocked(props map[string]string) string {
	f.nextID++
	id := strconv.Itoa(f.nextID)
	f.contacts[id] = props
	return id
}

func (f *fakeHubSpot) contact(id string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.contacts[id]
}

// take returns the requests so far and forgets them.
func (f *fakeHubSpot) take() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.requests
	f.requests = nil
	return r
}

// of returns the recorded requests of method to a path with this prefix.
func of(reqs []fakeRequest, method, path string) []fakeRequest {
	var out []fakeRequest
	for _, r := range reqs {
		if r.Method == method && strings.HasPrefix(r.Path, path) {
			out = append(out, r)
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func hsError(w http.ResponseWriter, status int, category, msg string) {
	writeJSON(w, status, map[string]any{"status": "error", "message": msg, "category": category,
		"correlationId": "0f1e2d3c-aaaa-bbbb-cccc-000000000000"})
}

func (f *fakeHubSpot) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	req := fakeRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization")}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &req.Body); err != nil {
			hsError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid input JSON: "+err.Error())
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, req)
	if req.Auth != "Bearer "+f.token {
		hsError(w, http.StatusUnauthorized, "INVALID_AUTHENTICATION", "Authentication credentials not found.")
		return
	}
	if len(f.fails) > 0 {
		a := f.fails[0]
		f.fails = f.fails[1:]
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(a.status)
		_, _ = io.WriteString(w, a.body)
		return
	}
	if len(raw) > 0 && r.Header.Get("Content-Type") != "application/json" {
		hsError(w, http.StatusUnsupportedMediaType, "VALIDATION_ERROR", "Content-Type must be application/json")
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/crm/v3/")
	switch {
	case r.Method == http.MethodPost && path == "objects/contacts/search":
		f.search(w, req.Body)
	case r.Method == http.MethodPost && path == "objects/contacts":
		props := stringProps(req.Body["properties"])
		for id, c := range f.contacts {
			if props["email"] != "" && strings.EqualFold(c["email"], props["email"]) {
				hsError(w, http.StatusConflict, "CONFLICT", "Contact already exists. Existing ID: "+id)
				return
			}
		}
		id := f.newIDLocked(props)
		writeJSON(w, http.StatusCreated, map[string]any{"id": id, "properties": props, "archived": false})
	case strings.HasPrefix(path, "objects/contacts/"):
		id := strings.TrimPrefix(path, "objects/contacts/")
		c, ok := f.contacts[id]
		if !ok {
			hsError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "resource not found")
			return
		}
		switch r.Method {
		case http.MethodPatch:
			for k, v := range stringProps(req.Body["properties"]) {
				c[k] = v
			}
			writeJSON(w, http.StatusOK, map[string]any{"id": id, "properties": c})
		case http.MethodGet:
			out := map[string]string{"hs_object_id": id}
			for _, p := range strings.Split(r.URL.Query().Get("properties"), ",") {
				if v, ok := c[p]; ok {
					out[p] = v
				}
			}
			writeJSON(w, http.StatusOK, map[string]any{"id": id, "properties": out, "archived": false})
		default:
			hsError(w, http.StatusMethodNotAllowed, "VALIDATION_ERROR", "method not allowed")
		}
	case r.Method == http.MethodPost && strings.HasPrefix(path, "objects/"):
		f.nextID++
		writeJSON(w, http.StatusCreated, map[string]any{"id": fmt.Sprint(f.nextID * 10), "properties": req.Body["properties"]})
	case r.Method == http.MethodGet && path == "owners":
		var out []Owner
		email := r.URL.Query().Get("email")
		for _, o := range f.owners {
			if email == "" || strings.EqualFold(o.Email, email) {
				out = append(out, o)
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"results": out})
	default:
		hsError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "no such endpoint: "+r.Method+" "+r.URL.Path)
	}
}

// search answers the contacts search: filter groups are ORed, the
// filters in a group ANDed; EQ only.
func (f *fakeHubSpot) search(w http.ResponseWriter, body map[string]any) {
	groups, _ := body["filterGroups"].([]any)
	var results []map[string]any
	for id, c := range f.contacts {
		match := false
		for _, g := range groups {
			all := true
			filters, _ := g.(map[string]any)["filters"].([]any)
			for _, fl := range filters {
				m := fl.(map[string]any)
				if m["operator"] != "EQ" || !strings.EqualFold(c[fmt.Sprint(m["propertyName"])], fmt.Sprint(m["value"])) {
					all = false
				}
			}
			match = match || (all && len(filters) > 0)
		}
		if match {
			results = append(results, map[string]any{"id": id, "properties": c})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(results), "results": results})
}

func stringProps(v any) map[string]string {
	out := map[string]string{}
	m, _ := v.(map[string]any)
	for k, x := range m {
		out[k] = fmt.Sprint(x)
	}
	return out
}
