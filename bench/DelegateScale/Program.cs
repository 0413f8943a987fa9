// Delegate scale: the set-up of an assembly at 10,000-delegate scale, measured from outside through the public gRPC
// API only. The real server runs as a child process (WeGoAssembly.Testing's ServerProcess) on a fresh SQLite file or a
// throwaway PostgreSQL cluster, sample data off; the bench signs in as the first administrator and calls the API with
// the generated C# clients over a few HTTP/2 connections.
//
//   dotnet run -c Release --project bench/DelegateScale -- --db sqlite                     # 10,000 delegates, 1,000 cities
//   dotnet run -c Release --project bench/DelegateScale -- --db postgres
//   dotnet run -c Release --project bench/DelegateScale -- --db sqlite --delegates 1000    # small: 1,000 delegates, 100 cities
//
// Options: --delegates N (multiple of 10, default 10000; cities = N/10), --in-flight 32 (calls in flight), --connections 4
// (HTTP/2 connections), --warmup 200 (delegates of a separate warm-up assembly, 0 for none), --order spread|city (spread:
// city 1..C's first person, then everyone's second, ...; city: the 10 people of a city one after another).
//
// Set-up, not timed: C Full member cities with dues paid (UpsertMemberCity), the assembly of this year (CreateAssembly),
// the warm-up assembly, and one credentials letter per delegation (SubmitCredentials; the review needs it on file; timed
// and printed on its own, counted as set-up). Timed, phase after phase over all N delegates with 32 calls in flight:
// RegisterParticipant (1 voting delegate and head, 1 alternate, 4 advisors, 4 observers per city), ReviewAccreditation
// (approve), IssueBadge, CheckIn with the badge's QR secret. For each phase the elapsed time when the N/10-th, N/2-th and
// N-th call completes (completion order) gives the per-delegate cost (elapsed / count). Then GetQuorum must report C present
// of C eligible and ListDelegations must list C delegations holding N participants, all badged and checked in; exit 1 if
// not, or if any call failed.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using Npgsql;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

const int PerCity = 10;
const double BarSeconds = 60;
var callTimeout = TimeSpan.FromSeconds(120);

var db = Arg("--db", "sqlite");
var delegates = int.Parse(Arg("--delegates", "10000"), CultureInfo.InvariantCulture);
var inFlight = int.Parse(Arg("--in-flight", "32"), CultureInfo.InvariantCulture);
var connections = int.Parse(Arg("--connections", "4"), CultureInfo.InvariantCulture);
var warmup = int.Parse(Arg("--warmup", "200"), CultureInfo.InvariantCulture);
var order = Arg("--order", "spread");
if (db is not ("sqlite" or "postgres") || order is not ("spread" or "city") || delegates < PerCity || delegates % PerCity != 0
    || warmup < 0 || warmup % PerCity != 0 || warmup / PerCity > delegates / PerCity || inFlight < 1 || connections < 1)
{
    Console.Error.WriteLine("usage: --db sqlite|postgres [--delegates N (multiple of 10)] [--in-flight 32] [--connections 4] [--warmup 200 (multiple of 10, at most N)] [--order spread|city]");
    return 2;
}
var cities = delegates / PerCity;
var year = DateTime.UtcNow.Year;
var assemblyId = $"scale-{year}";
int[] checkpoints = [delegates / 10, delegates / 2, delegates];

Console.WriteLine("DelegateScale: the set-up of an assembly (register, review, badge, check in) over the public gRPC API");
Console.WriteLine($"command: dotnet run -c Release --project bench/DelegateScale -- {string.Join(' ', args)}");
Console.WriteLine($"machine: {WeGoAssembly.Bench.Machine.Describe()}");
if (File.Exists("/proc/loadavg"))
    Console.WriteLine($"load average (1, 5, 15 min) at start: {string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))} (other work on the machine slows the timings)");
Console.WriteLine($"load: {delegates:N0} delegates of {cities:N0} Full member cities ({PerCity} each: 1 voting delegate (head), 1 alternate, 4 advisors, 4 observers), " +
    $"{inFlight} calls in flight on {connections} HTTP/2 connections, order {order}; the load generator shares the machine with the server");

