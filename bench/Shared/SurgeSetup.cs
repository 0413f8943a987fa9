// Shared by the vote-surge benchmarks (bench/VoteSurge, bench/WatchLoad) and the watch load test
// (tests/WeGoAssembly.Server.Tests): the database, the in-process host, the N voting members and their tokens,
// ballots, and the load generator with its latency record.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grains.Auth;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Accreditation;
using Grpc.Core;
using Orleans;
using WeGoAssembly.Server.Auth;
using WeGoAssembly.Server.Hosting;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Bench;

/// <summary>A throwaway database for one run: a temporary SQLite file or a PostgreSQL cluster of its own; its settings for the host.</summary>
sealed class BenchDatabase : IAsyncDisposable
{
    private PostgresCluster? cluster;
    private string? sqlitePath;

    public string Kind { get; private init; } = "sqlite";

    public Dictionary<string, string?> Settings { get; } = new();

    public static async Task<BenchDatabase> CreateAsync(string kind)
    {
        var db = new BenchDatabase { Kind = kind };
        if (kind == "postgres")
        {
            db.cluster = new PostgresCluster();
            await db.cluster.InitializeAsync();
            db.Settings["ConnectionStrings:Postgres"] = await db.cluster.CreateDatabaseAsync();
        }
        else
        {
            db.sqlitePath = Path.Combine(Path.GetTempPath(), $"wego-bench-{Guid.NewGuid():N}.db");
            db.Settings["Storage:SqlitePath"] = db.sqlitePath;
        }
        return db;
    }

    public async ValueTask DisposeAsync()
    {
        if (cluster is not null)
            await cluster.DisposeAsync();
        if (sqlitePath is not null)
            foreach (var f in new[] { sqlitePath, sqlitePath + "-wal", sqlitePath + "-shm" })
                File.Delete(f);
    }
}

/// <summary>N voting members of one assembly, each checked in with a bearer token, and one decision item to open ballots on.</summary>
sealed class SurgeSetup(IGrainFactory grains, string[] memberCityIds, string[] bearer, string secretariatBearer, string agendaItemId)
{
    public const string AssemblyId = "surge-2023";

