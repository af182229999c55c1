package hubspot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/store/storetest"
)

type testBundle struct {
	ctx  context.Context
	db   *pgxpool.Pool
	hs   *fakeHubSpot
	sink *Sink
	jobs *river.Client[pgx.Tx]
	// events are River's reports of the jobs it worked.
	events <-chan *river.Event
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// laterRetry puts a failed job's retry an hour away: a test retries it
// when it wants (JobRetry), not when a clock says.
type laterRetry struct{}

func (laterRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(time.Hour) }

// setup starts a River client working the sync's jobs one at a time (in
// the order they were queued) against a fake HubSpot.
func setup(t *testing.T, edit func(*Config)) *testBundle {
	t.Helper()
	db := storetest.NewDB(t)
	hs := newFakeHubSpot(t)
	b := &testBundle{ctx: context.Background(), db: db, hs: hs}
	cfg := Config{DB: db, Client: hs.client(), ConsoleURL: "https://leads.example.com", Logger: quiet()}
	if edit != nil {
		edit(&cfg)
	}
	workers := river.NewWorkers()
	// The sink is made after the client it inserts with; the workers
	// reach it through the bundle.
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[SyncArgs]) error {
		return (&syncWorker{s: b.sink}).Work(ctx, j)
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[ResyncArgs]) error {
		return (&resyncWorker{s: b.sink}).Work(ctx, j)
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[ContactCreatedArgs]) error {
		return (&contactCreatedWorker{s: b.sink}).Work(ctx, j)
	}))
	jobs, err := river.NewClient(riverpgxv5.New(db), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
		Workers:           workers,
		FetchCooldown:     5 * time.Millisecond,
		FetchPollInterval: 20 * time.Millisecond,
		RetryPolicy:       laterRetry{},
		Logger:            quiet(),
		TestOnly:          true,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Jobs = jobs
	if b.sink, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	b.jobs = jobs
	// The outbox keeps the events the sync wants, as the dispatcher's Run
	// subscribes it in the product.
	if err := crm.Subscribe(b.ctx, db, "hubspot", Events()); err != nil {
		t.Fatal(err)
	}
	events, cancel := jobs.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled,
		river.EventKindJobSnoozed)
	t.Cleanup(cancel)
	b.events = events
	ctx, stop := context.WithCancel(context.Background())
	if err := jobs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop()
		<-jobs.Stopped()
	})
	return b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// lead records a lead as the inbox does, with its public events.
func (b *testBundle) lead(t *testing.T, in crm.NewLead) crm.RecordedLead {
	t.Helper()
	var rec crm.RecordedLead
	must(t, pgx.BeginFunc(b.ctx, b.db, func(tx pgx.Tx) error {
		if err := in.Normalize("US"); err != nil {
			return err
		}
		var err error
		if rec, err = crm.RecordLead(b.ctx, tx, in, "", true); err != nil {
			return err
		}
		return crm.AddEvent(b.ctx, tx, crm.NewEvent{ConversationID: rec.Lead.ConversationID, ContactID: rec.Contact.ID,
			Detail: crm.LeadCreated{LeadID: rec.Lead.ID, Source: in.Source}})
	}))
	return rec
}

// inbound records a lead's text with its public event.
func (b *testBundle) inbound(t *testing.T, convID, contactID, body string) crm.Message {
	t.Helper()
	m, _, err := crm.RecordInbound(b.ctx, b.db, crm.NewInbound{ConversationID: convID, Body: body, ProviderSID: "SM" + fmt.Sprint(time.Now().UnixNano()),
		ReceivedAt: time.Date(2026, 12, 4, 22, 4, 5, 0, time.UTC)})
	must(t, err)
	b.event(t, convID, contactID, crm.MessageReceived{MessageID: m.ID})
	return m
}

func (b *testBundle) event(t *testing.T, convID, contactID string, d crm.Detail) {
	t.Helper()
	must(t, crm.AddEvent(b.ctx, b.db, crm.NewEvent{ConversationID: convID, ContactID: contactID, Detail: d}))
}

