-- +goose Up
-- Speed to lead by email (issue 16). Owned by package crm.
--
-- A lead's consent to email, beside its consent to texts: its evidence is
-- a consents row with channel 'email', its revocation the contact's
-- email_opted_out (00019).
ALTER TABLE leads ADD COLUMN email_consent boolean NOT NULL DEFAULT false;

-- An email that answered itself (an out-of-office) is recorded as the
-- lead's message but is not a reply: it stops no follow-ups. The subject
-- an email to a lead went out with, so the follow-ups after a first
-- touch go in its thread ("Re: ...").
ALTER TABLE messages
    ADD COLUMN auto_reply    boolean NOT NULL DEFAULT false,
    ADD COLUMN email_subject text;

-- A lead's reply on any channel stops the follow-ups on every channel:
-- the checks read all of a contact's conversations.
CREATE INDEX conversations_contact ON conversations (contact_id);

-- +goose Down
DROP INDEX conversations_contact;
ALTER TABLE messages DROP COLUMN email_subject, DROP COLUMN auto_reply;
ALTER TABLE leads DROP COLUMN email_consent;
