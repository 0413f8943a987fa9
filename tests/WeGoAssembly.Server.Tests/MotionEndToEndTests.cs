using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;
using Assembly = WeGoAssembly.Protos.V1.Assembly;
using AssemblyRules = WeGoAssembly.Protos.V1.AssemblyRules;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// Motions and amendments through the real host: delegations submit, the chair admits or rules out of order and sets
/// the order, amendments are voted (real ballots, real votes) before the main motion and in that order, an adopted
/// one changes the text the motion is voted on, and bad input changes nothing; on one database engine per subclass.
/// </summary>
public abstract class MotionEndToEndTests : IAsyncLifetime
{
    private const string Ga = "motion-2023", Agenda = "/wego.assembly.v1.AgendaService/", Voting = "/wego.assembly.v1.VotingService/";

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
            Id = Ga, Title = "WeGO General Assembly (motion tests)", Venue = "Seoul City Hall", Year = 2023, TimeZone = "Asia/Seoul",
            Rules = new AssemblyRules { Quorum = new() { Numerator = 1, Denominator = 20 } },
        });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    private async Task<SampleApi> InTheHallAsync(string city)
    {
        var badge = await secretariat.BadgedAsync(Ga, city);
        await secretariat.CheckIn(badge.QrSecret);
        var p = badge.Participant;
        return await server.ParticipantAsync(await server.IssueAccessCodeAsync(new(p.Id, Ga, city, p.GivenName)));
    }

    private async Task<string> ItemAsync(string number, AgendaItemKind kind = AgendaItemKind.Decision) =>
        (await secretariat.Unary<CreateAgendaItemRequest, CreateAgendaItemResponse>(Agenda + "CreateAgendaItem", new()
        {
            AgendaItem = new() { AssemblyId = Ga, Number = number, TitleEn = $"Charter {number}", Kind = kind },
        })).AgendaItem.Id;

    private async Task<string> BallotAsync(string item, string amendmentId) =>
        (await secretariat.Unary<CreateBallotRequest, CreateBallotResponse>(Voting + "CreateBallot", new()
        {
            Ballot = new()
            {
                AgendaItemId = item, QuestionEn = amendmentId.Length > 0 ? $"Adopt amendment {amendmentId}?" : "Adopt the charter?", Kind = BallotKind.Motion,
                MajorityRule = MajorityRule.SimpleMajorityOfVotesCast, Method = BallotMethod.RollCall, AmendmentId = amendmentId,
            },
        })).Ballot.Id;

    private Task<OpenBallotResponse> OpenAsync(string ballotId) =>
        secretariat.Unary<OpenBallotRequest, OpenBallotResponse>(Voting + "OpenBallot", new() { BallotId = ballotId });

    // Opens the ballot, the three cities vote as told, and it closes; returns the outcome.
    private async Task<BallotOutcome> VoteAsync(string ballotId, params (SampleApi Api, string City, MotionChoice Choice)[] votes)
    {
        await OpenAsync(ballotId);
        foreach (var (api, city, choice) in votes)
            await api.Unary<CastVoteRequest, CastVoteResponse>(Voting + "CastVote", new()
            {
                BallotId = ballotId, MemberCityId = city, MotionChoice = choice, IdempotencyKey = Guid.NewGuid().ToString(),
            });
        return (await secretariat.Unary<CloseBallotRequest, CloseBallotResponse>(Voting + "CloseBallot", new() { BallotId = ballotId })).Result.Outcome;
    }

    private static async Task<RpcException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

    private static string[] Text(Motion motion) => motion.Text.Select(p => $"{p.Id}: {p.Text}").ToArray();

    private static string Changes(Amendment a) => string.Concat(a.Changes.Select(c => c.Kind switch
    {
        TextChange.Types.Kind.Removed => $"[-{c.Text}]",
        TextChange.Types.Kind.Added => $"[+{c.Text}]",
        _ => c.Text,
    }));

    [Fact]
    public async Task Amendments_are_voted_in_the_chairs_order_before_the_motion_and_an_adopted_one_changes_the_text_it_is_voted_on()
    {
        var seoul = await InTheHallAsync("seoul");
        var busan = await InTheHallAsync("busan");
        var daegu = await InTheHallAsync("daegu");
        var item = await ItemAsync("5");
        var tabled = await secretariat.SetMotionText(item, "The assembly adopts the charter.", "Members report yearly.", "The secretariat publishes the reports.");
        Assert.Equal(["p1: The assembly adopts the charter.", "p2: Members report yearly.", "p3: The secretariat publishes the reports."], Text(tabled));

        // Daegu's delegate follows the motion live.
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var watch = daegu.ServerStreaming<WatchMotionRequest, WatchMotionResponse>(MotionCalls.Service + "WatchMotion", new() { AgendaItemId = item })
            .GetAsyncEnumerator(cancel.Token);
        Assert.True(await watch.MoveNextAsync());
        Assert.Empty(watch.Current.Motion.Amendments);

        var a1 = (await seoul.SubmitAmendment(item, "seoul", AmendmentKind.Replace, "p2", "Members report every two years.", "Yearly reports burden small cities.")).Amendment;
        Assert.Equal(("a1", AmendmentStatus.Submitted), (a1.Id, a1.Status));
        Assert.Equal("Members report [-yearly.][+every two years.]", Changes(a1));
        while (watch.Current.Motion.Amendments.Count == 0 && await watch.MoveNextAsync())
        {
        }
        Assert.Equal("a1", watch.Current.Motion.Amendments.Single().Id);
        var a2 = (await busan.SubmitAmendment(item, "busan", AmendmentKind.Insert, "p1", "Each member names a focal point.", "Someone must answer.")).Amendment;
        Assert.Equal("[+Each member names a focal point.]", Changes(a2));
        var a3 = (await daegu.SubmitAmendment(item, "daegu", AmendmentKind.Delete, "p3", "", "Reports stay internal.")).Amendment;
        Assert.Equal("[-The secretariat publishes the reports.]", Changes(a3));
        await secretariat.SubmitAmendment(item, "seoul", AmendmentKind.Replace, "p1", "The assembly notes the charter.", "Softer wording.");

        await secretariat.DecideAmendment(item, "a4", admit: false, "It reverses the purpose of the motion.");
        foreach (var id in new[] { "a1", "a2", "a3" })
            await secretariat.DecideAmendment(item, id, admit: true, "");
        var ordered = await secretariat.OrderAmendments(item, "a3", "a1", "a2");
        Assert.Equal([("a1", 2), ("a2", 3), ("a3", 1), ("a4", 0)], ordered.Amendments.Select(a => (a.Id, a.Order)));
        Assert.Equal((AmendmentStatus.OutOfOrder, "It reverses the purpose of the motion."), (ordered.Amendments[3].Status, ordered.Amendments[3].Ruling));

        // The main motion waits for its amendments, and the amendments for their turn.
        var main = await BallotAsync(item, "");
        var early = await Refused(() => OpenAsync(main));
        Assert.Equal(StatusCode.FailedPrecondition, early.StatusCode);
        Assert.Equal("Amendment a3 to item 5 is admitted and not yet voted on; amendments are voted before the main motion.", early.Status.Detail);
        var onA1 = await BallotAsync(item, "a1");
        var outOfTurn = await Refused(() => OpenAsync(onA1));
        Assert.Equal("Amendment a3 comes first in the voting order of item 5; vote on it before a1.", outOfTurn.Status.Detail);
        var onA4 = await Refused(() => BallotAsync(item, "a4"));
        Assert.Equal(StatusCode.FailedPrecondition, onA4.StatusCode);
        Assert.Equal("Amendment a4 is ruled out of order; a ballot decides only an admitted amendment.", onA4.Status.Detail);

        Assert.Equal(BallotOutcome.Rejected, await VoteAsync(await BallotAsync(item, "a3"), (seoul, "seoul", MotionChoice.No), (busan, "busan", MotionChoice.No), (daegu, "daegu", MotionChoice.Yes)));
        Assert.Equal(BallotOutcome.Adopted, await VoteAsync(onA1, (seoul, "seoul", MotionChoice.Yes), (busan, "busan", MotionChoice.Yes)));
        Assert.Equal(BallotOutcome.Adopted, await VoteAsync(await BallotAsync(item, "a2"), (busan, "busan", MotionChoice.Yes)));

        var motion = await daegu.GetMotion(item);
        Assert.Equal(["p1: The assembly adopts the charter.", "p4: Each member names a focal point.", "p2: Members report every two years.", "p3: The secretariat publishes the reports."], Text(motion));
        Assert.Equal(["p1", "p2", "p3"], motion.Tabled.Select(p => p.Id));
        Assert.Equal([AmendmentStatus.Adopted, AmendmentStatus.Adopted, AmendmentStatus.Rejected, AmendmentStatus.OutOfOrder], motion.Amendments.Select(a => a.Status));
        Assert.Equal("Members report [-yearly.][+every two years.]", Changes(motion.Amendments[0]));   // what it changed, kept once adopted
        Assert.Equal(onA1, motion.Amendments[0].BallotId);

        Assert.Equal(BallotOutcome.Adopted, await VoteAsync(main, (seoul, "seoul", MotionChoice.Yes), (busan, "busan", MotionChoice.Yes), (daegu, "daegu", MotionChoice.No)));
        motion = await secretariat.GetMotion(item);
        Assert.True(motion.Decided);
        var late = await Refused(() => seoul.SubmitAmendment(item, "seoul", AmendmentKind.Delete, "p4", "", "Too late."));
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);
        Assert.Equal("The motion of item 5 has been voted on; it takes no more amendments.", late.Status.Detail);
        // The minutes record each amendment, its fate, and the text voted on.
        var minutes = System.Net.WebUtility.HtmlDecode(await new HttpClient().GetStringAsync(new Uri(server.WebAddress, $"/assemblies/{Ga}/minutes")));
        Assert.Contains("<tr><td>a1</td><td>Seoul · 서울</td><td>replace p2 with · p2 대체: “Members report every two years.”</td><td>Yearly reports burden small cities.</td><td>adopted · 가결 (" + onA1 + ")</td></tr>", minutes);
        Assert.Contains("<td>ruled out of order · 의사 규칙 위반으로 기각: It reverses the purpose of the motion.</td>", minutes);
        Assert.Contains("<h3>The motion as voted · 표결된 동의안</h3><ol><li>The assembly adopts the charter.</li><li>Each member names a focal point.</li><li>Members report every two years.</li><li>The secretariat publishes the reports.</li></ol>", minutes);
        Assert.Equal(["motion.tabled", "amendment.submitted", "amendment.submitted", "amendment.submitted", "amendment.submitted", "amendment.ruled-out-of-order",
                "amendment.admitted", "amendment.admitted", "amendment.admitted", "amendments.ordered", "amendment.rejected", "amendment.adopted", "amendment.adopted"],
            (await secretariat.ListAuditEvents(new() { Filter = new() { SubjectPrefix = $"motion/{item}" }, PageSize = 50 })).Events.Reverse().Select(e => e.Action));
    }

    [Fact]
    public async Task Bad_input_gets_precise_errors_and_changes_nothing()
    {
        var seoul = await InTheHallAsync("seoul");
        await InTheHallAsync("busan");
        var item = await ItemAsync("6");
        var unknown = await Refused(() => secretariat.GetMotion($"{Ga}.item-99"));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        var notYet = await Refused(() => seoul.SubmitAmendment(item, "seoul", AmendmentKind.Delete, "p1", "", "Why not."));
        Assert.Equal("Item 6 has no motion text yet; the secretariat tables it first.", notYet.Status.Detail);
        var discussion = await ItemAsync("7", AgendaItemKind.Discussion);
        var noMotion = await Refused(() => secretariat.SetMotionText(discussion, "Text."));
        Assert.Equal(StatusCode.FailedPrecondition, noMotion.StatusCode);
        Assert.Equal("Item 7 is a discussion item; only a decision item has a motion.", noMotion.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, (await Refused(() => secretariat.SetMotionText(item))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Refused(() => secretariat.SetMotionText(item, "Fine.", " "))).StatusCode);

        await secretariat.SetMotionText(item, "The assembly adopts the charter.", "Members report yearly.");
        await seoul.SubmitAmendment(item, "seoul", AmendmentKind.Replace, "p2", "Members report every two years.", "Burden.");
        var before = await secretariat.GetMotion(item);

        var badParagraph = await Refused(() => seoul.SubmitAmendment(item, "seoul", AmendmentKind.Replace, "p9", "Text.", "Reason."));
        Assert.Equal(StatusCode.InvalidArgument, badParagraph.StatusCode);
        Assert.Equal("paragraph_id \"p9\" is not a paragraph of the motion now (p1, p2).", badParagraph.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, (await Refused(() => seoul.SubmitAmendment(item, "seoul", AmendmentKind.Delete, "p1", "Some text", "Reason."))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Refused(() => seoul.SubmitAmendment(item, "seoul", AmendmentKind.Replace, "p1", "The assembly adopts the charter.", "Same."))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Refused(() => seoul.SubmitAmendment(item, "seoul", AmendmentKind.Unspecified, "p1", "Text.", "Reason."))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Refused(() => seoul.SubmitAmendment(item, "seoul", AmendmentKind.Insert, "p1", "Text.", ""))).StatusCode);
        var forOthers = await Refused(() => seoul.SubmitAmendment(item, "busan", AmendmentKind.Delete, "p1", "", "Reason."));
        Assert.Equal(StatusCode.PermissionDenied, forOthers.StatusCode);
        var noDelegation = await Refused(() => secretariat.SubmitAmendment(item, "incheon", AmendmentKind.Delete, "p1", "", "Reason."));
        Assert.Equal(StatusCode.FailedPrecondition, noDelegation.StatusCode);
        var unreasoned = await Refused(() => secretariat.DecideAmendment(item, "a1", admit: false, " "));
        Assert.Equal(StatusCode.InvalidArgument, unreasoned.StatusCode);
        Assert.Equal("reason is required.", unreasoned.Status.Detail);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => secretariat.DecideAmendment(item, "a7", admit: true, ""))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Refused(() => secretariat.DecideAmendment(item, "amendment-1", admit: true, ""))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Refused(() => secretariat.OrderAmendments(item, "a1"))).StatusCode);   // a1 is not admitted yet
        var notAdmitted = await Refused(() => BallotAsync(item, "a1"));
        Assert.Equal(StatusCode.FailedPrecondition, notAdmitted.StatusCode);
        var retabled = await Refused(() => secretariat.SetMotionText(item, "Another text."));
        Assert.Equal("Amendments to item 6 have been submitted; its text stands as tabled.", retabled.Status.Detail);

        var after = await secretariat.GetMotion(item);
        Assert.Equal(before, after);

        // A closed item's motion is closed.
        await secretariat.Unary<UpdateAgendaItemRequest, UpdateAgendaItemResponse>(Agenda + "UpdateAgendaItem", new()
        {
            AgendaItem = new() { Id = item, Number = "6", TitleEn = "Charter 6", Kind = AgendaItemKind.Decision, Status = AgendaItemStatus.Closed },
        });
        var closed = await Refused(() => seoul.SubmitAmendment(item, "seoul", AmendmentKind.Delete, "p1", "", "Reason."));
        Assert.Equal(StatusCode.FailedPrecondition, closed.StatusCode);
        Assert.Equal("Item 6 is closed; its motion is closed.", closed.Status.Detail);
    }
}

