using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Membership;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Storage;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Grains.Tests.Membership;

/// <summary>Member city grains and the register read model on Orleans (TestingHost) with a real SQLite file.</summary>
public sealed class MemberCityGrainTests : IAsyncLifetime
{
    private readonly TestDatabase database = TestDatabase.Sqlite();
    private GrainCluster cluster = null!;

    private static MemberCity City(string id, MemberCategory category = MemberCategory.Full, MemberStatus status = MemberStatus.Active) =>
        new(id, $"City {id}", "", "KR", category, 2022, status, Sample: false, UpdatedAt: default);

    public async Task InitializeAsync() => cluster = await GrainCluster.StartAsync(database);

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        await database.DisposeAsync();
    }

    private IMemberCityGrain Grain(string id) => cluster.Grains.GetGrain<IMemberCityGrain>(id);

    [Fact]
    public async Task Dues_payments_are_kept_in_order_and_survive_reactivation()
    {
        await Grain("seoul").UpsertAsync(City("seoul"), "secretariat");
        await Grain("seoul").RecordDuesPaymentAsync(2023, "receipt 1", "secretariat");
        await Grain("seoul").RecordDuesPaymentAsync(2024, "receipt 2", "treasurer");

        await cluster.DeactivateAllAsync();

        var payments = await Grain("seoul").GetDuesPaymentsAsync();
        Assert.Equal([2023, 2024], payments.Select(p => p.PaidThroughYear));
        Assert.Equal(["secretariat", "treasurer"], payments.Select(p => p.Actor));
        Assert.Equal(2024, (await Grain("seoul").GetAsync())!.DuesPaidThroughYear);
    }

    [Fact]
    public async Task An_upsert_under_another_key_is_refused_and_stores_nothing()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => Grain("busan").UpsertAsync(City("seoul"), "secretariat"));

        // Thrown in the silo, read by the cluster client: kind, field and message cross the boundary.
        Assert.Equal(DomainErrorKind.Invalid, error.Kind);
        Assert.Equal("id", error.Field);
        Assert.Contains("does not match the member city \"busan\"", error.Message);
        Assert.Null(await Grain("busan").GetAsync());
        Assert.Null(await Grain("seoul").GetAsync());
    }

    [Fact]
    public async Task A_refused_payment_leaves_the_entry_as_it_was()
    {
        await Grain("lima").UpsertAsync(City("lima") with { DuesPaidThroughYear = 2024 }, "secretariat");

        await Assert.ThrowsAsync<DomainException>(() => Grain("lima").RecordDuesPaymentAsync(2023, "", "secretariat"));
        await Assert.ThrowsAsync<DomainException>(() => Grain("lima").RecordDuesPaymentAsync(2025, new string('n', 501), "secretariat"));

        Assert.Equal(2024, (await Grain("lima").GetAsync())!.DuesPaidThroughYear);
        Assert.Empty(await Grain("lima").GetDuesPaymentsAsync());
    }

    [Fact]
    public async Task The_register_lists_past_its_internal_scan_batches_without_gaps_or_repeats()
    {
        var ids = Enumerable.Range(0, 1203).Select(i => $"city-{i:D4}").ToArray();
        await Parallel.ForEachAsync(ids, async (id, _) =>
            await Grain(id).UpsertAsync(City(id, int.Parse(id[5..]) % 3 == 0 ? MemberCategory.Associate : MemberCategory.Full), "import"));
        var register = cluster.SiloServices.GetRequiredService<MemberRegister>();

        var listed = new List<string>();
        string? after = null;
        do
        {
            var page = await register.ListAsync(MemberFilter.Any, after, pageSize: 170, CancellationToken.None);
            listed.AddRange(page.Members.Select(m => m.Id));
            after = page.ContinueAfter;
        } while (after is not null);
        Assert.Equal(ids, listed);

        var associates = new List<string>();
        await foreach (var m in register.StreamAsync(new MemberFilter(MemberCategory.Associate, null), null, CancellationToken.None))
            associates.Add(m.Id);
        Assert.Equal(ids.Where((_, i) => i % 3 == 0), associates);
    }

    [Fact]
    public async Task The_last_full_page_says_there_is_nothing_after_it_only_when_that_is_true()
    {
        foreach (var id in new[] { "aa", "bb", "cc", "dd" })
            await Grain(id).UpsertAsync(City(id), "import");
        var register = cluster.SiloServices.GetRequiredService<MemberRegister>();

        var first = await register.ListAsync(MemberFilter.Any, null, pageSize: 2, CancellationToken.None);
        var second = await register.ListAsync(MemberFilter.Any, first.ContinueAfter, pageSize: 2, CancellationToken.None);

        Assert.Equal("bb", first.ContinueAfter);
        Assert.Equal(["cc", "dd"], second.Members.Select(m => m.Id));
        Assert.Null(second.ContinueAfter);
    }

    [Fact]
    public async Task A_change_whose_audit_append_was_cut_off_reaches_the_log_and_the_register_once_the_grain_activates_again()
    {
        var storage = await database.CreateServicesAsync();
        // The append after the state write fails, as it would if the process died between the two.
        await ExecuteAsync(storage, "CREATE TRIGGER cut_off BEFORE INSERT ON audit_event BEGIN SELECT RAISE(ABORT, 'cut off'); END;");

        await Grain("seoul").UpsertAsync(City("seoul"), "secretariat");   // acknowledged: the change itself is stored

        var log = storage.GetRequiredService<AuditLog>();
        var outbox = storage.GetRequiredService<IChangeOutbox>();
        var register = cluster.SiloServices.GetRequiredService<MemberRegister>();
        Assert.Empty(await log.ListAsync(new AuditQuery(SubjectPrefix: "member-city/seoul"), null, 10));
        Assert.Equal([new MarkedGrain("member-city", "seoul")], await outbox.MarkedAsync(CancellationToken.None));
        Assert.Empty((await register.ListAsync(MemberFilter.Any, null, 10, CancellationToken.None)).Members);

        await ExecuteAsync(storage, "DROP TRIGGER cut_off;");
        await cluster.DeactivateAllAsync();
        Assert.Equal("City seoul", (await Grain("seoul").GetAsync())!.NameEn);   // activates, replays the outbox
        await Grain("seoul").ReplayOutboxAsync();                              // a second replay adds nothing

        var entries = await log.ListAsync(new AuditQuery(SubjectPrefix: "member-city/seoul"), null, 10);
        Assert.Equal(["member-city.created"], entries.Select(e => e.Action));
        Assert.Equal("secretariat", entries[0].Actor);
        Assert.Empty(await outbox.MarkedAsync(CancellationToken.None));
        Assert.Equal(["seoul"], (await register.ListAsync(MemberFilter.Any, null, 10, CancellationToken.None)).Members.Select(m => m.Id));
    }

    [Fact]
    public async Task A_change_refused_by_a_rule_leaves_no_mark_no_entry_and_no_row()
    {
        var storage = await database.CreateServicesAsync();
        await Assert.ThrowsAsync<DomainException>(() => Grain("seoul").UpsertAsync(City("seoul") with { NameEn = "" }, "secretariat"));

        Assert.Empty(await storage.GetRequiredService<AuditLog>().ListAsync(new AuditQuery(), null, 10));
        Assert.Empty(await storage.GetRequiredService<IChangeOutbox>().MarkedAsync(CancellationToken.None));
        Assert.Null(await Grain("seoul").GetAsync());
    }

    private static async Task ExecuteAsync(IServiceProvider storage, string sql)
    {
        await using var connection = await storage.GetRequiredService<IDbConnectionFactory>().OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
