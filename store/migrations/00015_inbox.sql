-- +goose Up
-- The console's inbox (package crm): unread markers and search.

-- When each rep last opened each conversation: the lead's messages after
-- it show as unread in that rep's inbox.
CREATE TABLE conversation_reads (
    rep_id          uuid NOT NULL REFERENCES reps (id) ON DELETE CASCADE,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    read_at         timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, rep_id)
);

-- Search by any part of a name, phone number or message (ILIKE '%...%').
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX contacts_name_trgm ON contacts USING gin (name gin_trgm_ops);
CREATE INDEX contacts_phone_trgm ON contacts USING gin (phone gin_trgm_ops);
CREATE INDEX messages_body_trgm ON messages USING gin (body gin_trgm_ops);

-- +goose Down
DROP INDEX messages_body_trgm;
DROP INDEX contacts_phone_trgm;
DROP INDEX contacts_name_trgm;
DROP TABLE conversation_reads;
