using Orleans;
using Orleans.Concurrency;

namespace WeGoAssembly.Contracts.Voting;

/// <summary>
/// A node's listener for the changes of grains its live streams watch (an Orleans grain observer): a grain on any
/// node tells every listening node "this topic changed", and each node wakes its own watchers.
/// </summary>
[Alias("wego.IChangeListener")]
public interface IChangeListener : IGrainObserver
{
    /// <summary>The topic ("quorum/{assemblyId}", "ballot/{ballotId}") changed; one-way, nothing is awaited.</summary>
    [OneWay]
    Task Changed(string topic);
}
