using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Grains.Accreditation;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Logistics;

/// <summary>
/// An assembly's arrivals for planning airport pickups, read straight from stored itineraries (keys
/// "{assemblyId}/{participantId}", one contiguous range) and named from the delegations.
/// </summary>
public sealed class ArrivalsBoard(Projections projections, IGrainFactory grains, DelegationRegister delegations)
{
    public async Task<IReadOnlyList<ArrivalGroup>> ListAsync(
        string assemblyId, TimeSpan? window, DateTimeOffset? from, DateTimeOffset? until, bool pickupOnly, CancellationToken ct)
    {
        var length = ArrivalWindows.Check(window);
        var assembly = await grains.GetGrain<IAssemblyGrain>(assemblyId).GetAsync()
            ?? throw DomainException.NotFound($"No assembly \"{assemblyId}\" exists; check the id with GetAssembly.");
        var zone = AssemblyCalendar.Zone(assembly.TimeZone);

        var people = new Dictionary<string, Participant>(StringComparer.Ordinal);
        await foreach (var (_, delegation) in delegations.StreamAsync(assemblyId, null, ct))
            foreach (var stored in delegation.Participants)
                people[stored.Participant.Id] = stored.Participant;

        var arrivals = new List<ArrivingParticipant>();
        var prefix = assemblyId + "/";
        await foreach (var (_, state) in projections.ScanAsync<ItineraryState>(ItineraryGrain.TypeName, prefix, prefix, ct))
        {
            if (state.Itinerary is not { Arrival: { } flight } itinerary)
                continue;
            if ((from is { } f && flight.ScheduledAt < f) || (until is { } u && flight.ScheduledAt >= u) || (pickupOnly && !itinerary.NeedsAirportPickup))
                continue;
            var person = people.GetValueOrDefault(itinerary.ParticipantId);
            arrivals.Add(new ArrivingParticipant(itinerary.ParticipantId, person?.GivenName ?? "", person?.FamilyName ?? "",
                person?.MemberCityId ?? "", flight, itinerary.NeedsAirportPickup));
        }
        return ArrivalWindows.Group(arrivals, length, zone);
    }
}
