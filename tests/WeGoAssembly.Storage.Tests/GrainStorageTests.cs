using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Runtime;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Storage.Tests;

/// <summary>The storage contract, run on every engine by a subclass per engine.</summary>
public abstract class GrainStorageTests : IAsyncLifetime
{
    private static readonly GrainId Seoul = new("member-city", "seoul");
    private static readonly GrainId Busan = new("member-city", "busan");
    private const string Profile = "profile";
    private const string History = "history";

    protected TestDatabase Database { get; private set; } = null!;

    protected ServiceProvider Services { get; private set; } = null!;

    private IGrainStorage States => Services.GetRequiredService<IGrainStorage>();

    private IJournalStorage Journals => Services.GetRequiredService<IJournalStorage>();

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    /// <summary>The schema scripts of this engine, in order.</summary>
    protected virtual IReadOnlyList<string> ScriptNames => ["grain-state", "grain-journal", "audit-log", "quartz", "ballot-ledger"];

    public async Task InitializeAsync()
    {
        Database = await CreateDatabaseAsync();
        Services = await Database.CreateServicesAsync();
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Read_of_a_state_never_written_returns_null()
    {
        Assert.Null(await States.ReadAsync(Seoul, Profile, default));
    }

    [Fact]
    public async Task First_write_inserts_and_read_returns_payload_and_etag()
    {
        var etag = await States.WriteAsync(Seoul, Profile, null, """{"name":"Seoul"}""", default);

        var stored = await States.ReadAsync(Seoul, Profile, default);
        Assert.NotNull(stored);
        Assert.Equal(etag, stored.Etag);
        Assert.Equal("Seoul", Name(stored.Json));
    }

    [Fact]
    public async Task Write_with_the_current_etag_updates_and_returns_a_new_etag()
    {
        var first = await States.WriteAsync(Seoul, Profile, null, """{"name":"Seoul"}""", default);

        var second = await States.WriteAsync(Seoul, Profile, first, """{"name":"Seoul Metropolitan"}""", default);

        Assert.NotEqual(first, second);
        var stored = await States.ReadAsync(Seoul, Profile, default);
        Assert.Equal(second, stored!.Etag);
        Assert.Equal("Seoul Metropolitan", Name(stored.Json));
    }

    [Fact]
    public async Task Write_with_a_stale_etag_is_refused_and_keeps_the_stored_state()
    {
        var first = await States.WriteAsync(Seoul, Profile, null, """{"name":"A"}""", default);
        var second = await States.WriteAsync(Seoul, Profile, first, """{"name":"B"}""", default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(Seoul, Profile, first, """{"name":"C"}""", default));
        await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(Seoul, Profile, "not-an-etag", """{"name":"C"}""", default));

        var stored = await States.ReadAsync(Seoul, Profile, default);
        Assert.Equal(second, stored!.Etag);
        Assert.Equal("B", Name(stored.Json));
    }

    [Fact]
    public async Task Insert_when_a_state_exists_is_refused()
    {
        await States.WriteAsync(Seoul, Profile, null, """{"name":"A"}""", default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(Seoul, Profile, null, """{"name":"B"}""", default));

        Assert.Equal("A", Name((await States.ReadAsync(Seoul, Profile, default))!.Json));
    }

    [Fact]
    public async Task Write_with_an_etag_when_nothing_is_stored_is_refused()
    {
        await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(Seoul, Profile, "1", """{"name":"A"}""", default));