// dispatch takes the outbox as the webhooks dispatcher does and feeds
// every event to the sink, in one transaction; it returns how many it
// took.
func (b *testBundle) dispatch(t *testing.T) int {
	t.Helper()
	n := 0
	must(t, pgx.BeginFunc(b.ctx, b.db, func(tx pgx.Tx) error {
		events, err := crm.TakeOutbox(b.ctx, tx, 100)
		if err != nil {
			return err
		}
		for _, e := range events {
			if err := b.sink.Enqueue(b.ctx, tx, e.Type, e.Payload); err != nil {
				return err
			}
		}
		n = len(events)
		return nil
	}))
	return n
}

// await returns River's reports of the next n sync jobs worked. The deadline
// only stops a test that would hang; nothing is asserted of timing.
func (b *testBundle) await(t *testing.T, n int) []*river.Event {
	t.Helper()
	var out []*river.Event
	deadline := time.After(time.Minute)
	for len(out) < n {
		select {
		case e := <-b.events:
			switch e.Job.Kind {
			case SyncArgs{}.Kind(), ResyncArgs{}.Kind(), ContactCreatedArgs{}.Kind():
				out = append(out, e)
			} // the inbox's jobs (a rep's notice) are not the sync's
		case <-deadline:
			t.Fatalf("%d of %d jobs worked", len(out), n)
		}
	}
	return out
}

// sync dispatches the outbox and waits for its jobs, every one of which
// must complete.
func (b *testBundle) sync(t *testing.T) {
	t.Helper()
	for _, e := range b.await(t, b.dispatch(t)) {
		if e.Kind != river.EventKindJobCompleted {
			t.Fatalf("job %s: %s (%v)", e.Job.Kind, e.Kind, e.Job.Errors)
		}
	}
}

// again works a job that was worked once a second time, as River would
// after a crash between HubSpot's answer and its record of the job.
func again[T river.JobArgs](t *testing.T, w river.Worker[T], row *rivertype.JobRow) error {
	t.Helper()
	var args T
	must(t, json.Unmarshal(row.EncodedArgs, &args))
	return w.Work(context.Background(), &river.Job[T]{JobRow: row, Args: args})
}

// props reads a recorded request's properties, failing on any that is
// not a string (HubSpot takes every property as one).
func props(t *testing.T, r fakeRequest) map[string]string {
	t.Helper()
	m, ok := r.Body["properties"].(map[string]any)
	if !ok {
		t.Fatalf("%s %s: no properties in %v", r.Method, r.Path, r.Body)
	}
	out := map[string]string{}
	for k, v := range m {
		s, ok := v.(string)
		if !ok {
			t.Errorf("%s %s: property %s = %#v, want a string", r.Method, r.Path, k, v)
		}
		out[k] = s
	}
	return out
}

// wantProps checks properties field by field: every wanted one, and no
// other.
func wantProps(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: unexpected property %s = %q", what, k, v)
		}
	}
}

// wantAssociation checks a create's association to the contact.
func wantAssociation(t *testing.T, r fakeRequest, contactID string, typeID int) {
	t.Helper()
	raw, _ := json.Marshal(r.Body["associations"])
	want := fmt.Sprintf(`[{"to":{"id":%q},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":%d}]}]`, contactID, typeID)
	if string(raw) != want {
		t.Errorf("%s %s associations = %s, want %s", r.Method, r.Path, raw, want)
	}
}

func wantAuth(t *testing.T, b *testBundle, reqs []fakeRequest) {
	t.Helper()
	for _, r := range reqs {
		if r.Auth != "Bearer "+b.hs.token {
			t.Errorf("%s %s: Authorization %q", r.Method, r.Path, r.Auth)
		}
	}
}

