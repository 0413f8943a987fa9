using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// The gRPC edge of <see cref="AgendaUseCases"/>: the generated service base, one line per rpc. An rpc's [Authorize] roles refuse
/// a caller before the request is read; the use case checks the same roles for the web screens, and the scope (own
/// delegation, self) for both.
/// </summary>
[Authorize(AuthenticationSchemes = BearerAuthentication.Scheme)]
public sealed class AgendaGrpcService(AgendaUseCases useCases) : AgendaService.AgendaServiceBase
{
    [Authorize(Roles = "Secretariat")]
    public override Task<CreateAgendaItemResponse> CreateAgendaItem(CreateAgendaItemRequest request, ServerCallContext context) =>
        useCases.CreateAgendaItem(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<UpdateAgendaItemResponse> UpdateAgendaItem(UpdateAgendaItemRequest request, ServerCallContext context) =>
        useCases.UpdateAgendaItem(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<ReorderAgendaResponse> ReorderAgenda(ReorderAgendaRequest request, ServerCallContext context) =>
        useCases.ReorderAgenda(request, context.ToCallContext());

    public override Task<ListAgendaResponse> ListAgenda(ListAgendaRequest request, ServerCallContext context) =>
        useCases.ListAgenda(request, context.ToCallContext());
}
