-- +goose Up
-- Webhooks out (Standard Webhooks). The outbox is crm's: a public event is
-- written in the transaction that records the change (crm.AddEvent). The
-- endpoints and their deliveries are package webhooks'.

CREATE TABLE event_outbox (
    id                bigserial PRIMARY KEY,
    event_type        text NOT NULL,
    timeline_event_id bigint REFERENCES timeline_events (id) ON DELETE SET NULL,
    contact_id        uuid,
    conversation_id   uuid,
    -- The whole payload as it was when the change was recorded.
    payload           jsonb NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_endpoints (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    url              text NOT NULL,
    -- whsec_ + base64 of 24 random bytes, as the spec writes it.
    secret           text NOT NULL,
    events           text[] NOT NULL,
    description      text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- Failing since: the first failed attempt with no success after it.
    failing_since    timestamptz,
    disabled_at      timestamptz,
    disabled_reason  text NOT NULL DEFAULT ''
);

CREATE TABLE webhook_deliveries (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- The order deliveries were written in (many share a created_at).
    seq          bigint GENERATED ALWAYS AS IDENTITY,
    endpoint_id  uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- The webhook-id header: the same on every attempt of one delivery.
    message_id   text NOT NULL,
    event_type   text NOT NULL,
    payload      jsonb NOT NULL,
    -- pending, delivered, failed (gave up), skipped (endpoint gone or disabled)
    status       text NOT NULL DEFAULT 'pending',
    -- The delivery this one replays, if any.
    replay_of    uuid REFERENCES webhook_deliveries (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, seq DESC);

CREATE TABLE webhook_attempts (
    id            bigserial PRIMARY KEY,
    delivery_id   uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at  timestamptz NOT NULL,
    status_code   int NOT NULL DEFAULT 0,
    -- The first 2 KB of the response body.
    response_body text NOT NULL DEFAULT '',
    error         text NOT NULL DEFAULT '',
    duration_ms   int NOT NULL DEFAULT 0
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP TABLE event_outbox;
