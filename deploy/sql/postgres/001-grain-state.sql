-- Grain state: one row per (grain type, grain key, state name) holding the JSON of an
-- IPersistentState<T>, written by the grain's single activation.
--
-- Design, as in Orleans' PostgreSQL-Persistence.sql:
-- * Optimistic concurrency: etag is a version number that only grows. A write names the etag it
--   read (UPDATE ... WHERE etag = @etag, or INSERT ... ON CONFLICT for a first write) and checks
--   the rows affected; under READ COMMITTED the losing writer re-reads the row after the winner
--   commits and matches nothing, so an update is never lost, whatever the number of nodes.
-- * Clearing keeps the row with payload NULL and a new etag (a tombstone), so an etag is never
--   reused and a writer holding a pre-clear etag is refused.
-- * grain_key uses COLLATE "C": ordinal (UTF-8 byte) order whatever the database locale, which the
--   key-ordered scans of read models rely on; the primary key serves those scans.
-- * payload is jsonb so that reports can query inside states; the runtime accepts type
--   discriminators out of order because jsonb does not keep property order.
-- * Timestamps are timestamptz (UTC) set by the server.
CREATE TABLE grain_state (
    grain_type  text        NOT NULL,
    grain_key   text        COLLATE "C" NOT NULL,
    state_name  text        NOT NULL,
    etag        bigint      NOT NULL,
    payload     jsonb       NULL,      -- NULL once cleared
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
);
