package hubspot

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/leadagent/leadagent/crm"
)

func TestContactProps(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   eventContact
		want map[string]string
	}{
		{eventContact{Phone: "+19705550142"}, map[string]string{"phone": "+19705550142"}},
		{eventContact{Phone: "+19705550142", Name: "Dana", Email: "d@example.com"},
			map[string]string{"phone": "+19705550142", "firstname": "Dana", "email": "d@example.com"}},
		{eventContact{Phone: "+19705550142", Name: "Mary  Ann van Dyke"},
			map[string]string{"phone": "+19705550142", "firstname": "Mary Ann van", "lastname": "Dyke"}},
	} {
		got := contactProps(tt.in)
		wantProps(t, tt.in.Name, got, tt.want)
	}
	a := propsHash(map[string]string{"a": "1", "b": "2"})
	if a != propsHash(map[string]string{"b": "2", "a": "1"}) || a == propsHash(map[string]string{"a": "1", "b": "3"}) {
		t.Error("propsHash is not a hash of the properties alone")
	}
}

func TestCloseOf(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		outcome string
		want    closeResult
	}{
		{"booked", closeResult{won: true, stage: "customer"}},
		{"quoted", closeResult{stage: "opportunity"}},
		{"not_interested", closeResult{lost: true}},
		{"no_response", closeResult{lost: true}},
		{"wrong_number", closeResult{}},
		{"spam", closeResult{}},
		{"other", closeResult{}},
	} {
		if got := closeOf(tt.outcome); got != tt.want {
			t.Errorf("closeOf(%q) = %+v, want %+v", tt.outcome, got, tt.want)
		}
	}
}

func TestCommunicationBody(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 4, 22, 4, 5, 123e6, time.FixedZone("MST", -7*3600))
	for _, tt := range []struct {
		author string
		rep    *eventRep
		want   string
	}{
		{crm.AuthorLead, nil, "Lead: hi"},
		{crm.AuthorAI, nil, "Agent: hi"},
		{crm.AuthorRep, &eventRep{Name: "Alex Rivera"}, "Rep (Alex Rivera): hi"},
		{crm.AuthorRep, nil, "Rep: hi"},
		{"system", nil, "System: hi"},
	} {
		p := communicationProps(eventMessage{Author: tt.author, Body: "hi", CreatedAt: at}, tt.rep)
		if p["hs_communication_body"] != tt.want || p["hs_timestamp"] != "2026-12-05T05:04:05.123Z" {
			t.Errorf("%s: %v", tt.author, p)
		}
	}
}

func TestCallStatusAndDirection(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ twilio, want string }{
		{"completed", "COMPLETED"}, {"busy", "BUSY"}, {"no-answer", "NO_ANSWER"}, {"failed", "FAILED"},
		{"canceled", "CANCELED"}, {"in-progress", "IN_PROGRESS"}, {"", "COMPLETED"},
	} {
		if got := callStatus(tt.twilio); got != tt.want {
			t.Errorf("callStatus(%q) = %q, want %q", tt.twilio, got, tt.want)
		}
	}
	for _, tt := range []struct{ dir, want string }{{"inbound", "INBOUND"}, {"outbound-api", "OUTBOUND"}, {"", "INBOUND"}} {
		if got := callProps(eventCall{}, crm.Call{Direction: tt.dir}, time.Now(), "")["hs_call_direction"]; got != tt.want {
			t.Errorf("direction %q: %q, want %q", tt.dir, got, tt.want)
		}
	}
}

func TestMatchOwner(t *testing.T) {
	t.Parallel()
	owners := []Owner{{ID: "1", Email: "alex@example.com", FirstName: "Alex", LastName: "Rivera"},
		{ID: "2", Email: "sam@example.com", FirstName: "Sam", LastName: "Ode"}}
	for _, tt := range []struct {
		rep  crm.Rep
		want string
	}{
		{crm.Rep{Name: "Someone", Email: "SAM@example.com"}, "2"},
		{crm.Rep{Name: "alex rivera"}, "1"},
		{crm.Rep{Name: "Alex Rivera", Email: "other@example.com"}, "1"},
		{crm.Rep{Name: "Pat"}, ""},
		{crm.Rep{}, ""},
	} {
		if got := matchOwner(owners, tt.rep); got != tt.want {
			t.Errorf("matchOwner(%+v) = %q, want %q", tt.rep, got, tt.want)
		}
	}
}

