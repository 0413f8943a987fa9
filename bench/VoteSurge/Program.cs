// Vote surge: N voting members (default 10,000) cast at once on one ballot over gRPC through our C#
// GrpcClient on many HTTP/2 connections; every reply waits for its vote to be durable. The same run
// measures the limits on this machine: bare Kestrel h2c round-trips with the same load generator against
// a minimal hand-written handler, and raw durable inserts of the same rows (SQLite: one commit per row and
// batches; PostgreSQL: a Npgsql loop, one commit per row, 50 clients). Setup is not measured.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Data.Sqlite;
using Npgsql;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Accreditation;
using WeGoAssembly.Grpc;
using WeGoAssembly.Runtime;
using WeGoAssembly.Server.Auth;
using WeGoAssembly.Server.Hosting;
using WeGoAssembly.Storage.Voting;
using WeGoAssembly.Testing;
using V1 = WeGoAssembly.Protos.V1;

var db = Arg("--db", "sqlite");
var members = int.Parse(Arg("--members", "10000"));
var connections = int.Parse(Arg("--connections", "50"));
Console.WriteLine($"VoteSurge: {members} voting members, {connections} HTTP/2 connections, database {db}, {Environment.ProcessorCount} cores");

PostgresCluster? cluster = null;
string? sqlitePath = null;
var settings = new Dictionary<string, string?>();
if (db == "postgres")
{
    cluster = new PostgresCluster();
    await cluster.InitializeAsync();
    settings["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync();
}
else
{
    sqlitePath = Path.Combine(Path.GetTempPath(), $"wego-votesurge-{Guid.NewGuid():N}.db");
    settings["Storage:SqlitePath"] = sqlitePath;
}

try
{
    var (grpcPort, webPort) = (FreePort(), FreePort());
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpcPort}",
        ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
        ["Kestrel:Endpoints:Web:Url"] = $"http://127.0.0.1:{webPort}",
        ["Kestrel:Endpoints:Web:Protocols"] = "Http1",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Seed:SampleData"] = "false",
        ["Auth:InitialAdmin:UserName"] = "admin",
        ["Auth:InitialAdmin:Password"] = "correct horse battery staple",
    });
    builder.Configuration.AddInMemoryCollection(settings);
    builder.AddWeGoAssembly();
    await using var app = builder.Build();
    await app.StartWeGoAssemblyAsync();

    // --- setup (not measured) ---
    var setup = Stopwatch.StartNew();
    var grains = app.Services.GetRequiredService<IGrainFactory>();
    var tokens = app.Services.GetRequiredService<BearerTokens>();
    const string A = "surge-2023";
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
        bearer[i] = "Bearer " + tokens.Issue(new CallerIdentity($"participant:{person.Id}", new HashSet<Role> { Role.Participant }, person.DisplayName,
            new ParticipantRef(person.Id, A, id, person.DisplayName))).Token;
    });
    var agenda = grains.GetGrain<IAgendaGrain>(A);
    var item = await agenda.CreateItemAsync(new AgendaItemDraft("1", "Budget", "", "", "", AgendaItemKind.Decision), "bench");
    var ballotId = await agenda.AllocateBallotAsync(item.Id, BallotKind.Motion, "bench");
    var ballot = grains.GetGrain<IBallotGrain>(ballotId);
    await ballot.CreateAsync(new Ballot(ballotId, A, item.Id, "Adopt the budget", "", BallotKind.Motion, 0, MajorityRule.SimpleMajorityOfVotesCast,
        BallotMethod.Secret, [], null, BallotStatus.Draft, null, null, ""), "bench");
    var (_, quorum) = await ballot.OpenAsync(null, "bench");
    Console.WriteLine($"setup: {members} members registered, badged and checked in, ballot open (quorum {quorum.Present}/{quorum.Eligible}) in {setup.Elapsed.TotalSeconds:F1} s");

    // --- the surge ---
    var clients = Enumerable.Range(0, connections).Select(_ => new GrpcClient(NewHttp($"http://127.0.0.1:{grpcPort}"))).ToArray();
    var ledger = app.Services.GetRequiredService<BallotLedger>();
    // Warm-up, not measured: opens the HTTP/2 connections and compiles the call path on both sides.
    await LoadAsync(Math.Min(members, 2000), connections, (i, c) => clients[c].UnaryAsync<V1.ListAgendaRequest, V1.ListAgendaResponse>(
        "/wego.assembly.v1.AgendaService/ListAgenda", new V1.ListAgendaRequest { AssemblyId = A },
        new CallOptions(new Dictionary<string, string> { ["authorization"] = bearer[i] })));

    async Task<(Load Load, long Batches, BallotResult Result)> SurgeAsync(IBallotGrain target, string id)
    {
        var batchesBefore = ledger.Batches;
        var load = await LoadAsync(members, connections, async (i, client) =>
        {
            var choice = (i % 3) switch { 0 => V1.MotionChoice.Yes, 1 => V1.MotionChoice.No, _ => V1.MotionChoice.Abstain };
            await clients[client].UnaryAsync<V1.CastVoteRequest, V1.CastVoteResponse>("/wego.assembly.v1.VotingService/CastVote",
                new V1.CastVoteRequest { BallotId = id, MemberCityId = ids[i], MotionChoice = choice, IdempotencyKey = Guid.NewGuid().ToString() },
                new CallOptions(new Dictionary<string, string> { ["authorization"] = bearer[i] }));
        });
        var batchCount = ledger.Batches - batchesBefore;
        var (_, counted) = await target.CloseAsync("bench");
        return (load, batchCount, counted);
    }

    async Task<(IBallotGrain Grain, string Id)> NewBallotAsync()
    {
        var id = await agenda.AllocateBallotAsync(item.Id, BallotKind.Motion, "bench");
        var grain = grains.GetGrain<IBallotGrain>(id);
        await grain.CreateAsync(new Ballot(id, A, item.Id, "Adopt the budget", "", BallotKind.Motion, 0, MajorityRule.SimpleMajorityOfVotesCast,
            BallotMethod.Secret, [], null, BallotStatus.Draft, null, null, ""), "bench");
        await grain.OpenAsync(null, "bench");
        return (grain, id);
    }

    // A first full surge on its own ballot warms the JIT (tiered compilation) on the whole vote path; reported, not judged.
    var (warmLoad, _, _) = await SurgeAsync(ballot, ballotId);
    Report("warm-up surge (first ballot, cold JIT; not judged)", warmLoad);
    var stored = members;
    var (measuredGrain, measuredId) = await NewBallotAsync();
    var (surge, batches, result) = await SurgeAsync(measuredGrain, measuredId);
    Report("CastVote over gRPC, durable", surge);
    Console.WriteLine($"  ledger: {batches} group commits, {(double)members / Math.Max(1, batches):F0} votes per commit on average");
    Console.WriteLine($"  closed: {result.VotesCast} votes counted ({string.Join(", ", result.Counts.Select(c => $"{c.Motion} {c.Votes}"))}), outcome {result.Outcome}");

    // Per-vote cost against the votes already stored in the ledger: within the measured surge (from the
    // completion times), then further ballots of the same members until `--cost-upto` votes are stored.
    var costUpTo = int.Parse(Arg("--cost-upto", "100000"));
    var costs = new List<string>
    {
        $"1,000 (warm-up ballot, cold JIT): {warmLoad.WindowMicros(1000, 2000):F1} µs",
        $"{stored + 1000:N0}: {surge.WindowMicros(1000, 2000):F1} µs",
    };
    stored += members;
    while (stored <= costUpTo)
    {
        var (grain, id) = await NewBallotAsync();
        var (load, _, _) = await SurgeAsync(grain, id);
        costs.Add($"{stored:N0}: {1e6 / load.PerSecond:F1} µs ({load.PerSecond:F0}/s, p99 {load.P99:F0} ms)");
        stored += members;
    }
    Console.WriteLine($"per-vote cost (wall time per acknowledged vote) with N votes already stored: {string.Join("; ", costs)}");

    // --- limit 1: bare Kestrel h2c with the same load generator ---
    var bare = await BareKestrelAsync(members, connections);
    Report("bare Kestrel h2c unary handler", bare);

    // --- limit 2: raw durable inserts of the same rows ---
    if (db == "postgres")
    {
        var perRow = await PostgresInsertsAsync(settings["ConnectionStrings:Postgres"]!, members, clients: 50);
        Console.WriteLine($"raw PostgreSQL inserts, one commit per row, 50 clients (Npgsql loop): {perRow:F0} rows/s");
        Console.WriteLine($"ratios: ours / bare Kestrel = {surge.PerSecond / bare.PerSecond:F2}; ours / raw single-row commits = {surge.PerSecond / perRow:F2}");
    }
    else
    {
        var (perRow, batched) = SqliteInserts(Path.Combine(Path.GetTempPath(), $"wego-raw-{Guid.NewGuid():N}.db"), members);
        Console.WriteLine($"raw SQLite inserts (WAL, synchronous=FULL): one commit per row {perRow:F0} rows/s; batches of 1,000 {batched:F0} rows/s");
        Console.WriteLine($"ratios: ours / bare Kestrel = {surge.PerSecond / bare.PerSecond:F2}; ours / single-row commits = {surge.PerSecond / perRow:F2}; ours / batched inserts = {surge.PerSecond / batched:F3}");
    }
    var met = surge.PerSecond >= 20_000 && surge.P99 < 50 && surge.PerSecond >= 0.4 * bare.PerSecond;
    Console.WriteLine($"bar (>= 20,000 votes/s, p99 < 50 ms, >= 0.4 x bare Kestrel): {(met ? "MET" : "NOT MET")}");
    await app.StopAsync();
}
finally
{
    if (cluster is not null)
        await cluster.DisposeAsync();
    if (sqlitePath is not null)
        foreach (var f in new[] { sqlitePath, sqlitePath + "-wal", sqlitePath + "-shm" })
            File.Delete(f);
}

