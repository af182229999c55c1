package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestLeadsAPI is POST /api/v1/leads as ad platforms call it: 201 for a
// new lead, 200 for one that matches a contact or repeats an external_id,
// 422 naming the field, 401 without a key.
func TestLeadsAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	consent := `"consent": {"sms": true, "text": "I agree to texts from Summit. Reply STOP to opt out.", "captured_at": "2026-11-30T22:04:05Z", "ip": "203.0.113.7"}`
	tests := []struct {
		name, body string
		status     int
		want       string // in the body
	}{
		{"new lead", `{"phone": "(970) 555-3001", "name": "Dana Reyes", "email": "dana@example.com", "source": "facebook_ad",
			"message": "how much is a tune-up?", "external_id": "fb-1", ` + consent + `}`, 201, `"first_touch":"queued"`},
		{"the platform retries", `{"phone": "(970) 555-3001", "external_id": "fb-1", ` + consent + `}`, 200, `"repeat":true`},
		{"the same person again, by email", `{"phone": "+19705553002", "email": "DANA@example.com", "source": "google"}`, 200, `"merged":true`},
		{"no consent: a rep calls", `{"phone": "+19705553003", "name": "Sam"}`, 201, `"first_touch":"no_consent"`},
		{"a bad phone", `{"phone": "555", ` + consent + `}`, 422, `"error":"phone: \"555\" is not a phone number"`},
		{"no phone", `{"name": "Dana"}`, 422, `phone: is required`},
		{"consent without its words", `{"phone": "+19705553004", "consent": {"sms": true, "captured_at": "2026-11-30T22:04:05Z"}}`, 422, `consent.text`},
		{"consent without its time", `{"phone": "+19705553004", "consent": {"sms": true, "text": "ok"}}`, 422, `consent.captured_at: is required`},
		{"a time that is not one", `{"phone": "+19705553004", "consent": {"sms": true, "text": "ok", "captured_at": "yesterday"}}`, 422, `consent.captured_at`},
		{"an email that is not one", `{"phone": "+19705553004", "email": "dana@"}`, 422, `email:`},
		{"consent to email without an email", `{"phone": "+19705553004", "consent": {"email": true, "text": "ok", "captured_at": "2026-11-30T22:04:05Z"}}`,
			422, `"error":"email: is required with consent.email`},
		{"consent to email without its words", `{"email": "lee@example.com", "consent": {"email": true, "captured_at": "2026-11-30T22:04:05Z"}}`,
			422, `consent.text: is required with consent.email`},
		{"consent to email without its time", `{"email": "lee@example.com", "consent": {"email": true, "text": "ok"}}`,
			422, `consent.captured_at: is required with consent.email`},
		{"consent to texts without a phone", `{"email": "lee@example.com", "consent": {"sms": true, "email": true, "text": "ok", "captured_at": "2026-11-30T22:04:05Z"}}`,
			422, `"error":"phone: is required with consent.sms`},
		{"an email without consent to it, and no phone", `{"email": "lee@example.com"}`, 422, `phone: is required`},
		{"consent to email that is not a yes", `{"email": "lee@example.com", "consent": {"email": "yes", "text": "ok"}}`, 400, `"error"`},
		{"not JSON", `{"phone": `, 400, `not the JSON`},
		{"a field we do not take", `{"phone": "+19705553004", "fax": "1"}`, 400, `unknown field`},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/api/v1/leads", strings.NewReader(tt.body))
		req.Header.Set("Authorization", "Bearer "+apiKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %s; want %d with %s", tt.name, resp.StatusCode, body, tt.status, tt.want)
		}
	}
	var contacts, leads, touches int
	if err := b.db.QueryRow(b.ctx, `SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM leads),
		(SELECT count(*) FROM river_job WHERE kind = 'first_touch')`).Scan(&contacts, &leads, &touches); err != nil {
		t.Fatal(err)
	}
	if contacts != 2 || leads != 3 || touches != 1 {
		t.Fatalf("contacts %d, leads %d, first touches queued %d; want 2, 3, 1", contacts, leads, touches)
	}
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/api/v1/leads", strings.NewReader(`{"phone": "+19705553009"}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("without a key: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without a key: %d, want 401", resp.StatusCode)
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
