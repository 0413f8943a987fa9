using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WeGoAssembly.Runtime;

/// <summary>
/// The in-process grain runtime: one activation per grain id, created on the first call; each
/// activation runs one call at a time in arrival order, activations run in parallel; idle ones are
/// collected. Calls are not reentrant, as in Orleans: if grain A awaits a call to B while B awaits a
/// call back to A, both wait forever, so grain call graphs must not cycle.
/// </summary>
public sealed class GrainRuntime : IGrainFactory, IHostedService, IAsyncDisposable
{
    private readonly ConcurrentDictionary<GrainId, GrainActivation> activations = new();
    private readonly Dictionary<Type, GrainRegistration> registrations;
    private readonly IGrainStorage? grainStorage;
    private readonly IJournalStorage? journalStorage;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task collector;
    private volatile bool disposed;

    internal GrainRuntime(
        IServiceProvider services, IEnumerable<GrainRegistration> grainRegistrations, GrainRuntimeOptions options,
        ILogger<GrainRuntime> logger, TimeProvider time, IGrainStorage? grainStorage, IJournalStorage? journalStorage)
    {
        options.Validate();
        Services = services;
        Options = options;
        Logger = logger;
        Time = time;
        registrations = Index(grainRegistrations.ToArray());
        this.grainStorage = grainStorage;
        this.journalStorage = journalStorage;
        collector = CollectIdleActivationsAsync(stopping.Token);
    }

    /// <summary>Number of activations currently in memory.</summary>
    public int ActivationCount => activations.Count;

    internal IServiceProvider Services { get; }

    internal GrainRuntimeOptions Options { get; }

    internal ILogger Logger { get; }

    internal TimeProvider Time { get; }

    internal IGrainStorage GrainStorage => grainStorage ?? throw NoStorage(nameof(IGrainStorage));

    internal IJournalStorage JournalStorage => journalStorage ?? throw NoStorage(nameof(IJournalStorage));

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(primaryKey);
        var reference = DispatchProxy.Create<TGrainInterface, GrainReference>();
        ((GrainReference)(object)reference).Bind(this, Registration(typeof(TGrainInterface)), primaryKey);
        return reference;
    }

    /// <summary>Deactivates the activation of one grain, if any, after the calls queued before this request.</summary>
    public Task DeactivateAsync<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey
    {
        var id = new GrainId(Registration(typeof(TGrainInterface)).TypeName, primaryKey);
        return activations.TryGetValue(id, out var activation) ? DeactivateAsync(activation, onlyIfIdle: false) : Task.CompletedTask;
    }

    /// <summary>Deactivates every activation (each runs OnDeactivateAsync as its last turn).</summary>
    public Task DeactivateAllAsync() =>
        Task.WhenAll(activations.Values.Select(activation => DeactivateAsync(activation, onlyIfIdle: false)));

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>On host shutdown, lets every grain write what it must in OnDeactivateAsync.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => DeactivateAllAsync().WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (disposed)
            return;
        disposed = true;
        await stopping.CancelAsync();
        await collector;
        // Calls forwarded by a closing activation start successors; repeat until none is left.
        while (!activations.IsEmpty)
            await DeactivateAllAsync();
        stopping.Dispose();
    }

    /// <summary>Queues a caller's call on the grain's activation, creating it if needed.</summary>
    internal void Dispatch(GrainRegistration registration, string key, WorkItem call)
    {
        if (disposed)
            call.Completion.TrySetException(new ObjectDisposedException(nameof(GrainRuntime), "The grain runtime has shut down."));
        else
            Forward(registration, key, call);
    }

    /// <summary>Queues an item on the current activation; a closed one is skipped for its successor.</summary>
    internal void Forward(GrainRegistration registration, string key, WorkItem item)
    {
        var id = new GrainId(registration.TypeName, key);
        while (!activations.GetOrAdd(id, static (id, state) => new GrainActivation(state.Runtime, state.Registration, id), (Runtime: this, Registration: registration))
                   .TryEnqueue(item))
        {
        }
    }

    internal void Remove(GrainActivation activation) => activations.TryRemove(KeyValuePair.Create(activation.Id, activation));

    private static Task DeactivateAsync(GrainActivation activation, bool onlyIfIdle)
    {
        var request = WorkItem.Deactivate(onlyIfIdle);
        return activation.TryEnqueue(request) ? request.Completion.Task : Task.CompletedTask;
    }

    private async Task CollectIdleActivationsAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Options.CollectionInterval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var idle = activations.Values.Where(a => a.IsIdle(Options.IdleTimeout)).ToArray();
                await Task.WhenAll(idle.Select(activation => DeactivateAsync(activation, onlyIfIdle: true)));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private GrainRegistration Registration(Type grainInterface) =>
        registrations.TryGetValue(grainInterface, out var registration)
            ? registration
            : throw new InvalidOperationException(
                $"No grain is registered for {grainInterface.Name}; call services.AddGrain<{grainInterface.Name}, TGrain>().");

    private static Dictionary<Type, GrainRegistration> Index(GrainRegistration[] all)
    {
        if (all.GroupBy(r => r.Interface).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidOperationException($"Grain interface {twice.Key.Name} is registered more than once.");
        // Two classes under one storage name would share activations and stored state.
        if (all.DistinctBy(r => r.GrainClass).GroupBy(r => r.TypeName).FirstOrDefault(g => g.Count() > 1) is { } clash)
            throw new InvalidOperationException(
                $"Grain classes {string.Join(" and ", clash.Select(r => r.GrainClass.Name))} have the same grain type name \"{clash.Key}\".");
        return all.ToDictionary(r => r.Interface);
    }

    private static InvalidOperationException NoStorage(string service) =>
        new($"A grain uses persistent state or a journal but no {service} is registered; call AddSqliteStorage or AddPostgresStorage.");
}

internal static partial class GrainRuntimeLog
{
    [LoggerMessage(1, LogLevel.Debug, "Activated grain {GrainId}")]
    public static partial void Activated(this ILogger logger, GrainId grainId);

    [LoggerMessage(2, LogLevel.Debug, "Deactivated grain {GrainId}")]
    public static partial void Deactivated(this ILogger logger, GrainId grainId);

    [LoggerMessage(3, LogLevel.Warning, "OnDeactivateAsync of grain {GrainId} failed; the activation is removed anyway")]
    public static partial void DeactivationFailed(this ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(4, LogLevel.Information, "Grain {GrainId} lost a concurrent write; its activation is dropped and the next call reloads it")]
    public static partial void DroppedInconsistentActivation(this ILogger logger, GrainId grainId);
}
