using System.Runtime.CompilerServices;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Contracts.Logistics;
using WeGoAssembly.Grains.Accreditation;
using WeGoAssembly.Grains.Logistics;
using WeGoAssembly.Grains.Rules;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using Orleans;
using WeGoAssembly.Server.Auth;
using Itinerary = WeGoAssembly.Contracts.Logistics.Itinerary;
using ParticipantIds = WeGoAssembly.Grains.Rules.ParticipantIds;
using PlacementStatus = WeGoAssembly.Contracts.Logistics.PlacementStatus;

using WeGoAssembly.Server.Notifications;

namespace WeGoAssembly.Server.Application;

/// <summary>
/// gRPC edge of site visits and travel. Logistics staff and the secretariat manage everything; a participant
/// ranks visits, reads their own placements and enters their own itinerary; anyone signed in lists the visits.
/// </summary>
public sealed class LogisticsUseCases(IGrainFactory grains, SiteVisitManifests manifests, ArrivalsBoard arrivals, Notifier notifier)
{
    private const int MaxBadgeCodeLength = 200;
    private static readonly Role[] Staff = [Role.Logistics, Role.Secretariat];

    public async Task<CreateSiteVisitResponse> CreateSiteVisit(CreateSiteVisitRequest request, CallContext context)
    {
        var caller = context.Require(Staff);
        var visit = request.SiteVisit ?? throw DomainException.Invalid("site_visit", "site_visit is required.");
        var assemblyId = RequestChecks.Id("site_visit.assembly_id", visit.AssemblyId);
        var created = await Plan(assemblyId).AddVisitAsync(visit.ToDomain(assemblyId), caller.Actor);
        return new() { SiteVisit = created.ToProto() };
    }

    public async Task<ListSiteVisitsResponse> ListSiteVisits(ListSiteVisitsRequest request, CallContext context)
    {
        context.Authenticated();
        var plan = Plan(RequestChecks.Id("assembly_id", request.AssemblyId));
        var visits = await plan.GetVisitsAsync();
        var placements = (await plan.GetAssignmentAsync())?.Placements ?? [];
        var response = new ListSiteVisitsResponse
        {
            PreferencesCutoff = await plan.GetPreferencesCutoffAsync() is { } cutoff ? Timestamp.FromDateTimeOffset(cutoff) : null,
        };
        response.SiteVisits.AddRange(visits.Select(v => v.ToProto(
            placements.Count(p => p.SiteVisitId == v.Id && p.Status == PlacementStatus.Assigned),
            placements.Count(p => p.SiteVisitId == v.Id && p.Status == PlacementStatus.Waitlisted))));
        return response;
    }

    public async Task<SubmitPreferencesResponse> SubmitPreferences(SubmitPreferencesRequest request, CallContext context)
    {
        var (caller, participant) = SelfOrStaff(context, request.ParticipantId);
        var stored = await Plan(participant.AssemblyId).SubmitPreferencesAsync(participant.ParticipantId, participant.MemberCityId, request.SiteVisitIds, caller.Actor);
        var response = new SubmitPreferencesResponse { SubmittedAt = Timestamp.FromDateTimeOffset(stored.SubmittedAt) };
        response.SiteVisitIds.AddRange(stored.SiteVisitIds);
        return response;
    }

    public async Task<RunAssignmentResponse> RunAssignment(RunAssignmentRequest request, CallContext context)
    {
        var caller = context.Require(Staff);
        var assignment = await Plan(RequestChecks.Id("assembly_id", request.AssemblyId)).RunAssignmentAsync(request.DryRun, caller.Actor);
        var response = new RunAssignmentResponse { Summary = assignment.Summary.ToProto() };
        response.Placements.AddRange(assignment.Placements.Select(p => p.ToProto()));
        return response;
    }

    public async Task<GetAssignmentResponse> GetAssignment(GetAssignmentRequest request, CallContext context)
    {
        var caller = context.Authenticated();
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        var participantId = request.ParticipantId.Trim();
        if (!IsStaff(caller))
        {
            if (caller.Participant is not { } self || participantId.Length == 0 || self.ParticipantId != participantId || self.AssemblyId != assemblyId)
                throw PermissionDenied(caller, participantId.Length == 0 ? "(all participants)" : participantId);
        }
        var assignment = await Plan(assemblyId).GetAssignmentAsync()
            ?? throw DomainException.NotFound($"The site-visit assignment of {assemblyId} has not run yet.");
        var visitId = request.SiteVisitId.Trim();
        var response = new GetAssignmentResponse { Summary = assignment.Summary.ToProto() };
        response.Placements.AddRange(assignment.Placements
            .Where(p => (participantId.Length == 0 || p.ParticipantId == participantId) && (visitId.Length == 0 || p.SiteVisitId == visitId))
            .Select(p => p.ToProto()));
        return response;
    }

