package twilio_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/twilio"
)

const token = "0123456789abcdef0123456789abcdef"

// recorder is a Receiver that keeps what the webhooks hand over.
type recorder struct {
	mu       sync.Mutex
	inbound  []channels.Inbound
	reports  []channels.DeliveryReport
	failWith error
}

func (r *recorder) Receive(_ context.Context, in channels.Inbound) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failWith != nil {
		return r.failWith
	}
	r.inbound = append(r.inbound, in)
	return nil
}

func (r *recorder) DeliveryStatus(_ context.Context, rep channels.DeliveryReport) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failWith != nil {
		return r.failWith
	}
	r.reports = append(r.reports, rep)
	return nil
}

func setupWebhooks(t *testing.T) (*recorder, *httptest.Server) {
	t.Helper()
	rec := &recorder{}
	h := &twilio.Webhooks{Receiver: rec, Validator: twilio.NewValidator(token, "")}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /twilio/sms", h.SMS)
	mux.HandleFunc("POST /twilio/sms/status", h.SMSStatus)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return rec, srv
}

func inboundForm(body string) url.Values {
	return url.Values{
		"MessageSid": {"SM0123456789abcdef0123456789abcdef"}, "SmsSid": {"SM0123456789abcdef0123456789abcdef"},
		"AccountSid": {"AC0123456789abcdef0123456789abcdef"}, "From": {"+19705551100"}, "To": {"+19705550100"},
		"Body": {body}, "NumMedia": {"0"}, "NumSegments": {"1"}, "FromCity": {"FORT COLLINS"}, "ApiVersion": {"2010-04-01"},
	}
}

func post(t *testing.T, srv *httptest.Server, path string, form url.Values, sign func(u string, f url.Values) string) *http.Response {
	t.Helper()
	u := srv.URL + path
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sign != nil {
		req.Header.Set("X-Twilio-Signature", sign(u, form))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func signed(u string, f url.Values) string { return twilio.Sign(token, u, f) }

func TestSMSWebhook(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("How much for a new furnace? ", 58)[:1600]
	mms := inboundForm("")
	mms.Set("NumMedia", "2")
	mms.Set("MediaUrl0", "https://api.twilio.com/media/ME1")
	mms.Set("MediaContentType0", "image/jpeg")
	mms.Set("MediaUrl1", "https://api.twilio.com/media/ME2")
	mms.Set("MediaContentType1", "video/mp4")
	noSid := inboundForm("hi")
	noSid.Del("MessageSid")
	noSid.Del("SmsSid")
	noFrom := inboundForm("hi")
	noFrom.Del("From")

	tests := []struct {
		name      string
		form      url.Values
		sign      func(string, url.Values) string
		status    int
		delivered int
		media     int
	}{
		{"signed", inboundForm("how much is a tune-up?"), signed, 200, 1, 0},
		{"unsigned", inboundForm("hi"), nil, 403, 0, 0},
		{"wrong token", inboundForm("hi"), func(u string, f url.Values) string { return twilio.Sign("other", u, f) }, 403, 0, 0},
		{"tampered body", inboundForm("hi"), func(u string, f url.Values) string { return twilio.Sign(token, u, inboundForm("hello")) }, 403, 0, 0},
		{"missing MessageSid", noSid, signed, 400, 0, 0},
		{"missing From", noFrom, signed, 400, 0, 0},
		{"1600 characters", inboundForm(long), signed, 200, 1, 0},
		{"emoji only", inboundForm("👍🙂🔥"), signed, 200, 1, 0},
		{"mms", mms, signed, 200, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec, srv := setupWebhooks(t)
			resp := post(t, srv, "/twilio/sms", tt.form, tt.sign)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if len(rec.inbound) != tt.delivered {
				t.Fatalf("receiver got %d messages, want %d", len(rec.inbound), tt.delivered)
			}
			if tt.status == 200 {
				var doc struct {
					XMLName xml.Name
					Inner   string `xml:",innerxml"`
				}
				if err := xml.NewDecoder(resp.Body).Decode(&doc); err != nil || doc.XMLName.Local != "Response" || strings.TrimSpace(doc.Inner) != "" {
					t.Fatalf("want an empty <Response/>, got %+v (%v)", doc, err)
				}
				in := rec.inbound[0]
				if in.Body != tt.form.Get("Body") || in.From != "+19705551100" || len(in.Media) != tt.media || in.Fields["FromCity"] != "FORT COLLINS" {
					t.Fatalf("parsed %+v", in)
				}
			}
		})
	}
}

func TestSMSWebhookUnavailable(t *testing.T) {
	t.Parallel()
	rec, srv := setupWebhooks(t)
	rec.failWith = fmt.Errorf("record: %w", channels.ErrUnavailable)
	if resp := post(t, srv, "/twilio/sms", inboundForm("hi"), signed); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("database down: status %d, want 503 so Twilio retries", resp.StatusCode)
	}
	rec.failWith = errors.New("boom")
	if resp := post(t, srv, "/twilio/sms", inboundForm("hi"), signed); resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("other failure: status %d, want 500", resp.StatusCode)
	}
}

