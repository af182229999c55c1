package inbox_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/channels/twilio"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/knowledge"
	"github.com/leadagent/leadagent/store/storetest"
	"github.com/leadagent/leadagent/turn"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "0123456789abcdef0123456789abcdef"
	business   = "+19705550100"
)

// testBundle is the whole path of an SMS on real parts: a fresh database
// with the demo knowledge, the offline agent, River workers, the Twilio
// sandbox as the REST API and the real webhook handlers over HTTP.
type testBundle struct {
	ctx      context.Context
	db       *pgxpool.Pool
	sandbox  *sandbox.Server
	hooks    *httptest.Server
	inbox    *inbox.Inbox
	agent    agent.Responder
	sender   channels.Sender
	status   string
	receiver *swappable
}

// swappable lets a test put a differently configured inbox behind the
// bundle's webhooks.
type swappable struct {
	mu sync.Mutex
	r  *inbox.Inbox
}

func (s *swappable) get() *inbox.Inbox {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.r
}

func (s *swappable) Receive(ctx context.Context, in channels.Inbound) error {
	return s.get().Receive(ctx, in)
}
func (s *swappable) DeliveryStatus(ctx context.Context, r channels.DeliveryReport) error {
	return s.get().DeliveryStatus(ctx, r)
}
func (s *swappable) CallStarted(ctx context.Context, c channels.Call) (channels.VoiceStep, error) {
	return s.get().CallStarted(ctx, c)
}
func (s *swappable) Heard(ctx context.Context, sp channels.Speech) (channels.VoiceStep, error) {
	return s.get().Heard(ctx, sp)
}
func (s *swappable) Whisper(ctx context.Context, id int64) (string, error) {
	return s.get().Whisper(ctx, id)
}
func (s *swappable) WhisperAnswered(ctx context.Context, sid string, id int64, digits string) (channels.VoiceStep, error) {
	return s.get().WhisperAnswered(ctx, sid, id, digits)
}
func (s *swappable) DialEnded(ctx context.Context, sid string, id int64, status string) (channels.VoiceStep, error) {
	return s.get().DialEnded(ctx, sid, id, status)
}
func (s *swappable) CallStatus(ctx context.Context, c channels.Call) error {
	return s.get().CallStatus(ctx, c)
}

func (b *testBundle) swapReceiver(ib *inbox.Inbox) {
	b.receiver.mu.Lock()
	b.receiver.r = ib
	b.receiver.mu.Unlock()
}

// quiet drops River's and the inbox's logs; failures speak through t.
func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type retriever struct{ kb *knowledge.Base }

func (r retriever) Search(ctx context.Context, q string, k int) ([]knowledge.Result, error) {
	return r.kb.Search(ctx, q, knowledge.SearchOptions{K: k})
}

type options struct {
	workers bool
	sender  channels.Sender // nil: the Twilio sender against the sandbox
	db      *pgxpool.Pool   // nil: a fresh database
}

func setup(t testing.TB, opts options) *testBundle {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	b := &testBundle{ctx: ctx, db: opts.db}
	if b.db == nil {
		b.db = storetest.NewDB(t)
		kb := knowledge.New(b.db, knowledge.NewLocalEmbedder())
		if _, err := kb.Ingest(ctx, []string{"../demo/knowledge"}, knowledge.IngestOptions{}); err != nil {
			t.Fatalf("ingest demo knowledge: %v", err)
		}
	}
	b.agent = agent.NewOffline(retriever{knowledge.New(b.db, knowledge.NewLocalEmbedder())},
		agent.Business{Name: "Summit Home Services", Phone: "(970) 555-0100"})

	b.sandbox = sandbox.New(sandbox.Config{AccountSID: accountSID, AuthToken: authToken})
	t.Cleanup(b.sandbox.Close)
	api := httptest.NewServer(b.sandbox)
	t.Cleanup(api.Close)
	b.sender = opts.sender
	if b.sender == nil {
		s, err := twilio.NewSender(twilio.SenderConfig{AccountSID: accountSID, AuthToken: authToken, FromNumber: business, APIBase: api.URL})
		if err != nil {
			t.Fatal(err)
		}
		b.sender = s
	}
	mux := http.NewServeMux()
	b.hooks = httptest.NewServer(mux)
	t.Cleanup(b.hooks.Close)
	b.status = b.hooks.URL + "/twilio/sms/status"
	b.inbox = b.newInbox(t, opts.workers, b.db)
	b.receiver = &swappable{r: b.inbox}
	hooks := &twilio.Webhooks{Receiver: b.receiver, Validator: twilio.NewValidator(authToken, "")}
	mux.HandleFunc("POST /twilio/sms", hooks.SMS)
	mux.HandleFunc("POST /twilio/sms/status", hooks.SMSStatus)
	voice := &twilio.Voice{Receiver: b.receiver, Validator: twilio.NewValidator(authToken, "")}
	mux.HandleFunc("POST /twilio/voice", voice.Call)
	mux.HandleFunc("POST /twilio/voice/gather", voice.Gather)
	mux.HandleFunc("POST /twilio/voice/whisper", voice.Whisper)
	mux.HandleFunc("POST /twilio/voice/dial", voice.DialEnded)
	mux.HandleFunc("POST /twilio/voice/status", voice.Status)
	return b
}

