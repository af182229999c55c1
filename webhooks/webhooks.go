package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/leadagent/leadagent/crm"
)

// Defaults of Config.
const (
	// DefaultDisableAfter is how long an endpoint's deliveries may fail
	// without one success before it is disabled.
	DefaultDisableAfter = 3 * 24 * time.Hour
	// DefaultTimeout bounds one POST.
	DefaultTimeout = 10 * time.Second
	// DefaultPollInterval is how often Run looks at the outbox.
	DefaultPollInterval = time.Second
	// batch is how many outbox events one Dispatch takes at most.
	batch = 100
)

// Schedule is the wait before each retry, the spec's suggestion: with the
// first attempt, eight in about 27 hours.
var Schedule = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour,
	5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// JobInserter inserts River jobs in a transaction: a *river.Client.
type JobInserter interface {
	InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// Sink is another consumer of the outbox (a CRM sync such as HubSpot's):
// Dispatch hands it every event of the types it wants, in the transaction
// that takes the event from the outbox, so it can queue its own job that
// commits with the taking. The outbox has one reader, Dispatch; others
// subscribe here.
type Sink struct {
	// Name is its subscription's name in the outbox ("hubspot").
	Name string
	// Events are the public event types it wants.
	Events []string
	// Enqueue queues its work for one event in tx.
	Enqueue func(ctx context.Context, tx pgx.Tx, eventType string, payload json.RawMessage) error
}

// consumer is the endpoints' subscription's name in the outbox.
const consumer = "webhooks"

// Config is what Webhooks needs.
type Config struct {
	DB   *pgxpool.Pool
	Jobs JobInserter
	// HTTPClient posts deliveries (default: one with DefaultTimeout).
	HTTPClient   *http.Client
	DisableAfter time.Duration
	PollInterval time.Duration
	// Retries is the wait before each retry (default Schedule).
	Retries []time.Duration
	// Sinks get every outbox event too (hubspot.Sink.Enqueue).
	Sinks  []Sink
	Logger *slog.Logger
	Now    func() time.Time
}

// Webhooks dispatches the outbox and delivers deliveries.
type Webhooks struct {
	cfg Config
}

// New makes Webhooks from cfg, filling its defaults.
func New(cfg Config) (*Webhooks, error) {
	if cfg.DB == nil || cfg.Jobs == nil {
		return nil, fmt.Errorf("webhooks: a database and a job inserter are needed")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: DefaultTimeout}
	}
	if cfg.DisableAfter <= 0 {
		cfg.DisableAfter = DefaultDisableAfter
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.Retries == nil {
		cfg.Retries = Schedule
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Webhooks{cfg: cfg}, nil
}

// Run dispatches the outbox every PollInterval until ctx ends. Any number
// of processes may run it (with the same sinks: the last to call
// Subscribe says which the outbox keeps writing for). Call Subscribe
// first, before the process records changes.
func (w *Webhooks) Run(ctx context.Context) {
	t := time.NewTicker(w.cfg.PollInterval)
	defer t.Stop()
	for {
		for {
			n, err := w.Dispatch(ctx)
			if err != nil && ctx.Err() == nil {
				w.cfg.Logger.Warn("webhooks: dispatch", "err", err)
			}
			if err != nil || n < batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Subscribe tells the outbox what to keep: the types the enabled
// endpoints want, and each sink's; a consumer of an earlier configuration
// (a sync since turned off) is unsubscribed.
func (w *Webhooks) Subscribe(ctx context.Context) error {
	if err := SyncSubscription(ctx, w.cfg.DB); err != nil {
		return err
	}
	keep := map[string]bool{consumer: true}
	for _, s := range w.cfg.Sinks {
		keep[s.Name] = true
		if err := crm.Subscribe(ctx, w.cfg.DB, s.Name, s.Events); err != nil {
			return err
		}
	}
	subs, err := crm.Subscribers(ctx, w.cfg.DB)
	if err != nil {
		return err
	}
	for name := range subs {
		if !keep[name] {
			if err := crm.Subscribe(ctx, w.cfg.DB, name, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// SyncSubscription subscribes the outbox to the event types the enabled
// endpoints want (none: no subscription). Every change to the endpoints
// calls it.
func SyncSubscription(ctx context.Context, db crm.DB) error {
	var types []string
	if err := db.QueryRow(ctx, `SELECT coalesce(array_agg(DISTINCT ev ORDER BY ev), '{}')
		FROM webhook_endpoints, unnest(events) AS ev WHERE disabled_at IS NULL`).Scan(&types); err != nil {
		return fmt.Errorf("webhook endpoints' event types: %w", err)
	}
	return crm.Subscribe(ctx, db, consumer, types)
}

// Dispatch takes up to a batch of outbox events and, in one transaction,
// writes a delivery and queues its job for every enabled endpoint
// subscribed to each. An event nobody wants is simply gone. It returns how
// many events it took.
func (w *Webhooks) Dispatch(ctx context.Context) (int, error) {
	tx, err := w.cfg.DB.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("dispatch webhooks: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	events, err := crm.TakeOutbox(ctx, tx, batch)
	if err != nil || len(events) == 0 {
		return 0, err
	}
	for _, e := range events {
		for _, sink := range w.cfg.Sinks {
			if !slices.Contains(sink.Events, e.Type) {
				continue
			}
			if err := sink.Enqueue(ctx, tx, e.Type, e.Payload); err != nil {
				return 0, fmt.Errorf("dispatch %s event %d: %w", e.Type, e.ID, err)
			}
		}
		rows, err := tx.Query(ctx, `INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, payload)
			SELECT id, $2, $1, $3 FROM webhook_endpoints WHERE disabled_at IS NULL AND $1 = ANY (events)
			RETURNING id::text`, e.Type, newMessageID(), e.Payload)
		if err != nil {
			return 0, fmt.Errorf("dispatch %s event %d: %w", e.Type, e.ID, err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return 0, fmt.Errorf("dispatch %s event %d: %w", e.Type, e.ID, err)
		}
		for _, id := range ids {
			if err := w.enqueue(ctx, tx, id); err != nil {
				return 0, err
			}
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("dispatch webhooks: %w", err)
	}
	return len(events), nil
}

func (w *Webhooks) enqueue(ctx context.Context, tx pgx.Tx, deliveryID string) error {
	if _, err := w.cfg.Jobs.InsertTx(ctx, tx, DeliverArgs{DeliveryID: deliveryID},
		&river.InsertOpts{MaxAttempts: len(w.cfg.Retries) + 1}); err != nil {
		return fmt.Errorf("queue webhook delivery %s: %w", deliveryID, err)
	}
	return nil
}

// newMessageID is a webhook-id: one per event, the same on every attempt
// and every endpoint, so a receiver can tell a retry from a new event.
func newMessageID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return "msg_" + hex.EncodeToString(b)
}

// SendTest queues a webhook.test event to one endpoint, whatever it
// subscribed to, and returns its delivery's id.
func (w *Webhooks) SendTest(ctx context.Context, endpointID string) (string, error) {
	if _, err := GetEndpoint(ctx, w.cfg.DB, endpointID); err != nil {
		return "", err
	}
	payload, err := json.Marshal(map[string]any{"type": EventTest, "version": crm.PayloadVersion,
		"timestamp": w.cfg.Now().UTC().Format(time.RFC3339Nano),
		"data":      map[string]any{"endpoint_id": endpointID, "message": "A test event from leadagent."}})
	if err != nil {
		return "", fmt.Errorf("test event: %w", err)
	}
	return w.queue(ctx, `INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, payload)
		VALUES ($1, $2, $3, $4) RETURNING id::text`, endpointID, newMessageID(), EventTest, payload)
}

// Replay sends a delivery's event again, as a new delivery with the same
// webhook-id (it is the same event), and returns the new one's id.
func (w *Webhooks) Replay(ctx context.Context, deliveryID string) (string, error) {
	if !isUUID(deliveryID) {
		return "", ErrNotFound
	}
	return w.queue(ctx, `INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, payload, replay_of)
		SELECT endpoint_id, message_id, event_type, payload, id FROM webhook_deliveries WHERE id = $1
		RETURNING id::text`, deliveryID)
}

// queue inserts one delivery with insert and queues its job, together.
func (w *Webhooks) queue(ctx context.Context, insert string, args ...any) (string, error) {
	var id string
	err := pgx.BeginFunc(ctx, w.cfg.DB, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, insert, args...).Scan(&id); err != nil {
			if err == pgx.ErrNoRows {
				return ErrNotFound
			}
			return fmt.Errorf("queue webhook delivery: %w", err)
		}
		return w.enqueue(ctx, tx, id)
	})
	return id, err
}
