using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Storage;
using WeGoAssembly.Testing;
using Assembly = WeGoAssembly.Protos.V1.Assembly;
using AssemblyRules = WeGoAssembly.Protos.V1.AssemblyRules;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// Agenda and voting through the real host and the C# client: quorum-checked opening, who may cast a city's
/// vote, one vote per member, idempotent retries, results, the secret ballot's tables, the live ballot
/// stream and the deadline closing a ballot across a restart; on one database engine per subclass.
/// </summary>
public abstract class VotingEndToEndTests : IAsyncLifetime
{
    // Year 2023 over the sample register (55 members may vote); quorum at least 1/20 of them: 3.
    private const string Ga = "vote-2023", Voting = "/wego.assembly.v1.VotingService/", Agenda = "/wego.assembly.v1.AgendaService/";

    private IReadOnlyDictionary<string, string?> settings = null!;
    private WeGoServer server = null!;
    private SampleApi secretariat = null!;

    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        settings = await FreshDatabaseAsync();
        server = await WeGoServer.StartAsync(settings);
        secretariat = await server.SecretariatAsync();
        await secretariat.CreateAssembly(new Assembly
        {
            Id = Ga, Title = "WeGO General Assembly (voting tests)", Venue = "Seoul City Hall", Year = 2023, TimeZone = "Asia/Seoul",
            Rules = new AssemblyRules { Quorum = new() { Numerator = 1, Denominator = 20 }, ProxiesAllowed = true, MaxProxiesPerHolder = 1, ProxiesCountForQuorum = true },
        });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    private sealed record Person(SampleApi Api, string BadgeCode);

    // Registered, approved, badged and signed in with an access code; not yet checked in.
    private async Task<Person> VoterAsync(string city, ParticipantRole role = ParticipantRole.VotingDelegate)
    {
        var badge = await secretariat.BadgedAsync(Ga, city, role);
        var p = badge.Participant;
        var code = await server.IssueAccessCodeAsync(new(p.Id, Ga, city, p.GivenName));
        return new(await server.ParticipantAsync(code), badge.QrSecret);
    }

    private async Task<string> DecisionItemAsync(string number) =>
        (await secretariat.Unary<CreateAgendaItemRequest, CreateAgendaItemResponse>(Agenda + "CreateAgendaItem", new()
        {
            AgendaItem = new() { AssemblyId = Ga, Number = number, TitleEn = $"Motion {number}", TitleKo = $"안건 {number}", Kind = AgendaItemKind.Decision },
        })).AgendaItem.Id;

    private async Task<Ballot> BallotAsync(string itemId, BallotMethod method, Google.Protobuf.WellKnownTypes.Timestamp? deadline = null) =>
        (await secretariat.Unary<CreateBallotRequest, CreateBallotResponse>(Voting + "CreateBallot", new()
        {
            Ballot = new()
            {
                AgendaItemId = itemId, QuestionEn = "Adopt the 2024 budget?", Kind = BallotKind.Motion,
                MajorityRule = MajorityRule.SimpleMajorityOfVotesCast, Method = method, Deadline = deadline,
            },
        })).Ballot;

    private static Task<CastVoteResponse> Vote(SampleApi api, string ballotId, string city, MotionChoice choice, string? key = null) =>
        api.Unary<CastVoteRequest, CastVoteResponse>(Voting + "CastVote", new()
        {
            BallotId = ballotId, MemberCityId = city, MotionChoice = choice, IdempotencyKey = key ?? Guid.NewGuid().ToString(),
        });

    private Task<OpenBallotResponse> Open(string ballotId) =>
        secretariat.Unary<OpenBallotRequest, OpenBallotResponse>(Voting + "OpenBallot", new() { BallotId = ballotId });

    private static async Task<RpcException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

