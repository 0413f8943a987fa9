using WeGoAssembly.Testing;
using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Storage;

namespace WeGoAssembly.Testing;

/// <summary>
/// An assembly on a <see cref="ServerProcess"/> (or on a cluster's nodes behind nginx), set up through the API only: <see cref="Members"/> full member
/// cities, each with an approved, badged voting delegate checked in and signed in with their access code. It opens
/// ballots, runs vote surges over the real C# client (each vote with its own idempotency key), and reads the ballot
/// ledger tables directly (deploy/sql/*/005-ballot-ledger.sql) to compare them with what the API acknowledged.
/// Shared by the crash and database-fault tests and bench/CrashRecovery.
/// </summary>
public sealed class SurgeAssembly : IAsyncDisposable
{
    /// <summary>The longest any single call may take; a call still running then is a hang.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private const string AssemblyId = "surge-2023", Voting = "/wego.assembly.v1.VotingService/";
    private const int Connections = 8, InFlight = 64;

    private readonly HttpClient[] http;
    private readonly GrpcClient[] clients;
    private readonly IDbConnectionFactory ledgerConnections;
    private string secretariatToken = "";
    private string[] memberIds = [];
    private string[] voterTokens = [];
    private int agendaItems;

    private readonly ServerProcess? server;

    private SurgeAssembly(ServerProcess? server, Uri address, Func<HttpMessageHandler> handlers, IDbConnectionFactory ledgerConnections)
    {
        this.server = server;
        this.ledgerConnections = ledgerConnections;
        http = Enumerable.Range(0, Connections).Select(_ => new HttpClient(handlers()) { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan }).ToArray();
        clients = http.Select(h => new GrpcClient(h)).ToArray();
    }

    /// <summary>The server the assembly runs on, when it was started with it.</summary>
    public ServerProcess Server => server ?? throw new InvalidOperationException("This assembly was set up on a cluster; it has no server of its own.");

    /// <summary>How many members vote on each ballot (member i is <c>city-{i:D5}</c>).</summary>
    public int Members => memberIds.Length;