// Runs n calls with `concurrency` in flight per connection (10 streams × connections), recording each call's latency.
static async Task<Load> LoadAsync(int n, int connections, Func<int, int, Task> call)
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
    return new Load(n, failures, n / elapsed, latencies[n / 2], latencies[(int)(n * 0.99)], Percentiles(latencies), completions);
}

static string Percentiles(double[] sorted) => $"p90 {sorted[(int)(sorted.Length * 0.9)]:F1} ms, max {sorted[^1]:F1} ms";

static void Report(string what, Load load) =>
    Console.WriteLine($"{what}: {load.Calls} calls, {load.Failures} failed, {load.PerSecond:F0}/s, p50 {load.P50:F1} ms, p99 {load.P99:F1} ms ({load.More})");

static async Task<Load> BareKestrelAsync(int n, int connections)
{
    var port = FreePort();
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
    await using var app = builder.Build();
    // A hand-written unary handler: read the framed request, answer an empty message with status 0 in the trailers.
    app.Run(async context =>
    {
        await context.Request.Body.CopyToAsync(Stream.Null);
        context.Response.ContentType = "application/grpc";
        context.Response.AppendTrailer("grpc-status", "0");
        await context.Response.Body.WriteAsync(new byte[5]);
    });
    await app.StartAsync();
    var clients = Enumerable.Range(0, connections).Select(_ => new GrpcClient(NewHttp($"http://127.0.0.1:{port}"))).ToArray();
    var load = await LoadAsync(n, connections, (i, c) => clients[c].UnaryAsync<V1.GetQuorumRequest, V1.GetQuorumResponse>("/bare/Echo",
        new V1.GetQuorumRequest { AssemblyId = "surge-2023" }, new CallOptions(new Dictionary<string, string> { ["authorization"] = "Bearer x" })));
    await app.StopAsync();
    return load;
}