    [Fact]
    public async Task A_secret_motion_runs_from_quorum_check_through_votes_to_its_result()
    {
        var seoul = await VoterAsync("seoul");
        var busan = await VoterAsync("busan");
        var daegu = await VoterAsync("daegu");
        var incheon = await VoterAsync("incheon");
        var incheonAlternate = await VoterAsync("incheon", ParticipantRole.Alternate);
        foreach (var p in new[] { seoul, busan })
            await secretariat.CheckIn(p.BadgeCode);

        var item = await DecisionItemAsync("5");
        var ballot = await BallotAsync(item, BallotMethod.Secret);
        Assert.Equal(BallotStatus.Draft, ballot.Status);

        // Two present of 55; three are needed.
        var belowQuorum = await Refused(() => Open(ballot.Id));
        Assert.Equal(StatusCode.FailedPrecondition, belowQuorum.StatusCode);
        Assert.Contains("2 present of 55 voting-eligible members, 3 required", belowQuorum.Message);

        foreach (var p in new[] { daegu, incheon, incheonAlternate })
            await secretariat.CheckIn(p.BadgeCode);
        var quorum = (await secretariat.Unary<GetQuorumRequest, GetQuorumResponse>(Voting + "GetQuorum", new() { AssemblyId = Ga })).Quorum;
        Assert.Equal((4, 55, 3, true), (quorum.Present, quorum.Eligible, quorum.Required, quorum.Met));

        var watch = secretariat.ServerStreaming<WatchBallotRequest, WatchBallotResponse>(Voting + "WatchBallot", new() { BallotId = ballot.Id })
            .ToListAsync().AsTask();
        var opened = await Open(ballot.Id);
        Assert.Equal(BallotStatus.Open, opened.Ballot.Status);

        // A vote, and its retry with the same key after a lost reply: the same receipt, counted once.
        var key = Guid.NewGuid().ToString();
        var receipt = (await Vote(seoul.Api, ballot.Id, "seoul", MotionChoice.Yes, key)).Receipt;
        Assert.False(receipt.Replayed);
        var retry = (await Vote(seoul.Api, ballot.Id, "seoul", MotionChoice.Yes, key)).Receipt;
        Assert.Equal((receipt.ReceiptId, true), (retry.ReceiptId, retry.Replayed));
        Assert.Equal(StatusCode.AlreadyExists, (await Refused(() => Vote(seoul.Api, ballot.Id, "seoul", MotionChoice.No))).StatusCode);

        // Busan's delegate may not cast Daegu's vote; Incheon's alternate may not vote while its delegate is in the hall.
        Assert.Equal(StatusCode.PermissionDenied, (await Refused(() => Vote(busan.Api, ballot.Id, "daegu", MotionChoice.No))).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await Refused(() => Vote(incheonAlternate.Api, ballot.Id, "incheon", MotionChoice.Yes))).StatusCode);
        await secretariat.CheckOut(incheon.BadgeCode);
        await Vote(incheonAlternate.Api, ballot.Id, "incheon", MotionChoice.Yes);
        await Vote(busan.Api, ballot.Id, "busan", MotionChoice.No);
        await Vote(daegu.Api, ballot.Id, "daegu", MotionChoice.Abstain);

        var closed = await secretariat.Unary<CloseBallotRequest, CloseBallotResponse>(Voting + "CloseBallot", new() { BallotId = ballot.Id });
        var result = closed.Result;
        Assert.Equal((BallotOutcome.Adopted, 4, 3, 2), (result.Outcome, result.VotesCast, result.MajorityBase, result.VotesNeeded));
        Assert.Equal([2, 1, 1], result.Counts.Select(c => c.Votes));
        var seoulRecord = result.Members.Single(m => m.MemberCityId == "seoul");
        Assert.Equal((true, true, true, "seoul", MotionChoice.Unspecified), (seoulRecord.Entitled, seoulRecord.Present, seoulRecord.Voted, seoulRecord.CastByMemberCityId, seoulRecord.MotionChoice));
        Assert.Equal(55, result.Members.Count(m => m.Entitled));
        Assert.Equal(StatusCode.FailedPrecondition, (await Refused(() => Vote(busan.Api, ballot.Id, "busan", MotionChoice.No))).StatusCode);
        var read = await busan.Api.Unary<GetBallotResultRequest, GetBallotResultResponse>(Voting + "GetBallotResult", new() { BallotId = ballot.Id });
        Assert.Equal(BallotOutcome.Adopted, read.Result.Outcome);

        // The stream: the draft at once, then changes; no counts of the secret ballot before the close; it ends with the result.
        var messages = await watch.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(messages.Where(m => m.Ballot.Status != BallotStatus.Closed), m => Assert.Empty(m.Tally.Counts));
        Assert.Equal((BallotStatus.Closed, 4, BallotOutcome.Adopted), (messages[^1].Ballot.Status, messages[^1].Tally.VotesCast, messages[^1].Result.Outcome));

