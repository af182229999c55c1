// Package inbox is the orchestration between a lead and the business: it
// records inbound messages, calls and form leads (contact, conversation,
// consent) and, in the same transaction, enqueues the River jobs they
// cause; it runs the workers that call the agent, apply the escalation
// rules and hand off, text reps, run SLA timers, send first touches and
// follow-ups (by text, or by email to a lead who agreed to email only),
// and deliver through the channel's Sender; it answers a
// call's turns within their time budget; and it carries out reps'
// takeovers, replies, notes, hand-backs and closes. It decides who answers
// and when; it does not know how the agent thinks or how Twilio speaks.
package inbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/email"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/inbox/budget"
	"github.com/leadagent/leadagent/store"
	"github.com/leadagent/leadagent/turn"
)

// sendQueue is the River queue of texts on their way out (replies, rep
// notifications): its workers mostly wait, holding no connection, so it
// has many, apart from the jobs that think.
const sendQueue = "send"

// respondQueue holds the reply jobs: working out what to say is the
// agent's work, bounded on its own (Config.RespondWorkers).
const respondQueue = "respond"

// CoresButOne is the RespondWorkers of a responder that computes its
// answers (the offline agent): every core but one, which the webhooks
// keep, and at least one.
func CoresButOne() int { return max(1, runtime.GOMAXPROCS(0)-1) }

// Business is what the inbox says on the business's behalf without the
// agent: the HELP answer and the note about pictures.
type Business struct {
	Name  string
	Phone string // how to reach a person
}

// Config wires an Inbox.
type Config struct {
	// DB serves what a request does: webhooks, the API, the console.
	DB *pgxpool.Pool
	// WorkerDB serves River and the jobs; nil for DB. A pool of its own
	// keeps the webhooks' connections free whatever the jobs do, so
	// Twilio's acknowledgements never wait behind a backlog.
	WorkerDB *pgxpool.Pool
	Agent    agent.Responder
	// Knowledge is the business's knowledge, where a caller who raised a
	// danger finds the business's own safety instruction; nil gives them
	// agent.SafetyFallback.
	Knowledge agent.Retriever
	// Sender delivers texts; one that is also a channels.Ledger is asked
	// what it sent before a send whose outcome is unknown is repeated.
	Sender channels.Sender
	// Email sends on email conversations: replies, and the first touch
	// and follow-ups of leads who agreed to email (which need its postal
	// address and public URL: email.Sender.CanMarket); nil leaves replies
	// pending (retried, then failed) until a process with one sends them,
	// and reaches no lead by email.
	Email *email.Sender
	// Budget is the sending number's send rate, shared by every process;
	// nil sends as fast as the provider answers.
	Budget *budget.Budget
	// SendTimeout bounds one call to the provider (default 15 s); a claim
	// counts as abandoned a third of it after.
	SendTimeout time.Duration
	// SendWorkers bounds the sends this process has in hand (default 50);
	// a send holds no connection while it waits for its moment or for the
	// provider.
	SendWorkers int
	// RespondWorkers bounds the replies this process works out at once
	// (default MaxWorkers). A responder that computes its answers (the
	// offline agent) should take fewer than the cores, so that webhooks
	// are acknowledged at once however many leads are waiting for a reply;
	// one that waits on a model takes many.
	RespondWorkers int
	// Desk decides and records handoffs to reps; nil for one with the
	// default business hours and no console link.
	Desk     *handoff.Desk
	Business Business
	// Confirmations says who confirms STOP, START and HELP to the lead:
	// Twilio's default opt-out handling ("" or turn.ConfirmByTwilio; the
	// inbox sends nothing for them) or the inbox itself
	// (turn.ConfirmBySelf: one confirmation, nothing with it).
	Confirmations turn.Confirmations
	// Region reads phone numbers without a country code ("US").
	Region string
	// StatusCallback is the URL the provider reports delivery to.
	StatusCallback string
	// Workers runs the reply and send jobs in this process; false makes an
	// insert-only client for web-only replicas.
	Workers bool
	// MaxWorkers bounds concurrent jobs (default 20).
	MaxWorkers int
	// RetryBackoff gives the wait before retry attempt n (1-based) of a
	// failed job; default: exponential from 1 s, capped at 5 minutes.
	RetryBackoff func(attempt int) time.Duration
	// Debounce waits this long after a lead's message before answering, so
	// a lead who sends several messages in a few seconds gets one reply to
	// all of them. Zero answers at once.
	Debounce time.Duration
	// Redact removes card numbers and secrets from a lead's text before it
	// is stored; nil stores it as sent.
	Redact func(string) (string, bool)
	// Voice tunes phone calls.
	Voice VoiceConfig
	// FirstTouchInWindow holds the first touch that answers a lead's own
	// form to the lead's contact window, as follow-ups are; false sends it
	// at once (the lead asked to be contacted).
	FirstTouchInWindow bool
	// Facebook fetches the leads Facebook Lead Ads announces (the
	// facebook_lead job); nil leaves such jobs waiting for a process
	// that has it.
	Facebook FacebookLeads
	// MoreWorkers adds the workers of other packages' jobs (an eval run) to
	// the ones the inbox runs; Enqueue inserts their jobs.
	MoreWorkers func(*river.Workers)
	// RescueStuckJobsAfter requeues jobs whose worker died (default 2 min).
	RescueStuckJobsAfter time.Duration
	Logger               *slog.Logger
	Now                  func() time.Time
}

