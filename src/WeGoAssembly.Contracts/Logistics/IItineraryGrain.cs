using Orleans;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Contracts.Logistics;

/// <summary>One participant's travel itinerary for one assembly, keyed "{assemblyId}/{participantId}".</summary>
[Alias("wego.IItineraryGrain")]
public interface IItineraryGrain : IAuditedGrain
{
    /// <summary>The itinerary, or null when none was submitted.</summary>
    Task<Itinerary?> GetAsync();

    /// <summary>Checks and replaces the itinerary (departure after arrival, IATA codes, pickup needs an arrival).</summary>
    Task<Itinerary> SubmitAsync(Itinerary itinerary, string actor);
}