func TestNewLeadIsSearchedThenCreated(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	rec := b.lead(t, crm.NewLead{Phone: "(970) 555-0142", Name: "Dana Reyes", Email: "dana@example.com", Source: "facebook_ad"})
	b.sync(t)

	reqs := b.hs.take()
	wantAuth(t, b, reqs)
	if len(reqs) != 2 {
		t.Fatalf("requests: %+v, want a search and a create", reqs)
	}
	search := reqs[0]
	if search.Method != http.MethodPost || search.Path != "/crm/v3/objects/contacts/search" {
		t.Fatalf("first request %s %s, want the search", search.Method, search.Path)
	}
	raw, _ := json.Marshal(search.Body["filterGroups"])
	if want := `[{"filters":[{"operator":"EQ","propertyName":"email","value":"dana@example.com"}]},{"filters":[{"operator":"EQ","propertyName":"phone","value":"+19705550142"}]}]`; string(raw) != want {
		t.Errorf("filterGroups = %s, want %s", raw, want)
	}
	if search.Body["limit"] != float64(1) {
		t.Errorf("limit = %v", search.Body["limit"])
	}
	create := reqs[1]
	if create.Method != http.MethodPost || create.Path != "/crm/v3/objects/contacts" {
		t.Fatalf("second request %s %s, want the create", create.Method, create.Path)
	}
	wantProps(t, "create", props(t, create), map[string]string{"email": "dana@example.com", "phone": "+19705550142",
		"firstname": "Dana", "lastname": "Reyes", "lifecyclestage": "lead"})

	st, err := StateOf(b.ctx, b.db, rec.Contact.ID)
	must(t, err)
	if st.HubSpotID == "" || st.LastSyncedAt == nil || st.LastError != "" {
		t.Errorf("state = %+v", st)
	}
	if got := b.hs.contact(st.HubSpotID); got["email"] != "dana@example.com" {
		t.Errorf("hubspot contact %s = %v", st.HubSpotID, got)
	}

	// The same contact again, unchanged: nothing is written.
	b.inbound(t, rec.Lead.ConversationID, rec.Contact.ID, "hi")
	b.sync(t)
	if got := of(b.hs.take(), http.MethodPatch, "/crm/v3/objects/contacts"); len(got) != 0 {
		t.Errorf("an unchanged contact was written: %+v", got)
	}
}

func TestKnownHubSpotContactIsSearchedThenUpdated(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	id := b.hs.addContact(map[string]string{"email": "dana@example.com", "firstname": "Dana", "lifecyclestage": "opportunity"})
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Name: "Dana Reyes", Email: "dana@example.com", Source: "google"})
	b.sync(t)

	reqs := b.hs.take()
	wantAuth(t, b, reqs)
	if len(reqs) != 2 || reqs[0].Path != "/crm/v3/objects/contacts/search" {
		t.Fatalf("requests: %+v", reqs)
	}
	u := reqs[1]
	if u.Method != http.MethodPatch || u.Path != "/crm/v3/objects/contacts/"+id {
		t.Fatalf("second request %s %s, want PATCH of %s", u.Method, u.Path, id)
	}
	// No lifecycle stage: an update never moves HubSpot's stage back.
	wantProps(t, "update", props(t, u), map[string]string{"email": "dana@example.com", "phone": "+19705550142",
		"firstname": "Dana", "lastname": "Reyes"})
	if got := b.hs.contact(id)["lifecyclestage"]; got != "opportunity" {
		t.Errorf("lifecycle stage = %q", got)
	}
	st, err := StateOf(b.ctx, b.db, rec.Contact.ID)
	must(t, err)
	if st.HubSpotID != id {
		t.Errorf("hubspot id = %q, want %q", st.HubSpotID, id)
	}
}

func TestCreateConflictUsesTheExistingID(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	// The search misses (HubSpot's index lags), the create conflicts.
	b.hs.fail(http.StatusOK, nil, `{"total":0,"results":[]}`)
	id := b.hs.addContact(map[string]string{"email": "dana@example.com"})
	b.lead(t, crm.NewLead{Phone: "+19705550142", Email: "dana@example.com", Source: "web"})
	b.sync(t)
	reqs := b.hs.take()
	if len(reqs) != 3 || reqs[1].Method != http.MethodPost || reqs[2].Method != http.MethodPatch || reqs[2].Path != "/crm/v3/objects/contacts/"+id {
		t.Fatalf("requests: %+v", reqs)
	}
}

