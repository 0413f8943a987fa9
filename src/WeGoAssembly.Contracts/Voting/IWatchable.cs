using Orleans;

namespace WeGoAssembly.Contracts.Voting;

/// <summary>A grain whose changes nodes listen to (the assembly's quorum, a ballot's count), through <see cref="IChangeListener"/>.</summary>
[Alias("wego.IWatchable")]
public interface IWatchable : IGrainWithStringKey
{
    /// <summary>Starts or renews a node's listening; a listener not renewed within a minute is dropped (the node died).</summary>
    Task WatchAsync(IChangeListener listener);

    /// <summary>Ends a node's listening.</summary>
    Task UnwatchAsync(IChangeListener listener);
}
