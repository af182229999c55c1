package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/internal/errkind"
)

// EventTest is the type of a test send: no subscription is needed for it.
const EventTest = "webhook.test"

// ErrNotFound: no such endpoint or delivery.
var ErrNotFound = errkind.NotFound

// Endpoint is a URL that receives the events it subscribed to.
type Endpoint struct {
	ID     string   `json:"id"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
	// Secret is shown once, when the endpoint is created.
	Secret         string     `json:"secret,omitempty"`
	Description    string     `json:"description,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	FailingSince   *time.Time `json:"failing_since,omitempty"`
	DisabledAt     *time.Time `json:"disabled_at,omitempty"`
	DisabledReason string     `json:"disabled_reason,omitempty"`
}

// NewEndpoint is what an admin gives to add an endpoint.
type NewEndpoint struct {
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description"`
}

// Validate says what is wrong with e, as an errkind.Invalid a person can
// read.
func (e NewEndpoint) Validate() error {
	u, err := url.Parse(strings.TrimSpace(e.URL))
	switch {
	case strings.TrimSpace(e.URL) == "":
		return errkind.New(errkind.Invalid, "url is required")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return errkind.New(errkind.Invalid, fmt.Sprintf("url %q is not an absolute http(s) URL", e.URL))
	case len(e.Events) == 0:
		return errkind.New(errkind.Invalid, "events is required: one or more of "+strings.Join(crm.PublicEventTypes(), ", "))
	}
	known := crm.PublicEventTypes()
	for _, ev := range e.Events {
		if !slices.Contains(known, ev) {
			return errkind.New(errkind.Invalid, fmt.Sprintf("unknown event %q: one of %s", ev, strings.Join(known, ", ")))
		}
	}
	return nil
}

// newSecret is a whsec_ secret, as the spec writes one: 24 random bytes,
// base64.
func newSecret() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b), nil
}

// CreateEndpoint adds an endpoint with a new secret, which the returned
// Endpoint carries (the only time it is shown).
func CreateEndpoint(ctx context.Context, db crm.DB, in NewEndpoint) (Endpoint, error) {
	if err := in.Validate(); err != nil {
		return Endpoint{}, err
	}
	secret, err := newSecret()
	if err != nil {
		return Endpoint{}, err
	}
	events := slices.Compact(slices.Sorted(slices.Values(in.Events)))
	e := Endpoint{URL: strings.TrimSpace(in.URL), Events: events, Secret: secret, Description: in.Description}
	if err := db.QueryRow(ctx, `INSERT INTO webhook_endpoints (url, secret, events, description)
		VALUES ($1, $2, $3, $4) RETURNING id::text, created_at`, e.URL, secret, events, in.Description).
		Scan(&e.ID, &e.CreatedAt); err != nil {
		return Endpoint{}, fmt.Errorf("create webhook endpoint: %w", err)
	}
	return e, SyncSubscription(ctx, db)
}

const endpointColumns = `id::text, url, events, description, created_at, failing_since, disabled_at, disabled_reason`

func scanEndpoint(row pgx.Row) (Endpoint, error) {
	var e Endpoint
	err := row.Scan(&e.ID, &e.URL, &e.Events, &e.Description, &e.CreatedAt, &e.FailingSince, &e.DisabledAt, &e.DisabledReason)
	return e, err
}

// Endpoints lists every endpoint, without secrets, oldest first.
func Endpoints(ctx context.Context, db crm.DB) ([]Endpoint, error) {
	rows, err := db.Query(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list webhook endpoints: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Endpoint, error) { return scanEndpoint(r) })
	if err != nil {
		return nil, fmt.Errorf("list webhook endpoints: %w", err)
	}
	return list, nil
}

