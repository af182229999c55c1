package leadforms_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/leadforms"
)

const facebookSample = `{"object":"page","entry":[{"id":"PAGE1","time":1700000000,"changes":[
 {"field":"leadgen","value":{"ad_id":"AD1","form_id":"FORM1","leadgen_id":"444444444","created_time":1700000000,"page_id":"PAGE1","adgroup_id":"AG1"}},
 {"field":"feed","value":{"item":"status"}},
 {"field":"leadgen","value":{"form_id":22,"leadgen_id":555555555,"created_time":1700000001}}]}]}`

func sign(body []byte, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func TestParseFacebookNotification(t *testing.T) {
	t.Parallel()
	got, err := leadforms.ParseFacebookNotification([]byte(facebookSample))
	if err != nil {
		t.Fatal(err)
	}
	want := []leadforms.Leadgen{{LeadgenID: "444444444", FormID: "FORM1", PageID: "PAGE1", AdID: "AD1", CreatedTime: 1700000000},
		{LeadgenID: "555555555", FormID: "22", PageID: "PAGE1", CreatedTime: 1700000001}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] || got[0].ExternalID() != "facebook:444444444" {
		t.Fatalf("got %+v", got)
	}
	tests := []struct {
		name, body string
		leads      int
		malformed  bool
		invalid    bool
	}{
		{"another object", `{"object":"user","entry":[{"changes":[{"field":"leadgen","value":{"leadgen_id":"1"}}]}]}`, 0, false, false},
		{"no entries", `{"object":"page"}`, 0, false, false},
		{"not JSON", `{"object":`, 0, true, false},
		{"a leadgen value that is not one", `{"object":"page","entry":[{"changes":[{"field":"leadgen","value":[]}]}]}`, 0, true, false},
		{"no leadgen id", `{"object":"page","entry":[{"changes":[{"field":"leadgen","value":{"form_id":"1"}}]}]}`, 0, false, true},
		{"a leadgen id with a path in it", `{"object":"page","entry":[{"changes":[{"field":"leadgen","value":{"leadgen_id":"../me"}}]}]}`, 0, false, true},
	}
	for _, tt := range tests {
		got, err := leadforms.ParseFacebookNotification([]byte(tt.body))
		var invalid *crm.InvalidError
		switch {
		case tt.malformed && !errors.Is(err, leadforms.ErrMalformed):
			t.Errorf("%s: err = %v, want malformed", tt.name, err)
		case tt.invalid && !errors.As(err, &invalid):
			t.Errorf("%s: err = %v, want invalid", tt.name, err)
		case !tt.malformed && !tt.invalid && (err != nil || len(got) != tt.leads):
			t.Errorf("%s: %d leads, %v", tt.name, len(got), err)
		}
	}
}

func TestCheckSignature(t *testing.T) {
	t.Parallel()
	body := []byte(facebookSample)
	good := sign(body, "app-secret")
	tests := []struct {
		name, header, secret string
		body                 []byte
		ok                   bool
	}{
		{"signed with the app secret", good, "app-secret", body, true},
		{"another secret", sign(body, "other"), "app-secret", body, false},
		{"the body changed", good, "app-secret", append([]byte(" "), body...), false},
		{"no header", "", "app-secret", body, false},
		{"sha1", "sha1=" + strings.TrimPrefix(good, "sha256="), "app-secret", body, false},
		{"not hex", "sha256=zz", "app-secret", body, false},
		{"no secret set", sign(body, ""), "", body, false},
	}
	for _, tt := range tests {
		err := leadforms.CheckSignature(tt.body, tt.header, tt.secret)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, leadforms.ErrUnauthorized)) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestVerifySubscription(t *testing.T) {
	t.Parallel()
	if c, err := leadforms.VerifySubscription("subscribe", "vt", "1158201444", "vt"); err != nil || c != "1158201444" {
		t.Errorf("our token: %q, %v", c, err)
	}
	for _, tt := range [][3]string{{"subscribe", "wrong", "vt"}, {"unsubscribe", "vt", "vt"}, {"subscribe", "", ""}} {
		if _, err := leadforms.VerifySubscription(tt[0], tt[1], "c", tt[2]); !errors.Is(err, leadforms.ErrUnauthorized) {
			t.Errorf("%v: %v", tt, err)
		}
	}
}

// graphLead is the Graph API's answer for a lead, as documented.
const graphLead = `{"created_time":"2024-01-01T00:00:00+0000","id":"444444444","field_data":[
 {"name":"full_name","values":["Jane Doe"]},{"name":"phone_number","values":["+15555550123"]},
 {"name":"email","values":["jane@example.com"]},{"name":"zip_code","values":["80202"]},
 {"name":"what_service_do_you_need?","values":["AC repair"]}],
 "custom_disclaimer_responses":[{"checkbox_key":"sms_ok","is_checked":"1"},{"checkbox_key":"terms","is_checked":"1"}]}`

// fakeGraph is the Graph API's lead endpoint: it asserts each request and
// answers what the test sets.
type fakeGraph struct {
	t        *testing.T
	mu       sync.Mutex
	status   int
	body     string
	requests int
}

func (g *fakeGraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.requests++
	q := r.URL.Query()
	mac := hmac.New(sha256.New, []byte("app-secret"))
	mac.Write([]byte("page-token"))
	if r.Method != http.MethodGet || r.URL.Path != "/v19.0/444444444" || q.Get("access_token") != "page-token" ||
		q.Get("appsecret_proof") != hex.EncodeToString(mac.Sum(nil)) || !strings.Contains(q.Get("fields"), "custom_disclaimer_responses") {
		g.t.Errorf("graph request %s %s", r.Method, r.URL)
		http.Error(w, `{"error":{"message":"bad request","type":"OAuthException","code":100}}`, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(g.status)
	_, _ = w.Write([]byte(g.body))
}

func TestGraphLead(t *testing.T) {
	t.Parallel()
	fake := &fakeGraph{t: t, status: http.StatusOK, body: graphLead}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	now := time.Date(2026, 12, 1, 22, 4, 5, 0, time.UTC)
	g := &leadforms.Graph{Base: srv.URL + "/", Version: "v19.0", PageToken: "page-token", AppSecret: "app-secret",
		ConsentCheckbox: "sms_ok", Now: func() time.Time { return now }}
	ctx := context.Background()
	in, err := g.Lead(ctx, "444444444")
	if err != nil {
		t.Fatal(err)
	}
	if in.Name != "Jane Doe" || in.Phone != "+15555550123" || in.Email != "jane@example.com" || in.Source != "facebook_lead_ads" ||
		in.ExternalID != "facebook:444444444" || in.Message != "Zip code: 80202\nWhat service do you need?: AC repair" {
		t.Fatalf("lead %+v", in)
	}
	if c := in.Consent; c == nil || !c.SMS || !c.CapturedAt.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) || !strings.Contains(c.Text, "sms_ok") {
		t.Fatalf("consent %+v", c)
	}
	g.ConsentCheckbox = ""
	if in, _ := g.Lead(ctx, "444444444"); in.Consent != nil {
		t.Errorf("consent without a checkbox set up: %+v", in.Consent)
	}
	g.ConsentCheckbox = "marketing"
	if in, _ := g.Lead(ctx, "444444444"); in.Consent != nil {
		t.Errorf("consent from another checkbox: %+v", in.Consent)
	}

	fake.status, fake.body = http.StatusInternalServerError, `{"error":{"message":"Please retry your request later.","type":"OAuthException","code":2}}`
	_, err = g.Lead(ctx, "444444444")
	if err == nil || errors.Is(err, crm.ErrNotFound) || !strings.Contains(err.Error(), "retry your request later") {
		t.Errorf("graph down: %v", err)
	}
	fake.status, fake.body = http.StatusBadRequest, `{"error":{"message":"Unsupported get request.","type":"GraphMethodException","code":100}}`
	if _, err = g.Lead(ctx, "444444444"); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("a lead that is gone: %v", err)
	}
	if _, err = g.Lead(ctx, "../me"); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("not a leadgen id: %v", err)
	}
	srv.Close()
	_, err = g.Lead(ctx, "444444444")
	if err == nil || strings.Contains(err.Error(), "page-token") || strings.Contains(err.Error(), "appsecret_proof") {
		t.Errorf("unreachable: %v", err)
	}
}

