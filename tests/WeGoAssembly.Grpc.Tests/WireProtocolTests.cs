using System.Net;
using System.Text;
using Google.Protobuf;
using WeGoAssembly.Grpc.Tests.Protos;

namespace WeGoAssembly.Grpc.Tests;

/// <summary>Hand-built HTTP/2 traffic against the real server: what each malformed or unusual request gets back.</summary>
[Collection(GrpcServerCollection.Name)]
public sealed class WireProtocolTests(GrpcServerFixture server)
{
    private const string Echo = "/wego.grpc.test.v1.EchoService/Echo";
    private const string Sleep = "/wego.grpc.test.v1.EchoService/Sleep";
    private const string Throw = "/wego.grpc.test.v1.EchoService/Throw";
    private const string Count = "/wego.grpc.test.v1.EchoService/Count";

    private static readonly byte[] HelloFrame = RawCall.Frame(new EchoRequest { Text = "hello" });

    [Fact]
    public async Task Successful_unary_call_sends_headers_one_frame_and_the_status_in_trailers()
    {
        var response = await RawCall.SendAsync(server.H2c, Echo, HelloFrame);

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("application/grpc", response.Headers["content-type"]);
        Assert.False(response.Headers.ContainsKey("grpc-status"));
        Assert.Equal("0", response.Trailers["grpc-status"]);
        Assert.Equal(RawCall.Frame(new EchoReply { Text = "hello" }), response.Body);
    }

    [Fact]
    public async Task Failure_before_any_message_is_a_trailers_only_response()
    {
        var response = await RawCall.SendAsync(server.H2c, Throw, RawCall.Frame(new ThrowRequest { Kind = "rpc", Message = "gone" }));

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.True(response.IsTrailersOnly);
        Assert.Equal(StatusCode.NotFound, response.GrpcStatus);
        Assert.Equal("rpc", response.Headers["x-reason"]);
    }

    [Fact]
    public async Task Grpc_message_percent_encodes_non_ascii_bytes_and_percent_but_nothing_else()
    {
        var response = await RawCall.SendAsync(
            server.H2c, Throw, RawCall.Frame(new ThrowRequest { Kind = "rpc", Message = "회원 도시를 찾을 수 없음: seoul 100%" }));

        Assert.Equal(
            "%ED%9A%8C%EC%9B%90 %EB%8F%84%EC%8B%9C%EB%A5%BC %EC%B0%BE%EC%9D%84 %EC%88%98 %EC%97%86%EC%9D%8C: seoul 100%25",
            response.GrpcMessage);
    }

    [Fact]
    public async Task Frame_split_across_several_writes_is_reassembled()
    {
        var frame = RawCall.Frame(new EchoRequest { Text = new string('z', 50_000) });
        using var request = new HttpRequestMessage(HttpMethod.Post, Echo)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ChunkedContent(frame[..2], frame[2..7], frame[7..30_000], frame[30_000..]),
        };
        request.Content.Headers.ContentType = new("application/grpc");

