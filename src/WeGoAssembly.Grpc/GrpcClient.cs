using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace WeGoAssembly.Grpc;

/// <summary>Per-call metadata, deadline (UTC) and cancellation.</summary>
public readonly record struct CallOptions(
    IReadOnlyDictionary<string, string>? Headers = null, DateTime? Deadline = null, CancellationToken CancellationToken = default);

/// <summary>
/// A small gRPC client over HTTP/2 (h2c with prior knowledge for http:// addresses, ALPN h2 for https://).
/// Paths are relative to <see cref="HttpClient.BaseAddress"/>; raise <see cref="HttpClient.Timeout"/> for long streams.
/// </summary>
public sealed class GrpcClient(HttpClient http)
{
    /// <summary>Largest response message accepted; larger ones fail the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Calls a unary rpc, for example "/wego.assembly.v1.MembershipService/GetMemberCity"; non-OK statuses throw <see cref="RpcException"/>.</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(string fullMethod, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        using var call = await ClientCall.StartAsync(http, fullMethod, request, options, MaxReceiveMessageSize, CancellationToken.None);
        var response = await call.ReadNextAsync(Parsers<TResponse>.Instance)
            ?? throw new RpcException(StatusCode.Internal, "Response cardinality violation: the server sent no message for a unary call.");
        if (await call.ReadNextAsync(Parsers<TResponse>.Instance) is not null)
        {
            throw new RpcException(StatusCode.Internal, "Response cardinality violation: the server sent more than one message for a unary call.");
        }

        return response;
    }

    /// <summary>Calls a server-streaming rpc; stopping the enumeration early cancels the call on the server.</summary>
    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(
        string fullMethod, TRequest request, CallOptions options = default, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        using var call = await ClientCall.StartAsync(http, fullMethod, request, options, MaxReceiveMessageSize, cancellationToken);
        while (await call.ReadNextAsync(Parsers<TResponse>.Instance) is { } response)
        {
            yield return response;
        }
    }

    private static class Parsers<T>
        where T : class, IMessage<T>, new()
    {
        public static readonly MessageParser<T> Instance = new(() => new T());
    }
}
