using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;
using Assembly = WeGoAssembly.Protos.V1.Assembly;
using AssemblyRules = WeGoAssembly.Protos.V1.AssemblyRules;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// The speakers' list through the real host and the C# client: queue order with points of order, a closed list,
/// withdrawing, reordering, the timer and the time per speaker and delegation, the live stream, and bad input that
/// changes nothing; on one database engine per subclass.
/// </summary>
public abstract class FloorEndToEndTests : IAsyncLifetime
{
    private const string Ga = "floor-2023", Agenda = "/wego.assembly.v1.AgendaService/";

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
            Id = Ga, Title = "WeGO General Assembly (floor tests)", Venue = "Seoul City Hall", Year = 2023, TimeZone = "Asia/Seoul",
            Rules = new AssemblyRules { Quorum = new() { Numerator = 1, Denominator = 20 } },
        });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    private sealed record Delegate(SampleApi Api, string Id, string City);

    private async Task<Delegate> DelegateAsync(string city, string givenName, ParticipantRole role = ParticipantRole.VotingDelegate)
    {
        var p = (await secretariat.BadgedAsync(Ga, city, role, givenName)).Participant;
        return new(await server.ParticipantAsync(await server.IssueAccessCodeAsync(new(p.Id, Ga, city, p.GivenName))), p.Id, city);
    }

    private async Task<string> ItemAsync(string number, AgendaItemKind kind = AgendaItemKind.Decision) =>
        (await secretariat.Unary<CreateAgendaItemRequest, CreateAgendaItemResponse>(Agenda + "CreateAgendaItem", new()
        {
            AgendaItem = new() { AssemblyId = Ga, Number = number, TitleEn = $"Motion {number}", TitleKo = $"안건 {number}", Kind = kind },
        })).AgendaItem.Id;

    // A time as the minutes write it: in the assembly's zone (Seoul), zone named.
    private static string Local(Timestamp at) => $"{at.ToDateTimeOffset().ToOffset(TimeSpan.FromHours(9)):yyyy-MM-dd HH:mm} (Asia/Seoul)";

    private static async Task<RpcException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

    private static string[] Queue(Floor floor) => floor.Queue.Select(r => $"{r.Id}:{r.DisplayName}:{r.Kind}").ToArray();

    [Fact]
    public async Task Points_of_order_go_ahead_of_speakers_and_a_closed_list_takes_only_them()
    {
        var item = await ItemAsync("3");
        var seoul = await DelegateAsync("seoul", "Minjun");
        var busan = await DelegateAsync("busan", "Seoyeon");
        var daegu = await DelegateAsync("daegu", "Jiho");

        await seoul.Api.RequestFloor(item, SpeechKind.Speak);
        await busan.Api.RequestFloor(item, SpeechKind.Against);
        await daegu.Api.RequestFloor(item, SpeechKind.PointOfOrder);
        // Busan waits to speak and may still raise a point of order: after the one already waiting, ahead of the speakers.
        var floor = (await busan.Api.RequestFloor(item, SpeechKind.PointOfOrder)).Floor;
        Assert.Equal(["r3:Jiho 김:PointOfOrder", "r4:Seoyeon 김:PointOfOrder", "r1:Minjun 김:Speak", "r2:Seoyeon 김:Against"], Queue(floor));
        Assert.Equal(["busan", "busan"], floor.Queue.Where(r => r.ParticipantId == busan.Id).Select(r => r.MemberCityId));

        var twice = await Refused(() => seoul.Api.RequestFloor(item, SpeechKind.For));
        Assert.Equal(StatusCode.AlreadyExists, twice.StatusCode);
        Assert.Equal("Minjun 김 is already on the speakers' list of item 3 (r1, to speak); withdraw that request first.", twice.Status.Detail);

        await secretariat.SetSpeakersListOpen(item, open: false);
        var closed = await Refused(() => secretariat.RequestFloor(item, SpeechKind.For, daegu.Id));
        Assert.Equal(StatusCode.FailedPrecondition, closed.StatusCode);
        Assert.Equal("The speakers' list of item 3 is closed; only a point of order may be raised.", closed.Status.Detail);
        floor = (await seoul.Api.RequestFloor(item, SpeechKind.PointOfOrder)).Floor;
        Assert.Equal(["r3", "r4", "r5", "r1", "r2"], floor.Queue.Select(r => r.Id));
        Assert.False(floor.ListOpen);

        // A delegate withdraws only their own request; the secretariat any.
        var notTheirs = await Refused(() => busan.Api.WithdrawFloorRequest(item, "r1"));
        Assert.Equal(StatusCode.PermissionDenied, notTheirs.StatusCode);
        Assert.Equal("Withdrawing request r1 needs the Secretariat role, or to be the participant who asked for it.", notTheirs.Status.Detail);
        await busan.Api.WithdrawFloorRequest(item, "r2");
        floor = (await secretariat.WithdrawFloorRequest(item, "r5")).Floor;
        Assert.Equal(["r3", "r4", "r1"], floor.Queue.Select(r => r.Id));

        floor = (await secretariat.ReorderSpeakers(item, "r1", "r3", "r4")).Floor;
        Assert.Equal(["r1", "r3", "r4"], floor.Queue.Select(r => r.Id));
        var incomplete = await Refused(() => secretariat.ReorderSpeakers(item, "r1", "r3"));
        Assert.Equal(StatusCode.InvalidArgument, incomplete.StatusCode);
        Assert.Equal("request_ids must list each of the 3 waiting requests exactly once (r1, r3, r4).", incomplete.Status.Detail);

        floor = (await secretariat.SetSpeakersListOpen(item, open: true)).Floor;
        Assert.True(floor.ListOpen);
        floor = (await secretariat.RequestFloor(item, SpeechKind.For, daegu.Id)).Floor;
        Assert.Equal(["r1", "r3", "r4", "r6"], floor.Queue.Select(r => r.Id));
        Assert.Equal(["floor.requested", "floor.requested", "floor.requested", "floor.requested", "floor.list-closed", "floor.requested",
                "floor.withdrawn", "floor.withdrawn", "floor.reordered", "floor.list-reopened", "floor.requested"],
            (await secretariat.ListAuditEvents(new() { Filter = new() { SubjectPrefix = $"floor/{item}" }, PageSize = 50 })).Events.Reverse().Select(e => e.Action));
    }

    [Fact]
    public async Task The_timer_keeps_each_speech_without_its_pauses_and_adds_up_the_time_per_speaker_and_delegation()
    {
        var item = await ItemAsync("4");
        var seoul = await DelegateAsync("seoul", "Minjun");
        var seoulAdvisor = await DelegateAsync("seoul", "Jisoo", ParticipantRole.Advisor);
        var busan = await DelegateAsync("busan", "Seoyeon");
        await seoul.Api.RequestFloor(item, SpeechKind.For);
        await busan.Api.RequestFloor(item, SpeechKind.Against);
        await seoulAdvisor.Api.RequestFloor(item, SpeechKind.Speak);

        var limit = await secretariat.SetSpeakingTimeLimit(item, TimeSpan.FromMinutes(3));
        Assert.Equal(TimeSpan.FromMinutes(3), limit.SpeakingTimeLimit.ToTimeSpan());

        var first = Stopwatch.StartNew();
        var floor = (await secretariat.GiveFloor(item)).Floor;
        Assert.Equal("r1", floor.Current.Request.Id);
        Assert.True(floor.Current.Running);
        await Task.Delay(300);
        floor = (await secretariat.PauseSpeakingTimer(item)).Floor;
        Assert.False(floor.Current.Running);
        var paused = floor.Current.Elapsed.ToTimeSpan();
        await Task.Delay(1200);
        Assert.Equal(paused, (await secretariat.GetFloor(item)).Current.Elapsed.ToTimeSpan());   // a paused timer stands still
        floor = (await secretariat.StartSpeakingTimer(item)).Floor;
        Assert.True(floor.Current.Running);
        await Task.Delay(300);
        var stopped = await secretariat.StopSpeakingTimer(item);
        var wall = first.Elapsed;
        var spoken = stopped.Speech.Duration.ToTimeSpan();
        Assert.InRange(spoken, TimeSpan.FromMilliseconds(600), wall - TimeSpan.FromMilliseconds(1200));
        Assert.Null(stopped.Floor.Current);

        // Giving the floor while someone speaks ends that speech.
        await secretariat.GiveFloor(item);
        await Task.Delay(200);
        floor = (await secretariat.GiveFloor(item, "r3")).Floor;
        Assert.Equal("r3", floor.Current.Request.Id);
        await Task.Delay(200);
        floor = (await secretariat.StopSpeakingTimer(item)).Floor;

        Assert.Equal(["r1", "r2", "r3"], floor.Speeches.Select(s => s.Request.Id));
        Assert.Equal(spoken, floor.Speeches[0].Duration.ToTimeSpan());
        Assert.Equal([(seoul.Id, 1), (busan.Id, 1), (seoulAdvisor.Id, 1)], floor.BySpeaker.Select(s => (s.ParticipantId, s.Speeches)));
        Assert.Equal([("seoul", 2), ("busan", 1)], floor.ByDelegation.Select(s => (s.MemberCityId, s.Speeches)));
        var seoulTotal = floor.ByDelegation[0].Total.ToTimeSpan();
        Assert.Equal(floor.Speeches[0].Duration.ToTimeSpan() + floor.Speeches[2].Duration.ToTimeSpan(), seoulTotal);

        // The minutes list who spoke on the item, in order, with their time.
        var minutes = await new HttpClient().GetStringAsync(new Uri(server.WebAddress, $"/assemblies/{Ga}/minutes"));
        var debate = minutes[minutes.IndexOf("<h2>4. Motion 4", StringComparison.Ordinal)..];
        Assert.StartsWith("<h2>4. Motion 4<br><span lang=\"ko\">안건 4</span></h2><h3>Speakers · 발언자</h3>", debate);
        string Row(int n, string name, string city, string kind, int speech) =>
            $"<tr><td>{n}</td><td>{name}</td><td>{city}</td><td>{kind}</td><td>{Local(floor.Speeches[speech].GivenAt)}</td><td>{Application.FloorMapping.Clock(floor.Speeches[speech].Duration.ToTimeSpan())}</td></tr>";
        var rows = new[] { Row(1, "Minjun 김", "Seoul · 서울", "for · 찬성", 0), Row(2, "Seoyeon 김", "Busan · 부산", "against · 반대", 1), Row(3, "Jisoo 김", "Seoul · 서울", "to speak · 발언", 2) };
        Assert.Contains(string.Concat(rows), System.Net.WebUtility.HtmlDecode(debate));

        var cleared = await secretariat.SetSpeakingTimeLimit(item, TimeSpan.Zero);
        Assert.Null(cleared.SpeakingTimeLimit);
        Assert.Equal(["floor.requested", "floor.requested", "floor.requested", "floor.time-limit-set", "floor.given", "floor.speech-ended",
                "floor.given", "floor.given", "floor.speech-ended", "floor.time-limit-set"],
            (await secretariat.ListAuditEvents(new() { Filter = new() { SubjectPrefix = $"floor/{item}" }, PageSize = 50 })).Events.Reverse().Select(e => e.Action));
    }

    [Fact]
    public async Task WatchFloor_pushes_a_new_speaker_and_a_new_request_to_a_participant()
    {
        var item = await ItemAsync("5", AgendaItemKind.Discussion);
        var seoul = await DelegateAsync("seoul", "Minjun");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var stream = seoul.Api.ServerStreaming<WatchFloorRequest, WatchFloorResponse>(FloorCalls.Service + "WatchFloor", new() { AgendaItemId = item })
            .GetAsyncEnumerator(cancel.Token);
        Assert.True(await stream.MoveNextAsync());
        Assert.Empty(stream.Current.Floor.Queue);

        await seoul.Api.RequestFloor(item, SpeechKind.Speak);
        Assert.Equal(["r1"], (await NextAsync(stream, f => f.Queue.Count > 0)).Queue.Select(r => r.Id));

        var given = Stopwatch.StartNew();
        await secretariat.GiveFloor(item);
        var floor = await NextAsync(stream, f => f.Current is not null);
        var seen = given.Elapsed;
        Assert.Equal(seoul.Id, floor.Current.Request.ParticipantId);
        Assert.Empty(floor.Queue);
        Assert.InRange(seen, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    // The next floor the stream sends that shows the change (a node may send the same floor twice, when it starts listening).
    private static async Task<Floor> NextAsync(IAsyncEnumerator<WatchFloorResponse> stream, Func<Floor, bool> shows)
    {
        while (await stream.MoveNextAsync())
            if (shows(stream.Current.Floor))
                return stream.Current.Floor;
        throw new InvalidOperationException("WatchFloor ended.");
    }

    [Fact]
    public async Task Bad_input_gets_precise_errors_and_changes_nothing()
    {
        var item = await ItemAsync("6");
        var seoul = await DelegateAsync("seoul", "Minjun");
        await seoul.Api.RequestFloor(item, SpeechKind.Speak);
        var before = await secretariat.GetFloor(item);

        var unknown = await Refused(() => seoul.Api.RequestFloor($"{Ga}.item-99", SpeechKind.Speak));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal($"No agenda item \"{Ga}.item-99\" exists at assembly \"{Ga}\".", unknown.Status.Detail);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => secretariat.GetFloor($"{Ga}.item-99"))).StatusCode);
        var malformed = await Refused(() => secretariat.GetFloor($"{Ga}.ballot-1"));
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Equal($"agenda_item_id \"{Ga}.ballot-1\" is not an agenda item id such as \"ga-2023.item-3\".", malformed.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, (await Refused(() => seoul.Api.RequestFloor(item, SpeechKind.Unspecified))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Refused(() => secretariat.RequestFloor(item, SpeechKind.Speak, ""))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => secretariat.RequestFloor(item, SpeechKind.Speak, $"{Ga}.seoul.p99"))).StatusCode);
        var someoneElse = await Refused(() => seoul.Api.RequestFloor(item, SpeechKind.Speak, $"{Ga}.busan.p1"));
        Assert.Equal(StatusCode.PermissionDenied, someoneElse.StatusCode);

        var unapproved = (await secretariat.Register(Ga, "daegu", "Jiho", ParticipantRole.Advisor)).Participant;
        var notAccredited = await Refused(() => secretariat.RequestFloor(item, SpeechKind.Speak, unapproved.Id));
        Assert.Equal(StatusCode.FailedPrecondition, notAccredited.StatusCode);
        Assert.Contains("accreditation is submitted; only accredited participants ask for the floor", notAccredited.Status.Detail);

        Assert.Equal(StatusCode.FailedPrecondition, (await Refused(() => secretariat.StopSpeakingTimer(item))).StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, (await Refused(() => secretariat.PauseSpeakingTimer(item))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => secretariat.GiveFloor(item, "r9"))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Refused(() => secretariat.GiveFloor(item, "speaker-1"))).StatusCode);
        var tooShort = await Refused(() => secretariat.SetSpeakingTimeLimit(item, TimeSpan.FromSeconds(5)));
        Assert.Equal(StatusCode.InvalidArgument, tooShort.StatusCode);
        Assert.Equal("limit 5 s must be whole seconds from 10 to 3600, or zero for no limit.", tooShort.Status.Detail);
        Assert.Equal(StatusCode.PermissionDenied, (await Refused(() => seoul.Api.GiveFloor(item))).StatusCode);

        // An item that is dealt with takes no more requests and gives no floor; a speech under way when it closes is kept.
        var closedItem = await ItemAsync("7");
        await seoul.Api.RequestFloor(closedItem, SpeechKind.Speak);
        await secretariat.GiveFloor(closedItem);
        await secretariat.Unary<UpdateAgendaItemRequest, UpdateAgendaItemResponse>(Agenda + "UpdateAgendaItem", new()
        {
            AgendaItem = new() { Id = closedItem, Number = "7", TitleEn = "Motion 7", Kind = AgendaItemKind.Decision, Status = AgendaItemStatus.Closed },
        });
        var closed = await Refused(() => seoul.Api.RequestFloor(closedItem, SpeechKind.PointOfOrder));
        Assert.Equal(StatusCode.FailedPrecondition, closed.StatusCode);
        Assert.Equal("Item 7 is closed; the floor is no longer given on it.", closed.Status.Detail);
        var dealtWith = await secretariat.GetFloor(closedItem);
        Assert.Null(dealtWith.Current);
        Assert.Equal(seoul.Id, dealtWith.Speeches.Single().Request.ParticipantId);

        var after = await secretariat.GetFloor(item);
        after.AsOf = before.AsOf;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_participant_of_another_assembly_reads_no_floor_of_this_one()
    {
        var item = await ItemAsync("8");
        await secretariat.CreateAssembly(new Assembly { Id = "other-2023", Title = "Another assembly", Venue = "Busan", Year = 2023, TimeZone = "Asia/Seoul" });
        var p = (await secretariat.BadgedAsync("other-2023", "busan")).Participant;
        var outsider = await server.ParticipantAsync(await server.IssueAccessCodeAsync(new(p.Id, "other-2023", "busan", p.GivenName)));
        var refused = await Refused(() => outsider.GetFloor(item));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal($"GetFloor for an item of {Ga} needs a staff role or a participant of {Ga}; you are a participant of other-2023.", refused.Status.Detail);
        var asking = await Refused(() => outsider.RequestFloor(item, SpeechKind.Speak));
        Assert.Equal(StatusCode.PermissionDenied, asking.StatusCode);
        Assert.Equal($"RequestFloor for an item of {Ga} needs a staff role or a participant of {Ga}; you are a participant of other-2023.", asking.Status.Detail);
        Assert.Equal(StatusCode.PermissionDenied, (await Refused(() => outsider.WithdrawFloorRequest(item, "r1"))).StatusCode);
    }
}

