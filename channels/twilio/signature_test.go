package twilio

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twilio/twilio-go/client"
)

// Vectors signed with the official twilio npm package 6.2.0
// (getExpectedTwilioSignature), to pin Sign to what Twilio computes.
var signVectors = []struct {
	name   string
	token  string
	url    string
	params url.Values
	want   string
}{
	{
		name:  "inbound sms to the local server",
		token: "sandboxauthtoken",
		url:   "http://127.0.0.1:8080/twilio/sms",
		params: url.Values{
			"From": {"+19705551100"}, "To": {"+15005550006"}, "Body": {"Do you service heat pumps?"},
			"MessageSid": {"SM0123456789abcdef0123456789abcdef"}, "AccountSid": {"AC00000000000000000000000000sandbox"}, "NumMedia": {"0"},
		},
		want: "kfLmHiMXEc4c6/SE8BOFxc0EQS4=",
	},
	{
		name:  "unicode, newline and form metacharacters, query in the URL",
		token: "0123456789abcdef0123456789abcdef",
		url:   "https://leads.example.com/twilio/sms?tenant=summit&v=2",
		params: url.Values{
			"Body": {"Ça coûte combien? 👍\nmerci & à+ = 100%"}, "From": {"+33612345678"}, "To": {"+19705550100"}, "SmsStatus": {"received"},
		},
		want: "gppFm03j//GlXzors2qrI9Zj+1Y=",
	},
	{
		name:   "no parameters: the URL alone",
		token:  "0123456789abcdef0123456789abcdef",
		url:    "https://leads.example.com/twilio/sms/status",
		params: url.Values{},
		want:   "3c8sjIF+0cqJMvANsJNVJPtKHbI=",
	},
	{
		name:   "byte-order names: prefix first, upper case before lower, empty value",
		token:  "12345",
		url:    "https://mycompany.com/hook",
		params: url.Values{"Reason": {"Participant"}, "ReasonConferenceEnded": {"test"}, "A": {""}, "a": {"lower"}},
		want:   "ulRyvdIz2+8ZuheN6VpC9knQ2AA=",
	},
	{
		name:   "repeated name: values sorted, duplicates dropped",
		token:  "12345",
		url:    "https://mycompany.com/hook",
		params: url.Values{"Tag": {"b", "a", "b"}, "Sid": {"CA1"}},
		want:   "7B97J6UpEdcTg4915QeLDWC1rJM=",
	},
}

func TestSignMatchesTwilio(t *testing.T) {
	for _, tc := range signVectors {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sign(tc.token, tc.url, tc.params); got != tc.want {
				t.Errorf("Sign = %q, want %q", got, tc.want)
			}
		})
	}
}

// Sign and twilio-go's validator must agree, or the sandbox would sign
// requests our own webhooks reject.
func TestSignAgreesWithTwilioGo(t *testing.T) {
	for _, tc := range signVectors {
		single := true
		params := map[string]string{}
		for k, v := range tc.params {
			single = single && len(v) == 1
			params[k] = v[0]
		}
		if !single {
			continue // twilio-go cannot take repeated names
		}
		rv := client.NewRequestValidator(tc.token)
		if !rv.Validate(tc.url, params, Sign(tc.token, tc.url, tc.params)) {
			t.Errorf("%s: twilio-go rejects Sign's signature", tc.name)
		}
	}
}

// signedRequest is a form POST to rawURL as a server sees it, signed with
// token over params.
func signedRequest(t testing.TB, token, rawURL string, params url.Values) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, rawURL, strings.NewReader(params.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set(SignatureHeader, Sign(token, rawURL, params))
	return r
}

