-- +goose Up
-- Calls: every call a lead made to the business number, what the agent
-- and the caller said (as messages of the caller's conversation, with
-- channel voice), and how it ended. Owned by package crm.

CREATE TABLE calls (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Twilio's CallSid: webhooks for one call change one row.
    call_sid         text NOT NULL UNIQUE,
    conversation_id  uuid REFERENCES conversations (id) ON DELETE SET NULL,
    contact_id       uuid REFERENCES contacts (id) ON DELETE SET NULL,
    direction        text NOT NULL DEFAULT 'inbound',
    from_phone       text NOT NULL DEFAULT '',
    to_phone         text NOT NULL DEFAULT '',
    -- Twilio's CallStatus as last reported: ringing, in-progress, completed...
    status           text NOT NULL DEFAULT 'ringing',
    -- answered_by_agent, handed_off, dialed_rep, callback, text_follow_up,
    -- abandoned; '' while the call is on.
    outcome          text NOT NULL DEFAULT '',
    duration_seconds integer,
    -- Speech turns asked again in a row for low confidence or silence.
    reprompts        integer NOT NULL DEFAULT 0,
    handoff_id       bigint REFERENCES handoffs (id) ON DELETE SET NULL,
    dial_rep_id      uuid REFERENCES reps (id) ON DELETE SET NULL,
    dial_status      text NOT NULL DEFAULT '',
    started_at       timestamptz NOT NULL DEFAULT now(),
    ended_at         timestamptz
);
CREATE INDEX calls_conversation ON calls (conversation_id, started_at);

ALTER TABLE messages
    ADD COLUMN channel text NOT NULL DEFAULT 'sms' CHECK (channel IN ('sms', 'voice')),
    ADD COLUMN call_id uuid REFERENCES calls (id) ON DELETE SET NULL;
CREATE INDEX messages_call ON messages (call_id) WHERE call_id IS NOT NULL;

-- +goose Down
DROP INDEX messages_call;
ALTER TABLE messages DROP COLUMN channel, DROP COLUMN call_id;
DROP TABLE calls;
