using System.Buffers.Binary;
using System.Net;
using Google.Protobuf;
using Grpc.Core;

namespace WeGoAssembly.Server.Tests;

/// <summary>Hand-built gRPC requests, for traffic a well-behaved client would never send.</summary>
public static class RawCall
{
    public static byte[] Frame(IMessage message) => Frame(0, message.ToByteArray());

    public static byte[] Frame(byte flags, byte[] payload, uint? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength ?? (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>
    /// Sends <paramref name="body"/> as it is, with te: trailers, the content-type given (unvalidated) and, when
    /// <paramref name="bearer"/> is set, "authorization: Bearer &lt;token&gt;"; <paramref name="configure"/> runs last.
    /// </summary>
    public static async Task<RawResponse> SendAsync(
        HttpClient client,
        string path,
        byte[] body,
        string? contentType = "application/grpc",
        Action<HttpRequestMessage>? configure = null,
        string? bearer = null,
        Version? version = null,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = version ?? HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        if (contentType is not null)
        {
            // Unvalidated, so that tests can send content-types no well-behaved client would.
            request.Content.Headers.TryAddWithoutValidation("content-type", contentType);
        }

        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (bearer is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", "Bearer " + bearer);
        }

        configure?.Invoke(request);
        using var response = await client.SendAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new RawResponse(
            response.StatusCode,
            response.Version,
            Flatten(response.Headers.Concat(response.Content.Headers)),
            Flatten(response.TrailingHeaders),
            bytes);
    }

    private static Dictionary<string, string> Flatten(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers) =>
        headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
}

/// <summary>What came back: HTTP status, headers, trailers and the raw body.</summary>
public sealed record RawResponse(
    HttpStatusCode HttpStatus, Version Version, Dictionary<string, string> Headers, Dictionary<string, string> Trailers, byte[] Body)
{
    /// <summary>grpc-status from wherever it was sent: the trailers, or the headers of a trailers-only response; null when none.</summary>
    public StatusCode? GrpcStatus => (Trailers.GetValueOrDefault("grpc-status") ?? Headers.GetValueOrDefault("grpc-status")) is { } status
        ? (StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture)
        : null;

    /// <summary>grpc-message exactly as on the wire (still percent-encoded).</summary>
    public string GrpcMessage => Trailers.GetValueOrDefault("grpc-message") ?? Headers.GetValueOrDefault("grpc-message") ?? "";

    /// <summary>True when the status came in the HEADERS frame and nothing followed.</summary>
    public bool IsTrailersOnly => Headers.ContainsKey("grpc-status") && Trailers.Count == 0 && Body.Length == 0;
}