func TestValid(t *testing.T) {
	const token = "0123456789abcdef0123456789abcdef"
	form := url.Values{"From": {"+19705551100"}, "To": {"+19705550100"}, "Body": {"hi there"}, "MessageSid": {"SM1"}}

	tests := []struct {
		name      string
		validator Validator
		request   func() *http.Request
		form      url.Values
		want      bool
	}{
		{
			name:      "signed over the request URL",
			validator: NewValidator(token, ""),
			request:   func() *http.Request { return signedRequest(t, token, "http://127.0.0.1:8080/twilio/sms", form) },
			form:      form,
			want:      true,
		},
		{
			name:      "signed over PUBLIC_URL, received on loopback behind a proxy",
			validator: NewValidator(token, "https://leads.example.com/"),
			request: func() *http.Request {
				r := signedRequest(t, token, "https://leads.example.com/twilio/sms?x=a%20b", form)
				r.Host = "127.0.0.1:8080"
				r.TLS = nil
				return r
			},
			form: form,
			want: true,
		},
		{
			name:      "PUBLIC_URL with a path prefix the proxy strips",
			validator: NewValidator(token, "https://example.com/leadagent"),
			request: func() *http.Request {
				r := signedRequest(t, token, "https://example.com/leadagent/twilio/sms", form)
				r.RequestURI = "/twilio/sms"
				return r
			},
			form: form,
			want: true,
		},
		{
			name:      "https from X-Forwarded-Proto",
			validator: NewValidator(token, ""),
			request: func() *http.Request {
				r := signedRequest(t, token, "https://leads.example.com/twilio/sms", form)
				r.TLS = nil
				r.Header.Set("X-Forwarded-Proto", "https, http")
				return r
			},
			form: form,
			want: true,
		},
		{
			name:      "https from TLS",
			validator: NewValidator(token, ""),
			request: func() *http.Request {
				r := signedRequest(t, token, "https://leads.example.com/twilio/sms", form)
				r.TLS = &tls.ConnectionState{}
				return r
			},
			form: form,
			want: true,
		},
		{
			name:      "body changed after signing",
			validator: NewValidator(token, ""),
			request:   func() *http.Request { return signedRequest(t, token, "http://127.0.0.1:8080/twilio/sms", form) },
			form:      url.Values{"From": {"+19705551100"}, "To": {"+19705550100"}, "Body": {"hi there "}, "MessageSid": {"SM1"}},
			want:      false,
		},
		{
			name:      "parameter added after signing",
			validator: NewValidator(token, ""),
			request:   func() *http.Request { return signedRequest(t, token, "http://127.0.0.1:8080/twilio/sms", form) },
			form:      url.Values{"From": {"+19705551100"}, "To": {"+19705550100"}, "Body": {"hi there"}, "MessageSid": {"SM1"}, "X": {""}},
			want:      false,
		},
		{
			name:      "another account's token",
			validator: NewValidator("ffffffffffffffffffffffffffffffff", ""),
			request:   func() *http.Request { return signedRequest(t, token, "http://127.0.0.1:8080/twilio/sms", form) },
			form:      form,
			want:      false,
		},
		{
			name:      "signed for another path",
			validator: NewValidator(token, ""),
			request: func() *http.Request {
				r := signedRequest(t, token, "http://127.0.0.1:8080/twilio/sms/status", form)
				r2 := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8080/twilio/sms", nil)
				r2.Header = r.Header
				return r2
			},
			form: form,
			want: false,
		},
		{
			name:      "PUBLIC_URL differs from the URL signed",
			validator: NewValidator(token, "https://other.example.com"),
			request:   func() *http.Request { return signedRequest(t, token, "https://leads.example.com/twilio/sms", form) },
			form:      form,
			want:      false,
		},
		{
			name:      "no signature header",
			validator: NewValidator(token, ""),
			request: func() *http.Request {
				r := signedRequest(t, token, "http://127.0.0.1:8080/twilio/sms", form)
				r.Header.Del(SignatureHeader)
				return r
			},
			form: form,
			want: false,
		},
		{
			name:      "empty auth token signs nothing valid",
			validator: NewValidator("", ""),
			request:   func() *http.Request { return signedRequest(t, "", "http://127.0.0.1:8080/twilio/sms", form) },
			form:      form,
			want:      false,
		},
		{
			name:      "zero Validator",
			validator: Validator{},
			request:   func() *http.Request { return signedRequest(t, "", "http://127.0.0.1:8080/twilio/sms", form) },
			form:      form,
			want:      false,
		},
		{
			name:      "repeated name, even correctly signed",
			validator: NewValidator(token, ""),
			request: func() *http.Request {
				return signedRequest(t, token, "http://127.0.0.1:8080/twilio/sms", url.Values{"Body": {"a", "b"}})
			},
			form: url.Values{"Body": {"a", "b"}},
			want: false,
		},
		{
			name:      "bodySHA256 URL through Valid, which cannot see the body",
			validator: NewValidator(token, ""),
			request: func() *http.Request {
				return signedRequest(t, token, "http://127.0.0.1:8080/twilio/events?bodySHA256=00", url.Values{})
			},
			form: url.Values{},
			want: false,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.validator.Valid(tc.request(), tc.form); got != tc.want {
				t.Errorf("Valid = %v, want %v (URL checked: %s)", got, tc.want, tc.validator.URL(tc.request()))
			}
		})
	}
}

