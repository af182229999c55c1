package email

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"sort"
	"strings"
)

// maxWebhookBytes bounds an inbound-parse post, attachments included.
const maxWebhookBytes = 32 << 20

// WebhookAuthorized checks an inbound-parse request's secret, given as the
// URL's ?token= or as the HTTP basic-auth password, in constant time. An
// empty secret authorizes nothing.
func WebhookAuthorized(r *http.Request, secret string) bool {
	if secret == "" {
		return false
	}
	given := r.URL.Query().Get("token")
	if given == "" {
		_, given, _ = r.BasicAuth()
	}
	return subtle.ConstantTimeCompare([]byte(given), []byte(secret)) == 1
}

// ParseWebhook reads a provider's inbound-parse post: a multipart (or
// url-encoded) form with from, to, subject, text, html and the raw
// headers (SendGrid's shape; Mailgun's sender, recipient, body-plain,
// body-html and message-headers are read too). Files are attachments,
// recorded and not read.
func ParseWebhook(w http.ResponseWriter, r *http.Request) (Inbound, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxWebhookBytes)
	// Files go to temporary storage past 1 MiB; only their sizes are kept.
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return Inbound{}, fmt.Errorf("inbound email form: %w", err)
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	field := func(names ...string) string {
		for _, n := range names {
			if v := r.FormValue(n); v != "" {
				return v
			}
		}
		return ""
	}
	h := headerBlock(field("headers"))
	if mh := field("message-headers"); mh != "" { // Mailgun: [["Name", "value"], ...]
		var pairs [][2]string
		if err := json.Unmarshal([]byte(mh), &pairs); err == nil {
			for _, p := range pairs {
				h.Add(p[0], p[1])
			}
		}
	}
	set := func(name, v string) {
		if v != "" {
			h.Set(name, v)
		}
	}
	set("From", field("from"))
	set("To", field("to"))
	set("Subject", field("subject"))
	if h.Get("From") == "" {
		set("From", field("sender"))
	}
	if h.Get("To") == "" {
		set("To", field("recipient"))
	}
	set("Message-Id", field("Message-Id", "message-id"))
	set("In-Reply-To", field("In-Reply-To", "in-reply-to"))
	set("References", field("References", "references"))
	in := fromHeader(textproto.MIMEHeader(h))
	if in.From == "" {
		return Inbound{}, errors.New("inbound email: from is required")
	}
	in.Text = field("text", "body-plain")
	in.HTML = field("html", "body-html")
	if r.MultipartForm != nil {
		for _, files := range r.MultipartForm.File {
			for _, f := range files {
				in.Attachments = append(in.Attachments, Attachment{Name: f.Filename,
					ContentType: f.Header.Get("Content-Type"), Size: f.Size})
			}
		}
	}
	sort.Slice(in.Attachments, func(i, j int) bool { return in.Attachments[i].Name < in.Attachments[j].Name })
	if strings.Contains(strings.ToLower(h.Get("Content-Type")), "report-type=delivery-status") && in.DeliveryStatus == "" {
		in.DeliveryStatus = findStatus(in.Text)
	}
	return in, nil
}

// findStatus is the "Status:" lines of a report flattened into the text.
func findStatus(text string) string {
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(l)), "status:") {
			b.WriteString(strings.TrimSpace(l) + "\n")
		}
	}
	if b.Len() == 0 {
		return "delivery-status"
	}
	return b.String()
}
