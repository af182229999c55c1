package web_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/leadforms"
	"github.com/leadagent/leadagent/web"
)

// googleLead is Google's documented test lead for form 123456789, with
// key and extra columns as a test sets them.
func googleLead(leadID, key, phone, extra string) string {
	return `{"lead_id":"` + leadID + `","user_column_data":[{"column_name":"Full Name","string_value":"FirstName LastName","column_id":"FULL_NAME"},
 {"column_name":"User Phone","string_value":"` + phone + `","column_id":"PHONE_NUMBER"},
 {"column_name":"User Email","string_value":"test@example.com","column_id":"EMAIL"},
 {"column_name":"Postal Code","string_value":"94043","column_id":"POSTAL_CODE"}` + extra + `],
 "api_version":"1.0","form_id":123456789,"campaign_id":12345,"google_key":"` + key + `","is_test":true,
 "gcl_id":"gcl-1","adgroup_id":2000,"creative_id":3000}`
}

func (b *testBundle) post(t *testing.T, path, body string, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, readAll(t, resp)
}

func (b *testBundle) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.QueryRow(b.ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestGoogleAdsLeads is POST /leads/google-ads as Google calls it: the
// form's key or 403 with nothing recorded; a test lead recorded and
// marked; no consent column, no text (a rep is told); a yes in the form's
// consent column, a first touch; the same lead twice, one lead.
func TestGoogleAdsLeads(t *testing.T) {
	t.Parallel()
	forms, err := leadforms.ParseGoogleForms("123456789=secret-key, 555=other-key:SMS_OK")
	if err != nil {
		t.Fatal(err)
	}
	b := setupWith(t, func(c *web.Config) { c.GoogleAdsForms = forms })
	const leadID = "TeSter-123-ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijklmnopqrstuvwxyz-0123456789-AaBbCcDdEe"

	status, body := b.post(t, "/leads/google-ads", googleLead(leadID, "wrong-key", "+16505550123", ""), nil)
	if status != http.StatusForbidden || strings.Contains(body, "secret-key") {
		t.Fatalf("wrong key: %d %s", status, body)
	}
	if n := b.count(t, `SELECT (SELECT count(*) FROM leads) + (SELECT count(*) FROM contacts)`); n != 0 {
		t.Fatalf("a refused lead recorded %d rows", n)
	}
	// Form 555's key is not form 123456789's.
	if status, body := b.post(t, "/leads/google-ads", googleLead(leadID, "other-key", "+16505550123", ""), nil); status != http.StatusForbidden {
		t.Fatalf("another form's key: %d %s", status, body)
	}

	for i := range 2 { // Google retries: the second delivery changes nothing
		status, body = b.post(t, "/leads/google-ads", googleLead(leadID, "secret-key", "+16505550123", ""), nil)
		if status != http.StatusOK || strings.TrimSpace(body) != "{}" {
			t.Fatalf("delivery %d: %d %s", i+1, status, body)
		}
	}
	var source, message string
	var consent bool
	if err := b.db.QueryRow(b.ctx, `SELECT source, message, sms_consent FROM leads WHERE external_id = $1`, "google_ads:"+leadID).
		Scan(&source, &message, &consent); err != nil {
		t.Fatal(err)
	}
	if source != "google_ads" || message != "Postal Code: 94043" || consent {
		t.Errorf("lead: %s %q consent %v", source, message, consent)
	}
	if n := b.count(t, `SELECT count(*) FROM leads`); n != 1 {
		t.Errorf("%d leads after a retried delivery, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM timeline_events WHERE kind = 'lead_created' AND (detail->>'test')::boolean`); n != 1 {
		t.Errorf("the test lead is not marked: %d", n)
	}
	// Today's rule without consent: no text; the rep on duty (or nobody
	// on duty) is recorded instead.
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'first_touch'`); n != 0 {
		t.Errorf("%d first touches for a lead without consent", n)
	}
	if n := b.count(t, `SELECT count(*) FROM timeline_events WHERE kind IN ('rep_notified', 'no_rep_on_duty')`); n != 1 {
		t.Errorf("no rep told of the lead without consent: %d", n)
	}

	consentCol := `,{"column_name":"May we text you about your quote?","string_value":"Yes","column_id":"SMS_OK"}`
	body555 := strings.Replace(googleLead("lead-555-1", "other-key", "+19705553101", consentCol), `"form_id":123456789`, `"form_id":555`, 1)
	body555 = strings.Replace(body555, "test@example.com", "dana@example.com", 1) // another person
	if status, body := b.post(t, "/leads/google-ads", body555, nil); status != http.StatusOK {
		t.Fatalf("a lead with consent: %d %s", status, body)
	}
	if n := b.count(t, `SELECT count(*) FROM leads WHERE external_id = 'google_ads:lead-555-1' AND sms_consent`); n != 1 {
		t.Errorf("the consent column's yes is not consent")
	}
	if n := b.count(t, `SELECT count(*) FROM consents WHERE granted AND text = 'May we text you about your quote?' AND source = 'google_ads'`); n != 1 {
		t.Errorf("consent evidence: %d", n)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'first_touch'`); n != 1 {
		t.Errorf("%d first touches for a lead with consent, want 1", n)
	}

	for _, tt := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"not JSON", `{"lead_id":`, 400, "not the JSON"},
		{"no phone", googleLead("lead-no-phone", "secret-key", "", ""), 422, "phone: is required"},
		{"no lead id", `{"form_id":123456789,"google_key":"secret-key"}`, 422, "lead_id"},
	} {
		if status, body := b.post(t, "/leads/google-ads", tt.body, nil); status != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %s", tt.name, status, body)
		}
	}

	off := setup(t)
	if status, body := off.post(t, "/leads/google-ads", googleLead(leadID, "secret-key", "+16505550123", ""), nil); status != http.StatusNotFound ||
		!strings.Contains(body, "GOOGLE_ADS_LEAD_KEYS") {
		t.Errorf("not set up: %d %s", status, body)
	}
}

