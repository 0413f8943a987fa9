using Microsoft.Extensions.Logging;
using WeGoAssembly.Grpc.Tests.Protos;

namespace WeGoAssembly.Grpc.Tests;

/// <summary>Calls through the real client to the real server: the paths the project's own code takes.</summary>
[Collection(GrpcServerCollection.Name)]
public sealed class GrpcClientTests(GrpcServerFixture server)
{
    private const string Echo = "/wego.grpc.test.v1.EchoService/Echo";
    private const string Sleep = "/wego.grpc.test.v1.EchoService/Sleep";
    private const string Throw = "/wego.grpc.test.v1.EchoService/Throw";
    private const string Count = "/wego.grpc.test.v1.EchoService/Count";

    [Fact]
    public async Task Unary_call_over_h2c_returns_the_reply()
    {
        var reply = await server.Client.UnaryAsync<EchoRequest, EchoReply>(Echo, new EchoRequest { Text = "hello" });

        Assert.Equal("hello", reply.Text);
    }

    [Fact]
    public async Task Unary_call_over_tls_negotiates_h2_and_returns_the_reply()
    {
        var reply = await new GrpcClient(server.Tls).UnaryAsync<EchoRequest, EchoReply>(Echo, new EchoRequest { Text = "서울" });

        Assert.Equal("서울", reply.Text);
    }

    [Fact]
    public async Task Server_streaming_over_h2c_yields_every_message_in_order()
    {
        var numbers = await ToListAsync(server.Client.ServerStreamingAsync<CountRequest, CountReply>(Count, new CountRequest { Count = 5 }));

        Assert.Equal([1, 2, 3, 4, 5], numbers);
    }

    [Fact]
    public async Task Server_streaming_over_tls_yields_every_message_in_order()
    {
        var client = new GrpcClient(server.Tls);
        var numbers = await ToListAsync(client.ServerStreamingAsync<CountRequest, CountReply>(Count, new CountRequest { Count = 3 }));

        Assert.Equal([1, 2, 3], numbers);
    }

    [Fact]
    public async Task Request_metadata_reaches_the_handler_and_binary_headers_pass_through_as_base64()
    {
        var headers = new Dictionary<string, string> { ["authorization"] = "Bearer token-1", ["x-trace-bin"] = "AAEC" };

        var auth = await server.Client.UnaryAsync<EchoRequest, EchoReply>(
            Echo, new EchoRequest { HeaderName = "authorization" }, new CallOptions(headers));
        var binary = await server.Client.UnaryAsync<EchoRequest, EchoReply>(
            Echo, new EchoRequest { HeaderName = "x-trace-bin" }, new CallOptions(headers));

        Assert.Equal("Bearer token-1", auth.HeaderValue);
        Assert.Equal("AAEC", binary.HeaderValue);
    }

    [Fact]
    public async Task RpcException_status_non_ascii_message_and_trailers_round_trip_to_the_client()
    {
        const string detail = "회원 도시를 찾을 수 없음: seoul 100%";

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.UnaryAsync<ThrowRequest, EchoReply>(
            Throw, new ThrowRequest { Kind = "rpc", Message = detail }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(detail, error.Status.Detail);
        Assert.Equal("rpc", error.Trailers["x-reason"]);
    }

    [Fact]
    public async Task Domain_exception_is_mapped_by_the_configured_exception_mapper()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.UnaryAsync<ThrowRequest, EchoReply>(
            Throw, new ThrowRequest { Kind = "domain", Message = "Dues are unpaid for 2022." }));

        Assert.Equal(new Status(StatusCode.FailedPrecondition, "Dues are unpaid for 2022."), error.Status);
    }

    [Fact]
    public async Task Unexpected_exception_becomes_UNKNOWN_without_leaking_its_message_and_is_logged()
    {
        var secret = $"connection string {Guid.NewGuid()}";

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.UnaryAsync<ThrowRequest, EchoReply>(
            Throw, new ThrowRequest { Kind = "crash", Message = secret }));

        Assert.Equal(new Status(StatusCode.Unknown, "Exception was thrown by handler."), error.Status);
        Assert.DoesNotContain(secret, error.Message);
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Error && e.Exception?.Message == secret);
    }

    [Fact]
    public async Task Deadline_from_call_options_ends_a_call_whose_handler_waits_with_DEADLINE_EXCEEDED()
    {
        var ticket = Guid.NewGuid().ToString();

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.UnaryAsync<SleepRequest, EchoReply>(
            Sleep, new SleepRequest { Ticket = ticket }, new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(200))));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(await server.Probe.Ticket(ticket).Ended.Task, "the handler's token was cancelled");
    }

    [Fact]
    public async Task Deadline_already_passed_fails_without_calling_the_server()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.UnaryAsync<EchoRequest, EchoReply>(
            Echo, new EchoRequest(), new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(-1))));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Error_after_some_streamed_messages_arrives_in_the_trailers()
    {
        var received = new List<int>();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in server.Client.ServerStreamingAsync<CountRequest, CountReply>(Count, new CountRequest { Count = 5, FailAfter = 2 }))
            {
                received.Add(reply.Number);
            }
        });

        Assert.Equal([1, 2], received);
        Assert.Equal(new Status(StatusCode.FailedPrecondition, "stopped after 2"), error.Status);
    }

    [Fact]
    public async Task Client_that_stops_reading_a_stream_cancels_the_handler_without_an_error_being_logged()
    {
        var ticket = Guid.NewGuid().ToString();

        await foreach (var reply in server.Client.ServerStreamingAsync<CountRequest, CountReply>(Count, new CountRequest { Ticket = ticket }))
        {
            if (reply.Number == 3)
            {
                break; // Disposing the enumerator resets the HTTP/2 stream.
            }
        }

        Assert.True(await server.Probe.Ticket(ticket).Ended.Task.WaitAsync(TimeSpan.FromSeconds(10)), "the handler's token was cancelled");
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Warning && e.Message.Contains("Count", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Writing_to_a_stream_after_its_call_ended_throws_InvalidOperationException()
    {
        var ticket = Guid.NewGuid().ToString();
        await ToListAsync(server.Client.ServerStreamingAsync<CountRequest, CountReply>(
            Count, new CountRequest { Count = 1, KeepWriter = true, Ticket = ticket }));
        var writer = await server.Probe.Ticket(ticket).Writer.Task;

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(new CountReply { Number = 2 }));
    }

    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(500, StatusCode.Unknown)]
    public async Task Non_200_HTTP_status_is_mapped_to_the_gRPC_status_of_the_spec_table(int httpStatus, StatusCode expected)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.UnaryAsync<EchoRequest, EchoReply>(
            $"/http-status/{httpStatus}", new EchoRequest()));

        Assert.Equal(expected, error.StatusCode);
        Assert.Contains(httpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Status.Detail);
    }

    [Fact]
    public async Task Response_larger_than_the_client_limit_fails_with_RESOURCE_EXHAUSTED()
    {
        var client = new GrpcClient(server.H2c) { MaxReceiveMessageSize = 10 };

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync<EchoRequest, EchoReply>(
            Echo, new EchoRequest { Text = new string('x', 100) }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    private static async Task<List<int>> ToListAsync(IAsyncEnumerable<CountReply> replies)
    {
        var numbers = new List<int>();
        await foreach (var reply in replies)
        {
            numbers.Add(reply.Number);
        }

        return numbers;
    }
}
