using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// The gRPC edge of <see cref="AccreditationUseCases"/>: the generated service base, one line per rpc. An rpc's [Authorize] roles refuse
/// a caller before the request is read; the use case checks the same roles for the web screens, and the scope (own
/// delegation, self) for both.
/// </summary>
[Authorize(AuthenticationSchemes = BearerAuthentication.Scheme)]
public sealed class AccreditationGrpcService(AccreditationUseCases useCases) : AccreditationService.AccreditationServiceBase
{
    public override Task<RegisterParticipantResponse> RegisterParticipant(RegisterParticipantRequest request, ServerCallContext context) =>
        useCases.RegisterParticipant(request, context.ToCallContext());

    public override Task<SubmitCredentialsResponse> SubmitCredentials(SubmitCredentialsRequest request, ServerCallContext context) =>
        useCases.SubmitCredentials(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<ReviewAccreditationResponse> ReviewAccreditation(ReviewAccreditationRequest request, ServerCallContext context) =>
        useCases.ReviewAccreditation(request, context.ToCallContext());

    public override Task<IssueBadgeResponse> IssueBadge(IssueBadgeRequest request, ServerCallContext context) =>
        useCases.IssueBadge(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat,Logistics")]
    public override Task<CheckInResponse> CheckIn(CheckInRequest request, ServerCallContext context) =>
        useCases.CheckIn(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat,Logistics")]
    public override Task<CheckOutResponse> CheckOut(CheckOutRequest request, ServerCallContext context) =>
        useCases.CheckOut(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<RecordProxyResponse> RecordProxy(RecordProxyRequest request, ServerCallContext context) =>
        useCases.RecordProxy(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<RevokeProxyResponse> RevokeProxy(RevokeProxyRequest request, ServerCallContext context) =>
        useCases.RevokeProxy(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<ListProxiesResponse> ListProxies(ListProxiesRequest request, ServerCallContext context) =>
        useCases.ListProxies(request, context.ToCallContext());

    public override Task<GetDelegationResponse> GetDelegation(GetDelegationRequest request, ServerCallContext context) =>
        useCases.GetDelegation(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat,Logistics")]
    public override Task<ListDelegationsResponse> ListDelegations(ListDelegationsRequest request, ServerCallContext context) =>
        useCases.ListDelegations(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<ExportDelegationsResponse> ExportDelegations(ExportDelegationsRequest request, ServerCallContext context) =>
        useCases.ExportDelegations(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<ExportAttendanceResponse> ExportAttendance(ExportAttendanceRequest request, ServerCallContext context) =>
        useCases.ExportAttendance(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<InviteFocalPointResponse> InviteFocalPoint(InviteFocalPointRequest request, ServerCallContext context) =>
        useCases.InviteFocalPoint(request, context.ToCallContext());

    public override Task<SubmitDelegationResponse> SubmitDelegation(SubmitDelegationRequest request, ServerCallContext context) =>
        useCases.SubmitDelegation(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<ImportParticipantsResponse> ImportParticipants(ImportParticipantsRequest request, ServerCallContext context) =>
        useCases.ImportParticipants(request, context.ToCallContext());
}