func TestLeadOf(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name     string
		props    map[string]string
		property string
		phone    string
		consent  bool
	}{
		{"phone only", map[string]string{"phone": "970-555-0150"}, "", "970-555-0150", false},
		{"mobile first", map[string]string{"phone": "1", "mobilephone": "2"}, "", "2", false},
		{"consent without a property set", map[string]string{"phone": "1", "sms_ok": "true"}, "", "1", false},
		{"consent true", map[string]string{"phone": "1", "sms_ok": "true"}, "sms_ok", "1", true},
		{"consent checkbox", map[string]string{"phone": "1", "sms_ok": "Yes"}, "sms_ok", "1", true},
		{"consent false", map[string]string{"phone": "1", "sms_ok": "false"}, "sms_ok", "1", false},
		{"consent empty", map[string]string{"phone": "1"}, "sms_ok", "1", false},
	} {
		in := leadOf(Contact{ID: "77", Properties: tt.props}, tt.property, at)
		if in.Phone != tt.phone || (in.Consent != nil) != tt.consent || in.Source != "hubspot" || in.ExternalID != "hubspot:77" {
			t.Errorf("%s: %+v", tt.name, in)
		}
		if tt.consent && (!in.Consent.SMS || !in.Consent.CapturedAt.Equal(at) || in.Consent.Text == "") {
			t.Errorf("%s: consent %+v", tt.name, in.Consent)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		header map[string]string
		want   time.Duration
	}{
		{map[string]string{"Retry-After": "7"}, 7 * time.Second},
		{map[string]string{"Retry-After": "0"}, time.Second},
		{map[string]string{"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}, 10 * time.Second},
		{map[string]string{"X-HubSpot-RateLimit-Daily-Remaining": "0"}, time.Hour},
		{map[string]string{}, DefaultRetryAfter},
	} {
		h := http.Header{}
		for k, v := range tt.header {
			h.Set(k, v)
		}
		if got := retryAfter(h); got != tt.want {
			t.Errorf("retryAfter(%v) = %s, want %s", tt.header, got, tt.want)
		}
	}
}

func TestCheckSignature(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC)
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	body := []byte(`[{"objectId":123,"subscriptionType":"contact.creation"}]`)
	uri := "https://leads.example.com/hubspot/webhook"
	sig := Sign("secret", "POST", uri, body, ts)
	for _, tt := range []struct {
		name                string
		secret, method, uri string
		body                []byte
		sig, ts             string
		now                 time.Time
		want                error
	}{
		{"valid", "secret", "POST", uri, body, sig, ts, now, nil},
		{"four minutes old", "secret", "POST", uri, body, sig, ts, now.Add(4 * time.Minute), nil},
		{"expired", "secret", "POST", uri, body, sig, ts, now.Add(6 * time.Minute), ErrStaleSignature},
		{"from the future", "secret", "POST", uri, body, sig, ts, now.Add(-6 * time.Minute), ErrStaleSignature},
		{"other secret", "other", "POST", uri, body, sig, ts, now, ErrBadSignature},
		{"other body", "secret", "POST", uri, []byte(`[]`), sig, ts, now, ErrBadSignature},
		{"other uri", "secret", "POST", "http://leads.example.com/hubspot/webhook", body, sig, ts, now, ErrBadSignature},
		{"no signature", "secret", "POST", uri, body, "", ts, now, ErrNoSignature},
		{"no timestamp", "secret", "POST", uri, body, sig, "", now, ErrNoSignature},
		{"bad timestamp", "secret", "POST", uri, body, sig, "yesterday", now, ErrNoSignature},
	} {
		if got := CheckSignature(tt.secret, tt.method, tt.uri, tt.body, tt.sig, tt.ts, tt.now); !errors.Is(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	// HubSpot signs its reserved characters decoded, others as sent.
	enc := Sign("s", "POST", "https://x.example/hubspot/webhook?to=a%40b.example%3fc%2Fd&n=%20", nil, "1")
	if enc != Sign("s", "POST", "https://x.example/hubspot/webhook?to=a@b.example?c/d&n=%20", nil, "1") {
		t.Error("reserved characters are not decoded before signing")
	}
}

func TestParseWebhook(t *testing.T) {
	t.Parallel()
	body := []byte(`[
		{"eventId":1,"subscriptionId":2,"portalId":3,"appId":4,"occurredAt":1700000000000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeFlag":"CREATED","changeSource":"CRM"},
		{"eventId":2,"subscriptionId":2,"portalId":3,"appId":4,"occurredAt":1700000000001,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeFlag":"CREATED","changeSource":"CRM"},
		{"eventId":3,"subscriptionId":5,"portalId":3,"appId":4,"occurredAt":1700000000002,"subscriptionType":"contact.propertyChange","objectId":124,"propertyName":"email"},
		{"eventId":4,"subscriptionId":2,"portalId":3,"appId":4,"occurredAt":1700000000003,"subscriptionType":"contact.creation","objectId":125}]`)
	got, err := ParseWebhook(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ObjectID != 123 || got[0].PortalID != 3 || got[0].OccurredAt != 1700000000000 || got[1].ObjectID != 125 {
		t.Errorf("ParseWebhook = %+v", got)
	}
	for _, bad := range []string{``, `{}`, `[{"objectId":"x"}]`, `nope`} {
		if _, err := ParseWebhook([]byte(bad)); !errors.Is(err, ErrWebhookMalformed) {
			t.Errorf("ParseWebhook(%q) = %v, want ErrWebhookMalformed", bad, err)
		}
	}
}

func FuzzParseWebhook(f *testing.F) {
	f.Add([]byte(`[{"eventId":1,"portalId":3,"occurredAt":1700000000000,"subscriptionType":"contact.creation","objectId":123}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{"objectId":-1,"subscriptionType":"contact.creation"}]`))
	f.Add([]byte(`{"objectId":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := ParseWebhook(body)
		if err != nil {
			if !errors.Is(err, ErrWebhookMalformed) || events != nil {
				t.Fatalf("ParseWebhook: %v, %v", events, err)
			}
			return
		}
		seen := map[int64]bool{}
		for _, e := range events {
			if e.SubscriptionType != "contact.creation" || e.ObjectID <= 0 || seen[e.ObjectID] {
				t.Fatalf("ParseWebhook returned %+v", e)
			}
			seen[e.ObjectID] = true
		}
	})
}