    /// <summary>Starts the server on <paramref name="database"/> and sets up the assembly with <paramref name="members"/> voters.</summary>
    public static async Task<SurgeAssembly> StartAsync(TestDatabase database, int members)
    {
        var server = await ServerProcess.StartAsync(database.ServerSettings);
        try
        {
            var services = await database.CreateServicesAsync(applySchema: false);
            var assembly = new SurgeAssembly(server, server.GrpcAddress, DirectHandler, services.GetRequiredService<IDbConnectionFactory>());
            await assembly.SetUpAsync(members);
            return assembly;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Sets up the assembly with <paramref name="members"/> voters through <paramref name="address"/> (nginx in front of a
    /// cluster), each connection made by <paramref name="handlers"/>; the ledger is read from <paramref name="database"/>.
    /// </summary>
    public static async Task<SurgeAssembly> SetUpAsync(Uri address, Func<HttpMessageHandler> handlers, TestDatabase database, int members)
    {
        var services = await database.CreateServicesAsync(applySchema: false);
        var assembly = new SurgeAssembly(null, address, handlers, services.GetRequiredService<IDbConnectionFactory>());
        await assembly.SetUpAsync(members);
        return assembly;
    }

    private static SocketsHttpHandler DirectHandler() => new() { EnableMultipleHttp2Connections = false, ConnectTimeout = TimeSpan.FromSeconds(5) };

    /// <summary>A new motion on a new agenda item, opened; returns its ballot id.</summary>
    public async Task<string> OpenBallotAsync()
    {
        var number = Interlocked.Increment(ref agendaItems).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var item = await AsSecretariat<CreateAgendaItemRequest, CreateAgendaItemResponse>("/wego.assembly.v1.AgendaService/CreateAgendaItem", new()
        {
            AgendaItem = new() { AssemblyId = AssemblyId, Number = number, TitleEn = $"Motion {number}", TitleKo = $"안건 {number}", Kind = AgendaItemKind.Decision },
        });
        var ballot = await AsSecretariat<CreateBallotRequest, CreateBallotResponse>(Voting + "CreateBallot", new()
        {
            Ballot = new()
            {
                AgendaItemId = item.AgendaItem.Id, QuestionEn = $"Adopt motion {number}?", Kind = BallotKind.Motion,
                MajorityRule = MajorityRule.SimpleMajorityOfVotesCast, Method = BallotMethod.Secret,
            },
        });
        await AsSecretariat<OpenBallotRequest, OpenBallotResponse>(Voting + "OpenBallot", new() { BallotId = ballot.Ballot.Id });
        return ballot.Ballot.Id;
    }

    /// <summary>One vote per member, each with a fresh idempotency key and a choice, drawn from <paramref name="random"/>.</summary>
    public IReadOnlyList<PlannedVote> PlanVotes(string ballotId, Random random)
    {
        var choices = new[] { MotionChoice.Yes, MotionChoice.No, MotionChoice.Abstain };
        return Enumerable.Range(0, Members).Select(i =>
        {
            var key = new byte[16];
            random.NextBytes(key);
            return new PlannedVote(ballotId, i, memberIds[i], new Guid(key).ToString(), choices[random.Next(choices.Length)]);
        }).ToList();
    }

    /// <summary>
    /// Casts <paramref name="vote"/> as its member's delegate, with <see cref="CallTimeout"/> as the deadline, through
    /// <paramref name="via"/> when given (another node), else through the assembly's own connections.
    /// </summary>
    public async Task<VoteOutcome> CastAsync(PlannedVote vote, GrpcClient? via = null)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var response = await (via ?? clients[vote.Member % Connections]).UnaryAsync<CastVoteRequest, CastVoteResponse>(Voting + "CastVote",
                new CastVoteRequest { BallotId = vote.BallotId, MemberCityId = vote.MemberCityId, MotionChoice = vote.Choice, IdempotencyKey = vote.IdempotencyKey },
                Options(voterTokens[vote.Member]));
            return new(vote, response.Receipt, null, clock.Elapsed);
        }
        catch (RpcException e)
        {
            return new(vote, null, e, clock.Elapsed);
        }
    }

    /// <summary>
    /// Casts every vote with <see cref="InFlight"/> calls in flight at once; <paramref name="onReply"/> runs as each
    /// call ends (on the caller's worker, so it can kill the server at an exact acknowledged count).
    /// </summary>
    public async Task<IReadOnlyList<VoteOutcome>> SurgeAsync(IReadOnlyList<PlannedVote> votes, Action<VoteOutcome>? onReply = null)
    {
        var outcomes = new VoteOutcome[votes.Count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < votes.Count)
            {
                outcomes[i] = await CastAsync(votes[i]);
                onReply?.Invoke(outcomes[i]);
            }
        })));
        return outcomes;
    }

    /// <summary>
    /// Closes the ballot, then reads its result with GetBallotResult; retried while a node of a cluster restarts
    /// (UNAVAILABLE), and a retry that finds the ballot closed means the first attempt closed it.
    /// </summary>
    public async Task<BallotResult> CloseAsync(string ballotId)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AsSecretariat<CloseBallotRequest, CloseBallotResponse>(Voting + "CloseBallot", new() { BallotId = ballotId });
                break;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition && attempt > 1)
            {
                break;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 100)
            {
                await Task.Delay(100);
            }
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await AsSecretariat<GetBallotResultRequest, GetBallotResultResponse>(Voting + "GetBallotResult", new() { BallotId = ballotId })).Result;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The ballot's rows in the ledger tables, read straight from the database.</summary>
    public async Task<StoredBallot> ReadLedgerAsync(string ballotId)
    {
        await using var connection = await ledgerConnections.OpenAsync();
        var receipts = new Dictionary<string, string>(StringComparer.Ordinal);
        var tally = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT member_city_id, receipt_id FROM ballot_voter WHERE ballot_id = @ballot";
            AddBallot(command, ballotId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                receipts.Add(reader.GetString(0), reader.GetString(1));
        }
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT choice, votes FROM ballot_tally WHERE ballot_id = @ballot";
            AddBallot(command, ballotId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                tally.Add(reader.GetString(0), Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
        }
        return new(receipts, tally);
    }

    /// <summary>
    /// What must hold once every planned vote has been cast and acknowledged and the ballot closed: each member's
    /// vote counted once with its planned choice, in the result and in the ledger, and the two agree. Returns the
    /// differences found, in words; none when all holds.
    /// </summary>
    public static IReadOnlyList<string> CompareFinal(IReadOnlyList<PlannedVote> votes, BallotResult result, StoredBallot ledger)
    {
        var problems = new List<string>();
        var planned = votes.GroupBy(v => Tally(v.Choice)).ToDictionary(g => g.Key, g => g.Count());
        var counted = result.Counts.ToDictionary(c => Tally(c.MotionChoice), c => c.Votes);
        foreach (var choice in new[] { "yes", "no", "abstain" })
        {
            var (want, got, stored) = (planned.GetValueOrDefault(choice), counted.GetValueOrDefault(choice), ledger.Tally.GetValueOrDefault(choice));
            if (want != got || got != stored)
                problems.Add($"'{choice}': {want} votes cast, {got} in the result, {stored} in ballot_tally.");
        }
        if (result.VotesCast != votes.Count)
            problems.Add($"The result counts {result.VotesCast} votes cast; {votes.Count} members voted.");
        if (ledger.Receipts.Count != votes.Count || votes.Any(v => !ledger.Receipts.ContainsKey(v.MemberCityId)))
            problems.Add($"ballot_voter holds {ledger.Receipts.Count} rows; {votes.Count} members voted.");
        return problems;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var h in http)
            h.Dispose();
        if (server is not null)
            await server.DisposeAsync();
    }

    private static string Tally(MotionChoice choice) => choice.ToString().ToLowerInvariant();

    private static void AddBallot(System.Data.Common.DbCommand command, string ballotId)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "ballot";
        parameter.Value = ballotId;
        command.Parameters.Add(parameter);
    }

    private static CallSettings Options(string token) =>
        new(new Dictionary<string, string> { ["authorization"] = "Bearer " + token }, DateTime.UtcNow + CallTimeout);

    private Task<TResponse> AsSecretariat<TRequest, TResponse>(string method, TRequest request)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        clients[0].UnaryAsync<TRequest, TResponse>(method, request, Options(secretariatToken));

    private async Task SetUpAsync(int members)
    {
        const string Accreditation = "/wego.assembly.v1.AccreditationService/";
        secretariatToken = (await clients[0].UnaryAsync<SignInRequest, SignInResponse>("/wego.assembly.v1.AuthService/SignIn",
            new() { UserName = ServerProcess.AdminUserName, Password = ServerProcess.AdminPassword })).Session.BearerToken;
        await AsSecretariat<CreateAssemblyRequest, CreateAssemblyResponse>("/wego.assembly.v1.AssemblyService/CreateAssembly", new()
        {
            Assembly = new()
            {
                Id = AssemblyId, Title = "WeGO General Assembly (vote surges)", Venue = "Seoul City Hall", Year = 2023, TimeZone = "Asia/Seoul",
                Rules = new AssemblyRules { Quorum = new() { Numerator = 1, Denominator = 2 } },
            },
        });
        memberIds = Enumerable.Range(0, members).Select(i => $"city-{i:D5}").ToArray();
        voterTokens = new string[members];
        var letter = ByteString.CopyFrom("%PDF-1.7\n1 0 obj << /Title (Credentials) >> endobj\n%%EOF\n"u8);
        await Parallel.ForEachAsync(Enumerable.Range(0, members), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var city = memberIds[i];
            await AsSecretariat<UpsertMemberCityRequest, UpsertMemberCityResponse>("/wego.assembly.v1.MembershipService/UpsertMemberCity", new()
            {
                MemberCity = new() { Id = city, NameEn = $"City {i}", CountryCode = "KR", Category = MemberCategory.Full, DuesPaidThroughYear = 2022, Status = MemberStatus.Active },
            });
            var registered = await AsSecretariat<RegisterParticipantRequest, RegisterParticipantResponse>(Accreditation + "RegisterParticipant", new()
            {
                AssemblyId = AssemblyId, MemberCityId = city, GivenName = "Delegate", FamilyName = $"{i}", Title = "Mayor",
                Organisation = $"{city} city hall", Email = $"delegate@{city}.example.org", Role = ParticipantRole.VotingDelegate, HeadOfDelegation = true,
            });
            await AsSecretariat<SubmitCredentialsRequest, SubmitCredentialsResponse>(Accreditation + "SubmitCredentials",
                new() { AssemblyId = AssemblyId, MemberCityId = city, Content = letter, FileName = "credentials.pdf" });
            await AsSecretariat<ReviewAccreditationRequest, ReviewAccreditationResponse>(Accreditation + "ReviewAccreditation",
                new() { ParticipantId = registered.Participant.Id, Decision = AccreditationDecision.Approve });
            var badge = await AsSecretariat<IssueBadgeRequest, IssueBadgeResponse>(Accreditation + "IssueBadge", new() { ParticipantId = registered.Participant.Id });
            await AsSecretariat<CheckInRequest, CheckInResponse>(Accreditation + "CheckIn", new() { BadgeCode = badge.QrSecret });
            voterTokens[i] = (await clients[i % Connections].UnaryAsync<RedeemAccessCodeRequest, RedeemAccessCodeResponse>(
                "/wego.assembly.v1.AuthService/RedeemAccessCode", new() { AccessCode = registered.AccessCode })).Session.BearerToken;
        });
    }
}

