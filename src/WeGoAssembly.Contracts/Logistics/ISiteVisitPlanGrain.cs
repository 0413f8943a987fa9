using Orleans;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Contracts.Logistics;

/// <summary>
/// An assembly's site-visit logistics, keyed by assembly id: which visits it offers, the preference cut-off,
/// the preferences, the assignment (seats and waitlists, with staff moves), promotions and departure check-ins.
/// At the cut-off a durable reminder runs the assignment.
/// </summary>
[Alias("wego.ISiteVisitPlanGrain")]
public interface ISiteVisitPlanGrain : IHasDeadlines, IAuditedGrain
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
