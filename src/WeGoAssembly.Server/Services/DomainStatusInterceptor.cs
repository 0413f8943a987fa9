using Grpc.Core;
using Grpc.Core.Interceptors;
using WeGoAssembly.Server.Application;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// Around every rpc: turns domain and storage failures into their one gRPC status (<see cref="DomainStatus"/>), with the
/// message unchanged. (Strings that are not UTF-8 never get here: Google.Protobuf refuses them while parsing.)
/// </summary>
public sealed class DomainStatusInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (DomainStatus.Map(e) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (DomainStatus.Map(e) is { } status)
        {
            throw new RpcException(status);
        }
    }
}
