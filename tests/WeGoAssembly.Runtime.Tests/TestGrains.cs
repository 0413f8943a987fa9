using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Runtime;

namespace WeGoAssembly.Runtime.Tests;

// Small grains that expose what the runtime does: lifecycle, ordering, overlap, persistence.

/// <summary>What the grains of one runtime saw, and barriers the tests hold them on.</summary>
public sealed class GrainProbe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> signals = new();
    private readonly ConcurrentDictionary<string, int> activations = new();
    private readonly ConcurrentDictionary<string, int> deactivations = new();

    /// <summary>Set to hold every OnDeactivateAsync of <see cref="SequenceGrain"/> until it completes.</summary>
    public TaskCompletionSource? DeactivationGate { get; set; }

    public int Activations(string key) => activations.GetValueOrDefault(key);

    public int Deactivations(string key) => deactivations.GetValueOrDefault(key);

    /// <summary>A one-shot event by name, created on first use by either side.</summary>
    public TaskCompletionSource Signal(string name) =>
        signals.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void OnActivated(string key)
    {
        activations.AddOrUpdate(key, 1, (_, n) => n + 1);
        Signal($"activated:{key}:{Activations(key)}").TrySetResult();
    }

    public void OnDeactivated(string key)
    {
        deactivations.AddOrUpdate(key, 1, (_, n) => n + 1);
        Signal($"deactivated:{key}:{Deactivations(key)}").TrySetResult();
    }
}

public sealed class CounterState
{
    public int Value { get; set; }
}

public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds one and writes the state; returns the new value.</summary>
    Task<int> IncrementAsync();

    /// <summary>Adds one and writes the state with an audit entry by <paramref name="actor"/>; returns the new value.</summary>
    Task<int> IncrementAuditedAsync(string actor);

    Task<int> GetAsync();

    ValueTask<int> GetAsValueTaskAsync();

    Task<int> IncrementThenDeactivateAsync();

    Task FailAsync(string message);

    ValueTask ResetAsync();
}

