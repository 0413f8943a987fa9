-- A ballot's seal in the ledger: once its row exists, no vote of that ballot is stored by any node. The close seals
-- the ballot, then counts the ledger. A vote batch takes a shared advisory lock per ballot before it inserts, and the
-- seal takes that lock exclusively: a batch in flight commits before the seal, and a later one sees the seal. So an
-- activation of a ballot that does not yet know it closed (another activation closed it, for a moment in a cluster)
-- cannot store, and acknowledge, a vote the result never counted.
CREATE TABLE ballot_sealed (
    ballot_id text PRIMARY KEY
);