PostgresCluster? cluster = null;
TempSqliteFile? sqlite = null;
ServerProcess? server = null;
var http = new List<HttpClient>();
try
{
    var settings = new Dictionary<string, string?>
    {
        ["Seed:SampleData"] = "false",
        // Only failures count towards the throttle and the bench signs in once; raised anyway, as the tests do.
        ["Auth:SignIn:MaxFailuresPerAddress"] = "10000",
    };
    if (db == "postgres")
    {
        cluster = new PostgresCluster();
        await cluster.InitializeAsync();
        var connectionString = await cluster.CreateDatabaseAsync();
        settings["ConnectionStrings:Postgres"] = connectionString;
        Console.WriteLine($"database: PostgreSQL {await PostgresVersionAsync(connectionString)}, a throwaway cluster (initdb, fsync on) on 127.0.0.1:{cluster.Port}, fresh database");
    }
    else
    {
        sqlite = new TempSqliteFile();
        settings["Storage:SqlitePath"] = sqlite.Path;
        Console.WriteLine($"database: SQLite, fresh file {sqlite.Path}");
    }

    var clock = Stopwatch.StartNew();
    server = await ServerProcess.StartAsync(settings);
    Console.WriteLine($"server: {server.GrpcAddress} (child process, sample data off), healthy after {clock.Elapsed.TotalSeconds:F1} s");

    for (var c = 0; c < connections; c++)
        http.Add(new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = server.GrpcAddress, Timeout = Timeout.InfiniteTimeSpan,
        });
    var channels = http.Select(h => new GrpcClient(h).Channel).ToArray();
    var membership = channels.Select(c => new MembershipService.MembershipServiceClient(c)).ToArray();
    var accreditation = channels.Select(c => new AccreditationService.AccreditationServiceClient(c)).ToArray();
    var assemblies = new AssemblyService.AssemblyServiceClient(channels[0]);
    var voting = new VotingService.VotingServiceClient(channels[0]);

    var signedIn = await new AuthService.AuthServiceClient(channels[0]).SignInAsync(
        new SignInRequest { UserName = ServerProcess.AdminUserName, Password = ServerProcess.AdminPassword }, new CallOptions(deadline: DateTime.UtcNow + callTimeout));
    var headers = new Metadata { { "authorization", "Bearer " + signedIn.Session.BearerToken } };
    CallOptions Options() => new(headers, DateTime.UtcNow + callTimeout);

    var errors = new Errors();

    // --- set-up, not timed ---
    clock.Restart();
    var cityIds = Enumerable.Range(1, cities).Select(i => $"city-{i:D5}").ToArray();
    await Phase.RunAsync("UpsertMemberCity", cities, inFlight, errors, async i =>
        await membership[i % connections].UpsertMemberCityAsync(new UpsertMemberCityRequest
        {
            MemberCity = new MemberCity
            {
                Id = cityIds[i], NameEn = $"City {i + 1}", CountryCode = "KR", Category = MemberCategory.Full,
                DuesPaidThroughYear = year - 1, Status = MemberStatus.Active,
            },
        }, Options()));
    await CreateAssemblyAsync(assemblyId, $"WeGO General Assembly {year} (delegate scale)");
    Console.WriteLine($"set-up: {cities:N0} Full member cities with dues paid through {year - 1} (UpsertMemberCity), assembly {assemblyId} (year {year}) in {clock.Elapsed.TotalSeconds:F1} s");

    var letter = ByteString.CopyFrom("%PDF-1.7\n1 0 obj << /Title (Credentials of the delegation) >> endobj\n%%EOF\n"u8);
    Task SubmitLetter(string assembly, int city) => accreditation[city % connections].SubmitCredentialsAsync(
        new SubmitCredentialsRequest { AssemblyId = assembly, MemberCityId = cityIds[city], Content = letter, FileName = "credentials.pdf" }, Options()).ResponseAsync;

    if (warmup > 0)
    {
        // A separate assembly over the first cities: warms the JIT and the connections on both sides for all four calls.
        clock.Restart();
        var warm = $"warmup-{year}";
        await CreateAssemblyAsync(warm, "Warm-up (not measured)");
        await Phase.RunAsync("SubmitCredentials", warmup / PerCity, inFlight, errors, i => SubmitLetter(warm, i));
        await RunPhasesAsync(warm, warmup / PerCity, warmup, null);
        Console.WriteLine($"warm-up (not measured): {warmup:N0} delegates of {warmup / PerCity} cities through all four phases on assembly {warm} in {clock.Elapsed.TotalSeconds:F1} s");
    }

    var letters = await Phase.RunAsync("SubmitCredentials", cities, inFlight, errors, i => SubmitLetter(assemblyId, i));
    Console.WriteLine($"set-up: credentials letters (SubmitCredentials, {letter.Length}-byte PDF) for {cities:N0} delegations: {letters.Wall.TotalSeconds:F2} s " +
        $"({letters.PerSecond:F0} calls/s, {letters.Failures} failed); counted as set-up, not in the timed total");

    // --- timed: four phases over all delegates ---
    Console.WriteLine();
    Console.WriteLine($"timed phases, {delegates:N0} delegates, {inFlight} calls in flight:");
    var phases = await RunPhasesAsync(assemblyId, cities, delegates, checkpoints);

    Console.WriteLine();
    Console.WriteLine("per-delegate cost, µs = elapsed since the phase started / delegates completed, at the n-th completion (completion order):");
    Console.WriteLine($"  {"delegates",10} {"register",10} {"review",10} {"badge",10} {"check-in",10} {"total",10}");
    foreach (var n in checkpoints)
    {
        var costs = phases.Select(p => p.CostMicros(n)).ToArray();
        Console.WriteLine($"  {n,10:N0} {costs[0],10:F0} {costs[1],10:F0} {costs[2],10:F0} {costs[3],10:F0} {costs.Sum(),10:F0}");
    }
    Console.WriteLine("marginal cost, µs per delegate completed within the window:");
    Console.WriteLine($"  {"window",16} {"register",10} {"review",10} {"badge",10} {"check-in",10} {"total",10}");
    var from = 0;
    foreach (var n in checkpoints)
    {
        var costs = phases.Select(p => p.WindowMicros(from, n)).ToArray();
        Console.WriteLine($"  {$"{from:N0}-{n:N0}",16} {costs[0],10:F0} {costs[1],10:F0} {costs[2],10:F0} {costs[3],10:F0} {costs.Sum(),10:F0}");
        from = n;
    }
    var timed = TimeSpan.FromTicks(phases.Sum(p => p.Wall.Ticks));
    var calls = phases.Sum(p => p.Calls);
    Console.WriteLine($"timed total (4 phases, {calls:N0} calls): {timed.TotalSeconds:F1} s, {calls / timed.TotalSeconds:F0} calls/s, " +
        $"{timed.TotalMicroseconds / delegates:F0} µs per delegate; with the credentials letters: {(timed + letters.Wall).TotalSeconds:F1} s");
    var barMet = timed.TotalSeconds <= BarSeconds;
    Console.WriteLine(delegates == 10_000
        ? $"bar (10,000 delegates registered, reviewed, badged and checked in within {BarSeconds:F0} s): {timed.TotalSeconds:F1} s, {(barMet ? "MET" : "NOT MET")}"
        : $"bar ({BarSeconds:F0} s for 10,000 delegates) applies to the full run; this run of {delegates:N0}: {timed.TotalSeconds:F1} s " +
          $"(at this per-delegate cost 10,000 would take {timed.TotalSeconds * 10_000 / delegates:F1} s)");

    // --- verify through the API ---
    Console.WriteLine();
    var ok = true;
    var quorum = (await voting.GetQuorumAsync(new GetQuorumRequest { AssemblyId = assemblyId }, Options())).Quorum;
    var quorumOk = quorum.Present == cities && quorum.Eligible == cities;
    ok &= quorumOk;
    Console.WriteLine($"verify GetQuorum: {quorum.Present:N0} present of {quorum.Eligible:N0} eligible (required {quorum.Required:N0}, met {quorum.Met}); expected {cities:N0} of {cities:N0}: {(quorumOk ? "OK" : "WRONG")}");
    clock.Restart();
    var (listed, people, badged, present, withLetter, pages) = (0, 0, 0, 0, 0, 0);
    var token = "";
    do
    {
        var page = await accreditation[0].ListDelegationsAsync(new ListDelegationsRequest { AssemblyId = assemblyId, PageSize = 200, PageToken = token }, Options());
        pages++;
        listed += page.Delegations.Count;
        foreach (var delegation in page.Delegations)
        {
            withLetter += delegation.CredentialsLetter is null ? 0 : 1;
            people += delegation.Participants.Count;
            badged += delegation.Participants.Count(p => p.AccreditationStatus == AccreditationStatus.BadgeIssued && p.BadgeNumber.Length > 0);
            present += delegation.Participants.Count(p => p.Presence == PresenceStatus.CheckedIn);
        }
        token = page.NextPageToken;
    } while (token.Length > 0);
    var listOk = listed == cities && people == delegates && badged == delegates && present == delegates;
    ok &= listOk;
    Console.WriteLine($"verify ListDelegations ({pages} pages of up to 200, {clock.Elapsed.TotalSeconds:F1} s): {listed:N0} delegations ({withLetter:N0} with a letter), " +
        $"{people:N0} participants, {badged:N0} badge issued, {present:N0} checked in; expected {cities:N0} delegations and {delegates:N0} participants, all badged and in: {(listOk ? "OK" : "WRONG")}");

    if (errors.Count > 0)
    {
        ok = false;
        Console.WriteLine($"FAILED CALLS: {errors.Count:N0}");
        errors.Print();
    }
    if (File.Exists("/proc/loadavg"))
        Console.WriteLine($"load average (1, 5, 15 min) at the end: {string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}");
    Console.WriteLine(ok ? "result: OK" : "result: FAILED");
    if (!ok)
        Console.WriteLine($"last server output:\n{string.Join('\n', server.Output.Split('\n').TakeLast(40))}");
    return ok ? 0 : 1;

    async Task CreateAssemblyAsync(string id, string title) =>
        await assemblies.CreateAssemblyAsync(new CreateAssemblyRequest
        {
            Assembly = new Assembly
            {
                Id = id, Title = title, Venue = "Seoul City Hall", Year = year, TimeZone = "Asia/Seoul",
                Rules = new AssemblyRules { Quorum = new QuorumRule { Numerator = 1, Denominator = 2, StrictlyMore = true } },
            },
        }, Options());

    // The four phases over the first `count` delegates of `cityCount` cities of `assembly`; printed when `marks` is given.
    async Task<Phase[]> RunPhasesAsync(string assembly, int cityCount, int count, int[]? marks)
    {
        // Person p = city * 10 + slot; the order in which they are worked through.
        var sequence = Enumerable.Range(0, count)
            .Select(k => order == "spread" ? (k % cityCount) * PerCity + k / cityCount : k)
            .ToArray();
        var participantIds = new string?[count];
        var qrSecrets = new string?[count];

        var register = await Phase.RunAsync("RegisterParticipant", sequence.Length, inFlight, errors, async k =>
        {
            var p = sequence[k];
            var (city, slot) = (p / PerCity, p % PerCity);
            var role = slot switch
            {
                0 => ParticipantRole.VotingDelegate, 1 => ParticipantRole.Alternate, < 6 => ParticipantRole.Advisor, _ => ParticipantRole.Observer,
            };
            var response = await accreditation[k % connections].RegisterParticipantAsync(new RegisterParticipantRequest
            {
                AssemblyId = assembly, MemberCityId = cityIds[city], GivenName = GivenNames[slot], FamilyName = $"Member {city + 1}",
                Title = slot == 0 ? "Mayor" : "Director", Organisation = $"City {city + 1} city hall",
                Email = $"person{slot}@{cityIds[city]}.example.org", Role = role, HeadOfDelegation = slot == 0,
            }, Options());
            participantIds[p] = response.Participant.Id;
        });
        if (marks is not null) register.Report("register", "RegisterParticipant", marks);

        sequence = sequence.Where(p => participantIds[p] is not null).ToArray();
        var review = await Phase.RunAsync("ReviewAccreditation", sequence.Length, inFlight, errors, async k =>
            await accreditation[k % connections].ReviewAccreditationAsync(
                new ReviewAccreditationRequest { ParticipantId = participantIds[sequence[k]], Decision = AccreditationDecision.Approve }, Options()));
        if (marks is not null) review.Report("review", "ReviewAccreditation", marks);

        var badge = await Phase.RunAsync("IssueBadge", sequence.Length, inFlight, errors, async k =>
        {
            var p = sequence[k];
            qrSecrets[p] = (await accreditation[k % connections].IssueBadgeAsync(new IssueBadgeRequest { ParticipantId = participantIds[p] }, Options())).QrSecret;
        });
        if (marks is not null) badge.Report("issue badge", "IssueBadge", marks);

        sequence = sequence.Where(p => qrSecrets[p] is not null).ToArray();
        var checkIn = await Phase.RunAsync("CheckIn", sequence.Length, inFlight, errors, async k =>
        {
            var response = await accreditation[k % connections].CheckInAsync(new CheckInRequest { BadgeCode = qrSecrets[sequence[k]] }, Options());
            if (!response.Changed)
                throw new InvalidOperationException($"CheckIn of {participantIds[sequence[k]]} answered changed = false on the first scan.");
        });
        if (marks is not null) checkIn.Report("check in", "CheckIn", marks);
        return [register, review, badge, checkIn];
    }
}
catch (Exception e)
{
    Console.WriteLine($"FAILED: {e.GetType().Name}: {e.Message}");
    if (server is not null)
        Console.WriteLine($"last server output:\n{string.Join('\n', server.Output.Split('\n').TakeLast(40))}");
    return 1;
}
finally
{
    foreach (var h in http)
        h.Dispose();
    if (server is not null)
        await server.DisposeAsync();
    if (cluster is not null)
        await cluster.DisposeAsync();
    sqlite?.Dispose();
}

