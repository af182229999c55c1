package inbox_test

import (
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/channels/email"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/internal/maildevtest"
	"github.com/leadagent/leadagent/store/storetest"
)

// benchDebounce is REPLY_DEBOUNCE in the email benchmarks: off, as in
// every test of the inbox. A deployment waits 2 s by default before it
// answers, on purpose, which adds to every reply's figure.
const benchDebounce = 0 * time.Second

// emailBench is the email path on real parts: setup's fresh database
// with the demo knowledge and the offline agent, an inbox with River
// workers that sends through MailDev over SMTP and may send marketing
// email (a postal address and a public URL), its desk open 24/7 on the
// real clock, the reply debounce at benchDebounce. The sender dials
// MailDev for each email, and MailDev's SMTP server (nodemailer's
// smtp-server) waits 100 ms before its greeting to catch early talkers:
// that is in every figure here.
type emailBench struct {
	*testBundle
	ib *inbox.Inbox
	md *maildevtest.Server
}

func newEmailBench(b *testing.B) *emailBench {
	b.Helper()
	md := maildevtest.Start(b)
	sender, err := email.NewSender(email.SenderConfig{SMTPURL: md.SMTPURL(), From: emailFrom, PostalAddress: postalAddress,
		PublicURL: "https://leads.example.com"})
	if err != nil {
		b.Fatal(err)
	}
	bundle := setup(b, options{})
	ib, _ := bundle.withDesk(b, hours.MustParse("24/7", "America/Denver"), nil, func(c *inbox.Config) {
		c.Email, c.Debounce = sender, benchDebounce
	})
	return &emailBench{testBundle: bundle, ib: ib, md: md}
}

// benchQuestions are what the leads ask, all answered by the demo
// knowledge, each in an email that ends with "Thanks" and a name (cut
// before the agent reads it).
var benchQuestions = []string{"How much is a furnace tune-up?", "What are your hours?", "Do you offer financing?",
	"Do you service Loveland?", "How much is a water heater?"}

// benchInbound is lead i's personal email to the business, from an
// address of its own.
func benchInbound(prefix string, i int) email.Inbound {
	return email.Inbound{From: fmt.Sprintf("%s%04d@example.com", prefix, i), FromName: "Dana Smith",
		To: []string{"leads@summit.example"}, Subject: "A question", MessageID: fmt.Sprintf("%s-%04d@mail.example.com", prefix, i),
		Text: "Hello,\n\n" + benchQuestions[i%len(benchQuestions)] + "\n\nThanks\nDana", Header: textproto.MIMEHeader{}}
}

// replySent is the query for an inbound email's reply: the email's
// created_at (when ReceiveEmail was called), the reply's sent_at (when
// the SMTP server accepted it) and status.
const replySent = `SELECT i.created_at, r.sent_at, r.status FROM messages i JOIN messages r ON r.reply_to = i.id
	WHERE i.provider_sid = $1`

