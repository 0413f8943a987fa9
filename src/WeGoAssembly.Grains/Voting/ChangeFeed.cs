using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using WeGoAssembly.Contracts.Voting;

namespace WeGoAssembly.Grains.Voting;

/// <summary>
/// A watched grain's side of live streams: the nodes listening to its topic (grain observers, renewed by each node
/// every <see cref="VotingHub.RenewEvery"/> and dropped a minute after a node stops renewing) and the one-way notice
/// it sends them after each durable change.
/// </summary>
public sealed class ChangeFeed(string topic, ILogger logger)
{
    private readonly ObserverManager<IChangeListener> listeners = new(TimeSpan.FromMinutes(1), logger);

    /// <summary>A watchable grain's <see cref="IWatchable.WatchAsync"/>.</summary>
    public Task WatchAsync(IChangeListener listener)
    {
        listeners.Subscribe(listener, listener);
        return Task.CompletedTask;
    }

    /// <summary>A watchable grain's <see cref="IWatchable.UnwatchAsync"/>.</summary>
    public Task UnwatchAsync(IChangeListener listener)
    {
        listeners.Unsubscribe(listener);
        return Task.CompletedTask;
    }

    /// <summary>Tells every listening node that the topic changed (one message per node, however many watch there).</summary>
    public void Changed() => listeners.Notify(listener => _ = listener.Changed(topic));
}