public sealed class SqliteMotionEndToEndTests : MotionEndToEndTests
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
public sealed class PostgresMotionEndToEndTests(PostgresCluster cluster) : MotionEndToEndTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}

/// <summary>Typed MotionService calls as one signed-in caller.</summary>
public static class MotionCalls
{
    public const string Service = "/wego.assembly.v1.MotionService/";

    public static async Task<Motion> SetMotionText(this SampleApi api, string itemId, params string[] paragraphs) =>
        (await api.Unary<SetMotionTextRequest, SetMotionTextResponse>(Service + "SetMotionText", new() { AgendaItemId = itemId, Paragraphs = { paragraphs } })).Motion;

    public static async Task<Motion> GetMotion(this SampleApi api, string itemId) =>
        (await api.Unary<GetMotionRequest, GetMotionResponse>(Service + "GetMotion", new() { AgendaItemId = itemId })).Motion;

    public static Task<SubmitAmendmentResponse> SubmitAmendment(this SampleApi api, string itemId, string city, AmendmentKind kind, string paragraphId, string text, string reason) =>
        api.Unary<SubmitAmendmentRequest, SubmitAmendmentResponse>(Service + "SubmitAmendment", new()
        {
            AgendaItemId = itemId, MemberCityId = city, Kind = kind, ParagraphId = paragraphId, Text = text, Reason = reason,
        });

    public static async Task<Motion> WithdrawAmendment(this SampleApi api, string itemId, string amendmentId) =>
        (await api.Unary<WithdrawAmendmentRequest, WithdrawAmendmentResponse>(Service + "WithdrawAmendment", new() { AgendaItemId = itemId, AmendmentId = amendmentId })).Motion;

    public static async Task<Motion> DecideAmendment(this SampleApi api, string itemId, string amendmentId, bool admit, string reason) =>
        (await api.Unary<DecideAmendmentRequest, DecideAmendmentResponse>(Service + "DecideAmendment", new() { AgendaItemId = itemId, AmendmentId = amendmentId, Admit = admit, Reason = reason })).Motion;

    public static async Task<Motion> OrderAmendments(this SampleApi api, string itemId, params string[] amendmentIds) =>
        (await api.Unary<OrderAmendmentsRequest, OrderAmendmentsResponse>(Service + "OrderAmendments", new() { AgendaItemId = itemId, AmendmentIds = { amendmentIds } })).Motion;
}
