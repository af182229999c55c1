package webhooks_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/internal/errkind"
	"github.com/leadagent/leadagent/internal/fakeclock"
	"github.com/leadagent/leadagent/store/storetest"
	"github.com/leadagent/leadagent/webhooks"
)

// received is one request the receiver verified.
type received struct {
	header  http.Header
	payload map[string]any
}

// receiver is an endpoint that checks every delivery with the Standard
// Webhooks library and answers with the statuses it is given in turn
// (200 once they run out).
type receiver struct {
	t        *testing.T
	srv      *httptest.Server
	mu       sync.Mutex
	secret   string
	statuses []int
	got      chan received
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{t: t, statuses: statuses, got: make(chan received, 64)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		secret := r.secret
		status := http.StatusOK
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		r.mu.Unlock()
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Errorf("receiver: secret %q: %v", secret, err)
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		if err := wh.Verify(body, req.Header); err != nil {
			t.Errorf("receiver: delivery does not verify: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var p map[string]any
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("receiver: payload: %v", err)
		}
		r.got <- received{header: req.Header.Clone(), payload: p}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `{"status":"`+http.StatusText(status)+`"}`)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) setSecret(s string) {
	r.mu.Lock()
	r.secret = s
	r.mu.Unlock()
}

// next is the next verified delivery; the test fails if none comes.
func (r *receiver) next(t *testing.T) received {
	t.Helper()
	select {
	case g := <-r.got:
		return g
	case <-time.After(30 * time.Second):
		t.Fatal("no delivery arrived")
		return received{}
	}
}

func (r *receiver) none(t *testing.T) {
	t.Helper()
	select {
	case g := <-r.got:
		t.Fatalf("unexpected delivery: %v", g.payload)
	default:
	}
}

type testBundle struct {
	ctx   context.Context
	db    *pgxpool.Pool
	clock *fakeclock.Clock
	hooks *webhooks.Webhooks
	jobs  *river.Client[pgx.Tx]
}

func setup(t *testing.T, cfg webhooks.Config) testBundle {
	t.Helper()
	db := storetest.NewDB(t)
	jobs, err := river.NewClient(riverpgxv5.New(db), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	clock := fakeclock.New(time.Now())
	cfg.DB, cfg.Jobs = db, jobs
	if cfg.Now == nil {
		cfg.Now = clock.Now
	}
	hooks, err := webhooks.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return testBundle{ctx: context.Background(), db: db, clock: clock, hooks: hooks, jobs: jobs}
}

func (b testBundle) endpoint(t *testing.T, r *receiver, events ...string) webhooks.Endpoint {
	t.Helper()
	e, err := webhooks.CreateEndpoint(b.ctx, b.db, webhooks.NewEndpoint{URL: r.srv.URL + "/hook", Events: events})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.Secret, "whsec_") {
		t.Fatalf("secret %q: want the whsec_ prefix", e.Secret)
	}
	r.setSecret(e.Secret)
	return e
}

// inbound records a lead's text the way the inbox does: the message and
// its timeline event.
func (b testBundle) inbound(t *testing.T, db crm.DB, phone, body string) (crm.Conversation, crm.Message) {
	t.Helper()
	c, err := crm.ContactByPhone(b.ctx, db, phone, "US")
	if err != nil {
		t.Fatal(err)
	}
	v, err := crm.OpenConversation(b.ctx, db, c.ID, "sms")
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := crm.RecordInbound(b.ctx, db, crm.NewInbound{ConversationID: v.ID, Body: body, ProviderSID: "SM" + phone[1:] + body[:1]})
	if err != nil {
		t.Fatal(err)
	}
	if err := crm.AddEvent(b.ctx, db, crm.NewEvent{ConversationID: v.ID, ContactID: c.ID,
		Detail: crm.MessageReceived{MessageID: m.ID}}); err != nil {
		t.Fatal(err)
	}
	return v, m
}

// deliverAll posts every pending delivery once, as the job would.
func (b testBundle) deliverAll(t *testing.T) []error {
	t.Helper()
	rows, _ := b.db.Query(b.ctx, `SELECT id::text FROM webhook_deliveries WHERE status = 'pending' ORDER BY seq`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	for _, id := range ids {
		errs = append(errs, b.hooks.Deliver(b.ctx, id, false))
	}
	return errs
}

func (b testBundle) dispatch(t *testing.T) int {
	t.Helper()
	n, err := b.hooks.Dispatch(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDeliveryIsSignedAndCarriesTheEvent(t *testing.T) {
	t.Parallel()
	b := setup(t, webhooks.Config{})
	r := newReceiver(t)
	b.endpoint(t, r, crm.PublicMessageReceived, crm.PublicContactOptedOut)

	v, m := b.inbound(t, b.db, "+19705550101", "Do you fix hail damage?")
	if err := crm.AddEvent(b.ctx, b.db, crm.NewEvent{ConversationID: v.ID, ContactID: v.ContactID,
		Detail: crm.OptedOut{Keyword: "STOP", MessageID: m.ID}}); err != nil {
		t.Fatal(err)
	}
	if n := b.dispatch(t); n != 2 {
		t.Fatalf("dispatched %d events, want 2", n)
	}
	for _, err := range b.deliverAll(t) {
		if err != nil {
			t.Fatal(err)
		}
	}

	got := r.next(t)
	p := got.payload
	if p["type"] != crm.PublicMessageReceived || p["version"] != float64(1) {
		t.Errorf("payload type/version = %v/%v", p["type"], p["version"])
	}
	if _, err := time.Parse(time.RFC3339, p["timestamp"].(string)); err != nil {
		t.Errorf("timestamp %v: %v", p["timestamp"], err)
	}
	if !strings.HasPrefix(got.header.Get("webhook-id"), "msg_") || got.header.Get("webhook-timestamp") == "" ||
		!strings.HasPrefix(got.header.Get("webhook-signature"), "v1,") {
		t.Errorf("headers: %v", got.header)
	}
	data := p["data"].(map[string]any)
	contact := data["contact"].(map[string]any)
	msg := data["message"].(map[string]any)
	if contact["phone"] != "+19705550101" || contact["id"] != v.ContactID {
		t.Errorf("contact = %v", contact)
	}
	if data["conversation"].(map[string]any)["id"] != v.ID {
		t.Errorf("conversation = %v", data["conversation"])
	}
	if msg["id"] != m.ID || msg["body"] != "Do you fix hail damage?" || msg["direction"] != "inbound" ||
		msg["author"] != "lead" || msg["channel"] != "sms" {
		t.Errorf("message = %v", msg)
	}

	got = r.next(t)
	if got.payload["type"] != crm.PublicContactOptedOut {
		t.Fatalf("second delivery is %v", got.payload["type"])
	}
	if k := got.payload["data"].(map[string]any)["keyword"]; k != "STOP" {
		t.Errorf("opt-out keyword = %v", k)
	}
}

func TestRetryKeepsTheWebhookID(t *testing.T) {
	t.Parallel()
	b := setup(t, webhooks.Config{})
	r := newReceiver(t, http.StatusInternalServerError, http.StatusOK)
	e := b.endpoint(t, r, crm.PublicMessageReceived)
	b.inbound(t, b.db, "+19705550102", "hello")
	b.dispatch(t)

	if errs := b.deliverAll(t); len(errs) != 1 || errs[0] == nil {
		t.Fatalf("first attempt: %v, want one error (HTTP 500)", errs)
	}
	first := r.next(t)
	b.clock.Add(5 * time.Second)
	if errs := b.deliverAll(t); len(errs) != 1 || errs[0] != nil {
		t.Fatalf("second attempt: %v", errs)
	}
	second := r.next(t)
	if id := first.header.Get("webhook-id"); id == "" || id != second.header.Get("webhook-id") {
		t.Errorf("webhook-id %q then %q: want the same", id, second.header.Get("webhook-id"))
	}

	ds, err := webhooks.Deliveries(b.ctx, b.db, e.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Status != webhooks.StatusDelivered || len(ds[0].Attempts) != 2 {
		t.Fatalf("deliveries = %+v, want one delivered with two attempts", ds)
	}
	a := ds[0].Attempts
	if a[0].StatusCode != 500 || a[0].Error == "" || a[1].StatusCode != 200 || a[1].Error != "" ||
		!strings.Contains(a[1].ResponseBody, "OK") {
		t.Errorf("attempts = %+v", a)
	}
	if ds[0].MessageID != first.header.Get("webhook-id") {
		t.Errorf("delivery's webhook id %q, header %q", ds[0].MessageID, first.header.Get("webhook-id"))
	}
}

func TestEndpointIsDisabledAfterContinuousFailure(t *testing.T) {
	t.Parallel()
	b := setup(t, webhooks.Config{DisableAfter: 24 * time.Hour})
	r := newReceiver(t, 500, 500, 500, 500)
	e := b.endpoint(t, r, crm.PublicMessageReceived)

	b.inbound(t, b.db, "+19705550103", "one")
	b.dispatch(t)
	b.deliverAll(t)
	b.clock.Add(23 * time.Hour)
	b.deliverAll(t)
	if got, _ := webhooks.GetEndpoint(b.ctx, b.db, e.ID); got.DisabledAt != nil || got.FailingSince == nil {
		t.Fatalf("after 23 h of failure: %+v, want failing and enabled", got)
	}
	b.clock.Add(2 * time.Hour)
	b.deliverAll(t)
	got, err := webhooks.GetEndpoint(b.ctx, b.db, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DisabledAt == nil || !strings.Contains(got.DisabledReason, "HTTP 500") {
		t.Fatalf("after 25 h of failure: %+v, want disabled with the reason", got)
	}
	// With its only endpoint off, the outbox keeps nothing for webhooks.
	if subs, err := crm.Subscribers(b.ctx, b.db); err != nil || subs["webhooks"] != nil {
		t.Fatalf("subscribers after the endpoint was disabled: %v (%v)", subs, err)
	}

	// A disabled endpoint gets nothing new, and what was queued is skipped.
	b.inbound(t, b.db, "+19705550104", "two")
	b.dispatch(t)
	for _, r := range b.deliverAll(t) {
		if r != nil {
			t.Fatalf("a disabled endpoint's delivery: %v", r)
		}
	}
	for range 3 {
		r.next(t)
	}
	r.none(t)

	// Enabled again, it starts afresh.
	if err := webhooks.EnableEndpoint(b.ctx, b.db, e.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := webhooks.GetEndpoint(b.ctx, b.db, e.ID); got.DisabledAt != nil || got.FailingSince != nil {
		t.Fatalf("enabled: %+v", got)
	}
	if subs, err := crm.Subscribers(b.ctx, b.db); err != nil || len(subs["webhooks"]) == 0 {
		t.Fatalf("subscribers after the endpoint was enabled: %v (%v)", subs, err)
	}
}

func TestOnlySubscribedEventsAreDelivered(t *testing.T) {
	t.Parallel()
	b := setup(t, webhooks.Config{})
	leads, texts := newReceiver(t), newReceiver(t)
	el := b.endpoint(t, leads, crm.PublicLeadCreated)
	et := b.endpoint(t, texts, crm.PublicMessageReceived)

	b.inbound(t, b.db, "+19705550105", "hi")
	b.dispatch(t)
	b.deliverAll(t)
	if got := texts.next(t); got.payload["type"] != crm.PublicMessageReceived {
		t.Fatalf("got %v", got.payload["type"])
	}
	leads.none(t)
	for id, want := range map[string]int{el.ID: 0, et.ID: 1} {
		ds, err := webhooks.Deliveries(b.ctx, b.db, id, 10)
		if err != nil || len(ds) != want {
			t.Errorf("endpoint %s: %d deliveries (%v), want %d", id, len(ds), err, want)
		}
	}
}

func TestOutboxCommitsWithTheChange(t *testing.T) {
	t.Parallel()
	b := setup(t, webhooks.Config{})
	count := func() (n int) {
		if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM event_outbox`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Nobody wants the outbox's events: a change writes none.
	b.inbound(t, b.db, "+19705550108", "nobody listens")
	if n := count(); n != 0 {
		t.Fatalf("%d outbox rows with no subscriber, want 0", n)
	}
	if err := crm.Subscribe(b.ctx, b.db, "a-sync", []string{crm.PublicMessageReceived}); err != nil {
		t.Fatal(err)
	}
	tx, err := b.db.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	b.inbound(t, tx, "+19705550106", "rolled back")
	if err := tx.Rollback(b.ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d outbox rows after a rollback, want 0", n)
	}
	b.inbound(t, b.db, "+19705550106", "kept")
	if n := count(); n != 1 {
		t.Fatalf("%d outbox rows after a commit, want 1", n)
	}
	// With no endpoint or sink, dispatching simply empties the outbox.
	if n := b.dispatch(t); n != 1 || count() != 0 {
		t.Fatalf("dispatched %d, %d left", n, count())
	}
	// A detail that is not public writes none.
	v, _ := b.inbound(t, b.db, "+19705550107", "x")
	b.dispatch(t)
	if err := crm.AddEvent(b.ctx, b.db, crm.NewEvent{ConversationID: v.ID, ContactID: v.ContactID,
		Detail: crm.ReplyQueued{MessageID: "", Author: "ai"}}); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d outbox rows for a private event", n)
	}
}

func TestTestSendAndReplay(t *testing.T) {
	t.Parallel()
	b := setup(t, webhooks.Config{})
	r := newReceiver(t)
	e := b.endpoint(t, r, crm.PublicLeadCreated)
	id, err := b.hooks.SendTest(b.ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	b.deliverAll(t)
	first := r.next(t)
	if first.payload["type"] != webhooks.EventTest {
		t.Fatalf("test send: %v", first.payload)
	}
	if _, err := b.hooks.Replay(b.ctx, id); err != nil {
		t.Fatal(err)
	}
	b.deliverAll(t)
	again := r.next(t)
	if again.header.Get("webhook-id") != first.header.Get("webhook-id") {
		t.Errorf("a replay is the same event: webhook-id %q, was %q", again.header.Get("webhook-id"), first.header.Get("webhook-id"))
	}
	if _, err := b.hooks.Replay(b.ctx, "00000000-0000-0000-0000-000000000000"); !errorsIs(err, errkind.NotFound) {
		t.Errorf("replay of nothing: %v", err)
	}
	if _, err := b.hooks.SendTest(b.ctx, "nope"); !errorsIs(err, errkind.NotFound) {
		t.Errorf("test of nothing: %v", err)
	}
}

// TestRiverDeliversAndRetries runs the real job: River works the
// delivery, retries the 500 on the schedule, and the receiver gets the
// same event twice.
func TestRiverDeliversAndRetries(t *testing.T) {
	t.Parallel()
	b := setup(t, webhooks.Config{Retries: []time.Duration{time.Millisecond}, Now: time.Now})
	r := newReceiver(t, http.StatusServiceUnavailable)
	e := b.endpoint(t, r, crm.PublicMessageReceived)

	workers := river.NewWorkers()
	river.AddWorker(workers, b.hooks.Worker())
	client, err := river.NewClient(riverpgxv5.New(b.db), &river.Config{Workers: workers,
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	completed, stopSub := client.Subscribe(river.EventKindJobCompleted)
	defer stopSub()
	if err := client.Start(b.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Stop(context.Background()) })

	b.inbound(t, b.db, "+19705550108", "via river")
	b.dispatch(t)
	first, second := r.next(t), r.next(t)
	if first.header.Get("webhook-id") != second.header.Get("webhook-id") {
		t.Error("a retry changed the webhook-id")
	}
	select {
	case <-completed:
	case <-time.After(30 * time.Second):
		t.Fatal("the delivery job did not complete")
	}
	ds, err := webhooks.Deliveries(b.ctx, b.db, e.ID, 10)
	if err != nil || len(ds) != 1 || ds[0].Status != webhooks.StatusDelivered || len(ds[0].Attempts) != 2 {
		t.Fatalf("deliveries = %+v (%v)", ds, err)
	}
}

// TestSinksGetEveryEvent: another consumer of the outbox (a CRM sync)
// gets each event once, in Dispatch's transaction, endpoints or not.
func TestSinksGetEveryEvent(t *testing.T) {
	t.Parallel()
	var got []string
	sink := webhooks.Sink{Name: "a-sync", Events: []string{crm.PublicMessageReceived},
		Enqueue: func(_ context.Context, tx pgx.Tx, typ string, payload json.RawMessage) error {
			if tx == nil || len(payload) == 0 {
				t.Errorf("sink got tx %v, payload %s", tx, payload)
			}
			got = append(got, typ)
			return nil
		}}
	b := setup(t, webhooks.Config{Sinks: []webhooks.Sink{sink}})
	// An earlier configuration's sink is forgotten when the process subscribes.
	if err := crm.Subscribe(b.ctx, b.db, "gone-sync", []string{crm.PublicLeadCreated}); err != nil {
		t.Fatal(err)
	}
	if err := b.hooks.Subscribe(b.ctx); err != nil {
		t.Fatal(err)
	}
	if subs, err := crm.Subscribers(b.ctx, b.db); err != nil || len(subs) != 1 || len(subs["a-sync"]) != 1 {
		t.Fatalf("subscribers %v (%v), want just a-sync", subs, err)
	}
	b.inbound(t, b.db, "+19705550109", "one")
	b.inbound(t, b.db, "+19705550110", "two")
	b.dispatch(t)
	b.dispatch(t)
	if len(got) != 2 || got[0] != crm.PublicMessageReceived {
		t.Fatalf("sink got %v, want two message.received", got)
	}
}