static (double PerRow, double Batched) SqliteInserts(string path, int n)
{
    try
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
                CREATE TABLE ballot_voter (ballot_id TEXT NOT NULL, member_city_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, receipt_id TEXT NOT NULL,
                    cast_by TEXT NOT NULL, choice TEXT NULL, PRIMARY KEY (ballot_id, member_city_id)) WITHOUT ROWID;
                """;
            setup.ExecuteNonQuery();
        }
        double Run(string ballot, int perCommit)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO ballot_voter VALUES ($b, $m, $k, $r, $m, NULL)";
            var (b, m, k, r) = (insert.Parameters.Add("$b", SqliteType.Text), insert.Parameters.Add("$m", SqliteType.Text),
                insert.Parameters.Add("$k", SqliteType.Text), insert.Parameters.Add("$r", SqliteType.Text));
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < n; i += perCommit)
            {
                using var tx = connection.BeginTransaction();
                insert.Transaction = tx;
                for (var j = i; j < Math.Min(n, i + perCommit); j++)
                {
                    (b.Value, m.Value, k.Value, r.Value) = (ballot, $"city-{j:D6}", Guid.NewGuid().ToString(), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
                    insert.ExecuteNonQuery();
                }
                tx.Commit();
            }
            return n / clock.Elapsed.TotalSeconds;
        }
        return (Run("per-row", 1), Run("batched", 1000));
    }
    finally
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { path, path + "-wal", path + "-shm" })
            File.Delete(f);
    }
}

static async Task<double> PostgresInsertsAsync(string connectionString, int n, int clients)
{
    await using var source = NpgsqlDataSource.Create(connectionString);
    await using (var create = source.CreateCommand("CREATE TABLE raw_voter (ballot_id text, member_city_id text, idempotency_key text, receipt_id text, cast_by text, choice text, PRIMARY KEY (ballot_id, member_city_id))"))
        await create.ExecuteNonQueryAsync();
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
    {
        await using var connection = await source.OpenConnectionAsync();
        await using var insert = new NpgsqlCommand("INSERT INTO raw_voter VALUES ('b', $1, $2, $3, $1, NULL)", connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = "" });
        insert.Parameters.Add(new NpgsqlParameter { Value = "" });
        insert.Parameters.Add(new NpgsqlParameter { Value = "" });
        await insert.PrepareAsync();
        int i;
        while ((i = Interlocked.Increment(ref next)) < n)
        {
            (insert.Parameters[0].Value, insert.Parameters[1].Value, insert.Parameters[2].Value) = ($"city-{i:D6}", Guid.NewGuid().ToString(), Guid.NewGuid().ToString("N"));
            await insert.ExecuteNonQueryAsync();   // autocommit: one durable commit per row
        }
    }));
    return n / clock.Elapsed.TotalSeconds;
}

static HttpClient NewHttp(string address) => new(new SocketsHttpHandler { EnableMultipleHttp2Connections = false })
{
    BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(5),
};

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

record Load(int Calls, int Failures, double PerSecond, double P50, double P99, string More, long[] Completions)
{
    /// <summary>Wall time per completed call between the from-th and to-th completions, in µs.</summary>
    public double WindowMicros(int from, int to) =>
        Stopwatch.GetElapsedTime(Completions[from], Completions[Math.Min(to, Completions.Length - 1)]).TotalMicroseconds / Math.Max(1, to - from);
}