func TestTextIsLoggedOnceEvenIfTheJobRunsTwice(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Name: "Dana", Source: "web"})
	b.sync(t)
	b.hs.take()

	m := b.inbound(t, rec.Lead.ConversationID, rec.Contact.ID, "Can someone come Tuesday?")
	done := b.await(t, b.dispatch(t))
	if len(done) != 1 || done[0].Kind != river.EventKindJobCompleted {
		t.Fatalf("results: %+v", done)
	}
	// The same job again, as after a crash between HubSpot's answer and
	// River's record of it.
	must(t, again[SyncArgs](t, &syncWorker{s: b.sink}, done[0].Job))
	st, err := StateOf(b.ctx, b.db, rec.Contact.ID)
	must(t, err)
	logs := of(b.hs.take(), http.MethodPost, "/crm/v3/objects/communications")
	if len(logs) != 1 {
		t.Fatalf("%d communications logged, want 1", len(logs))
	}
	wantProps(t, "communication", props(t, logs[0]), map[string]string{
		"hs_communication_channel_type": "SMS",
		"hs_communication_logged_from":  "CRM",
		"hs_communication_body":         "Lead: Can someone come Tuesday?",
		"hs_timestamp":                  m.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z"),
	})
	wantAssociation(t, logs[0], st.HubSpotID, 81)

	// A resync logs it no more.
	n, err := b.sink.Resync(b.ctx, rec.Contact.ID)
	must(t, err)
	if n != 1 {
		t.Fatalf("resync queued %d", n)
	}
	if r := b.await(t, 1)[0]; r.Kind != river.EventKindJobCompleted {
		t.Fatalf("resync: %s %v", r.Kind, r.Job.Errors)
	}
	reqs := b.hs.take()
	if got := of(reqs, http.MethodPost, "/crm/v3/objects/communications"); len(got) != 0 {
		t.Errorf("resync logged %d texts again", len(got))
	}
	if got := of(reqs, http.MethodPatch, "/crm/v3/objects/contacts/"+st.HubSpotID); len(got) != 1 {
		t.Errorf("resync wrote the contact %d times, want 1", len(got))
	}
}

func TestResyncLogsTextsNotLoggedYet(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Name: "Dana", Source: "web"})
	// Texts from before HubSpot was set up: never queued.
	b.inbound(t, rec.Lead.ConversationID, rec.Contact.ID, "first")
	b.inbound(t, rec.Lead.ConversationID, rec.Contact.ID, "second")
	_, err := crm.TakeOutbox(b.ctx, b.db, 100)
	must(t, err)

	n, err := b.sink.Resync(b.ctx, "")
	must(t, err)
	if n != 1 {
		t.Fatalf("resync queued %d jobs, want 1", n)
	}
	if r := b.await(t, 1)[0]; r.Kind != river.EventKindJobCompleted {
		t.Fatalf("resync: %s %v", r.Kind, r.Job.Errors)
	}
	logs := of(b.hs.take(), http.MethodPost, "/crm/v3/objects/communications")
	if len(logs) != 2 {
		t.Fatalf("%d texts logged, want 2", len(logs))
	}
	if _, err := b.sink.Resync(b.ctx, "0f1e2d3c-aaaa-4bbb-8ccc-000000000000"); err == nil {
		t.Error("resync of a contact that does not exist: no error")
	}
}

