package sandbox

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Config sets up a Server.
type Config struct {
	// AccountSID and AuthToken are the credentials the API accepts; the
	// token also signs status callbacks.
	AccountSID string
	AuthToken  string
	// PoolNumber is the sender a Messaging Service picks when a message
	// names no From; default +15005550006.
	PoolNumber string
	// StepDelay is the pause before each status step after the first. Twilio
	// takes seconds; a server should set a fraction of one, so callbacks come
	// after the sender has stored the SID, as they do in production. Tests
	// leave it zero and wait with Wait or WaitUntil.
	StepDelay time.Duration
	// HTTPClient posts status callbacks; nil for one with a 10 s timeout.
	HTTPClient *http.Client
	Logger     *slog.Logger
	Now        func() time.Time
}

// Workers and queue bound the status callbacks in flight: a message's
// steps run in order on one worker, and a message that finds the queue full
// stays queued, without callbacks.
const (
	callbackWorkers = 4
	callbackQueue   = 1024
)

// Server is the fake Twilio REST API. It is an http.Handler, safe for
// concurrent use; Close stops its status callbacks.
type Server struct {
	cfg    Config
	client *http.Client
	log    *slog.Logger
	now    func() time.Time

	mu       sync.Mutex
	messages []*Message          // in creation order
	bySID    map[string]*Message // the same messages
	changed  chan struct{}       // closed and replaced on every change
	faults   faults
	// optedOut are the leads who texted an opt-out keyword, refused with
	// 21610 until they text an opt-in one; inbound are the MessageSids
	// Inbound has seen (see optout.go).
	optedOut map[string]bool
	inbound  map[string]bool
	pending  int           // lifecycles queued or running
	idle     chan struct{} // closed while pending is zero
	closed   bool

	jobs      chan string // SIDs whose lifecycle is due
	ctx       context.Context
	cancel    context.CancelFunc
	workers   sync.WaitGroup
	closeOnce sync.Once
}

// faults are the failures tests asked for.
type faults struct {
	next      []apiError     // answers for the next creates, in order
	refuse    map[string]int // recipient → error code at create
	undeliver map[string]int // recipient → error code after sent
	down      bool
	// slow delays every create's answer, after the message is recorded;
	// held, when not nil, holds it until the channel is closed.
	slow time.Duration
	held chan struct{}
}

// New returns a Server and starts its callback workers.
func New(cfg Config) *Server {
	if cfg.PoolNumber == "" {
		cfg.PoolNumber = "+15005550006"
	}
	s := &Server{
		cfg:      cfg,
		client:   cfg.HTTPClient,
		log:      cfg.Logger,
		now:      cfg.Now,
		bySID:    map[string]*Message{},
		optedOut: map[string]bool{},
		inbound:  map[string]bool{},
		changed:  make(chan struct{}),
		idle:     make(chan struct{}),
		jobs:     make(chan string, callbackQueue),
	}
	close(s.idle)
	s.faults.reset()
	if s.client == nil {
		s.client = &http.Client{Timeout: 10 * time.Second}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	for range callbackWorkers {
		s.workers.Add(1)
		go s.work()
	}
	return s
}

func (f *faults) reset() {
	*f = faults{refuse: map[string]int{}, undeliver: map[string]int{}}
}

// Close stops the status callbacks: queued ones are dropped, one in flight
// is cancelled. The API keeps answering. Close waits for the workers.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.cancel()
		s.workers.Wait()
		for {
			select {
			case <-s.jobs:
				s.lifecycleDone()
			default:
				return
			}
		}
	})
}

// FailNext makes the next n Messages creates fail with httpStatus and
// Twilio error code (e.g. 429/20429, 500/20500), without recording them.
func (s *Server) FailNext(n, httpStatus, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults.next = append(s.faults.next, apiError{Status: httpStatus, Code: code, Message: errorMessage(code, httpStatus)})
	}
}

// Refuse makes every create to the recipient fail with HTTP 400 and code,
// as Twilio does for 21610 (the recipient replied STOP); code 0 lifts it.
func (s *Server) Refuse(to string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == 0 {
		delete(s.faults.refuse, to)
		return
	}
	s.faults.refuse[to] = code
}

// Undeliverable makes messages to the recipient be accepted and sent, then
// end undelivered with code (e.g. 30003, unreachable handset); code 0
// lifts it.
func (s *Server) Undeliverable(to string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == 0 {
		delete(s.faults.undeliver, to)
		return
	}
	s.faults.undeliver[to] = code
}

// SetAnswerDelay makes every create answer d late, as a Twilio under
// load does: the message is recorded (and listed) at once, and only the
// answer waits. Zero answers at once.
func (s *Server) SetAnswerDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.slow = d
}

