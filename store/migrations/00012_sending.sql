-- +goose Up
-- The send path (package inbox): a text to a lead (messages) or a rep
-- (notifications) is claimed in one short transaction, sent to Twilio with
-- no transaction open, and its SID recorded in another. The claim columns
-- say whether an attempt may have reached Twilio without its answer being
-- recorded (the process died, the call timed out), so the next attempt
-- looks in Twilio's message list before it sends again.
--   send_attempts  claims so far
--   claimed_at     when the latest claim was made
--   sending_until  while set, the latest claim is unresolved: a call is in
--                  flight until then, or the process that made it died
--   unsure_since   the oldest earlier attempt whose outcome is unknown
ALTER TABLE messages
    ADD COLUMN send_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN claimed_at    timestamptz,
    ADD COLUMN sending_until timestamptz,
    ADD COLUMN unsure_since  timestamptz;

ALTER TABLE notifications
    ADD COLUMN send_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN claimed_at    timestamptz,
    ADD COLUMN sending_until timestamptz,
    ADD COLUMN unsure_since  timestamptz;

-- A text the business sends unasked (a first touch, a follow-up), which
-- stands down when the lead writes after it was written or a person takes
-- the conversation before it goes.
ALTER TABLE messages ADD COLUMN unasked boolean NOT NULL DEFAULT false;

-- A conversation's texts go out one at a time, oldest first: the send
-- path asks which texts of the conversation still wait ahead of one.
CREATE INDEX messages_waiting ON messages (conversation_id, created_at)
    WHERE direction = 'outbound' AND status = 'pending' AND provider_sid IS NULL;

-- The send budget of one sending number (a phone number or a Messaging
-- Service), shared by every worker process: a token bucket kept as the
-- time at which it is full again (GCRA's theoretical arrival time). Each
-- text books the moment it may go in one UPDATE of this row.
CREATE TABLE send_budgets (
    sender  text PRIMARY KEY,
    tat     timestamptz NOT NULL,
    -- The moment the latest booking got.
    last_at timestamptz NOT NULL
);

-- The moment each text booked, so a send that waits (a River job snoozed
-- until its moment comes near) finds its booking again instead of taking
-- another. Kept an hour.
CREATE TABLE send_slots (
    sender text NOT NULL,
    key    text NOT NULL,
    at     timestamptz NOT NULL,
    PRIMARY KEY (sender, key)
);
CREATE INDEX send_slots_at ON send_slots (sender, at);

-- +goose Down
DROP TABLE send_slots;
DROP TABLE send_budgets;
DROP INDEX messages_waiting;
ALTER TABLE messages DROP COLUMN unasked;
ALTER TABLE notifications DROP COLUMN send_attempts, DROP COLUMN claimed_at, DROP COLUMN sending_until, DROP COLUMN unsure_since;
ALTER TABLE messages DROP COLUMN send_attempts, DROP COLUMN claimed_at, DROP COLUMN sending_until, DROP COLUMN unsure_since;
