using System.Text.Json;
using CsvHelper;
using Google.Protobuf.WellKnownTypes;
using WeGoAssembly.Contracts.Auth;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Storage;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// The audit log through the real host and the C# client: member register and assembly changes appear
/// with actor, action, subject and details; listing, paging, filters, CSV export, and who may read it;
/// on one database engine per subclass.
/// </summary>
public abstract class AuditEndToEndTests : IAsyncLifetime
{
    private const string Audit = "/wego.assembly.v1.AuditService/";
    private const string Injection = "'; DROP TABLE audit_event; --";

    private WeGoServer server = null!;
    private SampleApi secretariat = null!;

    /// <summary>Settings that point the host at a fresh, empty database.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        server = await WeGoServer.StartAsync(await FreshDatabaseAsync());
        secretariat = await server.SecretariatAsync();
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    [Fact]
    public async Task An_upsert_and_a_dues_payment_appear_with_actor_action_subject_and_details()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var created = await secretariat.UpsertMemberCity(new()
        {
            Id = "gangseo-gu", NameEn = "Gangseo District", NameLocal = "강서구", CountryCode = "KR",
            Category = MemberCategory.Associate, DuesPaidThroughYear = 2022,
        });
        var changed = created.MemberCity.Clone();
        changed.Category = MemberCategory.Full;
        await secretariat.UpsertMemberCity(changed);
        await secretariat.RecordDuesPayment("gangseo-gu", 2024, "receipt 7, \"paid\" in full");

        var events = (await List(new() { Filter = new() { SubjectPrefix = "member-city/gangseo-gu" } })).Events;

        Assert.Equal(["member-city.dues-paid", "member-city.updated", "member-city.created"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal("staff:admin", e.Actor));
        Assert.All(events, e => Assert.Equal("member-city/gangseo-gu", e.Subject));
        Assert.All(events, e => Assert.InRange(e.RecordedAt.ToDateTimeOffset(), before, DateTimeOffset.UtcNow.AddSeconds(5)));
        Assert.True(events[0].Sequence > events[1].Sequence && events[1].Sequence > events[2].Sequence);

        using var paid = JsonDocument.Parse(events[0].Details);
        Assert.Equal(2022, paid.RootElement.GetProperty("dues_paid_through_year").GetProperty("from").GetInt32());
        Assert.Equal(2024, paid.RootElement.GetProperty("dues_paid_through_year").GetProperty("to").GetInt32());
        Assert.Equal("receipt 7, \"paid\" in full", paid.RootElement.GetProperty("note").GetString());
        using var updated = JsonDocument.Parse(events[1].Details);
        Assert.Equal(["category"], updated.RootElement.EnumerateObject().Select(p => p.Name));   // only what changed
        Assert.Equal("Associate", updated.RootElement.GetProperty("category").GetProperty("from").GetString());
        Assert.Equal("Full", updated.RootElement.GetProperty("category").GetProperty("to").GetString());
        using var createdDetails = JsonDocument.Parse(events[2].Details);
        Assert.Equal("강서구", createdDetails.RootElement.GetProperty("name_local").GetString());
        Assert.Contains("강서구", events[2].Details);   // readable, not \uXXXX
        Assert.Equal("Associate", createdDetails.RootElement.GetProperty("category").GetString());
        Assert.Equal(2022, createdDetails.RootElement.GetProperty("dues_paid_through_year").GetInt32());
    }

