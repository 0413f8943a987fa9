using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text;

namespace WeGoAssembly.Grpc;

/// <summary>How a request's content-type says it is framed on the wire.</summary>
internal enum WireFormat
{
    /// <summary>Not a gRPC request: the middleware passes it on.</summary>
    NotGrpc,

    /// <summary>Starts with application/grpc but names a codec or variant we do not speak (for example application/grpc+json).</summary>
    Unsupported,

    /// <summary>application/grpc, application/grpc+proto: HTTP/2 with real trailers.</summary>
    Grpc,

    /// <summary>application/grpc-web(+proto): trailers travel as a final 0x80 frame in the body.</summary>
    GrpcWeb,

    /// <summary>application/grpc-web-text(+proto): gRPC-Web with the body base64-encoded both ways.</summary>
    GrpcWebText,
}

/// <summary>The gRPC-Web specifics (grpc/doc/PROTOCOL-WEB.md): content types, base64 text mode and the trailer frame.</summary>
internal static class GrpcWeb
{
    public const byte TrailerFlag = 0x80;

    /// <summary>Classifies a request by content-type; <paramref name="mediaType"/> is the type without parameters, for mirroring.</summary>
    public static WireFormat Detect(string? contentType, out string mediaType)
    {
        mediaType = (contentType ?? "").Split(';', 2)[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            "application/grpc" or "application/grpc+proto" => WireFormat.Grpc,
            "application/grpc-web" or "application/grpc-web+proto" => WireFormat.GrpcWeb,
            "application/grpc-web-text" or "application/grpc-web-text+proto" => WireFormat.GrpcWebText,
            _ when mediaType.StartsWith("application/grpc", StringComparison.Ordinal) => WireFormat.Unsupported,
            _ => WireFormat.NotGrpc,
        };
    }

    /// <summary>Encodes one whole frame as its own padded base64 chunk, so every flush is decodable on its own.</summary>
    public static void WriteText(PipeWriter writer, ReadOnlySpan<byte> frame)
    {
        var destination = writer.GetSpan(Base64.GetMaxEncodedToUtf8Length(frame.Length));
        Base64.EncodeToUtf8(frame, destination, out _, out var written);
        writer.Advance(written);
    }

    /// <summary>The final frame: flag 0x80, then the trailers as "name:value\r\n" lines with lower-case names.</summary>
    public static byte[] TrailerFrame(IEnumerable<KeyValuePair<string, string>> trailers)
    {
        var block = new StringBuilder();
        foreach (var (name, value) in trailers)
        {
            block.Append(name.ToLowerInvariant()).Append(':').Append(value).Append("\r\n");
        }

        var payload = Encoding.ASCII.GetBytes(block.ToString());
        var frame = new byte[Framing.HeaderSize + payload.Length];
        Framing.WriteHeader(frame, TrailerFlag, payload.Length);
        payload.CopyTo(frame.AsSpan(Framing.HeaderSize));
        return frame;
    }

    internal static void DecodeGroups(ReadOnlySpan<byte> base64, PipeWriter target)
    {
        while (!base64.IsEmpty)
        {
            var padding = base64.IndexOf((byte)'=');
            var take = padding < 0 ? base64.Length : ((padding / 4) + 1) * 4;
            var destination = target.GetSpan(take / 4 * 3);
            if (Base64.DecodeFromUtf8(base64[..take], destination, out _, out var written) != OperationStatus.Done)
            {
                throw InvalidBase64();
            }

            target.Advance(written);
            base64 = base64[take..];
        }
    }

    internal static RpcException InvalidBase64() =>
        new(StatusCode.Internal, "The grpc-web-text request body is not valid base64.");
}

/// <summary>
/// A grpc-web-text request body decoded as it arrives. Clients may send each frame as its own padded base64 chunk,
/// so padding can appear mid-stream: we decode whole 4-character groups and restart after each padded group.
/// </summary>
internal sealed class Base64RequestBody : IAsyncDisposable
{
    private readonly PipeReader source;
    private readonly Pipe decoded = new();
    private readonly Task pump;

    public Base64RequestBody(PipeReader source)
    {
        this.source = source;
        pump = PumpAsync();
    }

    public PipeReader Reader => decoded.Reader;

    /// <summary>Stops the pump and waits for it, so Kestrel never finds the request body mid-read when it drains it.</summary>
    public async ValueTask DisposeAsync()
    {
        await decoded.Reader.CompleteAsync();
        if (!pump.IsCompleted)
        {
            source.CancelPendingRead();
        }

        await pump;
    }

    private async Task PumpAsync()
    {
        var target = decoded.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await source.ReadAsync();
                var buffer = result.Buffer;
                var whole = buffer.Slice(0, buffer.Length - buffer.Length % 4);
                try
                {
                    GrpcWeb.DecodeGroups(whole.IsSingleSegment ? whole.FirstSpan : whole.ToArray(), target);
                }
                finally
                {
                    source.AdvanceTo(whole.End, buffer.End);
                }

                if (result.IsCanceled)
                {
                    break; // The call is over.
                }

                if (result.IsCompleted)
                {
                    error = buffer.Length % 4 == 0 ? null : GrpcWeb.InvalidBase64();
                    break;
                }

                if ((await target.FlushAsync()).IsCompleted)
                {
                    break; // The call stopped reading (it failed, or has its one message).
                }
            }
        }
        catch (Exception ex)
        {
            // Surfaces on the call's next read; an aborted connection surfaces the same way.
            error = ex;
        }

        await target.CompleteAsync(error);
    }
}