// Hold makes every create wait for its answer, after the message is
// recorded, until release is called (or the client gives up). A test
// uses it to keep every send in flight.
func (s *Server) Hold() (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.held == nil {
		s.faults.held = make(chan struct{})
	}
	held := s.faults.held
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			if s.faults.held == held {
				s.faults.held = nil
			}
			s.mu.Unlock()
			close(held)
		})
	}
}

// SetDown makes every request answer 503 while down is true.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.down = down
}

// Reset forgets every message and fault.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = nil
	s.bySID = map[string]*Message{}
	s.optedOut, s.inbound = map[string]bool{}, map[string]bool{}
	s.faults.reset()
	s.notifyLocked()
}

// Messages returns every recorded message, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshotLocked()
}

// MessagesTo returns the messages sent to phone, oldest first.
func (s *Server) MessagesTo(phone string) []Message {
	var out []Message
	for _, m := range s.Messages() {
		if m.To == phone {
			out = append(out, m)
		}
	}
	return out
}

// Message returns the message with the SID.
func (s *Server) Message(sid string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.bySID[sid]
	if !ok {
		return Message{}, false
	}
	return m.clone(), true
}

// Changed returns a channel closed at the next change: a message recorded
// or a status moved. The console uses it to push updates.
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// WaitUntil waits until cond holds for the recorded messages (oldest first)
// and returns them, or returns ctx's error.
func (s *Server) WaitUntil(ctx context.Context, cond func([]Message) bool) ([]Message, error) {
	for {
		s.mu.Lock()
		msgs, changed := s.snapshotLocked(), s.changed
		s.mu.Unlock()
		if cond(msgs) {
			return msgs, nil
		}
		select {
		case <-ctx.Done():
			return msgs, fmt.Errorf("sandbox: waiting for messages: %w", ctx.Err())
		case <-changed:
		}
	}
}

// WaitFor waits until at least n messages are recorded.
func (s *Server) WaitFor(ctx context.Context, n int) ([]Message, error) {
	return s.WaitUntil(ctx, func(m []Message) bool { return len(m) >= n })
}

// Wait waits until every message's status steps have run and their
// callbacks have been answered.
func (s *Server) Wait(ctx context.Context) error {
	for {
		s.mu.Lock()
		pending, idle := s.pending, s.idle
		s.mu.Unlock()
		if pending == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("sandbox: waiting for status callbacks: %w", ctx.Err())
		case <-idle:
		}
	}
}

func (s *Server) snapshotLocked() []Message {
	out := make([]Message, len(s.messages))
	for i, m := range s.messages {
		out[i] = m.clone()
	}
	return out
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// maxRequestBody bounds a create request; Twilio's limit is on the body
// text (1,600 characters) and ten media URLs.
const maxRequestBody = 1 << 20

// ServeHTTP answers /2010-04-01/Accounts/{AccountSid}/Messages.json and
// .../Messages/{Sid}.json under whatever prefix the Server is mounted at.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	down := s.faults.down
	s.mu.Unlock()
	if down {
		writeError(w, apiError{Status: http.StatusServiceUnavailable, Code: 20503, Message: errorMessage(20503, 503)})
		return
	}

	const root = "/" + apiVersion + "/Accounts/"
	i := strings.Index(r.URL.Path, root)
	if i < 0 {
		writeError(w, notFound(r.URL.Path))
		return
	}
	resource := r.URL.Path[i:] // the path as Twilio would see it
	account, rest, _ := strings.Cut(r.URL.Path[i+len(root):], "/")
	if !s.authorized(r, account) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		writeError(w, apiError{Status: http.StatusUnauthorized, Code: 20003, Message: errorMessage(20003, 401)})
		return
	}
	switch {
	case rest == "Messages.json":
		switch r.Method {
		case http.MethodPost:
			s.create(w, r, account)
		case http.MethodGet, http.MethodHead:
			s.list(w, r, account)
		default:
			writeError(w, methodNotAllowed(r.Method))
		}
	case strings.HasPrefix(rest, "Messages/") && strings.HasSuffix(rest, ".json") && strings.Count(rest, "/") == 1:
		sid := strings.TrimSuffix(strings.TrimPrefix(rest, "Messages/"), ".json")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeError(w, methodNotAllowed(r.Method))
			return
		}
		m, ok := s.Message(sid)
		if !ok || m.AccountSID != account {
			writeError(w, notFound(resource))
			return
		}
		writeJSON(w, http.StatusOK, m.resource())
	default:
		writeError(w, notFound(resource))
	}
}