public sealed class CounterGrain([PersistentState("count")] IPersistentState<CounterState> count, GrainProbe probe) : Grain, ICounterGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.OnActivated(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        probe.OnDeactivated(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task<int> IncrementAsync()
    {
        count.State.Value++;
        await count.WriteStateAsync();
        return count.State.Value;
    }

    public async Task<int> IncrementAuditedAsync(string actor)
    {
        var next = new CounterState { Value = count.State.Value + 1 };
        await count.WriteStateAsync(next, new AuditRecord(actor, "counter.incremented", $"counter/{this.GetPrimaryKeyString()}",
            System.Text.Json.JsonSerializer.Serialize(new { value = next.Value })));
        return count.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(count.State.Value);

    public ValueTask<int> GetAsValueTaskAsync() => ValueTask.FromResult(count.State.Value);

    public async Task<int> IncrementThenDeactivateAsync()
    {
        DeactivateOnIdle();
        return await IncrementAsync();
    }

    public Task FailAsync(string message) => throw new InvalidOperationException(message);

    public async ValueTask ResetAsync() => await count.ClearStateAsync();
}

/// <summary>Keeps its count in memory and writes it only when deactivated.</summary>
public interface ILazyCounterGrain : IGrainWithStringKey
{
    Task AddAsync(int amount);

    Task<int> GetAsync();
}

[GrainType("lazy-counter-v1")]
public sealed class LazyCounterGrain([PersistentState("count")] IPersistentState<CounterState> count) : Grain, ILazyCounterGrain
{
    public Task AddAsync(int amount)
    {
        count.State.Value += amount;
        return Task.CompletedTask;
    }

    public Task<int> GetAsync() => Task.FromResult(count.State.Value);

    public override Task OnDeactivateAsync(CancellationToken cancellationToken) => count.WriteStateAsync();
}

/// <summary>Records calls in memory to observe their order and whether they overlap.</summary>
public interface ISequenceGrain : IGrainWithStringKey
{
    Task RecordAsync(int number);

    Task<IReadOnlyList<int>> GetRecordedAsync();

    Task<int> GetMaxCallsAtOnceAsync();

    /// <summary>Signals "{name}:started", then waits for "{name}:release".</summary>
    Task WaitAsync(string name);

    Task SignalAsync(string name);
}

public sealed class SequenceGrain(GrainProbe probe) : Grain, ISequenceGrain
{
    private readonly List<int> recorded = [];
    private int callsNow;
    private int maxCallsAtOnce;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.OnActivated(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        if (probe.DeactivationGate is { } gate)
        {
            probe.Signal($"deactivating:{this.GetPrimaryKeyString()}").TrySetResult();
            await gate.Task;
        }
        probe.OnDeactivated(this.GetPrimaryKeyString());
    }

    public async Task RecordAsync(int number)
    {
        var now = Interlocked.Increment(ref callsNow);
        InterlockedMax(ref maxCallsAtOnce, now);
        // Yield points where another call would slip in if the runtime interleaved calls.
        await Task.Yield();
        recorded.Add(number);
        await Task.Yield();
        Interlocked.Decrement(ref callsNow);
    }

    public Task<IReadOnlyList<int>> GetRecordedAsync() => Task.FromResult<IReadOnlyList<int>>([.. recorded]);

    public Task<int> GetMaxCallsAtOnceAsync() => Task.FromResult(Volatile.Read(ref maxCallsAtOnce));

    public async Task WaitAsync(string name)
    {
        probe.Signal($"{name}:started").TrySetResult();
        await probe.Signal($"{name}:release").Task;
    }

    public Task SignalAsync(string name)
    {
        probe.Signal($"{name}:release").TrySetResult();
        return Task.CompletedTask;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
                return;
            current = seen;
        }
    }
}

/// <summary>Calls another grain from inside its own call.</summary>
public interface IRelayGrain : IGrainWithStringKey
{
    Task<int> IncrementCounterAsync(string counterKey);
}

public sealed class RelayGrain : Grain, IRelayGrain
{
    public Task<int> IncrementCounterAsync(string counterKey) => GrainFactory.GetGrain<ICounterGrain>(counterKey).IncrementAsync();
}

[JsonPolymorphic]
[JsonDerivedType(typeof(MotionProposed), "proposed")]
[JsonDerivedType(typeof(MotionCarried), "carried")]
public abstract record MinutesEvent;

public sealed record MotionProposed(string Motion, string ProposedBy) : MinutesEvent;

public sealed record MotionCarried(string Motion, int Yes, int No) : MinutesEvent;

/// <summary>Keeps the minutes of a meeting as a journal.</summary>
public interface IMinutesGrain : IGrainWithStringKey
{
    Task RecordAsync(IReadOnlyList<MinutesEvent> events);

    Task<IReadOnlyList<JournalEntry<MinutesEvent>>> ReadAsync(long fromVersion);

    Task<long> GetVersionAsync();
}

public sealed class MinutesGrain([Journal("minutes")] IJournal<MinutesEvent> minutes) : Grain, IMinutesGrain
{
    public Task RecordAsync(IReadOnlyList<MinutesEvent> events) => minutes.AppendAsync(events);

    public Task<IReadOnlyList<JournalEntry<MinutesEvent>>> ReadAsync(long fromVersion) => minutes.ReadAsync(fromVersion);

    public Task<long> GetVersionAsync() => Task.FromResult(minutes.Version);
}

public static class TestGrainServices
{
    /// <summary>The runtime with every test grain; <paramref name="configure"/> adjusts its options.</summary>
    public static Action<IServiceCollection> Runtime(Action<GrainRuntimeOptions>? configure = null) => services => services
        .AddSingleton<GrainProbe>()
        .AddGrainRuntime(configure)
        .AddGrain<ICounterGrain, CounterGrain>()
        .AddGrain<ILazyCounterGrain, LazyCounterGrain>()
        .AddGrain<ISequenceGrain, SequenceGrain>()
        .AddGrain<IRelayGrain, RelayGrain>()
        .AddGrain<IMinutesGrain, MinutesGrain>();
}