    /// <summary>The settings every bench host runs with, besides the database: no sample data, quiet logs, a known administrator.</summary>
    public static Dictionary<string, string?> HostSettings(int grpcPort, int webPort) => new()
    {
        ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpcPort}",
        ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
        ["Kestrel:Endpoints:Web:Url"] = $"http://127.0.0.1:{webPort}",
        ["Kestrel:Endpoints:Web:Protocols"] = "Http1",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Seed:SampleData"] = "false",
        ["Auth:InitialAdmin:UserName"] = "admin",
        ["Auth:InitialAdmin:Password"] = "correct horse battery staple",
    };

    /// <summary>Starts the real host in this process on free ports; returns it with its gRPC port.</summary>
    public static async Task<(WebApplication App, int GrpcPort)> StartHostAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var (grpcPort, webPort) = (FreePort(), FreePort());
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(HostSettings(grpcPort, webPort));
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddWeGoAssembly();
        var app = builder.Build();
        await app.StartWeGoAssemblyAsync();
        return (app, grpcPort);
    }

    public string[] MemberCityIds => memberCityIds;

    /// <summary>"Bearer …" of each member's voting delegate, by member index.</summary>
    public string[] Bearer => bearer;

    /// <summary>"Bearer …" of the secretariat, to open and close ballots over gRPC.</summary>
    public string SecretariatBearer => secretariatBearer;

    /// <summary>
    /// Through the grains, not measured: N Full member cities with dues paid, each with a voting delegate registered,
    /// credentials filed, approved, badged and checked in, and a bearer token for them; an assembly and a decision item.
    /// </summary>
    public static async Task<SurgeSetup> RegisterAsync(IServiceProvider services, int members)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var tokens = services.GetRequiredService<BearerTokens>();
        const string A = AssemblyId;
        await grains.GetGrain<IAssemblyGrain>(A).CreateAsync(new Assembly(A, "Vote surge", "Seoul", 2023, "Asia/Seoul", null, null,
            AssemblyRules.Default, false, default), "bench");
        var ids = Enumerable.Range(1, members).Select(i => $"city-{i:D6}").ToArray();
        var bearer = new string[members];
        var pdf = "%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"u8.ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, members), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var id = ids[i];
            await grains.GetGrain<IMemberCityGrain>(id).UpsertAsync(new MemberCity(id, $"City {i}", "", "KR", MemberCategory.Full, 2022, MemberStatus.Active, false, default), "bench");
            var delegation = grains.GetGrain<IDelegationGrain>($"{A}/{id}");
            var person = await delegation.RegisterAsync(new NewParticipant("Delegate", $"{i}", "Mayor", id, $"d@{id}.example.org", ParticipantRole.VotingDelegate, true), "bench");
            await delegation.SubmitCredentialsAsync(pdf, "credentials.pdf", "bench");
            await delegation.ReviewAsync(person.Id, AccreditationDecision.Approve, "", "bench");
            var badge = await delegation.IssueBadgeAsync(person.Id, "bench");
            await delegation.CheckInAsync(person.Id, BadgeSecrets.KeyOf(badge.QrSecret), "bench");
            // A token as RedeemAccessCode gives it: for a code that stands, so the server's access check accepts it.
            var participant = new ParticipantRef(person.Id, A, id, person.DisplayName);
            var (_, codeKey) = AccessCodes.New();
            await grains.GetGrain<IAccessCodeGrain>(codeKey).IssueAsync(participant, "bench");
            bearer[i] = "Bearer " + tokens.Issue(new CallerIdentity($"participant:{person.Id}", new HashSet<Role> { Role.Participant }, person.DisplayName,
                participant), codeKey).Token;
        });
        var item = await grains.GetGrain<IAgendaGrain>(A).CreateItemAsync(new AgendaItemDraft("1", "Budget", "", "", "", AgendaItemKind.Decision), "bench");
        var secretariat = "Bearer " + tokens.Issue(new CallerIdentity("staff:admin", new HashSet<Role> { Role.Secretariat }, "Bench secretariat", null)).Token;
        return new SurgeSetup(grains, ids, bearer, secretariat, item.Id);
    }

    /// <summary>A new secret motion on the decision item, created and (when <paramref name="open"/>) opened through the grains.</summary>
    public async Task<(IBallotGrain Grain, string Id, QuorumCount? Quorum)> NewBallotAsync(bool open = true)
    {
        var id = await grains.GetGrain<IAgendaGrain>(AssemblyId).AllocateBallotAsync(agendaItemId, BallotKind.Motion, "bench");
        var grain = grains.GetGrain<IBallotGrain>(id);
        await grain.CreateAsync(new Ballot(id, AssemblyId, agendaItemId, "Adopt the budget", "", BallotKind.Motion, 0, MajorityRule.SimpleMajorityOfVotesCast,
            BallotMethod.Secret, [], null, BallotStatus.Draft, null, null, ""), "bench");
        QuorumCount? quorum = open ? (await grain.OpenAsync(null, "bench")).Quorum : null;
        return (grain, id, quorum);
    }

    /// <summary>Every member casts a vote on the ballot over gRPC (yes / no / abstain in turn), 10 streams per connection.</summary>
    public Task<Load> SurgeAsync(GrpcClient[] clients, string ballotId) =>
        Load.RunAsync(memberCityIds.Length, clients.Length, async (i, client) =>
        {
            var choice = (i % 3) switch { 0 => Protos.V1.MotionChoice.Yes, 1 => Protos.V1.MotionChoice.No, _ => Protos.V1.MotionChoice.Abstain };
            await clients[client].UnaryAsync<Protos.V1.CastVoteRequest, Protos.V1.CastVoteResponse>("/wego.assembly.v1.VotingService/CastVote",
                new Protos.V1.CastVoteRequest { BallotId = ballotId, MemberCityId = memberCityIds[i], MotionChoice = choice, IdempotencyKey = Guid.NewGuid().ToString() },
                new CallSettings(new Dictionary<string, string> { ["authorization"] = bearer[i] }));
        });

    /// <summary>One HTTP/2 connection per client (h2c), with a long timeout for streams.</summary>
    public static HttpClient NewHttp(string address) => new(new SocketsHttpHandler { EnableMultipleHttp2Connections = false })
    {
        BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(5),
    };

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The outcome of n calls: rate, latency percentiles, and when each call completed.</summary>
sealed record Load(int Calls, int Failures, double PerSecond, double P50, double P99, string More, long[] Completions)
{
    /// <summary>Runs n calls with 10 in flight per connection, recording each call's latency and completion time.</summary>
    public static async Task<Load> RunAsync(int n, int connections, Func<int, int, Task> call)
    {
        var latencies = new double[n];
        var completions = new long[n];
        var done = -1;
        var next = -1;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections * 10).Select(worker => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < n)
            {
                var start = Stopwatch.GetTimestamp();
                try { await call(i, worker % connections); }
                catch (Exception e) { if (Interlocked.Increment(ref failures) <= 3) Console.WriteLine($"  call failed: {e.Message}"); }
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                completions[Interlocked.Increment(ref done)] = Stopwatch.GetTimestamp();
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new Load(n, failures, n / elapsed, latencies[n / 2], latencies[(int)(n * 0.99)],
            $"p90 {latencies[(int)(n * 0.9)]:F1} ms, max {latencies[^1]:F1} ms", completions);
    }

    public void Report(string what) =>
        Console.WriteLine($"{what}: {Calls} calls, {Failures} failed, {PerSecond:F0}/s, p50 {P50:F1} ms, p99 {P99:F1} ms ({More})");

    /// <summary>Wall time per completed call between the from-th and to-th completions, in µs.</summary>
    public double WindowMicros(int from, int to) =>
        Stopwatch.GetElapsedTime(Completions[from], Completions[Math.Min(to, Completions.Length - 1)]).TotalMicroseconds / Math.Max(1, to - from);
}