// authorized checks HTTP basic auth against the configured credentials
// and the account in the path against the one authenticated.
func (s *Server) authorized(r *http.Request, account string) bool {
	user, pass, ok := r.BasicAuth()
	if !ok || s.cfg.AccountSID == "" || s.cfg.AuthToken == "" {
		return false
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(s.cfg.AccountSID)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(s.cfg.AuthToken)) == 1
	return userOK && passOK && account == s.cfg.AccountSID
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, account string) {
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
	if err := r.ParseForm(); err != nil {
		writeError(w, apiError{Status: http.StatusBadRequest, Code: 20001, Message: "Unreadable request body: " + err.Error()})
		return
	}
	form := r.PostForm

	s.mu.Lock()
	if len(s.faults.next) > 0 {
		fail := s.faults.next[0]
		s.faults.next = s.faults.next[1:]
		s.mu.Unlock()
		writeError(w, fail)
		return
	}
	s.mu.Unlock()

	m, apiErr := s.newMessage(account, form)
	if apiErr != nil {
		writeError(w, *apiErr)
		return
	}

	s.mu.Lock()
	code, ok := s.faults.refuse[m.To]
	if !ok && s.optedOut[m.To] {
		code, ok = 21610, true // the lead texted STOP: Twilio's default opt-out handling
	}
	if ok {
		s.mu.Unlock()
		writeError(w, apiError{Status: http.StatusBadRequest, Code: code, Message: errorMessage(code, 400)})
		return
	}
	s.messages = append(s.messages, m)
	s.bySID[m.SID] = m
	res := m.resource()
	s.notifyLocked()
	queued := s.startLifecycleLocked(m.SID)
	slow, held := s.faults.slow, s.faults.held
	s.mu.Unlock()
	if !queued {
		s.log.Warn("sandbox: no status callbacks for message: callback queue full or closed", "sid", m.SID)
	}
	if !s.answerLate(r.Context(), slow, held) {
		return // the client gave up waiting; the message stays sent
	}
	writeJSON(w, http.StatusCreated, res)
}

// answerLate waits for a slow or held answer; false when the client gave
// up first.
func (s *Server) answerLate(ctx context.Context, slow time.Duration, held chan struct{}) bool {
	if slow > 0 {
		t := time.NewTimer(slow)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return false
		}
	}
	if held != nil {
		select {
		case <-held:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// newMessage validates a create request as Twilio does, in Twilio's order
// of checks, and builds the message.
func (s *Server) newMessage(account string, form url.Values) (*Message, *apiError) {
	to := strings.TrimSpace(form.Get("To"))
	from := strings.TrimSpace(form.Get("From"))
	service := strings.TrimSpace(form.Get("MessagingServiceSid"))
	body := form.Get("Body")
	media := form["MediaUrl"]
	bad := func(code int, msg string) (*Message, *apiError) {
		return nil, &apiError{Status: http.StatusBadRequest, Code: code, Message: msg}
	}
	switch {
	case to == "":
		return bad(21604, errorMessage(21604, 400))
	case !isE164(to):
		return bad(21211, fmt.Sprintf("Invalid 'To' Phone Number: %s", to))
	case from == "" && service == "":
		return bad(21603, errorMessage(21603, 400))
	case body == "" && len(media) == 0:
		return bad(21602, errorMessage(21602, 400))
	case utf8.RuneCountInString(body) > 1600:
		return bad(21617, errorMessage(21617, 400))
	case len(media) > 10:
		return bad(21623, "The number of media files exceeds the limit of 10.")
	}
	for _, u := range media {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return bad(21620, errorMessage(21620, 400))
		}
	}
	if cb := form.Get("StatusCallback"); cb != "" {
		if p, err := url.Parse(cb); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return bad(21609, fmt.Sprintf("Invalid StatusCallback URL: %s", cb))
		}
	}
	now := s.now()
	prefix, status := "SM", "queued"
	if len(media) > 0 {
		prefix = "MM"
	}
	if service != "" {
		status = "accepted"
	}
	return &Message{
		SID:                 newSID(prefix),
		AccountSID:          account,
		MessagingServiceSID: service,
		From:                from,
		To:                  to,
		Body:                body,
		MediaURLs:           slices.Clone(media),
		Status:              status,
		NumSegments:         segments(body),
		StatusCallback:      form.Get("StatusCallback"),
		Created:             now,
		Updated:             now,
	}, nil
}

