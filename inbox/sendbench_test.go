package inbox_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/channels/twilio"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/store"
)

// pools opens a process's two pools as leadagent serve does by default:
// ten connections for requests, four for the jobs.
func (b *testBundle) pools(t testing.TB) (web, workers *pgxpool.Pool) {
	t.Helper()
	open := func(name string, conns int) *pgxpool.Pool {
		p, err := store.OpenPool(b.ctx, b.db.Config().ConnString(), store.PoolOptions{MaxConns: conns, MinConns: 2, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		return p
	}
	return open("bench-web", 10), open("bench-workers", 4)
}

// backlog records n texts waiting to be sent, one to each of n leads, and
// enqueues their sends.
func (b *testBundle) backlog(t testing.TB, ib *inbox.Inbox, n int) {
	t.Helper()
	for i := range n {
		b.queueTexts(t, ib, fmt.Sprintf("+1303%07d", 1000000+i), fmt.Sprintf("Your estimate %d is ready.", i))
	}
}

// webhookLatencies posts a lead's text at rate a second for d, each on its
// own goroutine (an open loop: a slow answer does not delay the next), and
// returns the acknowledgement times, sorted.
func (b *testBundle) webhookLatencies(t testing.TB, first, rate int, d time.Duration) []time.Duration {
	t.Helper()
	n := int(d.Seconds()) * rate
	lat := make([]time.Duration, n)
	client := &http.Client{Timeout: time.Minute}
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	for i := range n {
		<-tick.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			lead := b.lead(fmt.Sprintf("+1720%07d", first+i))
			lead.HTTPClient = client
			start := time.Now()
			if err := lead.Post(b.ctx, lead.Message("how much is a furnace tune-up?")); err != nil {
				t.Error(err)
			}
			lat[i] = time.Since(start)
		}()
	}
	wg.Wait()
	return sortDurations(lat)
}

// BenchmarkWebhookWhileSendsWait measures webhook acknowledgements while
// the sends cannot keep up: SMS_RATE=1 with a backlog of 1,000 texts to
// 1,000 leads, Twilio answering each send in 12 s, and the workers (the
// reply debounce of 2 s) answering every text that comes in, in the same
// process, with the pools leadagent serve opens (ten connections for
// requests, four for the jobs). Texts come at 50 a second for 10 s, then
// at 200 a second for 10 s. It runs with the offline agent, whose turns
// take the machine's CPU too, and with an agent that answers at once,
// which leaves the send path's own cost; and, for the floor the machine
// gives at the time, with no workers and no backlog at all.
func BenchmarkWebhookWhileSendsWait(b *testing.B) {
	for _, run := range []string{"no-workers", "offline", "instant"} {
		bundle := setup(b, options{workers: false})
		if run != "no-workers" {
			web, workers := bundle.pools(b)
			ib := bundle.newInboxWith(b, func(c *inbox.Config) {
				c.DB, c.WorkerDB, c.Budget, c.Debounce, c.SendTimeout = web, workers, sendBudget(b, 1), 2*time.Second, 15*time.Second
				if run == "instant" {
					c.Agent = fixedReply{}
				} else {
					// As serve wires the offline agent: a core for the web.
					c.RespondWorkers = inbox.CoresButOne()
				}
			})
			bundle.swapReceiver(ib)
			bundle.sandbox.SetAnswerDelay(12 * time.Second)
			bundle.backlog(b, ib, 1000)
			// Let every send of the backlog book its moment and the first
			// ones reach Twilio.
			time.Sleep(10 * time.Second)
		}
		for _, rate := range []int{50, 200} {
			lat := bundle.webhookLatencies(b, rate*1000, rate, 10*time.Second)
			b.ReportMetric(percentile(lat, 50), fmt.Sprintf("p50-ms@%drps-%s", rate, run))
			b.ReportMetric(percentile(lat, 99), fmt.Sprintf("p99-ms@%drps-%s", rate, run))
			b.Logf("%s: %d webhooks/s for 10 s: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
				run, rate, percentile(lat, 50), percentile(lat, 99), percentile(lat, 100))
		}
		if run != "no-workers" {
			var inFlight int
			if err := bundle.db.QueryRow(bundle.ctx, `SELECT count(*) FROM messages WHERE sending_until > now()`).Scan(&inFlight); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: sends waiting for Twilio's answer when the measurement ended: %d", run, inFlight)
		}
	}
}

// BenchmarkFloodedReplyLatency measures a lead's wait for the agent's
// reply while another lead floods: SMS_RATE=1, no reply debounce, the
// offline agent. A flooding lead sends 50 texts in 5 s; meanwhile five
// other leads text one question each, a second apart; their replies are
// timed from the webhook to Twilio accepting. The same five questions
// without the flood give the baseline.
func BenchmarkFloodedReplyLatency(b *testing.B) {
	measure := func(flood bool) []time.Duration {
		bundle := setup(b, options{workers: false})
		ib := bundle.newInboxWith(b, func(c *inbox.Config) {
			c.Budget = sendBudget(b, 1)
			c.RespondWorkers = inbox.CoresButOne() // as serve wires the offline agent
		})
		bundle.swapReceiver(ib)
		var wg sync.WaitGroup
		if flood {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tick := time.NewTicker(100 * time.Millisecond)
				defer tick.Stop()
				for i := range 50 {
					<-tick.C
					if _, err := bundle.lead("+17205550100").Text(bundle.ctx, fmt.Sprintf("question %d: how much is a tune-up?", i)); err != nil {
						b.Error(err)
					}
				}
			}()
			time.Sleep(time.Second) // the flood's replies are queued
		}
		var lat []time.Duration
		for i := range 5 {
			phone := fmt.Sprintf("+1720555%04d", 200+i)
			start := time.Now()
			bundle.text(b, phone, "what are your hours?")
			lat = append(lat, bundle.replies(b, phone, 1)[0].Created.Sub(start))
			time.Sleep(time.Second)
		}
		wg.Wait()
		return sortDurations(lat)
	}
	alone, flooded := measure(false), measure(true)
	b.ReportMetric(percentile(alone, 50), "alone-p50-ms")
	b.ReportMetric(percentile(flooded, 50), "flooded-p50-ms")
	b.ReportMetric(percentile(flooded, 100), "flooded-max-ms")
	b.Logf("another lead's reply at SMS_RATE=1: alone p50 %.0f ms; during a 50-text flood p50 %.0f ms, max %.0f ms",
		percentile(alone, 50), percentile(flooded, 50), percentile(flooded, 100))
}

