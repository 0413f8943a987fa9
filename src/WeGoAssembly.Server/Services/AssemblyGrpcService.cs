using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// The gRPC edge of <see cref="AssemblyUseCases"/>: the generated service base, one line per rpc. An rpc's [Authorize] roles refuse
/// a caller before the request is read; the use case checks the same roles for the web screens, and the scope (own
/// delegation, self) for both.
/// </summary>
[Authorize(AuthenticationSchemes = BearerAuthentication.Scheme)]
public sealed class AssemblyGrpcService(AssemblyUseCases useCases) : AssemblyService.AssemblyServiceBase
{
    [Authorize(Roles = "Secretariat")]
    public override Task<CreateAssemblyResponse> CreateAssembly(CreateAssemblyRequest request, ServerCallContext context) =>
        useCases.CreateAssembly(request, context.ToCallContext());

    public override Task<GetAssemblyResponse> GetAssembly(GetAssemblyRequest request, ServerCallContext context) =>
        useCases.GetAssembly(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<UpdateAssemblyRulesResponse> UpdateAssemblyRules(UpdateAssemblyRulesRequest request, ServerCallContext context) =>
        useCases.UpdateAssemblyRules(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat,Logistics")]
    public override Task<ListAssembliesResponse> ListAssemblies(ListAssembliesRequest request, ServerCallContext context) =>
        useCases.ListAssemblies(request, context.ToCallContext());
}
