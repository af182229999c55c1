package twilio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/leadagent/leadagent/channels"
)

// DefaultAPIBase is Twilio's REST API, where twilio-go sends its requests.
const DefaultAPIBase = "https://api.twilio.com"

// DefaultSendTimeout bounds one Messages create call when the configured
// HTTP client sets no timeout of its own.
const DefaultSendTimeout = 15 * time.Second

// SenderConfig is what a Sender needs: the account's credentials, who the
// messages come from, and where the REST API is.
type SenderConfig struct {
	AccountSID string
	AuthToken  string
	// FromNumber or MessagingServiceSID is the sender; when both are set the
	// Messaging Service wins and picks the number from its pool.
	FromNumber          string
	MessagingServiceSID string
	// APIBase replaces https://api.twilio.com, path prefix included (the
	// sandbox is at e.g. http://127.0.0.1:8080/sandbox). Empty for Twilio.
	APIBase string
	// HTTPClient supplies the transport and the timeout; nil for
	// http.DefaultTransport and DefaultSendTimeout.
	HTTPClient *http.Client
}

// Sender sends SMS through Twilio's Messages API with twilio-go's REST
// client. It never retries: a failure comes back as a *channels.SendError
// whose Retryable says whether the caller (a River job) should try again.
type Sender struct {
	accountSID string
	authToken  string
	from       string
	service    string
	apiBase    *url.URL // nil: leave requests addressed to api.twilio.com
	transport  http.RoundTripper
	timeout    time.Duration
}

var (
	_ channels.Sender = (*Sender)(nil)
	_ channels.Ledger = (*Sender)(nil)
)

// NewSender checks cfg and returns a Sender. The auth token never appears
// in an error it returns.
func NewSender(cfg SenderConfig) (*Sender, error) {
	if cfg.AccountSID == "" || cfg.AuthToken == "" {
		return nil, errors.New("twilio sender: account SID and auth token are required")
	}
	// twilio-go refuses to send credentials with other characters; say so
	// now rather than on every message.
	if !alphanumeric(cfg.AccountSID) {
		return nil, fmt.Errorf("twilio sender: account SID %q: only letters and digits are allowed", cfg.AccountSID)
	}
	if !alphanumeric(cfg.AuthToken) {
		return nil, errors.New("twilio sender: auth token: only letters and digits are allowed")
	}
	if cfg.FromNumber == "" && cfg.MessagingServiceSID == "" {
		return nil, errors.New("twilio sender: a from number or a messaging service SID is required")
	}
	s := &Sender{
		accountSID: cfg.AccountSID,
		authToken:  cfg.AuthToken,
		from:       cfg.FromNumber,
		service:    cfg.MessagingServiceSID,
		transport:  http.DefaultTransport,
		timeout:    DefaultSendTimeout,
	}
	if cfg.HTTPClient != nil {
		if cfg.HTTPClient.Transport != nil {
			s.transport = cfg.HTTPClient.Transport
		}
		if cfg.HTTPClient.Timeout > 0 {
			s.timeout = cfg.HTTPClient.Timeout
		}
	}
	if base := strings.TrimRight(cfg.APIBase, "/"); base != "" && base != DefaultAPIBase {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("twilio sender: API base %q is not an absolute http(s) URL", cfg.APIBase)
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("twilio sender: API base %q: want scheme, host and path only", u.Redacted())
		}
		s.apiBase = u
	}
	return s, nil
}

// Send creates one message. It honours ctx, and gives up after the
// configured timeout, since twilio-go itself knows no context.
func (s *Sender) Send(ctx context.Context, msg channels.Outbound) (channels.SendResult, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	service, call := s.call(ctx)

	params := &api.CreateMessageParams{}
	params.SetTo(msg.To)
	params.SetBody(msg.Body)
	if s.service != "" {
		params.SetMessagingServiceSid(s.service)
	} else {
		params.SetFrom(s.from)
	}
	if msg.StatusCallback != "" {
		params.SetStatusCallback(msg.StatusCallback)
	}

	created, err := service.CreateMessage(params)
	if err != nil {
		return channels.SendResult{}, fmt.Errorf("twilio: create message: %w", s.sendError(ctx, err, call))
	}
	if created.Sid == nil || *created.Sid == "" {
		return channels.SendResult{}, fmt.Errorf("twilio: create message: %w", &channels.SendError{
			HTTPStatus: call.status,
			Message:    "accepted, but the response carries no message SID",
		})
	}
	res := channels.SendResult{ProviderSID: *created.Sid}
	if created.Status != nil {
		res.Status = *created.Status
	}
	return res, nil
}

// listPageSize and maxListPages bound what SentTo reads: the messages to
// one number since a send was claimed, a handful in practice.
const (
	listPageSize = 100
	maxListPages = 10
)

