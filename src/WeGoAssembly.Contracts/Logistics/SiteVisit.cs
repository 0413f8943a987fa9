using Orleans;
namespace WeGoAssembly.Contracts.Logistics;

/// <summary>A vehicle taking participants on a site visit: id unique within the visit, seats for participants, a label for signs.</summary>
[GenerateSerializer, Alias("wego.Vehicle")]
public sealed record Vehicle(string Id, int Seats, string Label);

/// <summary>
/// A site visit offered to an assembly's participants. Id is "{assemblyId}.{slug}" (for example
/// "ga-2023.gwangjang-market"), so the id alone leads to the assembly. Times are instants, shown in the assembly's time zone.
/// </summary>
[GenerateSerializer, Alias("wego.SiteVisit")]
public sealed record SiteVisit(
    string Id,
    string AssemblyId,
    string TitleEn,
    string TitleKo,
    string DescriptionEn,
    string DescriptionKo,
    string Place,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string MeetingPoint,
    int Capacity,
    IReadOnlyList<Vehicle> Vehicles,
    string AccessibilityNotes,
    bool Sample = false);

/// <summary>Whether a placement holds a seat or waits for one; numbers equal the proto PlacementStatus values.</summary>
[GenerateSerializer, Alias("wego.PlacementStatus")]
public enum PlacementStatus { Assigned = 1, Waitlisted = 2 }

/// <summary>One participant's place on one visit: a seat (with its vehicle) or a waitlist position (1 = next).</summary>
[GenerateSerializer, Alias("wego.Placement")]
public sealed record Placement(
    string ParticipantId,
    string SiteVisitId,
    PlacementStatus Status,
    string? VehicleId,
    int WaitlistPosition,
    int ChoiceRank,
    bool PlacedByStaff);

/// <summary>Totals of the latest assignment run; index r of ParticipantsByBestRank is choice rank r + 1.</summary>
[GenerateSerializer, Alias("wego.AssignmentSummary")]
public sealed record AssignmentSummary(
    string AssemblyId,
    DateTimeOffset RunAt,
    int ParticipantsWithPreferences,
    int ParticipantsPlaced,
    int ParticipantsUnplaced,
    IReadOnlyList<int> ParticipantsByBestRank);

/// <summary>An assignment: the latest run's totals and the placements now (after moves and promotions), by participant id.</summary>
[GenerateSerializer, Alias("wego.Assignment")]
public sealed record Assignment(AssignmentSummary Summary, IReadOnlyList<Placement> Placements);

/// <summary>One participant's ranked visits, most wanted first, as stored.</summary>
[GenerateSerializer, Alias("wego.PreferenceSet")]
public sealed record PreferenceSet(string ParticipantId, string MemberCityId, IReadOnlyList<string> SiteVisitIds, DateTimeOffset SubmittedAt);

/// <summary>
/// A staff move: off <see cref="FromSiteVisitId"/> (seat or waitlist place) and/or onto <see cref="ToSiteVisitId"/>;
/// <see cref="OverrideCapacity"/> seats even on a full visit or vehicle, with a reason for the audit log.
/// </summary>
[GenerateSerializer, Alias("wego.ParticipantMove")]
public sealed record ParticipantMove(
    string ParticipantId,
    string? FromSiteVisitId,
    string? ToSiteVisitId,
    string? ToVehicleId,
    bool OverrideCapacity,
    string Reason);

/// <summary>The participant's placements after a move, and who moved up from a waitlist into the freed seat.</summary>
[GenerateSerializer, Alias("wego.MoveOutcome")]
public sealed record MoveOutcome(IReadOnlyList<Placement> Placements, IReadOnlyList<Placement> Promoted);

/// <summary>A passenger checked in at a visit's departure: when, on which vehicle, by whom.</summary>
[GenerateSerializer, Alias("wego.DepartureCheckIn")]
public sealed record DepartureCheckIn(string ParticipantId, string SiteVisitId, string? VehicleId, DateTimeOffset At, string Actor);

/// <summary>The result of a departure scan: the check-in, and whether this scan recorded it (false when already checked in).</summary>
[GenerateSerializer, Alias("wego.DepartureScan")]
public sealed record DepartureScan(DepartureCheckIn CheckIn, bool Changed);

/// <summary>A waitlisted participant moved up into a freed seat, kept for notifying them.</summary>
[GenerateSerializer, Alias("wego.PromotionNotice")]
public sealed record PromotionNotice(string ParticipantId, string SiteVisitId, string? VehicleId, DateTimeOffset At, string Cause);

/// <summary>One flight of an itinerary: flight number (e.g. "KE902"), IATA airport code (e.g. "ICN") and scheduled time there.</summary>
[GenerateSerializer, Alias("wego.FlightLeg")]
public sealed record FlightLeg(string FlightNumber, string AirportCode, DateTimeOffset ScheduledAt);

/// <summary>A participant's travel to and from an assembly.</summary>
[GenerateSerializer, Alias("wego.Itinerary")]
public sealed record Itinerary(
    string ParticipantId,
    string AssemblyId,
    FlightLeg? Arrival,
    FlightLeg? Departure,
    bool NeedsAirportPickup,
    DateTimeOffset UpdatedAt);