func TestCallIsLogged(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Name: "Dana Reyes", Source: "web"})
	started := time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC)
	k, _, err := crm.RecordCall(b.ctx, b.db, crm.NewCall{CallSID: "CA5e1", ConversationID: rec.Lead.ConversationID, ContactID: rec.Contact.ID,
		From: "+19705550142", To: "+13035550187", Status: "in-progress", At: started})
	must(t, err)
	_, _, err = crm.RecordInbound(b.ctx, b.db, crm.NewInbound{ConversationID: rec.Lead.ConversationID, Body: "Do you fix furnaces?",
		ProviderSID: "CA5e1-1", Channel: "voice", CallID: k.ID, ReceivedAt: started.Add(5 * time.Second)})
	must(t, err)
	_, _, err = crm.RecordOutbound(b.ctx, b.db, crm.NewOutbound{ConversationID: rec.Lead.ConversationID, Author: crm.AuthorAI,
		Body: "We do, any make.", Channel: "voice", CallID: k.ID})
	must(t, err)
	b.event(t, rec.Lead.ConversationID, rec.Contact.ID, crm.CallEnded{CallSID: "CA5e1", CallID: k.ID, DurationSeconds: 94,
		Outcome: "answered_by_agent", Status: "completed"})
	b.sync(t)
	st, err := StateOf(b.ctx, b.db, rec.Contact.ID)
	must(t, err)
	calls := of(b.hs.take(), http.MethodPost, "/crm/v3/objects/calls")
	if len(calls) != 1 {
		t.Fatalf("%d calls logged, want 1", len(calls))
	}
	wantProps(t, "call", props(t, calls[0]), map[string]string{
		"hs_timestamp":        "2026-12-04T23:00:00.000Z",
		"hs_call_title":       "Call with the after-hours agent",
		"hs_call_body":        "Outcome: answered by agent\n\nCaller: Do you fix furnaces?\nAgent: We do, any make.",
		"hs_call_direction":   "INBOUND",
		"hs_call_duration":    "94000",
		"hs_call_status":      "COMPLETED",
		"hs_call_from_number": "+19705550142",
		"hs_call_to_number":   "+13035550187",
	})
	wantAssociation(t, calls[0], st.HubSpotID, 194)
}

// handoffTo hands the conversation to rep as the desk records it.
func (b *testBundle) handoffTo(t *testing.T, rec crm.RecordedLead, rep crm.Rep) {
	t.Helper()
	must(t, crm.SetMode(b.ctx, b.db, rec.Lead.ConversationID, crm.ModeChange{Mode: crm.ModeHandoffPending, AssignedRepID: rep.ID, At: time.Now()}))
	b.event(t, rec.Lead.ConversationID, rec.Contact.ID, handoff.HandedOff{HandoffID: 7, Reason: "buying_intent",
		Detail: "asked for a quote", Summary: "Dana wants a furnace quote; free Tuesday."})
}

func TestHandoffIsATaskForTheRepsOwner(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.hs.owners = []Owner{{ID: "41", Email: "sam@example.com", FirstName: "Sam", LastName: "Ode"},
		{ID: "42", Email: "alex@example.com", FirstName: "Alex", LastName: "Rivera"}}
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Name: "Dana Reyes", Source: "web"})
	alex, err := crm.AddRep(b.ctx, b.db, crm.NewRep{Name: "Alex R.", Phone: "+19705550181", Email: "Alex@Example.com"}, "US")
	must(t, err)
	b.handoffTo(t, rec, alex)
	b.sync(t)
	reqs := b.hs.take()
	wantAuth(t, b, reqs)
	owners := of(reqs, http.MethodGet, "/crm/v3/owners")
	if len(owners) != 1 || owners[0].Query != "email=alex%40example.com" {
		t.Errorf("owner lookups: %+v", owners)
	}
	tasks := of(reqs, http.MethodPost, "/crm/v3/objects/tasks")
	if len(tasks) != 1 {
		t.Fatalf("%d tasks, want 1", len(tasks))
	}
	st, err := StateOf(b.ctx, b.db, rec.Contact.ID)
	must(t, err)
	got := props(t, tasks[0])
	if _, err := time.Parse(time.RFC3339, got["hs_timestamp"]); err != nil {
		t.Errorf("hs_timestamp %q: %v", got["hs_timestamp"], err)
	}
	delete(got, "hs_timestamp")
	wantProps(t, "task", got, map[string]string{
		"hs_task_subject":  "Follow up with Dana Reyes: buying intent",
		"hs_task_body":     "Dana wants a furnace quote; free Tuesday.\nWhy: asked for a quote\nPhone: +19705550142\nConversation: https://leads.example.com/console/c/" + rec.Lead.ConversationID,
		"hs_task_status":   "NOT_STARTED",
		"hs_task_priority": "HIGH",
		"hs_task_type":     "CALL",
		"hubspot_owner_id": "42",
	})
	wantAssociation(t, tasks[0], st.HubSpotID, 204)
}

