-- Node lease: which node of a hot-standby pair is the active one, the only one allowed to write.
-- PostgreSQL only: SQLite is the single-node embedded store and has no standby.
--
-- Design:
-- * One row for the database (one database = one cluster of nodes). holder is the node id that took
--   the lease last, epoch counts the takeovers, expires_at is when the holder's lease ends unless it
--   renews it. Times come from the database clock (clock_timestamp()), never from a node's clock.
-- * A node takes the lease when it is free (released or never held), expired, or already its own (the
--   same node restarting after a crash need not wait for the expiry); each take adds one to epoch.
--   The active node renews every second or so; a standby polls node_lease_take until it succeeds.
-- * Fencing: every write transaction of the active node first calls node_lease_fence with the epoch it
--   took, and fails with SQLSTATE WG001 when the epoch is no longer current. A node that paused past
--   its expiry (or lost the network) and comes back after a standby took over can therefore not write
--   anything, whatever it still believes.
-- * Takeover and writes are ordered by an advisory lock, not a row lock: each fenced transaction holds
--   it shared until it ends, a take holds it exclusive while it moves the epoch. A take thus waits for
--   the writes in flight, and a write that starts after it sees the new epoch. Advisory locks live in
--   memory: the fence writes no WAL and takes no row lock, so it costs one cheap statement, and the
--   renewal (an UPDATE of expires_at, under no advisory lock) never queues behind writes.
-- * A write of the old epoch that commits before the take is visible to the new holder, which loads
--   its state only after it took the lease; so no acknowledged write is lost by a takeover.
-- * The lock key is "WeGOlea" in ASCII; the schema migrator uses "WeGOsch".
CREATE TABLE node_lease (
    only_row    boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
    holder      text        NULL,
    epoch       bigint      NOT NULL CHECK (epoch >= 0),
    expires_at  timestamptz NOT NULL
);

INSERT INTO node_lease (holder, epoch, expires_at) VALUES (NULL, 0, '-infinity');

-- Takes the lease for p_node for p_ttl if it is free, expired or p_node's own; returns the new epoch,
-- or NULL while another node holds it.
CREATE FUNCTION node_lease_take(p_node text, p_ttl interval) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    taken bigint;
BEGIN
    -- Look without the lock first: a standby polls every second, and taking the exclusive lock each
    -- time would stall the active node's writes for nothing.
    IF NOT EXISTS (SELECT 1 FROM node_lease
                   WHERE holder IS NULL OR holder = p_node OR expires_at <= clock_timestamp()) THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(24599679923414369);   -- 0x0057_6547_4F6C_6561
    -- Checked again under the lock: the holder may have renewed meanwhile.
    UPDATE node_lease
    SET holder = p_node, epoch = epoch + 1, expires_at = clock_timestamp() + p_ttl
    WHERE holder IS NULL OR holder = p_node OR expires_at <= clock_timestamp()
    RETURNING epoch INTO taken;
    RETURN taken;
END;
$$;

-- Called first in every write transaction of the active node: holds the lock shared until the
-- transaction ends and refuses the transaction if p_epoch is no longer the lease's epoch.
CREATE PROCEDURE node_lease_fence(p_epoch bigint)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(24599679923414369);
    IF NOT EXISTS (SELECT 1 FROM node_lease WHERE epoch = p_epoch) THEN
        RAISE EXCEPTION 'node lease epoch % is no longer current: another node took over', p_epoch
            USING ERRCODE = 'WG001';
    END IF;
END;
$$;
