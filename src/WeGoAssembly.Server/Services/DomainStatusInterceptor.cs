using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using WeGoAssembly.Server.Application;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// Around every rpc: refuses a request whose strings were not UTF-8 (see <see cref="BrokenStringCheck"/>), and turns
/// domain and storage failures into their one gRPC status (<see cref="DomainStatus"/>), with the message unchanged.
/// </summary>
public sealed class DomainStatusInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        CheckStrings(request);
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
        CheckStrings(request);
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (DomainStatus.Map(e) is { } status)
        {
            throw new RpcException(status);
        }
    }

    private static void CheckStrings<TRequest>(TRequest request)
    {
        if (request is IMessage message && BrokenStringCheck.Find(message) is { } field)
            throw new RpcException(new Status(StatusCode.Internal,
                $"Error parsing request proto: not a valid {message.Descriptor.Name} message (string field {field} is not valid UTF-8)"));
    }
}
