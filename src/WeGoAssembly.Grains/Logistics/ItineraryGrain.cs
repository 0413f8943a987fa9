using WeGoAssembly.Contracts.Logistics;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Logistics;

/// <summary>The persisted itinerary of one participant for one assembly.</summary>
public sealed record ItineraryState
{
    public Itinerary? Itinerary { get; init; }
}

/// <summary>
/// One participant's travel itinerary, keyed "{assemblyId}/{participantId}": one grain per person, so that
/// itineraries are written independently and an assembly's arrivals are one contiguous key range to scan.
/// </summary>
[GrainType(TypeName)]
public sealed class ItineraryGrain([PersistentState(ItineraryGrain.StateName)] IPersistentState<Audited<ItineraryState>> stored, TimeProvider clock, ChangeRecording recording)
    : AuditedGrain<ItineraryState>(stored, recording, project: TypeName), IItineraryGrain
{
    public const string TypeName = "itinerary", StateName = "itinerary";

    /// <summary>The grain key of a participant's itinerary.</summary>
    public static string Key(string assemblyId, string participantId) => $"{assemblyId}/{participantId}";

    public Task<Itinerary?> GetAsync() => Task.FromResult(state.State.Itinerary);

    public async Task<Itinerary> SubmitAsync(Itinerary itinerary, string actor)
    {
        var (cleaned, errors) = ItineraryRules.Validate(itinerary);
        DomainErrors.ThrowIfAny(errors);
        if (Key(cleaned.AssemblyId, cleaned.ParticipantId) != this.GetPrimaryKeyString())
            throw new InvalidOperationException($"The itinerary of {cleaned.ParticipantId} was sent to the grain of {this.GetPrimaryKeyString()}.");
        var stored = cleaned with { UpdatedAt = clock.GetUtcNow() };
        await state.WriteStateAsync(new ItineraryState { Itinerary = stored },
            new AuditRecord(actor, "itinerary.submitted", $"itinerary/{this.GetPrimaryKeyString()}", AuditDetails.Of(new
            {
                arrival = stored.Arrival is { } a ? $"{a.FlightNumber} {a.AirportCode} {a.ScheduledAt:u}" : null,
                departure = stored.Departure is { } d ? $"{d.FlightNumber} {d.AirportCode} {d.ScheduledAt:u}" : null,
                stored.NeedsAirportPickup,
            })));
        return stored;
    }
}
