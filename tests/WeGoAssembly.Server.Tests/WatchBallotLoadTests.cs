using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Bench;
using WeGoAssembly.Contracts.Voting;
using Grpc.Core;
using WeGoAssembly.Testing;
using V1 = WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// Many WatchBallot streams on one ballot while its members vote, over real sockets (the small version of
/// bench/WatchLoad): every watcher sees the count only grow, ends with the closed ballot and the ledger's count,
/// and its stream ends with status OK. On one database engine per subclass.
/// </summary>
public abstract class WatchBallotLoadTests : IAsyncLifetime
{
    private const int Members = 100, Watchers = 600, WatcherConnections = 12;

    private WeGoServer server = null!;

    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync() =>
        server = await WeGoServer.StartAsync(new Dictionary<string, string?>(await FreshDatabaseAsync()) { ["Seed:SampleData"] = "false" });

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    [Fact]
    public async Task Every_one_of_600_watchers_gets_the_final_count_of_a_vote_surge_and_a_clean_end()
    {
        var setup = await SurgeSetup.RegisterAsync(server.Services, Members);
        var (_, ballotId, _) = await setup.NewBallotAsync();
        var address = $"http://{server.GrpcTarget}";

        // Every watcher has its first message (the open ballot, nothing counted) before the first vote.
        var watchClients = Enumerable.Range(0, WatcherConnections).Select(_ => new GrpcClient(SurgeSetup.NewHttp(address))).ToArray();
        var subscribed = 0;
        var allSubscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watching = Enumerable.Range(0, Watchers).Select(w => Task.Run(async () =>
        {
            var messages = new List<V1.WatchBallotResponse>();
            await foreach (var message in watchClients[w % WatcherConnections].ServerStreamingAsync<V1.WatchBallotRequest, V1.WatchBallotResponse>(
                "/wego.assembly.v1.VotingService/WatchBallot", new() { BallotId = ballotId },
                new CallSettings(new Dictionary<string, string> { ["authorization"] = setup.Bearer[w % Members] })))
            {
                messages.Add(message);
                if (messages.Count == 1 && Interlocked.Increment(ref subscribed) == Watchers)
                    allSubscribed.SetResult();
            }
            return messages;
        })).ToArray();
        await Task.WhenAny(allSubscribed.Task, Task.WhenAll(watching)).Unwrap().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(Watchers, subscribed);

        var voters = Enumerable.Range(0, 4).Select(_ => new GrpcClient(SurgeSetup.NewHttp(address))).ToArray();
        var surge = await setup.SurgeAsync(voters, ballotId);
        Assert.Equal(0, surge.Failures);
        var closed = await voters[0].UnaryAsync<V1.CloseBallotRequest, V1.CloseBallotResponse>("/wego.assembly.v1.VotingService/CloseBallot",
            new() { BallotId = ballotId }, new CallSettings(new Dictionary<string, string> { ["authorization"] = setup.SecretariatBearer }));

        // A stream that ended with any status but OK fails here with its RpcException.
        var streams = await Task.WhenAll(watching).WaitAsync(TimeSpan.FromMinutes(2));
        var ledger = await server.Services.GetRequiredService<IBallotLedger>().ReadAsync(ballotId);
        Assert.Equal((Members, Members), (ledger.Voters.Count, closed.Result.VotesCast));
        foreach (var messages in streams)
        {
            Assert.Equal(0, messages[0].Tally.VotesCast);
            var counts = messages.Select(m => m.Tally.VotesCast).ToArray();
            Assert.True(counts.Zip(counts.Skip(1)).All(p => p.Second >= p.First), $"The count went down: {string.Join(", ", counts)}");
            var last = messages[^1];
            Assert.Equal((V1.BallotStatus.Closed, Members, Members), (last.Ballot.Status, last.Tally.VotesCast, last.Result.VotesCast));
            Assert.Equal(closed.Result.Counts.Select(c => c.Votes), last.Result.Counts.Select(c => c.Votes));
            Assert.Empty(last.Result.Members);   // the per-member records are GetBallotResult's, not sent to every watcher
            Assert.All(messages[..^1], m => Assert.Equal(V1.BallotStatus.Open, m.Ballot.Status));
        }
    }
}

public sealed class SqliteWatchBallotLoadTests : WatchBallotLoadTests
{
    private readonly TempSqliteFile file = new();

    protected override Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path });

    protected override Task CleanUpAsync()
    {
        file.Dispose();
        return Task.CompletedTask;
    }
}

[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresWatchBallotLoadTests(PostgresCluster cluster) : WatchBallotLoadTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}