// Environment of a worker process started by BenchmarkKilledWorkers.
const (
	workerDBEnv  = "LEADAGENT_TEST_WORKER_DB"
	workerAPIEnv = "LEADAGENT_TEST_WORKER_API"
	workerCBEnv  = "LEADAGENT_TEST_WORKER_CALLBACK"
)

// fixedReply is an agent for a process that only sends.
type fixedReply struct{}

func (fixedReply) Turn(context.Context, agent.TurnInput) (agent.Reply, error) {
	return agent.Reply{Text: "Thanks!", Outcome: agent.OutcomeAnswered}, nil
}

// TestSendWorkerProcess is not a test: BenchmarkKilledWorkers runs the
// test binary with it as a worker process, which sends until it is killed.
func TestSendWorkerProcess(t *testing.T) {
	url := os.Getenv(workerDBEnv)
	if url == "" {
		t.Skip("a worker process for BenchmarkKilledWorkers")
	}
	ctx := context.Background()
	db, err := store.OpenPool(ctx, url, store.PoolOptions{MaxConns: 10, Name: "killed-worker"})
	if err != nil {
		t.Fatal(err)
	}
	sender, err := twilio.NewSender(twilio.SenderConfig{AccountSID: accountSID, AuthToken: authToken, FromNumber: business,
		APIBase: os.Getenv(workerAPIEnv)})
	if err != nil {
		t.Fatal(err)
	}
	ib, err := inbox.New(inbox.Config{DB: db, Agent: fixedReply{}, Sender: sender, Workers: true, Budget: sendBudget(t, 5),
		StatusCallback: os.Getenv(workerCBEnv), Logger: quiet(), SendTimeout: time.Second,
		RescueStuckJobsAfter: 5 * time.Second, RetryBackoff: func(int) time.Duration { return 100 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	if err := ib.Start(ctx); err != nil {
		t.Fatal(err)
	}
	select {}
}

// BenchmarkKilledWorkers kills worker processes with SIGKILL at 100
// random moments while they send, and counts texts sent twice and texts
// never sent. 400 texts to 200 leads (two each) wait at SMS_RATE=5;
// Twilio (the sandbox, over HTTP) answers each send in 150 ms, and its
// status callbacks reach the webhooks of this process. Each worker is a
// process of its own (this test binary), killed 0.3 to 1.5 s after it
// starts; the next one starts at once. River's rescuer hands the dead
// process's jobs to the next one: it sweeps every 30 s, so the benchmark
// ages the dead process's running jobs and lapses its leadership instead
// of waiting for the sweep. A last worker finishes the backlog.
func BenchmarkKilledWorkers(b *testing.B) {
	bundle := setup(b, options{workers: false})
	api := httptest.NewServer(bundle.sandbox)
	b.Cleanup(api.Close)
	bundle.sandbox.SetAnswerDelay(150 * time.Millisecond)
	const leads, each, kills = 200, 2, 100
	for i := range leads {
		var bodies []string
		for j := range each {
			bodies = append(bodies, fmt.Sprintf("Text %d to lead %d.", j, i))
		}
		bundle.queueTexts(b, bundle.inbox, fmt.Sprintf("+1303%07d", 2000000+i), bodies...)
	}
	rng := rand.New(rand.NewPCG(18, 1))
	worker := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSendWorkerProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), workerDBEnv+"="+bundle.db.Config().ConnString(), workerAPIEnv+"="+api.URL,
			workerCBEnv+"="+bundle.status)
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		return cmd
	}
	cut := map[string]string{} // sends a kill cut mid-way: id → body
	for range kills {
		cmd := worker()
		time.Sleep(300*time.Millisecond + time.Duration(rng.Int64N(int64(1200*time.Millisecond))))
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			b.Fatal(err)
		}
		_ = cmd.Wait()
		// The sends the kill cut: claimed, their answer not recorded.
		rows, err := bundle.db.Query(bundle.ctx, `SELECT id::text, body FROM messages
			WHERE sending_until IS NOT NULL AND provider_sid IS NULL AND status = 'pending'`)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var id, body string
			if err := rows.Scan(&id, &body); err != nil {
				b.Fatal(err)
			}
			cut[id] = body
		}
		rows.Close()
		bundle.stale(b)
	}
	// Of the cut sends, the ones Twilio had accepted: the duplicates of
	// old.
	accepted := map[string]bool{}
	for _, m := range bundle.sandbox.Messages() {
		accepted[m.Body] = true
	}
	cutAfterAccept := 0
	for _, body := range cut {
		if accepted[body] {
			cutAfterAccept++
		}
	}
	last := worker()
	defer func() { _ = last.Process.Kill(); _ = last.Wait() }()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		var waiting int
		if err := bundle.db.QueryRow(bundle.ctx, `SELECT count(*) FROM messages WHERE direction = 'outbound' AND status = 'pending'`).Scan(&waiting); err != nil {
			b.Fatal(err)
		}
		if waiting == 0 {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d texts still waiting 5 minutes after the last kill", waiting)
		}
		time.Sleep(200 * time.Millisecond)
	}
	seen := map[string]int{}
	for _, m := range bundle.sandbox.Messages() {
		seen[m.Body]++
	}
	duplicates, lost, failed := 0, 0, 0
	rows, err := bundle.db.Query(bundle.ctx, `SELECT body, status, COALESCE(provider_sid, '') FROM messages WHERE direction = 'outbound'`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var body, status, sid string
		if err := rows.Scan(&body, &status, &sid); err != nil {
			b.Fatal(err)
		}
		switch n := seen[body]; {
		case n == 0:
			lost++
		case n > 1:
			duplicates += n - 1
		}
		if sid == "" {
			failed++
		}
	}
	rows.Close()
	b.ReportMetric(float64(duplicates), "duplicates")
	b.ReportMetric(float64(lost), "lost")
	b.ReportMetric(float64(cutAfterAccept), "kills-after-accept")
	b.Logf("%d SIGKILLs of worker processes during %d sends: %d sends cut mid-way, %d of them after Twilio accepted; "+
		"%d texts sent twice, %d never sent, %d without a recorded SID", kills, leads*each, len(cut), cutAfterAccept, duplicates, lost, failed)
}
