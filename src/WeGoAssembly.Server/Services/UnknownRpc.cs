using Grpc.AspNetCore.Server;
using Grpc.Core;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// A gRPC call to a method or service outside the contract ends UNIMPLEMENTED naming what was asked for
/// ("Unknown method DeleteMemberCity of service wego.assembly.v1.MembershipService"), where the framework's own
/// catch-all says only "Method is unimplemented.". Runs after routing: the contract's rpcs carry GrpcMethodMetadata.
/// </summary>
public static class UnknownRpc
{
    public static void UseUnknownRpcAnswer(this WebApplication app) => app.Use((http, next) =>
    {
        if (!BearerAuthentication.IsGrpc(http.Request)
            || http.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not null)
            return next(http);
        var path = http.Request.Path.Value ?? "";
        var slash = path.LastIndexOf('/');
        var service = slash > 0 ? path[1..slash] : path.TrimStart('/');
        var known = http.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints
            .Any(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.ServiceName == service);
        return BearerAuthentication.RefuseAsync(http, StatusCode.Unimplemented,
            known ? $"Unknown method {path[(slash + 1)..]} of service {service}" : $"Unknown service {service}");
    });
}
