package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLoadLeadFormsConfig(t *testing.T) {
	t.Parallel()
	fb := map[string]string{"FACEBOOK_VERIFY_TOKEN": "vt", "FACEBOOK_APP_SECRET": "as", "FACEBOOK_PAGE_TOKEN": "pt"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range fb {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(Config) string
	}{
		{"off by default", map[string]string{}, "", func(c Config) string {
			if c.GoogleAdsForms.Configured() || c.facebookOn() || facebookGraph(c) != nil || facebookWebhook(c, nil) != nil {
				return "on"
			}
			return ""
		}},
		{"google forms", map[string]string{"GOOGLE_ADS_LEAD_KEYS": "123=k1:SMS_OK,*=k2"}, "", func(c Config) string {
			if !c.GoogleAdsForms.Configured() {
				return "off"
			}
			return ""
		}},
		{"a malformed google setting", map[string]string{"GOOGLE_ADS_LEAD_KEYS": "123=k1,abc=k-very-secret"}, "GOOGLE_ADS_LEAD_KEYS: entry 2", nil},
		{"facebook with defaults", fb, "", func(c Config) string {
			if !c.facebookOn() || c.FacebookGraphBase != "https://graph.facebook.com" || c.FacebookGraphVersion != "v19.0" ||
				facebookGraph(c) == nil {
				return fmt.Sprintf("%s %s", c.FacebookGraphBase, c.FacebookGraphVersion)
			}
			return ""
		}},
		{"facebook's graph elsewhere", with(map[string]string{"FACEBOOK_GRAPH_BASE": "http://127.0.0.1:9/", "FACEBOOK_GRAPH_VERSION": "v21.0",
			"FACEBOOK_SMS_CONSENT_CHECKBOX": "sms_ok"}), "", func(c Config) string {
			if c.FacebookGraphBase != "http://127.0.0.1:9" || c.FacebookGraphVersion != "v21.0" || c.FacebookSMSConsentCheckbox != "sms_ok" {
				return fmt.Sprintf("%+v", c)
			}
			return ""
		}},
		{"half of facebook", map[string]string{"FACEBOOK_PAGE_TOKEN": "pt"}, "FACEBOOK_PAGE_TOKEN set but FACEBOOK_VERIFY_TOKEN and FACEBOOK_APP_SECRET not", nil},
		{"a graph base that is not a URL", with(map[string]string{"FACEBOOK_GRAPH_BASE": "graph.facebook.com"}), "FACEBOOK_GRAPH_BASE", nil},
		{"a graph version that is not one", with(map[string]string{"FACEBOOK_GRAPH_VERSION": "19"}), "FACEBOOK_GRAPH_VERSION", nil},
	}
	for _, tt := range tests {
		c, err := LoadConfig(envOf(tt.env))
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: err = %v, want one naming %s", tt.name, err, tt.wantErr)
		case err != nil && strings.Contains(err.Error(), "very-secret"):
			t.Errorf("%s: the error shows a key: %v", tt.name, err)
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.check != nil:
			if msg := tt.check(c); msg != "" {
				t.Errorf("%s: %s", tt.name, msg)
			}
		}
	}
}

func TestLeadFormSecretsNeverPrint(t *testing.T) {
	t.Parallel()
	c, err := LoadConfig(envOf(map[string]string{"GOOGLE_ADS_LEAD_KEYS": "123=google-very-secret:SMS,*=any-very-secret",
		"FACEBOOK_VERIFY_TOKEN": "vt-very-secret", "FACEBOOK_APP_SECRET": "app-very-secret", "FACEBOOK_PAGE_TOKEN": "page-very-secret"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(format, c); strings.Contains(s, "very-secret") {
			t.Errorf("%s prints a secret: %s", format, s)
		}
	}
}

// TestServeTakesAdPlatformLeads runs the product with both platforms set
// up: a Google Ads lead with a yes in its consent column, and a Facebook
// lead fetched from a fake Graph API by the worker with its consent
// checkbox checked, are each texted by the agent.
func TestServeTakesAdPlatformLeads(t *testing.T) {
	graph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v19.0/444444444" || r.URL.Query().Get("access_token") != "page-token" {
			t.Errorf("graph request %s", r.URL.Path)
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"created_time":"2024-01-01T00:00:00+0000","id":"444444444","field_data":[
			{"name":"full_name","values":["Jane Doe"]},{"name":"phone_number","values":["+19705556002"]},
			{"name":"email","values":["jane@example.com"]}],"custom_disclaimer_responses":[{"checkbox_key":"sms_ok","is_checked":"1"}]}`))
	}))
	t.Cleanup(graph.Close)
	for k, v := range map[string]string{"GOOGLE_ADS_LEAD_KEYS": "*=google-key:SMS_OK", "FACEBOOK_VERIFY_TOKEN": "verify-me",
		"FACEBOOK_APP_SECRET": "app-secret", "FACEBOOK_PAGE_TOKEN": "page-token", "FACEBOOK_GRAPH_BASE": graph.URL,
		"FACEBOOK_GRAPH_VERSION": "", "FACEBOOK_SMS_CONSENT_CHECKBOX": "sms_ok"} {
		t.Setenv(k, v)
	}
	base := startProduct(t, nil)

	google := `{"lead_id":"lead-1","form_id":1,"google_key":"google-key","user_column_data":[
		{"column_id":"FULL_NAME","column_name":"Full Name","string_value":"Dana Reyes"},
		{"column_id":"PHONE_NUMBER","column_name":"User Phone","string_value":"+19705556001"},
		{"column_id":"SMS_OK","column_name":"May we text you?","string_value":"Yes"}]}`
	resp, err := http.Post(base+"/leads/google-ads", "application/json", strings.NewReader(google))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("google ads lead: %d", resp.StatusCode)
	}
	if reply := waitReply(t, base, "+19705556001"); !strings.Contains(reply, "Dana") {
		t.Errorf("google ads lead's first text %q", reply)
	}

	fb := `{"object":"page","entry":[{"id":"P1","time":1700000000,"changes":[{"field":"leadgen","value":{"leadgen_id":"444444444","form_id":"F1","page_id":"P1"}}]}]}`
	mac := hmac.New(sha256.New, []byte("app-secret"))
	mac.Write([]byte(fb))
	req, _ := http.NewRequest(http.MethodPost, base+"/leads/facebook", strings.NewReader(fb))
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("facebook notification: %d", resp.StatusCode)
	}
	if reply := waitReply(t, base, "+19705556002"); !strings.Contains(reply, "Jane") {
		t.Errorf("facebook lead's first text %q", reply)
	}
}
