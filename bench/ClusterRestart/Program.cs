// Rolling restarts: three nodes on one PostgreSQL database (one Orleans cluster) behind nginx
// (deploy/nginx/wegoassembly.conf), set up through the API with --members voters. Ballots run one after another, each a
// vote surge whose voters retry with their keys while UNAVAILABLE (WeGoAssembly.Testing's ClusterSurge); meanwhile
// every node in turn is stopped gracefully (SIGTERM) and started again. Each ballot is checked as in the cluster test:
// every acknowledged vote stored with its receipt, retries replay it, the result counts each member once. Prints each
// restart, the longest pause between two acknowledgements within a ballot, and the failed checks (must be none).
using System.Diagnostics;
using WeGoAssembly.Testing;

var members = int.Parse(Arg("--members", "600"));
var rounds = int.Parse(Arg("--rounds", "1"));
Console.WriteLine($"ClusterRestart: 3 nodes behind nginx, {members} voters, {rounds} round(s) of restarts of every node, {Environment.ProcessorCount} cores");

await using var cluster = new PostgresCluster();
await cluster.InitializeAsync();
await using var database = await TestDatabase.PostgresAsync(cluster);
await using var nodes = await ClusterNodes.StartAsync(database, 3);
await using var nginx = await NginxFront.StartAsync([.. nodes.Nodes.Select(NginxFront.NodePorts.Of)]);
await using var assembly = await SurgeAssembly.SetUpAsync(nginx.HttpsAddress, () => nginx.Handler(), database, members);
Console.WriteLine($"set up: {members} voters through nginx");

var clock = Stopwatch.StartNew();
var restarting = true;
var (ballots, votes, unavailable, failed) = (0, 0L, 0L, 0);
var longestPause = TimeSpan.Zero;
var voting = Task.Run(async () =>
{
    var random = new Random(1);
    while (Volatile.Read(ref restarting))
    {
        string ballotId;
        try
        {
            ballotId = await assembly.OpenBallotAsync();
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.Unavailable)
        {
            // A node stopped under the secretariat's call; it opens the next one (a half-made agenda item stays).
            await Task.Delay(100);
            continue;
        }
        var planned = assembly.PlanVotes(ballotId, random);
        var run = await ClusterSurge.RunAsync(assembly, planned, clock);
        var problems = run.Problems.Count > 0 ? run.Problems : await ClusterSurge.CheckAsync(assembly, planned, run.Acks);
        var pause = run.Acks.Zip(run.Acks.Skip(1), (a, b) => b.At - a.At).DefaultIfEmpty().Max();
        (ballots, votes, unavailable) = (ballots + 1, votes + run.Acks.Count, unavailable + run.UnavailableAttempts);
        longestPause = pause > longestPause ? pause : longestPause;
        if (problems.Count > 0)
        {
            failed++;
            Console.WriteLine($"ballot {ballotId} FAILED:\n  {string.Join("\n  ", problems.Take(20))}");
        }
    }
});

for (var round = 1; round <= rounds; round++)
{
    foreach (var node in nodes.Nodes)
    {
        await Task.Delay(TimeSpan.FromSeconds(3));
        var stop = Stopwatch.StartNew();
        var exit = await node.StopAsync(TimeSpan.FromSeconds(60));
        var stopped = stop.Elapsed;
        await node.RestartAsync();
        Console.WriteLine($"  node {node.GrpcAddress.Port}: stopped (exit {exit}) in {stopped.TotalSeconds:F1} s, healthy again {stop.Elapsed.TotalSeconds:F1} s after SIGTERM; " +
            $"{ballots} ballots, {votes} votes so far, longest pause {longestPause.TotalSeconds:F2} s");
    }
}
await Task.Delay(TimeSpan.FromSeconds(3));
Volatile.Write(ref restarting, false);
await voting;

Console.WriteLine($"ballots: {ballots}; votes acknowledged: {votes} ({votes / clock.Elapsed.TotalSeconds:F0}/s over {clock.Elapsed.TotalSeconds:F0} s, checks included); " +
    $"attempts retried after UNAVAILABLE: {unavailable}; longest pause between two acknowledgements of a ballot: {longestPause.TotalSeconds:F2} s; " +
    $"ballots with a failed check: {failed}");
return failed == 0 ? 0 : 1;

string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
