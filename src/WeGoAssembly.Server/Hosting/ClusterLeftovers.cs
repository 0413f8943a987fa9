using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace WeGoAssembly.Server.Hosting;

/// <summary>
/// Clears the way for a node joining the cluster on PostgreSQL. A node killed with SIGKILL leaves its row Active in
/// Orleans' membership table; the live nodes declare it dead within seconds, but when none is left to do so, a joining
/// node would try to reach it for minutes (Orleans checks every Active node before joining). So before the silo starts,
/// each Active row whose node does not answer on its silo port is retired once it is stale (no "I am alive" for
/// <see cref="ClusterNodeOptions.StaleAfter"/>) — at once for this node's own earlier row, whose port is about to be ours.
/// A node that answers, or is only unreachable from here but still writes its row, is left to Orleans.
/// </summary>
public static partial class ClusterLeftovers
{
    private sealed record Row(string Address, int Port, int Generation, bool Stale);

    public static async Task RetireAsync(NpgsqlDataSource database, ClusterNodeOptions cluster, ILogger logger, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var unanswered = 0;
            foreach (var row in await ActiveRowsAsync(database, cluster, ct))
            {
                var own = row.Port == cluster.SiloPort && IPAddress.TryParse(row.Address, out var address) && address.Equals(cluster.AdvertisedAddress);
                if (!own && await AnswersAsync(row, cluster.ProbeTimeout, ct))
                    continue;
                if (own || row.Stale)
                {
                    await RetireAsync(database, cluster, row, ct);
                    Retired(logger, row.Address, row.Port, row.Generation);
                }
                else
                    unanswered++;
            }
            // A live node keeps its row fresh and is left to Orleans after one stale period.
            if (unanswered == 0 || waited.Elapsed > cluster.StaleAfter + cluster.AliveEvery)
                return;
            if (waited.Elapsed < TimeSpan.FromSeconds(1))
                Waiting(logger, unanswered, cluster.StaleAfter);
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private static async Task<List<Row>> ActiveRowsAsync(NpgsqlDataSource database, ClusterNodeOptions cluster, CancellationToken ct)
    {
        // Status 3 is Active. The database's clock judges staleness, as it stamps every row.
        await using var command = database.CreateCommand("""
            SELECT address, port, generation, iamalivetime < now() - $2
            FROM orleansmembershiptable WHERE deploymentid = $1 AND status = 3
            """);
        command.Parameters.Add(new() { Value = cluster.ClusterId });
        command.Parameters.Add(new() { Value = cluster.StaleAfter });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<Row>();
        while (await reader.ReadAsync(ct))
            rows.Add(new(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetBoolean(3)));
        return rows;
    }

    private static async Task<bool> AnswersAsync(Row row, TimeSpan timeout, CancellationToken ct)
    {
        using var socket = new TcpClient();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(row.Address, row.Port, limit.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }

    private static async Task RetireAsync(NpgsqlDataSource database, ClusterNodeOptions cluster, Row row, CancellationToken ct)
    {
        // Status 6 is Dead; the table's version moves on, as Orleans' own writes do, so every node rereads it.
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            UPDATE orleansmembershiptable SET status = 6
            WHERE deploymentid = $1 AND address = $2 AND port = $3 AND generation = $4 AND status = 3
            """) { Parameters = { new() { Value = cluster.ClusterId }, new() { Value = row.Address }, new() { Value = row.Port }, new() { Value = row.Generation } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE orleansmembershipversiontable SET version = version + 1, timestamp = now() WHERE deploymentid = $1")
            { Parameters = { new() { Value = cluster.ClusterId } } });
        await batch.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retired the membership row of the node at {Address}:{Port} (generation {Generation}): it no longer answers and no longer writes its row")]
    private static partial void Retired(ILogger logger, string address, int port, int generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} node(s) of the cluster do not answer on their silo port; waiting up to {StaleAfter} for their rows to go stale before joining")]
    private static partial void Waiting(ILogger logger, int count, TimeSpan staleAfter);
}
