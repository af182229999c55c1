-- +goose Up
-- The CRM: who the leads are, their conversations, every message and what
-- happened around it. Owned by package crm.

CREATE TABLE contacts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- E.164 when the number parsed; otherwise exactly as the carrier sent it.
    phone           text NOT NULL UNIQUE,
    phone_valid     boolean NOT NULL DEFAULT true,
    name            text NOT NULL DEFAULT '',
    email           text NOT NULL DEFAULT '',
    source          text NOT NULL DEFAULT '',
    stage           text NOT NULL DEFAULT 'new',
    notes           text NOT NULL DEFAULT '',
    opted_out       boolean NOT NULL DEFAULT false,
    opted_out_at    timestamptz,
    opt_out_keyword text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conversations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contact_id      uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    channel         text NOT NULL CHECK (channel IN ('sms', 'voice', 'web')),
    mode            text NOT NULL DEFAULT 'ai' CHECK (mode IN ('ai', 'handoff_pending', 'human', 'closed')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    last_message_at timestamptz NOT NULL DEFAULT now()
);
-- One open conversation per contact and channel: a new text joins it.
CREATE UNIQUE INDEX conversations_open_per_contact ON conversations (contact_id, channel) WHERE mode <> 'closed';
CREATE INDEX conversations_last_message ON conversations (last_message_at DESC);

CREATE TABLE messages (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    direction       text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    author          text NOT NULL CHECK (author IN ('lead', 'ai', 'rep', 'system')),
    body            text NOT NULL DEFAULT '',
    -- Twilio's MessageSid; inbound ones make webhook retries idempotent.
    provider_sid    text UNIQUE,
    -- The inbound message an automatic reply answers: at most one reply each.
    reply_to        uuid UNIQUE REFERENCES messages (id),
    status          text NOT NULL DEFAULT '',
    error_code      integer,
    error_message   text NOT NULL DEFAULT '',
    outcome         text NOT NULL DEFAULT '',
    citations       jsonb NOT NULL DEFAULT '[]',
    media           jsonb NOT NULL DEFAULT '[]',
    segments        integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX messages_conversation ON messages (conversation_id, created_at);

CREATE TABLE timeline_events (
    id              bigserial PRIMARY KEY,
    conversation_id uuid REFERENCES conversations (id) ON DELETE CASCADE,
    contact_id      uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    kind            text NOT NULL,
    detail          jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX timeline_events_conversation ON timeline_events (conversation_id, id);

-- Every delivery status callback as received. A callback can arrive
-- before the send job has recorded the message's SID; MarkSent then applies
-- the newest one kept here, so no status is lost to that race.
CREATE TABLE delivery_reports (
    id            bigserial PRIMARY KEY,
    provider_sid  text NOT NULL,
    status        text NOT NULL,
    error_code    integer,
    error_message text NOT NULL DEFAULT '',
    received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX delivery_reports_sid ON delivery_reports (provider_sid);

-- +goose Down
DROP TABLE delivery_reports;
DROP TABLE timeline_events;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE contacts;