    public async Task<MoveParticipantResponse> MoveParticipant(MoveParticipantRequest request, CallContext context)
    {
        var caller = context.Require(Staff);
        var (assemblyId, _) = ParticipantIds.Parse("participant_id", request.ParticipantId);
        foreach (var (field, id) in new[] { ("from_site_visit_id", request.FromSiteVisitId), ("to_site_visit_id", request.ToSiteVisitId) })
            if (id.Trim().Length > 0 && SiteVisitRules.AssemblyOf(field, id) != assemblyId)
                throw DomainException.Invalid(field, $"{field} {id.Trim()} is not a visit of {assemblyId}, the assembly of {request.ParticipantId.Trim()}.");
        var outcome = await Plan(assemblyId).MoveAsync(new ParticipantMove(request.ParticipantId.Trim(), request.FromSiteVisitId, request.ToSiteVisitId,
            request.ToVehicleId, request.OverrideCapacity, request.Reason), caller.Actor);
        var response = new MoveParticipantResponse();
        response.Placements.AddRange(outcome.Placements.Select(p => p.ToProto()));
        response.Promoted.AddRange(outcome.Promoted.Select(p => p.ToProto()));
        return response;
    }

    public async Task<GetManifestResponse> GetManifest(GetManifestRequest request, CallContext context)
    {
        context.Require(Staff);
        return (await manifests.BuildAsync(request.SiteVisitId, request.VehicleId.Trim())).ToProto();
    }

    public async Task<ExportManifestResponse> ExportManifest(ExportManifestRequest request, CallContext context)
    {
        context.Require(Staff);
        var manifest = await manifests.BuildAsync(request.SiteVisitId, request.VehicleId.Trim());
        return new() { Csv = ByteString.CopyFrom(SiteVisitManifests.Csv(manifest)) };
    }

    public async Task<CheckInDepartureResponse> CheckInDeparture(CheckInDepartureRequest request, CallContext context)
    {
        var caller = context.Require(Staff);
        var visitId = request.SiteVisitId.Trim();
        var assemblyId = SiteVisitRules.AssemblyOf("site_visit_id", visitId);
        var code = request.BadgeCode.Trim();
        if (code.Length == 0)
            throw DomainException.Invalid("badge_code", "badge_code is required: the text read from the badge's QR code.");
        var holder = code.Length > MaxBadgeCodeLength ? null : await grains.GetGrain<IBadgeGrain>(BadgeSecrets.KeyOf(code)).GetAsync();
        if (holder is null)
            throw DomainException.NotFound("Unknown badge: this QR code was never issued here (or was misread); scan again, or send the person to the accreditation desk.");
        if (holder.Revoked)
            throw DomainException.NotFound($"This badge ({holder.BadgeNumber}) was revoked (replaced by a newer one, or the accreditation was rejected); scan the newest badge.");
        if (holder.AssemblyId != assemblyId)
            throw new DomainException(DomainErrorKind.StateConflict, $"This badge ({holder.BadgeNumber}) is for assembly {holder.AssemblyId}, not {assemblyId}.");

        var scan = await Plan(assemblyId).CheckInDepartureAsync(visitId, holder.ParticipantId, request.VehicleId, caller.Actor);
        var manifest = await manifests.BuildAsync(visitId, null);
        var passenger = manifest.Vehicles.SelectMany(v => v.Passengers).FirstOrDefault(p => p.ParticipantId == holder.ParticipantId)
            ?? new Grains.Logistics.ManifestEntry(holder.ParticipantId, "", "", holder.MemberCityId, holder.BadgeNumber, true, scan.CheckIn.At);
        return new() { Passenger = passenger.ToProto(), VehicleId = scan.CheckIn.VehicleId ?? "", Changed = scan.Changed };
    }

