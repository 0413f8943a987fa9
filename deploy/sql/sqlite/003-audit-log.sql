-- Audit log: every state change of the assembly (member register, accreditation, proxies, ballots,
-- assignments) with who made it, when, to what, and what changed. Read by the secretariat through
-- AuditService (ListAuditEvents, ExportAuditEvents).
--
-- Design:
-- * An entry is appended by the change outbox after the grain change it describes is stored (since
--   script 013, which explains how), so the log never shows a change that was not stored nor misses one
--   that was.
-- * Append-only is enforced by the database, not only by the code: triggers abort any UPDATE or
--   DELETE, so history cannot be rewritten by a bug or by hand without dropping the triggers. The
--   code has no update or delete path.
-- * sequence is INTEGER PRIMARY KEY AUTOINCREMENT: it only grows and a number is never handed out
--   twice, even after the newest row is gone; SQLite commits one writer at a time, so the log is
--   committed in sequence order. It is the keyset for paging.
-- * recorded_at is UTC ISO-8601 text with milliseconds written by SQLite at insert; the fixed width
--   makes text order time order, which the since/until filters rely on.
-- * Prefix filters compare substr(column, 1, length(@prefix)) = @prefix, never LIKE or GLOB, so '%',
--   '_', '*' and '[' are plain characters; a "column >= @prefix" term lets them seek the indexes.
-- * details is the JSON text of what changed, kept exactly as written; the CHECK refuses anything
--   that is not JSON.
CREATE TABLE audit_event (
    sequence     INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded_at  TEXT    NOT NULL,
    actor        TEXT    NOT NULL CHECK (actor <> ''),
    action       TEXT    NOT NULL CHECK (action <> ''),
    subject      TEXT    NOT NULL CHECK (subject <> ''),
    details      TEXT    NOT NULL CHECK (json_valid(details))
);

CREATE INDEX audit_event_actor ON audit_event (actor, sequence);
CREATE INDEX audit_event_action ON audit_event (action, sequence);
CREATE INDEX audit_event_subject ON audit_event (subject, sequence);
CREATE INDEX audit_event_recorded_at ON audit_event (recorded_at);

CREATE TRIGGER audit_event_refuse_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused');
END;

CREATE TRIGGER audit_event_refuse_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'audit_event is append-only: DELETE refused');
END;
