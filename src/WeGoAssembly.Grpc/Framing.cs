using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace WeGoAssembly.Grpc;

/// <summary>Reads and writes gRPC length-prefixed messages: 1 byte compressed flag, 4 bytes big-endian length, then the message.</summary>
internal static class Framing
{
    public const int HeaderSize = 5;

    /// <summary>
    /// Reads the next message, holding at most one frame in memory. Returns null when the stream ends cleanly
    /// between frames. <paramref name="direction"/> ("request" or "response") only words the error messages.
    /// </summary>
    public static async ValueTask<T?> ReadMessageAsync<T>(
        PipeReader reader, MessageParser<T> parser, int maxMessageSize, string direction, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            try
            {
                if (TryReadFrame(buffer, maxMessageSize, direction, out var payload))
                {
                    consumed = payload.End;
                    return Parse(parser, payload, direction);
                }

                if (result.IsCompleted)
                {
                    consumed = buffer.End;
                    return buffer.IsEmpty
                        ? default
                        : throw new RpcException(StatusCode.Internal, $"Incomplete message: the {direction} stream ended inside a frame.");
                }
            }
            finally
            {
                // Examined everything: the next ReadAsync waits for more bytes instead of spinning on a partial frame.
                reader.AdvanceTo(consumed, buffer.End);
            }
        }
    }

    /// <summary>True when no bytes at all follow; used to enforce "exactly one request message" on unary and server-streaming calls.</summary>
    public static async ValueTask<bool> IsAtEndAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var isEmpty = result.Buffer.IsEmpty;
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (!isEmpty || result.IsCompleted)
            {
                return isEmpty;
            }
        }
    }

    /// <summary>Writes one uncompressed message frame into <paramref name="destination"/>, which must hold HeaderSize + size bytes.</summary>
    public static void WriteMessageFrame(IMessage message, int size, Span<byte> destination)
    {
        WriteHeader(destination, flags: 0, size);
        message.WriteTo(destination.Slice(HeaderSize, size));
    }

    public static void WriteHeader(Span<byte> destination, byte flags, int length)
    {
        destination[0] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    private static bool TryReadFrame(ReadOnlySequence<byte> buffer, int maxMessageSize, string direction, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        switch (header[0])
        {
            case 0:
                break;
            case 1:
                // We only ever accept grpc-encoding identity (anything else is refused up front), so a compressed frame is a protocol violation.
                throw new RpcException(StatusCode.Internal, $"The {direction} has a compressed message, but grpc-encoding is identity.");
            default:
                throw new RpcException(StatusCode.Internal, $"The {direction} has a frame with an invalid flags byte 0x{header[0]:X2}.");
        }

        // Checked before waiting for the body, so a peer cannot make us buffer an oversized message.
        long length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > maxMessageSize)
        {
            throw new RpcException(
                StatusCode.ResourceExhausted,
                $"Received {direction} message of {length} bytes exceeds the maximum of {maxMessageSize} bytes.");
        }

        if (buffer.Length < HeaderSize + length)
        {
            return false;
        }

        payload = buffer.Slice(HeaderSize, length);
        return true;
    }

    private static T Parse<T>(MessageParser<T> parser, ReadOnlySequence<byte> payload, string direction)
        where T : IMessage<T>
    {
        T message;
        try
        {
            message = parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw NotValid<T>(direction, ex.Message);
        }

        if (StringFieldCheck.ContainsStrings(message.Descriptor)
            && StringFieldCheck.FindInvalid(message.Descriptor, payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray()) is { } field)
        {
            throw NotValid<T>(direction, $"string field {field} is not valid UTF-8");
        }

        return message;
    }

    private static RpcException NotValid<T>(string direction, string reason) =>
        new(StatusCode.Internal, $"Error parsing {direction} proto: not a valid {typeof(T).Name} message ({reason})");
}
