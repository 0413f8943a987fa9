using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using WeGoAssembly.Runtime;

namespace WeGoAssembly.Storage.Postgres;

/// <summary>
/// Grain states and journals in PostgreSQL (schema: deploy/sql/postgres). Every write is fenced by the
/// node lease (<see cref="NodeLease"/>) once this process holds one.
/// </summary>
public sealed class PostgresGrainStorage(NpgsqlDataSource dataSource, NodeLease lease) : IGrainStorage, IJournalStorage
{
    public async Task<StoredState?> ReadAsync(GrainId grain, string stateName, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT etag, payload::text FROM grain_state
            WHERE grain_type = @type AND grain_key = @key AND state_name = @name AND payload IS NOT NULL
            """);
        AddKey(command.Parameters, grain, stateName);
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

        // A first write inserts, or revives a cleared row (payload NULL); otherwise the etag must match.
        // Under READ COMMITTED a concurrent writer waits for the row lock, re-checks the WHERE clause
        // against the committed row, and matches nothing: the loser sees no row returned.
        var write = expectedEtag is null
            ? """
              INSERT INTO grain_state AS s (grain_type, grain_key, state_name, etag, payload, updated_at)
              VALUES (@type, @key, @name, 1, @payload, now())
              ON CONFLICT (grain_type, grain_key, state_name) DO UPDATE
                  SET etag = s.etag + 1, payload = excluded.payload, updated_at = excluded.updated_at
                  WHERE s.payload IS NULL
              RETURNING etag
              """
            : """
              UPDATE grain_state
              SET etag = etag + 1, payload = @payload, updated_at = now()
              WHERE grain_type = @type AND grain_key = @key AND state_name = @name AND etag = @etag
              RETURNING etag
              """;
        // An audited write is one statement (behind the lease fence, in the same implicit transaction): the
        // audit row is inserted once per state row written, so a write that matched nothing (a conflict)
        // inserts no audit row either.
        var command = new NpgsqlBatchCommand(audit is null
            ? write
            : $"""
              WITH written AS (
              {write}
              ), audited AS (
                  INSERT INTO audit_event (recorded_at, actor, action, subject, details)
                  SELECT now(), @actor, @action, @subject, @details FROM written
              )
              SELECT etag FROM written
              """);
        AddKey(command.Parameters, grain, stateName);
        command.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, json);
        if (expectedEtag is not null)
            command.Parameters.AddWithValue("etag", expected);
        if (audit is not null)
            PostgresAuditLog.AddRecord(command.Parameters, audit);
        await using var batch = lease.Batch(null, null, command);
        var etag = await lease.RunAsync(() => batch.ExecuteScalarAsync(ct));
        return etag is long version
            ? version.ToString(CultureInfo.InvariantCulture)
            : throw StorageConflict.State(grain, stateName, expectedEtag);
    }

    public async Task ClearAsync(GrainId grain, string stateName, string? expectedEtag, CancellationToken ct)
    {
        long expected = 0;
        if (expectedEtag is not null && !StorageConflict.TryParseEtag(expectedEtag, out expected))
            throw StorageConflict.State(grain, stateName, expectedEtag);

        // Clearing keeps a tombstone with a new etag, so that no etag is ever handed out twice.
        // Clearing what was never stored writes nothing: it only checks that nothing is stored.
        if (expectedEtag is null)
        {
            await using var check = dataSource.CreateCommand("""
                SELECT count(*) FROM grain_state
                WHERE grain_type = @type AND grain_key = @key AND state_name = @name AND payload IS NOT NULL
                """);
            AddKey(check.Parameters, grain, stateName);
            if ((long)(await check.ExecuteScalarAsync(ct))! != 0)
                throw StorageConflict.State(grain, stateName, expectedEtag);
            return;
        }
        var clear = new NpgsqlBatchCommand("""
            UPDATE grain_state
            SET etag = etag + 1, payload = NULL, updated_at = now()
            WHERE grain_type = @type AND grain_key = @key AND state_name = @name AND etag = @etag
            """);
        AddKey(clear.Parameters, grain, stateName);
        clear.Parameters.AddWithValue("etag", expected);
        await using var batch = lease.Batch(null, null, clear);
        await lease.RunAsync(() => batch.ExecuteNonQueryAsync(ct));
        if (clear.RecordsAffected != 1)
            throw StorageConflict.State(grain, stateName, expectedEtag);
    }

    public IAsyncEnumerable<StoredGrainState> ScanAsync(string grainType, string stateName, string? afterKey, int limit, CancellationToken ct) =>
        KeysetScan.ScanAsync((after, size, token) => ReadPageAsync(grainType, stateName, after, size, token), afterKey, limit, ct);

    private async Task<IReadOnlyList<StoredGrainState>> ReadPageAsync(string grainType, string stateName, string? afterKey, int size, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT grain_key, etag, payload::text FROM grain_state
            WHERE grain_type = @type AND state_name = @name AND payload IS NOT NULL
              AND (@after IS NULL OR grain_key > @after)
            ORDER BY grain_key
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("type", grainType);
        command.Parameters.AddWithValue("name", stateName);
        command.Parameters.AddWithValue("after", NpgsqlDbType.Text, (object?)afterKey ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", size);
        var page = new List<StoredGrainState>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            page.Add(new StoredGrainState(reader.GetString(0), reader.GetInt64(1).ToString(CultureInfo.InvariantCulture), reader.GetString(2)));
        return page;
    }

    public async Task<long> GetVersionAsync(GrainId grain, string journalName, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT COALESCE(max(sequence) + 1, 0) FROM grain_journal
            WHERE grain_type = @type AND grain_key = @key AND journal_name = @name
            """);
        AddKey(command.Parameters, grain, journalName);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task AppendAsync(GrainId grain, string journalName, long expectedVersion, IReadOnlyList<string> jsonEvents, CancellationToken ct)
    {
        if (jsonEvents.Count == 0)
            return;
        // One statement, so all events or none: it inserts nothing unless the event before
        // expectedVersion exists, and a concurrent append of the same sequence is a unique violation.
        var command = new NpgsqlBatchCommand("""
            INSERT INTO grain_journal (grain_type, grain_key, journal_name, sequence, recorded_at, payload)
            SELECT @type, @key, @name, @expected + e.ordinality - 1, now(), e.payload::jsonb
            FROM unnest(@payloads) WITH ORDINALITY AS e(payload, ordinality)
            WHERE @expected = 0 OR EXISTS (
                SELECT 1 FROM grain_journal
                WHERE grain_type = @type AND grain_key = @key AND journal_name = @name AND sequence = @expected - 1)
            """);
        AddKey(command.Parameters, grain, journalName);
        command.Parameters.AddWithValue("expected", expectedVersion);
        command.Parameters.AddWithValue("payloads", NpgsqlDbType.Array | NpgsqlDbType.Text, jsonEvents.ToArray());
        await using var batch = lease.Batch(null, null, command);
        try
        {
            await lease.RunAsync(() => batch.ExecuteNonQueryAsync(ct));
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw StorageConflict.Journal(grain, journalName, expectedVersion, exception);
        }
        if (command.RecordsAffected != jsonEvents.Count)
            throw StorageConflict.Journal(grain, journalName, expectedVersion);
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(GrainId grain, string journalName, long fromVersion, int maxCount, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT sequence, recorded_at, payload::text FROM grain_journal
            WHERE grain_type = @type AND grain_key = @key AND journal_name = @name AND sequence >= @from
            ORDER BY sequence
            LIMIT @limit
            """);
        AddKey(command.Parameters, grain, journalName);
        command.Parameters.AddWithValue("from", fromVersion);
        command.Parameters.AddWithValue("limit", maxCount);
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            events.Add(new StoredEvent(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2)));
        return events;
    }

    private static void AddKey(NpgsqlParameterCollection parameters, GrainId grain, string name)
    {
        parameters.AddWithValue("type", grain.Type);
        parameters.AddWithValue("key", grain.Key);
        parameters.AddWithValue("name", name);
    }
}
