// Crash recovery: the crash test's rounds (WeGoAssembly.Testing's CrashRound), many of them. Each round opens a
// ballot, runs a vote surge over the C# client, SIGKILLs the server process at a seeded random acknowledgement
// count, starts it again on the same database, retries every vote with its idempotency key and compares the
// closed result with the ledger tables. Prints rounds, acknowledged votes and losses (must be 0); exits 1 on any.
using System.Diagnostics;
using WeGoAssembly.Testing;

var db = Arg("--db", "sqlite");
var rounds = int.Parse(Arg("--rounds", "200"));
var members = int.Parse(Arg("--members", "120"));
var seed = int.Parse(Arg("--seed", Random.Shared.Next().ToString()));
Console.WriteLine($"CrashRecovery: {rounds} rounds of {members} voters on {db}, seed {seed} (--seed {seed} replays the draws), {Environment.ProcessorCount} cores");

PostgresCluster? cluster = null;
TestDatabase database;
if (db == "postgres")
{
    cluster = new PostgresCluster();
    await cluster.InitializeAsync();
    database = await TestDatabase.PostgresAsync(cluster);
}
else
    database = TestDatabase.Sqlite();

var (acknowledged, unacknowledged, storedUnacknowledged, lost, failedRounds) = (0L, 0L, 0L, 0L, 0);
var restarts = new List<double>();
var clock = Stopwatch.StartNew();
try
{
    await using var assembly = await SurgeAssembly.StartAsync(database, members);
    var random = new Random(seed);
    for (var round = 1; round <= rounds; round++)
    {
        var result = await CrashRound.RunAsync(assembly, random);
        (acknowledged, unacknowledged, storedUnacknowledged, lost) =
            (acknowledged + result.Acknowledged, unacknowledged + result.Unacknowledged, storedUnacknowledged + result.StoredUnacknowledged, lost + result.Lost);
        restarts.Add(result.Restart.TotalSeconds);
        if (result.Problems.Count > 0)
        {
            failedRounds++;
            Console.WriteLine($"round {round} ({result.BallotId}) FAILED:\n  {string.Join("\n  ", result.Problems.Take(20))}");
        }
        if (round % 10 == 0 || result.Problems.Count > 0)
            Console.WriteLine($"  {round} rounds, {acknowledged} acknowledged, {lost} lost, {clock.Elapsed.TotalMinutes:F1} min");
    }
}
finally
{
    await database.DisposeAsync();
    if (cluster is not null)
        await cluster.DisposeAsync();
}

restarts.Sort();
Console.WriteLine($"rounds: {rounds}; votes acknowledged before the kill: {acknowledged}; not acknowledged: {unacknowledged} " +
    $"({storedUnacknowledged} of them stored, replayed on retry); lost: {lost}; rounds with a failed check: {failedRounds}");
Console.WriteLine($"restart to healthy: median {restarts[restarts.Count / 2]:F1} s, max {restarts[^1]:F1} s; total {clock.Elapsed.TotalMinutes:F1} min");
return lost == 0 && failedRounds == 0 ? 0 : 1;

string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
