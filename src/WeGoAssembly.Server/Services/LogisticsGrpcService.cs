using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// The gRPC edge of <see cref="LogisticsUseCases"/>: the generated service base, one line per rpc. An rpc's [Authorize] roles refuse
/// a caller before the request is read; the use case checks the same roles for the web screens, and the scope (own
/// delegation, self) for both.
/// </summary>
[Authorize(AuthenticationSchemes = BearerAuthentication.Scheme)]
public sealed class LogisticsGrpcService(LogisticsUseCases useCases) : LogisticsService.LogisticsServiceBase
{
    [Authorize(Roles = "Logistics,Secretariat")]
    public override Task<CreateSiteVisitResponse> CreateSiteVisit(CreateSiteVisitRequest request, ServerCallContext context) =>
        useCases.CreateSiteVisit(request, context.ToCallContext());

    public override Task<ListSiteVisitsResponse> ListSiteVisits(ListSiteVisitsRequest request, ServerCallContext context) =>
        useCases.ListSiteVisits(request, context.ToCallContext());

    public override Task<SubmitPreferencesResponse> SubmitPreferences(SubmitPreferencesRequest request, ServerCallContext context) =>
        useCases.SubmitPreferences(request, context.ToCallContext());

    [Authorize(Roles = "Logistics,Secretariat")]
    public override Task<RunAssignmentResponse> RunAssignment(RunAssignmentRequest request, ServerCallContext context) =>
        useCases.RunAssignment(request, context.ToCallContext());

    public override Task<GetAssignmentResponse> GetAssignment(GetAssignmentRequest request, ServerCallContext context) =>
        useCases.GetAssignment(request, context.ToCallContext());

    [Authorize(Roles = "Logistics,Secretariat")]
    public override Task<MoveParticipantResponse> MoveParticipant(MoveParticipantRequest request, ServerCallContext context) =>
        useCases.MoveParticipant(request, context.ToCallContext());

    [Authorize(Roles = "Logistics,Secretariat")]
    public override Task<GetManifestResponse> GetManifest(GetManifestRequest request, ServerCallContext context) =>
        useCases.GetManifest(request, context.ToCallContext());

    [Authorize(Roles = "Logistics,Secretariat")]
    public override Task<CheckInDepartureResponse> CheckInDeparture(CheckInDepartureRequest request, ServerCallContext context) =>
        useCases.CheckInDeparture(request, context.ToCallContext());

    public override Task<SubmitItineraryResponse> SubmitItinerary(SubmitItineraryRequest request, ServerCallContext context) =>
        useCases.SubmitItinerary(request, context.ToCallContext());

    [Authorize(Roles = "Logistics,Secretariat")]
    public override Task<ListArrivalsResponse> ListArrivals(ListArrivalsRequest request, ServerCallContext context) =>
        useCases.ListArrivals(request, context.ToCallContext());

    [Authorize(Roles = "Logistics,Secretariat")]
    public override Task<SetPreferencesCutoffResponse> SetPreferencesCutoff(SetPreferencesCutoffRequest request, ServerCallContext context) =>
        useCases.SetPreferencesCutoff(request, context.ToCallContext());

    [Authorize(Roles = "Logistics,Secretariat")]
    public override Task<ExportManifestResponse> ExportManifest(ExportManifestRequest request, ServerCallContext context) =>
        useCases.ExportManifest(request, context.ToCallContext());
}
