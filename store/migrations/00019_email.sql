-- +goose Up
-- Email as a channel (issue 16). Opting out of email is its own consent,
-- apart from SMS's opted_out; a hard bounce marks the address invalid.
-- email_token is the contact's unguessable unsubscribe token; a
-- conversation's email_token is what its Reply-To address carries. Both
-- are random, set the first time an email needs them. Owned by package crm.
ALTER TABLE contacts
    ADD COLUMN email_opted_out     boolean NOT NULL DEFAULT false,
    ADD COLUMN email_opted_out_at  timestamptz,
    ADD COLUMN email_invalid       boolean NOT NULL DEFAULT false,
    ADD COLUMN email_invalid_reason text NOT NULL DEFAULT '',
    ADD COLUMN email_token         text UNIQUE;

ALTER TABLE conversations ADD COLUMN email_token text UNIQUE;

-- A lead who only ever emailed has no phone number.
ALTER TABLE contacts ALTER COLUMN phone DROP NOT NULL;

ALTER TABLE conversations DROP CONSTRAINT conversations_channel_check,
    ADD CONSTRAINT conversations_channel_check CHECK (channel IN ('sms', 'voice', 'web', 'email'));
ALTER TABLE messages DROP CONSTRAINT messages_channel_check,
    ADD CONSTRAINT messages_channel_check CHECK (channel IN ('sms', 'voice', 'email'));

-- +goose Down
UPDATE contacts SET phone = 'email:' || id WHERE phone IS NULL;
ALTER TABLE contacts ALTER COLUMN phone SET NOT NULL;
ALTER TABLE messages DROP CONSTRAINT messages_channel_check,
    ADD CONSTRAINT messages_channel_check CHECK (channel IN ('sms', 'voice'));
ALTER TABLE conversations DROP CONSTRAINT conversations_channel_check,
    ADD CONSTRAINT conversations_channel_check CHECK (channel IN ('sms', 'voice', 'web'));
ALTER TABLE conversations DROP COLUMN email_token;
ALTER TABLE contacts DROP COLUMN email_opted_out, DROP COLUMN email_opted_out_at,
    DROP COLUMN email_invalid, DROP COLUMN email_invalid_reason, DROP COLUMN email_token;
