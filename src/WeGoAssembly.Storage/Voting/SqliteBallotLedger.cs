using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Storage.Sqlite;

namespace WeGoAssembly.Storage.Voting;

/// <summary>
/// The vote ledger on SQLite: one connection kept by the writer loop, prepared inserts reused for
/// every row, one BEGIN IMMEDIATE … COMMIT (one fsync in WAL with synchronous=FULL) per batch.
/// </summary>
public sealed class SqliteBallotLedger(SqliteConnectionFactory connections, ILogger<SqliteBallotLedger> logger) : BallotLedger(logger)
{
    private SqliteConnection? connection;
    private SqliteCommand? insertVoter, addTally;

    protected override async Task<IReadOnlySet<int>> WriteBatchAsync(IReadOnlyList<LedgerVote> votes, CancellationToken ct)
    {
        if (connection is null)
        {
            connection = await connections.OpenAsync(ct);
            insertVoter = connection.CreateCommand();
            insertVoter.CommandText = """
                INSERT INTO ballot_voter (ballot_id, member_city_id, idempotency_key, receipt_id, cast_by, choice)
                SELECT $b, $m, $k, $r, $c, $x WHERE NOT EXISTS (SELECT 1 FROM ballot_sealed WHERE ballot_id = $b)
                ON CONFLICT (ballot_id, member_city_id) DO NOTHING
                """;
            foreach (var name in new[] { "$b", "$m", "$k", "$r", "$c", "$x" })
                insertVoter.Parameters.Add(new SqliteParameter(name, SqliteType.Text));
            addTally = connection.CreateCommand();
            addTally.CommandText = """
                INSERT INTO ballot_tally (ballot_id, choice, votes) VALUES ($b, $x, $n)
                ON CONFLICT (ballot_id, choice) DO UPDATE SET votes = votes + excluded.votes
                """;
            addTally.Parameters.Add(new SqliteParameter("$b", SqliteType.Text));
            addTally.Parameters.Add(new SqliteParameter("$x", SqliteType.Text));
            addTally.Parameters.Add(new SqliteParameter("$n", SqliteType.Integer));
        }

        using var turn = await connections.WriterTurnAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);   // BEGIN IMMEDIATE: take the write lock up front
        insertVoter!.Transaction = transaction;
        addTally!.Transaction = transaction;
        var p = insertVoter.Parameters;
        HashSet<int>? refused = null;
        for (var i = 0; i < votes.Count; i++)
        {
            var vote = votes[i];
            p[0].Value = vote.BallotId;
            p[1].Value = vote.MemberCityId;
            p[2].Value = vote.IdempotencyKey;
            p[3].Value = vote.ReceiptId;
            p[4].Value = vote.CastBy;
            p[5].Value = (object?)vote.StoredChoice ?? DBNull.Value;
            if (insertVoter.ExecuteNonQuery() == 0)
                (refused ??= []).Add(i);
        }
        foreach (var ((ballotId, choice), n) in TallyIncrements(refused is null ? votes : [.. votes.Where((_, i) => !refused.Contains(i))]))
        {
            addTally.Parameters[0].Value = ballotId;
            addTally.Parameters[1].Value = choice;
            addTally.Parameters[2].Value = n;
            addTally.ExecuteNonQuery();
        }
        await transaction.CommitAsync(ct);
        return refused ?? NoneRefused;
    }

    /// <summary>Counter increments of a batch, summed per (ballot, choice).</summary>
    private static Dictionary<(string BallotId, string Choice), int> TallyIncrements(IReadOnlyList<LedgerVote> votes)
    {
        var sums = new Dictionary<(string, string), int>();
        foreach (var vote in votes)
            foreach (var key in vote.TallyKeys)
                sums[(vote.BallotId, key)] = sums.GetValueOrDefault((vote.BallotId, key)) + 1;
        return sums;
    }

    protected override async ValueTask ResetAsync()
    {
        insertVoter?.Dispose();
        addTally?.Dispose();
        insertVoter = addTally = null;
        if (connection is not null)
            await connection.DisposeAsync();
        connection = null;
    }

    public override async Task<LedgerContents> SealAsync(string ballotId)
    {
        // Behind the writer's turn, as every vote batch: one before it is stored, one after it is refused.
        using (await connections.WriterTurnAsync())
        await using (var seal = await connections.OpenAsync())
        await using (var command = seal.CreateCommand())
        {
            command.CommandText = "INSERT INTO ballot_sealed (ballot_id) VALUES ($b) ON CONFLICT DO NOTHING";
            command.Parameters.AddWithValue("$b", ballotId);
            await command.ExecuteNonQueryAsync();
        }
        return await ReadAsync(ballotId);
    }

    public override async Task<LedgerContents> ReadAsync(string ballotId)
    {
        await using var read = await connections.OpenAsync();
        var voters = new List<LedgerVoter>();
        await using (var command = read.CreateCommand())
        {
            command.CommandText = "SELECT member_city_id, idempotency_key, receipt_id, cast_by, choice FROM ballot_voter WHERE ballot_id = $b";
            command.Parameters.AddWithValue("$b", ballotId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                voters.Add(new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        var tally = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var command = read.CreateCommand())
        {
            command.CommandText = "SELECT choice, votes FROM ballot_tally WHERE ballot_id = $b";
            command.Parameters.AddWithValue("$b", ballotId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                tally[reader.GetString(0)] = reader.GetInt32(1);
        }
        return new(voters, tally);
    }
}
