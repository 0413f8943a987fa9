using System.Collections.Concurrent;

namespace WeGoAssembly.Grains.Voting;

/// <summary>
/// Change notices for live streams, per topic ("quorum/{assemblyId}", "ballot/{ballotId}"): grains call
/// <see cref="Notify"/> after a durable change. A notice costs the same however many watch: it moves the
/// topic's version on and completes one shared signal. Watchers read the current state through
/// <see cref="Watch.CurrentAsync"/>, one read per change shared by all of them, so thousands of watchers
/// of a ballot make one grain call per change, not one each; a watcher busy writing skips the changes it
/// missed and next gets the latest state, so nothing queues up behind a slow one. The version also lets
/// a ballot grain see that the presence it cached is stale.
/// </summary>
public sealed class VotingHub
{
    private readonly ConcurrentDictionary<string, WatchedTopic> topics = new(StringComparer.Ordinal);

    public static string QuorumTopic(string assemblyId) => "quorum/" + assemblyId;

    public static string BallotTopic(string ballotId) => "ballot/" + ballotId;

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
            t.Watchers++;
        return new Watch(t);
    }
}

/// <summary>A topic's version, its change signal and the state its watchers last read (guarded by locking the topic).</summary>
internal sealed class WatchedTopic
{
    public long Version;
    public TaskCompletionSource Changed = NewSignal();
    public int Watchers;
    public (long Version, Task Read)? Current;

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

    /// <summary>Completes when the topic has changed since the state last returned by <see cref="CurrentAsync"/>.</summary>
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
