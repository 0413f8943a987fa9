using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace WeGoAssembly.Grpc;

/// <summary>One client call: sends the request, then reads frames and finally the status; every failure surfaces as <see cref="RpcException"/>.</summary>
internal sealed class ClientCall : IDisposable
{
    private readonly CancellationTokenSource? deadline;
    private readonly CancellationTokenSource cancellation;
    private readonly int maxReceiveMessageSize;
    private HttpResponseMessage? response;
    private PipeReader? body;
    private bool finished;

    private ClientCall(CancellationTokenSource? deadline, CancellationTokenSource cancellation, int maxReceiveMessageSize)
    {
        this.deadline = deadline;
        this.cancellation = cancellation;
        this.maxReceiveMessageSize = maxReceiveMessageSize;
    }

    public static async Task<ClientCall> StartAsync(
        HttpClient http, string fullMethod, IMessage request, CallOptions options, int maxReceiveMessageSize, CancellationToken extraToken)
    {
        var timeout = options.Deadline is { } at ? at.ToUniversalTime() - DateTime.UtcNow : (TimeSpan?)null;
        if (timeout <= TimeSpan.Zero)
        {
            throw new RpcException(StatusCode.DeadlineExceeded, "Deadline exceeded before the call started.");
        }

        // A separate source for the deadline tells "deadline passed" apart from "caller cancelled".
        var deadline = timeout is { } t && t.TotalMilliseconds < uint.MaxValue - 1 ? new CancellationTokenSource(t) : null;
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(
            options.CancellationToken, extraToken, deadline?.Token ?? CancellationToken.None);
        var call = new ClientCall(deadline, cancellation, maxReceiveMessageSize);
        try
        {
            await call.SendAsync(http, fullMethod, request, options, timeout);
            return call;
        }
        catch (Exception ex)
        {
            call.Dispose();
            throw call.Translate(ex);
        }
    }

    /// <summary>The next response message, or null once the call ended with OK; a non-OK status throws.</summary>
    public async ValueTask<T?> ReadNextAsync<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        try
        {
            if (!finished && body is not null
                && await Framing.ReadMessageAsync(body, parser, maxReceiveMessageSize, "response", cancellation.Token) is { } message)
            {
                return message;
            }

            finished = true;
            var headers = response!.TrailingHeaders.Contains("grpc-status") ? response.TrailingHeaders : response.Headers;
            ThrowIfNotOk(headers);
            return null;
        }
        catch (Exception ex)
        {
            throw Translate(ex);
        }
    }

    public void Dispose()
    {
        // Disposing the response mid-stream resets the HTTP/2 stream, which cancels the call on the server.
        response?.Dispose();
        cancellation.Dispose();
        deadline?.Dispose();
    }

    private async Task SendAsync(HttpClient http, string fullMethod, IMessage request, CallOptions options, TimeSpan? timeout)
    {
        var size = request.CalculateSize();
        var frame = new byte[Framing.HeaderSize + size];
        Framing.WriteMessageFrame(request, size, frame);

        using var message = new HttpRequestMessage(HttpMethod.Post, fullMethod)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        message.Headers.TryAddWithoutValidation("te", "trailers");
        if (timeout is { } t)
        {
            message.Headers.TryAddWithoutValidation("grpc-timeout", WireHeaders.FormatTimeout(t));
        }

        foreach (var (name, value) in options.Headers ?? new Dictionary<string, string>())
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellation.Token);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new RpcException(WireHeaders.FromHttpStatus(response.StatusCode), Collect(response.Headers));
        }

        var contentType = response.Content.Headers.ContentType?.MediaType ?? "";
        if (!contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(StatusCode.Unknown, $"Bad gRPC response: content-type '{contentType}' is not application/grpc.");
        }

        if (response.Headers.Contains("grpc-status"))
        {
            finished = true; // Trailers-only: the status is in the headers and there is no body to read.
            return;
        }

        body = PipeReader.Create(await response.Content.ReadAsStreamAsync(cancellation.Token));
    }

    private static void ThrowIfNotOk(HttpHeaders headers)
    {
        var code = headers.TryGetValues("grpc-status", out var values) ? values.FirstOrDefault() : null;
        if (code is null)
        {
            throw new RpcException(StatusCode.Unknown, "Bad gRPC response: the server sent no grpc-status.");
        }

        if (!int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw new RpcException(StatusCode.Unknown, $"Bad gRPC response: grpc-status '{code}' is not a number.");
        }

        if (number != (int)StatusCode.OK)
        {
            var detail = headers.TryGetValues("grpc-message", out var messages) ? WireHeaders.DecodeMessage(messages.First()) : "";
            throw new RpcException(new Status((StatusCode)number, detail), Collect(headers));
        }
    }

    private static Dictionary<string, string> Collect(HttpHeaders headers) =>
        headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);

    private RpcException Translate(Exception exception) => exception switch
    {
        RpcException rpc => rpc,
        OperationCanceledException when deadline?.IsCancellationRequested == true =>
            new RpcException(StatusCode.DeadlineExceeded, "Deadline exceeded."),
        OperationCanceledException => new RpcException(StatusCode.Cancelled, "Call cancelled."),
        HttpRequestException or IOException => new RpcException(StatusCode.Unavailable, $"Error talking to the server: {exception.Message}"),
        _ => new RpcException(StatusCode.Internal, $"Client failed: {exception.Message}"),
    };
}
