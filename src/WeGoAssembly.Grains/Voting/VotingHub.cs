using System.Collections.Concurrent;
using System.Threading.Channels;

namespace WeGoAssembly.Grains.Voting;

/// <summary>
/// Change notices for live streams, per topic ("quorum/{assemblyId}", "ballot/{ballotId}"): grains call
/// <see cref="Notify"/> after a durable change; each watcher holds a one-slot channel that is signalled
/// (changes arriving faster than a watcher reads are coalesced into one), and then reads the current
/// state itself. The version number per topic lets a ballot grain see that the presence it cached is stale.
/// </summary>
public sealed class VotingHub
{
    private readonly ConcurrentDictionary<string, Topic> topics = new(StringComparer.Ordinal);

    public static string QuorumTopic(string assemblyId) => "quorum/" + assemblyId;

    public static string BallotTopic(string ballotId) => "ballot/" + ballotId;

    /// <summary>How many changes the topic has seen in this process.</summary>
    public long Version(string topic) => topics.TryGetValue(topic, out var t) ? Interlocked.Read(ref t.Version) : 0;

    public void Notify(string topic)
    {
        var t = topics.GetOrAdd(topic, static _ => new Topic());
        Interlocked.Increment(ref t.Version);
        Channel<bool>[] watchers;
        lock (t.Watchers)
        {
            if (t.Watchers.Count == 0)
                return;
            watchers = [.. t.Watchers];
        }
        foreach (var watcher in watchers)
            watcher.Writer.TryWrite(true);
    }

    /// <summary>Starts watching: the reader gets one item after each change (coalesced); dispose to stop.</summary>
    public Watch Subscribe(string topic)
    {
        var t = topics.GetOrAdd(topic, static _ => new Topic());
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (t.Watchers)
            t.Watchers.Add(channel);
        return new Watch(channel.Reader, () => { lock (t.Watchers) t.Watchers.Remove(channel); channel.Writer.TryComplete(); });
    }

    private sealed class Topic
    {
        public long Version;
        public readonly List<Channel<bool>> Watchers = [];
    }
}

/// <summary>A subscription to a topic of <see cref="VotingHub"/>.</summary>
public sealed class Watch(ChannelReader<bool> changes, Action stop) : IDisposable
{
    public ChannelReader<bool> Changes { get; } = changes;

    public void Dispose() => stop();
}
