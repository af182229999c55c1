-- +goose Up
-- Console logins an admin manages (package auth): a login can be disabled,
-- and is made or recovered through a one-time link the admin passes on.
-- An invited login has no password yet: password_hash is '' until the
-- invitee sets one through the link.
ALTER TABLE users ADD COLUMN disabled_at timestamptz;

-- A link is known by the SHA-256 of its token, as a session is; it works
-- once (used_at) and until expires_at.
CREATE TABLE login_links (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX login_links_user ON login_links (user_id);

-- +goose Down
DROP TABLE login_links;
ALTER TABLE users DROP COLUMN disabled_at;
