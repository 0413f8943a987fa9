using System.Buffers;
using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace WeGoAssembly.Grpc;

/// <summary>
/// The response side of one call: messages as frames, then the status. It is the only writer, guarded by a gate,
/// because a deadline can end the call while a handler is still writing.
/// </summary>
internal sealed class CallResponse
{
    private readonly HttpContext http;
    private readonly WireFormat format;
    private readonly int maxSendMessageSize;
    private readonly SemaphoreSlim gate = new(1, 1);
    private bool started;
    private volatile bool completed;

    public CallResponse(HttpContext http, WireFormat format, string mediaType, int maxSendMessageSize)
    {
        this.http = http;
        this.format = format;
        this.maxSendMessageSize = maxSendMessageSize;

        // gRPC-Web clients expect their own content-type back; native clients expect application/grpc.
        http.Response.ContentType = format == WireFormat.Grpc ? "application/grpc" : mediaType;
        http.Response.Headers["grpc-accept-encoding"] = "identity";
    }

    public async Task WriteMessageAsync(IMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfCompleted();
        await gate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfCompleted();

            // Writes to a reset stream do not fail on their own; without this a handler that ignores its token would write forever.
            http.RequestAborted.ThrowIfCancellationRequested();
            var size = message.CalculateSize();
            if (size > maxSendMessageSize)
            {
                throw new RpcException(
                    StatusCode.ResourceExhausted,
                    $"Sending response message of {size} bytes exceeds the maximum of {maxSendMessageSize} bytes.");
            }

            started = true;
            var writer = http.Response.BodyWriter;
            if (format == WireFormat.GrpcWebText)
            {
                var frame = ArrayPool<byte>.Shared.Rent(Framing.HeaderSize + size);
                Framing.WriteMessageFrame(message, size, frame);
                GrpcWeb.WriteText(writer, frame.AsSpan(0, Framing.HeaderSize + size));
                ArrayPool<byte>.Shared.Return(frame);
            }
            else
            {
                Framing.WriteMessageFrame(message, size, writer.GetSpan(Framing.HeaderSize + size));
                writer.Advance(Framing.HeaderSize + size);
            }

            await writer.FlushAsync(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Sends the status and ends the response; later calls (and later writes) find the call completed.</summary>
    public async Task CompleteAsync(Status status, IHeaderDictionary? extraTrailers)
    {
        await gate.WaitAsync(CancellationToken.None);
        try
        {
            if (completed)
            {
                return;
            }

            completed = true;
            if (http.RequestAborted.IsCancellationRequested)
            {
                return; // Nobody is listening any more.
            }

            var trailers = StatusFields(status, extraTrailers);
            if (!started)
            {
                // Trailers-only: the status rides in the one HEADERS frame and there is no body.
                foreach (var (name, value) in trailers)
                {
                    http.Response.Headers.Append(name, value);
                }
            }
            else if (format == WireFormat.Grpc)
            {
                foreach (var (name, value) in trailers)
                {
                    http.Response.AppendTrailer(name, value);
                }
            }
            else
            {
                var frame = GrpcWeb.TrailerFrame(trailers);
                if (format == WireFormat.GrpcWebText)
                {
                    GrpcWeb.WriteText(http.Response.BodyWriter, frame);
                }
                else
                {
                    http.Response.BodyWriter.Write(frame);
                }
            }

            await http.Response.CompleteAsync();
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client went away while we were answering; there is no one left to tell.
        }
        finally
        {
            gate.Release();
        }
    }

    private static List<KeyValuePair<string, string>> StatusFields(Status status, IHeaderDictionary? extraTrailers)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("grpc-status", ((int)status.StatusCode).ToString(CultureInfo.InvariantCulture)),
        };
        if (!string.IsNullOrEmpty(status.Detail))
        {
            fields.Add(new("grpc-message", WireHeaders.EncodeMessage(status.Detail)));
        }

        foreach (var (name, values) in extraTrailers ?? new HeaderDictionary())
        {
            // HTTP/2 requires lower-case field names.
            fields.Add(new(name.ToLowerInvariant(), values.ToString()));
        }

        return fields;
    }

    private void ThrowIfCompleted()
    {
        if (completed)
        {
            throw new InvalidOperationException("The call has already completed; no more messages can be written.");
        }
    }
}
