using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WeGoAssembly.Grpc;

/// <summary>Who makes an in-process call: the bearer token (null when signed out) and the caller's address.</summary>
public sealed record LocalCaller(string? BearerToken, string Peer);

/// <summary>
/// Runs a registered service's handler in-process: the same handler, with the same authorization and validation,
/// that a call over the wire runs, minus the socket and the framing. Failures arrive as <see cref="RpcException"/>
/// with the status a wire client would get, through the same exception mappers. The web UI calls the services
/// this way, so the screens and the gRPC API share one path for the logic.
/// </summary>
public sealed class LocalCalls(IServiceScopeFactory scopes, IOptions<GrpcWireOptions> options)
{
    public async Task<TResponse> UnaryAsync<TService, TRequest, TResponse>(
        string method, TRequest request, LocalCaller caller, CancellationToken cancellationToken = default)
        where TService : class, IGrpcService
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        await using var scope = scopes.CreateAsyncScope();
        var (handler, context) = Bind<TService, Func<TRequest, ServerCallContext, Task<TResponse>>>(scope, method, caller, cancellationToken);
        try
        {
            return await handler(request, context);
        }
        catch (Exception ex) when (Mapped(ex, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>Runs a server-streaming handler; <paramref name="onMessage"/> sees each message as the handler writes it.</summary>
    public async Task ServerStreamingAsync<TService, TRequest, TResponse>(
        string method, TRequest request, Func<TResponse, Task> onMessage, LocalCaller caller, CancellationToken cancellationToken = default)
        where TService : class, IGrpcService
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        await using var scope = scopes.CreateAsyncScope();
        var (handler, context) = Bind<TService, Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(
            scope, method, caller, cancellationToken);
        try
        {
            await handler(request, new CallbackWriter<TResponse>(onMessage, cancellationToken), context);
        }
        catch (Exception ex) when (Mapped(ex, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    private static (THandler Handler, ServerCallContext Context) Bind<TService, THandler>(
        AsyncServiceScope scope, string method, LocalCaller caller, CancellationToken cancellationToken)
        where TService : class, IGrpcService
        where THandler : Delegate
    {
        var binder = ServiceBinder.ForLocalCall(typeof(TService), TService.Descriptor, method);
        scope.ServiceProvider.GetRequiredService<TService>().Bind(binder);
        var handler = binder.Captured as THandler
            ?? throw new RpcException(StatusCode.Unimplemented, $"{typeof(TService).Name} has no rpc {method} of that shape.");
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider, RequestAborted = cancellationToken };
        if (caller.BearerToken is { Length: > 0 } token)
        {
            http.Request.Headers.Authorization = "Bearer " + token;
        }

        return (handler, new LocalServerCallContext(http, $"/{TService.Descriptor.FullName}/{method}", caller.Peer, cancellationToken));
    }

    /// <summary>The status a wire client would see, as an exception; null to let the exception through unchanged.</summary>
    private RpcException? Mapped(Exception exception, CancellationToken cancellationToken)
    {
        if (exception is RpcException || (exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return null;
        }

        foreach (var map in options.Value.ExceptionMappers)
        {
            if (map(exception) is { } status)
            {
                return new RpcException(status);
            }
        }

        return null;
    }

    private sealed class LocalServerCallContext(HttpContext http, string method, string peer, CancellationToken cancellationToken)
        : ServerCallContext
    {
        private readonly HeaderDictionary trailers = [];

        public override string Method => method;

        public override IHeaderDictionary RequestHeaders => http.Request.Headers;

        public override DateTime Deadline => DateTime.MaxValue;

        public override CancellationToken CancellationToken => cancellationToken;

        public override HttpContext HttpContext => http;

        public override string Peer => peer;

        public override IHeaderDictionary ResponseTrailers => trailers;
    }

    private sealed class CallbackWriter<T>(Func<T, Task> onMessage, CancellationToken cancellationToken) : IServerStreamWriter<T>
    {
        public Task WriteAsync(T message, CancellationToken token = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return onMessage(message);
        }
    }
}
