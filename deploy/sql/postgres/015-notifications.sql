-- Notifications: the e-mails the system sends participants (access code, accreditation decision, badge ready,
-- site visits, itinerary), each one row of the delivery log, and every attempt to deliver it.
--
-- Design:
-- * A message is queued once: dedupe_key names the event it reports (for example the participant and the decision),
--   and a second queueing of the same event is ignored (INSERT ... ON CONFLICT DO NOTHING), so a retried request or
--   job never sends it twice.
-- * The message is written out (recipient, language, subject, body) when it is queued. An access code is not in
--   the body: it is kept apart in secret, encrypted with a key derived from the token signing key, put into the
--   message only when it is sent, and erased once sent; it is never written to a log.
-- * status: queued (waiting for the mail server), sent, failed (the last attempt failed; retried with a growing
--   wait until the attempts run out), held (no mail server configured: the secretariat passes it on by hand).
-- * Times are Unix milliseconds (UTC) in both engines.
CREATE TABLE notification (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedupe_key      TEXT    NOT NULL UNIQUE,
    assembly_id     TEXT    NOT NULL,
    participant_id  TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    language        TEXT    NOT NULL,
    recipient_name  TEXT    NOT NULL,
    recipient_email TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    secret          BYTEA,
    status          TEXT    NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'held')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    sent_at         BIGINT
);

CREATE INDEX notification_assembly ON notification (assembly_id, id);

-- What happened to a message, in order: queued, each delivery attempt (sent, or failed with the server's reason),
-- held, re-sent by whom.
CREATE TABLE notification_event (
    notification_id BIGINT  NOT NULL REFERENCES notification (id),
    seq             INTEGER NOT NULL,
    at              BIGINT  NOT NULL,
    what            TEXT    NOT NULL,
    detail          TEXT    NOT NULL,
    PRIMARY KEY (notification_id, seq)
);
