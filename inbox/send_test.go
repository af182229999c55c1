package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/channels/twilio"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/inbox"
)

// process is a pool that can die as a killed process's connections do:
// every connection is cut at once, and no new one can be made.
type process struct {
	pool *pgxpool.Pool
	name string
	dead atomic.Bool
}

// newProcess opens a pool of at most conns connections on the bundle's
// database, named so its connections can be found and cut.
func (b *testBundle) newProcess(t testing.TB, conns int) *process {
	t.Helper()
	p := &process{name: fmt.Sprintf("leadagent-test-%d", time.Now().UnixNano())}
	cfg, err := pgxpool.ParseConfig(b.db.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = int32(conns)
	cfg.ConnConfig.RuntimeParams["application_name"] = p.name
	cfg.BeforeConnect = func(context.Context, *pgx.ConnConfig) error {
		if p.dead.Load() {
			return errors.New("the process was killed")
		}
		return nil
	}
	if p.pool, err = pgxpool.NewWithConfig(b.ctx, cfg); err != nil {
		t.Fatal(err)
	}
	// A killed process's pool may never give its connections back: close
	// it without waiting.
	t.Cleanup(func() { go p.pool.Close() })
	return p
}

// kill cuts every connection of the process and refuses new ones.
func (p *process) kill(ctx context.Context, admin *pgxpool.Pool) error {
	p.dead.Store(true)
	_, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, p.name)
	return err
}

// dieAfterAccept is a Twilio sender in a process that is killed the moment
// Twilio accepts its first message: the SID never reaches the database.
type dieAfterAccept struct {
	*twilio.Sender
	die  func()
	once sync.Once
	died chan struct{}
}

func (s *dieAfterAccept) Send(ctx context.Context, m channels.Outbound) (channels.SendResult, error) {
	res, err := s.Sender.Send(ctx, m)
	if err == nil {
		s.once.Do(func() { s.die(); close(s.died) })
	}
	return res, err
}

// twilioSender is a Twilio sender against the bundle's sandbox.
func (b *testBundle) twilioSender(t testing.TB) *twilio.Sender {
	t.Helper()
	s, ok := b.sender.(*twilio.Sender)
	if !ok {
		t.Fatal("the bundle's sender is not the Twilio sender")
	}
	return s
}

// stale stands in for time passing after a worker died: its running jobs
// are older than River's rescue threshold, and its leadership has lapsed,
// so the next client rescues them when it starts.
func (b *testBundle) stale(t testing.TB) {
	t.Helper()
	if _, err := b.db.Exec(b.ctx, `UPDATE river_job SET attempted_at = now() - interval '1 hour' WHERE state = 'running'`); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Exec(b.ctx, `DELETE FROM river_leader`); err != nil {
		t.Fatal(err)
	}
}

type sendRow struct {
	sid, status     string
	attempts        int
	unresolvedClaim bool
}

func (b *testBundle) sendRow(t testing.TB, id string) sendRow {
	t.Helper()
	var r sendRow
	if err := b.db.QueryRow(b.ctx, `SELECT COALESCE(provider_sid, ''), status, send_attempts, sending_until IS NOT NULL
		FROM messages WHERE id = $1`, id).Scan(&r.sid, &r.status, &r.attempts, &r.unresolvedClaim); err != nil {
		t.Fatal(err)
	}
	return r
}

// sentFoundBy is how the conversation's first sent message was found
// again after its send's answer was lost ("" when it was not lost).
func sentFoundBy(t testing.TB, v crm.Conversation) string {
	t.Helper()
	for _, e := range v.Timeline {
		if e.Kind == crm.EventMessageSent {
			d, err := crm.DetailAs[crm.MessageSent](e)
			if err != nil {
				t.Fatal(err)
			}
			return d.FoundBy
		}
	}
	return ""
}

