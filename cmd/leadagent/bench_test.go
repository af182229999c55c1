package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// BenchmarkSpeedToLead runs the product as make run does and posts web
// form leads to POST /api/v1/leads: first 200 at 20 leads/s, then a burst
// of 1,000 as fast as one client can post them, with sends held to
// SMS_RATE segments a second. Speed to lead is what the product records:
// from the lead's arrival to Twilio (the sandbox) accepting its first
// text, through River, the offline agent and the rate limiter.
func BenchmarkSpeedToLead(b *testing.B) {
	const rate = 50
	base := startProduct(b, map[string]string{"SMS_RATE": fmt.Sprint(rate), "BUSINESS_HOURS": "24/7"})
	post := func(i int, source string) {
		body := fmt.Sprintf(`{"phone": "+1970%07d", "name": "Lead %d", "source": %q, "message": "how much is a furnace tune-up?",
			"consent": {"sms": true, "text": "I agree to texts.", "captured_at": %q}}`, 5000000+i, i, source, time.Now().UTC().Format(time.RFC3339))
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/leads", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer k1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			b.Fatalf("lead %d: %d", i, resp.StatusCode)
		}
	}
	db, err := pgx.Connect(context.Background(), os.Getenv("DATABASE_URL"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close(context.Background())
	// waitAll waits for every lead of source to have its first touch and
	// returns the speeds to lead, sorted, and when the last one was sent.
	waitAll := func(source string, n int) ([]time.Duration, time.Time) {
		deadline := time.Now().Add(5 * time.Minute)
		for time.Now().Before(deadline) {
			var done int
			if err := db.QueryRow(context.Background(), `SELECT count(*) FROM leads l JOIN messages m ON m.id = l.first_touch_message_id
				WHERE l.source = $1 AND m.sent_at IS NOT NULL`,
				source).Scan(&done); err != nil {
				b.Fatal(err)
			}
			if done == n {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		rows, err := db.Query(context.Background(), `SELECT m.sent_at - l.created_at, m.sent_at
			FROM leads l LEFT JOIN messages m ON m.id = l.first_touch_message_id WHERE l.source = $1`, source)
		if err != nil {
			b.Fatal(err)
		}
		var lat []time.Duration
		var last time.Time
		for rows.Next() {
			var d time.Duration
			var at *time.Time
			if err := rows.Scan(&d, &at); err != nil {
				b.Fatal(err)
			}
			if at == nil {
				b.Fatalf("a %s lead has no first touch after 5 minutes", source)
			}
			lat = append(lat, d)
			if at.After(last) {
				last = *at
			}
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		return lat, last
	}
	pct := func(d []time.Duration, p float64) float64 { return d[int(float64(len(d)-1)*p)].Seconds() * 1000 }

	tick := time.NewTicker(time.Second / 20)
	for i := 0; i < 200; i++ {
		<-tick.C
		post(i, "paced")
	}
	tick.Stop()
	lat, _ := waitAll("paced", 200)
	b.ReportMetric(pct(lat, 0.5), "p50-ms@20/s")
	b.ReportMetric(pct(lat, 0.95), "p95-ms@20/s")

	start := time.Now()
	for i := 0; i < 1000; i++ {
		post(1000+i, "burst")
	}
	posted := time.Since(start)
	lat, last := waitAll("burst", 1000)
	b.ReportMetric(posted.Seconds(), "burst-post-s")
	b.ReportMetric(last.Sub(start).Seconds(), "burst-last-touch-s@50/s")
	b.ReportMetric(pct(lat, 0.5)/1000, "burst-p50-s")
}