    [Fact]
    public async Task Assembly_creation_and_rule_changes_are_audited()
    {
        await secretariat.CreateAssembly(new()
        {
            Id = "ga-2025", Title = "WeGO 7th General Assembly", Venue = "Seoul", Year = 2025, TimeZone = "Asia/Seoul",
        });
        var rules = new AssemblyRules { ProxiesAllowed = true, MaxProxiesPerHolder = 2, Quorum = new() { Numerator = 2, Denominator = 3 } };
        await secretariat.UpdateAssemblyRules(new() { AssemblyId = "ga-2025", Year = 2025, TimeZone = "Asia/Seoul", Rules = rules });

        var events = (await List(new() { Filter = new() { ActionPrefix = "assembly.", SubjectPrefix = "assembly/ga-2025" } })).Events;

        Assert.Equal(["assembly.rules-updated", "assembly.created"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal("staff:admin", e.Actor));
        using var changed = JsonDocument.Parse(events[0].Details);
        Assert.Equal(["rules"], changed.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.True(changed.RootElement.GetProperty("rules").GetProperty("to").GetProperty("proxies_allowed").GetBoolean());
        Assert.False(changed.RootElement.GetProperty("rules").GetProperty("from").GetProperty("proxies_allowed").GetBoolean());
        using var created = JsonDocument.Parse(events[1].Details);
        Assert.Equal("WeGO 7th General Assembly", created.RootElement.GetProperty("title").GetString());
        Assert.Equal("Asia/Seoul", created.RootElement.GetProperty("time_zone").GetString());
    }

    [Fact]
    public async Task The_seeded_register_pages_newest_first_without_gaps_or_repeats()
    {
        var seen = new List<AuditEvent>();
        var token = "";
        do
        {
            var page = await List(new() { PageSize = 20, PageToken = token, Filter = new() { Actor = "sample-data", ActionPrefix = "member-city.created" } });
            Assert.InRange(page.Events.Count, 1, 20);
            seen.AddRange(page.Events);
            token = page.NextPageToken;
        } while (token.Length > 0);

        Assert.Equal(71, seen.Count);
        Assert.Equal(seen.Select(e => e.Sequence).OrderDescending(), seen.Select(e => e.Sequence));
        Assert.Equal(71, seen.Select(e => e.Subject).Distinct().Count());
        var assemblyEvents = await List(new() { PageSize = 500, Filter = new() { Actor = "sample-data", SubjectPrefix = "assembly/" } });
        Assert.Equal(["assembly.created"], assemblyEvents.Events.Select(e => e.Action));   // and the assembly, once

        var csv = "id,name_en,country_code,category\n" + string.Join("\n", Enumerable.Range(0, 30).Select(i => $"city-{i},City {i},KR,full"));
        Assert.Equal(30, (await secretariat.ImportMemberCities(csv)).RowsImported);
        var defaultPage = await List(new());
        Assert.Equal(100, defaultPage.Events.Count);   // page_size 0 means 100
        Assert.NotEqual("", defaultPage.NextPageToken);
    }

    [Fact]
    public async Task The_time_filter_takes_since_inclusive_and_until_exclusive()
    {
        await secretariat.RecordDuesPayment("seoul", 2030);
        var paid = Assert.Single((await List(new() { Filter = new() { ActionPrefix = "member-city.dues-paid" } })).Events);

        var since = await List(new() { Filter = new() { Since = paid.RecordedAt } });
        var until = await List(new() { PageSize = 500, Filter = new() { Until = paid.RecordedAt } });

        Assert.Equal(paid.Sequence, since.Events[0].Sequence);
        Assert.DoesNotContain(until.Events, e => e.Sequence == paid.Sequence);
        Assert.Empty((await List(new() { Filter = new() { Since = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)) } })).Events);
    }

    [Fact]
    public async Task The_CSV_export_parses_back_to_the_listed_events_oldest_first()
    {
        await secretariat.UpsertMemberCity(new()
        {
            Id = "quote-city", NameEn = "Quote, \"Comma\" City", NameLocal = "서울, \"따옴표\"", CountryCode = "KR", Category = MemberCategory.Full,
        });
        await secretariat.RecordDuesPayment("quote-city", 2024, "a note, with \"quotes\"");
        var filter = new Protos.V1.AuditFilter { SubjectPrefix = "member-city/" };

        var csv = (await Export(new() { Filter = filter })).Csv.ToByteArray();
        var listed = await ListAll(filter);

        Assert.False(csv.AsSpan().StartsWith("\uFEFF"u8));
        Assert.True(System.Text.Unicode.Utf8.IsValid(csv));
        using var reader = CsvReader.Create(csv, CsvReaderOptions.Default with { Separator = ',' });
        Assert.Equal(AuditCsv.Header.Split(','), reader.Headers);
        var rows = new List<string[]>();
        while (reader.Read())
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        Assert.Equal(73, rows.Count);   // 71 seeded, created, dues paid
        listed.Reverse();
        Assert.Equal(listed.Select(e => new[]
        {
            e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            e.RecordedAt.ToDateTimeOffset().UtcDateTime.ToString(AuditCsv.TimeFormat, System.Globalization.CultureInfo.InvariantCulture),
            e.Actor, e.Action, e.Subject, e.Details,
        }), rows);
        Assert.Equal("Quote, \"Comma\" City", JsonDocument.Parse(rows[^2][5]).RootElement.GetProperty("name_en").GetString());
        Assert.Equal("a note, with \"quotes\"", JsonDocument.Parse(rows[^1][5]).RootElement.GetProperty("note").GetString());
    }

