-- Grain journal: the append-only event log of grains whose history matters (ballots,
-- accreditation). Events of one (grain type, grain key, journal name) are numbered 0, 1, 2, ...
-- without gaps.
--
-- Design:
-- * An append names the version it expects (the next sequence); the primary key makes a concurrent
--   append of the same sequence fail, so two writers can never both extend the same history.
-- * Append-only is enforced by the database, not only by the code: triggers abort any UPDATE or
--   DELETE, so history cannot be rewritten by a bug or by hand without dropping the triggers.
-- * recorded_at is UTC ISO-8601 text written by SQLite at insert.
CREATE TABLE grain_journal (
    grain_type    TEXT    NOT NULL,
    grain_key     TEXT    NOT NULL,
    journal_name  TEXT    NOT NULL,
    sequence      INTEGER NOT NULL,
    recorded_at   TEXT    NOT NULL,
    payload       TEXT    NOT NULL,   -- JSON of one event
    PRIMARY KEY (grain_type, grain_key, journal_name, sequence)
) WITHOUT ROWID;

CREATE TRIGGER grain_journal_refuse_update BEFORE UPDATE ON grain_journal
BEGIN
    SELECT RAISE(ABORT, 'grain_journal is append-only: UPDATE refused');
END;

CREATE TRIGGER grain_journal_refuse_delete BEFORE DELETE ON grain_journal
BEGIN
    SELECT RAISE(ABORT, 'grain_journal is append-only: DELETE refused');
END;