// Inbox records lead messages and answers them through River jobs.
type Inbox struct {
	// db is the request pool, and the worker pool in the copy of the
	// Inbox the workers run on.
	db          *pgxpool.Pool
	agent       agent.Responder
	knowledge   agent.Retriever
	sender      channels.Sender
	ledger      channels.Ledger // nil when the sender cannot list
	mailer      *email.Sender
	sendBudget  *budget.Budget
	sendTimeout time.Duration
	desk        *handoff.Desk
	voice       VoiceConfig
	business    Business
	confirm     turn.Confirmations
	region      string
	callback    string
	jobs        *river.Client[pgx.Tx]
	logger      *slog.Logger
	now         func() time.Time
	backoff     func(int) time.Duration
	debounce    time.Duration
	redact      func(string) (string, bool)
	// firstTouchInWindow: see Config.FirstTouchInWindow.
	firstTouchInWindow bool
	facebook           FacebookLeads
}

// New builds an Inbox and its River client. Call Start to work jobs.
func New(cfg Config) (*Inbox, error) {
	ib := &Inbox{
		db: cfg.DB, agent: cfg.Agent, knowledge: cfg.Knowledge, sender: cfg.Sender, mailer: cfg.Email, sendBudget: cfg.Budget, sendTimeout: cfg.SendTimeout,
		desk: cfg.Desk, voice: cfg.Voice, business: cfg.Business, confirm: cfg.Confirmations,
		region: cfg.Region, callback: cfg.StatusCallback, logger: cfg.Logger, now: cfg.Now,
		backoff: cfg.RetryBackoff, debounce: cfg.Debounce, redact: cfg.Redact, firstTouchInWindow: cfg.FirstTouchInWindow,
		facebook: cfg.Facebook,
	}
	ib.ledger, _ = cfg.Sender.(channels.Ledger)
	if ib.sendTimeout <= 0 {
		ib.sendTimeout = 15 * time.Second
	}
	if ib.logger == nil {
		ib.logger = slog.Default()
	}
	if ib.now == nil {
		ib.now = time.Now
	}
	if ib.region == "" {
		ib.region = "US"
	}
	if ib.confirm == "" {
		ib.confirm = turn.ConfirmByTwilio
	}
	if ib.backoff == nil {
		ib.backoff = defaultBackoff
	}
	if ib.desk == nil {
		ib.desk = handoff.NewDesk(handoff.DeskConfig{Hours: hours.MustParse("Mon-Fri 09:00-17:00", "UTC"),
			BusinessName: cfg.Business.Name, Now: ib.now})
	}
	rc := &river.Config{
		Logger:               store.RiverLogger(ib.logger),
		JobTimeout:           time.Minute,
		RescueStuckJobsAfter: cfg.RescueStuckJobsAfter,
		FetchCooldown:        20 * time.Millisecond,
		RetryPolicy:          retryPolicy{ib.backoff},
	}
	if rc.RescueStuckJobsAfter == 0 {
		rc.RescueStuckJobsAfter = 2 * time.Minute
	}
	// A job may not outlive the time after which it counts as stuck.
	rc.JobTimeout = min(rc.JobTimeout, rc.RescueStuckJobsAfter)
	// The workers run on a copy of the Inbox whose queries go to the
	// worker pool; the copy shares everything else.
	work, jobsDB := ib, cfg.DB
	if cfg.WorkerDB != nil {
		c := *ib
		work, jobsDB = &c, cfg.WorkerDB
		work.db = cfg.WorkerDB
	}
	if cfg.Workers {
		if cfg.Agent == nil || cfg.Sender == nil {
			return nil, errors.New("inbox: workers need an agent and a sender")
		}
		max := cfg.MaxWorkers
		if max <= 0 {
			max = 20
		}
		if ib.ledger == nil {
			ib.logger.Warn("inbox: the sender cannot list what it sent: a send whose outcome is unknown will be sent again")
		}
		sends := cfg.SendWorkers
		if sends <= 0 {
			sends = 50
		}
		workers := river.NewWorkers()
		river.AddWorker(workers, &respondWorker{ib: work})
		river.AddWorker(workers, &sendWorker{ib: work})
		river.AddWorker(workers, &notifyWorker{ib: work})
		river.AddWorker(workers, &slaWorker{ib: work})
		river.AddWorker(workers, &assignWorker{ib: work})
		river.AddWorker(workers, &firstTouchWorker{ib: work})
		river.AddWorker(workers, &firstTouchEmailWorker{ib: work})
		river.AddWorker(workers, &followUpWorker{ib: work})
		river.AddWorker(workers, &facebookLeadWorker{ib: work})
		if cfg.MoreWorkers != nil {
			cfg.MoreWorkers(workers)
		}
		rc.Workers = workers
		respond := cfg.RespondWorkers
		if respond <= 0 {
			respond = max
		}
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max}, firstTouchQueue: {MaxWorkers: 1},
			sendQueue: {MaxWorkers: sends}, respondQueue: {MaxWorkers: respond}}
	}
	client, err := river.NewClient(riverpgxv5.New(jobsDB), rc)
	if err != nil {
		return nil, fmt.Errorf("inbox: river client: %w", err)
	}
	ib.jobs, work.jobs = client, client
	return ib, nil
}