type inboxConfig = inbox.Config

func (b *testBundle) newInbox(t testing.TB, workers bool, db *pgxpool.Pool) *inbox.Inbox {
	t.Helper()
	return b.newInboxWith(t, func(c *inbox.Config) { c.Workers, c.DB = workers, db })
}

// newInboxWith starts an inbox with workers on the bundle's database,
// changed by edit.
func (b *testBundle) newInboxWith(t testing.TB, edit func(*inbox.Config)) *inbox.Inbox {
	t.Helper()
	cfg := inbox.Config{
		DB: b.db, Agent: b.agent, Sender: b.sender, Workers: true,
		Business:       inbox.Business{Name: "Summit Home Services", Phone: "(970) 555-0100"},
		StatusCallback: b.status, Logger: quiet(),
		RetryBackoff: func(int) time.Duration { return 50 * time.Millisecond },
		// An attempt whose outcome is unknown is looked for a second after.
		SendTimeout: 3 * time.Second,
	}
	edit(&cfg)
	workers := cfg.Workers
	ib, err := inbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if workers {
		if err := ib.Start(b.ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = ib.Stop(ctx)
		})
	}
	return ib
}

func (b *testBundle) lead(phone string) sandbox.Lead {
	return sandbox.Lead{ServerURL: b.hooks.URL, AuthToken: authToken, AccountSID: accountSID, From: phone, To: business}
}

// text sends a signed inbound SMS and fails the test unless it is accepted.
func (b *testBundle) text(t testing.TB, phone, body string) string {
	t.Helper()
	sid, err := b.lead(phone).Text(b.ctx, body)
	if err != nil {
		t.Fatalf("text %q: %v", body, err)
	}
	return sid
}

// replies waits for n messages to phone at the sandbox.
func (b *testBundle) replies(t testing.TB, phone string, n int) []sandbox.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	msgs, err := b.sandbox.WaitUntil(ctx, func([]sandbox.Message) bool { return len(b.sandbox.MessagesTo(phone)) >= n })
	if err != nil {
		t.Fatalf("waiting for %d replies to %s: %v (have %d)", n, phone, err, len(msgs))
	}
	return b.sandbox.MessagesTo(phone)
}

// settle waits until no job is left to run and every status callback has
// been delivered, so a test can assert that nothing more happens. Timers
// set minutes ahead (a handoff's SLA) do not count.
func (b *testBundle) settle(t *testing.T) {
	t.Helper()
	storetest.WaitJobs(t, b.db, 30*time.Second)
	if err := b.sandbox.Wait(b.ctx); err != nil {
		t.Fatal(err)
	}
}

func (b *testBundle) conversation(t *testing.T, phone string) crm.Conversation {
	t.Helper()
	list, err := crm.ListConversations(b.ctx, b.db, crm.Filter{Phone: phone})
	if err != nil || len(list) == 0 {
		t.Fatalf("conversations of %s: %d, %v", phone, len(list), err)
	}
	v, err := crm.GetConversation(b.ctx, b.db, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func hasEvent(v crm.Conversation, kind string) bool {
	for _, e := range v.Timeline {
		if e.Kind == kind {
			return true
		}
	}
	return false
}

func TestAnswersFromKnowledge(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: true})
	phone := "+19705551100"
	b.text(t, phone, "how much is a furnace tune-up?")
	got := b.replies(t, phone, 1)
	if !strings.Contains(got[0].Body, "$129") {
		t.Fatalf("reply %q does not give the tune-up price from the knowledge", got[0].Body)
	}
	if n, _ := agent.Segments(got[0].Body); n > 2 {
		t.Fatalf("reply is %d segments", n)
	}
	b.settle(t)
	v := b.conversation(t, phone)
	if len(v.Messages) != 2 {
		t.Fatalf("messages = %d, want the question and one reply", len(v.Messages))
	}
	out := v.Messages[1]
	if out.Direction != crm.Outbound || out.Author != crm.AuthorAI || out.Outcome != "answered" || len(out.Citations) == 0 {
		t.Fatalf("reply recorded as %+v", out)
	}
	if out.ProviderSID != got[0].SID || out.Status != "delivered" {
		t.Fatalf("reply sid=%s status=%s, want %s delivered (status callbacks applied)", out.ProviderSID, out.Status, got[0].SID)
	}
	for _, kind := range []string{crm.EventMessageReceived, crm.EventReplyQueued, crm.EventMessageSent, crm.EventDeliveryStatus} {
		if !hasEvent(v, kind) {
			t.Errorf("timeline lacks %s", kind)
		}
	}

	// A follow-up reads the conversation so far.
	b.text(t, phone, "what about the AC?")
	got = b.replies(t, phone, 2)
	if got[0].Body == "" || strings.Contains(strings.ToLower(got[0].Body), "don't have that information") {
		t.Fatalf("follow-up answered %q", got[0].Body)
	}
}

func TestUnknownQuestionInventsNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: true})
	phone := "+19705551101"
	b.text(t, phone, "do you install swimming pools in Denver?")
	got := b.replies(t, phone, 1)
	b.settle(t)
	v := b.conversation(t, phone)
	if out := v.Messages[1]; out.Outcome != "unknown" || strings.Contains(got[0].Body, "$") {
		t.Fatalf("unknown question answered %q with outcome %s", got[0].Body, out.Outcome)
	}
}

func TestRetriedWebhookChangesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: true})
	phone := "+19705551102"
	lead := b.lead(phone)
	form := lead.Message("what are your hours?")
	for i := 0; i < 3; i++ {
		if err := lead.Post(b.ctx, form); err != nil {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	b.replies(t, phone, 1)
	b.settle(t)
	if n := len(b.sandbox.MessagesTo(phone)); n != 1 {
		t.Fatalf("%d replies to one message delivered three times", n)
	}
	if v := b.conversation(t, phone); len(v.Messages) != 2 {
		t.Fatalf("messages = %d, want 2", len(v.Messages))
	}
}

func TestOptOutAndBackIn(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: true})
	phone := "+19705551103"
	b.text(t, phone, "Stop")
	b.text(t, phone, "how much is a tune-up?")
	b.settle(t)
	if n := len(b.sandbox.MessagesTo(phone)); n != 0 {
		t.Fatalf("sent %d messages to an opted-out lead", n)
	}
	v := b.conversation(t, phone)
	if !v.Contact.OptedOut || v.Contact.OptOutKeyword != "STOP" || !hasEvent(v, crm.EventOptedOut) || !hasEvent(v, crm.EventSuppressed) {
		t.Fatalf("after STOP: %+v, events %+v", v.Contact, v.Timeline)
	}
	b.text(t, phone, "START")
	b.text(t, phone, "how much is a tune-up?")
	got := b.replies(t, phone, 1)
	if !strings.Contains(got[0].Body, "$") {
		t.Fatalf("after START the reply was %q", got[0].Body)
	}
	if v := b.conversation(t, phone); v.Contact.OptedOut || !hasEvent(v, crm.EventOptedIn) {
		t.Fatalf("after START: %+v", v.Contact)
	}
}

// TestHelpKeyword: the product answers HELP with the business's name and
// phone where it confirms keywords itself; where Twilio's default
// handling answers it (the default), the product sends nothing.
func TestHelpKeyword(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: true})
	phone := "+19705551104"
	b.text(t, phone, "HELP")
	b.settle(t)
	if got := b.sandbox.MessagesTo(phone); len(got) != 0 {
		t.Fatalf("HELP answered %q by the product, which Twilio answers", got[0].Body)
	}
	b.swapReceiver(b.newInboxWith(t, func(c *inbox.Config) { c.Confirmations = turn.ConfirmBySelf }))
	b.text(t, phone, "HELP")
	got := b.replies(t, phone, 1)
	if !strings.Contains(got[0].Body, "Summit Home Services") || !strings.Contains(got[0].Body, "(970) 555-0100") {
		t.Fatalf("HELP answered %q", got[0].Body)
	}
}

