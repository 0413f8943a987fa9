using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// The gRPC edge of <see cref="AuditUseCases"/>: the generated service base, one line per rpc. An rpc's [Authorize] roles refuse
/// a caller before the request is read; the use case checks the same roles for the web screens, and the scope (own
/// delegation, self) for both.
/// </summary>
[Authorize(AuthenticationSchemes = BearerAuthentication.Scheme)]
public sealed class AuditGrpcService(AuditUseCases useCases) : AuditService.AuditServiceBase
{
    [Authorize(Roles = "Secretariat")]
    public override Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context) =>
        useCases.ListAuditEvents(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<ExportAuditEventsResponse> ExportAuditEvents(ExportAuditEventsRequest request, ServerCallContext context) =>
        useCases.ExportAuditEvents(request, context.ToCallContext());
}