// Enqueue inserts a job for one of the MoreWorkers.
func (ib *Inbox) Enqueue(ctx context.Context, args river.JobArgs) error {
	if _, err := ib.jobs.Insert(ctx, args, nil); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// Start works jobs until ctx ends or Stop is called.
func (ib *Inbox) Start(ctx context.Context) error {
	if err := ib.jobs.Start(ctx); err != nil {
		return fmt.Errorf("inbox: start workers: %w", err)
	}
	return nil
}

// Stop finishes the jobs in hand and stops working new ones.
func (ib *Inbox) Stop(ctx context.Context) error {
	if err := ib.jobs.Stop(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("inbox: stop workers: %w", err)
	}
	return nil
}

// onRiverClock turns a time on the inbox's clock into River's, which
// schedules by the real time: a step due in an hour by the inbox's clock
// runs in an hour. In production the two are one clock; a test's clock
// may stand anywhere.
func (ib *Inbox) onRiverClock(t time.Time) time.Time {
	return t.Add(time.Since(ib.now()))
}

func defaultBackoff(attempt int) time.Duration {
	d := time.Second << min(attempt-1, 9)
	return min(d, 5*time.Minute)
}

type retryPolicy struct{ backoff func(int) time.Duration }

func (p retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(p.backoff(job.Attempt))
}

// unavailable marks err so webhooks answer 503 when the database could not
// be reached.
func unavailable(err error) error {
	if store.IsUnavailable(err) {
		return fmt.Errorf("%w: %w", channels.ErrUnavailable, err)
	}
	return err
}

// inTx runs fn in a transaction and commits it. fn may run again (see
// txAttempts): it must leave nothing outside the transaction that a
// second run would repeat or pile onto.
func (ib *Inbox) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := ib.tryTx(ctx, fn)
		if err == nil || attempt == txAttempts || !retryable(err) {
			return err
		}
	}
}

// txAttempts bounds how often inTx runs a transaction PostgreSQL aborted
// to break a deadlock or a serialization conflict. Such an abort says
// nothing about the work: a lead's text would otherwise be lost to a
// follow-up that happened to lock the same rows (Twilio does not retry
// a failed SMS webhook).
const txAttempts = 3

// retryable reports whether err is PostgreSQL aborting a transaction to
// let another through (deadlock_detected, serialization_failure).
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

func (ib *Inbox) tryTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := ib.db.Begin(ctx)
	if err != nil {
		return unavailable(fmt.Errorf("begin: %w", err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	if err := fn(tx); err != nil {
		return unavailable(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return unavailable(fmt.Errorf("commit: %w", err))
	}
	return nil
}