string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

static async Task<string> PostgresVersionAsync(string connectionString)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("SHOW server_version", connection);
    return (string)(await command.ExecuteScalarAsync())!;
}


partial class Program
{
    /// <summary>Given names by slot in the delegation, in several scripts (the server keeps names in any script).</summary>
    private static readonly string[] GivenNames = ["Min-jun", "Seo-yeon", "Aiko", "Carlos", "Fatima", "Ivan", "민준", "李娜", "Amara", "Jonas"];
}

/// <summary>Failed calls by rpc and status: how many, and the first message of each.</summary>
sealed class Errors
{
    private readonly ConcurrentDictionary<(string Rpc, string Status), (int Count, string First)> byKind = new();
    private int count;

    public int Count => count;

    public void Add(string rpc, Exception e)
    {
        Interlocked.Increment(ref count);
        var (status, message) = e is RpcException r ? (r.StatusCode.ToString(), r.Status.Detail) : (e.GetType().Name, e.Message);
        byKind.AddOrUpdate((rpc, status), (1, message), (_, v) => (v.Count + 1, v.First));
    }

    public void Print()
    {
        foreach (var ((rpc, status), (n, first)) in byKind.OrderBy(k => k.Key.Rpc))
            Console.WriteLine($"  {rpc}: {n:N0} x {status}; first message: \"{first}\"");
    }
}

