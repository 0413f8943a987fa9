using WeGoAssembly.Runtime;

namespace WeGoAssembly.Contracts.Logistics;

/// <summary>One site visit's definition, keyed by the visit id ("{assemblyId}.{slug}").</summary>
public interface ISiteVisitGrain : IGrainWithStringKey
{
    /// <summary>The visit, or null when none was created under this key.</summary>
    Task<SiteVisit?> GetAsync();

    /// <summary>Stores a checked visit; ALREADY_EXISTS when one exists under this key. Called by the assembly's plan.</summary>
    Task<SiteVisit> CreateAsync(SiteVisit visit, string actor);
}

/// <summary>
/// An assembly's site-visit logistics, keyed by assembly id: which visits it offers, the preference cut-off,
/// the preferences, the assignment (seats and waitlists, with staff moves), promotions and departure check-ins.
/// At the cut-off a durable reminder runs the assignment.
/// </summary>
public interface ISiteVisitPlanGrain : IGrainWithStringKey
{
    /// <summary>Checks and creates a visit (its id given, or the next "visit-{n}" of the assembly); NOT_FOUND for an unknown assembly.</summary>
    Task<SiteVisit> AddVisitAsync(SiteVisit visit, string actor);

    /// <summary>The assembly's visits, by start time then id.</summary>
    Task<IReadOnlyList<SiteVisit>> GetVisitsAsync();

    /// <summary>The preference cut-off, null while none is set.</summary>
    Task<DateTimeOffset?> GetPreferencesCutoffAsync();

    /// <summary>Sets (and schedules the assignment at) or clears the cut-off.</summary>
    Task<DateTimeOffset?> SetPreferencesCutoffAsync(DateTimeOffset? cutoff, string actor);

    /// <summary>
    /// Replaces an approved participant's ranking; FAILED_PRECONDITION after the cut-off or when the participant is
    /// not approved; NOT_FOUND for a visit of no such id; INVALID_ARGUMENT for a visit ranked twice.
    /// </summary>
    Task<PreferenceSet> SubmitPreferencesAsync(string participantId, string memberCityId, IReadOnlyList<string> siteVisitIds, string actor);

    /// <summary>The participant's preferences, or null when none were submitted.</summary>
    Task<PreferenceSet?> GetPreferencesAsync(string participantId);

    /// <summary>Runs the assignment (staff seats kept); stores it unless <paramref name="dryRun"/>.</summary>
    Task<Assignment> RunAssignmentAsync(bool dryRun, string actor);

    /// <summary>The current assignment, or null when it never ran.</summary>
    Task<Assignment?> GetAssignmentAsync();

    /// <summary>Moves a participant; the waitlist of a visit that loses a seat moves up at once.</summary>
    Task<MoveOutcome> MoveAsync(ParticipantMove move, string actor);

    /// <summary>Checks a seated passenger in at departure; idempotent.</summary>
    Task<DepartureScan> CheckInDepartureAsync(string siteVisitId, string participantId, string? vehicleId, string actor);

    /// <summary>Departure check-ins of one visit.</summary>
    Task<IReadOnlyList<DepartureCheckIn>> GetDepartureCheckInsAsync(string siteVisitId);

    /// <summary>Waitlisted participants moved up into seats, oldest first, for notification.</summary>
    Task<IReadOnlyList<PromotionNotice>> GetPromotionsAsync();
}

/// <summary>One participant's travel itinerary for one assembly, keyed "{assemblyId}/{participantId}".</summary>
public interface IItineraryGrain : IGrainWithStringKey
{
    /// <summary>The itinerary, or null when none was submitted.</summary>
    Task<Itinerary?> GetAsync();

    /// <summary>Checks and replaces the itinerary (departure after arrival, IATA codes, pickup needs an arrival).</summary>
    Task<Itinerary> SubmitAsync(Itinerary itinerary, string actor);
}
