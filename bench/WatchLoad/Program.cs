// Watch load: W concurrent WatchBallot streams (default 5,000) on one ballot while N members (default 10,000) cast
// their votes on it. The server runs as a separate process (the built WeGoAssembly.Server), so its memory is its
// own: /proc/<pid>/status VmRSS sampled every 50 ms and VmHWM. Setup (members, tokens, draft ballots) is done
// beforehand through the grains of an in-process host on the same database, exactly as bench/VoteSurge does it.
// The same run measures the comparison: the server idle, and a surge of the same members without watchers.
using WeGoAssembly.Testing;
using System.Data.Common;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Npgsql;
using WeGoAssembly.Bench;
using Grpc.Core;
using V1 = WeGoAssembly.Protos.V1;

var db = Arg("--db", "sqlite");
var members = int.Parse(Arg("--members", "10000"));
var watchers = int.Parse(Arg("--watchers", "5000"));
var connections = int.Parse(Arg("--connections", "50"));
var watcherConnections = int.Parse(Arg("--watcher-connections", "100"));
Console.WriteLine($"WatchLoad: {watchers} WatchBallot streams on {watcherConnections} HTTP/2 connections, {members} voting members on {connections} connections, " +
    $"database {db}, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg")[..14]}");

await using var database = await BenchDatabase.CreateAsync(db);
// One signing key for the setup host and the server process, so the tokens issued in setup are the server's.
var settings = new Dictionary<string, string?>(database.Settings) { ["Auth:TokenSigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };

// --- setup (not measured), through the grains of an in-process host that is stopped before the server starts ---
var setupClock = Stopwatch.StartNew();
SurgeSetup setup;
string[] ballotIds;
{
    var (app, _) = await SurgeSetup.StartHostAsync(settings);
    await using var host = app;
    setup = await SurgeSetup.RegisterAsync(app.Services, members);
    // Drafts: one ballot may be open per agenda item, so each is opened over gRPC when its turn comes.
    ballotIds = [(await setup.NewBallotAsync(open: false)).Id, (await setup.NewBallotAsync(open: false)).Id, (await setup.NewBallotAsync(open: false)).Id];
    await app.StopAsync();
}
Console.WriteLine($"setup: {members} members registered, badged and checked in, 3 draft ballots, in {setupClock.Elapsed.TotalSeconds:F1} s");

await using var server = await ServerProcess.StartAsync(settings);
Console.WriteLine($"server: pid {server.Pid} ({server.Command}), gRPC port {server.GrpcPort}");
var clients = Enumerable.Range(0, connections).Select(_ => new GrpcClient(SurgeSetup.NewHttp(server.GrpcAddress))).ToArray();
var secretariat = new CallSettings(new Dictionary<string, string> { ["authorization"] = setup.SecretariatBearer });
Task Open(string id) => clients[0].UnaryAsync<V1.OpenBallotRequest, V1.OpenBallotResponse>("/wego.assembly.v1.VotingService/OpenBallot", new() { BallotId = id }, secretariat);
Task<V1.CloseBallotResponse> Close(string id) => clients[0].UnaryAsync<V1.CloseBallotRequest, V1.CloseBallotResponse>("/wego.assembly.v1.VotingService/CloseBallot", new() { BallotId = id }, secretariat);

// Warm-up, not measured: the HTTP/2 connections, then a first surge compiles the vote path on both sides (tiered JIT).
await Load.RunAsync(Math.Min(members, 2000), connections, (i, c) => clients[c].UnaryAsync<V1.ListAgendaRequest, V1.ListAgendaResponse>(
    "/wego.assembly.v1.AgendaService/ListAgenda", new() { AssemblyId = SurgeSetup.AssemblyId },
    new CallSettings(new Dictionary<string, string> { ["authorization"] = setup.Bearer[i] })));
var idle = server.Memory();
Console.WriteLine($"server memory, started and idle: VmRSS {idle.Rss} MiB");
await Open(ballotIds[0]);
(await setup.SurgeAsync(clients, ballotIds[0])).Report("warm-up surge (cold JIT; not judged)");
await Close(ballotIds[0]);

// --- the limit: the same surge without watchers ---
await Open(ballotIds[1]);
Load bare;
using (new PeakSampler(server))
    bare = await setup.SurgeAsync(clients, ballotIds[1]);
var bareResult = (await Close(ballotIds[1])).Result;
bare.Report("surge without watchers");
Console.WriteLine($"  closed: {bareResult.VotesCast} votes counted; server VmRSS peak during the surge {server.LastPeak} MiB");

// --- W watchers on the third ballot, then the surge ---
await Open(ballotIds[2]);
var watchClients = Enumerable.Range(0, watcherConnections).Select(_ => new GrpcClient(SurgeSetup.NewHttp(server.GrpcAddress))).ToArray();
var streams = Enumerable.Range(0, watchers).Select(w => new Watcher()).ToArray();
var subscribed = 0;
var allSubscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
var watching = streams.Select((watcher, w) => Task.Run(() => watcher.RunAsync(watchClients[w % watcherConnections], ballotIds[2], setup.Bearer[w % members], () =>
{
    if (Interlocked.Increment(ref subscribed) == watchers)
        allSubscribed.TrySetResult();
}))).ToArray();
var subscribeClock = Stopwatch.StartNew();
await allSubscribed.Task.WaitAsync(TimeSpan.FromMinutes(5));
await Task.Delay(1000);   // let the server settle before reading its memory
var withWatchers = server.Memory();
Console.WriteLine($"{watchers} watchers subscribed (first message each) in {subscribeClock.Elapsed.TotalSeconds:F1} s; server VmRSS with them idle {withWatchers.Rss} MiB");

Load watched;
V1.BallotResult result;
TimeSpan drain;
using (new PeakSampler(server))
{
    watched = await setup.SurgeAsync(clients, ballotIds[2]);
    var closeClock = Stopwatch.StartNew();
    result = (await Close(ballotIds[2])).Result;
    await Task.WhenAll(watching).WaitAsync(TimeSpan.FromMinutes(10));
    drain = closeClock.Elapsed;
}
var watchedPeak = server.LastPeak;
watched.Report($"surge with {watchers} watchers");
var ledgerCount = await LedgerCountAsync(database, settings, ballotIds[2]);
Console.WriteLine($"  closed: {result.VotesCast} votes counted, ledger holds {ledgerCount}; every watcher's stream ended {drain.TotalSeconds:F1} s after CloseBallot was sent");

// Every watcher: a clean end (status OK), the last message the closed ballot with its result, its count the ledger's.
var complete = streams.Count(s => s.Error is null && s.Last is { Ballot.Status: V1.BallotStatus.Closed, Result: { } r } && r.VotesCast == ledgerCount);
var notMonotonic = streams.Count(s => !s.CountsNeverDecrease());
foreach (var failed in streams.Where(s => s.Error is not null).Take(3))
    Console.WriteLine($"  watcher failed: {failed.Error!.Message}");
Console.WriteLine($"watchers with the final closed result, count = ledger ({ledgerCount}), stream ended OK: {complete} of {watchers}" +
    (notMonotonic > 0 ? $"; {notMonotonic} saw the count go down" : ""));
var messages = streams.Sum(s => s.Messages.Count);
var final = streams[0].Last!;
Console.WriteLine($"messages received: {messages} ({(double)messages / watchers:F1} per watcher; the final one {final.CalculateSize():N0} bytes, with {final.Result.Members.Count} member records)");

// Delay of vote k on watcher w: the k-th acknowledgement reached the voting client at A_k (acknowledgements in time
// order), so k votes were durable then; the vote has appeared on w when w has received a message with votes_cast >= k.
// delay = (receipt time of w's first such message) - A_k, 0 when w had it before the acknowledgement arrived.
var acks = watched.Completions.ToArray();
Array.Sort(acks);
var histogram = new DelayHistogram();
foreach (var s in streams)
    s.AddDelays(acks, histogram);
Console.WriteLine($"delay from a vote's acknowledgement to a tally including it on a watcher ({histogram.Count:N0} vote x watcher pairs): " +
    $"p50 {histogram.Percentile(0.5):F1} ms, p99 {histogram.Percentile(0.99):F1} ms, max {histogram.Max:F1} ms");

var end = server.Memory();
Console.WriteLine($"server memory: idle {idle.Rss} MiB; peak during the surge without watchers {server.PeakOf(0)} MiB; with {watchers} idle watchers {withWatchers.Rss} MiB; " +
    $"peak during the surge with watchers and the close {watchedPeak} MiB; VmHWM (peak of the whole run) {end.Hwm} MiB");
Console.WriteLine($"throughput with {watchers} watchers / without: {watched.PerSecond:F0} / {bare.PerSecond:F0} votes/s = {watched.PerSecond / bare.PerSecond:F2}; " +
    $"p99 {watched.P99:F1} ms vs {bare.P99:F1} ms");
var ok = complete == watchers && watched.Failures == 0 && result.VotesCast == members && ledgerCount == members;
Console.WriteLine($"check (every watcher got the final count equal to the ledger, no failed vote): {(ok ? "PASS" : "FAIL")}");
return ok ? 0 : 1;

static async Task<long> LedgerCountAsync(BenchDatabase database, Dictionary<string, string?> settings, string ballotId)
{
    await using DbConnection connection = database.Kind == "postgres"
        ? new NpgsqlConnection(settings["ConnectionStrings:Postgres"])
        : new SqliteConnection($"Data Source={settings["Storage:SqlitePath"]}");
    await connection.OpenAsync();
    await using var count = connection.CreateCommand();
    count.CommandText = "SELECT COUNT(*) FROM ballot_voter WHERE ballot_id = @b";
    var p = count.CreateParameter();
    (p.ParameterName, p.Value) = ("b", ballotId);
    count.Parameters.Add(p);
    return Convert.ToInt64(await count.ExecuteScalarAsync());
}

string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

/// <summary>One WatchBallot stream: every message's receipt time and votes_cast, the last message, how it ended.</summary>
sealed class Watcher
{
    public List<(long At, int VotesCast)> Messages { get; } = new(64);

    public V1.WatchBallotResponse? Last { get; private set; }

    public Exception? Error { get; private set; }

    public async Task RunAsync(GrpcClient client, string ballotId, string bearer, Action subscribed)
    {
        try
        {
            await foreach (var message in client.ServerStreamingAsync<V1.WatchBallotRequest, V1.WatchBallotResponse>("/wego.assembly.v1.VotingService/WatchBallot",
                new() { BallotId = ballotId }, new CallSettings(new Dictionary<string, string> { ["authorization"] = bearer })))
            {
                Messages.Add((Stopwatch.GetTimestamp(), message.Tally.VotesCast));
                if (Last is null)
                    subscribed();
                Last = message;
            }
        }
        catch (Exception e)
        {
            Error = e;
            if (Last is null)
                subscribed();
        }
    }

    public bool CountsNeverDecrease() => Messages.Zip(Messages.Skip(1)).All(p => p.Second.VotesCast >= p.First.VotesCast);

    public void AddDelays(long[] acks, DelayHistogram histogram)
    {
        var j = 0;
        for (var k = 1; k <= acks.Length; k++)
        {
            while (j < Messages.Count && Messages[j].VotesCast < k)
                j++;
            if (j == Messages.Count)
                return;   // never shown: this watcher does not count as complete either
            histogram.Add(Math.Max(0, Stopwatch.GetElapsedTime(acks[k - 1], Messages[j].At).TotalMilliseconds));
        }
    }
}

/// <summary>Delays in 0.1 ms bins up to 60 s: percentiles over millions of pairs without keeping them.</summary>
sealed class DelayHistogram
{
    private readonly long[] bins = new long[600_001];

    public long Count { get; private set; }

    public double Max { get; private set; }

    public void Add(double ms)
    {
        bins[Math.Min(bins.Length - 1, (int)(ms * 10))]++;
        Count++;
        Max = Math.Max(Max, ms);
    }

    public double Percentile(double q)
    {
        var rank = (long)Math.Ceiling(q * Count);
        long seen = 0;
        for (var i = 0; i < bins.Length; i++)
            if ((seen += bins[i]) >= rank)
                return (i + 1) / 10.0;   // upper edge of the bin
        return Max;
    }
}

/// <summary>Samples the server's VmRSS every 50 ms while alive; the peak goes to the server's record when disposed.</summary>
sealed class PeakSampler : IDisposable
{
    private readonly ServerProcess server;
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;
    private long peak;

    public PeakSampler(ServerProcess server)
    {
        this.server = server;
        sampling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, server.Memory().Rss);
                try { await Task.Delay(50, stop.Token); } catch (OperationCanceledException) { }
            }
        });
    }

    public void Dispose()
    {
        stop.Cancel();
        sampling.Wait();
        server.RecordPeak(Math.Max(peak, server.Memory().Rss));
    }
}

