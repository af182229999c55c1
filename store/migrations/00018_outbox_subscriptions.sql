-- +goose Up
-- Who reads the outbox, and which public event types each wants: a change
-- writes its public event into event_outbox only when some consumer wants
-- its type, so a product with no webhook endpoint and no CRM sync writes
-- nothing more per change. crm owns it; each consumer keeps its own row.
CREATE TABLE outbox_subscriptions (
    consumer   text PRIMARY KEY,
    events     text[] NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO outbox_subscriptions (consumer, events)
SELECT 'webhooks', array_agg(DISTINCT ev ORDER BY ev)
FROM webhook_endpoints, unnest(events) AS ev
WHERE disabled_at IS NULL
HAVING count(*) > 0;

-- +goose Down
DROP TABLE outbox_subscriptions;
