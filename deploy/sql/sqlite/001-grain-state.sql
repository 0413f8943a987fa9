-- Grain state: one row per (grain type, grain key, state name) holding the JSON of an
-- IPersistentState<T>, written by the grain's single activation.
--
-- Design, as in Orleans' ADO.NET persistence (SQLite-Persistence.sql):
-- * Optimistic concurrency: etag is a version number that only grows. A write names the etag it
--   read (UPDATE ... WHERE etag = @etag) and fails if another writer got there first, so an
--   update is never lost even with two processes on one file.
-- * Clearing keeps the row with payload NULL and a new etag (a tombstone), so an etag is never
--   reused and a writer holding a pre-clear etag is refused.
-- * grain_key is compared with SQLite's default BINARY collation: ordinal (UTF-8 byte) order, which
--   the key-ordered scans of read models rely on. The primary key serves those scans too.
-- * Timestamps are UTC ISO-8601 text written by SQLite itself.
-- * The database runs in WAL mode with synchronous=FULL (set by the connection factory), so an
--   acknowledged commit survives a crash.
CREATE TABLE grain_state (
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,
    state_name  TEXT    NOT NULL,
    etag        INTEGER NOT NULL,
    payload     TEXT    NULL,      -- JSON; NULL once cleared
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
) WITHOUT ROWID;
