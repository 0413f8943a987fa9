-- Audit log: every state change of the assembly (member register, accreditation, proxies, ballots,
-- assignments) with who made it, when, to what, and what changed. Read by the secretariat through
-- AuditService (ListAuditEvents, ExportAuditEvents).
--
-- Design:
-- * An entry is appended by the change outbox after the grain change it describes is stored (since
--   script 013, which explains how), so the log never shows a change that was not stored nor misses one
--   that was.
-- * Append-only is enforced by the database, not only by the code: triggers refuse UPDATE, DELETE
--   and TRUNCATE, so history cannot be rewritten by a bug or by hand without dropping them. The code
--   has no update or delete path.
-- * sequence is an identity that only grows: the position in the log and the keyset for paging.
--   Identity values are taken at insert, not at commit, so two concurrent transactions may commit
--   out of sequence order (and a rolled-back one leaves a gap); a reader never loses an entry that
--   was committed before it started.
-- * recorded_at is timestamptz (UTC), the inserting transaction's time.
-- * actor, action and subject use COLLATE "C" (byte order), so that the btree indexes serve the
--   prefix filters (starts_with) whatever the database locale; the filters take the prefix as a
--   parameter and never as a LIKE pattern, so '%' and '_' are plain characters.
-- * details is the JSON text of what changed, kept exactly as written (text, not jsonb, so an export
--   shows what the application wrote); the CHECK refuses anything that is not JSON.
CREATE TABLE audit_event (
    sequence     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at  timestamptz NOT NULL,
    actor        text        COLLATE "C" NOT NULL CHECK (actor <> ''),
    action       text        COLLATE "C" NOT NULL CHECK (action <> ''),
    subject      text        COLLATE "C" NOT NULL CHECK (subject <> ''),
    details      text        NOT NULL CHECK (details::jsonb IS NOT NULL)
);

CREATE INDEX audit_event_actor ON audit_event (actor, sequence);
CREATE INDEX audit_event_action ON audit_event (action, sequence);
CREATE INDEX audit_event_subject ON audit_event (subject, sequence);
CREATE INDEX audit_event_recorded_at ON audit_event (recorded_at);

CREATE FUNCTION audit_event_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER audit_event_refuse_update_delete
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();

CREATE TRIGGER audit_event_refuse_truncate
    BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();
