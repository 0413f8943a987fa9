using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace WeGoAssembly.Server.Hosting;

/// <summary>
/// Clears the way for a node joining the cluster on PostgreSQL. A node killed with SIGKILL leaves its row Active in
/// Orleans' membership table; the live nodes declare it dead within seconds, but when none is left to do so, a joining
/// node would try to reach it for minutes (Orleans checks every Active node before joining). So before the silo starts,
/// each Active row whose node does not answer on its silo port is retired: at once if it is this node's own earlier row
/// (its address and port are about to be ours), else once its "I am alive" has not moved for
/// <see cref="ClusterNodeOptions.StaleAfter"/> while this node watched (each node stamps its row with its own clock, so
/// the row is compared with itself, not with this clock) or is older than ten times that by the database's clock. A node
/// that answers, or is only unreachable from here but still writes its row, is left to Orleans. A node that answers on
/// this node's own address and port is another node configured alike: start-up stops with what to change.
/// </summary>
public static partial class ClusterLeftovers
{
    private sealed record Row(string Address, int Port, int Generation, DateTime AliveAt, TimeSpan Age);

    public static async Task RetireAsync(NpgsqlDataSource database, ClusterNodeOptions cluster, ILogger logger, CancellationToken ct)
    {
        var watching = Stopwatch.StartNew();
        var firstSeen = new Dictionary<(string, int, int), (DateTime AliveAt, TimeSpan Since)>();
        while (true)
        {
            var unanswered = 0;
            foreach (var row in await ActiveRowsAsync(database, cluster, ct))
            {
                var own = row.Port == cluster.SiloPort && IPAddress.TryParse(row.Address, out var address) && address.Equals(cluster.AdvertisedAddress);
                if (await AnswersAsync(row, cluster.ProbeTimeout, ct))
                {
                    if (own)
                        throw new InvalidOperationException($"Another node answers at {row.Address}:{row.Port}, this node's silo address: give each node " +
                            "on a host its own Cluster:SiloPort and, with nodes on several hosts, each its own Cluster:AdvertisedAddress.");
                    continue;
                }
                var key = (row.Address, row.Port, row.Generation);
                if (!firstSeen.TryGetValue(key, out var seen) || seen.AliveAt != row.AliveAt)
                    firstSeen[key] = seen = (row.AliveAt, watching.Elapsed);
                if (own || watching.Elapsed - seen.Since >= cluster.StaleAfter || row.Age > 10 * cluster.StaleAfter)
                {
                    await RetireAsync(database, cluster, row, ct);
                    Retired(logger, row.Address, row.Port, row.Generation);
                }
                else
                    unanswered++;
            }
            // A live node keeps its row fresh and is left to Orleans after one stale period.
            if (unanswered == 0 || watching.Elapsed > cluster.StaleAfter + cluster.AliveEvery)
                return;
            if (watching.Elapsed < TimeSpan.FromSeconds(1))
                Waiting(logger, unanswered, cluster.StaleAfter);
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private static async Task<List<Row>> ActiveRowsAsync(NpgsqlDataSource database, ClusterNodeOptions cluster, CancellationToken ct)
    {
        // Status 3 is Active.
        await using var command = database.CreateCommand("""
            SELECT address, port, generation, iamalivetime, now() - iamalivetime
            FROM orleansmembershiptable WHERE deploymentid = $1 AND status = 3
            """);
        command.Parameters.Add(new() { Value = cluster.ClusterId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<Row>();
        while (await reader.ReadAsync(ct))
            rows.Add(new(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetDateTime(3), reader.GetTimeSpan(4)));
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} node(s) of the cluster do not answer on their silo port; watching their rows for {StaleAfter} before joining")]
    private static partial void Waiting(ILogger logger, int count, TimeSpan staleAfter);
}