    [Fact]
    public async Task An_anonymous_caller_is_UNAUTHENTICATED_and_a_participant_or_logistics_is_PERMISSION_DENIED()
    {
        await secretariat.UpsertStaffAccount(AuthEndToEndTests.Staff("dispatch", "Dispatch", UserRole.Logistics), "two buses to Magok, 9:00");
        var logistics = await server.StaffAsync("dispatch", "two buses to Magok, 9:00");
        var participant = await server.ParticipantAsync(await server.IssueAccessCodeAsync(new ParticipantRef("p-seoul-1", "ga-2023", "seoul", "김민지 Kim Min-ji")));

        foreach (var (caller, expected) in new[] { (server.Anonymous, StatusCode.Unauthenticated), (participant, StatusCode.PermissionDenied), (logistics, StatusCode.PermissionDenied) })
        {
            var list = await Assert.ThrowsAsync<RpcException>(() => caller.ListAuditEvents(new()));
            var export = await Assert.ThrowsAsync<RpcException>(() => caller.Unary<ExportAuditEventsRequest, ExportAuditEventsResponse>(Audit + "ExportAuditEvents", new()));
            Assert.Equal(expected, list.StatusCode);
            Assert.Equal(expected, export.StatusCode);
        }
    }

    [Fact]
    public async Task Filter_values_that_look_like_SQL_or_wildcards_are_plain_text_and_the_table_stays()
    {
        await secretariat.RecordDuesPayment("seoul", 2030);
        var before = await ListAll(new());
        string[] values = [Injection, "%", "_", @"\", "' OR '1'='1", "member-city/%", "member-city/_eoul", "sample-data' --"];

        foreach (var value in values)
        {
            foreach (var filter in new[]
            {
                new Protos.V1.AuditFilter { Actor = value },
                new Protos.V1.AuditFilter { ActionPrefix = value },
                new Protos.V1.AuditFilter { SubjectPrefix = value },
                new Protos.V1.AuditFilter { Actor = value, ActionPrefix = value, SubjectPrefix = value },
            })
            {
                Assert.Empty((await List(new() { Filter = filter })).Events);
                Assert.Equal(AuditCsv.Header + "\r\n", (await Export(new() { Filter = filter })).Csv.ToStringUtf8());
            }
            var token = await Assert.ThrowsAsync<RpcException>(() => List(new() { PageToken = value }));
            Assert.Equal(StatusCode.InvalidArgument, token.StatusCode);
        }

        var after = await ListAll(new());
        Assert.Equal(before.Select(e => e.Sequence), after.Select(e => e.Sequence));
        Assert.Contains(after, e => e.Action == "member-city.dues-paid");
        Assert.Single((await List(new() { Filter = new() { SubjectPrefix = "member-city/seoul", ActionPrefix = "member-city.dues" } })).Events);
    }

    [Fact]
    public async Task Bad_requests_are_INVALID_ARGUMENT_with_the_field_named()
    {
        var cases = new (ListAuditEventsRequest Request, string Field)[]
        {
            (new() { PageSize = 501 }, "page_size"),
            (new() { PageSize = -1 }, "page_size"),
            (new() { PageToken = "not a token" }, "page_token"),
            (new() { PageToken = RequestChecks.PageToken("-5") }, "page_token"),
            (new() { Filter = new() { Actor = new string('a', 201) } }, "filter.actor"),
            (new() { Filter = new() { SubjectPrefix = "member-city/\n" } }, "filter.subject_prefix"),
            (new() { Filter = new() { ActionPrefix = "member\0" } }, "filter.action_prefix"),
            (new() { Filter = new() { Since = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Until = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)) } }, "filter.until"),
            (new() { Filter = new() { Since = new Timestamp { Seconds = long.MaxValue } } }, "filter.since"),
        };
        foreach (var (request, field) in cases)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => List(request));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains(field, error.Status.Detail);
        }
    }

    private Task<ListAuditEventsResponse> List(ListAuditEventsRequest request) => secretariat.ListAuditEvents(request);

    private Task<ExportAuditEventsResponse> Export(ExportAuditEventsRequest request) =>
        secretariat.Unary<ExportAuditEventsRequest, ExportAuditEventsResponse>(Audit + "ExportAuditEvents", request);

    private async Task<List<AuditEvent>> ListAll(Protos.V1.AuditFilter filter)
    {
        var all = new List<AuditEvent>();
        var token = "";
        do
        {
            var page = await List(new() { PageSize = 500, PageToken = token, Filter = filter });
            all.AddRange(page.Events);
            token = page.NextPageToken;
        } while (token.Length > 0);
        return all;
    }
}

