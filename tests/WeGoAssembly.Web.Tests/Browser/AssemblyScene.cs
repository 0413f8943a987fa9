using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Tests;

namespace WeGoAssembly.Web.Tests.Browser;

/// <summary>
/// A fresh assembly on the shared server, arranged through the gRPC API as the secretariat: each journey gets its own,
/// so journeys never see each other's delegates or ballots. Quorum is 1/20 of the 55 members eligible in 2023: 3 present.
/// </summary>
public sealed class AssemblyScene
{
    private const string Voting = "/wego.assembly.v1.VotingService/", Agenda = "/wego.assembly.v1.AgendaService/";
    private static int counter;

    private readonly WeGoServer server;
    private readonly SampleApi secretariat;

    private AssemblyScene(WeGoServer server, SampleApi secretariat, string id) => (this.server, this.secretariat, Id) = (server, secretariat, id);

    public string Id { get; }

    public SampleApi Secretariat => secretariat;

    public static async Task<AssemblyScene> CreateAsync(WeGoServer server)
    {
        var secretariat = await server.SecretariatAsync();
        var id = $"web-{Interlocked.Increment(ref counter)}";
        await secretariat.CreateAssembly(new Assembly
        {
            Id = id, Title = "WeGO General Assembly (browser tests)", Venue = "Seoul City Hall", Year = 2023, TimeZone = "Asia/Seoul",
            Rules = new AssemblyRules { Quorum = new() { Numerator = 1, Denominator = 20 } },
        });
        return new(server, secretariat, id);
    }

    /// <summary>A voting delegate of <paramref name="city"/>: registered, approved, badged, checked in unless told otherwise; returns their access code.</summary>
    public async Task<(string ParticipantId, string AccessCode)> DelegateAsync(string city, bool checkIn = true, string givenName = "민준")
    {
        var badge = await secretariat.BadgedAsync(Id, city, givenName: givenName);
        if (checkIn)
            await secretariat.CheckIn(badge.QrSecret);
        var p = badge.Participant;
        return (p.Id, await server.IssueAccessCodeAsync(new(p.Id, Id, city, p.GivenName)));
    }

    /// <summary>Seoul's, Busan's and Daegu's voting delegates in the hall (a quorum); returns Seoul's access code.</summary>
    public async Task<string> QuorumInTheHallAsync()
    {
        var (_, code) = await DelegateAsync("seoul");
        await DelegateAsync("busan");
        await DelegateAsync("daegu");
        return code;
    }

    /// <summary>A quorum in the hall (<see cref="QuorumInTheHallAsync"/>) and the budget motion open; returns Seoul's access code and the ballot.</summary>
    public async Task<(string AccessCode, Ballot Ballot)> BudgetVoteOpenAsync()
    {
        var code = await QuorumInTheHallAsync();
        return (code, await OpenMotionAsync("Adopt the 2024 budget?", "2024년 예산안을 채택합니까?"));
    }

    /// <summary>A new item at the end of the agenda.</summary>
    public async Task<AgendaItem> AgendaItemAsync(string number, string titleEn, string titleKo, AgendaItemKind kind) =>
        (await secretariat.Unary<CreateAgendaItemRequest, CreateAgendaItemResponse>(Agenda + "CreateAgendaItem", new()
        {
            AgendaItem = new() { AssemblyId = Id, Number = number, TitleEn = titleEn, TitleKo = titleKo, Kind = kind },
        })).AgendaItem;

    /// <summary>An open secret motion (a quorum must be present): an agenda item, its ballot, opened.</summary>
    public async Task<Ballot> OpenMotionAsync(string questionEn, string questionKo)
    {
        var item = await AgendaItemAsync("1", "Budget", "예산", AgendaItemKind.Decision);
        return await OpenMotionOnAsync(item.Id, questionEn, questionKo);
    }

    /// <summary>An open secret motion (simple majority of votes cast) on a decision item (a quorum must be present).</summary>
    public async Task<Ballot> OpenMotionOnAsync(string itemId, string questionEn, string questionKo)
    {
        var ballot = (await secretariat.Unary<CreateBallotRequest, CreateBallotResponse>(Voting + "CreateBallot", new()
        {
            Ballot = new()
            {
                AgendaItemId = itemId, QuestionEn = questionEn, QuestionKo = questionKo, Kind = BallotKind.Motion,
                MajorityRule = MajorityRule.SimpleMajorityOfVotesCast, Method = BallotMethod.Secret,
            },
        })).Ballot;
        return (await secretariat.Unary<OpenBallotRequest, OpenBallotResponse>(Voting + "OpenBallot", new() { BallotId = ballot.Id })).Ballot;
    }

    /// <summary>An item under debate: the participant has the floor (a minute limit) after one speech, and asks again; returns the item.</summary>
    public async Task<string> FloorWithSpeakersAsync(string participantId)
    {
        var item = (await AgendaItemAsync("2", "Smart city charter", "스마트 도시 헌장", AgendaItemKind.Discussion)).Id;
        await secretariat.SetSpeakingTimeLimit(item, TimeSpan.FromMinutes(1));
        await secretariat.RequestFloor(item, SpeechKind.Speak, participantId);
        await secretariat.GiveFloor(item);
        await secretariat.StopSpeakingTimer(item);
        await secretariat.RequestFloor(item, SpeechKind.For, participantId);
        await secretariat.RequestFloor(item, SpeechKind.PointOfOrder, participantId);
        await secretariat.GiveFloor(item);
        return item;
    }

    /// <summary>A decision item with a tabled motion and three amendments from Seoul's delegation: awaiting the chair, admitted, ruled out of order.</summary>
    public async Task<string> AmendedMotionAsync()
    {
        var item = (await AgendaItemAsync("3", "Reporting charter", "보고 헌장", AgendaItemKind.Decision)).Id;
        await secretariat.SetMotionText(item, "The assembly adopts the charter.", "Members report yearly.", "The secretariat publishes the reports.");
        await secretariat.SubmitAmendment(item, "seoul", AmendmentKind.Replace, "p2", "Members report every two years.", "Yearly reports burden small cities.");
        await secretariat.SubmitAmendment(item, "seoul", AmendmentKind.Insert, "p1", "Each member names a focal point.", "Someone must answer.");
        await secretariat.SubmitAmendment(item, "seoul", AmendmentKind.Delete, "p3", "", "Reports stay internal.");
        await secretariat.DecideAmendment(item, "a2", admit: true, "");
        await secretariat.DecideAmendment(item, "a3", admit: false, "It defeats the purpose of the motion.");
        return item;
    }

    /// <summary>Closes the ballot and returns its count.</summary>
    public async Task<BallotResult> CloseAsync(string ballotId) =>
        (await secretariat.Unary<CloseBallotRequest, CloseBallotResponse>(Voting + "CloseBallot", new() { BallotId = ballotId })).Result;
}
