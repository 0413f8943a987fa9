-- Grain journal: the append-only event log of grains whose history matters (ballots,
-- accreditation). Events of one (grain type, grain key, journal name) are numbered 0, 1, 2, ...
-- without gaps.
--
-- Design:
-- * An append names the version it expects (the next sequence) and inserts all its events in one
--   statement; the primary key makes a concurrent append of the same sequence fail with a unique
--   violation, so two writers can never both extend the same history, and an append is all or
--   nothing.
-- * Append-only is enforced by the database, not only by the code: triggers refuse UPDATE, DELETE
--   and TRUNCATE, so history cannot be rewritten by a bug or by hand without dropping them.
-- * recorded_at is timestamptz (UTC), the inserting transaction's time.
CREATE TABLE grain_journal (
    grain_type    text        NOT NULL,
    grain_key     text        COLLATE "C" NOT NULL,
    journal_name  text        NOT NULL,
    sequence      bigint      NOT NULL,
    recorded_at   timestamptz NOT NULL,
    payload       jsonb       NOT NULL,   -- one event
    PRIMARY KEY (grain_type, grain_key, journal_name, sequence)
);

CREATE FUNCTION grain_journal_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'grain_journal is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER grain_journal_refuse_update_delete
    BEFORE UPDATE OR DELETE ON grain_journal
    FOR EACH ROW EXECUTE FUNCTION grain_journal_refuse_change();

CREATE TRIGGER grain_journal_refuse_truncate
    BEFORE TRUNCATE ON grain_journal
    FOR EACH STATEMENT EXECUTE FUNCTION grain_journal_refuse_change();
