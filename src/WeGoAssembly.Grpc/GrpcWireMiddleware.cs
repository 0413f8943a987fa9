using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WeGoAssembly.Grpc;

/// <summary>Serves gRPC and gRPC-Web calls; requests of any other content-type go to the next middleware.</summary>
internal sealed partial class GrpcWireMiddleware(
    RequestDelegate next, GrpcMethodTable methods, IOptions<GrpcWireOptions> options, ILogger<GrpcWireMiddleware> logger)
{
    private readonly GrpcWireOptions options = options.Value;

    public Task InvokeAsync(HttpContext http)
    {
        var format = GrpcWeb.Detect(http.Request.ContentType, out var mediaType);
        if (format == WireFormat.NotGrpc)
        {
            return next(http);
        }

        if (format == WireFormat.Unsupported || (!options.EnableGrpcWeb && format != WireFormat.Grpc))
        {
            return RejectAsync(http, StatusCodes.Status415UnsupportedMediaType, $"Content-type '{mediaType}' is not served here.");
        }

        if (!HttpMethods.IsPost(http.Request.Method))
        {
            http.Response.Headers.Allow = "POST";
            return RejectAsync(http, StatusCodes.Status405MethodNotAllowed, "gRPC calls must use POST.");
        }

        // Native gRPC needs HTTP/2 trailers; gRPC-Web exists precisely to work over HTTP/1.1.
        if (format == WireFormat.Grpc && !(HttpProtocol.IsHttp2(http.Request.Protocol) || HttpProtocol.IsHttp3(http.Request.Protocol)))
        {
            http.Response.Headers.Upgrade = "HTTP/2.0";
            return RejectAsync(http, StatusCodes.Status426UpgradeRequired, $"gRPC requires HTTP/2; this request used {http.Request.Protocol}.");
        }

        return RunCallAsync(http, format, mediaType);
    }

    private async Task RunCallAsync(HttpContext http, WireFormat format, string mediaType)
    {
        var path = http.Request.Path.Value ?? "";
        var response = new CallResponse(http, format, mediaType, options.MaxSendMessageSize);
        await using var textBody = format == WireFormat.GrpcWebText ? new Base64RequestBody(http.Request.BodyReader) : null;
        var body = textBody?.Reader ?? http.Request.BodyReader;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        HttpServerCallContext? context = null;
        Status status;
        try
        {
            var deadline = StartDeadline(http.Request, cancellation);
            context = new HttpServerCallContext(http, path, deadline, cancellation.Token);
            EnsureIdentityEncoding(http.Request);
            var handler = methods.Resolve(path, http.RequestServices);

            // The per-message limit is what protects us; a whole-body limit would cut long streams short.
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            {
                bodySize.MaxRequestBodySize = null;
            }

            var handlerTask = handler.InvokeAsync(new ServerCall(context, body, response, options.MaxReceiveMessageSize));
            if (deadline != DateTime.MaxValue
                && await Task.WhenAny(handlerTask, Task.Delay(Timeout.Infinite, cancellation.Token)) != handlerTask)
            {
                // The deadline (or the client) ended the call first. Answer now rather than wait for a handler that may
                // ignore its token, then keep the request (and its scoped services) alive until the handler returns.
                await response.CompleteAsync(CancellationStatus(http, path), context.ResponseTrailersIfAny);
                await ObserveLateHandlerAsync(handlerTask, path);
                return;
            }

            await handlerTask;
            // A handler that takes its cancelled token as the end of its work (a watch stream) returns normally,
            // and may do so before the wait above sees the deadline: the deadline (or the client) still ended the call.
            status = cancellation.IsCancellationRequested ? CancellationStatus(http, path) : Status.Ok;
        }
        catch (Exception ex)
        {
            status = ToStatus(ex, http, cancellation.Token, path);
        }

        await response.CompleteAsync(status, context?.ResponseTrailersIfAny);
    }

    private static DateTime StartDeadline(HttpRequest request, CancellationTokenSource cancellation)
    {
        var header = request.Headers["grpc-timeout"].ToString();
        if (header.Length == 0)
        {
            return DateTime.MaxValue;
        }

        // statuscodes.md has no row for a malformed grpc-timeout. Like grpc-go, we call it INTERNAL (a protocol
        // violation) rather than run the call with no deadline the client did not ask for.
        if (!WireHeaders.TryParseTimeout(header, out var timeout))
        {
            throw new RpcException(StatusCode.Internal, $"Malformed grpc-timeout header '{header}'.");
        }

        // CancelAfter takes at most ~49 days; a longer timeout is no deadline in practice.
        if (timeout.TotalMilliseconds >= uint.MaxValue - 1)
        {
            return DateTime.MaxValue;
        }

        cancellation.CancelAfter(timeout);
        return DateTime.UtcNow + timeout;
    }

    private static void EnsureIdentityEncoding(HttpRequest request)
    {
        var encoding = request.Headers["grpc-encoding"].ToString();
        if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            // grpc-accept-encoding: identity is already on the response, telling the client what to use instead.
            throw new RpcException(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'; this server accepts only identity.");
        }
    }

    /// <summary>The one place handler failures become statuses.</summary>
    private Status ToStatus(Exception exception, HttpContext http, CancellationToken callToken, string path)
    {
        if (exception is RpcException rpc)
        {
            LogCallFailed(logger, path, rpc.StatusCode, rpc.Status.Detail);
            return rpc.Status;
        }

        if (http.RequestAborted.IsCancellationRequested || (exception is OperationCanceledException && callToken.IsCancellationRequested))
        {
            return CancellationStatus(http, path);
        }

        try
        {
            foreach (var map in options.ExceptionMappers)
            {
                if (map(exception) is { } mapped)
                {
                    return mapped;
                }
            }
        }
        catch (Exception mapperFailure)
        {
            LogMapperFailed(logger, mapperFailure, path);
        }

        LogHandlerFailed(logger, exception, path);
        return new Status(StatusCode.Unknown, "Exception was thrown by handler.");
    }

    private Status CancellationStatus(HttpContext http, string path)
    {
        if (http.RequestAborted.IsCancellationRequested)
        {
            LogClientCancelled(logger, path);
            return new Status(StatusCode.Cancelled, "Call cancelled by the client.");
        }

        LogDeadlineExceeded(logger, path);
        return new Status(StatusCode.DeadlineExceeded, "Deadline exceeded.");
    }

    private async Task ObserveLateHandlerAsync(Task handlerTask, string path)
    {
        try
        {
            await handlerTask;
        }
        catch (Exception ex)
        {
            LogLateHandlerFailed(logger, ex, path);
        }
    }

    private static Task RejectAsync(HttpContext http, int statusCode, string text)
    {
        http.Response.StatusCode = statusCode;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(text);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Exception was thrown by the handler of {Method}.")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Error, Message = "An exception mapper failed while mapping the exception of {Method}.")]
    private static partial void LogMapperFailed(ILogger logger, Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Call {Method} ended with {StatusCode}: {Detail}")]
    private static partial void LogCallFailed(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Call {Method} was cancelled by the client.")]
    private static partial void LogClientCancelled(ILogger logger, string method);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Call {Method} passed its deadline.")]
    private static partial void LogDeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The handler of {Method} failed after its call had already ended.")]
    private static partial void LogLateHandlerFailed(ILogger logger, Exception exception, string method);
}