// TestKilledBetweenAcceptAndRecordSendsOnce: a worker process dies after
// Twilio accepted a reply and before its SID was recorded. River's rescue
// hands the job to another process, which finds the reply in Twilio's list
// of messages sent to the lead and adopts its SID: the lead gets it once.
func TestKilledBetweenAcceptAndRecordSendsOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: false})
	doomed := b.newProcess(t, 6)
	sender := &dieAfterAccept{Sender: b.twilioSender(t), died: make(chan struct{}),
		die: func() {
			if err := doomed.kill(context.Background(), b.db); err != nil {
				t.Error(err)
			}
		}}
	first, err := inbox.New(inbox.Config{DB: doomed.pool, Agent: b.agent, Sender: sender, Workers: true,
		StatusCallback: b.status, Logger: quiet(), SendTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(b.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = first.Stop(ctx)
	})

	phone := "+19705556101"
	b.text(t, phone, "what are your hours?")
	select {
	case <-sender.died:
	case <-b.ctx.Done():
		t.Fatal("the reply was never sent")
	}
	v := b.conversation(t, phone)
	reply := v.Messages[len(v.Messages)-1]
	if r := b.sendRow(t, reply.ID); r.sid != "" || r.attempts != 1 || !r.unresolvedClaim {
		t.Fatalf("after the kill the reply is %+v, want claimed once and no SID", r)
	}
	if n := len(b.sandbox.MessagesTo(phone)); n != 1 {
		t.Fatalf("%d messages at Twilio before the rescue", n)
	}

	b.stale(t)
	b.newInboxWith(t, func(c *inbox.Config) { c.RescueStuckJobsAfter = 2 * time.Second; c.SendTimeout = time.Second })
	deadline := time.Now().Add(30 * time.Second)
	for b.sendRow(t, reply.ID).sid == "" {
		if time.Now().After(deadline) {
			t.Fatalf("the rescued job never recorded the reply: %+v", b.sendRow(t, reply.ID))
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.settle(t)
	at := b.sandbox.MessagesTo(phone)
	if len(at) != 1 {
		t.Fatalf("the lead got %d texts, want the reply once", len(at))
	}
	r := b.sendRow(t, reply.ID)
	if r.sid != at[0].SID || r.status != "delivered" || r.attempts != 1 {
		t.Fatalf("reply recorded as %+v, want Twilio's %s, delivered, and no second attempt", r, at[0].SID)
	}
	// Twilio's list, or its delivered callback if that came after the
	// claim's lease: either way, found, not sent again.
	if how := sentFoundBy(t, b.conversation(t, phone)); how != "provider's message list" && how != "status callback" {
		t.Fatalf("message_sent found_by = %v", how)
	}
}

// TestTimedOutSendIsFoundNotRepeated: Twilio takes the message and answers
// after the send gave up. The retry finds the message at Twilio.
func TestTimedOutSendIsFoundNotRepeated(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: false})
	b.sandbox.SetAnswerDelay(3 * time.Second)
	b.newInboxWith(t, func(c *inbox.Config) { c.SendTimeout = time.Second })
	phone := "+19705556102"
	b.text(t, phone, "do you offer financing?")
	deadline := time.Now().Add(30 * time.Second)
	for {
		v := b.conversation(t, phone)
		if len(v.Messages) == 2 && v.Messages[1].ProviderSID != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reply never recorded: %+v", v.Messages)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.sandbox.SetAnswerDelay(0)
	b.settle(t)
	if n := len(b.sandbox.MessagesTo(phone)); n != 1 {
		t.Fatalf("%d texts after a timed-out send, want 1", n)
	}
	v := b.conversation(t, phone)
	if r := b.sendRow(t, v.Messages[1].ID); r.attempts != 1 || r.sid != b.sandbox.MessagesTo(phone)[0].SID {
		t.Fatalf("reply %+v", r)
	}
}

// TestLateStatusCallbackAdoptsTheSID: an attempt's process died with its
// claim unresolved; Twilio's status callback for the message then names a
// SID no message has, to the lead's number. The callback gives the reply
// its SID, and no worker sends it again.
func TestLateStatusCallbackAdoptsTheSID(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: false})
	phone := "+19705556103"
	contact, err := crm.ContactByPhone(b.ctx, b.db, phone, "US")
	if err != nil {
		t.Fatal(err)
	}
	conv, err := crm.OpenConversation(b.ctx, b.db, contact.ID, "sms")
	if err != nil {
		t.Fatal(err)
	}
	msg, _, err := crm.RecordOutbound(b.ctx, b.db, crm.NewOutbound{ConversationID: conv.ID, Author: crm.AuthorRep, Body: "See you at 3."})
	if err != nil {
		t.Fatal(err)
	}
	// The claim of a process that died at once: its lease is over.
	tx, err := b.db.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := crm.ClaimSend(b.ctx, tx, msg.ID, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(b.ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	res, err := b.sender.Send(b.ctx, channels.Outbound{To: phone, Body: msg.Body, StatusCallback: b.status})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.sandbox.Wait(b.ctx); err != nil {
		t.Fatal(err)
	}
	if r := b.sendRow(t, msg.ID); r.sid != res.ProviderSID || r.status != "delivered" {
		t.Fatalf("after the callbacks the reply is %+v, want %s delivered", r, res.ProviderSID)
	}
	if how := sentFoundBy(t, b.conversation(t, phone)); how != "status callback" {
		t.Fatalf("message_sent found_by = %v", how)
	}
	ib := b.newInboxWith(t, func(*inbox.Config) {})
	if err := ib.Enqueue(b.ctx, inbox.SendArgs{MessageID: msg.ID}); err != nil {
		t.Fatal(err)
	}
	b.settle(t)
	if n := len(b.sandbox.MessagesTo(phone)); n != 1 {
		t.Fatalf("%d texts, want 1", n)
	}
}

// TestWebhooksAnswerWhileEverySendIsHeld: Twilio holds every send's answer.
// With the webhooks, River and twenty sends sharing one pool of four
// connections, texts are still acknowledged, and no transaction stays open
// while the sends wait.
func TestWebhooksAnswerWhileEverySendIsHeld(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: false})
	shared := b.newProcess(t, 4)
	ib := b.newInboxWith(t, func(c *inbox.Config) { c.DB = shared.pool; c.SendWorkers = 40; c.SendTimeout = time.Minute })
	b.swapReceiver(ib)
	release := b.sandbox.Hold()
	released := false
	defer func() {
		if !released {
			release()
		}
	}()

	const held = 20
	phone := func(i int) string { return fmt.Sprintf("+1970555%04d", 6200+i) }
	for i := range held {
		b.text(t, phone(i), "what are your hours?")
	}
	if _, err := b.sandbox.WaitFor(b.ctx, held); err != nil {
		t.Fatalf("the sends never reached Twilio: %v", err)
	}
	// Every send now waits for Twilio's answer. Webhooks still go through.
	for i := held; i < 2*held; i++ {
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		_, err := b.lead(phone(i)).Text(ctx, "what are your hours?")
		cancel()
		if err != nil {
			t.Fatalf("webhook %d while the sends are held: %v", i, err)
		}
	}
	var open int
	if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1
		AND state LIKE 'idle in transaction%' AND now() - xact_start > interval '1 second'`, shared.name).Scan(&open); err != nil {
		t.Fatal(err)
	}
	if open != 0 {
		t.Fatalf("%d transactions held open while the sends wait for Twilio", open)
	}
	if n := len(b.sandbox.Messages()); n > 2*held {
		t.Fatalf("%d sends", n)
	}
	release()
	released = true
	for i := range 2 * held {
		b.replies(t, phone(i), 1)
	}
	b.settle(t)
	for i := range 2 * held {
		if n := len(b.sandbox.MessagesTo(phone(i))); n != 1 {
			t.Fatalf("lead %d got %d replies", i, n)
		}
	}
}

// countingTwilio counts the sends of one process.
type countingTwilio struct {
	*twilio.Sender
	n atomic.Int32
}

func (s *countingTwilio) Send(ctx context.Context, m channels.Outbound) (channels.SendResult, error) {
	s.n.Add(1)
	return s.Sender.Send(ctx, m)
}

// queueTexts records one pending text per body to phone, in order, and
// enqueues their sends through ib.
func (b *testBundle) queueTexts(t testing.TB, ib *inbox.Inbox, phone string, bodies ...string) {
	t.Helper()
	contact, err := crm.ContactByPhone(b.ctx, b.db, phone, "US")
	if err != nil {
		t.Fatal(err)
	}
	conv, err := crm.OpenConversation(b.ctx, b.db, contact.ID, "sms")
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range bodies {
		m, _, err := crm.RecordOutbound(b.ctx, b.db, crm.NewOutbound{ConversationID: conv.ID, Author: crm.AuthorRep, Body: body, Segments: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := ib.Enqueue(b.ctx, inbox.SendArgs{MessageID: m.ID}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSendBudgetIsSharedAcrossProcesses: two inboxes, each with its own
// pool and its own workers, send for one number at SMS_RATE 5: together
// they keep to 5 a second.
func TestSendBudgetIsSharedAcrossProcesses(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: false})
	const rate, n = 5, 20
	var senders [2]*countingTwilio
	var inboxes [2]*inbox.Inbox
	for i := range inboxes {
		senders[i] = &countingTwilio{Sender: b.twilioSender(t)}
		pool := b.newProcess(t, 6).pool
		inboxes[i] = b.newInboxWith(t, func(c *inbox.Config) { c.DB, c.Sender, c.Budget = pool, senders[i], sendBudget(t, rate) })
	}
	for i := range n {
		b.queueTexts(t, inboxes[i%2], fmt.Sprintf("+1970555%04d", 6300+i), fmt.Sprintf("Your appointment %d is confirmed.", i))
	}
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	msgs, err := b.sandbox.WaitFor(ctx, n)
	if err != nil {
		t.Fatalf("%v (%d of %d sent)", err, len(msgs), n)
	}
	created := make([]time.Time, len(msgs))
	for i, m := range msgs {
		created[i] = m.Created
	}
	sort.Slice(created, func(i, j int) bool { return created[i].Before(created[j]) })
	// The budget allows a burst of one and then one every 200 ms: a second
	// holds at most rate+1 texts, and rate+2 with Twilio receiving them a
	// little late or early.
	for i := range created {
		for j := i + rate + 2; j < len(created); j++ {
			if created[j].Sub(created[i]) < time.Second {
				t.Fatalf("texts %d to %d went out within %v: more than %d a second", i, j, created[j].Sub(created[i]), rate)
			}
		}
	}
	if span, least := created[n-1].Sub(created[0]), time.Duration(n-2)*time.Second/rate; span < least {
		t.Fatalf("%d texts in %v, want at least %v at %d a second", n, span, least, rate)
	}
	if senders[0].n.Load() == 0 || senders[1].n.Load() == 0 {
		t.Fatalf("sends by process: %d and %d; want both working", senders[0].n.Load(), senders[1].n.Load())
	}
}

// TestFloodingLeadWaitsBehindItsOwnTexts: one lead has twenty texts
// queued at SMS_RATE 4; another lead's reply, queued after them, goes out
// within a couple of the flood's texts, not after all of them, and the
// flood's texts go out in order.
func TestFloodingLeadWaitsBehindItsOwnTexts(t *testing.T) {
	t.Parallel()
	b := setup(t, options{workers: false})
	ib := b.newInboxWith(t, func(c *inbox.Config) { c.Budget = sendBudget(t, 4) })
	flooder, other := "+19705556401", "+19705556402"
	var bodies []string
	for i := range 20 {
		bodies = append(bodies, fmt.Sprintf("Text %02d of the flood.", i))
	}
	b.queueTexts(t, ib, flooder, bodies...)
	if _, err := b.sandbox.WaitFor(b.ctx, 2); err != nil {
		t.Fatal(err)
	}
	before := len(b.sandbox.MessagesTo(flooder))
	b.queueTexts(t, ib, other, "Yes, we are open Saturday.")
	reply := b.replies(t, other, 1)[0]
	var between int
	for _, m := range b.sandbox.MessagesTo(flooder) {
		if m.Created.Before(reply.Created) {
			between++
		}
	}
	between -= before
	if between > 3 {
		t.Fatalf("the other lead's reply went out after %d more of the flood's texts, want at most 3", between)
	}
	flood, err := b.sandbox.WaitUntil(b.ctx, func([]sandbox.Message) bool { return len(b.sandbox.MessagesTo(flooder)) == len(bodies) })
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for _, m := range flood {
		if m.To != flooder {
			continue
		}
		if m.Body != bodies[i] {
			t.Fatalf("flood text %d is %q, want %q: out of order", i, m.Body, bodies[i])
		}
		i++
	}
}
