using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Voting;

namespace WeGoAssembly.Grains.Voting;

/// <summary>
/// This node's change notices for live streams, per topic ("quorum/{assemblyId}", "ballot/{ballotId}", "floor/{agendaItemId}"). While a topic
/// has watchers here, the hub listens to its grain through Orleans (a grain observer, <see cref="IChangeListener"/>,
/// renewed every <see cref="RenewEvery"/>), so a change of a grain on any node reaches the watchers on this one; the
/// grain's notice lands in <see cref="Notify"/>. A notice costs the same however many watch: it moves the
/// topic's version on and completes one shared signal. Watchers read the current state through
/// <see cref="Watch.CurrentAsync"/>, one read per change shared by all of them, so thousands of watchers
/// of a ballot make one grain call per change, not one each; a watcher busy writing skips the changes it
/// missed and next gets the latest state, so nothing queues up behind a slow one. The version also lets
/// a ballot grain see that the presence it cached is stale.
/// </summary>
public sealed partial class VotingHub(IGrainFactory grains, ILogger<VotingHub> logger) : IChangeListener
{
    /// <summary>How often a node renews its listening to a watched grain; also how soon it heals after the grain moved or reactivated.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);

    private readonly ConcurrentDictionary<string, WatchedTopic> topics = new(StringComparer.Ordinal);
    private IChangeListener? self;

    public static string QuorumTopic(string assemblyId) => "quorum/" + assemblyId;

    public static string BallotTopic(string ballotId) => "ballot/" + ballotId;

    public static string FloorTopic(string agendaItemId) => "floor/" + agendaItemId;

    /// <summary>A decision item's motion and its amendments.</summary>
    public static string MotionTopic(string agendaItemId) => "motion/" + agendaItemId;

    /// <summary>An assembly's agenda: its items and which ballot is open on which.</summary>
    public static string AgendaTopic(string assemblyId) => "agenda/" + assemblyId;

    /// <summary>An assembly's display links (a revoked screen stops).</summary>
    public static string DisplaysTopic(string assemblyId) => "displays/" + assemblyId;

    /// <summary>The member register: moved on by every stored member city change (cached eligibility goes stale).</summary>
    public const string RegisterTopic = "register";

    /// <summary>How many changes the topic has seen in this process.</summary>
    public long Version(string topic) => topics.TryGetValue(topic, out var t) ? Interlocked.Read(ref t.Version) : 0;

    /// <summary>How many streams watch the topic now (a stream that ended, however it ended, no longer counts).</summary>
    public int Watchers(string topic)
    {
        if (!topics.TryGetValue(topic, out var t))
            return 0;
        lock (t)
            return t.Watchers;
    }

    public void Notify(string topic)
    {
        var t = topics.GetOrAdd(topic, static _ => new WatchedTopic());
        // Version first, then the signal: a watcher that read the old version is either woken here or sees the new one.
        Interlocked.Increment(ref t.Version);
        Interlocked.Exchange(ref t.Changed, WatchedTopic.NewSignal()).TrySetResult();
    }

    /// <summary>Starts watching a topic; dispose to stop.</summary>
    public Watch Subscribe(string topic)
    {
        var t = topics.GetOrAdd(topic, static _ => new WatchedTopic());
        lock (t)
        {
            if (++t.Watchers == 1 && t.Listening is null && WatchableOf(topic) is { } grain)
                t.Listening = Task.Run(() => ListenAsync(topic, t, grain));
        }
        return new Watch(t);
    }

    Task IChangeListener.Changed(string topic)
    {
        Notify(topic);
        return Task.CompletedTask;
    }

    /// <summary>Listens to the grain of <paramref name="topic"/> while the topic has watchers here.</summary>
    private async Task ListenAsync(string topic, WatchedTopic t, IWatchable grain)
    {
        var listener = self ??= grains.CreateObjectReference<IChangeListener>(this);
        while (Volatile.Read(ref t.Watchers) > 0)
        {
            try
            {
                await grain.WatchAsync(listener);
                // Whatever changed before the grain knew of this node (the first time, or after it reactivated) is read now.
                Notify(topic);
            }
            catch (Exception exception)
            {
                ListenFailed(logger, exception, topic);
            }
            await WaitWhileWatchedAsync(t, RenewEvery);
        }
        try
        {
            await grain.UnwatchAsync(listener);
        }
        catch (Exception exception)
        {
            ListenFailed(logger, exception, topic);
        }
        lock (t)
        {
            // A watcher came back while this loop was ending: listen again; otherwise the next first watcher starts a loop.
            t.Listening = t.Watchers > 0 ? Task.Run(() => ListenAsync(topic, t, grain)) : null;
        }
    }

