-- Ballot ledger: who voted on each ballot, and the per-choice counters. Written by the vote ledger's
-- group-commit writer (Storage/Voting), read back by a ballot grain when it activates.
--
-- Design:
-- * One row per member per ballot in ballot_voter, unique on (ballot_id, member_city_id): the database
--   itself refuses a second vote of a city even if a bug let one through.
-- * Secret ballots keep who-voted apart from what-was-voted. ballot_voter.choice is NULL for them; the
--   choice only adds one to a counter in ballot_tally, in the same transaction as the voter row. There
--   is no per-vote choice row, no timestamp and no sequence number on either table, so nothing stored
--   links a member to its choice. ballot_voter is WITHOUT ROWID, ordered by its key, so even the
--   physical row order does not tell the order in which members voted.
-- * Roll-call ballots publish each member's vote: the choice is on the voter row ("yes", "no",
--   "abstain", or the candidate ids marked, separated by line feeds), and the counters are kept too.
-- * Votes are committed many at a time (group commit): every vote queued while one transaction
--   commits goes into the next, so a surge of votes shares fsyncs; a vote is acknowledged only after
--   its transaction committed.
CREATE TABLE ballot_voter (
    ballot_id        TEXT NOT NULL,
    member_city_id   TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL,
    receipt_id       TEXT NOT NULL,
    cast_by          TEXT NOT NULL,
    choice           TEXT NULL,
    PRIMARY KEY (ballot_id, member_city_id)
) WITHOUT ROWID;

CREATE TABLE ballot_tally (
    ballot_id  TEXT    NOT NULL,
    choice     TEXT    NOT NULL,
    votes      INTEGER NOT NULL CHECK (votes >= 0),
    PRIMARY KEY (ballot_id, choice)
) WITHOUT ROWID;
