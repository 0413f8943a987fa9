using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Logistics;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Logistics;

/// <summary>
/// The persisted logistics plan of one assembly. Preferences, seats and waitlists live together so that the
/// cut-off check, the assignment run, moves and promotions each happen in one turn and one write.
/// </summary>
public sealed record SiteVisitPlanState
{
    public int LastVisitNumber { get; init; }
    public List<string> VisitIds { get; init; } = [];
    public DateTimeOffset? PreferencesCutoff { get; init; }
    public List<PreferenceSet> Preferences { get; init; } = [];
    public AssignmentSummary? LastRun { get; init; }
    public List<VisitSeat> Seats { get; init; } = [];
    public List<VisitWaitlist> Waitlists { get; init; } = [];
    public List<DepartureCheckIn> CheckIns { get; init; } = [];
    public List<PromotionNotice> Promotions { get; init; } = [];

    public SeatBook Book => new(Seats, Waitlists);
}

/// <summary>
/// An assembly's site-visit logistics, keyed by assembly id. It computes nothing itself: the assignment is
/// <see cref="SiteVisitAssignment"/>, moves and promotions <see cref="SiteVisitMoves"/>. It calls the assembly,
/// delegation and site-visit grains, none of which calls back. At the preference cut-off a scheduled deadline
/// runs the assignment once (again after a restart if the server was down at the time).
/// </summary>
[GrainType(TypeName)]
public sealed class SiteVisitPlanGrain(
    [PersistentState(SiteVisitPlanGrain.StateName)] IPersistentState<Audited<SiteVisitPlanState>> stored,
    IDeadlineScheduler deadlines, IPlacementNotices notices,
    TimeProvider clock, ChangeRecording recording)
    : AuditedGrain<SiteVisitPlanState>(stored, recording), ISiteVisitPlanGrain
{
    public const string TypeName = "site-visit-plan", StateName = "site-visit-plan", CutoffReminder = "preferences-cutoff";
    public const string SystemActor = "system";
    private const int MaxReasonLength = 500, MaxRanked = 50;

    private Dictionary<string, SiteVisit>? visits;

    private string AssemblyId => this.GetPrimaryKeyString();

    public async Task<SiteVisit> AddVisitAsync(SiteVisit visit, string actor)
    {
        var (cleaned, errors) = SiteVisitRules.Validate(visit);
        DomainErrors.ThrowIfAny(errors);
        await RequireAssemblyAsync();
        var known = await VisitsAsync();
        var number = state.State.LastVisitNumber;
        string id;
        if (string.IsNullOrEmpty(cleaned.Id))
            id = SiteVisitRules.Id(AssemblyId, $"visit-{++number}");
        else if (SiteVisitRules.AssemblyOf("id", cleaned.Id) == AssemblyId)
            id = cleaned.Id;
        else
            throw DomainException.Invalid("id", $"Site visit {cleaned.Id} does not belong to assembly {AssemblyId}.");
        if (known.ContainsKey(id))
            throw new DomainException(DomainErrorKind.AlreadyExists, $"Site visit {id} exists already.");

        // The visit first, then the plan's list: the list never names a visit that is not stored.
        var created = await GrainFactory.GetGrain<ISiteVisitGrain>(id).GetAsync()
            ?? await GrainFactory.GetGrain<ISiteVisitGrain>(id).CreateAsync(cleaned with { Id = id, AssemblyId = AssemblyId }, actor);
        await state.WriteStateAsync(state.State with { LastVisitNumber = number, VisitIds = [.. state.State.VisitIds, id] });
        known[id] = created;
        return created;
    }

    public async Task<IReadOnlyList<SiteVisit>> GetVisitsAsync() =>
        (await VisitsAsync()).Values.OrderBy(v => v.StartsAt).ThenBy(v => v.Id, StringComparer.Ordinal).ToArray();

    public Task<DateTimeOffset?> GetPreferencesCutoffAsync() => Task.FromResult(state.State.PreferencesCutoff);

    public async Task<DateTimeOffset?> SetPreferencesCutoffAsync(DateTimeOffset? cutoff, string actor)
    {
        await RequireAssemblyAsync();
        var previous = state.State.PreferencesCutoff;
        if (previous != cutoff)
            await state.WriteStateAsync(state.State with { PreferencesCutoff = cutoff },
                new AuditRecord(actor, cutoff is null ? "site-visit.cutoff-cleared" : "site-visit.cutoff-set", $"site-visits/{AssemblyId}",
                    AuditDetails.Of(new { from = previous, to = cutoff })));
        // Also when unchanged: scheduling again heals a schedule that failed after the write.
        if (cutoff is { } due)
            await deadlines.ScheduleAsync(this.GetGrainId(), CutoffReminder, due);
        else
            await deadlines.CancelAsync(this.GetGrainId(), CutoffReminder);
        return cutoff;
    }

    public async Task DeadlineDueAsync(string name, DateTimeOffset dueTime)
    {
        if (name != CutoffReminder || state.State.PreferencesCutoff is not { } cutoff)
            return;
        // At least once: a repeated delivery finds the run done and changes nothing but asks again for its e-mails.
        if (state.State.LastRun is { } run && run.RunAt >= cutoff)
        {
            await notices.PlacementsChangedAsync(AssemblyId);
            return;
        }
        if (clock.GetUtcNow() < cutoff)
        {
            await deadlines.ScheduleAsync(this.GetGrainId(), CutoffReminder, cutoff);   // early (the cut-off moved later meanwhile)
            return;
        }
        await RunAssignmentAsync(dryRun: false, SystemActor);
    }

    public async Task<PreferenceSet> SubmitPreferencesAsync(string participantId, string memberCityId, IReadOnlyList<string> siteVisitIds, string actor)
    {
        var now = clock.GetUtcNow();
        if (state.State.PreferencesCutoff is { } cutoff && now > cutoff)
            throw new DomainException(DomainErrorKind.StateConflict,
                $"Site-visit preferences for {AssemblyId} closed at {cutoff:yyyy-MM-dd HH:mm} UTC; ask logistics staff to move you instead.");
        if (siteVisitIds.Count > MaxRanked)
            throw DomainException.Invalid("site_visit_ids", $"At most {MaxRanked} visits can be ranked; {siteVisitIds.Count} were sent.");
        var known = await VisitsAsync();
        var ranked = new List<string>();
        foreach (var raw in siteVisitIds)
        {
            var id = (raw ?? "").Trim();
            if (ranked.Contains(id))
                throw DomainException.Invalid("site_visit_ids", $"Visit {id} is ranked twice; rank each visit at most once.");
            if (!known.ContainsKey(id))
                throw DomainException.NotFound($"Assembly {AssemblyId} has no site visit \"{TextRules.Shorten(id)}\"; ListSiteVisits lists them.");
            ranked.Add(id);
        }
        var participant = await RequireParticipantAsync(participantId, memberCityId);
        if (participant.Status is not (AccreditationStatus.Approved or AccreditationStatus.BadgeIssued))
            throw new DomainException(DomainErrorKind.StateConflict,
                $"{participant.DisplayName} ({participant.Id}) is not an approved participant yet; preferences open once the accreditation is approved.");

        var preferences = new PreferenceSet(participant.Id, memberCityId, ranked, now);
        await state.WriteStateAsync(
            state.State with { Preferences = [.. state.State.Preferences.Where(p => p.ParticipantId != participant.Id), preferences] },
            new AuditRecord(actor, "site-visit.preferences-submitted", $"site-visits/{AssemblyId}",
                AuditDetails.Of(new { participant = participant.Id, ranked })));
        return preferences;
    }

    public Task<PreferenceSet?> GetPreferencesAsync(string participantId) =>
        Task.FromResult(state.State.Preferences.FirstOrDefault(p => p.ParticipantId == participantId));

    public async Task<Assignment> RunAssignmentAsync(bool dryRun, string actor)
    {
        await RequireAssemblyAsync();
        var known = await VisitsAsync();
        var preferences = state.State.Preferences
            .Select(p => new VisitPreference(p.ParticipantId, p.MemberCityId, p.SiteVisitIds.Where(known.ContainsKey).ToArray()))
            .ToList();
        var staffSeats = state.State.Seats.Where(s => s.PlacedByStaff && known.ContainsKey(s.VisitId))
            .Select(s => new StaffSeat(s.ParticipantId, s.VisitId, s.VehicleId)).ToArray();
        var withPreferences = preferences.Select(p => p.ParticipantId).ToHashSet(StringComparer.Ordinal);
        foreach (var holder in staffSeats.Select(s => s.ParticipantId).Distinct().Where(id => !withPreferences.Contains(id)))
            preferences.Add(new VisitPreference(holder, MemberCityOf(holder), []));

        var outcome = SiteVisitAssignment.Assign(new AssignmentInput(
            known.Values.Select(SiteVisitRules.Slot).ToArray(), preferences, staffSeats, TieBreakSeed: AssemblyId));
        var stats = outcome.Statistics;
        var summary = new AssignmentSummary(AssemblyId, clock.GetUtcNow(), stats.ParticipantsWithPreferences, stats.ParticipantsPlaced,
            stats.ParticipantsUnplaced, stats.ParticipantsByBestRank);
        var next = state.State with { LastRun = summary, Seats = [.. outcome.Seats], Waitlists = [.. outcome.Waitlists] };
        if (!dryRun)
            await state.WriteStateAsync(next, new AuditRecord(actor, "site-visit.assignment-run", $"site-visits/{AssemblyId}", AuditDetails.Of(new
            {
                summary.ParticipantsWithPreferences, summary.ParticipantsPlaced, summary.ParticipantsUnplaced,
                byRank = summary.ParticipantsByBestRank, staffSeats = stats.StaffSeats, seats = outcome.Seats.Count,
            })));
        if (!dryRun)
            await notices.PlacementsChangedAsync(AssemblyId);
        return new Assignment(summary, SiteVisitMoves.Placements(next.Book));
    }

    public Task<Assignment?> GetAssignmentAsync() => Task.FromResult(state.State.LastRun is { } run
        ? new Assignment(run, SiteVisitMoves.Placements(state.State.Book))
        : null);

    public async Task<MoveOutcome> MoveAsync(ParticipantMove move, string actor)
    {
        var from = Blank(move.FromSiteVisitId);
        var to = Blank(move.ToSiteVisitId);
        var reason = (move.Reason ?? "").Trim();
        if (from is null && to is null)
            throw DomainException.Invalid("to_site_visit_id", "Give from_site_visit_id, to_site_visit_id or both.");
        if (reason.Length > MaxReasonLength || reason.Any(char.IsControl))
            throw DomainException.Invalid("reason", $"reason must be at most {MaxReasonLength} characters on one line.");
        if (move.OverrideCapacity && reason.Length == 0)
            throw DomainException.Invalid("reason", "override_capacity needs a reason for the audit log.");
        if (state.State.LastRun is null)
            throw new DomainException(DomainErrorKind.StateConflict, $"The assignment of {AssemblyId} has not run yet; run the assignment before moving participants.");
        var known = await VisitsAsync();
        foreach (var id in new[] { from, to }.OfType<string>())
            if (!known.ContainsKey(id))
                throw DomainException.NotFound($"Assembly {AssemblyId} has no site visit \"{TextRules.Shorten(id)}\"; ListSiteVisits lists them.");
        var participant = await RequireParticipantAsync(move.ParticipantId, MemberCityOf(move.ParticipantId));

        var slots = Slots(known);
        var ranking = state.State.Preferences.FirstOrDefault(p => p.ParticipantId == participant.Id)?.SiteVisitIds ?? [];
        var cleanMove = move with { ParticipantId = participant.Id, FromSiteVisitId = from, ToSiteVisitId = to, Reason = reason, ToVehicleId = Blank(move.ToVehicleId) };
        var result = SiteVisitMoves.Apply(state.State.Book, slots, cleanMove, to is null ? 0 : ranking.ToList().IndexOf(to) + 1);
        await state.WriteStateAsync(state.State with { Seats = [.. result.Book.Seats], Waitlists = [.. result.Book.Waitlists] },
            new AuditRecord(actor, result.OverCapacity ? "site-visit.capacity-overridden" : "site-visit.participant-moved", $"site-visits/{AssemblyId}",
                AuditDetails.Of(new
                {
                    participant = participant.Id, from, to, vehicle = result.NewSeat?.VehicleId,
                    overrideCapacity = move.OverrideCapacity ? true : (bool?)null, overCapacity = result.OverCapacity ? true : (bool?)null,
                    reason = reason.Length > 0 ? reason : null,
                })));

        var promoted = from is not null && from != to
            ? await PromoteAsync(from, slots, actor, $"{participant.Id} moved off {from}")
            : [];
        await notices.PlacementsChangedAsync(AssemblyId);
        var placements = SiteVisitMoves.Placements(state.State.Book);
        return new MoveOutcome(
            placements.Where(p => p.ParticipantId == participant.Id).ToArray(),
            placements.Where(p => p.Status == PlacementStatus.Assigned && promoted.Any(s => s.ParticipantId == p.ParticipantId && s.VisitId == p.SiteVisitId)).ToArray());
    }

    public async Task<DepartureScan> CheckInDepartureAsync(string siteVisitId, string participantId, string? vehicleId, string actor)
    {
        var known = await VisitsAsync();
        if (!known.TryGetValue(siteVisitId, out var visit))
            throw DomainException.NotFound($"Assembly {AssemblyId} has no site visit \"{TextRules.Shorten(siteVisitId)}\".");
        var seat = state.State.Seats.FirstOrDefault(s => s.VisitId == siteVisitId && s.ParticipantId == participantId);
        if (seat is null)
        {
            var position = state.State.Book.WaitlistOf(siteVisitId).ToList().FindIndex(e => e.ParticipantId == participantId);
            throw new DomainException(DomainErrorKind.StateConflict, position >= 0
                ? $"{participantId} holds no seat on {visit.TitleEn}: they are number {position + 1} on its waitlist. Board them only if staff move them onto the visit."
                : $"{participantId} holds no seat on {visit.TitleEn}; check the manifest, or ask logistics staff to move them onto the visit.");
        }
        if (Blank(vehicleId) is { } scannedOn && seat.VehicleId is { } assigned && scannedOn != assigned)
            throw new DomainException(DomainErrorKind.StateConflict, $"{participantId} is assigned to vehicle {assigned}, not {scannedOn}; send them to {assigned}.");
        if (state.State.CheckIns.FirstOrDefault(c => c.SiteVisitId == siteVisitId && c.ParticipantId == participantId) is { } earlier)
            return new DepartureScan(earlier, Changed: false);

        var checkIn = new DepartureCheckIn(participantId, siteVisitId, seat.VehicleId, clock.GetUtcNow(), actor);
        await state.WriteStateAsync(state.State with { CheckIns = [.. state.State.CheckIns, checkIn] },
            new AuditRecord(actor, "site-visit.departure-checked-in", $"site-visit/{siteVisitId}",
                AuditDetails.Of(new { participant = participantId, vehicle = seat.VehicleId })));
        return new DepartureScan(checkIn, Changed: true);
    }

    public Task<IReadOnlyList<DepartureCheckIn>> GetDepartureCheckInsAsync(string siteVisitId) =>
        Task.FromResult<IReadOnlyList<DepartureCheckIn>>(state.State.CheckIns.Where(c => c.SiteVisitId == siteVisitId).ToArray());

    public Task<IReadOnlyList<PromotionNotice>> GetPromotionsAsync() =>
        Task.FromResult<IReadOnlyList<PromotionNotice>>(state.State.Promotions.ToArray());

    /// <summary>Fills the free seats of a visit from its waitlist and records each promotion for notification.</summary>
    private async Task<IReadOnlyList<VisitSeat>> PromoteAsync(string visitId, IReadOnlyDictionary<string, VisitSlot> slots, string actor, string cause)
    {
        var (book, promoted) = SiteVisitMoves.Promote(state.State.Book, slots, visitId);
        if (promoted.Count == 0)
            return [];
        var now = clock.GetUtcNow();
        var notices = promoted.Select(p => new PromotionNotice(p.ParticipantId, p.VisitId, p.VehicleId, now, cause)).ToArray();
        await state.WriteStateAsync(
            state.State with { Seats = [.. book.Seats], Waitlists = [.. book.Waitlists], Promotions = [.. state.State.Promotions, .. notices] },
            new AuditRecord(actor, "site-visit.promoted", $"site-visit/{visitId}", AuditDetails.Of(new
            {
                cause, promoted = promoted.Select(p => new { participant = p.ParticipantId, vehicle = p.VehicleId, p.ChoiceRank }),
            })));
        return promoted;
    }

    private async Task<Dictionary<string, SiteVisit>> VisitsAsync()
    {
        if (visits is null)
        {
            var loaded = new Dictionary<string, SiteVisit>(StringComparer.Ordinal);
            foreach (var id in state.State.VisitIds)
                if (await GrainFactory.GetGrain<ISiteVisitGrain>(id).GetAsync() is { } visit)
                    loaded[id] = visit;
            visits = loaded;
        }
        return visits;
    }

    private static Dictionary<string, VisitSlot> Slots(Dictionary<string, SiteVisit> known) =>
        known.Values.ToDictionary(v => v.Id, SiteVisitRules.Slot, StringComparer.Ordinal);

    private async Task<Assembly> RequireAssemblyAsync() =>
        await GrainFactory.GetGrain<IAssemblyGrain>(AssemblyId).GetAsync()
        ?? throw DomainException.NotFound($"No assembly \"{AssemblyId}\" exists; check the id with GetAssembly.");

    private async Task<Participant> RequireParticipantAsync(string participantId, string memberCityId)
    {
        var delegation = await GrainFactory.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(AssemblyId, memberCityId)).GetAsync();
        return delegation.Participants.FirstOrDefault(p => p.Id == participantId)
            ?? throw new DomainException(DomainErrorKind.StateConflict,
                $"{participantId} is not a registered participant of the delegation of {memberCityId} to {AssemblyId}; register them in the delegation first.");
    }

    // The member city is the middle part of a participant id; anything else is its own "delegation" for the tie-break.
    private static string MemberCityOf(string participantId) => participantId.Split('.') is [_, var city, _] ? city : participantId;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
