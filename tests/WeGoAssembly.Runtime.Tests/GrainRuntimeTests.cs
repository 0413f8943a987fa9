using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WeGoAssembly.Storage;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Runtime.Tests;

/// <summary>The runtime in one process, on a real SQLite file.</summary>
public sealed class GrainRuntimeTests : IAsyncLifetime
{
    // Bounds every wait so that a broken runtime fails the test instead of hanging it.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TestDatabase database = TestDatabase.Sqlite();
    private ServiceProvider services = null!;

    private GrainRuntime Runtime => services.GetRequiredService<GrainRuntime>();

    private GrainProbe Probe => services.GetRequiredService<GrainProbe>();

    public async Task InitializeAsync() => services = await database.CreateServicesAsync(TestGrainServices.Runtime());

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task A_thousand_concurrent_calls_to_one_key_lose_no_update()
    {
        var counter = Runtime.GetGrain<ICounterGrain>("seoul");

        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(() => counter.IncrementAsync())));

        Assert.Equal(Enumerable.Range(1, 1000), results.Order());
        Assert.Equal(1, Probe.Activations("seoul"));
        await services.DisposeAsync();
        var fresh = await database.CreateServicesAsync(TestGrainServices.Runtime());
        Assert.Equal(1000, await fresh.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>("seoul").GetAsync());
    }

    [Fact]
    public async Task Calls_issued_in_order_by_one_caller_run_in_that_order_one_at_a_time()
    {
        var sequence = Runtime.GetGrain<ISequenceGrain>("agenda");

        await Task.WhenAll(Enumerable.Range(0, 200).Select(sequence.RecordAsync).ToArray());

        Assert.Equal(Enumerable.Range(0, 200), await sequence.GetRecordedAsync());
        Assert.Equal(1, await sequence.GetMaxCallsAtOnceAsync());
    }

    [Fact]
    public async Task Calls_from_many_threads_to_one_key_never_overlap()
    {
        var sequence = Runtime.GetGrain<ISequenceGrain>("agenda");

        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() => sequence.RecordAsync(i))));

        Assert.Equal(Enumerable.Range(0, 500), (await sequence.GetRecordedAsync()).Order());
        Assert.Equal(1, await sequence.GetMaxCallsAtOnceAsync());
    }

    [Fact]
    public async Task Different_keys_run_in_parallel()
    {
        var a = Runtime.GetGrain<ISequenceGrain>("a");
        var b = Runtime.GetGrain<ISequenceGrain>("b");

        // A's call holds A's activation until B's call has run: only possible if B does not wait for A.
        var waiting = a.WaitAsync("b-ran");
        await Probe.Signal("b-ran:started").Task.WaitAsync(Patience);
        await b.SignalAsync("b-ran").WaitAsync(Patience);

        await waiting.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_deactivated_grain_is_reactivated_with_its_stored_state()
    {
        var counter = Runtime.GetGrain<ICounterGrain>("busan");
        for (var i = 0; i < 3; i++)
            await counter.IncrementAsync();

        await Runtime.DeactivateAsync<ICounterGrain>("busan");

        Assert.Equal(0, Runtime.ActivationCount);
        Assert.Equal((1, 1), (Probe.Activations("busan"), Probe.Deactivations("busan")));
        Assert.Equal(3, await counter.GetAsync());
        Assert.Equal(3, await counter.GetAsValueTaskAsync());
        Assert.Equal(2, Probe.Activations("busan"));
        Assert.Equal(1, Runtime.ActivationCount);
    }

    [Fact]
    public async Task An_idle_activation_is_deactivated_by_the_collector()
    {
        await using var quick = await database.CreateServicesAsync(TestGrainServices.Runtime(options =>
        {
            options.IdleTimeout = TimeSpan.FromMilliseconds(50);
            options.CollectionInterval = TimeSpan.FromMilliseconds(10);
        }));
        var probe = quick.GetRequiredService<GrainProbe>();
        var counter = quick.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>("incheon");
        await counter.IncrementAsync();

        await probe.Signal("deactivated:incheon:1").Task.WaitAsync(Patience);

        Assert.Equal(1, await counter.GetAsync());
        Assert.Equal(2, probe.Activations("incheon"));
    }

    [Fact]
    public async Task Calls_arriving_during_deactivation_run_in_order_on_a_fresh_activation()
    {
        var sequence = Runtime.GetGrain<ISequenceGrain>("plenary");
        await sequence.RecordAsync(-1);
        Probe.DeactivationGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var deactivation = Runtime.DeactivateAsync<ISequenceGrain>("plenary");
        await Probe.Signal("deactivating:plenary").Task.WaitAsync(Patience);
        var calls = Enumerable.Range(0, 20).Select(sequence.RecordAsync).ToArray();
        Assert.All(calls, call => Assert.False(call.IsCompleted));
        Probe.DeactivationGate.SetResult();
        await Task.WhenAll(calls).WaitAsync(Patience);
        await deactivation.WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, 20), await sequence.GetRecordedAsync());
        Assert.Equal((2, 1), (Probe.Activations("plenary"), Probe.Deactivations("plenary")));
    }

    [Fact]
    public async Task DeactivateOnIdle_deactivates_after_the_call_and_the_next_call_reloads()
    {
        var counter = Runtime.GetGrain<ICounterGrain>("daegu");
        await counter.IncrementAsync();

        Assert.Equal(2, await counter.IncrementThenDeactivateAsync());
        await Probe.Signal("deactivated:daegu:1").Task.WaitAsync(Patience);

        Assert.Equal(2, await counter.GetAsync());
        Assert.Equal(2, Probe.Activations("daegu"));
    }

    [Fact]
    public async Task Disposing_the_runtime_deactivates_every_grain_and_their_last_writes_persist()
    {
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Runtime.GetGrain<ILazyCounterGrain>($"city-{i}").AddAsync(i)));

        await services.DisposeAsync();

        var fresh = (await database.CreateServicesAsync(TestGrainServices.Runtime())).GetRequiredService<IGrainFactory>();
        for (var i = 0; i < 10; i++)
            Assert.Equal(i, await fresh.GetGrain<ILazyCounterGrain>($"city-{i}").GetAsync());
    }

    [Fact]
    public async Task Stopping_the_host_deactivates_every_grain_before_the_process_ends()
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        database.AddStorage(builder.Services);
        TestGrainServices.Runtime()(builder.Services);
        var host = builder.Build();
        await using var disposeHost = (IAsyncDisposable)host;
        await host.Services.ApplyStorageSchemaAsync();
        await host.StartAsync();
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ILazyCounterGrain>("changwon").AddAsync(5);

        await host.StopAsync();

        Assert.Equal(0, host.Services.GetRequiredService<GrainRuntime>().ActivationCount);
        Assert.Equal(5, await Runtime.GetGrain<ILazyCounterGrain>("changwon").GetAsync());
    }

    [Fact]
    public void References_to_the_same_grain_are_equal()
    {
        Assert.Equal(Runtime.GetGrain<ICounterGrain>("seoul"), Runtime.GetGrain<ICounterGrain>("seoul"));
        Assert.NotEqual(Runtime.GetGrain<ICounterGrain>("seoul"), Runtime.GetGrain<ICounterGrain>("busan"));
        Assert.Equal("ICounterGrain(seoul)", Runtime.GetGrain<ICounterGrain>("seoul").ToString());
    }

    [Fact]
    public async Task A_call_after_the_runtime_is_disposed_fails_clearly()
    {
        var counter = Runtime.GetGrain<ICounterGrain>("late");
        await services.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => counter.IncrementAsync());
    }

    [Fact]
    public async Task A_grain_exception_reaches_the_caller_unchanged_and_keeps_the_activation_and_state()
    {
        var counter = Runtime.GetGrain<ICounterGrain>("gwangju");
        await counter.IncrementAsync();

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => counter.FailAsync("quorum not reached"));

        Assert.Equal("quorum not reached", exception.Message);
        Assert.Equal(1, await counter.GetAsync());
        Assert.Equal(2, await counter.IncrementAsync());
        Assert.Equal((1, 0), (Probe.Activations("gwangju"), Probe.Deactivations("gwangju")));
    }

    [Fact]
    public async Task A_write_that_lost_a_race_fails_the_call_and_the_next_call_reloads_from_storage()
    {
        var counter = Runtime.GetGrain<ICounterGrain>("ulsan");
        await counter.IncrementAsync();
        // Another writer (say, another node) updates the stored state behind the activation's back.
        var storage = services.GetRequiredService<IGrainStorage>();
        var id = new GrainId(GrainTypeName.Of<CounterGrain>(), "ulsan");
        var stored = await storage.ReadAsync(id, "count", default);
        await storage.WriteAsync(id, "count", stored!.Etag, """{"value":41}""", default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => counter.IncrementAsync());

        Assert.Equal(41, await counter.GetAsync());
        Assert.Equal(42, await counter.IncrementAsync());
        // Dropped without OnDeactivateAsync: a stale activation must not write.
        Assert.Equal((2, 0), (Probe.Activations("ulsan"), Probe.Deactivations("ulsan")));
    }

    [Fact]
    public async Task An_audited_write_stores_the_state_and_its_audit_entry()
    {
        var counter = Runtime.GetGrain<ICounterGrain>("pohang");

        Assert.Equal(1, await counter.IncrementAuditedAsync("staff:kim"));
        Assert.Equal(2, await counter.IncrementAuditedAsync("staff:lee"));

        var entries = await services.GetRequiredService<AuditLog>().ListAsync(new AuditQuery(SubjectPrefix: "counter/pohang"), null, 10);
        Assert.Equal([("staff:lee", """{"value":2}"""), ("staff:kim", """{"value":1}""")], entries.Select(e => (e.Actor, e.Details)));
        Assert.All(entries, e => Assert.Equal("counter.incremented", e.Action));
        await Runtime.DeactivateAsync<ICounterGrain>("pohang");
        Assert.Equal(2, await counter.GetAsync());
    }

    [Fact]
    public async Task An_audited_write_that_lost_a_race_stores_no_audit_entry_and_the_next_call_reloads()
    {
        var counter = Runtime.GetGrain<ICounterGrain>("gimhae");
        await counter.IncrementAuditedAsync("staff:kim");
        var storage = services.GetRequiredService<IGrainStorage>();
        var id = new GrainId(GrainTypeName.Of<CounterGrain>(), "gimhae");
        var stored = await storage.ReadAsync(id, "count", default);
        await storage.WriteAsync(id, "count", stored!.Etag, """{"value":41}""", default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => counter.IncrementAuditedAsync("staff:lost"));

        var log = services.GetRequiredService<AuditLog>();
        Assert.Equal(["staff:kim"], (await log.ListAsync(new AuditQuery(SubjectPrefix: "counter/gimhae"), null, 10)).Select(e => e.Actor));
        Assert.Equal(41, await counter.GetAsync());
        Assert.Equal(42, await counter.IncrementAuditedAsync("staff:lee"));
        Assert.Equal(["staff:lee", "staff:kim"], (await log.ListAsync(new AuditQuery(SubjectPrefix: "counter/gimhae"), null, 10)).Select(e => e.Actor));
        Assert.Equal((2, 0), (Probe.Activations("gimhae"), Probe.Deactivations("gimhae")));
    }

    [Fact]
    public async Task Cleared_state_starts_over_from_a_new_state()
    {
        var counter = Runtime.GetGrain<ICounterGrain>("suwon");
        await counter.IncrementAsync();

        await counter.ResetAsync();
        await Runtime.DeactivateAsync<ICounterGrain>("suwon");

        Assert.Equal(0, await counter.GetAsync());
        Assert.Equal(1, await counter.IncrementAsync());
    }

    [Fact]
    public async Task A_grain_can_call_another_grain()
    {
        var relay = Runtime.GetGrain<IRelayGrain>("relay");

        Assert.Equal(1, await relay.IncrementCounterAsync("jeju"));
        Assert.Equal(2, await relay.IncrementCounterAsync("jeju"));

        Assert.Equal(2, await Runtime.GetGrain<ICounterGrain>("jeju").GetAsync());
    }

    [Fact]
    public async Task The_state_reader_scans_stored_states_in_key_order()
    {
        foreach (var (key, times) in new[] { ("seoul", 3), ("busan", 1), ("서울", 2) })
            for (var i = 0; i < times; i++)
                await Runtime.GetGrain<ICounterGrain>(key).IncrementAsync();
        var reader = services.GetRequiredService<IGrainStateReader>();

        var states = new List<(string Key, int Value)>();
        await foreach (var (key, state) in reader.ScanAsync<CounterState>(GrainTypeName.Of<CounterGrain>(), "count"))
            states.Add((key, state.Value));

        Assert.Equal([("busan", 1), ("seoul", 3), ("서울", 2)], states);
    }

    [Fact]
    public async Task The_activation_count_follows_activations()
    {
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Runtime.GetGrain<ISequenceGrain>($"k{i}").RecordAsync(i)));
        Assert.Equal(5, Runtime.ActivationCount);

        await Runtime.DeactivateAllAsync();

        Assert.Equal(0, Runtime.ActivationCount);
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(1, Probe.Deactivations($"k{i}")));
    }
}
