using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace WeGoAssembly.Grpc;

/// <summary>What a handler knows about the call it serves: method, metadata, deadline, cancellation.</summary>
/// <remarks>Abstract so that service classes can be unit-tested with a hand-made context.</remarks>
public abstract class ServerCallContext
{
    /// <summary>The full method path, for example "/wego.assembly.v1.MembershipService/GetMemberCity".</summary>
    public abstract string Method { get; }

    /// <summary>Request metadata (for example "authorization"); "-bin" values are left base64-encoded.</summary>
    public abstract IHeaderDictionary RequestHeaders { get; }

    /// <summary>The deadline in UTC from grpc-timeout; <see cref="DateTime.MaxValue"/> when the client set none.</summary>
    public abstract DateTime Deadline { get; }

    /// <summary>Cancelled when the deadline passes or the client cancels or disconnects.</summary>
    public abstract CancellationToken CancellationToken { get; }

    public abstract HttpContext HttpContext { get; }

    /// <summary>The client's address in gRPC's form, for example "ipv4:127.0.0.1:50312".</summary>
    public abstract string Peer { get; }

    /// <summary>Extra trailers to send with the status (also sent when the handler throws).</summary>
    public abstract IHeaderDictionary ResponseTrailers { get; }
}

/// <summary>Writes the messages of a server-streaming call, one frame per call, flushed.</summary>
/// <remarks>Throws <see cref="OperationCanceledException"/> once the call is cancelled, <see cref="InvalidOperationException"/> once it has ended.</remarks>
public interface IServerStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}

/// <summary>The context of a call served by <see cref="GrpcWireMiddleware"/>.</summary>
internal sealed class HttpServerCallContext(HttpContext httpContext, string method, DateTime deadline, CancellationToken cancellationToken)
    : ServerCallContext
{
    private HeaderDictionary? responseTrailers;

    public override string Method => method;

    public override IHeaderDictionary RequestHeaders => httpContext.Request.Headers;

    public override DateTime Deadline => deadline;

    public override CancellationToken CancellationToken => cancellationToken;

    public override HttpContext HttpContext => httpContext;

    public override string Peer => httpContext.Connection.RemoteIpAddress switch
    {
        { AddressFamily: AddressFamily.InterNetwork } ip => $"ipv4:{ip}:{httpContext.Connection.RemotePort}",
        { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"ipv6:[{ip}]:{httpContext.Connection.RemotePort}",
        IPAddress ip => ip.ToString(),
        null => "unknown",
    };

    public override IHeaderDictionary ResponseTrailers => responseTrailers ??= [];

    /// <summary>The trailers a handler added, without allocating a dictionary when it added none.</summary>
    public IHeaderDictionary? ResponseTrailersIfAny => responseTrailers;
}

/// <summary>The writer handed to a server-streaming handler; every write goes through the call's single response.</summary>
internal sealed class ServerStreamWriter<T>(CallResponse response, CancellationToken callToken) : IServerStreamWriter<T>
    where T : class, Google.Protobuf.IMessage<T>
{
    public async Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            await response.WriteMessageAsync(message, callToken);
            return;
        }

        // Honour both: the caller's token and the call's deadline/cancellation.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callToken);
        await response.WriteMessageAsync(message, linked.Token);
    }
}