func TestStatusWebhook(t *testing.T) {
	t.Parallel()
	rec, srv := setupWebhooks(t)
	form := url.Values{"MessageSid": {"SMabc"}, "MessageStatus": {"undelivered"}, "ErrorCode": {"21610"}, "To": {"+19705551100"}}
	if resp := post(t, srv, "/twilio/sms/status", form, nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("unsigned status: %d", resp.StatusCode)
	}
	if resp := post(t, srv, "/twilio/sms/status", form, signed); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("signed status: %d", resp.StatusCode)
	}
	if len(rec.reports) != 1 || rec.reports[0].ErrorCode != 21610 || rec.reports[0].Status != "undelivered" {
		t.Fatalf("reports = %+v", rec.reports)
	}
	bad := url.Values{"MessageSid": {"SMabc"}, "MessageStatus": {"failed"}, "ErrorCode": {"x"}}
	if resp := post(t, srv, "/twilio/sms/status", bad, signed); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad ErrorCode: %d", resp.StatusCode)
	}
}

func FuzzParseInbound(f *testing.F) {
	f.Add("SM1", "+19705551100", "hello", "1", "http://x/1")
	f.Add("", "", "", "-5", "")
	f.Add("SM2", "12345", "🙂", "99999999999999999999", "")
	f.Fuzz(func(t *testing.T, sid, from, body, numMedia, mediaURL string) {
		form := url.Values{"MessageSid": {sid}, "From": {from}, "Body": {body}, "NumMedia": {numMedia}, "MediaUrl0": {mediaURL}}
		in, err := twilio.ParseInbound(form)
		if err != nil {
			if sid != "" && from != "" {
				t.Fatalf("rejected a message with sid and sender: %v", err)
			}
			return
		}
		if in.ProviderSID != sid || in.From != from || in.Body != body || len(in.Media) > 10 {
			t.Fatalf("parsed %+v", in)
		}
	})
}

// TestSMSWebhookKeepsBadBytes: Twilio does not retry an SMS webhook, so a
// message with bytes that are not text is kept, signed as sent, with them
// replaced (U+FFFD) or dropped (NUL), never refused.
func TestSMSWebhookKeepsBadBytes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, body, want string
	}{
		{"invalid UTF-8", "price for \xff\xfe a tune-up?", "price for \uFFFD a tune-up?"},
		{"a cut-off emoji", "thanks \xf0\x9f\x91", "thanks \uFFFD"},
		{"a NUL", "hi\x00 there", "hi there"},
		{"both", "\x00\xc3(", "\uFFFD("},
		{"U+FFFD itself", "a \uFFFD b", "a \uFFFD b"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec, srv := setupWebhooks(t)
			form := inboundForm(tt.body)
			form.Set("FromCity", "FORT\x00COLLINS\xff")
			resp := post(t, srv, "/twilio/sms", form, signed)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			if len(rec.inbound) != 1 {
				t.Fatalf("receiver got %d messages", len(rec.inbound))
			}
			in := rec.inbound[0]
			if in.Body != tt.want || in.Fields["FromCity"] != "FORTCOLLINS\uFFFD" || in.ProviderSID != form.Get("MessageSid") {
				t.Fatalf("got body %q, fields %q", in.Body, in.Fields)
			}
		})
	}
	// The bytes are signed as sent: changing them is still a bad signature.
	rec, srv := setupWebhooks(t)
	form := inboundForm("hi\x00")
	if resp := post(t, srv, "/twilio/sms", form, func(u string, _ url.Values) string {
		return twilio.Sign(token, u, inboundForm("hi"))
	}); resp.StatusCode != http.StatusForbidden || len(rec.inbound) != 0 {
		t.Fatalf("a body signed without its NUL: %d, %d delivered", resp.StatusCode, len(rec.inbound))
	}
}
