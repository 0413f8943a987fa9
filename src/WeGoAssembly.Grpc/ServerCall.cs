using System.IO.Pipelines;
using Google.Protobuf;

namespace WeGoAssembly.Grpc;

/// <summary>One call in flight as a method handler sees it: the context, the request body and the response.</summary>
internal sealed class ServerCall(HttpServerCallContext context, PipeReader body, CallResponse response, int maxReceiveMessageSize)
{
    public HttpServerCallContext Context => context;

    public CallResponse Response => response;

    /// <summary>Reads the one request message unary and server-streaming calls take; any other count is UNIMPLEMENTED per statuscodes.md.</summary>
    public async Task<T> ReadSingleRequestAsync<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        var token = context.CancellationToken;
        var request = await Framing.ReadMessageAsync(body, parser, maxReceiveMessageSize, "request", token)
            ?? throw new RpcException(StatusCode.Unimplemented, "Request cardinality violation: expected one request message, received none.");
        if (!await Framing.IsAtEndAsync(body, token))
        {
            throw new RpcException(StatusCode.Unimplemented, "Request cardinality violation: expected one request message, received more.");
        }

        return request;
    }
}
