using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;
using Xunit.Abstractions;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// The deployment's front: nginx with deploy/nginx/wegoassembly.conf terminating TLS in front of a real node
/// started with the settings of deploy/wegoassembly.env.example (the cluster's nodes behind it: ClusterTests).
/// Calls go through nginx only: gRPC from the C# client and from grpc-js, gRPC-Web, the web page.
/// </summary>
public sealed class NginxFrontTests(NginxFrontTests.Front front, ITestOutputHelper output) : IClassFixture<NginxFrontTests.Front>
{
    /// <summary>Failed sign-ins per client address before it backs off on this node; the tests' own sign-ins from 127.0.0.1 stay below it.</summary>
    private const int SignInLimit = 12;

    public sealed class Front : IAsyncLifetime
    {
        private readonly TempSqliteFile file = new();

        public WeGoServer Server { get; private set; } = null!;

        public NginxFront Nginx { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Server = await WeGoServer.StartAsync(ExampleSettings(file.Path, new() { ["Auth:SignIn:MaxFailuresPerAddress"] = $"{SignInLimit}" }));
            Nginx = await NginxFront.StartAsync(new NginxFront.NodePorts(new Uri("http://" + Server.GrpcTarget).Port, Server.WebAddress.Port));
        }

        public async Task DisposeAsync()
        {
            await Nginx.DisposeAsync();
            await Server.DisposeAsync();
            file.Dispose();
        }
    }

    /// <summary>
    /// The production example's settings, except what a test node must have of its own: free ports (WeGoServer's),
    /// an SQLite file, the sample data (the grpc-js suites use it) and WeGoServer's administrator password.
    /// </summary>
    public static Dictionary<string, string?> ExampleSettings(string sqlitePath, Dictionary<string, string?>? overrides = null)
    {
        var settings = EnvironmentFile.Read(RepositoryFiles.PathOf("deploy", "wegoassembly.env.example")).ToConfiguration();
        foreach (var key in settings.Keys.Where(k => k.StartsWith("Kestrel:", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Cluster:", StringComparison.OrdinalIgnoreCase)).ToList())
            settings.Remove(key);
        settings["ConnectionStrings:Postgres"] = "";
        settings["Storage:SqlitePath"] = sqlitePath;
        settings["Seed:SampleData"] = "true";
        settings["Auth:InitialAdmin:Password"] = WeGoServer.AdminPassword;
        foreach (var (key, value) in overrides ?? [])
            settings[key] = value;
        return settings;
    }

    [Fact]
    public async Task A_unary_call_and_a_server_stream_pass_through_nginx_over_tls_with_the_csharp_client()
    {
        using var http = front.Nginx.HttpClient();
        var anonymous = new SampleApi(new GrpcClient(http));
        var api = new SampleApi(anonymous.Raw, await anonymous.SignIn(WeGoServer.AdminUserName, WeGoServer.AdminPassword));

        Assert.Equal("seoul", (await api.GetMemberCity("seoul")).Id);
        var missing = await Assert.ThrowsAsync<RpcException>(() => api.GetMemberCity("atlantis"));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);

        var throughNginx = new List<string>();
        await foreach (var message in api.StreamMemberCities(new()))
            throughNginx.Add(message.MemberCity.Id);
        var direct = new List<string>();
        await foreach (var message in (await front.Server.SecretariatAsync()).StreamMemberCities(new()))
            direct.Add(message.MemberCity.Id);
        Assert.NotEmpty(direct);
        Assert.Equal(direct, throughNginx);
    }

    [Fact]
    public async Task The_standard_health_service_answers_through_nginx()
    {
        using var http = front.Nginx.HttpClient();
        var reply = await new GrpcClient(http).UnaryAsync<Grpc.Health.V1.HealthCheckRequest, Grpc.Health.V1.HealthCheckResponse>(
            "/grpc.health.v1.Health/Check", new());
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Theory]
    [InlineData("membership.test.mjs", 6)]
    [InlineData("voting.test.mjs", 2)]
    public Task The_grpc_js_client_passes_the_interop_suite_through_nginx_over_tls(string suite, int tests) =>
        GrpcJs.AssertSuitePassesAsync(suite, tests, front.Nginx.GrpcTarget, output, rootCertificate: front.Nginx.CertificatePath);

    [Fact]
    public async Task The_web_page_and_health_are_served_through_nginx_over_http2()
    {
        using var http = front.Nginx.HttpClient();

        using var page = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact });
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpVersion.Version20, page.Version);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>", await page.Content.ReadAsStringAsync());