/// <summary>One phase: n calls with a fixed number in flight, the completion time of each call in completion order, and latencies.</summary>
sealed class Phase
{
    private long start;
    private long[] completions = [];
    private double[] latencies = [];

    public int Calls { get; private init; }
    public int Failures { get; private set; }
    public TimeSpan Wall { get; private set; }
    public double PerSecond => Calls / Wall.TotalSeconds;

    public static async Task<Phase> RunAsync(string rpc, int n, int inFlight, Errors errors, Func<int, Task> call)
    {
        var phase = new Phase { Calls = n, completions = new long[n], latencies = new double[n] };
        var (next, done, failures) = (-1, -1, 0);
        phase.start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(inFlight, Math.Max(1, n))).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < n)
            {
                var begin = Stopwatch.GetTimestamp();
                try
                {
                    await call(i);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref failures);
                    errors.Add(rpc, e);
                }
                var end = Stopwatch.GetTimestamp();
                phase.latencies[i] = Stopwatch.GetElapsedTime(begin, end).TotalMilliseconds;
                phase.completions[Interlocked.Increment(ref done)] = end;
            }
        })));
        phase.Wall = Stopwatch.GetElapsedTime(phase.start);
        phase.Failures = failures;
        Array.Sort(phase.latencies);
        return phase;
    }

    /// <summary>Elapsed time since the phase started when the n-th call (1-based, completion order) completed.</summary>
    public TimeSpan At(int n) => n <= 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(start, completions[Math.Min(n, Calls) - 1]);

    /// <summary>Elapsed / n at the n-th completion, in µs.</summary>
    public double CostMicros(int n) => n > Calls || n <= 0 ? double.NaN : At(n).TotalMicroseconds / n;

    /// <summary>Wall time per call completed between the from-th and to-th completions, in µs.</summary>
    public double WindowMicros(int from, int to) => to > Calls || to <= from ? double.NaN : (At(to) - At(from)).TotalMicroseconds / (to - from);

    private double Percentile(double q) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)(latencies.Length * q))];

    public void Report(string name, string rpc, int[] marks)
    {
        Console.WriteLine($"{name} ({rpc}): {Calls:N0} calls, {Failures:N0} failed, {Wall.TotalSeconds:F2} s, {PerSecond:F0} calls/s, " +
            $"latency p50 {Percentile(0.5):F1} ms, p99 {Percentile(0.99):F1} ms, max {Percentile(1):F1} ms");
        Console.WriteLine($"  elapsed at the n-th completion, and per delegate: " +
            string.Join("; ", marks.Select(n => $"{n:N0}: {At(n).TotalSeconds:F2} s, {CostMicros(n):F0} µs")));
    }
}