func TestMediaIsRecordedAndLeadToldTextOnly(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: true})
	phone := "+19705551105"
	if _, err := b.lead(phone).TextMedia(b.ctx, "", channels.Media{URL: "https://api.twilio.com/media/ME1", ContentType: "image/jpeg"}); err != nil {
		t.Fatal(err)
	}
	got := b.replies(t, phone, 1)
	if !strings.Contains(got[0].Body, "only read text") {
		t.Fatalf("picture answered %q", got[0].Body)
	}
	v := b.conversation(t, phone)
	if len(v.Messages[0].Media) != 1 || v.Messages[0].Media[0].ContentType != "image/jpeg" {
		t.Fatalf("media not recorded: %+v", v.Messages[0])
	}
}

func TestOddInputs(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: true})
	long := strings.Repeat("We need our furnace looked at before winter, what does a tune-up cost? ", 30)[:1600]
	b.text(t, "+19705551106", long)
	b.text(t, "+19705551107", "👍🔥🙂")
	for _, phone := range []string{"+19705551106", "+19705551107"} {
		got := b.replies(t, phone, 1)
		if n, _ := agent.Segments(got[0].Body); n > 2 {
			t.Errorf("reply to %s is %d segments", phone, n)
		}
	}
	// A sender that is no phone number is recorded as given; the reply the
	// carrier refuses is marked failed, not retried forever.
	b.text(t, "12345", "hi there")
	b.settle(t)
	v := b.conversation(t, "12345")
	if v.Contact.PhoneValid || !hasEvent(v, crm.EventPhoneUnparsed) {
		t.Fatalf("odd sender stored as %+v", v.Contact)
	}
	if len(v.Messages) != 2 || v.Messages[1].Status != "failed" || v.Messages[1].ErrorCode != 21211 {
		t.Fatalf("reply to an odd sender: %+v", v.Messages)
	}
}

func TestDatabaseDownAnswers503AndWritesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: false})
	dead, err := pgxpool.New(b.ctx, "postgres://postgres@127.0.0.1:1/none?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dead.Close)
	down := b.newInbox(t, false, dead)
	hooks := &twilio.Webhooks{Receiver: down, Validator: twilio.NewValidator(authToken, ""), Logger: quiet()}
	srv := httptest.NewServer(http.HandlerFunc(hooks.SMS))
	t.Cleanup(srv.Close)

	lead := b.lead("+19705551108")
	lead.ServerURL, lead.WebhookPath = srv.URL, "/"
	form := lead.Message("are you open saturday?")
	err = lead.Post(b.ctx, form)
	var we *sandbox.WebhookError
	if !errors.As(err, &we) || we.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("database down: %v, want a 503", err)
	}
	// Twilio retries once the database is back: recorded exactly once.
	lead = b.lead("+19705551108")
	for i := 0; i < 2; i++ {
		if err := lead.Post(b.ctx, form); err != nil {
			t.Fatal(err)
		}
	}
	if v := b.conversation(t, "+19705551108"); len(v.Messages) != 1 {
		t.Fatalf("messages = %d after the retries, want 1", len(v.Messages))
	}
}

func TestTwilioDownReplyWaitsAndGoesOutOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: true})
	phone := "+19705551109"
	b.sandbox.SetDown(true)
	b.text(t, phone, "do you offer financing?")
	// Wait until the send job has failed at least twice.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var attempts int
		err := b.db.QueryRow(b.ctx, `SELECT COALESCE(max(attempt), 0) FROM river_job WHERE kind = 'send'`).Scan(&attempts)
		if err != nil {
			t.Fatal(err)
		}
		if attempts >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("send job never retried")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(b.sandbox.MessagesTo(phone)); n != 0 {
		t.Fatalf("%d messages accepted while down", n)
	}
	b.sandbox.SetDown(false)
	b.replies(t, phone, 1)
	b.settle(t)
	if n := len(b.sandbox.MessagesTo(phone)); n != 1 {
		t.Fatalf("%d messages after recovery, want exactly 1", n)
	}
}

func TestRateLimitedThenSent(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: true})
	phone := "+19705551110"
	b.sandbox.FailNext(2, http.StatusTooManyRequests, 20429)
	b.text(t, phone, "what areas do you serve?")
	b.replies(t, phone, 1)
	b.settle(t)
	if n := len(b.sandbox.MessagesTo(phone)); n != 1 {
		t.Fatalf("%d messages, want 1", n)
	}
}

func TestUnsubscribedRefusalOptsOut(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: true})
	phone := "+19705551111"
	b.sandbox.Refuse(phone, channels.CodeUnsubscribed)
	b.text(t, phone, "what are your hours?")
	b.settle(t)
	v := b.conversation(t, phone)
	if !v.Contact.OptedOut || v.Messages[1].Status != "failed" || v.Messages[1].ErrorCode != channels.CodeUnsubscribed {
		t.Fatalf("after 21610: contact %+v, reply %+v", v.Contact, v.Messages[1])
	}
	var attempts int
	if err := b.db.QueryRow(b.ctx, `SELECT max(attempt) FROM river_job WHERE kind = 'send'`).Scan(&attempts); err != nil || attempts != 1 {
		t.Fatalf("a permanent refusal was tried %d times (%v), want once", attempts, err)
	}
}

