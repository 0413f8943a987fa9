using System.Data.Common;
using static WeGoAssembly.Storage.Sql;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Storage;

/// <summary>
/// The audit log's and the projections' side of a grain change (deploy/sql/*/013-change-outbox.sql): the mark
/// written before a grain's first change of an activation, and the commit after each change — audit rows keyed by
/// entry id, the projection upserted only forwards, the mark removed when the activation ends — in one transaction,
/// so a replay after a crash changes nothing that was already written.
/// </summary>
public abstract class ChangeOutbox(IDbConnectionFactory connections) : IChangeOutbox, IProjectionReader, IAsyncDisposable
{
    /// <summary>Most commits written in one transaction.</summary>
    public const int MaxBatch = 1024;

    private GroupCommit<PendingCommit, bool>? commits;

    private GroupCommit<PendingCommit, bool> Commits => LazyInitializer.EnsureInitialized(ref commits, () => new(WriteBatchAsync, MaxBatch, "change outbox"));

    /// <summary>Queued like a commit (<see cref="CommitAsync"/>), so marks share transactions too; completes once the mark is stored.</summary>
    public Task MarkAsync(string grainKind, string key) => Commits.EnqueueAsync(new PendingCommit(grainKind, key, [], null, ReleaseMark: false, Mark: true));

    /// <summary>
    /// Queues the commit and completes when it is stored. Commits queued while one transaction runs share the next
    /// (group commit, as the vote ledger does): under load many grains' changes cost one fsync. A failed transaction
    /// fails every commit in it; each grain keeps its entries and mark and appends them later.
    /// </summary>
    public Task CommitAsync(string grainKind, string key, IReadOnlyList<PendingAudit> audit, ProjectionRow? projection, bool releaseMark) =>
        Commits.EnqueueAsync(new PendingCommit(grainKind, key, audit, projection, releaseMark, Mark: false));

    private async Task<IReadOnlyList<bool>> WriteBatchAsync(IReadOnlyList<PendingCommit> batch)
    {
        using var turn = await WriterTurnAsync();
        await using var connection = await connections.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var commit in batch)
            await WriteAsync(connection, transaction, commit);
        await transaction.CommitAsync();
        return [.. batch.Select(_ => true)];
    }

    private async Task WriteAsync(DbConnection connection, DbTransaction transaction, PendingCommit commit)
    {
        if (commit.Mark)
        {
            await using var mark = Command(connection, transaction, """
                INSERT INTO outbox_mark (grain_kind, grain_key) VALUES (@kind, @key) ON CONFLICT (grain_kind, grain_key) DO NOTHING
                """, ("@kind", commit.GrainKind), ("@key", commit.Key));
            await mark.ExecuteNonQueryAsync();
        }
        foreach (var entry in commit.Audit)
        {
            await using var insert = Command(connection, transaction, """
                INSERT INTO audit_event (entry_id, recorded_at, actor, action, subject, details)
                VALUES (@id, @at, @actor, @action, @subject, @details)
                ON CONFLICT (entry_id) DO NOTHING
                """,
                ("@id", entry.Id), ("@at", TimeValue(entry.At)), ("@actor", entry.Record.Actor), ("@action", entry.Record.Action),
                ("@subject", entry.Record.Subject), ("@details", entry.Record.Details));
            await insert.ExecuteNonQueryAsync();
        }
        if (commit.Projection is { } projection)
        {
            // Only forwards: a replay of an older version never overwrites a newer row.
            await using var upsert = Command(connection, transaction, """
                INSERT INTO projection (kind, key, version, json) VALUES (@kind, @key, @version, @json)
                ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version, json = excluded.json
                WHERE projection.version < excluded.version
                """, ("@kind", projection.Kind), ("@key", projection.Key), ("@version", projection.Version), ("@json", projection.Json));
            await upsert.ExecuteNonQueryAsync();
        }
        if (commit.ReleaseMark)
        {
            await using var unmark = Command(connection, transaction, "DELETE FROM outbox_mark WHERE grain_kind = @kind AND grain_key = @key",
                ("@kind", commit.GrainKind), ("@key", commit.Key));
            await unmark.ExecuteNonQueryAsync();
        }
    }

    public async Task<IReadOnlyList<MarkedGrain>> MarkedAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = Command(connection, null, "SELECT grain_kind, grain_key FROM outbox_mark ORDER BY grain_kind, grain_key");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var marked = new List<MarkedGrain>();
        while (await reader.ReadAsync(ct))
            marked.Add(new(reader.GetString(0), reader.GetString(1)));
        return marked;
    }

    public async Task<IReadOnlyList<(string Key, string Json)>> ReadPageAsync(string kind, string? afterKey, int limit, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = Command(connection, null, """
            SELECT key, json FROM projection WHERE kind = @kind AND key > @after ORDER BY key LIMIT @limit
            """, ("@kind", kind), ("@after", afterKey ?? ""), ("@limit", limit));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<(string, string)>();
        while (await reader.ReadAsync(ct))
            rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (commits is not null)
            await commits.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private sealed record PendingCommit(string GrainKind, string Key, IReadOnlyList<PendingAudit> Audit, ProjectionRow? Projection, bool ReleaseMark, bool Mark);

    /// <summary>Waits for the process's turn to write, where the database takes one writer at a time (SQLite); null otherwise.</summary>
    protected virtual ValueTask<IDisposable?> WriterTurnAsync() => ValueTask.FromResult<IDisposable?>(null);

    /// <summary>The value to bind for recorded_at.</summary>
    protected abstract object TimeValue(DateTimeOffset time);
}