func TestValidatorURL(t *testing.T) {
	tests := []struct {
		name      string
		publicURL string
		request   func() *http.Request
		want      string
	}{
		{
			name: "server request keeps the raw encoding",
			request: func() *http.Request {
				return httptest.NewRequest(http.MethodPost, "/twilio/sms?note=a%20b&x=%2B1", nil)
			},
			want: "http://example.com/twilio/sms?note=a%20b&x=%2B1",
		},
		{
			name:      "PUBLIC_URL replaces scheme and host",
			publicURL: "https://leads.example.com",
			request: func() *http.Request {
				return httptest.NewRequest(http.MethodPost, "http://10.0.0.5:8080/twilio/sms?a=1", nil)
			},
			want: "https://leads.example.com/twilio/sms?a=1",
		},
		{
			name: "client request without RequestURI",
			request: func() *http.Request {
				r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:8080/twilio/sms?x=%2B1", nil)
				return r
			},
			want: "http://127.0.0.1:8080/twilio/sms?x=%2B1",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NewValidator("t", tc.publicURL).URL(tc.request()); got != tc.want {
				t.Errorf("URL = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestValidBody(t *testing.T) {
	const token = "12345"
	// twilio-go's own JSON-body vector (up-20 in the shared set).
	body := []byte(`{"property": "value", "boolean": true}`)
	const rawURL = "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
	r := httptest.NewRequest(http.MethodPost, rawURL, nil)
	r.Header.Set(SignatureHeader, "a9nBmqA0ju/hNViExpshrM61xv4=")
	v := NewValidator(token, "https://mycompany.com")
	if !v.ValidBody(r, body) {
		t.Error("ValidBody rejects twilio-go's JSON vector")
	}
	if v.ValidBody(r, append(body, ' ')) {
		t.Error("ValidBody accepts a body that does not match bodySHA256")
	}
}

// sharedVectors is the folder of Twilio signature vectors shared between
// projects; the tests that read it skip when it is absent.
const sharedVectors = "../../../shared/data/twilio-signature"

type sharedVector struct {
	ID                string          `json:"id"`
	AuthToken         string          `json:"auth_token"`
	URL               string          `json:"url"`
	Params            map[string]any  `json:"params"`
	FormBody          *string         `json:"form_body"`
	RawBody           *string         `json:"raw_body"`
	ExpectedSignature string          `json:"expected_signature"`
	ExpectValid       bool            `json:"expect_valid"`
	LiteralSignature  *string         `json:"literal_signature"`
	TwilioGoValidates json.RawMessage `json:"twilio_go_1_31_0_validates"`
	Note              string          `json:"note"`
}

func loadSharedVectors(t *testing.T) []sharedVector {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(sharedVectors, "*.jsonl"))
	if len(files) == 0 {
		t.Skipf("no signature vectors in %s", sharedVectors)
	}
	var out []sharedVector
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			var v sharedVector
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out = append(out, v)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return out
}

// form is the vector's POST parameters, from its exact body when it has one.
func (v sharedVector) form(t *testing.T) url.Values {
	t.Helper()
	if v.FormBody != nil {
		form, err := url.ParseQuery(*v.FormBody)
		if err != nil {
			t.Fatalf("%s: form_body: %v", v.ID, err)
		}
		return form
	}
	form := url.Values{}
	for k, val := range v.Params {
		switch val := val.(type) {
		case string:
			form.Add(k, val)
		case []any:
			for _, s := range val {
				form.Add(k, s.(string))
			}
		default:
			t.Fatalf("%s: param %s: unexpected %T", v.ID, k, val)
		}
	}
	return form
}

// want is what twilio-go 1.31.0 answered: the shared README marks where
// it cannot take the request at all (repeated names: "n/a"), which our
// Validator rejects.
func (v sharedVector) want(t *testing.T) bool {
	var b bool
	if err := json.Unmarshal(v.TwilioGoValidates, &b); err == nil {
		return b
	}
	var s string
	if err := json.Unmarshal(v.TwilioGoValidates, &s); err == nil && strings.HasPrefix(s, "n/a") {
		return false
	}
	t.Fatalf("%s: twilio_go_1_31_0_validates %s", v.ID, v.TwilioGoValidates)
	return false
}

func TestSharedVectors(t *testing.T) {
	vectors := loadSharedVectors(t)
	for _, v := range vectors {
		t.Run(v.ID, func(t *testing.T) {
			u, err := url.Parse(v.URL)
			if err != nil {
				t.Fatal(err)
			}
			want := v.want(t)
			form := v.form(t)
			// PUBLIC_URL is everything before the path, credentials included
			// (Twilio signs them when the webhook URL carries them).
			public := (&url.URL{Scheme: u.Scheme, User: u.User, Host: u.Host}).String()
			r := httptest.NewRequest(http.MethodPost, v.URL, strings.NewReader(form.Encode()))
			r.Header.Set(SignatureHeader, v.ExpectedSignature)

			check := func(validator Validator) bool {
				if v.RawBody != nil {
					return validator.ValidBody(r, []byte(*v.RawBody))
				}
				return validator.Valid(r, form)
			}
			if got := check(NewValidator(v.AuthToken, public)); got != want {
				t.Errorf("with PUBLIC_URL %s: valid = %v, want %v (%s)", public, got, want, v.Note)
			}
			if u.User == nil {
				// The same verdict with the URL rebuilt from the request.
				r.Host = u.Host
				r.Header.Set("X-Forwarded-Proto", u.Scheme)
				if got := check(NewValidator(v.AuthToken, "")); got != want {
					t.Errorf("URL from the request: valid = %v, want %v (%s)", got, want, v.Note)
				}
			}

			// A valid form vector signed over its literal URL is one Sign
			// must reproduce, repeated names included.
			literal := v.LiteralSignature == nil || *v.LiteralSignature == v.ExpectedSignature
			if v.RawBody == nil && v.ExpectValid && literal {
				if got := Sign(v.AuthToken, v.URL, form); got != v.ExpectedSignature {
					t.Errorf("Sign = %q, want %q", got, v.ExpectedSignature)
				}
			}
		})
	}
}

func FuzzSignValid(f *testing.F) {
	f.Add("0123456789abcdef0123456789abcdef", "/twilio/sms", "tenant=a%20b", "Body", "how much is a new AC? 👍", "From", "+19705551100")
	f.Add("12345", "/hook", "", "Reason", "Participant", "ReasonConferenceEnded", "test")
	f.Add("k", "/", "x=%2B1&y", "", "", "a", "&=+%\r\n")
	f.Fuzz(func(t *testing.T, token, path, query, k1, v1, k2, v2 string) {
		if token == "" || k1 == k2 {
			t.Skip()
		}
		u := &url.URL{Scheme: "https", Host: "leads.example.com", Path: "/" + strings.TrimLeft(path, "/"), RawQuery: url.PathEscape(query)}
		rawURL := u.String()
		form := url.Values{k1: {v1}, k2: {v2}}
		r, err := http.NewRequest(http.MethodPost, rawURL, nil)
		if err != nil {
			t.Skip()
		}
		if r.URL.Query().Has("bodySHA256") {
			t.Skip()
		}
		sig := Sign(token, rawURL, form)
		r.Header.Set(SignatureHeader, sig)

		rv := client.NewRequestValidator(token)
		if !rv.Validate(rawURL, map[string]string{k1: v1, k2: v2}, sig) {
			t.Fatalf("twilio-go rejects Sign(%q, %q, %v)", token, rawURL, form)
		}
		v := NewValidator(token, "https://leads.example.com")
		if !v.Valid(r, form) {
			t.Fatalf("Valid rejects Sign(%q, %q, %v); URL checked %q", token, rawURL, form, v.URL(r))
		}
		tampered := url.Values{k1: {v1 + "x"}, k2: {v2}}
		if v.Valid(r, tampered) {
			t.Fatalf("Valid accepts a tampered form %v", tampered)
		}
	})
}
