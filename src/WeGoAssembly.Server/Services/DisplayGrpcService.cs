using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// The gRPC edge of <see cref="DisplayUseCases"/>: the generated service base, one line per rpc. Display links are the
/// secretariat's; a screen follows the hall with a link's token instead of a sign-in.
/// </summary>
[Authorize(AuthenticationSchemes = BearerAuthentication.Scheme)]
public sealed class DisplayGrpcService(DisplayUseCases useCases) : DisplayService.DisplayServiceBase
{
    [Authorize(Roles = "Secretariat")]
    public override Task<CreateDisplayLinkResponse> CreateDisplayLink(CreateDisplayLinkRequest request, ServerCallContext context) =>
        useCases.CreateDisplayLink(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<ListDisplayLinksResponse> ListDisplayLinks(ListDisplayLinksRequest request, ServerCallContext context) =>
        useCases.ListDisplayLinks(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<RevokeDisplayLinkResponse> RevokeDisplayLink(RevokeDisplayLinkRequest request, ServerCallContext context) =>
        useCases.RevokeDisplayLink(request, context.ToCallContext());

    [AllowAnonymous]
    public override Task WatchDisplay(WatchDisplayRequest request, IServerStreamWriter<WatchDisplayResponse> stream, ServerCallContext context) =>
        useCases.WatchDisplay(request, stream, context.ToCallContext());
}