    // Sleeps for the period, waking early (every second) to stop once the last watcher is gone.
    private static async Task WaitWhileWatchedAsync(WatchedTopic t, TimeSpan period)
    {
        for (var waited = TimeSpan.Zero; waited < period && Volatile.Read(ref t.Watchers) > 0; waited += TimeSpan.FromSeconds(1))
            await Task.Delay(TimeSpan.FromSeconds(1));
    }

    private IWatchable? WatchableOf(string topic) =>
        topic.StartsWith("quorum/", StringComparison.Ordinal) ? grains.GetGrain<IAssemblyGrain>(topic["quorum/".Length..])
        : topic.StartsWith("ballot/", StringComparison.Ordinal) ? grains.GetGrain<IBallotGrain>(topic["ballot/".Length..])
        : topic.StartsWith("floor/", StringComparison.Ordinal) ? grains.GetGrain<Contracts.Floor.IFloorGrain>(topic["floor/".Length..])
        : topic.StartsWith("motion/", StringComparison.Ordinal) ? grains.GetGrain<Contracts.Floor.IMotionGrain>(topic["motion/".Length..])
        : topic.StartsWith("agenda/", StringComparison.Ordinal) ? grains.GetGrain<IAgendaGrain>(topic["agenda/".Length..])
        : topic.StartsWith("displays/", StringComparison.Ordinal) ? grains.GetGrain<Contracts.Floor.IDisplayLinksGrain>(topic["displays/".Length..])
        : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening to the changes of {Topic} failed; trying again shortly")]
    private static partial void ListenFailed(ILogger logger, Exception exception, string topic);
}

/// <summary>A topic's version, its change signal and the state its watchers last read (guarded by locking the topic).</summary>
internal sealed class WatchedTopic
{
    public long Version;
    public TaskCompletionSource Changed = NewSignal();
    public int Watchers;
    public (long Version, Task Read)? Current;
    // The loop that keeps this node listening to the topic's grain (null for local topics).
    public Task? Listening;

    // Continuations run on the thread pool, never inside the grain turn or batch completion that notified.
    public static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A subscription to a topic of <see cref="VotingHub"/>.</summary>
public sealed class Watch : IDisposable
{
    private readonly WatchedTopic topic;
    private long seen;
    private bool disposed;

    internal Watch(WatchedTopic topic) => this.topic = topic;

    /// <summary>
    /// The topic's current state as <paramref name="read"/> returns it: the first watcher to ask after a change
    /// runs it, the others asking at the same version share its task (a failed read is run again by the next one).
    /// </summary>
    public Task<T> CurrentAsync<T>(Func<Task<T>> read)
        where T : class
    {
        lock (topic)
        {
            // The version is taken before the read starts, so the state read includes every change up to it.
            seen = Interlocked.Read(ref topic.Version);
            if (topic.Current is { } current && current.Version == seen && current.Read is Task<T> shared && !shared.IsFaulted && !shared.IsCanceled)
                return shared;
            var fresh = Task.Run(read);
            topic.Current = (seen, fresh);
            return fresh;
        }
    }

    /// <summary>Marks the topic's state as read now, by the caller itself (a view made of several topics, which no other watcher shares).</summary>
    public void Seen() => seen = Interlocked.Read(ref topic.Version);

    /// <summary>Completes when the topic has changed since the state last returned by <see cref="CurrentAsync"/> (or since <see cref="Seen"/>).</summary>
    public Task ChangedAsync(CancellationToken cancellationToken)
    {
        // The signal before the version: a change after this read completes this very signal.
        var signal = Volatile.Read(ref topic.Changed);
        return Interlocked.Read(ref topic.Version) != seen ? Task.CompletedTask : signal.Task.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        lock (topic)
        {
            if (disposed)
                return;
            disposed = true;
            // The last watcher gone, the state read for them (a closed ballot's whole result) is not kept.
            if (--topic.Watchers == 0)
                topic.Current = null;
        }
    }
}