// isE164 reports whether s is + and 2 to 15 digits, not starting with 0.
func isE164(s string) bool {
	if len(s) < 3 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// defaultPageSize and maxPageSize are Twilio's.
const (
	defaultPageSize = 50
	maxPageSize     = 1000
)

// listResource is ListMessageResponse of Twilio's OpenAPI description.
type listResource struct {
	End             int               `json:"end"`
	FirstPageURI    string            `json:"first_page_uri"`
	NextPageURI     *string           `json:"next_page_uri"`
	Page            int               `json:"page"`
	PageSize        int               `json:"page_size"`
	PreviousPageURI *string           `json:"previous_page_uri"`
	Start           int               `json:"start"`
	URI             string            `json:"uri"`
	Messages        []messageResource `json:"messages"`
}

// list answers a page of the account's messages, newest first, filtered
// by To and From. Paging follows Page and PageSize, and PageToken when the
// client sends the one a previous page gave it, so new messages do not
// shift later pages. The DateSent filters are not implemented.
func (s *Server) list(w http.ResponseWriter, r *http.Request, account string) {
	q := r.URL.Query()
	pageSize := defaultPageSize
	if v := q.Get("PageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			writeError(w, apiError{Status: http.StatusBadRequest, Code: 20001, Message: fmt.Sprintf("Invalid PageSize %q: must be 1 to %d", v, maxPageSize)})
			return
		}
		pageSize = n
	}
	page := 0
	if v := q.Get("Page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, apiError{Status: http.StatusBadRequest, Code: 20001, Message: fmt.Sprintf("Invalid Page %q", v)})
			return
		}
		page = n
	}
	to, from := q.Get("To"), q.Get("From")

	var matched []Message
	all := s.Messages()
	for i := len(all) - 1; i >= 0; i-- {
		m := all[i]
		if m.AccountSID == account && (to == "" || m.To == to) && (from == "" || m.From == from) {
			matched = append(matched, m)
		}
	}
	start := min(page*pageSize, len(matched))
	if token := q.Get("PageToken"); strings.HasPrefix(token, "PA") {
		if i := slices.IndexFunc(matched, func(m Message) bool { return m.SID == token[2:] }); i >= 0 {
			start = i + 1
		}
	}
	end := min(start+pageSize, len(matched))

	pageURI := func(p int, token string) string {
		v := url.Values{}
		if to != "" {
			v.Set("To", to)
		}
		if from != "" {
			v.Set("From", from)
		}
		v.Set("PageSize", strconv.Itoa(pageSize))
		v.Set("Page", strconv.Itoa(p))
		if token != "" {
			v.Set("PageToken", token)
		}
		return fmt.Sprintf("/%s/Accounts/%s/Messages.json?%s", apiVersion, account, v.Encode())
	}
	res := listResource{
		FirstPageURI: pageURI(0, ""),
		Page:         page,
		PageSize:     pageSize,
		Start:        start,
		End:          max(start, end-1),
		URI:          pageURI(page, q.Get("PageToken")),
		Messages:     make([]messageResource, 0, end-start),
	}
	for _, m := range matched[start:end] {
		res.Messages = append(res.Messages, m.resource())
	}
	if end < len(matched) {
		next := pageURI(page+1, "PA"+matched[end-1].SID)
		res.NextPageURI = &next
	}
	if page > 0 {
		prev := pageURI(page-1, "")
		res.PreviousPageURI = &prev
	}
	writeJSON(w, http.StatusOK, res)
}

// apiError is Twilio's JSON error body.
type apiError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

func writeError(w http.ResponseWriter, e apiError) {
	if e.MoreInfo == "" && e.Code != 0 {
		e.MoreInfo = fmt.Sprintf("https://www.twilio.com/docs/errors/%d", e.Code)
	}
	writeJSON(w, e.Status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func notFound(resource string) apiError {
	return apiError{Status: http.StatusNotFound, Code: 20404, Message: fmt.Sprintf("The requested resource %s was not found", resource)}
}

func methodNotAllowed(method string) apiError {
	return apiError{Status: http.StatusMethodNotAllowed, Code: 20004, Message: fmt.Sprintf("Method %s not allowed", method)}
}

// errorMessage is Twilio's text for the error codes the sandbox answers.
func errorMessage(code, httpStatus int) string {
	switch code {
	case 20003:
		return "Authenticate"
	case 20429:
		return "Too Many Requests"
	case 20500:
		return "Internal Server Error"
	case 20503:
		return "Service Unavailable"
	case 21211:
		return "Invalid 'To' Phone Number"
	case 21408:
		return "Permission to send an SMS has not been enabled for the region indicated by the 'To' number"
	case 21602:
		return "Message body is required."
	case 21603:
		return "A 'From' phone number is required."
	case 21604:
		return "A 'To' phone number is required."
	case 21610:
		return "Attempt to send to unsubscribed recipient"
	case 21612:
		return "The 'To' phone number is not currently reachable via SMS"
	case 21614:
		return "'To' number is not a valid mobile number"
	case 21617:
		return "The concatenated message body exceeds the 1600 character limit."
	case 21620:
		return "Invalid media URL(s)."
	case 30003:
		return "Unreachable destination handset"
	case 30005:
		return "Unknown destination handset"
	case 30006:
		return "Landline or unreachable carrier"
	case 30007:
		return "Message filtered"
	}
	if t := http.StatusText(httpStatus); t != "" {
		return t
	}
	return fmt.Sprintf("Error %d", code)
}