/// <summary>The built WeGoAssembly.Server run as a child process (`dotnet WeGoAssembly.Server.dll --key=value ...`) on free ports.</summary>
sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<long> peaks = [];

    private ServerProcess(Process process, int grpcPort, string command) => (this.process, GrpcPort, Command) = (process, grpcPort, command);

    public int Pid => process.Id;

    public int GrpcPort { get; }

    public string GrpcAddress => $"http://127.0.0.1:{GrpcPort}";

    public string Command { get; }

    public long LastPeak => peaks[^1];

    public long PeakOf(int phase) => peaks[phase];

    public void RecordPeak(long mib) => peaks.Add(mib);

    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        // The server's own build output, next to this bench's: bench/WatchLoad/bin/<configuration>/<tfm> -> src/WeGoAssembly.Server/bin/<configuration>/<tfm>.
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var (tfm, configuration, repo) = (output.Name, output.Parent!.Name, output.Parent.Parent!.Parent!.Parent!.Parent!.FullName);
        var serverDir = Path.Combine(repo, "src", "WeGoAssembly.Server", "bin", configuration, tfm);
        var (grpcPort, webPort) = (SurgeSetup.FreePort(), SurgeSetup.FreePort());
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = serverDir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(serverDir, "WeGoAssembly.Server.dll"));
        foreach (var (key, value) in SurgeSetup.HostSettings(grpcPort, webPort).Concat(settings))
            start.ArgumentList.Add($"--{key}={value}");
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  server: {e.Data}"); };
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Started when its health endpoint answers.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}") };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromMinutes(2))
                throw new InvalidOperationException(process.HasExited ? $"The server exited with code {process.ExitCode} before it started." : "The server did not answer /healthz within 2 minutes.");
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                    break;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        return new ServerProcess(process, grpcPort, $"dotnet {Path.GetRelativePath(repo, start.ArgumentList[0])}");
    }

    /// <summary>Resident and peak resident memory of the server process, in MiB, from /proc/&lt;pid&gt;/status.</summary>
    public (long Rss, long Hwm) Memory()
    {
        long Field(string[] lines, string name) => long.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim().Split(' ')[0]) / 1024;
        var lines = File.ReadAllLines($"/proc/{process.Id}/status");
        return (Field(lines, "VmRSS:"), Field(lines, "VmHWM:"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
