using WeGoAssembly.Testing;
using Xunit.Abstractions;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// The server process SIGKILLed in the middle of vote surges and started again on the same database, round after
/// round (<see cref="CrashRound"/>): every acknowledged vote counted, none twice, the result equal to the ledger.
/// Set WEGO_CRASH_SEED to replay a printed seed.
/// </summary>
public abstract class CrashRecoveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Rounds = 20, Members = 120;
    private TestDatabase database = null!;
    private SurgeAssembly assembly = null!;

    protected abstract Task<TestDatabase> FreshDatabaseAsync();

    public async Task InitializeAsync()
    {
        database = await FreshDatabaseAsync();
        assembly = await SurgeAssembly.StartAsync(database, Members);
    }

    public async Task DisposeAsync()
    {
        await assembly.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Every_acknowledged_vote_survives_a_SIGKILL_during_a_surge_and_is_counted_once()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WEGO_CRASH_SEED"), out var given) ? given : Random.Shared.Next();
        output.WriteLine($"seed {seed} (WEGO_CRASH_SEED={seed} replays the draws)");
        var random = new Random(seed);
        for (var round = 1; round <= Rounds; round++)
        {
            CrashRoundResult result;
            try
            {
                result = await CrashRound.RunAsync(assembly, random);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"seed {seed}, round {round} failed; server output:\n{assembly.Server.Output}", e);
            }
            output.WriteLine($"round {round}: killed after {result.KillAfter} acknowledgements; {result.Acknowledged} acknowledged, " +
                $"{result.Unacknowledged} not ({result.StoredUnacknowledged} of them stored), {result.Lost} lost; restart {result.Restart.TotalSeconds:F1} s");
            Assert.True(result.Problems.Count == 0,
                $"seed {seed}, round {round} ({result.BallotId}):\n{string.Join('\n', result.Problems.Take(20))}\nserver output:\n{assembly.Server.Output}");
            Assert.InRange(result.Acknowledged, result.KillAfter, Members);
        }
    }
}

public sealed class SqliteCrashRecoveryTests(ITestOutputHelper output) : CrashRecoveryTests(output)
{
    protected override Task<TestDatabase> FreshDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresCrashRecoveryTests(PostgresCluster cluster, ITestOutputHelper output) : CrashRecoveryTests(output)
{
    protected override Task<TestDatabase> FreshDatabaseAsync() => TestDatabase.PostgresAsync(cluster);
}
