package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"

	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/channels/twilio"
)

// webhookReceiver plays the leadagent server's /twilio/sms: it checks the
// signature with the Validator our webhooks use and keeps the forms.
func webhookReceiver(t *testing.T, publicURL string) (*httptest.Server, <-chan url.Values) {
	t.Helper()
	forms := make(chan url.Values, 10)
	v := twilio.NewValidator(authToken, publicURL)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/twilio/sms" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if !v.Valid(r, r.PostForm) {
			http.Error(w, `{"error":"invalid X-Twilio-Signature"}`, http.StatusForbidden)
			return
		}
		forms <- r.PostForm
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Response></Response>`))
	}))
	t.Cleanup(srv.Close)
	return srv, forms
}

var inboundSID = regexp.MustCompile(`^(SM|MM)[0-9a-f]{32}$`)

func TestLeadTextsASignedCompleteWebhook(t *testing.T) {
	t.Parallel()
	srv, forms := webhookReceiver(t, "")
	l := sandbox.Lead{ServerURL: srv.URL, AuthToken: authToken, AccountSID: accountSID, From: lead, To: business}

	sid, err := l.Text(context.Background(), "How much is a furnace tune-up? 🔥")
	if err != nil {
		t.Fatal(err)
	}
	f := <-forms
	if !inboundSID.MatchString(sid) || sid[:2] != "SM" {
		t.Errorf("MessageSid %q", sid)
	}
	want := map[string]string{
		"MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid, "AccountSid": accountSID,
		"From": lead, "To": business, "Body": "How much is a furnace tune-up? 🔥",
		"NumMedia": "0", "NumSegments": "1", "SmsStatus": "received", "ApiVersion": "2010-04-01",
		"FromCity": "FORT COLLINS", "FromState": "CO", "FromZip": "80521", "FromCountry": "US",
		"ToCountry": "US", "ReferralNumMedia": "0",
	}
	for k, v := range want {
		if got := f.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	for _, k := range []string{"ToCity", "ToState", "ToZip"} {
		if !f.Has(k) {
			t.Errorf("no %s: Twilio sends it, empty when unknown", k)
		}
	}
	if f.Has("MessagingServiceSid") {
		t.Error("MessagingServiceSid sent without a service")
	}

	// Every message is a new one.
	sid2, err := l.Text(context.Background(), "and a new thermostat?")
	if err != nil {
		t.Fatal(err)
	}
	<-forms
	if sid2 == sid {
		t.Error("two texts with one MessageSid")
	}
}

func TestLeadTextsMedia(t *testing.T) {
	t.Parallel()
	srv, forms := webhookReceiver(t, "")
	l := sandbox.Lead{ServerURL: srv.URL, AuthToken: authToken, AccountSID: accountSID, From: lead, To: business,
		MessagingServiceSID: "MG0123456789abcdef0123456789abcdef"}
	sid, err := l.TextMedia(context.Background(), "", channels.Media{URL: "https://example.com/leak.jpg", ContentType: "image/jpeg"},
		channels.Media{URL: "https://example.com/unit.png", ContentType: "image/png"})
	if err != nil {
		t.Fatal(err)
	}
	f := <-forms
	if sid[:2] != "MM" || f.Get("MessageSid") != sid {
		t.Errorf("MessageSid %q (form %q), want an MM SID", sid, f.Get("MessageSid"))
	}
	want := map[string]string{
		"NumMedia": "2", "Body": "", "MessagingServiceSid": "MG0123456789abcdef0123456789abcdef",
		"MediaUrl0": "https://example.com/leak.jpg", "MediaContentType0": "image/jpeg",
		"MediaUrl1": "https://example.com/unit.png", "MediaContentType1": "image/png",
	}
	for k, v := range want {
		if got := f.Get(k); got != v || !f.Has(k) {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// Behind a tunnel the server checks against PUBLIC_URL; the lead signs
// for that URL while posting to the local one.
func TestLeadSignsForThePublicURL(t *testing.T) {
	t.Parallel()
	const public = "https://leads.example.com"
	srv, forms := webhookReceiver(t, public)

	l := sandbox.Lead{ServerURL: srv.URL, PublicURL: public + "/", AuthToken: authToken, AccountSID: accountSID, From: lead, To: business}
	if _, err := l.Text(context.Background(), "hi"); err != nil {
		t.Fatal(err)
	}
	<-forms

	l.PublicURL = ""
	_, err := l.Text(context.Background(), "hi")
	var we *sandbox.WebhookError
	if !errors.As(err, &we) || we.StatusCode != http.StatusForbidden {
		t.Fatalf("signed for the wrong URL: err = %v, want a 403 WebhookError", err)
	}
}

func TestLeadWithTheWrongTokenIsRefused(t *testing.T) {
	t.Parallel()
	srv, _ := webhookReceiver(t, "")
	l := sandbox.Lead{ServerURL: srv.URL, AuthToken: "0000feedf00dfeedf00dfeedf00d0000", AccountSID: accountSID, From: lead, To: business}
	_, err := l.Text(context.Background(), "hi")
	var we *sandbox.WebhookError
	if !errors.As(err, &we) || we.StatusCode != http.StatusForbidden || we.Body == "" {
		t.Fatalf("err = %v, want a 403 WebhookError with the answer", err)
	}
}

// Tests of the webhooks change a form before posting it; Post signs what
// it is given.
func TestLeadPostsAnEditedForm(t *testing.T) {
	t.Parallel()
	srv, forms := webhookReceiver(t, "")
	l := sandbox.Lead{ServerURL: srv.URL, AuthToken: authToken, AccountSID: accountSID, From: lead, To: business}
	form := l.Message("STOP")
	form.Del("From")
	if err := l.Post(context.Background(), form); err != nil {
		t.Fatal(err)
	}
	if f := <-forms; f.Has("From") || f.Get("Body") != "STOP" {
		t.Errorf("posted %v", f)
	}
}
