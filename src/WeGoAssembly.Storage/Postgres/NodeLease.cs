using Npgsql;
using NpgsqlTypes;

namespace WeGoAssembly.Storage.Postgres;

/// <summary>The lease row as the database sees it now: who took it last, its epoch, and how long until it expires (negative: expired).</summary>
public sealed record NodeLeaseState(string? Holder, long Epoch, TimeSpan ExpiresIn);

/// <summary>A write refused because another node took the lease: this node is no longer the active one. Nothing of the write was stored.</summary>
public sealed class NodeLeaseLostException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// This process's side of the node lease (deploy/sql/postgres/006-node-lease.sql): taking, renewing and
/// releasing it, and fencing every write with the epoch taken. Until the process takes the lease
/// (<see cref="Epoch"/> 0, as for storage used without the host) writes run unfenced.
/// </summary>
public sealed class NodeLease(NpgsqlDataSource dataSource)
{
    /// <summary>The SQLSTATE node_lease_fence raises for a write of a stale epoch.</summary>
    internal const string FencedSqlState = "WG001";

    internal const string LostMessage =
        "This node lost its lease on the database to another node and is stopping; nothing of this request was stored. " +
        "Retry: the active node answers.";

    private readonly CancellationTokenSource lost = new();
    private long epoch;

    /// <summary>The epoch this process took, 0 while it holds none.</summary>
    public long Epoch => Interlocked.Read(ref epoch);

    /// <summary>Cancelled once this process learns that another node took the lease (a refused write or renewal).</summary>
    public CancellationToken Lost => lost.Token;

    /// <summary>Takes the lease for <paramref name="nodeId"/> if it is free, expired or already this node's; false while another node holds it.</summary>
    public async Task<bool> TryTakeAsync(string nodeId, TimeSpan ttl, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT node_lease_take($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = nodeId });
        command.Parameters.Add(new NpgsqlParameter { Value = ttl, NpgsqlDbType = NpgsqlDbType.Interval });
        if (await command.ExecuteScalarAsync(ct) is not long taken)
            return false;
        Interlocked.Exchange(ref epoch, taken);
        return true;
    }

    /// <summary>Extends the lease held to <paramref name="ttl"/> from now; false (and <see cref="Lost"/>) when another node took it.</summary>
    public async Task<bool> RenewAsync(TimeSpan ttl, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("UPDATE node_lease SET expires_at = clock_timestamp() + $2 WHERE epoch = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = Held() });
        command.Parameters.Add(new NpgsqlParameter { Value = ttl, NpgsqlDbType = NpgsqlDbType.Interval });
        if (await command.ExecuteNonQueryAsync(ct) == 1)
            return true;
        lost.Cancel();
        return false;
    }

    /// <summary>
    /// Lets the lease expire now, so that a standby (or this node restarted) takes it at once. The epoch
    /// stays, so a write of this process still in flight is fenced only once another node took over.
    /// </summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("UPDATE node_lease SET expires_at = clock_timestamp() WHERE epoch = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = Held() });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Reads the lease row.</summary>
    public async Task<NodeLeaseState> ReadAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT holder, epoch, expires_at - clock_timestamp() FROM node_lease");
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            throw new InvalidOperationException("The node_lease table has no row; schema script 006 was not applied.");
        var expiresIn = reader.IsDBNull(2) ? TimeSpan.MinValue : reader.GetTimeSpan(2);
        return new NodeLeaseState(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1), expiresIn);
    }

    /// <summary>
    /// A batch of <paramref name="writes"/> preceded, while this process holds a lease, by the fence; run
    /// as one implicit transaction (or in the caller's transaction), so the writes commit only under the
    /// current epoch. Run it inside <see cref="RunAsync{T}"/>.
    /// </summary>
    internal NpgsqlBatch Batch(NpgsqlConnection? connection, NpgsqlTransaction? transaction, params ReadOnlySpan<NpgsqlBatchCommand> writes)
    {
        var batch = connection is null ? dataSource.CreateBatch() : new NpgsqlBatch(connection, transaction);
        if (Epoch is var held and > 0)
        {
            var fence = new NpgsqlBatchCommand("CALL node_lease_fence($1)");
            fence.Parameters.Add(new NpgsqlParameter { Value = held });
            batch.BatchCommands.Add(fence);
        }
        foreach (var write in writes)
            batch.BatchCommands.Add(write);
        return batch;
    }

    /// <summary>Runs a fenced write; a refusal by the fence marks the lease <see cref="Lost"/> and becomes <see cref="NodeLeaseLostException"/>.</summary>
    internal async Task<T> RunAsync<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (PostgresException exception) when (exception.SqlState == FencedSqlState)
        {
            lost.Cancel();
            throw new NodeLeaseLostException(LostMessage, exception);
        }
    }

    private long Held() => Epoch is var held and > 0 ? held : throw new InvalidOperationException("This process holds no node lease.");
}