        Assert.Null(await States.ReadAsync(Seoul, Profile, default));
    }

    [Fact]
    public async Task Concurrent_writes_with_the_same_etag_let_exactly_one_win()
    {
        var etag = await States.WriteAsync(Seoul, Profile, null, """{"name":"start"}""", default);

        var attempts = Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => States.WriteAsync(Seoul, Profile, etag, $$"""{"name":"writer {{i}}"}""", default)))
            .ToArray();
        await Task.WhenAll(attempts.Select(a => a.ContinueWith(_ => { }, TaskScheduler.Default)));

        var winners = attempts.Where(a => a.IsCompletedSuccessfully).ToArray();
        var winner = Assert.Single(winners);
        Assert.All(attempts.Where(a => a.IsFaulted), a => Assert.IsType<InconsistentStateException>(a.Exception!.InnerException));
        var stored = await States.ReadAsync(Seoul, Profile, default);
        Assert.Equal(await winner, stored!.Etag);
        Assert.Equal($"writer {Array.IndexOf(attempts, winner)}", Name(stored.Json));
    }

    [Fact]
    public async Task Clear_removes_the_state_and_no_etag_from_before_is_accepted_again()
    {
        var first = await States.WriteAsync(Seoul, Profile, null, """{"name":"A"}""", default);

        await States.ClearAsync(Seoul, Profile, first, default);

        Assert.Null(await States.ReadAsync(Seoul, Profile, default));
        await Assert.ThrowsAsync<InconsistentStateException>(() => States.ClearAsync(Seoul, Profile, first, default));
        var revived = await States.WriteAsync(Seoul, Profile, null, """{"name":"B"}""", default);
        Assert.NotEqual(first, revived);
        await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(Seoul, Profile, first, """{"name":"stale"}""", default));
        Assert.Equal("B", Name((await States.ReadAsync(Seoul, Profile, default))!.Json));
    }

    [Fact]
    public async Task Clear_with_a_stale_etag_is_refused_and_keeps_the_state()
    {
        var first = await States.WriteAsync(Seoul, Profile, null, """{"name":"A"}""", default);
        await States.WriteAsync(Seoul, Profile, first, """{"name":"B"}""", default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => States.ClearAsync(Seoul, Profile, first, default));
        await Assert.ThrowsAsync<InconsistentStateException>(() => States.ClearAsync(Seoul, Profile, null, default));

        Assert.Equal("B", Name((await States.ReadAsync(Seoul, Profile, default))!.Json));
    }

    [Fact]
    public async Task Clear_of_nothing_is_a_no_op()
    {
        await States.ClearAsync(Seoul, Profile, null, default);

        Assert.Null(await States.ReadAsync(Seoul, Profile, default));
    }

    [Fact]
    public async Task Scan_returns_live_states_of_one_type_and_name_in_ordinal_key_order_page_by_page()
    {
        string[] keys = ["seoul", "Seoul", "서울", "busan", "부산", "zürich", "tōkyō", "東京", "a", "ab", "b"];
        foreach (var key in keys)
            await States.WriteAsync(new GrainId("member-city", key), Profile, null, $$"""{"name":"{{key}}"}""", default);
        await States.WriteAsync(new GrainId("delegation", "seoul"), Profile, null, """{"name":"other type"}""", default);
        await States.WriteAsync(new GrainId("member-city", "seoul"), "dues", null, """{"name":"other state"}""", default);
        var cleared = await States.WriteAsync(new GrainId("member-city", "cleared"), Profile, null, """{"name":"cleared"}""", default);
        await States.ClearAsync(new GrainId("member-city", "cleared"), Profile, cleared, default);

        var all = await ToListAsync(States.ScanAsync("member-city", Profile, null, int.MaxValue, default));
        var paged = new List<StoredGrainState>();
        string? after = null;
        while (true)
        {
            var page = await ToListAsync(States.ScanAsync("member-city", Profile, after, 3, default));
            paged.AddRange(page);
            if (page.Count < 3)
                break;
            after = page[^1].Key;
        }

        var expected = keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, all.Select(s => s.Key));
        Assert.Equal(expected, all.Select(s => Name(s.Json)));
        Assert.Equal(expected, paged.Select(s => s.Key));
    }

    [Fact]
    public async Task Scan_of_more_states_than_one_internal_page_returns_each_once()
    {
        var keys = Enumerable.Range(0, 1234).Select(i => $"city-{i:D4}").ToArray();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (key, ct) =>
            await States.WriteAsync(new GrainId("member-city", key), Profile, null, $$"""{"name":"{{key}}"}""", ct));

        var all = await ToListAsync(States.ScanAsync("member-city", Profile, null, int.MaxValue, default));
        var limited = await ToListAsync(States.ScanAsync("member-city", Profile, "city-0100", 600, default));

        Assert.Equal(keys, all.Select(s => s.Key));
        Assert.Equal(keys[101..701], limited.Select(s => s.Key));
    }

    [Fact]
    public async Task Journal_of_a_new_grain_is_empty_at_version_zero()
    {
        Assert.Equal(0, await Journals.GetVersionAsync(Seoul, History, default));
        Assert.Empty(await Journals.ReadAsync(Seoul, History, 0, int.MaxValue, default));
    }

    [Fact]
    public async Task Journal_append_and_read_return_events_in_order_with_sequences_and_utc_times()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await Journals.AppendAsync(Seoul, History, 0, [Event("submitted"), Event("approved")], default);
        await Journals.AppendAsync(Seoul, History, 2, [Event("badge issued")], default);
        await Journals.AppendAsync(Busan, History, 0, [Event("submitted")], default);

        var events = await Journals.ReadAsync(Seoul, History, 0, int.MaxValue, default);

        Assert.Equal(3, await Journals.GetVersionAsync(Seoul, History, default));
        Assert.Equal([0L, 1L, 2L], events.Select(e => e.Sequence));
        Assert.Equal(["submitted", "approved", "badge issued"], events.Select(e => Name(e.Json)));
        Assert.All(events, e => Assert.Equal(TimeSpan.Zero, e.RecordedAt.Offset));
        Assert.All(events, e => Assert.InRange(e.RecordedAt, before, DateTimeOffset.UtcNow.AddSeconds(5)));
        Assert.Equal(1, await Journals.GetVersionAsync(Busan, History, default));
    }

    [Fact]
    public async Task Journal_read_starts_at_a_version_and_stops_at_max_count()
    {
        await Journals.AppendAsync(Seoul, History, 0, [Event("e0"), Event("e1"), Event("e2"), Event("e3")], default);

        var events = await Journals.ReadAsync(Seoul, History, 1, 2, default);

        Assert.Equal(["e1", "e2"], events.Select(e => Name(e.Json)));
    }

    [Fact]
    public async Task Journal_append_at_a_wrong_version_is_refused_and_appends_nothing()
    {
        await Journals.AppendAsync(Seoul, History, 0, [Event("e0"), Event("e1")], default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Journals.AppendAsync(Seoul, History, 1, [Event("x"), Event("y")], default));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Journals.AppendAsync(Seoul, History, 0, [Event("x")], default));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Journals.AppendAsync(Seoul, History, 3, [Event("gap")], default));

        Assert.Equal(2, await Journals.GetVersionAsync(Seoul, History, default));
        Assert.Equal(["e0", "e1"], (await Journals.ReadAsync(Seoul, History, 0, int.MaxValue, default)).Select(e => Name(e.Json)));
    }

    [Fact]
    public async Task Concurrent_journal_appends_at_the_same_version_let_exactly_one_win()
    {
        await Journals.AppendAsync(Seoul, History, 0, [Event("e0")], default);

        var attempts = Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => Journals.AppendAsync(Seoul, History, 1, [Event($"writer {i}"), Event($"writer {i} again")], default)))
            .ToArray();
        await Task.WhenAll(attempts.Select(a => a.ContinueWith(_ => { }, TaskScheduler.Default)));

        var winner = Array.IndexOf(attempts, Assert.Single(attempts, a => a.IsCompletedSuccessfully));
        Assert.All(attempts.Where(a => a.IsFaulted), a => Assert.IsType<InconsistentStateException>(a.Exception!.InnerException));
        var events = await Journals.ReadAsync(Seoul, History, 0, int.MaxValue, default);
        Assert.Equal(["e0", $"writer {winner}", $"writer {winner} again"], events.Select(e => Name(e.Json)));
    }

    [Fact]
    public async Task Journal_rows_cannot_be_updated_or_deleted_even_with_raw_sql()
    {
        await Journals.AppendAsync(Seoul, History, 0, [Event("e0")], default);
        var connections = Services.GetRequiredService<IDbConnectionFactory>();

        var update = await Assert.ThrowsAnyAsync<DbException>(() => ExecuteAsync(connections, "UPDATE grain_journal SET sequence = 7"));
        var delete = await Assert.ThrowsAnyAsync<DbException>(() => ExecuteAsync(connections, "DELETE FROM grain_journal"));

        Assert.Contains("append-only", update.Message);
        Assert.Contains("append-only", delete.Message);
        Assert.Equal(["e0"], (await Journals.ReadAsync(Seoul, History, 0, int.MaxValue, default)).Select(e => Name(e.Json)));
    }

    [Fact]
    public async Task Schema_is_applied_once_even_by_two_processes_starting_together_and_recorded()
    {
        await using var database = await CreateDatabaseAsync();
        var first = await database.CreateServicesAsync(applySchema: false);
        var second = await database.CreateServicesAsync(applySchema: false);
        var scripts = first.GetRequiredService<SchemaMigrator>().Scripts;

        var applied = await Task.WhenAll(Task.Run(() => first.ApplyStorageSchemaAsync()), Task.Run(() => second.ApplyStorageSchemaAsync()));

        Assert.Equal(scripts.Select(s => s.Version), applied.SelectMany(a => a).Order());
        var recorded = await first.GetRequiredService<SchemaMigrator>().GetAppliedAsync();
        Assert.Equal(scripts.Select(s => (s.Version, s.Name)), recorded.Select(r => (r.Version, r.Name)));
        Assert.Equal(Enumerable.Range(1, ScriptNames.Count), recorded.Select(r => r.Version));
        Assert.Equal(ScriptNames, recorded.Select(r => r.Name));
        Assert.All(recorded, r => Assert.InRange(r.AppliedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1)));
    }

    [Fact]
    public async Task Reapplying_the_schema_is_a_no_op()
    {
        var recordedBefore = await Services.GetRequiredService<SchemaMigrator>().GetAppliedAsync();

        var applied = await Services.ApplyStorageSchemaAsync();

        Assert.Empty(applied);
        Assert.Equal(recordedBefore, await Services.GetRequiredService<SchemaMigrator>().GetAppliedAsync());
    }

    protected static string Name(string json) =>
        System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("name").GetString()!;

    protected static async Task ExecuteAsync(IDbConnectionFactory connections, string sql)
    {
        await using var connection = await connections.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static string Event(string name) => $$"""{"name":"{{name}}"}""";

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
            list.Add(item);
        return list;
    }
}
