package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadagent/leadagent/hubspot"
)

// TestServeBringsHubSpotContactsIn runs the product with HubSpot set up:
// a signed contact.creation webhook is answered at once, and the worker
// fetches the contact from (a fake of) HubSpot's API and records it as a
// lead without SMS consent.
func TestServeBringsHubSpotContactsIn(t *testing.T) {
	var fetched atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer pat-serve-test" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodGet || r.URL.Path != "/crm/v3/objects/contacts/777" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"status":"error","message":"resource not found","category":"OBJECT_NOT_FOUND"}`))
			return
		}
		fetched.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"id": "777", "properties": map[string]string{
			"phone": "+19705553050", "firstname": "Kim", "lastname": "Lee", "email": "kim@example.com"}})
	}))
	defer api.Close()
	t.Setenv("HUBSPOT_TOKEN", "pat-serve-test")
	t.Setenv("HUBSPOT_API_BASE", api.URL)
	t.Setenv("HUBSPOT_CLIENT_SECRET", "hs-serve-secret")
	base := startProduct(t, map[string]string{})

	body := `[{"eventId":1,"subscriptionId":2,"portalId":3,"appId":4,"occurredAt":` + strconv.FormatInt(time.Now().UnixMilli(), 10) +
		`,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":777,"changeFlag":"CREATED","changeSource":"CRM"}]`
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	req, _ := http.NewRequest(http.MethodPost, base+"/hubspot/webhook", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-HubSpot-Request-Timestamp", ts)
	req.Header.Set("X-HubSpot-Signature-v3", hubspot.Sign("hs-serve-secret", http.MethodPost, base+"/hubspot/webhook", []byte(body), ts))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("webhook: %d", resp.StatusCode)
	}

	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/conversations?phone=%2B19705553050", nil)
		req.Header.Set("Authorization", "Bearer k1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var list struct {
			Conversations []struct {
				Contact struct{ Name, Source string } `json:"contact"`
			} `json:"conversations"`
		}
		err = json.NewDecoder(resp.Body).Decode(&list)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Conversations) == 1 {
			if c := list.Conversations[0].Contact; c.Name != "Kim Lee" || c.Source != "hubspot" {
				t.Errorf("contact %+v", c)
			}
			if fetched.Load() != 1 {
				t.Errorf("fetched %d times", fetched.Load())
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the HubSpot contact never became a lead")
}

// TestServeLogsTextsToHubSpot runs the product with HubSpot set up and no
// webhook endpoint: a lead's text and the agent's reply reach (a fake of)
// HubSpot's API through the outbox, the dispatcher and the sync job, each
// as an SMS communication on the contact created for the lead.
func TestServeLogsTextsToHubSpot(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer pat-serve-test" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/crm/v3/objects/contacts/search":
			_, _ = w.Write([]byte(`{"total":0,"results":[]}`))
		case r.Method == http.MethodPost && r.URL.Path == "/crm/v3/objects/contacts":
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"id":"901","properties":{}}`))
		case r.Method == http.MethodPatch && r.URL.Path == "/crm/v3/objects/contacts/901":
			_, _ = w.Write([]byte(`{"id":"901","properties":{}}`))
		case r.Method == http.MethodPost && r.URL.Path == "/crm/v3/objects/communications":
			var in struct {
				Properties   map[string]string `json:"properties"`
				Associations []struct {
					To struct{ ID string } `json:"to"`
				} `json:"associations"`
			}
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Associations) != 1 || in.Associations[0].To.ID != "901" ||
				in.Properties["hs_communication_channel_type"] != "SMS" {
				t.Errorf("communication %+v (%v)", in, err)
			}
			mu.Lock()
			bodies = append(bodies, in.Properties["hs_communication_body"])
			n := len(bodies)
			mu.Unlock()
			w.WriteHeader(http.StatusCreated)
			_, _ = fmt.Fprintf(w, `{"id":"c%d","properties":{}}`, n)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"status":"error","message":"resource not found","category":"OBJECT_NOT_FOUND"}`))
		}
	}))
	defer api.Close()
	t.Setenv("HUBSPOT_TOKEN", "pat-serve-test")
	t.Setenv("HUBSPOT_API_BASE", api.URL)
	serveAndText(t, map[string]string{"REPLY_DEBOUNCE": "0s"}) // asks the office hours, and waits for the reply

	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		got := append([]string(nil), bodies...)
		mu.Unlock()
		var lead, agent bool
		for _, b := range got {
			lead = lead || strings.Contains(b, "what are your office hours?")
			agent = agent || strings.Contains(b, "7:00")
		}
		if lead && agent {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	t.Fatalf("HubSpot got the communications %q; want the lead's text and the agent's reply", bodies)
}
