-- A ballot's seal in the ledger: once its row exists, no vote of that ballot is stored (see the PostgreSQL script;
-- on SQLite, one writer at a time orders the seal and the vote batches).
CREATE TABLE ballot_sealed (
    ballot_id TEXT PRIMARY KEY
);