func TestHandoffOwnerMatchedByName(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.hs.owners = []Owner{{ID: "42", Email: "arivera@corp.example", FirstName: "Alex", LastName: "Rivera"}}
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Source: "web"})
	alex, err := crm.AddRep(b.ctx, b.db, crm.NewRep{Name: "alex  rivera", Phone: "+19705550181"}, "US")
	must(t, err)
	b.handoffTo(t, rec, alex)
	b.sync(t)
	tasks := of(b.hs.take(), http.MethodPost, "/crm/v3/objects/tasks")
	if len(tasks) != 1 || props(t, tasks[0])["hubspot_owner_id"] != "42" {
		t.Fatalf("tasks: %+v", tasks)
	}
}

func TestCloseAsLifecycleStage(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Name: "Dana Reyes", Source: "web"})
	b.event(t, rec.Lead.ConversationID, rec.Contact.ID, handoff.Closed{Outcome: "booked", By: "Alex Rivera"})
	b.sync(t)
	st, err := StateOf(b.ctx, b.db, rec.Contact.ID)
	must(t, err)
	reqs := b.hs.take()
	patches := of(reqs, http.MethodPatch, "/crm/v3/objects/contacts/"+st.HubSpotID)
	if len(patches) != 1 {
		t.Fatalf("patches: %+v", patches)
	}
	wantProps(t, "close", props(t, patches[0]), map[string]string{"lifecyclestage": "customer"})
	if got := of(reqs, http.MethodPost, "/crm/v3/objects/deals"); len(got) != 0 {
		t.Errorf("lifecycle mode made %d deals", len(got))
	}
}

func TestCloseAsDeal(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.CloseAs = CloseAsDeal })
	won := b.lead(t, crm.NewLead{Phone: "+19705550142", Name: "Dana Reyes", Source: "web"})
	lost := b.lead(t, crm.NewLead{Phone: "+19705550143", Source: "web"})
	spam := b.lead(t, crm.NewLead{Phone: "+19705550144", Source: "web"})
	b.event(t, won.Lead.ConversationID, won.Contact.ID, handoff.Closed{Outcome: "booked", By: "Alex Rivera"})
	b.event(t, lost.Lead.ConversationID, lost.Contact.ID, handoff.Closed{Outcome: "not_interested", By: "Alex Rivera"})
	b.event(t, spam.Lead.ConversationID, spam.Contact.ID, handoff.Closed{Outcome: "spam", By: "Alex Rivera"})
	b.sync(t)
	reqs := b.hs.take()
	deals := of(reqs, http.MethodPost, "/crm/v3/objects/deals")
	if len(deals) != 2 {
		t.Fatalf("%d deals, want 2 (won and lost)", len(deals))
	}
	for i, want := range []struct {
		rec         crm.RecordedLead
		name, stage string
	}{{won, "Dana Reyes (booked)", "closedwon"}, {lost, "+19705550143 (not interested)", "closedlost"}} {
		st, err := StateOf(b.ctx, b.db, want.rec.Contact.ID)
		must(t, err)
		got := props(t, deals[i])
		if _, err := time.Parse(time.RFC3339, got["closedate"]); err != nil {
			t.Errorf("closedate %q: %v", got["closedate"], err)
		}
		delete(got, "closedate")
		wantProps(t, "deal", got, map[string]string{"dealname": want.name, "pipeline": "default", "dealstage": want.stage})
		wantAssociation(t, deals[i], st.HubSpotID, 3)
	}
	for _, p := range of(reqs, http.MethodPatch, "/crm/v3/objects/contacts/") {
		if _, ok := props(t, p)["lifecyclestage"]; ok {
			t.Errorf("deal mode set a lifecycle stage: %+v", p)
		}
	}
}

