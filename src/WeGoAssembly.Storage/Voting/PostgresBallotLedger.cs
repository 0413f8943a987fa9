using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using WeGoAssembly.Contracts.Voting;

namespace WeGoAssembly.Storage.Voting;

/// <summary>
/// The vote ledger on PostgreSQL: a batch is one round trip and one WAL flush however many votes it holds — a shared
/// advisory lock per ballot (the seal's, <see cref="SealAsync"/>), then one statement over arrays (unnest) that inserts
/// the voter rows of unsealed ballots, skipping members whose vote is stored (another activation of the ballot took it,
/// for a moment in a cluster), and adds to the counters exactly the votes it stored. The votes it did not store fail alone.
/// </summary>
public sealed class PostgresBallotLedger(NpgsqlDataSource dataSource, ILogger<PostgresBallotLedger> logger) : BallotLedger(logger)
{
    // One advisory lock key per ballot: votes take it shared, the seal exclusively.
    private static string SealLock(string ballot) => $"hashtext('ballot-seal:' || {ballot})";

    protected override async Task<IReadOnlySet<int>> WriteBatchAsync(IReadOnlyList<LedgerVote> votes, CancellationToken ct)
    {
        var n = votes.Count;
        string[] ballots = new string[n], members = new string[n], keys = new string[n], receipts = new string[n], casters = new string[n];
        var choices = new string?[n];
        var (tallyVote, tallyKey) = (new List<int>(n), new List<string>(n));
        for (var i = 0; i < n; i++)
        {
            var v = votes[i];
            (ballots[i], members[i], keys[i], receipts[i], casters[i], choices[i]) = (v.BallotId, v.MemberCityId, v.IdempotencyKey, v.ReceiptId, v.CastBy, v.StoredChoice);
            foreach (var key in v.TallyKeys)
            {
                tallyVote.Add(i + 1);   // WITH ORDINALITY counts from 1
                tallyKey.Add(key);
            }
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var seals = new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock_shared({SealLock("b")}) FROM (SELECT DISTINCT unnest($1::text[]) AS b) ballots");
        seals.Parameters.Add(new NpgsqlParameter { Value = ballots, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var write = new NpgsqlBatchCommand("""
            WITH v AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS v(b, m, k, r, c, x, i)),
            stored AS (
                INSERT INTO ballot_voter (ballot_id, member_city_id, idempotency_key, receipt_id, cast_by, choice)
                SELECT b, m, k, r, c, x FROM v WHERE NOT EXISTS (SELECT 1 FROM ballot_sealed s WHERE s.ballot_id = v.b)
                ON CONFLICT (ballot_id, member_city_id) DO NOTHING
                RETURNING ballot_id, member_city_id),
            counted AS (
                INSERT INTO ballot_tally (ballot_id, choice, votes)
                SELECT v.b, t.key, count(*)
                FROM unnest($7::bigint[], $8::text[]) AS t(i, key)
                JOIN v ON v.i = t.i
                JOIN stored ON stored.ballot_id = v.b AND stored.member_city_id = v.m
                GROUP BY v.b, t.key
                ON CONFLICT (ballot_id, choice) DO UPDATE SET votes = ballot_tally.votes + excluded.votes)
            SELECT ballot_id, member_city_id FROM stored
            """);
        foreach (var array in new object[] { ballots, members, keys, receipts, casters, choices })
            write.Parameters.Add(new NpgsqlParameter { Value = array, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        write.Parameters.Add(new NpgsqlParameter { Value = tallyVote.Select(i => (long)i).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        write.Parameters.Add(new NpgsqlParameter { Value = tallyKey.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });

        var stored = new HashSet<(string, string)>();
        await using (var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { seals, write } })
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            await reader.NextResultAsync(ct);   // past the locks
            while (await reader.ReadAsync(ct))
                stored.Add((reader.GetString(0), reader.GetString(1)));
        }
        await transaction.CommitAsync(ct);
        return stored.Count == n ? NoneRefused : Enumerable.Range(0, n).Where(i => !stored.Contains((ballots[i], members[i]))).ToHashSet();
    }

    public override async Task<LedgerContents> SealAsync(string ballotId)
    {
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            // Waits for the vote batches of this ballot in flight; those after it see the seal.
            await using var seal = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({SealLock("$1")})") { Parameters = { new() { Value = ballotId } } },
                    new NpgsqlBatchCommand("INSERT INTO ballot_sealed (ballot_id) VALUES ($1) ON CONFLICT DO NOTHING") { Parameters = { new() { Value = ballotId } } },
                },
            };
            await seal.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }
        return await ReadAsync(ballotId);
    }

    public override async Task<LedgerContents> ReadAsync(string ballotId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var voters = new List<LedgerVoter>();
        await using (var command = new NpgsqlCommand("SELECT member_city_id, idempotency_key, receipt_id, cast_by, choice FROM ballot_voter WHERE ballot_id = $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = ballotId });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                voters.Add(new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        var tally = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT choice, votes FROM ballot_tally WHERE ballot_id = $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = ballotId });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                tally[reader.GetString(0)] = reader.GetInt32(1);
        }
        return new(voters, tally);
    }
}