/// <summary>One member's vote as planned before a surge: its ballot, member, idempotency key and choice.</summary>
public sealed record PlannedVote(string BallotId, int Member, string MemberCityId, string IdempotencyKey, MotionChoice Choice);

/// <summary>How one CastVote call ended: the receipt when acknowledged, else the failure; and how long it took.</summary>
public sealed record VoteOutcome(PlannedVote Vote, VoteReceipt? Receipt, RpcException? Failure, TimeSpan Elapsed)
{
    public bool Acknowledged => Receipt is not null;
}

/// <summary>A ballot's rows in the ledger tables: receipt per member who voted (ballot_voter), votes per choice (ballot_tally).</summary>
public sealed record StoredBallot(IReadOnlyDictionary<string, string> Receipts, IReadOnlyDictionary<string, int> Tally)
{
    /// <summary>The acknowledged votes missing from ballot_voter (<c>Lost</c>) or stored with another receipt, in words.</summary>
    public IEnumerable<(string Problem, bool Lost)> CheckAcknowledged(IEnumerable<(string MemberCityId, string ReceiptId)> acknowledged)
    {
        foreach (var (member, given) in acknowledged)
        {
            if (!Receipts.TryGetValue(member, out var receipt))
                yield return ($"{member}: acknowledged with receipt {given} but not in ballot_voter.", true);
            else if (receipt != given)
                yield return ($"{member}: acknowledged with receipt {given}, stored with {receipt}.", false);
        }
    }
}
