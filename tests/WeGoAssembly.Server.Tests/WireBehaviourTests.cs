using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Grains.Voting;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// What clients rely on from the gRPC stack itself, checked on the real host over real sockets: deadlines, the message
/// size limit, trailers-only errors, gRPC-Web binary and text, a server stream ended by its client, the standard health
/// service and server reflection. Raw HTTP/2 where the client library would hide what the server sent.
/// </summary>
public sealed class WireBehaviourTests : IAsyncLifetime
{
    private const string Membership = "/wego.assembly.v1.MembershipService/";

    private readonly TempSqliteFile file = new();
    private WeGoServer server = null!;
    private SampleApi secretariat = null!;

    public async Task InitializeAsync()
    {
        server = await WeGoServer.StartAsync(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path });
        secretariat = await server.SecretariatAsync();
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        file.Dispose();
    }

    [Fact]
    public async Task A_call_whose_deadline_passes_ends_DEADLINE_EXCEEDED_from_the_server()
    {
        // A watch stream never ends by itself, so only the server's deadline (grpc-timeout: 300 ms) can end it.
        using var response = await RawAsync("/wego.assembly.v1.VotingService/WatchQuorum", new WatchQuorumRequest { AssemblyId = "ga-2023" },
            secretariat.Session!.BearerToken, timeout: "300m");
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("4", Status(response).Code);
    }

    [Fact]
    public async Task A_message_over_6_MiB_is_RESOURCE_EXHAUSTED_and_changes_nothing()
    {
        var before = (await secretariat.ListAll(500)).Count;
        var csv = "id,name_en\n" + string.Concat(Enumerable.Repeat("oversized,Oversized city\n", 7 * 1024 * 1024 / 24));

        var error = await Assert.ThrowsAsync<RpcException>(() => secretariat.ImportMemberCities(csv));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("exceeds the maximum", error.Status.Detail);
        Assert.Equal(before, (await secretariat.ListAll(500)).Count);
    }

    [Fact]
    public async Task Errors_before_any_message_are_trailers_only_with_the_status_in_the_headers()
    {
        using var anonymous = await RawAsync(Membership + "GetMemberCity", new GetMemberCityRequest { MemberCityId = "seoul" }, bearer: null);
        using var missing = await RawAsync(Membership + "GetMemberCity", new GetMemberCityRequest { MemberCityId = "atlantis" }, secretariat.Session!.BearerToken);

        foreach (var (response, code, words) in new[] { (anonymous, "16", "Sign in first"), (missing, "5", "No member city \"atlantis\"") })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(code, response.Headers.GetValues("grpc-status").Single());
            Assert.Contains(words, Uri.UnescapeDataString(response.Headers.GetValues("grpc-message").Single()));
        }
    }

    [Fact]
    public async Task GRPC_Web_text_calls_work_on_the_web_port()
    {
        using var http = new HttpClient { BaseAddress = server.WebAddress };
        using var content = new StringContent(Convert.ToBase64String(Frame(new GetMemberCityRequest { MemberCityId = "seoul" })));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web-text");
        using var request = new HttpRequestMessage(HttpMethod.Post, Membership + "GetMemberCity") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secretariat.Session!.BearerToken);
        request.Headers.Add("x-grpc-web", "1");
        request.Headers.Accept.ParseAdd("application/grpc-web-text");   // as the grpc-web JavaScript client sends it

        using var response = await http.SendAsync(request);
        // The body is base64 of the message frame, then base64 of the trailers frame (each padded on its own).
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(text.Length % 4 == 0, $"not whole base64: {response.Content.Headers.ContentType} \"{text}\"");
        var body = DecodeConcatenatedBase64(text);

        Assert.Equal("application/grpc-web-text", response.Content.Headers.ContentType?.MediaType);
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        Assert.Equal("서울", GetMemberCityResponse.Parser.ParseFrom(body, 5, length).MemberCity.NameLocal);
        Assert.Equal(0x80, body[5 + length]);
        Assert.Contains("grpc-status: 0\r\n", Encoding.ASCII.GetString(body, 10 + length, body.Length - 10 - length));
    }

    [Fact]
    public async Task A_server_stream_the_client_cancels_ends_on_the_server()
    {
        var hub = server.Services.GetRequiredService<VotingHub>();
        var topic = VotingHub.QuorumTopic("ga-2023");
        using var leave = new CancellationTokenSource();
        var stream = secretariat.Raw.ServerStreamingAsync<WatchQuorumRequest, WatchQuorumResponse>("/wego.assembly.v1.VotingService/WatchQuorum",
            new() { AssemblyId = "ga-2023" }, secretariat.Options, leave.Token).GetAsyncEnumerator(leave.Token);

        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(1, hub.Watchers(topic));
        await leave.CancelAsync();
        var ended = await Assert.ThrowsAnyAsync<Exception>(async () => await stream.MoveNextAsync());
        Assert.True(ended is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled }, ended.ToString());
        await stream.DisposeAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (hub.Watchers(topic) > 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(50);
        Assert.Equal(0, hub.Watchers(topic));
    }

    [Fact]
    public async Task The_standard_health_service_answers_SERVING()
    {
        using var channel = GrpcChannel.ForAddress($"http://{server.GrpcTarget}");
        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Server_reflection_lists_every_service_of_the_contract()
    {
        using var channel = GrpcChannel.ForAddress($"http://{server.GrpcTarget}");
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();
        foreach (var service in new[] { "Membership", "Assembly", "Accreditation", "Auth", "Audit", "Agenda", "Voting", "Logistics" })
            Assert.Contains($"wego.assembly.v1.{service}Service", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    private async Task<HttpResponseMessage> RawAsync(string path, IMessage request, string? bearer, string? timeout = null)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{server.GrpcTarget}") };
        var message = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(Frame(request)),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        message.Headers.TryAddWithoutValidation("te", "trailers");
        if (bearer is not null)
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (timeout is not null)
            message.Headers.Add("grpc-timeout", timeout);
        return await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
    }

    private static (string Code, string Message) Status(HttpResponseMessage response)
    {
        var headers = response.TrailingHeaders.Contains("grpc-status") ? response.TrailingHeaders : (HttpHeaders)response.Headers;
        return (headers.GetValues("grpc-status").Single(), headers.TryGetValues("grpc-message", out var m) ? m.Single() : "");
    }

    private static byte[] Frame(IMessage message)
    {
        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    // Each chunk is whole base64 (a multiple of four characters, padded on its own), so four characters at a time decode it all.
    private static byte[] DecodeConcatenatedBase64(string text) =>
        [.. Enumerable.Range(0, text.Length / 4).SelectMany(i => Convert.FromBase64String(text.Substring(i * 4, 4)))];
}
