using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>The gRPC edge of <see cref="AuditUseCases"/>: the generated service base, one line per rpc.</summary>
[Authorize(AuthenticationSchemes = BearerAuthentication.Scheme)]
public sealed class AuditGrpcService(AuditUseCases useCases) : AuditService.AuditServiceBase
{
    public override Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context) =>
        useCases.ListAuditEvents(request, context.ToCallContext());

    public override Task<ExportAuditEventsResponse> ExportAuditEvents(ExportAuditEventsRequest request, ServerCallContext context) =>
        useCases.ExportAuditEvents(request, context.ToCallContext());
}