        using var health = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_web_ui_websocket_at_blazor_is_upgraded_through_nginx()
    {
        using var http = front.Nginx.HttpClient();
        using var negotiate = await http.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        var token = JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync()).RootElement.GetProperty("connectionToken").GetString();

        using var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        var address = new UriBuilder(front.Nginx.HttpsAddress) { Scheme = "wss", Path = "/_blazor", Query = "id=" + token }.Uri;
        await socket.ConnectAsync(address, new HttpMessageInvoker(front.Nginx.Handler()), CancellationToken.None);
        // SignalR's handshake; the hub answers "{}" and the record separator once it accepts the protocol.
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"blazorpack\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = await socket.ReceiveAsync(buffer, timeout.Token);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(buffer, 0, received.Count));
    }

    [Fact]
    public async Task Plain_http_is_redirected_to_https()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(front.Nginx.HttpAddress, "/healthz?x=1"));
        request.Headers.Host = "assembly.example.org";

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(new Uri("https://assembly.example.org/healthz?x=1"), response.Headers.Location);
    }

    [Fact]
    public async Task A_grpc_web_call_over_http1_passes_through_nginx()
    {
        using var http = front.Nginx.HttpClient();
        var message = new SignInRequest { UserName = WeGoServer.AdminUserName, Password = WeGoServer.AdminPassword }.ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/wego.assembly.v1.AuthService/SignIn")
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame) { Headers = { ContentType = new MediaTypeHeaderValue("application/grpc-web+proto") } },
        };
        request.Headers.Add("x-grpc-web", "1");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/grpc-web", response.Content.Headers.ContentType?.MediaType);
        // gRPC-Web's body: the response message frame, then the trailers frame with the status.
        var body = await response.Content.ReadAsByteArrayAsync();
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        Assert.Equal(0, body[0]);
        Assert.NotEmpty(SignInResponse.Parser.ParseFrom(body, 5, length).Session.BearerToken);
        Assert.Equal(0x80, body[5 + length]);
        Assert.Contains("grpc-status: 0\r\n", Encoding.ASCII.GetString(body, 10 + length, body.Length - 10 - length));
    }

    [Fact]
    public async Task The_sign_in_limit_counts_each_client_behind_nginx_and_a_client_cannot_name_its_own_address()
    {
        async Task<StatusCode> SignInFrom(HttpClient http, string? claimedAddress = null)
        {
            var headers = claimedAddress is null ? null : new Dictionary<string, string> { ["x-forwarded-for"] = claimedAddress };
            var error = await Assert.ThrowsAsync<RpcException>(() => new GrpcClient(http).UnaryAsync<SignInRequest, SignInResponse>(
                "/wego.assembly.v1.AuthService/SignIn",
                new SignInRequest { UserName = "guess-" + Guid.NewGuid().ToString("N")[..8], Password = "a wrong password" },
                new CallSettings(Headers: headers)));
            return error.StatusCode;
        }

        using var first = front.Nginx.HttpClient(from: IPAddress.Parse("127.0.0.2"));
        for (var i = 0; i < SignInLimit; i++)
            Assert.Equal(StatusCode.Unauthenticated, await SignInFrom(first));
        Assert.Equal(StatusCode.ResourceExhausted, await SignInFrom(first));

        // Another client is not held back by the first: the node sees each client's own address, not nginx's.
        using var second = front.Nginx.HttpClient(from: IPAddress.Parse("127.0.0.3"));
        Assert.Equal(StatusCode.Unauthenticated, await SignInFrom(second));

        // A client that claims a new address on every call is still counted as itself: nginx overwrites X-Forwarded-For.
        using var third = front.Nginx.HttpClient(from: IPAddress.Parse("127.0.0.4"));
        for (var i = 0; i < SignInLimit; i++)
            Assert.Equal(StatusCode.Unauthenticated, await SignInFrom(third, claimedAddress: $"10.1.0.{i}"));
        Assert.Equal(StatusCode.ResourceExhausted, await SignInFrom(third, claimedAddress: "10.1.1.1"));
    }
}
