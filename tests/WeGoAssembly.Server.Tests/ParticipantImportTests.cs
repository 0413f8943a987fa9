using System.Text;
using Google.Protobuf;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;
using Assembly = WeGoAssembly.Protos.V1.Assembly;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// The secretariat imports a city's spreadsheet of participants through the real host: a preview first, every refused
/// row named by its file line, nothing stored while any row is refused, and a file sent twice registers no one twice;
/// on one database engine per subclass.
/// </summary>
public abstract class ParticipantImportTests : IAsyncLifetime
{
    private const string Ga = "import-2027";
    private const string Header = "member_city_id,given_name,family_name,given_name_latin,family_name_latin,email,role,head_of_delegation,language,dietary_needs\n";

    private WeGoServer server = null!;
    private SampleApi secretariat = null!;

    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        server = await WeGoServer.StartAsync(await FreshDatabaseAsync());
        secretariat = await server.SecretariatAsync();
        await secretariat.CreateAssembly(new Assembly { Id = Ga, Title = "WeGO 8th General Assembly", Venue = "Seoul City Hall", Year = 2027, TimeZone = "Asia/Seoul" });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    private Task<ImportParticipantsResponse> ImportAsync(string csv, bool dryRun) =>
        secretariat.Unary<ImportParticipantsRequest, ImportParticipantsResponse>(AccreditationCalls.Service + "ImportParticipants",
            new() { AssemblyId = Ga, Csv = ByteString.CopyFrom(Encoding.UTF8.GetBytes(csv)), DryRun = dryRun });

    private const string Good =
        "seoul,민지,김,Min-ji,Kim,minji@seoul.example.org,voting_delegate,yes,ko,vegetarian\n" +
        "seoul,준호,박,Jun-ho,Park,junho@seoul.example.org,alternate,,ko,\n" +
        "busan,Ji-soo,Park,Ji-soo,Park,jisoo@busan.example.org,advisor,no,en,\n";

    [Fact]
    public async Task A_file_with_a_bad_row_is_previewed_with_the_line_and_stores_nothing_until_it_is_fixed()
    {
        var bad = Header + Good +
            "seoul,Anna,Schmidt,Anna,Schmidt,anna@seoul.example.org,delegate,,en,\n" +            // line 5: unknown role
            "atlantis,Kai,,Kai,,kai@atlantis.example.org,observer,,en,\n" +                      // line 6: no such city
            "seoul,Mi-rae,Choi,Mi-rae,Choi,mirae@seoul.example.org,voting_delegate,,ko,\n" +     // line 7: a second voting delegate
            "busan,Ji-soo,Park,Ji-soo,Park,jisoo@busan.example.org,advisor,no,en,\n" +           // line 8: line 4 again
            "busan,Tom,Lee,Tom,이,tom@busan.example.org,observer,,en,\n";                        // line 9: Latin name in Hangul

        foreach (var dryRun in new[] { true, false })
        {
            var report = await ImportAsync(bad, dryRun);
            Assert.Equal(8, report.RowsRead);
            Assert.Equal(0, report.RowsImported);
            Assert.Equal([5, 6, 7, 8, 9], report.Errors.Select(e => e.Line));
            Assert.Contains("role \"delegate\"", report.Errors[0].Reason);
            Assert.Contains("atlantis", report.Errors[1].Reason);
            Assert.Contains("already has a voting delegate", report.Errors[2].Reason);
            Assert.Contains("earlier line", report.Errors[3].Reason);
            Assert.Contains("family_name_latin", report.Errors[4].Reason);
            Assert.Equal([2, 3, 4], report.Rows.Select(r => r.Line));
            Assert.All(report.Rows, r => Assert.Equal("", r.ParticipantId));
        }
        Assert.Empty((await secretariat.GetDelegation(Ga, "seoul")).Participants);

        var preview = await ImportAsync(Header + Good, dryRun: true);
        Assert.Equal((3, 0), (preview.Rows.Count, preview.RowsImported));
        Assert.Empty((await secretariat.GetDelegation(Ga, "seoul")).Participants);

        var imported = await ImportAsync(Header + Good, dryRun: false);
        Assert.Equal(3, imported.RowsImported);
        Assert.Empty(imported.Errors);
        var seoul = (await secretariat.GetDelegation(Ga, "seoul")).Participants;
        Assert.Equal(["민지", "준호"], seoul.Select(p => p.GivenName));
        Assert.True(seoul[0].HeadOfDelegation);
        Assert.Equal(imported.Rows[0].ParticipantId, seoul[0].Id);
        var details = (await secretariat.GetPersonalDetails(seoul[0].Id)).Details;
        Assert.Equal(("Min-ji", "Kim", "vegetarian"), (details.GivenNameLatin, details.FamilyNameLatin, details.DietaryNeeds));
        var mail = await secretariat.Unary<ListNotificationsRequest, ListNotificationsResponse>("/wego.assembly.v1.NotificationService/ListNotifications", new() { Recipient = "junho@seoul.example.org" });
        Assert.Equal("access-code", Assert.Single(mail.Notifications).Kind);

        // The same file again registers no one twice.
        var again = await ImportAsync(Header + Good, dryRun: false);
        Assert.Equal(0, again.RowsImported);
        Assert.All(again.Rows, r => Assert.True(r.Skipped));
        Assert.Equal(2, (await secretariat.GetDelegation(Ga, "seoul")).Participants.Count);
    }

    [Fact]
    public async Task A_file_that_is_not_a_participant_list_is_refused_whole()
    {
        foreach (var (csv, words) in new (byte[], string)[]
        {
            ([0xC3, 0x28, 0x0A], "not UTF-8"),
            (""u8.ToArray(), "empty"),
            ("member_city_id,given_name\nseoul,Min-ji\n"u8.ToArray(), "email, role"),
        })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => secretariat.Unary<ImportParticipantsRequest, ImportParticipantsResponse>(
                AccreditationCalls.Service + "ImportParticipants", new() { AssemblyId = Ga, Csv = ByteString.CopyFrom(csv) }));
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.Contains(words, refused.Status.Detail);
        }
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => secretariat.Unary<ImportParticipantsRequest, ImportParticipantsResponse>(
            AccreditationCalls.Service + "ImportParticipants", new() { AssemblyId = "no-such-assembly", Csv = ByteString.CopyFromUtf8(Header) }))).StatusCode);
    }
}

public sealed class SqliteParticipantImportTests : ParticipantImportTests
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
public sealed class PostgresParticipantImportTests(PostgresCluster cluster) : ParticipantImportTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}
