using WeGoAssembly.Testing;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grains.Auth;
using Grpc.Core;
using Orleans;
using WeGoAssembly.Server.Hosting;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// The real host, started in-process exactly as Program.cs starts it, on free loopback ports and the
/// given database; reached only through real sockets. Its first administrator is
/// <see cref="AdminUserName"/> / <see cref="AdminPassword"/>; callers sign in through <see cref="SecretariatAsync"/>,
/// <see cref="StaffAsync"/> and <see cref="ParticipantAsync"/>, or call as <see cref="Anonymous"/>.
/// </summary>
public sealed class WeGoServer : IAsyncDisposable
{
    public const string AdminUserName = "admin", AdminPassword = "correct horse battery staple";

    private readonly WebApplication app;
    private readonly HttpClient grpcHttp;
    private readonly List<HttpClient> extraClients = [];
    private readonly GrpcClient client;
    private readonly Lazy<Task<SampleApi>> secretariat;

    private WeGoServer(WebApplication app, int grpcPort, int webPort)
    {
        this.app = app;
        GrpcTarget = $"127.0.0.1:{grpcPort}";
        WebAddress = new Uri($"http://127.0.0.1:{webPort}");
        grpcHttp = new HttpClient { BaseAddress = new Uri($"http://{GrpcTarget}") };
        client = new GrpcClient(grpcHttp);
        Anonymous = new SampleApi(client);
        secretariat = new(() => StaffAsync(AdminUserName, AdminPassword));
    }

    /// <summary>host:port of the h2c gRPC endpoint, as grpc-js wants it.</summary>
    public string GrpcTarget { get; }

    /// <summary>The web endpoint (page, health, gRPC-Web).</summary>
    public Uri WebAddress { get; }

    /// <summary>The app's services (grain factory, options, clock), for arranging what the API cannot, such as access codes.</summary>
    public IServiceProvider Services => app.Services;

    /// <summary>A caller without a token.</summary>
    public SampleApi Anonymous { get; }

    /// <summary>
    /// A caller without a token whose connections come from <paramref name="local"/> (any 127.x.y.z: all of 127/8 is
    /// loopback), so tests can call as another client address. Disposed with the server.
    /// </summary>
    public SampleApi AnonymousFrom(IPAddress local)
    {
        var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = ClientAddress.ConnectFrom(local) }) { BaseAddress = grpcHttp.BaseAddress };
        extraClients.Add(http);
        return new SampleApi(new GrpcClient(http));
    }

    /// <summary>The first administrator (role Secretariat), signed in once per server.</summary>
    public Task<SampleApi> SecretariatAsync() => secretariat.Value;

    /// <summary>A staff member signed in with SignIn (create the account first with UpsertStaffAccount as the secretariat).</summary>
    public async Task<SampleApi> StaffAsync(string user, string password) =>
        new(client, await Anonymous.SignIn(user, password));

    /// <summary>A participant signed in with RedeemAccessCode.</summary>
    public async Task<SampleApi> ParticipantAsync(string accessCode) =>
        new(client, await Anonymous.RedeemAccessCode(accessCode));

    /// <summary>Issues a new access code for <paramref name="participant"/> straight through its grain, as registration does; returns the code.</summary>
    public async Task<string> IssueAccessCodeAsync(ParticipantRef participant)
    {
        var (code, key) = AccessCodes.New();
        await Services.GetRequiredService<IGrainFactory>().GetGrain<IAccessCodeGrain>(key).IssueAsync(participant, "test");
        return code;
    }

    /// <summary>
    /// Starts the host on <paramref name="settings"/> (which override the test defaults below);
    /// <paramref name="configureServices"/> runs after the host's own registrations, e.g. to replace TimeProvider.
    /// </summary>
    public static async Task<WeGoServer> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        // A free port is released before Kestrel binds it, so another process may take it meanwhile: try fresh ports then.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortsAsync(settings, configureServices);
            }
            catch (Exception e) when (attempt < 3 && IsAddressInUse(e))
            {
            }
        }
    }

    private static bool IsAddressInUse(Exception e) => e switch
    {
        Microsoft.AspNetCore.Connections.AddressInUseException => true,
        AggregateException a => a.InnerExceptions.Any(IsAddressInUse),
        _ => e.InnerException is { } inner && IsAddressInUse(inner),
    };

    private static async Task<WeGoServer> StartOnFreePortsAsync(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices)
    {
        var (grpcPort, webPort) = (FreePort(), FreePort());
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpcPort}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Kestrel:Endpoints:Web:Url"] = $"http://127.0.0.1:{webPort}",
            ["Kestrel:Endpoints:Web:Protocols"] = "Http1",
            ["Logging:LogLevel:Default"] = "Warning",
            // A free silo port: several servers run at once in the test process.
            ["Cluster:SiloPort"] = "0",
            ["Auth:InitialAdmin:UserName"] = AdminUserName,
            ["Auth:InitialAdmin:Password"] = AdminPassword,
            // Every test call comes from 127.0.0.1, so the per-address failure limit is raised here (the SQL injection
            // walk fails sign-ins by the hundred); the rate limit tests set the production value back.
            ["Auth:SignIn:MaxFailuresPerAddress"] = "10000",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddWeGoAssembly();
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        try
        {
            await app.StartWeGoAssemblyAsync();
        }
        catch
        {
            // Whatever did start (the silo, the job server) stops with the host; the start's own failure is what is reported.
            try { await app.DisposeAsync(); } catch (Exception) { }
            throw;
        }
        return new WeGoServer(app, grpcPort, webPort);
    }

    public async ValueTask DisposeAsync()
    {
        grpcHttp.Dispose();
        extraClients.ForEach(c => c.Dispose());
        await app.StopAsync();
        await app.DisposeAsync();
    }

    // The OS hands out a free port; it is released at once and bound again by Kestrel a moment later.
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
