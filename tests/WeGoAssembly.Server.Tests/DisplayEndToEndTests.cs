using System.Diagnostics;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;
using Assembly = WeGoAssembly.Protos.V1.Assembly;
using AssemblyRules = WeGoAssembly.Protos.V1.AssemblyRules;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// The hall's screen through the real host: a display link, followed without a sign-in, shows the item, the speaker,
/// the quorum and the ballot as they change (a secret ballot's choices only after it closes), names but no ids, and
/// stops when revoked; on one database engine per subclass.
/// </summary>
public abstract class DisplayEndToEndTests : IAsyncLifetime
{
    private const string Ga = "screen-2023", Agenda = "/wego.assembly.v1.AgendaService/", Voting = "/wego.assembly.v1.VotingService/";

    private WeGoServer server = null!;
    private SampleApi secretariat = null!;

    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        server = await WeGoServer.StartAsync(await FreshDatabaseAsync());
        secretariat = await server.SecretariatAsync();
        await secretariat.CreateAssembly(new Assembly
        {
            Id = Ga, Title = "WeGO General Assembly (screen tests)", Venue = "Seoul City Hall", Year = 2023, TimeZone = "Asia/Seoul",
            Rules = new AssemblyRules { Quorum = new() { Numerator = 1, Denominator = 20 } },
        });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    private async Task<(SampleApi Api, string Id)> InTheHallAsync(string city, string givenName)
    {
        var badge = await secretariat.BadgedAsync(Ga, city, givenName: givenName);
        await secretariat.CheckIn(badge.QrSecret);
        var p = badge.Participant;
        return (await server.ParticipantAsync(await server.IssueAccessCodeAsync(new(p.Id, Ga, city, p.GivenName))), p.Id);
    }

    private static async Task<RpcException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

    // The next view the screen is sent that shows the change.
    private static async Task<Display> NextAsync(IAsyncEnumerator<WatchDisplayResponse> screen, Func<Display, bool> shows)
    {
        while (await screen.MoveNextAsync())
            if (shows(screen.Current.Display))
                return screen.Current.Display;
        throw new InvalidOperationException("WatchDisplay ended.");
    }

