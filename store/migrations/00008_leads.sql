-- +goose Up
-- Speed-to-lead: leads that arrive from web forms, ad platforms and
-- imports, the consent evidence they carry (package crm), and the
-- follow-up cadences that text them until they answer (package cadence).

-- One row per lead as it arrived (a form submission, an import row).
CREATE TABLE leads (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contact_id      uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    conversation_id uuid REFERENCES conversations (id) ON DELETE SET NULL,
    -- The ad platform's or form's own id: the same one twice changes nothing.
    external_id     text UNIQUE,
    source          text NOT NULL DEFAULT '',
    message         text NOT NULL DEFAULT '',
    -- The lead matched a contact we had (by phone or email).
    merged          boolean NOT NULL DEFAULT false,
    sms_consent     boolean NOT NULL DEFAULT false,
    after_hours     boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- The first message sent to the lead: speed to lead is its sent_at
    -- (when Twilio accepted it) - created_at.
    first_touch_message_id uuid REFERENCES messages (id) ON DELETE SET NULL
);
CREATE INDEX leads_created ON leads (created_at);
CREATE INDEX leads_contact ON leads (contact_id);

-- Consent as evidence: what the lead agreed to, when, where and from which
-- address, as the form captured it.
CREATE TABLE consents (
    id          bigserial PRIMARY KEY,
    contact_id  uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    lead_id     uuid REFERENCES leads (id) ON DELETE SET NULL,
    channel     text NOT NULL DEFAULT 'sms',
    granted     boolean NOT NULL,
    text        text NOT NULL,
    captured_at timestamptz NOT NULL,
    source      text NOT NULL DEFAULT '',
    ip          text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consents_contact ON consents (contact_id, id);

-- A lead with a known email merges into the contact that has it.
CREATE INDEX contacts_email ON contacts (lower(email)) WHERE email <> '';

-- Every version of the follow-up cadence; the active one applies to
-- cadences started from then on (a running cadence keeps its version).
CREATE TABLE cadence_versions (
    version    integer PRIMARY KEY CHECK (version > 0),
    body       jsonb NOT NULL,
    author     text NOT NULL CHECK (author <> ''),
    note       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    active     boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX cadence_versions_one_active ON cadence_versions ((true)) WHERE active;

-- One cadence following up one lead's conversation.
CREATE TABLE cadence_runs (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    lead_id         uuid REFERENCES leads (id) ON DELETE CASCADE,
    -- 0 is the built-in default cadence.
    version         integer NOT NULL,
    steps           jsonb NOT NULL,
    started_at      timestamptz NOT NULL,
    -- The step to send next (0-based) and when it is due.
    next_step       integer NOT NULL DEFAULT 0,
    next_at         timestamptz,
    state           text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'stopped', 'completed')),
    stop_reason     text NOT NULL DEFAULT '',
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX cadence_runs_one_active ON cadence_runs (conversation_id) WHERE state = 'active';
CREATE INDEX cadence_runs_started ON cadence_runs (started_at);

-- +goose Down
DROP TABLE cadence_runs;
DROP TABLE cadence_versions;
DROP INDEX contacts_email;
DROP TABLE consents;
DROP TABLE leads;
