using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Storage.Tests;

/// <summary>
/// The audit log: entries appended by the change outbox's commit (<see cref="ChangeOutbox.CommitAsync"/>) and
/// read by <see cref="AuditLog"/>, run on every engine by a subclass per engine.
/// </summary>
public abstract class AuditLogTests : IAsyncLifetime
{
    protected TestDatabase Database { get; private set; } = null!;

    protected ServiceProvider Services { get; private set; } = null!;

    private IChangeOutbox Outbox => Services.GetRequiredService<IChangeOutbox>();

    private AuditLog Log => Services.GetRequiredService<AuditLog>();

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        Database = await CreateDatabaseAsync();
        Services = await Database.CreateServicesAsync();
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Committed_entries_are_listed_newest_first_exactly_as_written_at_the_time_of_their_change()
    {
        var created = new DateTimeOffset(2026, 3, 14, 9, 30, 0, 123, TimeSpan.Zero);
        // Given with another offset: stored as the same instant, read back in UTC.
        var updated = new DateTimeOffset(2026, 3, 14, 18, 31, 0, 456, TimeSpan.FromHours(9));

        await Outbox.CommitAsync("member-city", "seoul",
            [new("e1", created, new AuditRecord("staff:kim", "member-city.created", "member-city/seoul", """{"name":"Seoul"}"""))], null, releaseMark: true);
        await Outbox.CommitAsync("member-city", "seoul",
            [new("e2", updated, new AuditRecord("staff:lee", "member-city.updated", "member-city/seoul", """{"name":{"from":"Seoul","to":"Seoul Metropolitan"}}"""))], null, releaseMark: true);

        var entries = await Log.ListAsync(new AuditQuery(), null, 100);
        Assert.Equal(["member-city.updated", "member-city.created"], entries.Select(e => e.Action));
        Assert.Equal(["staff:lee", "staff:kim"], entries.Select(e => e.Actor));
        Assert.All(entries, e => Assert.Equal("member-city/seoul", e.Subject));
        Assert.Equal("""{"name":{"from":"Seoul","to":"Seoul Metropolitan"}}""", entries[0].Details);   // kept exactly as written
        Assert.True(entries[0].Sequence > entries[1].Sequence);
        Assert.Equal([updated, created], entries.Select(e => e.RecordedAt));
        Assert.All(entries, e => Assert.Equal(TimeSpan.Zero, e.RecordedAt.Offset));
    }

    [Fact]
    public async Task A_commit_without_entries_appends_nothing()
    {
        await Outbox.CommitAsync("member-city", "seoul", [], new ProjectionRow("member-city", "seoul", 1, """{"name":"Seoul"}"""), releaseMark: true);

        Assert.Empty(await Log.ListAsync(new AuditQuery(), null, 100));
    }

