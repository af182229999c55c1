-- +goose Up
-- HubSpot sync (package hubspot): which HubSpot contact each contact is,
-- how its last sync went, and the HubSpot object each synced text, call,
-- handoff and close became, so a retried job logs nothing twice.

CREATE TABLE hubspot_contacts (
    contact_id     uuid PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    -- NULL until the contact exists in HubSpot.
    hubspot_id     text UNIQUE,
    -- A job creating the contact in HubSpot holds this lease, so two jobs
    -- for one new contact do not create it twice.
    creating_since timestamptz,
    -- A hash of the properties last written, so an unchanged contact is
    -- not written again.
    synced_hash    text NOT NULL DEFAULT '',
    last_synced_at timestamptz,
    last_error     text NOT NULL DEFAULT '',
    last_error_at  timestamptz
);

CREATE TABLE hubspot_objects (
    -- message, call, handoff, close
    kind        text NOT NULL,
    local_id    text NOT NULL,
    contact_id  uuid REFERENCES contacts (id) ON DELETE CASCADE,
    -- communications, calls, tasks, deals, or contacts for a lifecycle stage
    object_type text NOT NULL,
    hubspot_id  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, local_id)
);

-- +goose Down
DROP TABLE hubspot_objects;
DROP TABLE hubspot_contacts;
