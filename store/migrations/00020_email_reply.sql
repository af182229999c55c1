-- +goose Up
-- The Message-ID an email reply goes out with, chosen when its send is
-- first claimed and reused by every retry, so a resend after an unknown
-- outcome is the same email to the receiver (deduplicated by
-- Message-ID). Owned by package crm.
ALTER TABLE messages ADD COLUMN email_message_id text;

-- +goose Down
ALTER TABLE messages DROP COLUMN email_message_id;