func TestRateLimitSnoozesUntilRetryAfter(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.hs.fail(http.StatusTooManyRequests, map[string]string{"Retry-After": "7", "X-HubSpot-RateLimit-Daily-Remaining": "99000",
		"X-HubSpot-RateLimit-Remaining": "0", "X-HubSpot-RateLimit-Interval-Milliseconds": "10000"},
		`{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","category":"RATE_LIMITS"}`)
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Source: "web"})
	res := b.await(t, b.dispatch(t))
	if len(res) != 1 || res[0].Kind != river.EventKindJobSnoozed {
		t.Fatalf("results: %+v", res)
	}
	job := res[0].Job
	if job.State != rivertype.JobStateScheduled {
		t.Errorf("state %s, want scheduled", job.State)
	}
	if wait := job.ScheduledAt.Sub(*job.AttemptedAt); wait < 6*time.Second || wait > 8*time.Second {
		t.Errorf("scheduled %s after the attempt, want Retry-After's 7s", wait)
	}
	// A wait is not an error of the contact's.
	if st, err := StateOf(b.ctx, b.db, rec.Contact.ID); err == nil && st.LastError != "" {
		t.Errorf("state after a 429: %+v", st)
	}
}

func TestServerErrorIsRetriedAndRecorded(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.hs.fail(http.StatusInternalServerError, nil, `{"status":"error","message":"internal error","category":"INTERNAL_ERROR"}`)
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Source: "web"})
	res := b.await(t, b.dispatch(t))
	if len(res) != 1 || res[0].Kind != river.EventKindJobFailed || res[0].Job.State != rivertype.JobStateRetryable {
		t.Fatalf("results: %s %s", res[0].Kind, res[0].Job.State)
	}
	st, err := StateOf(b.ctx, b.db, rec.Contact.ID)
	must(t, err)
	if !strings.Contains(st.LastError, "500") || st.LastErrorAt == nil || st.HubSpotID != "" {
		t.Errorf("state = %+v", st)
	}
	if strings.Contains(st.LastError, b.hs.token) {
		t.Error("the token is in the stored error")
	}
	// The retry succeeds and clears the error.
	_, err = b.jobs.JobRetry(b.ctx, res[0].Job.ID)
	must(t, err)
	if r := b.await(t, 1)[0]; r.Kind != river.EventKindJobCompleted {
		t.Fatalf("retry: %s %v", r.Kind, r.Job.Errors)
	}
	st, err = StateOf(b.ctx, b.db, rec.Contact.ID)
	must(t, err)
	if st.LastError != "" || st.HubSpotID == "" {
		t.Errorf("state after the retry = %+v", st)
	}
}

func TestRefusalIsRecordedAndNotRetried(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.hs.fail(http.StatusBadRequest, nil, `{"status":"error","message":"Property values were not valid","category":"VALIDATION_ERROR"}`)
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Source: "web"})
	res := b.await(t, b.dispatch(t))
	if len(res) != 1 || res[0].Kind != river.EventKindJobCancelled {
		t.Fatalf("results: %+v", res)
	}
	st, err := StateOf(b.ctx, b.db, rec.Contact.ID)
	must(t, err)
	if !strings.Contains(st.LastError, "Property values were not valid") {
		t.Errorf("state = %+v", st)
	}
}

func TestSecondJobWaitsForTheContactsCreation(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Source: "web"})
	ok, err := claimCreation(b.ctx, b.db, rec.Contact.ID, time.Now())
	must(t, err)
	if !ok {
		t.Fatal("no claim")
	}
	res := b.await(t, b.dispatch(t))
	if len(res) != 1 || res[0].Kind != river.EventKindJobSnoozed {
		t.Fatalf("results: %+v", res)
	}
	if reqs := b.hs.take(); len(reqs) != 0 {
		t.Errorf("a job asked HubSpot while another created the contact: %+v", reqs)
	}
}

func TestEnqueue(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	var nilSink *Sink
	must(t, pgx.BeginFunc(b.ctx, b.db, func(tx pgx.Tx) error {
		if err := nilSink.Enqueue(b.ctx, tx, crm.PublicLeadCreated, json.RawMessage(`{}`)); err != nil {
			return err
		}
		return b.sink.Enqueue(b.ctx, tx, "invoice.paid", json.RawMessage(`{}`))
	}))
	var n int
	must(t, b.db.QueryRow(b.ctx, `SELECT count(*) FROM river_job`).Scan(&n))
	if n != 0 {
		t.Errorf("%d jobs queued, want none", n)
	}
}