    [Fact]
    public async Task A_screen_follows_the_speaker_the_quorum_and_the_ballot_without_signing_in_and_stops_when_revoked()
    {
        var item = (await secretariat.Unary<CreateAgendaItemRequest, CreateAgendaItemResponse>(Agenda + "CreateAgendaItem", new()
        {
            AgendaItem = new() { AssemblyId = Ga, Number = "3", TitleEn = "Smart city charter", TitleKo = "스마트 도시 헌장", Kind = AgendaItemKind.Decision },
        })).AgendaItem.Id;
        var (_, seoulId) = await InTheHallAsync("seoul", "Minjun");
        await InTheHallAsync("busan", "Seoyeon");

        var created = await secretariat.CreateDisplayLink(Ga, "Main hall, left");
        Assert.Equal("d1", created.DisplayLink.Id);
        Assert.Equal("/display/" + created.Token, created.Path);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var screen = server.Anonymous.ServerStreaming<WatchDisplayRequest, WatchDisplayResponse>(DisplayCalls.Service + "WatchDisplay",
            new() { Token = created.Token }).GetAsyncEnumerator(cancel.Token);

        var view = await NextAsync(screen, _ => true);
        Assert.Equal("WeGO General Assembly (screen tests)", view.AssemblyTitle);
        Assert.Equal("3", view.AgendaItem.Number);
        Assert.Equal(2, view.Quorum.Present);
        Assert.Null(view.Floor.Current);
        Assert.Null(view.Ballot);

        // A third delegate checks in; the chair gives the floor: the screen shows each within a second.
        var (daegu, _) = await InTheHallAsync("daegu", "Jiho");
        Assert.True((await NextAsync(screen, d => d.Quorum.Present == 3)).Quorum.Met);
        await daegu.RequestFloor(item, SpeechKind.Against);
        await secretariat.RequestFloor(item, SpeechKind.For, seoulId);
        var given = Stopwatch.StartNew();
        await secretariat.GiveFloor(item);
        view = await NextAsync(screen, d => d.Floor.Current is not null);
        Assert.InRange(given.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Equal("Jiho 김", view.Floor.Current.Request.DisplayName);
        Assert.Equal(["Minjun 김"], view.Floor.Queue.Select(r => r.DisplayName));
        Assert.All(view.Floor.Queue.Append(view.Floor.Current.Request), r => Assert.Equal("", r.ParticipantId));   // names, no ids
        Assert.Equal("Daegu · 대구", view.CityNames["daegu"]);
        Assert.Equal("Seoul · 서울", view.CityNames["seoul"]);
        await secretariat.StopSpeakingTimer(item);
        view = await NextAsync(screen, d => d.Floor.Current is null);
        Assert.Empty(view.Floor.Speeches);
        Assert.Empty(view.Floor.BySpeaker);

        // A secret ballot: votes cast of those entitled while open, the choices only once it is closed.
        var ballot = (await secretariat.Unary<CreateBallotRequest, CreateBallotResponse>(Voting + "CreateBallot", new()
        {
            Ballot = new() { AgendaItemId = item, QuestionEn = "Adopt the charter?", QuestionKo = "헌장을 채택합니까?", Kind = BallotKind.Motion,
                MajorityRule = MajorityRule.SimpleMajorityOfVotesCast, Method = BallotMethod.Secret },
        })).Ballot;
        await secretariat.Unary<OpenBallotRequest, OpenBallotResponse>(Voting + "OpenBallot", new() { BallotId = ballot.Id });
        view = await NextAsync(screen, d => d.Ballot?.Status == BallotStatus.Open);
        Assert.Equal(AgendaItemStatus.Voting, view.AgendaItem.Status);
        Assert.Equal((0, 55), (view.Tally.VotesCast, view.Tally.Entitled));
        await daegu.Unary<CastVoteRequest, CastVoteResponse>(Voting + "CastVote", new()
        {
            BallotId = ballot.Id, MemberCityId = "daegu", MotionChoice = MotionChoice.Yes, IdempotencyKey = Guid.NewGuid().ToString(),
        });
        view = await NextAsync(screen, d => d.Tally?.VotesCast == 1);
        Assert.Empty(view.Tally.Counts);
        Assert.Null(view.Result);
        await secretariat.Unary<CloseBallotRequest, CloseBallotResponse>(Voting + "CloseBallot", new() { BallotId = ballot.Id });
        view = await NextAsync(screen, d => d.Result is not null);
        Assert.Equal(BallotStatus.Closed, view.Ballot.Status);
        Assert.Equal(BallotOutcome.Adopted, view.Result.Outcome);
        Assert.Equal((1, 1), (view.Result.MajorityBase, view.Result.VotesNeeded));
        Assert.Equal(1, view.Result.Counts.Single(c => c.MotionChoice == MotionChoice.Yes).Votes);
        Assert.Empty(view.Result.Members);

        // Revoked: the screen stops, and the token opens nothing any more.
        await secretariat.RevokeDisplayLink(Ga, "d1");
        var stopped = await Assert.ThrowsAsync<RpcException>(async () => { while (await screen.MoveNextAsync()) { } });
        Assert.Equal(StatusCode.Unauthenticated, stopped.StatusCode);
        Assert.Equal("This display link is not valid: it was revoked, or mistyped. Ask the secretariat for the screen's link.", stopped.Status.Detail);
        var again = server.Anonymous.ServerStreaming<WatchDisplayRequest, WatchDisplayResponse>(DisplayCalls.Service + "WatchDisplay", new() { Token = created.Token });
        Assert.Equal(StatusCode.Unauthenticated, (await Refused(async () => { await foreach (var _ in again) { } })).StatusCode);
        Assert.Empty((await secretariat.ListDisplayLinks(Ga)).DisplayLinks);
        Assert.NotNull((await secretariat.ListDisplayLinks(Ga, includeRevoked: true)).DisplayLinks.Single().RevokedAt);
        Assert.Equal(["display-link.created", "display-link.revoked"],
            (await secretariat.ListAuditEvents(new() { Filter = new() { SubjectPrefix = $"display-link/{Ga}/" } })).Events.Reverse().Select(e => e.Action));
        Assert.DoesNotContain(created.Token.Split('.')[1], string.Join("\n", (await secretariat.ListAuditEvents(new() { PageSize = 500 })).Events.Select(e => e.Details)));
    }

    [Fact]
    public async Task Bad_links_and_bad_requests_are_refused_precisely_and_change_nothing()
    {
        foreach (var token in new[] { "", "nonsense", $"{Ga}.short", $"{Ga}.{new string('A', 43)}", $"NO SUCH.{new string('A', 43)}" })
        {
            var call = server.Anonymous.ServerStreaming<WatchDisplayRequest, WatchDisplayResponse>(DisplayCalls.Service + "WatchDisplay", new() { Token = token });
            Assert.Equal(StatusCode.Unauthenticated, (await Refused(async () => { await foreach (var _ in call) { } })).StatusCode);
        }
        var unlabelled = await Refused(() => secretariat.CreateDisplayLink(Ga, " "));
        Assert.Equal(StatusCode.InvalidArgument, unlabelled.StatusCode);
        Assert.Equal("label is required.", unlabelled.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, (await Refused(() => secretariat.CreateDisplayLink(Ga, new string('x', 61)))).StatusCode);
        var unknown = await Refused(() => secretariat.CreateDisplayLink("no-such-assembly", "Hall"));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => secretariat.RevokeDisplayLink(Ga, "d9"))).StatusCode);
        Assert.Empty((await secretariat.ListDisplayLinks(Ga, includeRevoked: true)).DisplayLinks);
    }
}

public sealed class SqliteDisplayEndToEndTests : DisplayEndToEndTests
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
public sealed class PostgresDisplayEndToEndTests(PostgresCluster cluster) : DisplayEndToEndTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}

/// <summary>Typed DisplayService calls as one signed-in caller.</summary>
public static class DisplayCalls
{
    public const string Service = "/wego.assembly.v1.DisplayService/";

    public static Task<CreateDisplayLinkResponse> CreateDisplayLink(this SampleApi api, string assemblyId, string label) =>
        api.Unary<CreateDisplayLinkRequest, CreateDisplayLinkResponse>(Service + "CreateDisplayLink", new() { AssemblyId = assemblyId, Label = label });

    public static Task<ListDisplayLinksResponse> ListDisplayLinks(this SampleApi api, string assemblyId, bool includeRevoked = false) =>
        api.Unary<ListDisplayLinksRequest, ListDisplayLinksResponse>(Service + "ListDisplayLinks", new() { AssemblyId = assemblyId, IncludeRevoked = includeRevoked });

    public static Task<RevokeDisplayLinkResponse> RevokeDisplayLink(this SampleApi api, string assemblyId, string linkId) =>
        api.Unary<RevokeDisplayLinkRequest, RevokeDisplayLinkResponse>(Service + "RevokeDisplayLink", new() { AssemblyId = assemblyId, DisplayLinkId = linkId });
}