func TestUndeliveredStatusOptsOut(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: true})
	phone := "+19705551112"
	b.sandbox.Undeliverable(phone, channels.CodeUnsubscribed)
	b.text(t, phone, "what are your hours?")
	b.replies(t, phone, 1)
	b.settle(t)
	v := b.conversation(t, phone)
	if !v.Contact.OptedOut || v.Messages[1].Status != "undelivered" {
		t.Fatalf("after an undelivered 21610 callback: contact %+v, reply %+v", v.Contact, v.Messages[1])
	}
}

// countingSender counts sends and can hold them until released.
type countingSender struct {
	next  channels.Sender
	sends atomic.Int32
}

func (s *countingSender) Send(ctx context.Context, m channels.Outbound) (channels.SendResult, error) {
	s.sends.Add(1)
	return s.next.Send(ctx, m)
}

func TestReplyGoesOutOnceAfterRestart(t *testing.T) {
	t.Parallel()
	// The webhook process commits the message and its reply job, then
	// every worker is gone: nothing is sent.
	b := setup(t, options{workers: false})
	phone := "+19705551113"
	b.text(t, phone, "do you repair water heaters?")
	var queued int
	// Replies wait in a queue of their own, bounded apart from the others.
	if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM river_job WHERE kind = 'respond' AND queue = 'respond' AND state = 'available'`).Scan(&queued); err != nil || queued != 1 {
		t.Fatalf("respond jobs waiting in the respond queue = %d, %v", queued, err)
	}
	// A worker took the job and died before finishing: the job is left
	// running. River's rescuer hands it to the next worker once it is stale.
	if _, err := b.db.Exec(b.ctx, `UPDATE river_job SET state = 'running', attempt = 1,
		attempted_at = now() - interval '1 hour', attempted_by = ARRAY['worker-that-died'] WHERE kind = 'respond'`); err != nil {
		t.Fatal(err)
	}
	counting := &countingSender{next: b.sender}
	b.sender = counting
	ib, err := inbox.New(inbox.Config{
		DB: b.db, Agent: b.agent, Sender: counting, Workers: true, StatusCallback: b.status, Logger: quiet(),
		RescueStuckJobsAfter: time.Second, RetryBackoff: func(int) time.Duration { return 50 * time.Millisecond },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := ib.Start(b.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ib.Stop(context.Background()) })
	b.replies(t, phone, 1)
	b.settle(t)
	if n := counting.sends.Load(); n != 1 {
		t.Fatalf("sent %d times, want once", n)
	}
	if n := len(b.sandbox.MessagesTo(phone)); n != 1 {
		t.Fatalf("%d messages at Twilio, want 1", n)
	}
}

// busyAgent answers after a pause, counting how many turns it works on at
// once.
type busyAgent struct {
	mu        sync.Mutex
	now, most int
	pause     time.Duration
}

func (a *busyAgent) Turn(ctx context.Context, in agent.TurnInput) (agent.Reply, error) {
	a.mu.Lock()
	a.now++
	a.most = max(a.most, a.now)
	a.mu.Unlock()
	time.Sleep(a.pause)
	a.mu.Lock()
	a.now--
	a.mu.Unlock()
	return agent.Reply{Text: "Thanks, we'll be in touch.", Outcome: agent.OutcomeAnswered}, nil
}

// TestRespondWorkersBoundReplies: however many leads wait for a reply, a
// process works out at most RespondWorkers of them at once, so that a
// responder that computes its answers leaves the webhooks a core.
func TestRespondWorkersBoundReplies(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	busy := &busyAgent{pause: 200 * time.Millisecond}
	ib := b.newInboxWith(t, func(c *inbox.Config) { c.Agent, c.RespondWorkers = busy, 1 })
	b.swapReceiver(ib)
	phones := []string{"+19705551181", "+19705551182", "+19705551183"}
	for _, p := range phones {
		b.text(t, p, "do you repair water heaters?")
	}
	for _, p := range phones {
		b.replies(t, p, 1)
	}
	busy.mu.Lock()
	defer busy.mu.Unlock()
	if busy.most != 1 {
		t.Errorf("%d replies worked out at once, want at most 1", busy.most)
	}
}
