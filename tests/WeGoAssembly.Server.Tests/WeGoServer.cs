using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using WeGoAssembly.Grpc;
using WeGoAssembly.Server.Hosting;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// The real host, started in-process exactly as Program.cs starts it, on free loopback ports and the
/// given database; reached only through real sockets.
/// </summary>
public sealed class WeGoServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient grpcHttp;

    private WeGoServer(WebApplication app, int grpcPort, int webPort)
    {
        this.app = app;
        GrpcTarget = $"127.0.0.1:{grpcPort}";
        WebAddress = new Uri($"http://127.0.0.1:{webPort}");
        grpcHttp = new HttpClient { BaseAddress = new Uri($"http://{GrpcTarget}") };
        Client = new SampleApi(new GrpcClient(grpcHttp));
    }

    /// <summary>host:port of the h2c gRPC endpoint, as grpc-js wants it.</summary>
    public string GrpcTarget { get; }

    /// <summary>The web endpoint (page, health, gRPC-Web).</summary>
    public Uri WebAddress { get; }

    public SampleApi Client { get; }

    public static async Task<WeGoServer> StartAsync(IReadOnlyDictionary<string, string?> settings)
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
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddWeGoAssembly();
        var app = builder.Build();
        await app.StartWeGoAssemblyAsync();
        return new WeGoServer(app, grpcPort, webPort);
    }

    public async ValueTask DisposeAsync()
    {
        grpcHttp.Dispose();
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
