package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/twilio/twilio-go/client"
)

// SignatureHeader is the header Twilio signs its webhook requests with.
const SignatureHeader = "X-Twilio-Signature"

// Validator checks the X-Twilio-Signature of webhook requests with
// twilio-go's RequestValidator. The zero value rejects every request.
type Validator struct {
	rv        client.RequestValidator
	publicURL string
	ok        bool
}

// NewValidator returns a Validator for the account's auth token. publicURL
// is the base URL Twilio is configured to call (PUBLIC_URL, e.g.
// "https://leads.example.com"); when set, the URL checked is publicURL plus
// the request's path and query, which is what a server behind a proxy or
// tunnel needs. When empty, the URL is rebuilt from the request itself.
func NewValidator(authToken, publicURL string) Validator {
	return Validator{
		rv:        client.NewRequestValidator(authToken),
		publicURL: strings.TrimRight(publicURL, "/"),
		ok:        authToken != "",
	}
}

// Valid reports whether r carries a correct X-Twilio-Signature for form,
// the request's parsed POST parameters (r.PostForm for a form webhook).
//
// A form that repeats a name is rejected: twilio-go's validator takes one
// value a name, and Twilio's messaging and voice webhooks never repeat one.
// A URL carrying bodySHA256 (a JSON-bodied webhook) is rejected as well: its
// signature covers the URL alone, so only ValidBody, which sees the body,
// can check it.
func (v Validator) Valid(r *http.Request, form url.Values) bool {
	sig := r.Header.Get(SignatureHeader)
	if !v.ok || sig == "" {
		return false
	}
	if r.URL != nil && r.URL.Query().Has("bodySHA256") {
		return false
	}
	params := make(map[string]string, len(form))
	for name, values := range form {
		if len(values) != 1 {
			return false
		}
		params[name] = values[0]
	}
	return v.rv.Validate(v.URL(r), params, sig)
}

// ValidBody is Valid for a webhook whose raw body the caller holds: a JSON
// body (the URL carries bodySHA256 and the body must hash to it) or a form
// body (parsed here, first value of each name, as twilio-go does).
func (v Validator) ValidBody(r *http.Request, body []byte) bool {
	sig := r.Header.Get(SignatureHeader)
	if !v.ok || sig == "" {
		return false
	}
	return v.rv.ValidateBody(v.URL(r), body, sig)
}

// URL is the URL a request's signature is checked against; worth logging
// when a signature fails, since a wrong PUBLIC_URL is the usual cause.
func (v Validator) URL(r *http.Request) string {
	pathAndQuery := requestPathAndQuery(r)
	if v.publicURL != "" {
		return v.publicURL + pathAndQuery
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		// A proxy chain lists the client-facing hop first.
		scheme = strings.ToLower(strings.TrimSpace(strings.Split(p, ",")[0]))
	}
	host := r.Host
	if host == "" && r.URL != nil {
		host = r.URL.Host
	}
	return scheme + "://" + host + pathAndQuery
}

// requestPathAndQuery is the path and query as the client sent them, so
// that percent-encoding Twilio signed survives; RequestURI holds them on a
// server, URL on a request built by a client.
func requestPathAndQuery(r *http.Request) string {
	if ru := r.RequestURI; ru != "" && ru != "*" {
		if strings.HasPrefix(ru, "/") {
			return ru
		}
		if u, err := url.Parse(ru); err == nil && u.Host != "" {
			return u.RequestURI()
		}
	}
	if r.URL == nil {
		return "/"
	}
	pq := r.URL.EscapedPath()
	if pq == "" {
		pq = "/"
	}
	if r.URL.RawQuery != "" || r.URL.ForceQuery {
		pq += "?" + r.URL.RawQuery
	}
	return pq
}

// Sign computes the X-Twilio-Signature Twilio sends for a form webhook to
// rawURL with params: base64 of HMAC-SHA1, keyed by the auth token, over
// the URL followed by each parameter's name and value, names in byte order.
// A repeated name contributes each distinct value once, values in byte
// order, as Twilio's helper libraries do.
func Sign(authToken, rawURL string, params url.Values) string {
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	sort.Strings(names)

	var b strings.Builder
	b.WriteString(rawURL)
	for _, name := range names {
		values := append([]string(nil), params[name]...)
		sort.Strings(values)
		for i, value := range values {
			if i > 0 && value == values[i-1] {
				continue
			}
			b.WriteString(name)
			b.WriteString(value)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