    public async Task<SubmitItineraryResponse> SubmitItinerary(SubmitItineraryRequest request, CallContext context)
    {
        context.Authenticated();
        var itinerary = request.Itinerary ?? throw DomainException.Invalid("itinerary", "itinerary is required.");
        // A focal point enters the travel of their delegation's people, as they enter the rest of their registration.
        var (caller, participant) = context.Identity?.Roles.Contains(Role.FocalPoint) == true
            ? OfFocalPoint(context, itinerary.ParticipantId)
            : SelfOrStaff(context, itinerary.ParticipantId);
        if (!ReferenceEquals(participant, caller.Participant))
        {
            var delegation = await grains.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(participant.AssemblyId, participant.MemberCityId)).GetAsync();
            if (delegation.Participants.All(p => p.Id != participant.ParticipantId))
                throw DomainException.NotFound($"No participant {participant.ParticipantId} is registered; check the id with GetDelegation.");
        }
        var stored = await grains.GetGrain<IItineraryGrain>(ItineraryGrain.Key(participant.AssemblyId, participant.ParticipantId)).SubmitAsync(
            new Itinerary(participant.ParticipantId, participant.AssemblyId, itinerary.Arrival.ToDomain("itinerary.arrival"),
                itinerary.Departure.ToDomain("itinerary.departure"), itinerary.NeedsAirportPickup, default),
            caller.Actor);
        await notifier.NotifyAsync(participant.ParticipantId, new ItineraryNotice(stored), context.CancellationToken);
        return new() { Itinerary = stored.ToProto() };
    }

    public async Task<ListArrivalsResponse> ListArrivals(ListArrivalsRequest request, CallContext context)
    {
        context.Require(Staff);
        var groups = await arrivals.ListAsync(RequestChecks.Id("assembly_id", request.AssemblyId), LogisticsMapping.Span("window", request.Window),
            LogisticsMapping.Time("range_start", request.RangeStart), LogisticsMapping.Time("range_end", request.RangeEnd), request.PickupOnly, context.CancellationToken);
        var response = new ListArrivalsResponse();
        response.Groups.AddRange(groups.Select(g => g.ToProto()));
        return response;
    }

    public async Task<SetPreferencesCutoffResponse> SetPreferencesCutoff(SetPreferencesCutoffRequest request, CallContext context)
    {
        var caller = context.Require(Staff);
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        var cutoff = await Plan(assemblyId).SetPreferencesCutoffAsync(LogisticsMapping.Time("preferences_cutoff", request.PreferencesCutoff), caller.Actor);
        return new() { AssemblyId = assemblyId, PreferencesCutoff = cutoff is { } c ? Timestamp.FromDateTimeOffset(c) : null };
    }

    private ISiteVisitPlanGrain Plan(string assemblyId) => grains.GetGrain<ISiteVisitPlanGrain>(assemblyId);

    private static bool IsStaff(CallerIdentity caller) => Staff.Any(caller.Roles.Contains);

    /// <summary>
    /// Staff act for any participant (named by a participant id); a participant only for themselves (their token
    /// names their assembly and delegation). PERMISSION_DENIED otherwise.
    /// </summary>
    private static (CallerIdentity Caller, ParticipantRef Participant) SelfOrStaff(CallContext context, string participantId, [CallerMemberName] string rpc = "")
    {
        var id = (participantId ?? "").Trim();
        var caller = context.RequireSelfOr(id, Staff, rpc);
        if (IsStaff(caller))
        {
            var (assemblyId, cityId) = ParticipantIds.Parse("participant_id", id);
            return (caller, new ParticipantRef(id, assemblyId, cityId, ""));
        }
        return (caller, caller.Participant!);
    }

    /// <summary>A focal point acts for the people of their own delegation (PERMISSION_DENIED otherwise).</summary>
    private static (CallerIdentity Caller, ParticipantRef Participant) OfFocalPoint(CallContext context, string participantId, [CallerMemberName] string rpc = "")
    {
        var id = (participantId ?? "").Trim();
        var caller = context.RequirePersonalData(id, rpc);
        var (assemblyId, cityId) = ParticipantIds.Parse("participant_id", id);
        return (caller, new ParticipantRef(id, assemblyId, cityId, ""));
    }

    private static RpcException PermissionDenied(CallerIdentity caller, string participantId, [CallerMemberName] string method = "")
    {
        return new RpcException(new Status(StatusCode.PermissionDenied,
            $"{method} for {TextRules.Shorten(participantId)} needs the Logistics or Secretariat role, or to be that participant; you are signed in as {caller.Actor}."));
    }
}
