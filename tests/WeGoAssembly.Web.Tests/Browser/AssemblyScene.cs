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

    /// <summary>An open secret motion (a quorum must be present): an agenda item, its ballot, opened.</summary>
    public async Task<Ballot> OpenMotionAsync(string questionEn, string questionKo)
    {
        var item = (await secretariat.Unary<CreateAgendaItemRequest, CreateAgendaItemResponse>(Agenda + "CreateAgendaItem", new()
        {
            AgendaItem = new() { AssemblyId = Id, Number = "1", TitleEn = "Budget", TitleKo = "예산", Kind = AgendaItemKind.Decision },
        })).AgendaItem;
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
        var item = (await secretariat.Unary<CreateAgendaItemRequest, CreateAgendaItemResponse>(Agenda + "CreateAgendaItem", new()
        {
            AgendaItem = new() { AssemblyId = Id, Number = "2", TitleEn = "Smart city charter", TitleKo = "스마트 도시 헌장", Kind = AgendaItemKind.Discussion },
        })).AgendaItem.Id;
        await secretariat.SetSpeakingTimeLimit(item, TimeSpan.FromMinutes(1));
        await secretariat.RequestFloor(item, SpeechKind.Speak, participantId);
        await secretariat.GiveFloor(item);
        await secretariat.StopSpeakingTimer(item);
        await secretariat.RequestFloor(item, SpeechKind.For, participantId);
        await secretariat.RequestFloor(item, SpeechKind.PointOfOrder, participantId);
        await secretariat.GiveFloor(item);
        return item;
    }

    /// <summary>Closes the ballot and returns its count.</summary>
    public async Task<BallotResult> CloseAsync(string ballotId) =>
        (await secretariat.Unary<CloseBallotRequest, CloseBallotResponse>(Voting + "CloseBallot", new() { BallotId = ballotId })).Result;
}
