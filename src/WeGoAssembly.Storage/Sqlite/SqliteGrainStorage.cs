using System.Globalization;
using Microsoft.Data.Sqlite;
using WeGoAssembly.Runtime;

namespace WeGoAssembly.Storage.Sqlite;

/// <summary>Grain states and journals in an SQLite file (schema: deploy/sql/sqlite).</summary>
public sealed class SqliteGrainStorage(SqliteConnectionFactory connections) : IGrainStorage, IJournalStorage
{
    public async Task<StoredState?> ReadAsync(GrainId grain, string stateName, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT etag, payload FROM grain_state
            WHERE grain_type = @type AND grain_key = @key AND state_name = @name AND payload IS NOT NULL
            """;
        AddKey(command, grain, stateName);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new StoredState(reader.GetInt64(0).ToString(CultureInfo.InvariantCulture), reader.GetString(1))
            : null;
    }

    public async Task<string> WriteAsync(
        GrainId grain, string stateName, string? expectedEtag, string json, CancellationToken ct, AuditRecord? audit = null)
    {
        long expected = 0;
        if (expectedEtag is not null && !StorageConflict.TryParseEtag(expectedEtag, out expected))
            throw StorageConflict.State(grain, stateName, expectedEtag);

        await using var connection = await connections.OpenAsync(ct);
        // An audited write is the state statement and the audit insert in one BEGIN IMMEDIATE
        // transaction; disposing it uncommitted (a conflict, a failure) rolls both back.
        await using var transaction = audit is null ? null : connection.BeginTransaction(deferred: false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // A first write inserts, or revives a cleared row (payload NULL); otherwise the etag must match.
        command.CommandText = expectedEtag is null
            ? """
              INSERT INTO grain_state (grain_type, grain_key, state_name, etag, payload, updated_at)
              VALUES (@type, @key, @name, 1, @payload, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
              ON CONFLICT (grain_type, grain_key, state_name) DO UPDATE
                  SET etag = etag + 1, payload = excluded.payload, updated_at = excluded.updated_at
                  WHERE grain_state.payload IS NULL
              RETURNING etag
              """
            : """
              UPDATE grain_state
              SET etag = etag + 1, payload = @payload, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
              WHERE grain_type = @type AND grain_key = @key AND state_name = @name AND etag = @etag
              RETURNING etag
              """;
        AddKey(command, grain, stateName);
        command.Parameters.AddWithValue("@payload", json);
        command.Parameters.AddWithValue("@etag", expected);
        if (await command.ExecuteScalarAsync(ct) is not long version)
            throw StorageConflict.State(grain, stateName, expectedEtag);

        if (transaction is not null)
        {
            await SqliteAuditLog.AppendAsync(connection, transaction, audit!, ct);
            await transaction.CommitAsync(ct);
        }
        return version.ToString(CultureInfo.InvariantCulture);
    }

    public async Task ClearAsync(GrainId grain, string stateName, string? expectedEtag, CancellationToken ct)
    {
        long expected = 0;
        if (expectedEtag is not null && !StorageConflict.TryParseEtag(expectedEtag, out expected))
            throw StorageConflict.State(grain, stateName, expectedEtag);

        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        // Clearing keeps a tombstone with a new etag, so that no etag is ever handed out twice.
        command.CommandText = expectedEtag is null
            ? """
              SELECT COUNT(*) FROM grain_state
              WHERE grain_type = @type AND grain_key = @key AND state_name = @name AND payload IS NOT NULL
              """
            : """
              UPDATE grain_state
              SET etag = etag + 1, payload = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
              WHERE grain_type = @type AND grain_key = @key AND state_name = @name AND etag = @etag
              """;
        AddKey(command, grain, stateName);
        command.Parameters.AddWithValue("@etag", expected);
        if (expectedEtag is null)
        {
            if ((long)(await command.ExecuteScalarAsync(ct))! != 0)
                throw StorageConflict.State(grain, stateName, expectedEtag);
        }
        else if (await command.ExecuteNonQueryAsync(ct) != 1)
        {
            throw StorageConflict.State(grain, stateName, expectedEtag);
        }
    }

    public IAsyncEnumerable<StoredGrainState> ScanAsync(string grainType, string stateName, string? afterKey, int limit, CancellationToken ct) =>
        KeysetScan.ScanAsync((after, size, token) => ReadPageAsync(grainType, stateName, after, size, token), afterKey, limit, ct);

    private async Task<IReadOnlyList<StoredGrainState>> ReadPageAsync(string grainType, string stateName, string? afterKey, int size, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT grain_key, etag, payload FROM grain_state
            WHERE grain_type = @type AND state_name = @name AND payload IS NOT NULL
              AND (@after IS NULL OR grain_key > @after)
            ORDER BY grain_key
            LIMIT @limit
            """;
        command.Parameters.AddWithValue("@type", grainType);
        command.Parameters.AddWithValue("@name", stateName);
        command.Parameters.AddWithValue("@after", (object?)afterKey ?? DBNull.Value);
        command.Parameters.AddWithValue("@limit", size);
        var page = new List<StoredGrainState>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            page.Add(new StoredGrainState(reader.GetString(0), reader.GetInt64(1).ToString(CultureInfo.InvariantCulture), reader.GetString(2)));
        return page;
    }

    public async Task<long> GetVersionAsync(GrainId grain, string journalName, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await GetVersionAsync(connection, transaction: null, grain, journalName, ct);
    }

    public async Task AppendAsync(GrainId grain, string journalName, long expectedVersion, IReadOnlyList<string> jsonEvents, CancellationToken ct)
    {
        if (jsonEvents.Count == 0)
            return;
        await using var connection = await connections.OpenAsync(ct);
        // BEGIN IMMEDIATE takes the write lock first, so the version read below cannot go stale.
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (await GetVersionAsync(connection, transaction, grain, journalName, ct) != expectedVersion)
            throw StorageConflict.Journal(grain, journalName, expectedVersion);

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO grain_journal (grain_type, grain_key, journal_name, sequence, recorded_at, payload)
            VALUES (@type, @key, @name, @sequence, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), @payload)
            """;
        AddKey(command, grain, journalName);
        var sequence = command.Parameters.Add("@sequence", SqliteType.Integer);
        var payload = command.Parameters.Add("@payload", SqliteType.Text);
        try
        {
            for (var i = 0; i < jsonEvents.Count; i++)
            {
                sequence.Value = expectedVersion + i;
                payload.Value = jsonEvents[i];
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SQLitePCL.raw.SQLITE_CONSTRAINT)
        {
            throw StorageConflict.Journal(grain, journalName, expectedVersion, exception);
        }
        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(GrainId grain, string journalName, long fromVersion, int maxCount, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT sequence, recorded_at, payload FROM grain_journal
            WHERE grain_type = @type AND grain_key = @key AND journal_name = @name AND sequence >= @from
            ORDER BY sequence
            LIMIT @limit
            """;
        AddKey(command, grain, journalName);
        command.Parameters.AddWithValue("@from", fromVersion);
        command.Parameters.AddWithValue("@limit", maxCount);
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var recordedAt = DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            events.Add(new StoredEvent(reader.GetInt64(0), recordedAt.ToUniversalTime(), reader.GetString(2)));
        }
        return events;
    }

    private static async Task<long> GetVersionAsync(
        SqliteConnection connection, SqliteTransaction? transaction, GrainId grain, string journalName, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT COALESCE(MAX(sequence) + 1, 0) FROM grain_journal
            WHERE grain_type = @type AND grain_key = @key AND journal_name = @name
            """;
        AddKey(command, grain, journalName);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static void AddKey(SqliteCommand command, GrainId grain, string name)
    {
        command.Parameters.AddWithValue("@type", grain.Type);
        command.Parameters.AddWithValue("@key", grain.Key);
        command.Parameters.AddWithValue("@name", name);
    }
}
