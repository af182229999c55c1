-- +goose Up
-- Consent evidence (package crm): which version of the consent words the
-- lead saw, and the page they saw it on, beside the words themselves.
ALTER TABLE consents
    ADD COLUMN version  text NOT NULL DEFAULT '',
    ADD COLUMN page_url text NOT NULL DEFAULT '';

-- One contact's opt-outs and opt-ins, read for its evidence export.
CREATE INDEX timeline_events_contact_consent ON timeline_events (contact_id, id)
    WHERE kind IN ('opted_out', 'opted_in');

-- +goose Down
DROP INDEX timeline_events_contact_consent;
ALTER TABLE consents DROP COLUMN page_url, DROP COLUMN version;
