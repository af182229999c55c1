-- +goose Up
-- What produced each outbound message: the model or the offline responder,
-- the prompt version, tokens, latency and the intent signals of the turn.
-- Owned by package crm.
ALTER TABLE messages
    ADD COLUMN model             text NOT NULL DEFAULT '',
    ADD COLUMN answered_by       text NOT NULL DEFAULT '',
    ADD COLUMN prompt_version    text NOT NULL DEFAULT '',
    ADD COLUMN prompt_tokens     integer NOT NULL DEFAULT 0,
    ADD COLUMN completion_tokens integer NOT NULL DEFAULT 0,
    ADD COLUMN latency_ms        double precision NOT NULL DEFAULT 0,
    ADD COLUMN signals           jsonb NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE messages
    DROP COLUMN model, DROP COLUMN answered_by, DROP COLUMN prompt_version,
    DROP COLUMN prompt_tokens, DROP COLUMN completion_tokens, DROP COLUMN latency_ms,
    DROP COLUMN signals;