// SentTo lists the messages created for to since the given time, newest
// first, from Twilio's Messages list filtered by To (and From, when the
// sender is one number). It does not filter on DateSent: a message still
// queued at Twilio has no sent date yet, and it is exactly the one a
// repeated send would duplicate. It reads pages until they reach messages
// created before since.
func (s *Sender) SentTo(ctx context.Context, to string, since time.Time) ([]channels.Sent, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	service, call := s.call(ctx)
	params := &api.ListMessageParams{}
	params.SetTo(to)
	if s.service == "" {
		params.SetFrom(s.from)
	}
	params.SetPageSize(listPageSize)
	// Twilio's dates have whole seconds.
	since = since.Truncate(time.Second)
	var out []channels.Sent
	token, page := "", ""
	for range maxListPages {
		res, err := service.PageMessage(params, token, page)
		if err != nil {
			return nil, fmt.Errorf("twilio: list messages to %s: %w", to, s.sendError(ctx, err, call))
		}
		older := false
		for _, m := range res.Messages {
			sent := channels.Sent{ProviderSID: deref(m.Sid), To: deref(m.To), Body: deref(m.Body), Status: deref(m.Status)}
			if created, err := time.Parse(time.RFC1123Z, deref(m.DateCreated)); err == nil {
				sent.Created = created
			}
			if !sent.Created.IsZero() && sent.Created.Before(since) {
				older = true
				break
			}
			out = append(out, sent)
		}
		if older || res.NextPageUri == nil || *res.NextPageUri == "" {
			return out, nil
		}
		next, err := url.Parse(*res.NextPageUri)
		if err != nil {
			return nil, fmt.Errorf("twilio: list messages to %s: next page %q: %w", to, *res.NextPageUri, err)
		}
		token, page = next.Query().Get("PageToken"), next.Query().Get("Page")
	}
	return out, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// call returns a Messages API client for one call under ctx, and the
// transport that carries it.
func (s *Sender) call(ctx context.Context) (*api.ApiService, *callTransport) {
	call := &callTransport{ctx: ctx, apiBase: s.apiBase, next: s.transport}
	c := &client.Client{
		Credentials: client.NewCredentials(s.accountSID, s.authToken),
		HTTPClient: &http.Client{
			Transport: call,
			// Twilio does not redirect API calls; a redirect is an error to
			// report, not to follow with our credentials.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	c.SetAccountSid(s.accountSID)
	// A RequestHandler built by hand, not NewRequestHandler: that one reads
	// TWILIO_EDGE and TWILIO_REGION from the environment.
	return api.NewApiService(&client.RequestHandler{Client: c}), call
}

// sendError maps what twilio-go returned to a *channels.SendError, which
// the result wraps together with ctx's error when ctx ended the call.
func (s *Sender) sendError(ctx context.Context, err error, call *callTransport) error {
	var se *channels.SendError
	var restErr *client.TwilioRestError
	switch {
	case errors.As(err, &restErr):
		se = &channels.SendError{HTTPStatus: restErr.Status, Code: restErr.Code, Message: restErr.Message}
		if call.status != 0 {
			// The status line is the truth; the body's "status" is a copy.
			se.HTTPStatus = call.status
		}
	case call.status >= 400:
		// An error answer that is not Twilio's JSON (a proxy's HTML page).
		se = &channels.SendError{HTTPStatus: call.status, Message: http.StatusText(call.status)}
		if snippet := call.errorSnippet(); snippet != "" {
			se.Message += ": " + snippet
		}
	case call.status != 0:
		// The API answered success and then something broke reading it: the
		// message may have been sent, so this must not look retryable.
		se = &channels.SendError{HTTPStatus: call.status, Message: "accepted, but the response could not be read: " + err.Error()}
	default:
		// Nothing came back: connection refused, reset, timeout.
		msg := err.Error()
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			msg = ue.Err.Error()
		}
		se = &channels.SendError{HTTPStatus: 0, Message: msg}
	}
	se.Message = strings.ReplaceAll(se.Message, s.authToken, "[redacted]")
	if ctxErr := ctx.Err(); ctxErr != nil && se.HTTPStatus == 0 {
		return fmt.Errorf("%w: %w", se, ctxErr)
	}
	return se
}

// callTransport carries one Send: it points requests for api.twilio.com at
// the configured API base, gives them the call's context (twilio-go builds
// them on context.Background), and keeps the status and, for error
// answers, the body, which twilio-go neither reports nor closes.
type callTransport struct {
	ctx     context.Context
	apiBase *url.URL
	next    http.RoundTripper

	status  int
	errBody []byte
}

// maxErrorBody bounds how much of an error answer is kept.
const maxErrorBody = 64 << 10

func (t *callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(t.ctx)
	if t.apiBase != nil && strings.EqualFold(req.URL.Hostname(), "api.twilio.com") {
		out.URL.Scheme = t.apiBase.Scheme
		out.URL.Host = t.apiBase.Host
		out.URL.Path = t.apiBase.Path + req.URL.Path
		out.URL.RawPath = ""
		if req.URL.RawPath != "" {
			out.URL.RawPath = t.apiBase.EscapedPath() + req.URL.RawPath
		}
		out.Host = ""
	}
	resp, err := t.next.RoundTrip(out)
	if err != nil {
		// Name the URL actually called: the client's error names api.twilio.com.
		return nil, fmt.Errorf("%s %s: %w", out.Method, out.URL.Redacted(), err)
	}
	t.status = resp.StatusCode
	if resp.StatusCode >= 400 {
		body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
		if readErr != nil {
			return nil, fmt.Errorf("read %d answer: %w", resp.StatusCode, readErr)
		}
		t.errBody = body
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	return resp, nil
}

// errorSnippet is the start of a non-JSON error answer, on one line.
func (t *callTransport) errorSnippet() string {
	s := []rune(strings.Join(strings.Fields(string(t.errBody)), " "))
	if len(s) > 160 {
		return string(s[:160]) + "…"
	}
	return string(s)
}

func alphanumeric(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