public sealed class SqliteAuditEndToEndTests : AuditEndToEndTests
{
    private readonly TempSqliteFile file = new();

    protected override Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path });

    protected override Task CleanUpAsync()
    {
        file.Dispose();
        return Task.CompletedTask;
    }
}

[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresAuditEndToEndTests(PostgresCluster cluster) : AuditEndToEndTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}

/// <summary>The CSV writer alone, on values the API cannot produce (line breaks inside details).</summary>
public sealed class AuditCsvTests
{
    [Fact]
    public async Task Fields_with_commas_quotes_and_line_breaks_round_trip_through_a_CSV_reader()
    {
        var details = "{\n  \"note\": \"a, b\",\r\n  \"quote\": \"\\\"q\\\"\"\n}";
        var entries = new[]
        {
            new AuditEntry(1, new DateTimeOffset(2023, 9, 5, 1, 2, 3, TimeSpan.Zero).AddTicks(4560), "staff:kim", "member-city.updated", "member-city/서울", details),
            new AuditEntry(2, new DateTimeOffset(2023, 9, 5, 10, 2, 3, TimeSpan.FromHours(9)), "participant:\"p1\"", "a,b", " lead space", "{}"),
        };

        var csv = await AuditCsv.WriteAsync(entries.ToAsyncEnumerable(), int.MaxValue, _ => new InvalidOperationException(), default);

        using var reader = CsvReader.Create(csv, CsvReaderOptions.Default with { Separator = ',' });
        var rows = new List<string[]>();
        while (reader.Read())
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        Assert.Equal(
        [
            ["1", "2023-09-05T01:02:03.000456Z", "staff:kim", "member-city.updated", "member-city/서울", details],
            ["2", "2023-09-05T01:02:03.000000Z", "participant:\"p1\"", "a,b", " lead space", "{}"],
        ], rows);
        Assert.Equal("\"q\"", JsonDocument.Parse(rows[0][5]).RootElement.GetProperty("quote").GetString());
        Assert.EndsWith("\r\n", System.Text.Encoding.UTF8.GetString(csv));
    }

    [Fact]
    public async Task An_export_past_the_size_limit_stops_with_the_given_error()
    {
        var entries = Enumerable.Range(1, 1000).Select(i => new AuditEntry(i, DateTimeOffset.UnixEpoch, "staff:kim", "x", "y", "{}"));

        await Assert.ThrowsAsync<TimeoutException>(() =>
            AuditCsv.WriteAsync(entries.ToAsyncEnumerable(), 1000, size => new TimeoutException(size.ToString()), default));
    }
}
