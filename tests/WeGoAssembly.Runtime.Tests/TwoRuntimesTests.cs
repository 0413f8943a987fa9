using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Runtime.Tests;

/// <summary>
/// Two runtimes (two processes, as during a fail-over) on one database: optimistic concurrency
/// must surface every conflict and lose no update. Runs on every engine.
/// </summary>
public abstract class TwoRuntimesTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private IGrainFactory first = null!;
    private IGrainFactory second = null!;

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        database = await CreateDatabaseAsync();
        first = (await database.CreateServicesAsync(TestGrainServices.Runtime())).GetRequiredService<IGrainFactory>();
        second = (await database.CreateServicesAsync(TestGrainServices.Runtime())).GetRequiredService<IGrainFactory>();
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task Concurrent_increments_from_two_runtimes_lose_no_update()
    {
        var a = first.GetGrain<ICounterGrain>("seoul");
        var b = second.GetGrain<ICounterGrain>("seoul");
        // Both activations load the same (empty) state; the second writer must be refused.
        await a.GetAsync();
        await b.GetAsync();
        await a.IncrementAsync();
        await Assert.ThrowsAsync<InconsistentStateException>(() => b.IncrementAsync());

        // Then four callers per runtime race, retrying whenever the other runtime got there first.
        var outcomes = await Task.WhenAll(
            Enumerable.Range(0, 4).Select(_ => Task.Run(() => IncrementWithRetryAsync(a, 25)))
                .Concat(Enumerable.Range(0, 4).Select(_ => Task.Run(() => IncrementWithRetryAsync(b, 25)))));

        var successes = 1 + outcomes.Sum(o => o.Successes);
        Assert.Equal(201, successes);
        var fresh = (await database.CreateServicesAsync(TestGrainServices.Runtime())).GetRequiredService<IGrainFactory>();
        Assert.Equal(successes, await fresh.GetGrain<ICounterGrain>("seoul").GetAsync());
    }

    [Fact]
    public async Task Journal_events_are_read_back_in_order_with_their_types()
    {
        var minutes = first.GetGrain<IMinutesGrain>("ga-2023");
        MinutesEvent[] events =
        [
            new MotionProposed("Adopt the 2024 budget", "Seoul"),
            new MotionCarried("Adopt the 2024 budget", Yes: 48, No: 3),
            new MotionProposed("Admit Ulaanbaatar", "Secretariat"),
        ];

        await minutes.RecordAsync(events[..2]);
        await minutes.RecordAsync(events[2..]);

        var read = await minutes.ReadAsync(0);
        Assert.Equal([0L, 1L, 2L], read.Select(e => e.Sequence));
        Assert.Equal(events, read.Select(e => e.Event));
        Assert.Equal(3, await minutes.GetVersionAsync());
        Assert.Equal(events[1..], (await minutes.ReadAsync(1)).Select(e => e.Event));
        var reloaded = (await database.CreateServicesAsync(TestGrainServices.Runtime())).GetRequiredService<IGrainFactory>();
        Assert.Equal(3, await reloaded.GetGrain<IMinutesGrain>("ga-2023").GetVersionAsync());
    }

    [Fact]
    public async Task A_journal_append_racing_another_runtime_is_refused_and_succeeds_after_reload()
    {
        var a = first.GetGrain<IMinutesGrain>("ga-2023");
        var b = second.GetGrain<IMinutesGrain>("ga-2023");
        await a.GetVersionAsync();
        await b.GetVersionAsync();
        await a.RecordAsync([new MotionProposed("from A", "Seoul")]);

        await Assert.ThrowsAsync<InconsistentStateException>(() => b.RecordAsync([new MotionProposed("from B", "Busan")]));
        await b.RecordAsync([new MotionProposed("from B", "Busan")]);

        var read = await b.ReadAsync(0);
        Assert.Equal(["from A", "from B"], read.Select(e => ((MotionProposed)e.Event).Motion));
        Assert.Equal(2, await b.GetVersionAsync());
    }

    private static async Task<(int Successes, int Conflicts)> IncrementWithRetryAsync(ICounterGrain counter, int increments)
    {
        var (successes, conflicts) = (0, 0);
        while (successes < increments)
        {
            try
            {
                await counter.IncrementAsync();
                successes++;
            }
            catch (InconsistentStateException)
            {
                conflicts++;
            }
        }
        return (successes, conflicts);
    }
}

public sealed class SqliteTwoRuntimesTests : TwoRuntimesTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresTwoRuntimesTests(PostgresCluster cluster) : TwoRuntimesTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgresAsync(cluster);
}
