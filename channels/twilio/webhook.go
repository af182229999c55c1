package twilio

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/twilio/twilio-go/twiml"

	"github.com/leadagent/leadagent/channels"
)

// maxWebhookBody bounds a webhook body. Twilio's SMS webhooks are a few KB
// even with ten media URLs.
const maxWebhookBody = 1 << 20

// Webhooks serves Twilio's Messaging webhooks: inbound SMS/MMS and delivery
// status callbacks. It checks signatures, parses, and hands over to the
// Receiver; it never waits for the agent.
type Webhooks struct {
	Receiver  channels.Receiver
	Validator Validator
	Logger    *slog.Logger
	Now       func() time.Time
}

// emptyTwiML is the answer to an inbound message: the reply goes out later
// through the REST API, so Twilio is told to send nothing now.
var emptyTwiML = mustTwiML()

func mustTwiML() string {
	s, err := twiml.Messages(nil)
	if err != nil {
		panic(fmt.Sprintf("twiml: %v", err)) // no input: cannot fail
	}
	return s
}

// SMS handles POST /twilio/sms.
func (h *Webhooks) SMS(w http.ResponseWriter, r *http.Request) {
	form, ok := h.verified(w, r)
	if !ok {
		return
	}
	in, err := ParseInbound(form)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if h.Now != nil {
		in.ReceivedAt = h.Now()
	}
	if err := h.Receiver.Receive(r.Context(), in); err != nil {
		h.fail(w, "inbound sms", in.ProviderSID, err)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write([]byte(emptyTwiML))
}

// SMSStatus handles POST /twilio/sms/status.
func (h *Webhooks) SMSStatus(w http.ResponseWriter, r *http.Request) {
	form, ok := h.verified(w, r)
	if !ok {
		return
	}
	report, err := ParseStatus(form)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := h.Receiver.DeliveryStatus(r.Context(), report); err != nil {
		h.fail(w, "status callback", report.ProviderSID, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// verified reads the form and checks X-Twilio-Signature. A request that
// fails gets 403 and is not looked at further.
func (h *Webhooks) verified(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxWebhookBody)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "unreadable form body: "+err.Error())
		return nil, false
	}
	if !h.Validator.Valid(r, r.PostForm) {
		h.logger().Warn("twilio webhook with a bad signature", "path", r.URL.Path, "remote", r.RemoteAddr)
		writeError(w, http.StatusForbidden, "invalid X-Twilio-Signature")
		return nil, false
	}
	return cleanForm(r.PostForm), true
}

// cleanForm makes a signed form's values text that can be stored: bytes
// that are not UTF-8 become U+FFFD and NULs go. Twilio does not retry an
// SMS webhook, so a message refused for one odd byte would be lost; kept,
// it loses a character. The signature was checked on the bytes as sent.
func cleanForm(form url.Values) url.Values {
	for _, values := range form {
		for i, v := range values {
			if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
				values[i] = strings.ReplaceAll(strings.ToValidUTF8(v, "\uFFFD"), "\x00", "")
			}
		}
	}
	return form
}

func (h *Webhooks) fail(w http.ResponseWriter, what, sid string, err error) {
	if errors.Is(err, channels.ErrUnavailable) {
		h.logger().Error(what+": unavailable, Twilio will retry", "sid", sid, "err", err)
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "temporarily unavailable, retry")
		return
	}
	h.logger().Error(what+" failed", "sid", sid, "err", err)
	writeError(w, http.StatusInternalServerError, "internal error")
}

func (h *Webhooks) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}

// ParseInbound reads an inbound message webhook. MessageSid and From are
// required; everything Twilio sent is kept in Fields.
func ParseInbound(form url.Values) (channels.Inbound, error) {
	in := channels.Inbound{
		Channel:     channels.SMS,
		ProviderSID: form.Get("MessageSid"),
		From:        form.Get("From"),
		To:          form.Get("To"),
		Body:        form.Get("Body"),
		Fields:      make(map[string]string, len(form)),
	}
	if in.ProviderSID == "" {
		in.ProviderSID = form.Get("SmsMessageSid")
	}
	switch {
	case in.ProviderSID == "":
		return in, errors.New("missing MessageSid")
	case in.From == "":
		return in, errors.New("missing From")
	}
	for k, v := range form {
		if len(v) > 0 {
			in.Fields[k] = v[0]
		}
	}
	n, _ := strconv.Atoi(form.Get("NumMedia"))
	n = min(max(n, 0), 10) // Twilio allows at most 10 media per message
	for i := 0; i < n; i++ {
		u := form.Get(fmt.Sprintf("MediaUrl%d", i))
		if u == "" {
			continue
		}
		in.Media = append(in.Media, channels.Media{URL: u, ContentType: form.Get(fmt.Sprintf("MediaContentType%d", i))})
	}
	return in, nil
}

// ParseStatus reads a message status callback.
func ParseStatus(form url.Values) (channels.DeliveryReport, error) {
	r := channels.DeliveryReport{
		ProviderSID:  form.Get("MessageSid"),
		Status:       form.Get("MessageStatus"),
		ErrorMessage: form.Get("ErrorMessage"),
		To:           form.Get("To"),
	}
	if r.ProviderSID == "" {
		r.ProviderSID = form.Get("SmsSid")
	}
	if r.Status == "" {
		r.Status = form.Get("SmsStatus")
	}
	switch {
	case r.ProviderSID == "":
		return r, errors.New("missing MessageSid")
	case r.Status == "":
		return r, errors.New("missing MessageStatus")
	}
	if code := form.Get("ErrorCode"); code != "" {
		n, err := strconv.Atoi(code)
		if err != nil {
			return r, fmt.Errorf("ErrorCode %q is not a number", code)
		}
		r.ErrorCode = n
	}
	return r, nil
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
