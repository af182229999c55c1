package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/channels/twilio"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "f00dfeedf00dfeedf00dfeedf00dfeed"
	business   = "+15005550006"
	lead       = "+19705551234"
)

// waitCtx bounds a wait that should end at once; generous, so a slow
// machine does not fail a correct test.
func waitCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// callback is one status callback the receiver got.
type callback struct {
	form  url.Values
	valid bool
}

type bundle struct {
	sandbox   *sandbox.Server
	apiBase   string // where the sandbox is mounted
	sender    *twilio.Sender
	api       *api.ApiService // twilio-go's REST client, pointed at the sandbox
	callbacks chan callback
	statusURL string
}

// setup mounts the sandbox at /sandbox as the leadagent server does, and
// runs a status-callback receiver that checks signatures as our webhooks do.
func setup(t *testing.T, cfg sandbox.Config) bundle {
	t.Helper()
	cfg.AccountSID, cfg.AuthToken = accountSID, authToken
	sb := sandbox.New(cfg)
	t.Cleanup(sb.Close)
	mux := http.NewServeMux()
	mux.Handle("/sandbox/", sb)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	callbacks := make(chan callback, 1000) // more than any test causes: the receiver never blocks
	validator := twilio.NewValidator(authToken, "")
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ok := validator.Valid(r, r.PostForm)
		callbacks <- callback{form: r.PostForm, valid: ok}
		if !ok {
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(receiver.Close)

	s, err := twilio.NewSender(twilio.SenderConfig{AccountSID: accountSID, AuthToken: authToken, FromNumber: business, APIBase: srv.URL + "/sandbox"})
	if err != nil {
		t.Fatal(err)
	}
	return bundle{
		sandbox:   sb,
		apiBase:   srv.URL + "/sandbox",
		sender:    s,
		api:       restClient(srv.URL+"/sandbox", accountSID, authToken),
		callbacks: callbacks,
		statusURL: receiver.URL + "/twilio/sms/status?tenant=a%20b",
	}
}

// restClient is twilio-go's API client sending to base instead of
// https://api.twilio.com.
func restClient(base, sid, token string) *api.ApiService {
	c := &client.Client{
		Credentials: client.NewCredentials(sid, token),
		HTTPClient:  &http.Client{Transport: rebase{base}},
	}
	c.SetAccountSid(sid)
	return api.NewApiService(&client.RequestHandler{Client: c})
}

type rebase struct{ base string }

func (rb rebase) RoundTrip(r *http.Request) (*http.Response, error) {
	u, err := url.Parse(rb.base + r.URL.RequestURI())
	if err != nil {
		return nil, err
	}
	out := r.Clone(r.Context())
	out.URL, out.Host = u, ""
	return http.DefaultTransport.RoundTrip(out)
}

func (b bundle) send(t *testing.T, msg channels.Outbound) channels.SendResult {
	t.Helper()
	res, err := b.sender.Send(context.Background(), msg)
	if err != nil {
		t.Fatalf("send %q: %v", msg.Body, err)
	}
	return res
}

func (b bundle) nextCallback(t *testing.T) callback {
	t.Helper()
	select {
	case cb := <-b.callbacks:
		return cb
	case <-waitCtx(t).Done():
		t.Fatal("no status callback arrived")
		return callback{}
	}
}

func TestStatusCallbacksArriveSignedInOrder(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{})
	res := b.send(t, channels.Outbound{To: lead, Body: "Thanks for asking!", StatusCallback: b.statusURL})

	for _, want := range []string{"queued", "sent", "delivered"} {
		cb := b.nextCallback(t)
		if !cb.valid {
			t.Errorf("%s callback: signature does not validate", want)
		}
		f := cb.form
		if f.Get("MessageStatus") != want || f.Get("SmsStatus") != want || f.Get("MessageSid") != res.ProviderSID ||
			f.Get("SmsSid") != res.ProviderSID || f.Get("To") != lead || f.Get("From") != business ||
			f.Get("AccountSid") != accountSID || f.Get("ApiVersion") != "2010-04-01" || f.Has("ErrorCode") {
			t.Errorf("callback %v, want status %s for %s", f, want, res.ProviderSID)
		}
	}
	if err := b.sandbox.Wait(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	m, _ := b.sandbox.Message(res.ProviderSID)
	if m.Status != "delivered" || m.Sent.IsZero() {
		t.Errorf("message ends %q, sent at %v; want delivered", m.Status, m.Sent)
	}
}

func TestUndeliverableEndsWithErrorCode(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{})
	b.sandbox.Undeliverable(lead, 30003)
	res := b.send(t, channels.Outbound{To: lead, Body: "hello?", StatusCallback: b.statusURL})
	var last callback
	for range 3 {
		last = b.nextCallback(t)
	}
	if last.form.Get("MessageStatus") != "undelivered" || last.form.Get("ErrorCode") != "30003" || !last.valid {
		t.Errorf("last callback %v (valid %v), want undelivered with ErrorCode 30003", last.form, last.valid)
	}
	fetched, err := b.api.FetchMessage(res.ProviderSID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fetched.ErrorCode == nil || *fetched.ErrorCode != 30003 || *fetched.Status != "undelivered" {
		t.Errorf("fetched %+v, want undelivered with error_code 30003", fetched)
	}
}

func TestMessagingServicePicksAPoolNumber(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{PoolNumber: "+15005550001"})
	s, err := twilio.NewSender(twilio.SenderConfig{AccountSID: accountSID, AuthToken: authToken, MessagingServiceSID: "MG0123456789abcdef0123456789abcdef", APIBase: b.apiBase})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Send(context.Background(), channels.Outbound{To: lead, Body: "hi", StatusCallback: b.statusURL})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "accepted" {
		t.Errorf("status %q, want accepted", res.Status)
	}
	cb := b.nextCallback(t)
	if cb.form.Get("From") != "+15005550001" || cb.form.Get("MessagingServiceSid") != "MG0123456789abcdef0123456789abcdef" {
		t.Errorf("callback %v, want From the pool number and the service SID", cb.form)
	}
}