const fbNotification = `{"object":"page","entry":[{"id":"PAGE1","time":1700000000,"changes":[
 {"field":"leadgen","value":{"ad_id":"AD1","form_id":"FORM1","leadgen_id":"444444444","created_time":1700000000,"page_id":"PAGE1","adgroup_id":"AG1"}}]}]}`

func hubSignature(body, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// TestFacebookLeads is /leads/facebook as Meta calls it: the
// subscription's verification, and signed notifications answered at once
// with one fetch job a lead however often it is announced; a wrong token
// or signature is refused and queues nothing.
func TestFacebookLeads(t *testing.T) {
	t.Parallel()
	b := setupWith(t, func(c *web.Config) {
		c.Facebook = &web.FacebookLeadAds{VerifyToken: "verify-me", AppSecret: "app-secret", Queue: c.Leads.(web.FacebookLeadQueue)}
	})

	get := func(query string) (int, string, string) {
		resp, err := http.Get(b.srv.URL + "/leads/facebook?" + query)
		if err != nil {
			t.Fatal(err)
		}
		ct := resp.Header.Get("Content-Type")
		return resp.StatusCode, readAll(t, resp), ct
	}
	if status, body, ct := get("hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444"); status != 200 ||
		body != "1158201444" || !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("verification: %d %q %s", status, body, ct)
	}
	if status, body, _ := get("hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444"); status != 403 || strings.Contains(body, "1158201444") {
		t.Errorf("a wrong verify token: %d %q", status, body)
	}

	jobs := func() int {
		return b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'facebook_lead' AND args->>'leadgen_id' = '444444444'
			AND args->>'form_id' = 'FORM1' AND args->>'page_id' = 'PAGE1'`)
	}
	for i := range 2 { // Facebook delivers again: still one job
		status, body := b.post(t, "/leads/facebook", fbNotification, map[string]string{"X-Hub-Signature-256": hubSignature(fbNotification, "app-secret")})
		if status != http.StatusOK {
			t.Fatalf("delivery %d: %d %s", i+1, status, body)
		}
	}
	if n := jobs(); n != 1 {
		t.Fatalf("%d fetch jobs, want 1", n)
	}
	other := strings.Replace(fbNotification, "444444444", "777777777", 1)
	for name, sig := range map[string]string{"another secret": hubSignature(other, "guess"), "none": "",
		"another body's": hubSignature(fbNotification, "app-secret")} {
		if status, body := b.post(t, "/leads/facebook", other, map[string]string{"X-Hub-Signature-256": sig}); status != http.StatusForbidden {
			t.Errorf("signature %s: %d %s", name, status, body)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'facebook_lead'`); n != 1 {
		t.Errorf("an unsigned notification queued a job: %d", n)
	}
	bad := `{"object":`
	if status, _ := b.post(t, "/leads/facebook", bad, map[string]string{"X-Hub-Signature-256": hubSignature(bad, "app-secret")}); status != 400 {
		t.Errorf("a signed body that is not JSON: %d", status)
	}

	off := setup(t)
	if status, body := off.post(t, "/leads/facebook", fbNotification, nil); status != http.StatusNotFound || !strings.Contains(body, "FACEBOOK_") {
		t.Errorf("not set up: %d %s", status, body)
	}
	resp, err := http.Get(off.srv.URL + "/leads/facebook?hub.mode=subscribe&hub.verify_token=&hub.challenge=1")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("verification not set up: %d", resp.StatusCode)
	}
	resp.Body.Close()
}
