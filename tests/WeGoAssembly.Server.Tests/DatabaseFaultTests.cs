using System.Net;
using Npgsql;
using Grpc.Core;
using WeGoAssembly.Testing;
using Xunit.Abstractions;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// PostgreSQL stopped in the middle of a vote surge and started again, on this test's own cluster, under the
/// server as a child process: while it is down calls fail fast with UNAVAILABLE and /healthz says unhealthy; the
/// process stays up and serves again by itself once the database is back; nothing acknowledged is lost.
/// </summary>
public sealed class DatabaseFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Members = 120;
    // Fail fast: far below the calls' own 30 s deadline, with room for a loaded machine.
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(10);
    private readonly PostgresCluster cluster = new();
    private TestDatabase database = null!;
    private SurgeAssembly assembly = null!;

    public async Task InitializeAsync()
    {
        await cluster.InitializeAsync();
        database = await TestDatabase.PostgresAsync(cluster);
        assembly = await SurgeAssembly.StartAsync(database, Members);
    }

    public async Task DisposeAsync()
    {
        await assembly.DisposeAsync();
        await database.DisposeAsync();
        await cluster.DisposeAsync();
    }

    [Fact]
    public async Task While_PostgreSQL_is_down_votes_fail_fast_with_UNAVAILABLE_and_once_it_is_back_the_server_recovers_and_loses_nothing()
    {
        var server = assembly.Server;
        var ballotId = await assembly.OpenBallotAsync();
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var votes = assembly.PlanVotes(ballotId, new Random(seed));
        var (before, during) = (votes.Take(Members / 2).ToList(), votes.Skip(Members / 2).ToList());

        // The database goes down once a quarter of the votes are acknowledged, while the surge goes on.
        Task? stopping = null;
        var acknowledged = 0;
        var surge = await assembly.SurgeAsync(before, o =>
        {
            if (o.Acknowledged && Interlocked.Increment(ref acknowledged) == Members / 4)
                stopping = cluster.StopAsync();
        });
        await stopping!;
        var down = await assembly.SurgeAsync(during);

        var failed = surge.Where(o => !o.Acknowledged).Concat(down).ToList();
        output.WriteLine($"{surge.Count(o => o.Acknowledged)} acknowledged before the stop, {failed.Count} failed while PostgreSQL was down; " +
            $"slowest failure {failed.Max(o => o.Elapsed).TotalSeconds:F2} s");
        Assert.All(down, o => Assert.False(o.Acknowledged));
        Assert.All(failed, o =>
        {
            Assert.Equal(StatusCode.Unavailable, o.Failure!.StatusCode);
            Assert.Contains("Retry", o.Failure.Message, StringComparison.Ordinal);
            Assert.True(o.Elapsed < Fast, $"{o.Vote.MemberCityId} took {o.Elapsed.TotalSeconds:F1} s to fail");
        });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await server.HealthAsync())?.Status);
        Assert.True(server.IsRunning, server.Output);

        await cluster.StartAsync();
        NpgsqlConnection.ClearAllPools();   // this test's own pool, for reading the ledger; the server recovers its own
        await server.WaitHealthyAsync(TimeSpan.FromSeconds(60));

        // Every voter retries with the same key until the server answers: the acknowledged get their receipt back.
        var retries = await Task.WhenAll(votes.Select(RetryWhileUnavailableAsync));
        Assert.All(retries, r => Assert.True(r.Final.Acknowledged, $"{r.Final.Vote.MemberCityId}: {r.Final.Failure?.StatusCode} {r.Final.Failure?.Message}"));
        output.WriteLine($"after PostgreSQL was back: {retries.Sum(r => r.Unavailable)} calls still UNAVAILABLE before every vote went through");
        foreach (var acked in surge.Where(o => o.Acknowledged))
        {
            var retry = retries.Single(r => r.Final.Vote == acked.Vote).Final.Receipt!;
            Assert.Equal((acked.Receipt!.ReceiptId, true), (retry.ReceiptId, retry.Replayed));
        }

        var result = await assembly.CloseAsync(ballotId);
        Assert.Empty(SurgeAssembly.CompareFinal(votes, result, await assembly.ReadLedgerAsync(ballotId)));
        Assert.True(server.IsRunning, server.Output);
    }

    private async Task<(VoteOutcome Final, int Unavailable)> RetryWhileUnavailableAsync(PlannedVote vote)
    {
        var unavailable = 0;
        var giveUp = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var outcome = await assembly.CastAsync(vote);
            if (outcome.Acknowledged || outcome.Failure!.StatusCode != StatusCode.Unavailable || DateTime.UtcNow > giveUp)
                return (outcome, unavailable);
            unavailable++;
            await Task.Delay(200);   // a client's back-off between retries
        }
    }
}