func TestFetchAndListWithTwilioGo(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{})
	var toLead []string
	for i, to := range []string{lead, "+19705550000", lead, lead, "+19705550000"} {
		res := b.send(t, channels.Outbound{To: to, Body: "message " + string(rune('a'+i))})
		if to == lead {
			toLead = append(toLead, res.ProviderSID)
		}
	}

	m, err := b.api.FetchMessage(toLead[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	if *m.Sid != toLead[0] || *m.Body != "message a" || *m.To != lead || *m.From != business ||
		*m.Direction != "outbound-api" || *m.AccountSid != accountSID || *m.NumSegments != "1" || *m.NumMedia != "0" ||
		*m.ApiVersion != "2010-04-01" || *m.Uri != "/2010-04-01/Accounts/"+accountSID+"/Messages/"+toLead[0]+".json" {
		t.Errorf("fetched %+v", m)
	}
	if _, err := time.Parse(time.RFC1123Z, *m.DateCreated); err != nil {
		t.Errorf("date_created %q is not RFC 1123 with a numeric zone: %v", *m.DateCreated, err)
	}

	// PageSize 2 over 3 messages: twilio-go must follow next_page_uri.
	params := &api.ListMessageParams{}
	params.SetTo(lead)
	params.SetPageSize(2)
	list, err := b.api.ListMessage(params)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range list {
		got = append(got, *m.Sid)
	}
	want := slices.Clone(toLead)
	slices.Reverse(want) // newest first, as Twilio lists
	if !slices.Equal(got, want) {
		t.Errorf("listed %v, want %v", got, want)
	}

	params = &api.ListMessageParams{}
	params.SetFrom(business)
	all, err := b.api.ListMessage(params)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 {
		t.Errorf("listed %d messages from the business, want 5", len(all))
	}

	_, err = b.api.FetchMessage("SM00000000000000000000000000000000", nil)
	var rest *client.TwilioRestError
	if !errors.As(err, &rest) || rest.Status != 404 || rest.Code != 20404 {
		t.Errorf("fetch of an unknown SID: %v, want 404 with code 20404", err)
	}
}

// The JSON the sandbox answers has every property, and only the
// properties, of Twilio's own description of a message.
func TestMessageShapeMatchesTwilioOpenAPI(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../../shared/twilio-oai/twilio_api_v2010.json")
	if err != nil {
		t.Skipf("Twilio's OpenAPI description is not here: %v", err)
	}
	var spec struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	var want []string
	for k := range spec.Components.Schemas["api.v2010.account.message"].Properties {
		want = append(want, k)
	}
	slices.Sort(want)
	if len(want) == 0 {
		t.Fatal("no api.v2010.account.message schema in the description")
	}

	b := setup(t, sandbox.Config{})
	created := b.do(t, http.MethodPost, "/2010-04-01/Accounts/"+accountSID+"/Messages.json", authToken,
		url.Values{"To": {lead}, "From": {business}, "Body": {"shape"}})
	if created.status != http.StatusCreated {
		t.Fatalf("create answered %d: %s", created.status, created.body)
	}
	got := keysOf(t, created.body)
	if !slices.Equal(slices.Sorted(maps.Keys(got)), want) {
		t.Errorf("created message keys %v, want %v", slices.Sorted(maps.Keys(got)), want)
	}
	if got["error_code"] != nil || got["price"] != nil || got["date_sent"] != nil || got["status"] != "queued" {
		t.Errorf("created %v: want status queued, error_code, price and date_sent null", got)
	}

	if err := b.sandbox.Wait(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	fetched := b.get(t, "/2010-04-01/Accounts/"+accountSID+"/Messages/"+got["sid"].(string)+".json", authToken)
	got = keysOf(t, fetched.body)
	if !slices.Equal(slices.Sorted(maps.Keys(got)), want) {
		t.Errorf("delivered message keys %v, want %v", slices.Sorted(maps.Keys(got)), want)
	}
	if got["status"] != "delivered" || got["price"] != "-0.00790" || got["price_unit"] != "USD" || got["date_sent"] == nil {
		t.Errorf("delivered %v: want status delivered, priced, with date_sent", got)
	}
}

func keysOf(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return m
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (b bundle) get(t *testing.T, path, token string) response {
	t.Helper()
	return b.do(t, http.MethodGet, path, token, nil)
}

func (b bundle) do(t *testing.T, method, path, token string, form url.Values) response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.apiBase+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.SetBasicAuth(accountSID, token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// twilioError decodes Twilio's error JSON and checks its shape.
func twilioError(t *testing.T, r response) (status, code int) {
	t.Helper()
	var e struct {
		Code     *int    `json:"code"`
		Message  *string `json:"message"`
		MoreInfo *string `json:"more_info"`
		Status   *int    `json:"status"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.Code == nil || e.Message == nil || e.MoreInfo == nil || e.Status == nil {
		t.Fatalf("error body %s is not Twilio's shape (%v)", r.body, err)
	}
	if *e.Status != r.status {
		t.Errorf("body status %d, HTTP status %d", *e.Status, r.status)
	}
	return *e.Status, *e.Code
}

func TestAPIRefusals(t *testing.T) {
	t.Parallel()
	messages := "/2010-04-01/Accounts/" + accountSID + "/Messages.json"
	valid := url.Values{"To": {lead}, "From": {business}, "Body": {"hi"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vals := range valid {
			f[key] = slices.Clone(vals)
		}
		if v == "" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
		return f
	}
	tests := []struct {
		name   string
		method string
		path   string
		token  string
		form   url.Values
		status int
		code   int
	}{
		{"no credentials", http.MethodGet, messages, "", nil, 401, 20003},
		{"wrong token", http.MethodGet, messages, "0000feedf00dfeedf00dfeedf00d0000", nil, 401, 20003},
		{"another account's path", http.MethodGet, "/2010-04-01/Accounts/ACffffffffffffffffffffffffffffffff/Messages.json", authToken, nil, 401, 20003},
		{"unknown resource", http.MethodGet, "/2010-04-01/Accounts/" + accountSID + "/Calls.json", authToken, nil, 404, 20404},
		{"outside the API", http.MethodGet, "/favicon.ico", authToken, nil, 404, 20404},
		{"delete", http.MethodDelete, messages, authToken, nil, 405, 20004},
		{"To missing", http.MethodPost, messages, authToken, with("To", ""), 400, 21604},
		{"To not E.164", http.MethodPost, messages, authToken, with("To", "+0123"), 400, 21211},
		{"To with letters", http.MethodPost, messages, authToken, with("To", "+1970555CALL"), 400, 21211},
		{"From and service missing", http.MethodPost, messages, authToken, with("From", ""), 400, 21603},
		{"Body and media missing", http.MethodPost, messages, authToken, with("Body", ""), 400, 21602},
		{"media URL not http", http.MethodPost, messages, authToken, with("MediaUrl", "ftp://x/y.png"), 400, 21620},
		{"PageSize too big", http.MethodGet, messages + "?PageSize=1001", authToken, nil, 400, 20001},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, sandbox.Config{})
			r := b.do(t, tc.method, tc.path, tc.token, tc.form)
			status, code := twilioError(t, r)
			if status != tc.status || code != tc.code {
				t.Errorf("answered %d code %d (%s), want %d code %d", status, code, r.body, tc.status, tc.code)
			}
			if tc.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if n := len(b.sandbox.Messages()); n != 0 {
				t.Errorf("recorded %d messages", n)
			}
		})
	}
}

func TestMediaOnlyMessage(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{})
	form := url.Values{"To": {lead}, "From": {business}, "MediaUrl": {"https://example.com/a.png", "https://example.com/b.png"}}
	r := b.do(t, http.MethodPost, "/2010-04-01/Accounts/"+accountSID+"/Messages.json", authToken, form)
	if r.status != http.StatusCreated {
		t.Fatalf("answered %d: %s", r.status, r.body)
	}
	var m struct {
		SID      string `json:"sid"`
		NumMedia string `json:"num_media"`
	}
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.SID, "MM") || m.NumMedia != "2" {
		t.Errorf("sid %s, num_media %s: want an MM SID with 2 media", m.SID, m.NumMedia)
	}
	if got := b.sandbox.MessagesTo(lead); len(got) != 1 || len(got[0].MediaURLs) != 2 {
		t.Errorf("recorded %+v", got)
	}
}

func TestFailNextThenRecovers(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{})
	b.sandbox.FailNext(2, 429, 20429)
	for range 2 {
		_, err := b.sender.Send(context.Background(), channels.Outbound{To: lead, Body: "hi"})
		var se *channels.SendError
		if !errors.As(err, &se) || se.HTTPStatus != 429 || !se.Retryable() {
			t.Fatalf("err = %v, want a retryable 429", err)
		}
	}
	b.send(t, channels.Outbound{To: lead, Body: "hi"})

	b.sandbox.SetDown(true)
	if _, err := b.sender.Send(context.Background(), channels.Outbound{To: lead, Body: "hi"}); channels.IsPermanent(err) || err == nil {
		t.Fatalf("while down: err = %v, want a retryable error", err)
	}
	b.sandbox.SetDown(false)
	b.send(t, channels.Outbound{To: lead, Body: "hi"})

	b.sandbox.Refuse(lead, 21610)
	if _, err := b.sender.Send(context.Background(), channels.Outbound{To: lead, Body: "hi"}); !channels.IsPermanent(err) {
		t.Fatalf("refused: err = %v, want a permanent error", err)
	}
	b.sandbox.Refuse(lead, 0)
	b.send(t, channels.Outbound{To: lead, Body: "hi"})

	if n := len(b.sandbox.MessagesTo(lead)); n != 3 {
		t.Errorf("recorded %d messages, want the 3 that succeeded", n)
	}
}

func TestWaitForAndReset(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{})
	changed := b.sandbox.Changed()
	done := make(chan []sandbox.Message)
	go func() {
		msgs, err := b.sandbox.WaitFor(waitCtx(t), 2)
		if err != nil {
			t.Error(err)
		}
		done <- msgs
	}()
	b.send(t, channels.Outbound{To: lead, Body: "one"})
	b.send(t, channels.Outbound{To: "+19705550000", Body: "two"})
	msgs := <-done
	if len(msgs) < 2 || msgs[0].Body != "one" || msgs[1].Body != "two" {
		t.Errorf("WaitFor returned %+v", msgs)
	}
	select {
	case <-changed:
	default:
		t.Error("Changed channel not closed after new messages")
	}
	if got := b.sandbox.MessagesTo("+19705550000"); len(got) != 1 || got[0].Body != "two" {
		t.Errorf("MessagesTo = %+v", got)
	}

	b.sandbox.FailNext(1, 500, 20500)
	b.sandbox.Reset()
	if n := len(b.sandbox.Messages()); n != 0 {
		t.Errorf("%d messages after Reset", n)
	}
	b.send(t, channels.Outbound{To: lead, Body: "after reset"}) // the fault went too

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.sandbox.WaitFor(ctx, 99); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitFor on a cancelled context: %v", err)
	}
}

func TestConcurrentSends(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{})
	const n = 40
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, err := b.sender.Send(context.Background(), channels.Outbound{To: lead, Body: "hi", StatusCallback: b.statusURL}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	msgs, err := b.sandbox.WaitUntil(waitCtx(t), func(ms []sandbox.Message) bool {
		for _, m := range ms {
			if m.Status != "delivered" {
				return false
			}
		}
		return len(ms) == n
	})
	if err != nil {
		t.Fatalf("%v; statuses: %v", err, statuses(msgs))
	}
	if err := b.sandbox.Wait(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got := len(b.callbacks); got != 3*n {
		t.Errorf("%d callbacks, want %d", got, 3*n)
	}
}

func statuses(ms []sandbox.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Status)
	}
	return out
}

// After Close no callbacks go out, and the API still answers.
func TestCloseStopsCallbacks(t *testing.T) {
	t.Parallel()
	b := setup(t, sandbox.Config{})
	b.sandbox.Close()
	res := b.send(t, channels.Outbound{To: lead, Body: "hi", StatusCallback: b.statusURL})
	if err := b.sandbox.Wait(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	if m, _ := b.sandbox.Message(res.ProviderSID); m.Status != "queued" {
		t.Errorf("status %q after Close, want it left queued", m.Status)
	}
	if n := len(b.callbacks); n != 0 {
		t.Errorf("%d callbacks after Close", n)
	}
}

// The web server mounts the sandbox with http.StripPrefix; the API must
// answer the same either way.
func TestMountedBehindStripPrefix(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Config{AccountSID: accountSID, AuthToken: authToken})
	t.Cleanup(sb.Close)
	mux := http.NewServeMux()
	mux.Handle("/sandbox/", http.StripPrefix("/sandbox", sb))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s, err := twilio.NewSender(twilio.SenderConfig{AccountSID: accountSID, AuthToken: authToken, FromNumber: business, APIBase: srv.URL + "/sandbox"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Send(context.Background(), channels.Outbound{To: lead, Body: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := restClient(srv.URL+"/sandbox", accountSID, authToken).FetchMessage(res.ProviderSID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if *m.Uri != "/2010-04-01/Accounts/"+accountSID+"/Messages/"+res.ProviderSID+".json" {
		t.Errorf("uri %q", *m.Uri)
	}
}

// TestSlowAndHeldAnswers: a slow or held answer comes after the message is
// recorded and listed, as a Twilio under load answers; a client that gives
// up leaves the message sent.
func TestSlowAndHeldAnswers(t *testing.T) {
	t.Parallel()
	srv := sandbox.New(sandbox.Config{AccountSID: accountSID, AuthToken: authToken})
	t.Cleanup(srv.Close)
	api := httptest.NewServer(srv)
	t.Cleanup(api.Close)
	create := func(ctx context.Context, body string) error {
		form := url.Values{"To": {lead}, "From": {business}, "Body": {body}}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, api.URL+"/2010-04-01/Accounts/"+accountSID+"/Messages.json", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(accountSID, authToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return errors.New("answered " + resp.Status)
		}
		return nil
	}

	srv.SetAnswerDelay(300 * time.Millisecond)
	start := time.Now()
	if err := create(context.Background(), "slow"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("answered in %v, want at least the delay", d)
	}
	srv.SetAnswerDelay(0)

	release := srv.Hold()
	done := make(chan error, 1)
	go func() { done <- create(context.Background(), "held") }()
	if _, err := srv.WaitFor(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		t.Fatalf("a held create answered: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	release = srv.Hold()
	defer release()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := create(ctx, "given up"); err == nil {
		t.Fatal("a held create answered")
	}
	if n := len(srv.Messages()); n != 3 {
		t.Fatalf("%d messages recorded, want 3: one the client gave up on included", n)
	}
}