func TestNetworkErrorIsRetried(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.hs.srv.Close() // HubSpot unreachable
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Source: "web"})
	res := b.await(t, b.dispatch(t))
	if len(res) != 1 || res[0].Kind != river.EventKindJobFailed || res[0].Job.State != rivertype.JobStateRetryable {
		t.Fatalf("results: %s %s", res[0].Kind, res[0].Job.State)
	}
	st, err := StateOf(b.ctx, b.db, rec.Contact.ID)
	must(t, err)
	if st.LastError == "" || strings.Contains(st.LastError, b.hs.token) {
		t.Errorf("state = %+v", st)
	}
}

func TestChangedContactIsWrittenAgain(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Source: "web"})
	b.sync(t)
	st, err := StateOf(b.ctx, b.db, rec.Contact.ID)
	must(t, err)
	b.hs.take()
	// The same person fills a form with a name and an email.
	b.lead(t, crm.NewLead{Phone: "+19705550142", Name: "Dana Reyes", Email: "dana@example.com", Source: "google"})
	b.sync(t)
	reqs := b.hs.take()
	wantAuth(t, b, reqs)
	patches := of(reqs, http.MethodPatch, "/crm/v3/objects/contacts/"+st.HubSpotID)
	if len(patches) != 1 || len(of(reqs, http.MethodPost, "/crm/v3/objects/contacts")) != 0 {
		t.Fatalf("requests: %+v", reqs)
	}
	wantProps(t, "update", props(t, patches[0]), map[string]string{"phone": "+19705550142", "firstname": "Dana", "lastname": "Reyes",
		"email": "dana@example.com"})
}

func TestContactDeletedInHubSpotIsMadeAgainOnResync(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Name: "Dana", Source: "web"})
	b.sync(t)
	old, err := StateOf(b.ctx, b.db, rec.Contact.ID)
	must(t, err)
	b.hs.mu.Lock()
	delete(b.hs.contacts, old.HubSpotID)
	b.hs.mu.Unlock()
	b.hs.take()

	n, err := b.sink.Resync(b.ctx, rec.Contact.ID)
	must(t, err)
	if e := b.await(t, n)[0]; e.Kind != river.EventKindJobCompleted {
		t.Fatalf("resync: %s %v", e.Kind, e.Job.Errors)
	}
	st, err := StateOf(b.ctx, b.db, rec.Contact.ID)
	must(t, err)
	reqs := b.hs.take()
	var got []string
	for _, r := range reqs {
		got = append(got, r.Method+" "+r.Path)
	}
	want := "PATCH /crm/v3/objects/contacts/" + old.HubSpotID + ", POST /crm/v3/objects/contacts/search, POST /crm/v3/objects/contacts"
	if strings.Join(got, ", ") != want || st.HubSpotID == "" || st.HubSpotID == old.HubSpotID {
		t.Errorf("requests %s, state %+v; want %s", strings.Join(got, ", "), st, want)
	}
}

func TestHubSpotWebhookWaitsForACreationInProgress(t *testing.T) {
	t.Parallel()
	b := setup(t, withInbox(t, ""))
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Source: "web"})
	ok, err := claimCreation(b.ctx, b.db, rec.Contact.ID, time.Now())
	must(t, err)
	if !ok {
		t.Fatal("no claim")
	}
	id := b.hs.addContact(map[string]string{"phone": "+19705550142"})
	must(t, b.sink.QueueCreated(b.ctx, []WebhookEvent{created(id, time.Now())}))
	if e := b.await(t, 1)[0]; e.Kind != river.EventKindJobSnoozed {
		t.Fatalf("job: %s", e.Kind)
	}
	if got := b.hs.take(); len(got) != 0 {
		t.Errorf("asked HubSpot: %+v", got)
	}
}