        using var response = await server.H2c.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Equal(RawCall.Frame(new EchoReply { Text = new string('z', 50_000) }), body);
    }

    [Fact]
    public async Task Declared_length_above_the_receive_limit_is_RESOURCE_EXHAUSTED_naming_both_sizes()
    {
        var response = await RawCall.SendAsync(server.H2c, Echo, RawCall.Frame(0, [1, 2, 3], declaredLength: 100_000_000));

        Assert.Equal(StatusCode.ResourceExhausted, response.GrpcStatus);
        Assert.Contains("100000000", response.GrpcMessage);
        Assert.Contains((4 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), response.GrpcMessage);
    }

    [Fact]
    public async Task Body_ending_inside_a_frame_is_INTERNAL_incomplete_message()
    {
        var response = await RawCall.SendAsync(server.H2c, Echo, HelloFrame[..^2]);

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.StartsWith("Incomplete message", response.GrpcMessage);
    }

    [Fact]
    public async Task Compressed_flag_without_grpc_encoding_is_INTERNAL()
    {
        var response = await RawCall.SendAsync(server.H2c, Echo, RawCall.Frame(1, new EchoRequest { Text = "x" }.ToByteArray()));

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("compressed", response.GrpcMessage);
    }

    [Fact]
    public async Task Invalid_protobuf_is_INTERNAL_naming_the_message_type_and_the_server_keeps_serving()
    {
        var response = await RawCall.SendAsync(server.H2c, Echo, RawCall.Frame(0, [0x0A, 0xFF, 0xFF]));
        var next = await RawCall.SendAsync(server.H2c, Echo, HelloFrame);

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("Error parsing request proto", response.GrpcMessage);
        Assert.Contains(nameof(EchoRequest), response.GrpcMessage);
        Assert.Equal(StatusCode.OK, next.GrpcStatus);
    }

    [Fact]
    public async Task A_string_field_with_invalid_UTF8_is_INTERNAL_naming_the_field_rather_than_reaching_the_handler_altered()
    {
        // header_name = "a", then 0xC3 0x28: a two-byte sequence whose second byte is not a continuation byte.
        var response = await RawCall.SendAsync(server.H2c, Echo, RawCall.Frame(0, [0x12, 0x03, 0x61, 0xC3, 0x28]));

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("not a valid EchoRequest message (string field header_name is not valid UTF-8)", Uri.UnescapeDataString(response.GrpcMessage));
    }

    [Fact]
    public async Task Two_messages_to_a_unary_method_violate_cardinality_with_UNIMPLEMENTED()
    {
        var response = await RawCall.SendAsync(server.H2c, Echo, [.. HelloFrame, .. HelloFrame]);

        Assert.Equal(StatusCode.Unimplemented, response.GrpcStatus);
        Assert.Contains("cardinality", response.GrpcMessage);
    }

    [Fact]
    public async Task No_message_to_a_unary_method_violates_cardinality_with_UNIMPLEMENTED()
    {
        var response = await RawCall.SendAsync(server.H2c, Echo, []);

        Assert.Equal(StatusCode.Unimplemented, response.GrpcStatus);
        Assert.Contains("cardinality", response.GrpcMessage);
    }

    [Fact]
    public async Task Unknown_service_is_UNIMPLEMENTED()
    {
        var response = await RawCall.SendAsync(server.H2c, "/wego.grpc.test.v1.NoSuchService/Echo", HelloFrame);

        Assert.True(response.IsTrailersOnly);
        Assert.Equal(StatusCode.Unimplemented, response.GrpcStatus);
        Assert.Equal("Unknown service wego.grpc.test.v1.NoSuchService", response.GrpcMessage);
    }

    [Fact]
    public async Task Unknown_method_of_a_known_service_is_UNIMPLEMENTED()
    {
        var response = await RawCall.SendAsync(server.H2c, "/wego.grpc.test.v1.EchoService/Shout", HelloFrame);

        Assert.Equal(StatusCode.Unimplemented, response.GrpcStatus);
        Assert.Equal("Unknown method Shout of service wego.grpc.test.v1.EchoService", response.GrpcMessage);
    }

    [Fact]
    public async Task Grpc_encoding_gzip_is_UNIMPLEMENTED_and_advertises_identity()
    {
        var response = await RawCall.SendAsync(server.H2c, Echo, HelloFrame, configure: r => r.Headers.Add("grpc-encoding", "gzip"));

        Assert.Equal(StatusCode.Unimplemented, response.GrpcStatus);
        Assert.Equal("identity", response.Headers["grpc-accept-encoding"]);
    }

    [Fact]
    public async Task Grpc_timeout_cancels_the_handler_and_answers_DEADLINE_EXCEEDED()
    {
        var ticket = Guid.NewGuid().ToString();

        var response = await RawCall.SendAsync(
            server.H2c, Sleep, RawCall.Frame(new SleepRequest { Ticket = ticket }), configure: r => r.Headers.Add("grpc-timeout", "200m"));

        Assert.True(response.IsTrailersOnly);
        Assert.Equal(StatusCode.DeadlineExceeded, response.GrpcStatus);
        Assert.True(await server.Probe.Ticket(ticket).Ended.Task, "the handler's token was cancelled");
    }

    [Fact]
    public async Task A_watch_stream_that_returns_quietly_when_its_deadline_cancels_it_ends_with_DEADLINE_EXCEEDED()
    {
        // WatchQuorum and WatchBallot end this way: they take the cancelled token as the end of their work, and
        // their return races the deadline inside the wire layer; repeated so that both orders are met.
        for (var call = 0; call < 20; call++)
        {
            var response = await RawCall.SendAsync(server.H2c, Count,
                RawCall.Frame(new CountRequest { Count = 1, ThenWatch = true, Ticket = Guid.NewGuid().ToString() }),
                configure: r => r.Headers.Add("grpc-timeout", "50m"));

            Assert.True(response.GrpcStatus == StatusCode.DeadlineExceeded, $"call {call}: {response.GrpcStatus} \"{response.GrpcMessage}\"");
        }
    }

    [Fact]
    public async Task Deadline_is_answered_even_while_the_handler_ignores_its_token()
    {
        var id = Guid.NewGuid().ToString();
        var ticket = server.Probe.Ticket(id);

        var response = await RawCall.SendAsync(
            server.H2c, Sleep, RawCall.Frame(new SleepRequest { IgnoreDeadline = true, Ticket = id }), configure: r => r.Headers.Add("grpc-timeout", "200m"));

        Assert.Equal(StatusCode.DeadlineExceeded, response.GrpcStatus);
        Assert.False(ticket.Ended.Task.IsCompleted, "the handler is still running when the client has its answer");
        ticket.Release.SetResult();
        Assert.True(await ticket.Ended.Task);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("100")]
    [InlineData("123456789S")]
    [InlineData("5s")]
    public async Task Malformed_grpc_timeout_is_INTERNAL(string timeout)
    {
        var response = await RawCall.SendAsync(server.H2c, Echo, HelloFrame, configure: r => r.Headers.Add("grpc-timeout", timeout));

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("grpc-timeout", response.GrpcMessage);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    public async Task Request_without_a_grpc_content_type_passes_to_the_next_middleware(string? contentType)
    {
        var response = await RawCall.SendAsync(server.H2c, Echo, HelloFrame, contentType);

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal("not a gRPC request", Encoding.UTF8.GetString(response.Body));
    }

    [Theory]
    [InlineData("application/grpc+json")]
    [InlineData("application/grpcx")]
    public async Task Grpc_content_type_with_an_unknown_codec_is_415(string contentType)
    {
        var response = await RawCall.SendAsync(server.H2c, Echo, HelloFrame, contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
    }

    [Fact]
    public async Task Content_type_parameters_are_ignored()
    {
        var response = await RawCall.SendAsync(server.H2c, Echo, HelloFrame, "application/grpc+proto; charset=utf-8");

        Assert.Equal(StatusCode.OK, response.GrpcStatus);
    }

    [Fact]
    public async Task Get_with_a_grpc_content_type_is_405()
    {
        var response = await RawCall.SendAsync(server.H2c, Echo, HelloFrame, method: HttpMethod.Get);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.HttpStatus);
        Assert.Equal("POST", response.Headers["allow"]);
    }

    [Fact]
    public async Task Native_grpc_over_http_1_1_is_426_with_a_text_body()
    {
        var response = await RawCall.SendAsync(server.Tls, Echo, HelloFrame, version: HttpVersion.Version11);

        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.HttpStatus);
        Assert.Contains("HTTP/2", Encoding.UTF8.GetString(response.Body));
    }

    [Fact]
    public async Task Plain_http_1_1_to_the_h2c_port_gets_400_from_kestrel_instead_of_hanging()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.H2cAddress, Echo))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(HelloFrame),
        };

        // Kestrel itself recognises HTTP/1.x on an HTTP/2-only endpoint: a 400 with a reason, then it closes the connection.
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("HTTP/2 only endpoint", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.ConnectionClose);
    }

    /// <summary>Request content written in pieces with a flush after each, so the server sees the frame arrive in parts.</summary>
    private sealed class ChunkedContent(params byte[][] chunks) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            foreach (var chunk in chunks)
            {
                await stream.WriteAsync(chunk);
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
