package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// maxResponse is how much of a response body an attempt keeps.
const maxResponse = 2048

// DeliverArgs is the River job that posts one delivery.
type DeliverArgs struct {
	DeliveryID string `json:"delivery_id"`
}

// Kind is the job's kind in river_job.
func (DeliverArgs) Kind() string { return "webhook_deliver" }

// DeliverWorker works DeliverArgs: Deliver, retried on the Retries
// schedule until the last attempt, which marks the delivery failed.
type DeliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	w *Webhooks
}

// Worker is the River worker of the deliveries, for the process that
// works jobs.
func (w *Webhooks) Worker() *DeliverWorker { return &DeliverWorker{w: w} }

// NextRetry waits the schedule's step for the attempt that failed.
func (d *DeliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	steps := d.w.cfg.Retries
	i := min(max(job.Attempt-1, 0), len(steps)-1)
	if len(steps) == 0 {
		return time.Now().Add(time.Minute)
	}
	return time.Now().Add(steps[i])
}

// Timeout leaves room for the POST and the bookkeeping around it.
func (d *DeliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration {
	return d.w.cfg.HTTPClient.Timeout + 10*time.Second
}

// Work posts the delivery once.
func (d *DeliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return d.w.Deliver(ctx, job.Args.DeliveryID, job.Attempt >= job.MaxAttempts)
}

// ErrRejected is a delivery the endpoint did not answer with a 2xx.
var ErrRejected = errors.New("endpoint did not accept the event")

// Deliver posts a delivery to its endpoint once and records the attempt.
// A 2xx delivers it; anything else is an error (River retries), and, with
// last, marks it failed. A delivery already delivered, whose endpoint is
// gone, or disabled, is not posted. No transaction is held while posting.
func (w *Webhooks) Deliver(ctx context.Context, deliveryID string, last bool) error {
	var (
		url, secret, msgID, status string
		payload                    []byte
		disabled                   *time.Time
	)
	err := w.cfg.DB.QueryRow(ctx, `SELECT e.url, e.secret, e.disabled_at, d.message_id, d.status, d.payload::text
		FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1`, deliveryID).
		Scan(&url, &secret, &disabled, &msgID, &status, &payload)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // the endpoint was deleted with its deliveries
	}
	if err != nil {
		return fmt.Errorf("deliver webhook %s: %w", deliveryID, err)
	}
	if status != StatusPending {
		return nil
	}
	if disabled != nil {
		return w.setStatus(ctx, deliveryID, StatusSkipped)
	}

	// The signature's timestamp is the wall clock's, which the receiver
	// checks its own against; the attempt is recorded on the product's.
	sent := time.Now()
	code, body, postErr := w.post(ctx, url, secret, msgID, sent, payload)
	a := Attempt{At: w.cfg.Now(), StatusCode: code, ResponseBody: body, DurationMS: int(time.Since(sent).Milliseconds())}
	if postErr == nil && (code < 200 || code > 299) {
		postErr = fmt.Errorf("%w: HTTP %d", ErrRejected, code)
	}
	if postErr != nil {
		a.Error = postErr.Error()
	}
	if err := w.record(ctx, deliveryID, a, postErr == nil, last); err != nil {
		return err
	}
	if postErr != nil {
		return fmt.Errorf("deliver webhook %s: %w", deliveryID, postErr)
	}
	return nil
}

// post signs and sends one request, returning the status and the start of
// the body.
func (w *Webhooks) post(ctx context.Context, url, secret, msgID string, at time.Time, payload []byte) (int, string, error) {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return 0, "", fmt.Errorf("endpoint secret: %w", err)
	}
	sig, err := wh.Sign(msgID, at, payload)
	if err != nil {
		return 0, "", fmt.Errorf("sign: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return 0, "", fmt.Errorf("request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "leadagent-webhooks/1")
	req.Header.Set(standardwebhooks.HeaderWebhookID, msgID)
	req.Header.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(at.Unix(), 10))
	req.Header.Set(standardwebhooks.HeaderWebhookSignature, sig)
	resp, err := w.cfg.HTTPClient.Do(req)
	if err != nil {
		// The URL may hold credentials: the error says what failed, not where.
		var uerr *neturl.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // lets the connection be reused
	for !utf8.Valid(b) && len(b) > 0 {
		b = b[:len(b)-1] // a rune cut at the limit
	}
	return resp.StatusCode, string(b), nil
}

// record writes an attempt and what it means for the delivery and its
// endpoint: a success clears the endpoint's failing streak; a failure
// starts one or, past DisableAfter, disables the endpoint.
func (w *Webhooks) record(ctx context.Context, deliveryID string, a Attempt, ok, last bool) error {
	now := w.cfg.Now()
	var endpointID string
	var disabled bool
	err := pgx.BeginFunc(ctx, w.cfg.DB, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, response_body, error, duration_ms)
			VALUES ($1, $2, $3, $4, $5, $6)`, deliveryID, a.At, a.StatusCode, a.ResponseBody, a.Error, a.DurationMS); err != nil {
			return err
		}
		if ok {
			_, err := tx.Exec(ctx, `WITH d AS (UPDATE webhook_deliveries SET status = $2, delivered_at = $3 WHERE id = $1
					RETURNING endpoint_id)
				UPDATE webhook_endpoints SET failing_since = NULL WHERE id = (SELECT endpoint_id FROM d)`,
				deliveryID, StatusDelivered, now)
			return err
		}
		if last {
			if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = $2 WHERE id = $1`, deliveryID, StatusFailed); err != nil {
				return err
			}
		}
		reason := fmt.Sprintf("every delivery failed for %s; the last: %s", w.cfg.DisableAfter, a.Error)
		err := tx.QueryRow(ctx, `UPDATE webhook_endpoints e SET
				failing_since = coalesce(e.failing_since, $2::timestamptz),
				disabled_at = CASE WHEN e.failing_since <= $3::timestamptz THEN $4::timestamptz END,
				disabled_reason = CASE WHEN e.failing_since <= $3::timestamptz THEN $5 ELSE '' END
			FROM webhook_deliveries d WHERE d.id = $1 AND e.id = d.endpoint_id AND e.disabled_at IS NULL
			RETURNING e.id::text, e.disabled_at IS NOT NULL`,
			deliveryID, a.At, now.Add(-w.cfg.DisableAfter), now, reason).Scan(&endpointID, &disabled)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil || !disabled {
			return err
		}
		return SyncSubscription(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("record webhook attempt of %s: %w", deliveryID, err)
	}
	if disabled {
		w.cfg.Logger.Warn("webhooks: endpoint disabled after continuous failure", "endpoint", endpointID,
			"failing_for", w.cfg.DisableAfter.String())
	}
	return nil
}

func (w *Webhooks) setStatus(ctx context.Context, deliveryID, status string) error {
	if _, err := w.cfg.DB.Exec(ctx, `UPDATE webhook_deliveries SET status = $2 WHERE id = $1`, deliveryID, status); err != nil {
		return fmt.Errorf("webhook delivery %s: %w", deliveryID, err)
	}
	return nil
}