    [Fact]
    public async Task The_entries_of_one_commit_take_sequences_in_their_order()
    {
        await Outbox.CommitAsync("member-city", "seoul", [.. Enumerable.Range(0, 5).Select(i => Pending($"event {i}"))], null, releaseMark: true);

        var oldestFirst = await ToListAsync(Log.StreamAsync(new AuditQuery()));

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"event {i}"), oldestFirst.Select(e => e.Action));
        Assert.Equal(oldestFirst.Select(e => e.Sequence).Order(), oldestFirst.Select(e => e.Sequence));
    }

    [Fact]
    public async Task A_replayed_commit_appends_only_the_entries_not_yet_in_the_log()
    {
        var first = Pending("first");
        await Outbox.CommitAsync("member-city", "seoul", [first], null, releaseMark: true);
        var stored = Assert.Single(await Log.ListAsync(new AuditQuery(), null, 100));

        await Outbox.CommitAsync("member-city", "seoul", [first, Pending("second")], null, releaseMark: true);

        var entries = await Log.ListAsync(new AuditQuery(), null, 100);
        Assert.Equal(["second", "first"], entries.Select(e => e.Action));
        Assert.Equal(stored, entries[1]);
    }

    [Fact]
    public async Task An_entry_the_database_refuses_fails_the_whole_commit_and_keeps_the_mark()
    {
        await Outbox.MarkAsync("member-city", "seoul");

        // details must be JSON: the second insert fails after the first succeeded.
        await Assert.ThrowsAnyAsync<DbException>(() => Outbox.CommitAsync("member-city", "seoul",
            [Pending("write A"), new(Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, new AuditRecord("staff:kim", "write B", "member-city/seoul", "not json"))],
            new ProjectionRow("member-city", "seoul", 1, """{"name":"A"}"""), releaseMark: true));

        Assert.Empty(await Log.ListAsync(new AuditQuery(), null, 100));
        Assert.Empty(await Services.GetRequiredService<IProjectionReader>().ReadPageAsync("member-city", null, 10, default));
        Assert.Equal([new MarkedGrain("member-city", "seoul")], await Outbox.MarkedAsync(default));
    }

    [Fact]
    public async Task Audit_rows_cannot_be_updated_or_deleted_even_with_raw_sql()
    {
        await AppendAsync(Audit("kept"));
        var connections = Services.GetRequiredService<IDbConnectionFactory>();

        var update = await Assert.ThrowsAnyAsync<DbException>(() => ExecuteAsync(connections, "UPDATE audit_event SET actor = 'someone else'"));
        var delete = await Assert.ThrowsAnyAsync<DbException>(() => ExecuteAsync(connections, "DELETE FROM audit_event"));

        Assert.Contains("append-only", update.Message);
        Assert.Contains("append-only", delete.Message);
        var entry = Assert.Single(await Log.ListAsync(new AuditQuery(), null, 100));
        Assert.Equal(("staff:kim", "kept"), (entry.Actor, entry.Action));
    }

    [Fact]
    public async Task The_sequence_increases_with_every_entry()
    {
        for (var i = 0; i < 20; i++)
            await AppendAsync(Audit($"event {i}"));

        var oldestFirst = await ToListAsync(Log.StreamAsync(new AuditQuery()));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"event {i}"), oldestFirst.Select(e => e.Action));
        Assert.Equal(oldestFirst.Select(e => e.Sequence).Order(), oldestFirst.Select(e => e.Sequence));
        Assert.Equal(20, oldestFirst.Select(e => e.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task Filters_match_actor_exactly_and_action_and_subject_by_prefix()
    {
        await AppendAsync(new("staff:kim", "member-city.created", "member-city/seoul", "{}"));
        await AppendAsync(new("staff:kim", "member-city.dues-paid", "member-city/seoul-gu", "{}"));
        await AppendAsync(new("staff:kimchi", "member-city.updated", "member-city/busan", "{}"));
        await AppendAsync(new("staff:lee", "assembly.created", "assembly/ga-2023", "{}"));
        await AppendAsync(new("Staff:Kim", "accreditation.approved", "participant/ga-2023/seoul/p1", "{}"));

        Assert.Equal(["member-city.dues-paid", "member-city.created"], await Actions(new(Actor: "staff:kim")));
        Assert.Equal(["member-city.updated", "member-city.dues-paid", "member-city.created"], await Actions(new(ActionPrefix: "member-city.")));
        Assert.Equal(["member-city.dues-paid", "member-city.created"], await Actions(new(SubjectPrefix: "member-city/seoul")));
        Assert.Equal(["member-city.created"], await Actions(new(ActionPrefix: "member-city.c", SubjectPrefix: "member-city/seoul", Actor: "staff:kim")));
        Assert.Empty(await Actions(new(ActionPrefix: "MEMBER-CITY.")));   // case-sensitive
        Assert.Empty(await Actions(new(Actor: "staff:")));                // exact, not a prefix
        Assert.Equal(5, (await Actions(new(Actor: "", ActionPrefix: "", SubjectPrefix: ""))).Count);   // empty means no filter
    }

    [Fact]
    public async Task Prefix_filters_take_percent_underscore_and_backslash_literally()
    {
        string[] subjects = ["member-city/a_b", "member-city/axb", "member-city/a%c", "member-city/abc", @"member-city/a\b", @"member-city/a\\b", "member-city/a*b", "member-city/a[b"];
        foreach (var subject in subjects)
            await AppendAsync(new("staff:kim", subject.Replace("member-city/", "act."), subject, "{}"));

        Assert.Equal(["member-city/a_b"], await Subjects(new(SubjectPrefix: "member-city/a_")));
        Assert.Equal(["member-city/a%c"], await Subjects(new(SubjectPrefix: "member-city/a%")));
        Assert.Equal([@"member-city/a\\b", @"member-city/a\b"], await Subjects(new(SubjectPrefix: @"member-city/a\")));
        Assert.Equal([@"member-city/a\\b"], await Subjects(new(SubjectPrefix: @"member-city/a\\")));
        Assert.Equal(["member-city/a*b"], await Subjects(new(SubjectPrefix: "member-city/a*")));
        Assert.Equal(["member-city/a[b"], await Subjects(new(SubjectPrefix: "member-city/a[")));
        Assert.Empty(await Subjects(new(SubjectPrefix: "%")));
        Assert.Empty(await Subjects(new(SubjectPrefix: "_")));
        Assert.Equal(["member-city/a_b"], await Subjects(new(ActionPrefix: "act.a_")));
        Assert.Equal(["member-city/a%c"], await Subjects(new(ActionPrefix: "act.a%")));
        Assert.Empty(await Subjects(new(Actor: "%")));
        Assert.Empty(await Subjects(new(Actor: "staff:_im")));
    }

    [Fact]
    public async Task Prefix_filters_work_on_non_ascii_subjects()
    {
        string[] subjects = ["member-city/서울", "member-city/서울-특별시", "member-city/서귀포", "member-city/zürich", "member-city/zurich", "member-city/東京"];
        foreach (var subject in subjects)
            await AppendAsync(new("participant:김민준", "member-city.updated", subject, """{"name":"서울"}"""));

        Assert.Equal(["member-city/서울-특별시", "member-city/서울"], await Subjects(new(SubjectPrefix: "member-city/서울")));
        Assert.Equal(["member-city/서귀포", "member-city/서울-특별시", "member-city/서울"], await Subjects(new(SubjectPrefix: "member-city/서")));
        Assert.Equal(["member-city/zürich"], await Subjects(new(SubjectPrefix: "member-city/zü")));
        Assert.Equal(["member-city/東京"], await Subjects(new(SubjectPrefix: "member-city/東")));
        Assert.Equal(6, (await Subjects(new(Actor: "participant:김민준"))).Count);
        Assert.Equal("""{"name":"서울"}""", (await Log.ListAsync(new AuditQuery(), null, 1))[0].Details);
    }

    [Fact]
    public async Task Since_is_inclusive_and_until_exclusive_on_the_stored_times()
    {
        for (var i = 0; i < 5; i++)
            await AppendAsync(Audit($"event {i}"));
        var all = await ToListAsync(Log.StreamAsync(new AuditQuery()));
        var (first, last) = (all[0].RecordedAt, all[^1].RecordedAt);

        Assert.Equal(all.Count, (await Read(new(Since: first))).Count);
        Assert.Equal(all.Where(e => e.RecordedAt < first).Count(), (await Read(new(Until: first))).Count);
        Assert.Equal(all.Where(e => e.RecordedAt >= last).Select(e => e.Sequence), await OldestFirst(new(Since: last)));
        Assert.Equal(all.Where(e => e.RecordedAt < last).Select(e => e.Sequence), await OldestFirst(new(Until: last)));
        Assert.Equal(all.Select(e => e.Sequence), await OldestFirst(new(Since: first.AddSeconds(-1), Until: last.AddSeconds(1))));
        Assert.Empty(await Read(new(Since: last.AddTicks(1))));          // just after the last one, below the storage's precision
        Assert.Empty(await Read(new(Until: first)));
        Assert.Empty(await Read(new(Since: last.AddMinutes(1))));
        // An offset other than UTC names the same instant.
        Assert.Equal(all.Count, (await Read(new(Since: first.ToOffset(TimeSpan.FromHours(9))))).Count);
    }

    [Fact]
    public async Task Listing_pages_newest_first_by_sequence_and_streaming_reads_oldest_first_past_an_internal_page()
    {
        var count = 1234;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            await Outbox.CommitAsync("audit-test", $"k{i}", [Pending($"event {i}")], null, releaseMark: true));

        var streamed = await ToListAsync(Log.StreamAsync(new AuditQuery()));
        var paged = new List<AuditEntry>();
        long? before = null;
        while (true)
        {
            var page = await Log.ListAsync(new AuditQuery(), before, 100);
            paged.AddRange(page);
            if (page.Count < 100)
                break;
            before = page[^1].Sequence;
        }

        Assert.Equal(count, streamed.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"event {i}").Order(), streamed.Select(e => e.Action).Order());
        Assert.Equal(streamed.Select(e => e.Sequence).Order(), streamed.Select(e => e.Sequence));
        Assert.Equal(streamed.Select(e => e.Sequence).Reverse(), paged.Select(e => e.Sequence));
        Assert.Equal(streamed.Where(e => e.Sequence < streamed[10].Sequence).Select(e => e.Sequence).Reverse(),
            (await Log.ListAsync(new AuditQuery(), streamed[10].Sequence, 500)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Filter_values_that_look_like_sql_are_plain_values_and_the_table_stays()
    {
        const string injection = "'; DROP TABLE audit_event; --";
        await AppendAsync(new(injection, injection, injection, """{"note":"'; DROP TABLE audit_event; --"}"""));
        await AppendAsync(Audit("normal"));

        foreach (var value in new[] { injection, "%", "_", @"\", "' OR '1'='1", "\"", ";" })
        {
            Assert.Equal(value == injection ? 1 : 0, (await Read(new(Actor: value))).Count);
            Assert.Equal(value == injection ? 1 : 0, (await Read(new(ActionPrefix: value))).Count);
            Assert.Equal(value == injection ? 1 : 0, (await Read(new(SubjectPrefix: value))).Count);
        }

        var all = await Read(new AuditQuery());
        Assert.Equal(2, all.Count);
        Assert.Equal((injection, injection, injection), (all[1].Actor, all[1].Action, all[1].Subject));
    }

    [Fact]
    public async Task Listing_refuses_a_limit_below_one()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Log.ListAsync(new AuditQuery(), null, 0));
    }

    protected static async Task ExecuteAsync(IDbConnectionFactory connections, string sql)
    {
        await using var connection = await connections.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Appends one entry, as the commit of a change of its own grain.</summary>
    protected Task AppendAsync(AuditRecord audit) =>
        Outbox.CommitAsync("audit-test", Guid.NewGuid().ToString("N"), [new(Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, audit)], null, releaseMark: true);

    private static AuditRecord Audit(string action) => new("staff:kim", action, "member-city/seoul", "{}");

    private static PendingAudit Pending(string action) => new(Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, Audit(action));

    private Task<IReadOnlyList<AuditEntry>> Read(AuditQuery query) => Log.ListAsync(query, null, 500);

    private async Task<List<long>> OldestFirst(AuditQuery query) => [.. (await ToListAsync(Log.StreamAsync(query))).Select(e => e.Sequence)];

    private async Task<List<string>> Actions(AuditQuery query) => [.. (await Read(query)).Select(e => e.Action)];

    private async Task<List<string>> Subjects(AuditQuery query) => [.. (await Read(query)).Select(e => e.Subject)];

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
            list.Add(item);
        return list;
    }
}

public sealed class SqliteAuditLogTests : AuditLogTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresAuditLogTests(PostgresCluster cluster) : AuditLogTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgresAsync(cluster);

    [Fact]
    public async Task Audit_log_cannot_be_truncated()
    {
        await AppendAsync(new("staff:kim", "kept", "member-city/seoul", "{}"));

        var truncate = await Assert.ThrowsAnyAsync<DbException>(() => ExecuteAsync(Services.GetRequiredService<IDbConnectionFactory>(), "TRUNCATE audit_event"));

        Assert.Contains("append-only", truncate.Message);
        Assert.Single(await Services.GetRequiredService<AuditLog>().ListAsync(new AuditQuery(), null, 10));
    }
}
