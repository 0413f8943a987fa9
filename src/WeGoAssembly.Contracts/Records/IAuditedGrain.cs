using Orleans;

namespace WeGoAssembly.Contracts.Records;

/// <summary>A grain whose changes go through the change outbox (<see cref="IChangeOutbox"/>).</summary>
[Alias("wego.IAuditedGrain")]
public interface IAuditedGrain : IGrainWithStringKey
{
    /// <summary>Appends what the grain's outbox holds and refreshes its projection (the start-up sweep calls it for marked grains).</summary>
    Task ReplayOutboxAsync();
}