// waitSent polls until the row query gives (start, sent_at, status) has a
// sent_at, and returns sent_at - start: PostgreSQL's timestamps, so the
// poll's interval is not in the figure.
func (e *emailBench) waitSent(b *testing.B, query string, arg any) time.Duration {
	b.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var start time.Time
		var sent *time.Time
		var status string
		err := e.db.QueryRow(e.ctx, query, arg).Scan(&start, &sent, &status)
		switch {
		case errors.Is(err, pgx.ErrNoRows): // not written yet
		case err != nil:
			b.Fatal(err)
		case sent != nil:
			return sent.Sub(start)
		case status == "failed" || status == crm.StatusSuppressed:
			b.Fatalf("%v: the email was %s", arg, status)
		}
		if time.Now().After(deadline) {
			b.Fatalf("%v: not sent 30 s after", arg)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// quietJobs waits until no job is left to run (settle's wait, for a
// benchmark), so what MailDev holds afterwards is all that will come.
func (e *emailBench) quietJobs(b *testing.B) {
	b.Helper()
	storetest.WaitJobs(b, e.db, time.Minute)
}

// mail waits until MailDev holds at least n emails and no more arrive for
// half a second, and returns them.
func (e *emailBench) mail(b *testing.B, n int) []maildevtest.Email {
	b.Helper()
	deadline := time.Now().Add(time.Minute)
	last := -1
	for {
		got := e.md.Emails(b)
		if len(got) >= n && len(got) == last {
			return got
		}
		if time.Now().After(deadline) {
			b.Fatalf("MailDev holds %d emails, want %d", len(got), n)
		}
		last = len(got)
		time.Sleep(500 * time.Millisecond)
	}
}

// outcomes counts the agent's outbound emails by outcome, for the log.
func (e *emailBench) outcomes(b *testing.B) string {
	b.Helper()
	rows, err := e.db.Query(e.ctx, `SELECT outcome, count(*) FROM messages WHERE direction = 'outbound' GROUP BY 1 ORDER BY 2 DESC`)
	if err != nil {
		b.Fatal(err)
	}
	var parts []string
	for rows.Next() {
		var outcome string
		var n int
		if err := rows.Scan(&outcome, &n); err != nil {
			b.Fatal(err)
		}
		parts = append(parts, fmt.Sprintf("%s %d", outcome, n))
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return strings.Join(parts, ", ")
}

// BenchmarkFormLeadToFirstEmail measures speed to lead by email: a form
// lead who agreed to email and not to texts, without a phone, received
// as POST /api/v1/leads receives it (ReceiveLead), until MailDev's SMTP
// server accepted the first touch: the lead's created_at to the first
// touch's sent_at in PostgreSQL, through River's first-touch queue, the
// offline agent with the demo knowledge and SMTP. One lead at a time
// (each waits for the previous one's email), b.N leads, each with an
// address of its own.
func BenchmarkFormLeadToFirstEmail(b *testing.B) {
	e := newEmailBench(b)
	const firstTouch = `SELECT l.created_at, m.sent_at, m.status FROM leads l JOIN messages m ON m.id = l.first_touch_message_id
		WHERE l.id = $1`
	var lat []time.Duration
	n := 0
	for b.Loop() {
		got, err := e.ib.ReceiveLead(e.ctx, crm.NewLead{Email: fmt.Sprintf("form%04d@example.com", n), Name: "Dana Reyes",
			Source: "website", Message: benchQuestions[n%len(benchQuestions)], Consent: emailConsent(time.Now())})
		if err != nil {
			b.Fatal(err)
		}
		if got.FirstTouch != inbox.FirstTouchQueued || got.Channel != crm.ChannelEmail {
			b.Fatalf("lead %d: first touch %q by %q, want queued by email", n, got.FirstTouch, got.Channel)
		}
		lat = append(lat, e.waitSent(b, firstTouch, got.Lead.ID))
		n++
	}
	e.quietJobs(b)
	each := map[string]int{}
	for _, m := range e.mail(b, n) {
		if len(m.To) == 1 {
			each[m.To[0].Address]++
		}
	}
	for i := range n {
		if k := each[fmt.Sprintf("form%04d@example.com", i)]; k != 1 {
			b.Fatalf("lead %d got %d emails at MailDev, want the first touch", i, k)
		}
	}
	sortDurations(lat)
	b.ReportMetric(percentile(lat, 50), "p50-ms")
	b.ReportMetric(percentile(lat, 95), "p95-ms")
	b.Logf("%d form leads by email, one at a time: lead recorded to first email accepted by SMTP p50 %.0f ms, p95 %.0f ms, max %.0f ms",
		n, percentile(lat, 50), percentile(lat, 95), percentile(lat, 100))
}

// BenchmarkInboundEmailToReply measures a lead's wait for the agent's
// answer by email: a question the demo knowledge answers, received with
// ReceiveEmail, until MailDev's SMTP server accepted the reply: the
// email's created_at to the reply's sent_at in PostgreSQL, through River,
// the offline agent and SMTP, with the reply debounce at benchDebounce
// (a deployment adds REPLY_DEBOUNCE, 2 s by default). One email at a
// time, b.N emails, each from an address of its own.
func BenchmarkInboundEmailToReply(b *testing.B) {
	e := newEmailBench(b)
	var lat []time.Duration
	n := 0
	for b.Loop() {
		in := benchInbound("ask", n)
		out, err := e.ib.ReceiveEmail(e.ctx, in)
		if err != nil {
			b.Fatal(err)
		}
		if out != inbox.EmailRecorded {
			b.Fatalf("email %d: outcome %s", n, out)
		}
		lat = append(lat, e.waitSent(b, replySent, "email:"+in.MessageID))
		n++
	}
	e.quietJobs(b)
	each := map[string]int{}
	for _, m := range e.mail(b, n) {
		each[m.Header("In-Reply-To")]++
	}
	for i := range n {
		if k := each["<"+benchInbound("ask", i).MessageID+">"]; k != 1 {
			b.Fatalf("email %d got %d replies at MailDev, want 1", i, k)
		}
	}
	sortDurations(lat)
	b.ReportMetric(percentile(lat, 50), "p50-ms")
	b.ReportMetric(percentile(lat, 95), "p95-ms")
	b.Logf("%d emails one at a time, REPLY_DEBOUNCE=%s: email recorded to reply accepted by SMTP p50 %.0f ms, p95 %.0f ms, max %.0f ms (replies: %s)",
		n, benchDebounce, percentile(lat, 50), percentile(lat, 95), percentile(lat, 100), e.outcomes(b))
}

// BenchmarkEmailBurst500 receives 500 emails from 500 leads as fast as 16
// concurrent callers of ReceiveEmail go, then waits until every one is
// answered, and counts at MailDev the emails answered exactly once (must
// be 500) and the replies beyond one (must be 0); it reports the time
// from the first email to the last reply accepted by SMTP, and each
// email's wait (created_at to its reply's sent_at in PostgreSQL), with
// the reply debounce at benchDebounce. The burst runs once whatever
// -benchtime says (ns/op is then the burst's time over b.N); drain-s is
// the figure.
func BenchmarkEmailBurst500(b *testing.B) {
	e := newEmailBench(b)
	const total, senders = 500, 16
	var start, received time.Time
	ran := false
	for b.Loop() {
		if ran {
			continue
		}
		ran = true
		var next atomic.Int64
		var wg sync.WaitGroup
		start = time.Now()
		for range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= total {
						return
					}
					out, err := e.ib.ReceiveEmail(e.ctx, benchInbound("burst", i))
					if err != nil || out != inbox.EmailRecorded {
						b.Errorf("email %d: outcome %s (%v)", i, out, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		received = time.Now()
		if b.Failed() {
			b.FailNow()
		}
		deadline := time.Now().Add(2 * time.Minute)
		for {
			var sent, refused int
			if err := e.db.QueryRow(e.ctx, `SELECT count(r.sent_at), count(*) FILTER (WHERE r.status IN ('failed', 'suppressed'))
				FROM messages i JOIN messages r ON r.reply_to = i.id
				WHERE i.direction = 'inbound' AND i.channel = 'email'`).Scan(&sent, &refused); err != nil {
				b.Fatal(err)
			}
			if refused > 0 {
				b.Fatalf("%d replies failed or suppressed", refused)
			}
			if sent >= total {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d emails answered 2 minutes after the burst", sent, total)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	// Every job done and MailDev's count steady: any second send of a
	// reply has happened by now.
	e.quietJobs(b)
	replies := map[string]int{}
	for _, m := range e.mail(b, total) {
		replies[m.Header("In-Reply-To")]++
	}
	once, duplicates, unanswered := 0, 0, 0
	for i := range total {
		switch k := replies["<"+benchInbound("burst", i).MessageID+">"]; k {
		case 0:
			unanswered++
		case 1:
			once++
		default:
			duplicates += k - 1
		}
	}

	rows, err := e.db.Query(e.ctx, `SELECT i.created_at, r.sent_at FROM messages i JOIN messages r ON r.reply_to = i.id
		WHERE i.direction = 'inbound' AND i.channel = 'email' AND r.sent_at IS NOT NULL`)
	if err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	var last time.Time
	for rows.Next() {
		var in, at time.Time
		if err := rows.Scan(&in, &at); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, at.Sub(in))
		if at.After(last) {
			last = at
		}
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	sortDurations(lat)
	drain := last.Sub(start)
	b.Logf("%d emails received by %d callers in %.1f s (REPLY_DEBOUNCE=%s); last reply accepted by SMTP %.1f s after the first email; "+
		"email to reply p50 %.0f ms, p95 %.0f ms, max %.0f ms; at MailDev %d answered once, %d replies beyond one, %d unanswered (replies: %s)",
		total, senders, received.Sub(start).Seconds(), benchDebounce, drain.Seconds(), percentile(lat, 50), percentile(lat, 95),
		percentile(lat, 100), once, duplicates, unanswered, e.outcomes(b))
	if once != total || duplicates != 0 {
		b.Fatalf("%d of %d emails answered exactly once, %d replies beyond one, %d unanswered", once, total, duplicates, unanswered)
	}
	b.ReportMetric(float64(once), "answered-once")
	b.ReportMetric(float64(duplicates), "duplicates")
	b.ReportMetric(drain.Seconds(), "drain-s")
	b.ReportMetric(percentile(lat, 50), "p50-ms")
	b.ReportMetric(percentile(lat, 95), "p95-ms")
}
