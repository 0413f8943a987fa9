using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Storage;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// The member register and assemblies through the real host, the C# gRPC client and real sockets,
/// on one database engine per subclass.
/// </summary>
public abstract class MembershipEndToEndTests : IAsyncLifetime
{
    private IReadOnlyDictionary<string, string?> settings = null!;
    private WeGoServer server = null!;
    private SampleApi api = null!;

    /// <summary>Settings that point the host at a fresh, empty database.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        settings = await FreshDatabaseAsync();
        server = await WeGoServer.StartAsync(settings);
        api = await server.SecretariatAsync();
    }

    private async Task RestartAsync()
    {
        await server.DisposeAsync();
        server = await WeGoServer.StartAsync(settings);
        api = await server.SecretariatAsync();
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    /// <summary>The secretariat: these tests are about the register, not about roles (see RoleMatrixTests).</summary>
    private SampleApi Api => api;

    [Fact]
    public async Task The_sample_assembly_and_71_member_cities_are_seeded_once_and_survive_a_restart()
    {
        var assembly = await Api.GetAssembly("ga-2023");
        Assert.Equal("WeGO 6th General Assembly", assembly.Title);
        Assert.Equal("Asia/Seoul", assembly.TimeZone);
        Assert.Equal(2023, assembly.Year);
        Assert.True(assembly.Sample);
        var members = await Api.ListAll(pageSize: 20);
        Assert.Equal(71, members.Count);
        Assert.All(members, m => Assert.True(m.Sample));

        await RestartAsync();

        var again = await Api.GetAssembly("ga-2023");
        Assert.Equal(assembly.CreatedAt, again.CreatedAt);   // not seeded a second time
        Assert.Equal(members.Select(m => m.UpdatedAt), (await Api.ListAll(pageSize: 500)).Select(m => m.UpdatedAt));
    }

    [Fact]
    public async Task Upsert_creates_then_replaces_and_the_entry_reads_back()
    {
        var first = await Api.UpsertMemberCity(new()
        {
            Id = "gangseo-gu", NameEn = "Gangseo District", NameLocal = "강서구", CountryCode = "KR",
            Category = MemberCategory.Associate, DuesPaidThroughYear = 2023,
        });
        Assert.True(first.Created);
        Assert.Equal(MemberStatus.Active, first.MemberCity.Status);   // unset status means active

        var second = await Api.UpsertMemberCity(first.MemberCity.Clone() is var m ? Set(m, x => x.Category = MemberCategory.Full) : null!);
        Assert.False(second.Created);

        var stored = await Api.GetMemberCity("gangseo-gu");
        Assert.Equal(MemberCategory.Full, stored.Category);
        Assert.Equal("강서구", stored.NameLocal);
        Assert.False(stored.Sample);
    }

    public static TheoryData<string, MemberCity?> BadEntries => new()
    {
        { "missing entry", null },
        { "id with a space", new() { Id = "Seoul City", NameEn = "Seoul", CountryCode = "KR", Category = MemberCategory.Full } },
        { "empty name", new() { Id = "seoul", NameEn = "", CountryCode = "KR", Category = MemberCategory.Full } },
        { "10,000-character name", new() { Id = "seoul", NameEn = new string('서', 10_000), CountryCode = "KR", Category = MemberCategory.Full } },
        { "three-letter country", new() { Id = "seoul", NameEn = "Seoul", CountryCode = "KOR", Category = MemberCategory.Full } },
        { "no category", new() { Id = "seoul", NameEn = "Seoul", CountryCode = "KR" } },
        { "unknown category number", new() { Id = "seoul", NameEn = "Seoul", CountryCode = "KR", Category = (MemberCategory)42 } },
        { "dues year 12022", new() { Id = "seoul", NameEn = "Seoul", CountryCode = "KR", Category = MemberCategory.Full, DuesPaidThroughYear = 12022 } },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public async Task Bad_member_input_is_INVALID_ARGUMENT_and_changes_nothing(string _, MemberCity? entry)
    {
        var before = await Api.GetMemberCity("seoul");

        var error = await Assert.ThrowsAsync<RpcException>(() => Api.UpsertMemberCity(entry!));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(error.Status.Detail));
        Assert.Equal(before, await Api.GetMemberCity("seoul"));
    }

    [Fact]
    public async Task An_unknown_member_city_is_NOT_FOUND_and_a_malformed_id_INVALID_ARGUMENT()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() => Api.GetMemberCity("atlantis"));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("atlantis", missing.Status.Detail);

        var noPayment = await Assert.ThrowsAsync<RpcException>(() => Api.RecordDuesPayment("atlantis", 2024));
        Assert.Equal(StatusCode.NotFound, noPayment.StatusCode);

        var malformed = await Assert.ThrowsAsync<RpcException>(() => Api.GetMemberCity(new string('x', 10_000)));
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
    }

    [Fact]
    public async Task Dues_payments_move_forward_and_a_step_back_is_FAILED_PRECONDITION()
    {
        var paid = await Api.RecordDuesPayment("busan", 2024, "transfer 2024-117");
        Assert.Equal(2024, paid.DuesPaidThroughYear);

        var back = await Assert.ThrowsAsync<RpcException>(() => Api.RecordDuesPayment("busan", 2023));
        Assert.Equal(StatusCode.FailedPrecondition, back.StatusCode);
        Assert.Contains("already paid through 2024", back.Status.Detail);

        var outOfRange = await Assert.ThrowsAsync<RpcException>(() => Api.RecordDuesPayment("busan", 20245));
        Assert.Equal(StatusCode.InvalidArgument, outOfRange.StatusCode);

        Assert.Equal(2024, (await Api.GetMemberCity("busan")).DuesPaidThroughYear);
    }

    [Fact]
    public async Task The_register_pages_in_id_order_and_filters_by_category_and_status()
    {
        var all = await Api.ListAll(pageSize: 7);
        Assert.Equal(71, all.Select(m => m.Id).Distinct().Count());
        Assert.Equal(all.Select(m => m.Id).Order(StringComparer.Ordinal), all.Select(m => m.Id));

        var associates = await Api.ListAll(pageSize: 2, category: MemberCategory.Associate);
        Assert.Equal(all.Count(m => m.Category == MemberCategory.Associate), associates.Count);
        Assert.NotEmpty(associates);
        Assert.All(associates, m => Assert.Equal(MemberCategory.Associate, m.Category));

        var suspended = await Api.ListAll(pageSize: 50, status: MemberStatus.Suspended);
        Assert.Equal(all.Where(m => m.Status == MemberStatus.Suspended).Select(m => m.Id), suspended.Select(m => m.Id));
    }

    [Theory]
    [InlineData(501, "")]
    [InlineData(-1, "")]
    [InlineData(10, "not-a-token!")]
    public async Task A_bad_page_size_or_token_is_INVALID_ARGUMENT(int pageSize, string token)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Api.ListMemberCities(new() { PageSize = pageSize, PageToken = token }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task A_server_stream_delivers_the_filtered_register()
    {
        var streamed = new List<string>();
        await foreach (var message in Api.StreamMemberCities(new() { Category = MemberCategory.Full }))
            streamed.Add(message.MemberCity.Id);

        var listed = await Api.ListAll(pageSize: 500, category: MemberCategory.Full);
        Assert.Equal(listed.Select(m => m.Id), streamed);
    }

    [Fact]
    public async Task An_import_stores_the_good_rows_and_reports_each_bad_one_by_line()
    {
        const string csv = """
            id,name_en,name_local,country_code,category,dues_paid_through_year,status
            nur-sultan,Nur-Sultan,,KZ,Full,2022,Active
            bad id,Nowhere,,KR,Full,2022,Active
            ulsan,Ulsan,울산,KR,Friendship,,
            seoul,Seoul,서울,XX1,Full,2022,Active
            """;

        var dryRun = await Api.ImportMemberCities(csv, dryRun: true);
        Assert.Equal((4, 0), (dryRun.RowsRead, dryRun.RowsImported));
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => Api.GetMemberCity("ulsan"))).StatusCode);

        var report = await Api.ImportMemberCities(csv);

        Assert.Equal((4, 2), (report.RowsRead, report.RowsImported));
        Assert.Equal([3, 5], report.Errors.Select(e => e.Line));
        Assert.Equal("bad id", report.Errors[0].MemberCityId);
        Assert.Contains("country_code", report.Errors[1].Reason);
        Assert.Equal("울산", (await Api.GetMemberCity("ulsan")).NameLocal);
        Assert.Equal("KR", (await Api.GetMemberCity("seoul")).CountryCode);   // the bad row left seoul as it was
    }

    [Fact]
    public async Task A_file_that_is_not_CSV_UTF8_is_INVALID_ARGUMENT()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Api.Unary<ImportMemberCitiesRequest, ImportMemberCitiesResponse>(
            "/wego.assembly.v1.MembershipService/ImportMemberCities",
            new() { Csv = Google.Protobuf.ByteString.CopyFrom(0xff, 0xfe, 0x00, 0x41) }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("UTF-8", error.Status.Detail);
    }

    [Fact]
    public async Task An_assembly_is_created_once_and_its_rules_updated_and_kept()
    {
        var created = await Api.CreateAssembly(new()
        {
            Id = "ga-2025", Title = "WeGO 7th General Assembly", Venue = "Seoul", Year = 2025, TimeZone = "Asia/Seoul",
            StartsOn = "2025-10-01", EndsOn = "2025-10-02",
        });
        Assert.Equal(1u, created.Rules.Quorum.Numerator);                 // unset rules: more than half
        Assert.True(created.Rules.Quorum.StrictlyMore);

        var duplicate = await Assert.ThrowsAsync<RpcException>(() => Api.CreateAssembly(created));
        Assert.Equal(StatusCode.AlreadyExists, duplicate.StatusCode);

        var rules = new AssemblyRules
        {
            Quorum = new() { Numerator = 2, Denominator = 3 }, ProxiesAllowed = true, MaxProxiesPerHolder = 2, ProxiesCountForQuorum = true,
        };
        await Api.UpdateAssemblyRules(new() { AssemblyId = "ga-2025", Year = 2025, TimeZone = "Asia/Seoul", Rules = rules });

        var badZone = await Assert.ThrowsAsync<RpcException>(() =>
            Api.UpdateAssemblyRules(new() { AssemblyId = "ga-2025", Year = 2025, TimeZone = "Seoul/Gangnam", Rules = new() }));
        Assert.Equal(StatusCode.InvalidArgument, badZone.StatusCode);
        Assert.Contains("Seoul/Gangnam", badZone.Status.Detail);

        await RestartAsync();
        var stored = await Api.GetAssembly("ga-2025");
        Assert.Equal(rules, stored.Rules);
        Assert.Equal(created.CreatedAt, stored.CreatedAt);
    }

    [Fact]
    public async Task Title_venue_and_dates_change_with_the_rules_and_a_bad_change_keeps_everything()
    {
        await Api.CreateAssembly(new() { Id = "ga-2026", Title = "GA 2026 (draft)", Year = 2026, TimeZone = "Asia/Seoul" });
        var rules = new AssemblyRules { Quorum = new() { Numerator = 1, Denominator = 3 } };

        var updated = await Api.UpdateAssemblyRules(new()
        {
            AssemblyId = "ga-2026", Year = 2026, TimeZone = "Europe/Istanbul", Rules = rules,
            Details = new() { Title = "WeGO 7th General Assembly", Venue = "Istanbul Congress Center", StartsOn = "2026-10-05", EndsOn = "2026-10-07" },
        });
        Assert.Equal(("WeGO 7th General Assembly", "Istanbul Congress Center", "2026-10-05", "2026-10-07"), (updated.Title, updated.Venue, updated.StartsOn, updated.EndsOn));

        // Without details only the rules change; the title and dates stay.
        var rulesOnly = await Api.UpdateAssemblyRules(new() { AssemblyId = "ga-2026", Year = 2026, TimeZone = "Europe/Istanbul", Rules = new() });
        Assert.Equal(("WeGO 7th General Assembly", "2026-10-05"), (rulesOnly.Title, rulesOnly.StartsOn));

        // An empty title and dates in the wrong order are refused, each named, and nothing of the request is stored.
        var bad = await Assert.ThrowsAsync<RpcException>(() => Api.UpdateAssemblyRules(new()
        {
            AssemblyId = "ga-2026", Year = 2026, TimeZone = "Asia/Seoul", Rules = rules,
            Details = new() { Title = " ", StartsOn = "2026-10-07", EndsOn = "2026-10-05" },
        }));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Contains("title", bad.Status.Detail);
        Assert.Contains("ends_on 2026-10-05 is before starts_on 2026-10-07", bad.Status.Detail);
        var badDate = await Assert.ThrowsAsync<RpcException>(() => Api.UpdateAssemblyRules(new()
        {
            AssemblyId = "ga-2026", Year = 2026, TimeZone = "Asia/Seoul", Details = new() { Title = "GA", StartsOn = "5 Oct 2026" },
        }));
        Assert.Equal(StatusCode.InvalidArgument, badDate.StatusCode);
        Assert.Contains("details.starts_on", badDate.Status.Detail);

        await RestartAsync();
        var stored = await Api.GetAssembly("ga-2026");
        Assert.Equal(("WeGO 7th General Assembly", "Istanbul Congress Center", "Europe/Istanbul", "2026-10-07"), (stored.Title, stored.Venue, stored.TimeZone, stored.EndsOn));
    }

    [Fact]
    public async Task Staff_list_every_assembly_in_id_order_page_by_page()
    {
        foreach (var id in new[] { "ga-2031", "ga-2029", "ga-2030" })
            await Api.CreateAssembly(new() { Id = id, Title = $"GA {id[3..]}", Year = int.Parse(id[3..]), TimeZone = "Asia/Seoul" });

        var first = await Api.ListAssemblies(new() { PageSize = 2 });
        var rest = await Api.ListAssemblies(new() { PageSize = 2, PageToken = first.NextPageToken });
        var ids = first.Assemblies.Concat(rest.Assemblies).Select(a => a.Id).ToList();

        Assert.Equal(["ga-2023", "ga-2029"], first.Assemblies.Select(a => a.Id));   // the sample is there too
        Assert.Equal(["ga-2023", "ga-2029", "ga-2030", "ga-2031"], ids);
        Assert.Equal("", rest.NextPageToken);
        Assert.True(first.Assemblies[0].Sample);
        Assert.Equal("GA 2029", first.Assemblies[1].Title);

        // Renamed: the list shows the new title at once (it reads the projection the grain writes with its state).
        await Api.UpdateAssemblyRules(new() { AssemblyId = "ga-2030", Year = 2030, TimeZone = "Asia/Seoul", Details = new() { Title = "WeGO 9th General Assembly" } });
        Assert.Equal("WeGO 9th General Assembly", (await Api.ListAssemblies(new())).Assemblies.Single(a => a.Id == "ga-2030").Title);

        var badToken = await Assert.ThrowsAsync<RpcException>(() => Api.ListAssemblies(new() { PageToken = "not a token" }));
        Assert.Equal(StatusCode.InvalidArgument, badToken.StatusCode);
        var badSize = await Assert.ThrowsAsync<RpcException>(() => Api.ListAssemblies(new() { PageSize = 501 }));
        Assert.Equal(StatusCode.InvalidArgument, badSize.StatusCode);
    }

    [Fact]
    public async Task Assemblies_stored_before_they_were_listed_are_listed_after_the_upgrade()
    {
        await Api.CreateAssembly(new() { Id = "ga-2019", Title = "WeGO 4th General Assembly", Year = 2019, TimeZone = "Asia/Seoul" });
        // The database as the version before left it: no projection rows for assemblies, script 019 not yet applied.
        await using (var connection = await server.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM projection WHERE kind = 'assembly'; DELETE FROM schema_version WHERE version = 19";
            await command.ExecuteNonQueryAsync();
        }
        await RestartAsync();

        Assert.Contains("ga-2019", (await Api.ListAssemblies(new())).Assemblies.Select(a => a.Id));
    }

    [Fact]
    public async Task Unknown_assemblies_are_NOT_FOUND_and_bad_dates_INVALID_ARGUMENT()
    {
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => Api.GetAssembly("ga-1999"))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() =>
            Api.UpdateAssemblyRules(new() { AssemblyId = "ga-1999", Year = 2025, TimeZone = "Asia/Seoul" }))).StatusCode);

        var badDate = await Assert.ThrowsAsync<RpcException>(() => Api.CreateAssembly(new()
            { Id = "ga-2027", Title = "GA", Year = 2027, TimeZone = "Asia/Seoul", StartsOn = "01/10/2027" }));
        Assert.Equal(StatusCode.InvalidArgument, badDate.StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => Api.GetAssembly("ga-2027"))).StatusCode);
    }

    [Fact]
    public async Task An_rpc_the_contract_does_not_define_is_UNIMPLEMENTED()
    {
        // Every service of the contract is served now; a method or service outside it is still answered precisely.
        var method = await Assert.ThrowsAsync<RpcException>(() => Api.Unary<GetMemberCityRequest, GetMemberCityResponse>(
            "/wego.assembly.v1.MembershipService/DeleteMemberCity", new() { MemberCityId = "seoul" }));
        var service = await Assert.ThrowsAsync<RpcException>(() => Api.Unary<GetMemberCityRequest, GetMemberCityResponse>(
            "/wego.assembly.v1.CityHallService/GetMemberCity", new() { MemberCityId = "seoul" }));

        Assert.Equal(StatusCode.Unimplemented, method.StatusCode);
        Assert.Contains("Unknown method DeleteMemberCity", method.Status.Detail);
        Assert.Equal(StatusCode.Unimplemented, service.StatusCode);
    }

    [Fact]
    public async Task The_health_endpoint_names_the_store()
    {
        using var http = new HttpClient { BaseAddress = server.WebAddress };

        var response = await http.GetAsync("/healthz");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_browser_style_gRPC_Web_call_works_on_the_web_port()
    {
        using var http = new HttpClient { BaseAddress = server.WebAddress };
        var payload = new GetMemberCityRequest { MemberCityId = "seoul" }.ToByteArray();
        var frame = new byte[5 + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        using var content = new ByteArrayContent(frame);
        content.Headers.ContentType = new("application/grpc-web+proto");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/wego.assembly.v1.MembershipService/GetMemberCity") { Content = content };
        request.Headers.Authorization = new("Bearer", Api.Session!.BearerToken);

        var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, body[0]);
        var length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        var message = GetMemberCityResponse.Parser.ParseFrom(body, 5, length);
        Assert.Equal("서울", message.MemberCity.NameLocal);
        var trailer = body.AsSpan(5 + length);
        Assert.Equal(0x80, trailer[0]);
        Assert.Contains("grpc-status: 0\r\n", System.Text.Encoding.ASCII.GetString(trailer[5..]));
    }

    private static MemberCity Set(MemberCity m, Action<MemberCity> change)
    {
        change(m);
        return m;
    }
}

public sealed class SqliteMembershipEndToEndTests : MembershipEndToEndTests
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
public sealed class PostgresMembershipEndToEndTests(PostgresCluster cluster) : MembershipEndToEndTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}