public sealed class SqliteFloorEndToEndTests : FloorEndToEndTests
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
public sealed class PostgresFloorEndToEndTests(PostgresCluster cluster) : FloorEndToEndTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}

/// <summary>Typed FloorService calls as one signed-in caller.</summary>
public static class FloorCalls
{
    public const string Service = "/wego.assembly.v1.FloorService/";

    public static Task<RequestFloorResponse> RequestFloor(this SampleApi api, string itemId, SpeechKind kind, string participantId = "") =>
        api.Unary<RequestFloorRequest, RequestFloorResponse>(Service + "RequestFloor", new() { AgendaItemId = itemId, Kind = kind, ParticipantId = participantId });

    public static Task<WithdrawFloorRequestResponse> WithdrawFloorRequest(this SampleApi api, string itemId, string requestId) =>
        api.Unary<WithdrawFloorRequestRequest, WithdrawFloorRequestResponse>(Service + "WithdrawFloorRequest", new() { AgendaItemId = itemId, RequestId = requestId });

    public static Task<ReorderSpeakersResponse> ReorderSpeakers(this SampleApi api, string itemId, params string[] requestIds) =>
        api.Unary<ReorderSpeakersRequest, ReorderSpeakersResponse>(Service + "ReorderSpeakers", new() { AgendaItemId = itemId, RequestIds = { requestIds } });

