-- The change outbox: how a grain change reaches the audit log and the lists now that Orleans stores
-- grain state (Microsoft.Orleans.Persistence.AdoNet, scripts 010-011) in a table of its own, outside
-- any transaction of ours.
--
-- A grain change runs in three steps (WeGoAssembly.Grains/Storage/AuditedState.cs):
--   1. outbox_mark gets a row for the grain (before anything else is written);
--   2. Orleans writes the grain state, which carries the change's audit entries (its outbox);
--   3. one transaction appends those entries to audit_event (ON CONFLICT (entry_id) DO NOTHING),
--      upserts the grain's projection row (only to a newer version) and deletes the mark.
-- A crash after 2 leaves the mark: at start-up every marked grain is activated and replays its
-- outbox (step 3 again, a no-op for whatever was written). A failed step 2 leaves a mark with
-- nothing to replay, which the same sweep removes. So every stored change gets its audit entry
-- exactly once, and no entry exists for a change that was not stored.
--
-- The grain storage of the previous version (grain_state, grain_journal) is dropped: its rows are
-- not carried over.
ALTER TABLE audit_event ADD COLUMN entry_id TEXT;
CREATE UNIQUE INDEX audit_event_entry_id ON audit_event (entry_id);

-- One row per entity a list shows (member cities, delegations, staff accounts, itineraries): the
-- grain's state as JSON at the Orleans state version it was made from. Lists page through it by key.
CREATE TABLE projection (
    kind     TEXT    NOT NULL,
    key      TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    json     TEXT    NOT NULL CHECK (json_valid(json)),
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

CREATE TABLE outbox_mark (
    grain_kind  TEXT NOT NULL,
    grain_key   TEXT NOT NULL,
    PRIMARY KEY (grain_kind, grain_key)
) WITHOUT ROWID;

DROP TABLE grain_state;
DROP TABLE grain_journal;
