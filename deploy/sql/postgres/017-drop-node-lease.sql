-- The hot standby's node lease (script 006, removed) gave way to an Orleans cluster of active nodes: one vote per
-- member and ballot is the ledger's unique key, and a stale grain activation's write is refused by its ETag.
DROP PROCEDURE IF EXISTS node_lease_fence(bigint);
DROP FUNCTION IF EXISTS node_lease_take(text, interval);
DROP TABLE IF EXISTS node_lease;