        // The tables: who voted, and counters; no member is linked to a choice.
        await using var connection = await server.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync();
        var voters = await RowsAsync(connection, $"SELECT member_city_id, choice FROM ballot_voter WHERE ballot_id = '{ballot.Id}' ORDER BY member_city_id");
        Assert.Equal(["busan", "daegu", "incheon", "seoul"], voters.Select(r => r[0]));
        Assert.All(voters, r => Assert.Null(r[1]));
        var tally = await RowsAsync(connection, $"SELECT choice, votes FROM ballot_tally WHERE ballot_id = '{ballot.Id}' ORDER BY choice");
        Assert.Equal(["abstain:1", "no:1", "yes:2"], tally.Select(r => $"{r[0]}:{r[1]}"));
        var columns = await RowsAsync(connection, connection is Npgsql.NpgsqlConnection
            ? "SELECT column_name FROM information_schema.columns WHERE table_name = 'ballot_voter'"
            : "SELECT name FROM pragma_table_info('ballot_voter')");
        Assert.Equal(["ballot_id", "cast_by", "choice", "idempotency_key", "member_city_id", "receipt_id"], columns.Select(r => (string)r[0]!).Order());
        // Nor does the ballot's own state, nor the audit log, hold a choice next to a member.
        var audit = await RowsAsync(connection, $"SELECT details FROM audit_event WHERE subject = 'ballot/{ballot.Id}'");
        Assert.DoesNotContain(audit, r => ((string)r[0]!).Contains("seoul"));
    }

    [Theory]
    [InlineData("nul\0byte")]
    [InlineData("other-ga.ballot-1")]
    [InlineData("vote-2023.item-1")]
    public async Task A_runoff_reference_that_is_not_a_ballot_of_the_assembly_is_INVALID_ARGUMENT_and_creates_nothing(string runoffOf)
    {
        var item = await DecisionItemAsync("R1");

        var refused = await Refused(() => secretariat.Unary<CreateBallotRequest, CreateBallotResponse>(Voting + "CreateBallot", new()
        {
            Ballot = new()
            {
                AgendaItemId = item, QuestionEn = "Runoff?", Kind = BallotKind.Motion, MajorityRule = MajorityRule.SimpleMajorityOfVotesCast,
                Method = BallotMethod.Secret, RunoffOfBallotId = runoffOf,
            },
        }));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("ballot.runoff_of_ballot_id", refused.Status.Detail);
        Assert.Equal(Ga + ".ballot-1", (await BallotAsync(item, BallotMethod.Secret)).Id);   // the refused call used no ballot number
    }

    [Fact]
    public async Task A_roll_call_ballot_publishes_each_members_choice()
    {
        var people = new Dictionary<string, Person>();
        foreach (var city in new[] { "seoul", "busan", "daegu" })
        {
            people[city] = await VoterAsync(city);
            await secretariat.CheckIn(people[city].BadgeCode);
        }
        var ballot = await BallotAsync(await DecisionItemAsync("6"), BallotMethod.RollCall);
        await Open(ballot.Id);
        await Vote(people["seoul"].Api, ballot.Id, "seoul", MotionChoice.No);
        await Vote(people["busan"].Api, ballot.Id, "busan", MotionChoice.No);
        await Vote(people["daegu"].Api, ballot.Id, "daegu", MotionChoice.Yes);
        var result = (await secretariat.Unary<CloseBallotRequest, CloseBallotResponse>(Voting + "CloseBallot", new() { BallotId = ballot.Id })).Result;
        Assert.Equal(BallotOutcome.Rejected, result.Outcome);
        Assert.Equal(MotionChoice.Yes, result.Members.Single(m => m.MemberCityId == "daegu").MotionChoice);
        Assert.False(result.Members.Single(m => m.MemberCityId == "gwangju").Voted);

        var minutes = await new HttpClient().GetStringAsync(new Uri(server.WebAddress, $"/assemblies/{Ga}/minutes.csv"));
        Assert.Contains($"6,Motion 6,{ballot.Id},Adopt the 2024 budget?,Motion,RollCall,Closed,Rejected,3,yes 1; no 2; abstain 0,3,2,,3,55,3,", minutes);
    }

    [Fact]
    public async Task The_deadline_closes_a_ballot_across_a_restart()
    {
        var people = new List<Person>();
        foreach (var city in new[] { "seoul", "busan", "daegu" })
        {
            people.Add(await VoterAsync(city));
            await secretariat.CheckIn(people[^1].BadgeCode);
        }
        var deadline = DateTimeOffset.UtcNow.AddSeconds(4);
        var ballot = await BallotAsync(await DecisionItemAsync("7"), BallotMethod.Secret, Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(deadline));
        await Open(ballot.Id);
        await Vote(people[0].Api, ballot.Id, "seoul", MotionChoice.Yes);

        // The server stops before the deadline and starts after it: the reminder closes the ballot then.
        await server.DisposeAsync();
        var wait = deadline - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200);
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);   // the deadline passes while no server runs (time itself is the subject here)
        server = await WeGoServer.StartAsync(settings);
        secretariat = await server.SecretariatAsync();
        // Past the deadline no vote is taken, also in the moment before the job that closes the ballot has run.
        var late = await Refused(() => Vote(new SampleApi(server.Anonymous.Raw, people[1].Api.Session), ballot.Id, "busan", MotionChoice.No));
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);
        var last = await secretariat.ServerStreaming<WatchBallotRequest, WatchBallotResponse>(Voting + "WatchBallot", new() { BallotId = ballot.Id })
            .LastAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal((BallotStatus.Closed, BallotOutcome.Adopted, 1), (last.Ballot.Status, last.Result.Outcome, last.Result.VotesCast));
    }

    private static async Task<List<object?[]>> RowsAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i) is long l ? (int)l : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }
}

public sealed class SqliteVotingEndToEndTests : VotingEndToEndTests
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
public sealed class PostgresVotingEndToEndTests(PostgresCluster cluster) : VotingEndToEndTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}