    public static Task<GiveFloorResponse> GiveFloor(this SampleApi api, string itemId, string requestId = "") =>
        api.Unary<GiveFloorRequest, GiveFloorResponse>(Service + "GiveFloor", new() { AgendaItemId = itemId, RequestId = requestId });

    public static Task<StartSpeakingTimerResponse> StartSpeakingTimer(this SampleApi api, string itemId) =>
        api.Unary<StartSpeakingTimerRequest, StartSpeakingTimerResponse>(Service + "StartSpeakingTimer", new() { AgendaItemId = itemId });

    public static Task<PauseSpeakingTimerResponse> PauseSpeakingTimer(this SampleApi api, string itemId) =>
        api.Unary<PauseSpeakingTimerRequest, PauseSpeakingTimerResponse>(Service + "PauseSpeakingTimer", new() { AgendaItemId = itemId });

    public static Task<StopSpeakingTimerResponse> StopSpeakingTimer(this SampleApi api, string itemId) =>
        api.Unary<StopSpeakingTimerRequest, StopSpeakingTimerResponse>(Service + "StopSpeakingTimer", new() { AgendaItemId = itemId });

    public static async Task<Floor> SetSpeakingTimeLimit(this SampleApi api, string itemId, TimeSpan limit) =>
        (await api.Unary<SetSpeakingTimeLimitRequest, SetSpeakingTimeLimitResponse>(Service + "SetSpeakingTimeLimit",
            new() { AgendaItemId = itemId, Limit = Duration.FromTimeSpan(limit) })).Floor;

    public static Task<SetSpeakersListOpenResponse> SetSpeakersListOpen(this SampleApi api, string itemId, bool open) =>
        api.Unary<SetSpeakersListOpenRequest, SetSpeakersListOpenResponse>(Service + "SetSpeakersListOpen", new() { AgendaItemId = itemId, Open = open });

    public static async Task<Floor> GetFloor(this SampleApi api, string itemId) =>
        (await api.Unary<GetFloorRequest, GetFloorResponse>(Service + "GetFloor", new() { AgendaItemId = itemId })).Floor;
}