// GetEndpoint is one endpoint, without its secret.
func GetEndpoint(ctx context.Context, db crm.DB, id string) (Endpoint, error) {
	if !isUUID(id) {
		return Endpoint{}, ErrNotFound
	}
	e, err := scanEndpoint(db.QueryRow(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Endpoint{}, ErrNotFound
	}
	if err != nil {
		return Endpoint{}, fmt.Errorf("webhook endpoint %s: %w", id, err)
	}
	return e, nil
}

// DeleteEndpoint removes an endpoint and its deliveries; jobs still queued
// for them find nothing and end.
func DeleteEndpoint(ctx context.Context, db crm.DB, id string) error {
	if !isUUID(id) {
		return ErrNotFound
	}
	tag, err := db.Exec(ctx, `DELETE FROM webhook_endpoints WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete webhook endpoint %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return SyncSubscription(ctx, db)
}

// EnableEndpoint turns a disabled endpoint back on; its failures start
// counting afresh.
func EnableEndpoint(ctx context.Context, db crm.DB, id string) error {
	if !isUUID(id) {
		return ErrNotFound
	}
	tag, err := db.Exec(ctx, `UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = '', failing_since = NULL
		WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("enable webhook endpoint %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return SyncSubscription(ctx, db)
}

// DisabledCount is how many endpoints are disabled, for the admins' notice.
func DisabledCount(ctx context.Context, db crm.DB) (int, error) {
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM webhook_endpoints WHERE disabled_at IS NOT NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count disabled webhook endpoints: %w", err)
	}
	return n, nil
}

// Delivery is one event sent (or being sent) to one endpoint.
type Delivery struct {
	ID          string          `json:"id"`
	EndpointID  string          `json:"endpoint_id"`
	MessageID   string          `json:"webhook_id"`
	EventType   string          `json:"event_type"`
	Status      string          `json:"status"`
	Payload     json.RawMessage `json:"payload"`
	ReplayOf    *string         `json:"replay_of,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	DeliveredAt *time.Time      `json:"delivered_at,omitempty"`
	Attempts    []Attempt       `json:"attempts"`
}

// Delivery statuses.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	// StatusFailed: every attempt failed; River gave up.
	StatusFailed = "failed"
	// StatusSkipped: the endpoint was disabled before it was sent.
	StatusSkipped = "skipped"
)

// Attempt is one POST of a delivery and what came of it.
type Attempt struct {
	At           time.Time `json:"attempted_at"`
	StatusCode   int       `json:"status_code"`
	ResponseBody string    `json:"response_body"`
	Error        string    `json:"error,omitempty"`
	DurationMS   int       `json:"duration_ms"`
}

// Deliveries lists an endpoint's newest deliveries, newest first, with
// their attempts (oldest first).
func Deliveries(ctx context.Context, db crm.DB, endpointID string, limit int) ([]Delivery, error) {
	if _, err := GetEndpoint(ctx, db, endpointID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := db.Query(ctx, `SELECT d.id::text, d.endpoint_id::text, d.message_id, d.event_type, d.status, d.payload,
			d.replay_of::text, d.created_at, d.delivered_at,
			coalesce((SELECT jsonb_agg(jsonb_build_object('attempted_at', a.attempted_at, 'status_code', a.status_code,
				'response_body', a.response_body, 'error', a.error, 'duration_ms', a.duration_ms) ORDER BY a.id)
				FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]')
		FROM webhook_deliveries d WHERE d.endpoint_id = $1 ORDER BY d.seq DESC LIMIT $2`, endpointID, limit)
	if err != nil {
		return nil, fmt.Errorf("deliveries of %s: %w", endpointID, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Delivery, error) {
		var d Delivery
		var attempts []byte
		if err := r.Scan(&d.ID, &d.EndpointID, &d.MessageID, &d.EventType, &d.Status, &d.Payload, &d.ReplayOf,
			&d.CreatedAt, &d.DeliveredAt, &attempts); err != nil {
			return d, err
		}
		return d, json.Unmarshal(attempts, &d.Attempts)
	})
	if err != nil {
		return nil, fmt.Errorf("deliveries of %s: %w", endpointID, err)
	}
	return list, nil
}

// isUUID keeps a malformed id a "not found" rather than a database error.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
	}
	return true
}