func TestFacebookLeadMapping(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 22, 4, 5, 0, time.UTC)
	l, err := leadforms.ParseFacebookLead([]byte(`{"id":"9","created_time":"2099-01-01T00:00:00+0000","field_data":[
		{"name":"first_name","values":["Sam"]},{"name":"last_name","values":["Lee"]},{"name":"work_phone_number","values":["(970) 555-0109"]},
		{"name":"work_email","values":["sam@work.example"]},{"name":"city","values":["Denver"]},{"name":"empty","values":[]}],
		"custom_disclaimer_responses":[{"checkbox_key":"sms_ok","is_checked":false}]}`))
	if err != nil {
		t.Fatal(err)
	}
	in := l.NewLead("sms_ok", now)
	if in.Name != "Sam Lee" || in.Phone != "(970) 555-0109" || in.Email != "sam@work.example" || in.Message != "City: Denver" {
		t.Errorf("lead %+v", in)
	}
	// Unchecked is a no; a created_time ahead of ours is not believed.
	if c := in.Consent; c == nil || c.SMS || !c.CapturedAt.Equal(now) {
		t.Errorf("consent %+v", c)
	}
}

// FuzzParseFacebookNotification: whatever is posted, parsing does not
// panic, and every lead it returns has an id safe to put in a URL.
func FuzzParseFacebookNotification(f *testing.F) {
	f.Add([]byte(facebookSample))
	f.Add([]byte(`{"object":"page","entry":[{"changes":[{"field":"leadgen","value":{"leadgen_id":1e400}}]}]}`))
	f.Add([]byte(`{"object":"page","entry":[{"changes":[{"field":"leadgen","value":null}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		leads, err := leadforms.ParseFacebookNotification(body)
		if err != nil {
			return
		}
		for _, l := range leads {
			if l.LeadgenID == "" || strings.ContainsAny(l.LeadgenID, "/?#% ") || len(l.ExternalID()) > 200 {
				t.Fatalf("leadgen id %q", l.LeadgenID)
			}
		}
	})
}

// FuzzParseFacebookLead: whatever the Graph API answers, mapping it does
// not panic and makes a lead crm can judge.
func FuzzParseFacebookLead(f *testing.F) {
	f.Add([]byte(graphLead))
	f.Add([]byte(`{"field_data":[{"name":"full_name","values":null}],"custom_disclaimer_responses":[{"checkbox_key":"sms_ok","is_checked":1}]}`))
	f.Add([]byte(`{"field_data":{}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		l, err := leadforms.ParseFacebookLead(body)
		if err != nil {
			return
		}
		in := l.NewLead("sms_ok", time.Now())
		if len([]rune(in.Message)) > 2000 || (in.Consent != nil && in.Consent.CapturedAt.IsZero()) {
			t.Fatalf("mapped %+v", in)
		}
		_ = in.Normalize("US")
	})
}
