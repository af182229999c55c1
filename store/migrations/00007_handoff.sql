-- +goose Up
-- Handing a conversation to a person: the reps who take over (package crm),
-- handoffs, rep notifications, escalation rules and business hours (package
-- handoff), and console logins (package auth).

-- The people who take over. On duty means active and either inside
-- business hours or on call; last_assigned_at turns the round robin.
CREATE TABLE reps (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name             text NOT NULL CHECK (name <> ''),
    phone            text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    email            text NOT NULL DEFAULT '',
    on_call          boolean NOT NULL DEFAULT false,
    active           boolean NOT NULL DEFAULT true,
    last_assigned_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
-- Reps are named in commands and texts: one name, whatever its case.
CREATE UNIQUE INDEX reps_name ON reps (lower(name));

-- The rep who owns a lead gets their handoffs first, when on duty.
ALTER TABLE contacts ADD COLUMN owner_rep_id uuid REFERENCES reps (id) ON DELETE SET NULL;

ALTER TABLE conversations
    ADD COLUMN assigned_rep_id uuid REFERENCES reps (id) ON DELETE SET NULL,
    ADD COLUMN closed_outcome  text NOT NULL DEFAULT '',
    ADD COLUMN closed_at       timestamptz;
-- The console's inbox reads conversations by mode, newest first.
CREATE INDEX conversations_mode ON conversations (mode, last_message_at DESC);

-- One row per time a conversation was handed to a person. At most one is
-- open (not ended) per conversation.
CREATE TABLE handoffs (
    id              bigserial PRIMARY KEY,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    reason          text NOT NULL,
    -- Why the rule fired, for the timeline and the rules' tuning.
    detail          text NOT NULL DEFAULT '',
    summary         text NOT NULL DEFAULT '',
    message_id      uuid REFERENCES messages (id) ON DELETE SET NULL,
    rules_version   integer NOT NULL DEFAULT 0,
    -- The rep notified first; NULL while nobody is on duty.
    rep_id          uuid REFERENCES reps (id) ON DELETE SET NULL,
    -- When the SLA's next step is due, and how many steps have run.
    due_at          timestamptz,
    sla_step        integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    claimed_at      timestamptz,
    claimed_by      uuid REFERENCES reps (id) ON DELETE SET NULL,
    ended_at        timestamptz,
    ended_how       text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX handoffs_one_open ON handoffs (conversation_id) WHERE ended_at IS NULL;
CREATE INDEX handoffs_conversation ON handoffs (conversation_id, id);

-- Texts to reps (not to leads): a handoff, a lead who wrote again, an SLA
-- step. The notify job sends each once.
CREATE TABLE notifications (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id uuid REFERENCES conversations (id) ON DELETE CASCADE,
    handoff_id      bigint REFERENCES handoffs (id) ON DELETE CASCADE,
    rep_id          uuid REFERENCES reps (id) ON DELETE SET NULL,
    kind            text NOT NULL,
    to_phone        text NOT NULL,
    body            text NOT NULL,
    status          text NOT NULL DEFAULT 'pending',
    provider_sid    text UNIQUE,
    error_code      integer,
    error_message   text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX notifications_conversation ON notifications (conversation_id, created_at);

-- Every version of the escalation rules an admin saved; the active one is
-- read on every turn, so a change takes effect without a restart. With
-- none active, the defaults compiled into the binary apply.
CREATE TABLE escalation_rules (
    version    integer PRIMARY KEY CHECK (version > 0),
    body       jsonb NOT NULL,
    author     text NOT NULL CHECK (author <> ''),
    note       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    active     boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX escalation_rules_one_active ON escalation_rules ((true)) WHERE active;

-- When reps are at work, as the console set it; the environment's
-- BUSINESS_TIMEZONE and BUSINESS_HOURS apply until then.
CREATE TABLE business_hours (
    id         integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    timezone   text NOT NULL,
    hours      text NOT NULL,
    updated_by text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Console logins. A rep's login is tied to the rep it acts as.
CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '_%@_%'),
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'rep')),
    rep_id        uuid UNIQUE REFERENCES reps (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz
);

-- A session is known by the SHA-256 of its cookie's token, so a database
-- leak does not hand out live sessions.
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user ON sessions (user_id);

-- +goose Down
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE business_hours;
DROP TABLE escalation_rules;
DROP TABLE notifications;
DROP TABLE handoffs;
DROP INDEX conversations_mode;
ALTER TABLE conversations DROP COLUMN assigned_rep_id, DROP COLUMN closed_outcome, DROP COLUMN closed_at;
ALTER TABLE contacts DROP COLUMN owner_rep_id;
DROP TABLE reps;
