using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using WeGoAssembly.Contracts.Voting;

namespace WeGoAssembly.Storage.Voting;

/// <summary>
/// The vote ledger on PostgreSQL: a batch is two statements over arrays (unnest), the voter rows and the counter
/// upserts, sent together in one transaction — one round trip and one WAL flush per batch however many votes it holds.
/// When the voter rows meet a member's vote already stored (another activation of the ballot took it, for a moment in
/// a cluster), the batch is written again with those votes left out, so only they fail.
/// </summary>
public sealed class PostgresBallotLedger(NpgsqlDataSource dataSource, ILogger<PostgresBallotLedger> logger) : BallotLedger(logger)
{
    protected override async Task<IReadOnlySet<int>> WriteBatchAsync(IReadOnlyList<LedgerVote> votes, CancellationToken ct)
    {
        try
        {
            await WriteAsync(votes, skipStored: false, ct);
            return NoneRefused;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            var stored = await WriteAsync(votes, skipStored: true, ct);
            return Enumerable.Range(0, votes.Count).Where(i => !stored.Contains((votes[i].BallotId, votes[i].MemberCityId))).ToHashSet();
        }
    }

    /// <summary>
    /// Writes the batch; with <paramref name="skipStored"/>, leaves out the votes of members whose vote is stored and
    /// counts only the rest, returning the (ballot, member) of the votes stored; otherwise a stored vote fails it all.
    /// </summary>
    private async Task<HashSet<(string, string)>> WriteAsync(IReadOnlyList<LedgerVote> votes, bool skipStored, CancellationToken ct)
    {
        var n = votes.Count;
        string[] ballots = new string[n], members = new string[n], keys = new string[n], receipts = new string[n], casters = new string[n];
        var choices = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var v = votes[i];
            (ballots[i], members[i], keys[i], receipts[i], casters[i], choices[i]) = (v.BallotId, v.MemberCityId, v.IdempotencyKey, v.ReceiptId, v.CastBy, v.StoredChoice);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var voters = new NpgsqlBatchCommand($"""
            INSERT INTO ballot_voter (ballot_id, member_city_id, idempotency_key, receipt_id, cast_by, choice)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
            {(skipStored ? "ON CONFLICT (ballot_id, member_city_id) DO NOTHING RETURNING ballot_id, member_city_id" : "")}
            """);
        foreach (var array in new object[] { ballots, members, keys, receipts, casters, choices })
            voters.Parameters.Add(new NpgsqlParameter { Value = array, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var stored = new HashSet<(string, string)>();
        if (skipStored)
        {
            await using (var insert = new NpgsqlBatch(connection, transaction) { BatchCommands = { voters } })
            await using (var reader = await insert.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct))
                    stored.Add((reader.GetString(0), reader.GetString(1)));
            votes = [.. votes.Where(v => stored.Contains((v.BallotId, v.MemberCityId)))];
            voters = null;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        if (voters is not null)
            batch.BatchCommands.Add(voters);
        var increments = TallyIncrements(votes);
        if (increments.Count > 0)
        {
            var tally = new NpgsqlBatchCommand("""
                INSERT INTO ballot_tally (ballot_id, choice, votes)
                SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
                ON CONFLICT (ballot_id, choice) DO UPDATE SET votes = ballot_tally.votes + excluded.votes
                """);
            tally.Parameters.Add(new NpgsqlParameter { Value = increments.Keys.Select(k => k.BallotId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            tally.Parameters.Add(new NpgsqlParameter { Value = increments.Keys.Select(k => k.Choice).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            tally.Parameters.Add(new NpgsqlParameter { Value = increments.Values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            batch.BatchCommands.Add(tally);
        }
        if (batch.BatchCommands.Count > 0)
            await batch.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return stored;
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
