using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Storage.Tests;

/// <summary>
/// The change outbox (mark, commit, projections) and the schema it lives in, run on every engine by a
/// subclass per engine. Grain state itself is Orleans' (OrleansStorage) and not tested here.
/// </summary>
public abstract class ChangeOutboxTests : IAsyncLifetime
{
    private const string City = "member-city";
    private static readonly DateTimeOffset T0 = new(2026, 3, 14, 9, 30, 0, 123, TimeSpan.Zero);

    protected TestDatabase Database { get; private set; } = null!;

    protected ServiceProvider Services { get; private set; } = null!;

    protected IChangeOutbox Outbox => Services.GetRequiredService<IChangeOutbox>();

    protected IProjectionReader Projections => Services.GetRequiredService<IProjectionReader>();

    private AuditLog Log => Services.GetRequiredService<AuditLog>();

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    /// <summary>The schema scripts of this engine, in order: ours and Orleans' (010-012).</summary>
    protected virtual IReadOnlyList<(int Version, string Name)> ExpectedScripts =>
        [(1, "grain-state"), (2, "grain-journal"), (3, "audit-log"), (5, "ballot-ledger"),
         (10, "orleans-main"), (11, "orleans-persistence"), (13, "change-outbox"), (14, "drop-quartz"), (15, "notifications"), (16, "data-protection"), (18, "ballot-seal"), (19, "assembly-projection")];

    /// <summary>Orleans' tables this engine's schema must have.</summary>
    protected virtual IReadOnlyList<string> OrleansTables => ["OrleansQuery", "OrleansStorage"];

    /// <summary>Orleans' named queries (OrleansQuery rows) the ADO.NET providers used on this engine look up.</summary>
    protected virtual IReadOnlyList<string> OrleansQueryKeys => ["ClearStorageKey", "ReadFromStorageKey", "WriteToStorageKey"];

    /// <summary>SQL counting the tables named @name (as an unquoted identifier would name them).</summary>
    protected abstract string CountTablesSql { get; }

    public async Task InitializeAsync()
    {
        Database = await CreateDatabaseAsync();
        Services = await Database.CreateServicesAsync();
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Marked_grains_are_listed_once_each_in_kind_and_key_order_until_committed()
    {
        Assert.Empty(await Outbox.MarkedAsync(default));

        await Outbox.MarkAsync(City, "seoul");
        await Outbox.MarkAsync("delegation", "seoul");
        await Outbox.MarkAsync(City, "busan");
        await Outbox.MarkAsync(City, "seoul");   // marked again before its commit: still one mark

        Assert.Equal([new("delegation", "seoul"), new(City, "busan"), new(City, "seoul")], await Outbox.MarkedAsync(default));

        await Outbox.CommitAsync(City, "seoul", [], null, releaseMark: true);

        Assert.Equal([new("delegation", "seoul"), new(City, "busan")], await Outbox.MarkedAsync(default));

        // A commit inside an activation keeps the mark; the activation releases it when it ends.
        await Outbox.CommitAsync(City, "busan", [], null, releaseMark: false);
        Assert.Equal([new("delegation", "seoul"), new(City, "busan")], await Outbox.MarkedAsync(default));
        Assert.Empty(await Log.ListAsync(new AuditQuery(), null, 100));
        Assert.Empty(await Projections.ReadPageAsync(City, null, 100, default));
    }

    [Fact]
    public async Task A_commit_appends_the_entries_upserts_the_projection_and_removes_the_mark()
    {
        await Outbox.MarkAsync(City, "seoul");
        await Outbox.MarkAsync(City, "busan");

        await Outbox.CommitAsync(City, "seoul",
            [Entry("e1", T0, "member-city.created", """{"name":"Seoul"}"""), Entry("e2", T0.AddSeconds(1), "member-city.dues-paid", """{"year":2026}""")],
            new ProjectionRow(City, "seoul", 1, """{"name":"Seoul"}"""), releaseMark: true);

        var entries = await Log.ListAsync(new AuditQuery(), null, 100);
        Assert.Equal(["member-city.dues-paid", "member-city.created"], entries.Select(e => e.Action));   // newest first, in list order
        Assert.Equal([T0.AddSeconds(1), T0], entries.Select(e => e.RecordedAt));                         // the change's time, not the commit's
        Assert.All(entries, e => Assert.Equal(("staff:kim", "member-city/seoul"), (e.Actor, e.Subject)));
        Assert.Equal(["""{"year":2026}""", """{"name":"Seoul"}"""], entries.Select(e => e.Details));
        Assert.Equal([("seoul", """{"name":"Seoul"}""")], await Projections.ReadPageAsync(City, null, 100, default));
        Assert.Equal([new MarkedGrain(City, "busan")], await Outbox.MarkedAsync(default));
    }

    [Fact]
    public async Task Committing_the_same_entries_again_stores_each_once_by_id()
    {
        var first = Entry("e1", T0, "first");
        var second = Entry("e2", T0.AddSeconds(1), "second");
        await Outbox.CommitAsync(City, "seoul", [first, second], null, releaseMark: true);
        var sequences = (await Log.ListAsync(new AuditQuery(), null, 100)).Select(e => e.Sequence).ToList();

        await Outbox.CommitAsync(City, "seoul", [first, second], null, releaseMark: true);
        // A replay whose outbox grew meanwhile: only the new entry is appended. The id decides, not the content.
        await Outbox.CommitAsync(City, "seoul", [first, second with { Record = second.Record with { Action = "second, changed" } }, Entry("e3", T0.AddSeconds(2), "third")], null, releaseMark: true);

        var entries = await Log.ListAsync(new AuditQuery(), null, 100);
        Assert.Equal(["third", "second", "first"], entries.Select(e => e.Action));
        Assert.Equal(sequences, entries.Skip(1).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Concurrent_replays_of_one_commit_store_each_entry_once()
    {
        PendingAudit[] audit = [Entry("e1", T0, "first"), Entry("e2", T0.AddSeconds(1), "second")];
        await Outbox.MarkAsync(City, "seoul");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => Outbox.CommitAsync(City, "seoul", audit, new ProjectionRow(City, "seoul", 4, """{"name":"Seoul"}"""), releaseMark: true))));

        Assert.Equal(["second", "first"], (await Log.ListAsync(new AuditQuery(), null, 100)).Select(e => e.Action));
        Assert.Equal([("seoul", """{"name":"Seoul"}""")], await Projections.ReadPageAsync(City, null, 100, default));
        Assert.Empty(await Outbox.MarkedAsync(default));
    }

