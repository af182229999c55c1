-- +goose Up
-- Prompt templates as admins edit them: every version of every named prompt
-- ("sms", "voice"), who wrote it and why, and which one is live. Owned by
-- package prompts. A version's body never changes once written; a change is
-- a new version. When no version of a name is active, the default embedded
-- in the binary is.

CREATE TABLE prompt_versions (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_-]{0,31}$'),
    -- 1, 2, 3... per name; shown as "sms@v3".
    version    integer NOT NULL CHECK (version > 0),
    -- A text/template source, checked when the version was created.
    body       text NOT NULL,
    author     text NOT NULL CHECK (author <> ''),
    note       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    active     boolean NOT NULL DEFAULT false,
    UNIQUE (name, version)
);
-- At most one active version per name (none: the embedded default is live).
CREATE UNIQUE INDEX prompt_versions_one_active ON prompt_versions (name) WHERE active;

-- +goose Down
DROP TABLE prompt_versions;
