using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace WeGoAssembly.Testing;

/// <summary>Per-call metadata, deadline (UTC) and cancellation.</summary>
public readonly record struct CallSettings(
    IReadOnlyDictionary<string, string>? Headers = null, DateTime? Deadline = null, CancellationToken CancellationToken = default);

/// <summary>
/// Calls any rpc by its full name ("/wego.assembly.v1.MembershipService/GetMemberCity") through Grpc.Net.Client on
/// the given HttpClient (its BaseAddress is the server), so tests can name rpcs in tables (the role matrix) and
/// still go through the real client. Non-OK statuses throw <see cref="RpcException"/>.
/// </summary>
public sealed class GrpcClient
{
    private static readonly ConcurrentDictionary<(string, Type, Type), object> Methods = new();
    private readonly CallInvoker invoker;

    public GrpcClient(HttpClient http, int maxReceiveMessageSize = 4 * 1024 * 1024)
    {
        Channel = GrpcChannel.ForAddress(http.BaseAddress!, new GrpcChannelOptions
        {
            HttpClient = http, DisposeHttpClient = false, MaxReceiveMessageSize = maxReceiveMessageSize,
        });
        invoker = Channel.CreateCallInvoker();
    }

    public GrpcChannel Channel { get; }

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(string fullMethod, TRequest request, CallSettings settings = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        using var call = invoker.AsyncUnaryCall(Method<TRequest, TResponse>(fullMethod, MethodType.Unary), null, Options(settings), request);
        return await call.ResponseAsync;
    }

    /// <summary>Calls a server-streaming rpc; stopping the enumeration early cancels the call on the server.</summary>
    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(
        string fullMethod, TRequest request, CallSettings settings = default, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(settings.CancellationToken, cancellationToken);
        using var call = invoker.AsyncServerStreamingCall(Method<TRequest, TResponse>(fullMethod, MethodType.ServerStreaming), null,
            Options(settings with { CancellationToken = linked.Token }), request);
        while (await call.ResponseStream.MoveNext(linked.Token))
            yield return call.ResponseStream.Current;
    }

    private static CallOptions Options(CallSettings settings)
    {
        Metadata? headers = null;
        if (settings.Headers is { Count: > 0 })
        {
            headers = [];
            foreach (var (name, value) in settings.Headers)
                if (name.EndsWith("-bin", StringComparison.Ordinal))
                    headers.Add(name, Convert.FromBase64String(value));
                else
                    headers.Add(name, value);
        }
        return new CallOptions(headers, settings.Deadline, settings.CancellationToken);
    }

    private static Method<TRequest, TResponse> Method<TRequest, TResponse>(string fullMethod, MethodType type)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        (Method<TRequest, TResponse>)Methods.GetOrAdd((fullMethod, typeof(TRequest), typeof(TResponse)), _ =>
        {
            var slash = fullMethod.LastIndexOf('/');
            return new Method<TRequest, TResponse>(type, fullMethod[1..slash], fullMethod[(slash + 1)..],
                Marshallers.Create(m => m.ToByteArray(), new MessageParser<TRequest>(() => new TRequest()).ParseFrom),
                Marshallers.Create(m => m.ToByteArray(), new MessageParser<TResponse>(() => new TResponse()).ParseFrom));
        });
}