    [Fact]
    public async Task A_projection_only_moves_forwards_by_version()
    {
        await Outbox.CommitAsync(City, "seoul", [], Projection("seoul", 2, "B"), releaseMark: true);

        // A late replay of an older change: its entry is appended and its mark removed, the newer row stays.
        await Outbox.MarkAsync(City, "seoul");
        await Outbox.CommitAsync(City, "seoul", [Entry("e1", T0, "older change")], Projection("seoul", 1, "A"), releaseMark: true);
        Assert.Equal(["B"], await Names(City));
        Assert.Equal(["older change"], (await Log.ListAsync(new AuditQuery(), null, 100)).Select(e => e.Action));
        Assert.Empty(await Outbox.MarkedAsync(default));

        await Outbox.CommitAsync(City, "seoul", [], Projection("seoul", 2, "same version"), releaseMark: true);
        Assert.Equal(["B"], await Names(City));

        await Outbox.CommitAsync(City, "seoul", [], Projection("seoul", 3, "C"), releaseMark: true);
        Assert.Equal(["C"], await Names(City));
    }

    [Fact]
    public async Task Projections_are_read_per_kind_in_ordinal_key_order_page_by_page()
    {
        string[] keys = ["seoul", "Seoul", "서울", "busan", "부산", "zürich", "tōkyō", "東京", "a", "ab", "b"];
        foreach (var key in keys.Reverse())
            await Outbox.CommitAsync(City, key, [], Projection(key, 1, key), releaseMark: true);
        await Outbox.CommitAsync("delegation", "seoul", [], new ProjectionRow("delegation", "seoul", 1, """{"name":"other kind"}"""), releaseMark: true);
        await Outbox.CommitAsync("delegation", "aa", [], new ProjectionRow("delegation", "aa", 1, """{"name":"other kind"}"""), releaseMark: true);

        var all = await Projections.ReadPageAsync(City, null, int.MaxValue, default);
        var paged = new List<(string Key, string Json)>();
        string? after = null;
        while (true)
        {
            var page = await Projections.ReadPageAsync(City, after, 3, default);
            Assert.InRange(page.Count, 0, 3);
            paged.AddRange(page);
            if (page.Count < 3)
                break;
            after = page[^1].Key;
        }

        var expected = keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, all.Select(r => r.Key));
        Assert.Equal(expected, all.Select(r => Name(r.Json)));
        Assert.Equal(expected, paged.Select(r => r.Key));
        Assert.Equal(expected[5..7], (await Projections.ReadPageAsync(City, expected[4], 2, default)).Select(r => r.Key));
        Assert.Equal(expected[1..], (await Projections.ReadPageAsync(City, "Seoul", 100, default)).Select(r => r.Key));   // "Seoul" < "a": case counts
        Assert.Empty(await Projections.ReadPageAsync(City, expected[^1], 100, default));
        Assert.Equal(["aa", "seoul"], (await Projections.ReadPageAsync("delegation", null, 100, default)).Select(r => r.Key));
        Assert.Empty(await Projections.ReadPageAsync("staff-account", null, 100, default));
    }

    [Fact]
    public async Task A_commit_the_database_refuses_stores_nothing_of_it_and_keeps_the_mark()
    {
        await Outbox.CommitAsync(City, "seoul", [], Projection("seoul", 1, "A"), releaseMark: true);
        await Outbox.MarkAsync(City, "seoul");

        // The projection must be JSON: its upsert fails after the audit entry was inserted.
        await Assert.ThrowsAnyAsync<DbException>(() =>
            Outbox.CommitAsync(City, "seoul", [Entry("e1", T0, "updated")], new ProjectionRow(City, "seoul", 2, "not json"), releaseMark: true));

        Assert.Empty(await Log.ListAsync(new AuditQuery(), null, 100));
        Assert.Equal(["A"], await Names(City));
        Assert.Equal([new MarkedGrain(City, "seoul")], await Outbox.MarkedAsync(default));

        // The replay (start-up sweep) then writes it all.
        await Outbox.CommitAsync(City, "seoul", [Entry("e1", T0, "updated")], Projection("seoul", 2, "B"), releaseMark: true);
        Assert.Equal(["updated"], (await Log.ListAsync(new AuditQuery(), null, 100)).Select(e => e.Action));
        Assert.Equal(["B"], await Names(City));
        Assert.Empty(await Outbox.MarkedAsync(default));
    }

    [Fact]
    public async Task Migration_creates_orleans_tables_and_queries_and_drops_the_old_grain_storage()
    {
        foreach (var table in OrleansTables.Concat(["audit_event", "projection", "outbox_mark"]))
            Assert.True(await CountTablesAsync(table) == 1, $"table {table} is missing");
        foreach (var table in new[] { "grain_state", "grain_journal" })
            Assert.True(await CountTablesAsync(table) == 0, $"table {table} is still there");

        var connections = Services.GetRequiredService<IDbConnectionFactory>();
        await using var connection = await connections.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryKey FROM OrleansQuery";
        var keys = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                keys.Add(reader.GetString(0));
        }
        Assert.All(OrleansQueryKeys, key => Assert.Contains(key, keys));
    }

    [Fact]
    public async Task Schema_is_applied_once_even_by_two_processes_starting_together_and_recorded()
    {
        await using var database = await CreateDatabaseAsync();
        var first = await database.CreateServicesAsync(applySchema: false);
        var second = await database.CreateServicesAsync(applySchema: false);
        var scripts = first.GetRequiredService<SchemaMigrator>().Scripts;

        var applied = await Task.WhenAll(Task.Run(() => first.ApplyStorageSchemaAsync()), Task.Run(() => second.ApplyStorageSchemaAsync()));

        Assert.Equal(ExpectedScripts, scripts.Select(s => (s.Version, s.Name)));
        Assert.Equal(ExpectedScripts.Select(s => s.Version), applied.SelectMany(a => a).Order());
        var recorded = await first.GetRequiredService<SchemaMigrator>().GetAppliedAsync();
        Assert.Equal(ExpectedScripts, recorded.Select(r => (r.Version, r.Name)));
        Assert.All(recorded, r => Assert.InRange(r.AppliedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1)));
    }

    [Fact]
    public async Task Reapplying_the_schema_is_a_no_op()
    {
        var recordedBefore = await Services.GetRequiredService<SchemaMigrator>().GetAppliedAsync();

        var applied = await Services.ApplyStorageSchemaAsync();

        Assert.Empty(applied);
        Assert.Equal(ExpectedScripts, recordedBefore.Select(r => (r.Version, r.Name)));
        Assert.Equal(recordedBefore, await Services.GetRequiredService<SchemaMigrator>().GetAppliedAsync());
    }

    protected static string Name(string json) =>
        System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("name").GetString()!;

    protected static ProjectionRow Projection(string key, long version, string name) =>
        new(City, key, version, System.Text.Json.JsonSerializer.Serialize(new { name }));

    protected static PendingAudit Entry(string id, DateTimeOffset at, string action, string details = "{}") =>
        new(id, at, new AuditRecord("staff:kim", action, "member-city/seoul", details));

    protected static async Task ExecuteAsync(IDbConnectionFactory connections, string sql)
    {
        await using var connection = await connections.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> Names(string kind) =>
        [.. (await Projections.ReadPageAsync(kind, null, 100, default)).Select(r => Name(r.Json))];

    private async Task<long> CountTablesAsync(string name)
    {
        await using var connection = await Services.GetRequiredService<IDbConnectionFactory>().OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = CountTablesSql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@name";
        parameter.Value = name;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
