package inbox_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/hours"
)

// percentile returns the p-th percentile (0-100) of sorted durations in ms.
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p / 100)
	return float64(sorted[i].Microseconds()) / 1000
}

func sortDurations(d []time.Duration) []time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d
}

// BenchmarkWebhookAck measures how fast a signed inbound SMS is
// acknowledged (recorded, reply job enqueued, empty TwiML back), over real
// HTTP and PostgreSQL on loopback, with no workers competing: first paced
// at 200 requests/s, then as fast as 32 concurrent senders can go.
func BenchmarkWebhookAck(b *testing.B) {
	bundle := setup(b, options{workers: false})
	post := func(i int) time.Duration {
		lead := bundle.lead(fmt.Sprintf("+1970%07d", 1000000+i%5000))
		form := lead.Message("how much is a furnace tune-up?")
		start := time.Now()
		if err := lead.Post(bundle.ctx, form); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	for i := 0; i < 50; i++ { // warm the pool and the plans
		post(i)
	}

	// Paced: 200/s for 10 s, each request on its own goroutine so a slow
	// one does not delay the next (open loop).
	const rate, paced = 200, 2000
	lat := make([]time.Duration, paced)
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / rate)
	for i := 0; i < paced; i++ {
		<-tick.C
		wg.Add(1)
		go func() { defer wg.Done(); lat[i] = post(100 + i) }()
	}
	tick.Stop()
	wg.Wait()
	sortDurations(lat)
	b.ReportMetric(percentile(lat, 50), "p50-ms@200rps")
	b.ReportMetric(percentile(lat, 99), "p99-ms@200rps")

	// Closed loop: 32 senders, as fast as acknowledgements come back.
	const senders, total = 32, 3200
	var next atomic.Int64
	start := time.Now()
	for s := 0; s < senders; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1))
				if i > total {
					return
				}
				post(10000 + i)
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(total/time.Since(start).Seconds(), "req/s@32-senders")
}

// BenchmarkInboundToOutbound measures a lead's wait: from the signed
// webhook going out to the reply arriving at the Twilio sandbox, through
// River and the offline agent with the demo knowledge, at 10 texts/s.
func BenchmarkInboundToOutbound(b *testing.B) {
	bundle := setup(b, options{workers: true})
	const n = 200
	sent := make([]time.Time, n)
	phone := func(i int) string { return fmt.Sprintf("+1970%07d", 2000000+i) }
	questions := []string{"how much is a furnace tune-up?", "what are your hours?", "do you offer financing?",
		"do you service Loveland?", "how much is a water heater?"}
	tick := time.NewTicker(100 * time.Millisecond)
	for i := 0; i < n; i++ {
		<-tick.C
		sent[i] = time.Now()
		bundle.text(b, phone(i), questions[i%len(questions)])
	}
	tick.Stop()
	lat := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		msgs := bundle.replies(b, phone(i), 1)
		lat = append(lat, msgs[0].Created.Sub(sent[i]))
	}
	sortDurations(lat)
	b.ReportMetric(percentile(lat, 50), "p50-ms")
	b.ReportMetric(percentile(lat, 95), "p95-ms")
}

// BenchmarkHandoffNotification measures how long a rep waits to hear of a
// lead who wants to buy: from the lead's signed webhook going out to the
// rep's notification arriving at the Twilio sandbox, through River, the
// offline agent, the escalation rules and routing, at 5 handoffs/s spread
// over three reps on duty. The reply debounce is off here; a deployment
// adds REPLY_DEBOUNCE (default 2 s) on purpose.
func BenchmarkHandoffNotification(b *testing.B) {
	bundle := setup(b, options{})
	_, reps := bundle.withDesk(b, hours.MustParse("24/7", "UTC"), nil)
	const n = 150
	phones := make([]string, n)
	sent := map[string]time.Time{}
	asks := []string{"I'd like to get a quote for a new furnace", "can I talk to a real person please",
		"ready to book the AC install, what's next", "your technician never showed up and nobody called"}
	tick := time.NewTicker(200 * time.Millisecond)
	for i := 0; i < n; i++ {
		<-tick.C
		phones[i] = fmt.Sprintf("+1970%07d", 3000000+i)
		sent[phones[i]] = time.Now()
		bundle.text(b, phones[i], asks[i%len(asks)])
	}
	tick.Stop()
	ctx, cancel := context.WithTimeout(bundle.ctx, time.Minute)
	defer cancel()
	repPhones := map[string]bool{}
	for _, r := range reps {
		repPhones[r.Phone] = true
	}
	msgs, err := bundle.sandbox.WaitUntil(ctx, func(all []sandbox.Message) bool {
		k := 0
		for _, m := range all {
			if repPhones[m.To] {
				k++
			}
		}
		return k >= n
	})
	if err != nil {
		b.Fatalf("notifications: %v", err)
	}
	var lat []time.Duration
	for _, m := range msgs {
		if !repPhones[m.To] {
			continue
		}
		for p, at := range sent {
			if strings.Contains(m.Body, p) {
				lat = append(lat, m.Created.Sub(at))
			}
		}
	}
	if len(lat) != n {
		b.Fatalf("%d notifications matched of %d", len(lat), n)
	}
	sortDurations(lat)
	b.ReportMetric(percentile(lat, 50), "p50-ms")
	b.ReportMetric(percentile(lat, 95), "p95-ms")
}
