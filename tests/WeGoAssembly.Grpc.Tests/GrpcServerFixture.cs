using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WeGoAssembly.Grpc.Tests;

/// <summary>One real Kestrel for every wire test: an h2c (HTTP/2-only) endpoint and a TLS endpoint (HTTP/1.1 and h2 by ALPN).</summary>
public sealed class GrpcServerFixture : IAsyncLifetime
{
    private WebApplication? app;

    public EchoProbe Probe { get; } = new();

    public LogCapture Logs { get; } = new();

    public Uri H2cAddress { get; private set; } = null!;

    public Uri TlsAddress { get; private set; } = null!;

    /// <summary>HTTP/2 with prior knowledge, no fallback: what gRPC clients speak to a plaintext port.</summary>
    public HttpClient H2c { get; private set; } = null!;

    /// <summary>TLS, trusting the test's self-signed certificate; HTTP/2 unless a request asks for 1.1.</summary>
    public HttpClient Tls { get; private set; } = null!;

    public GrpcClient Client => new(H2c);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var certificate = CreateSelfSignedCertificate();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificate);
            });
        });
        builder.Logging.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton(Probe);
        builder.Services
            .AddGrpcWire(options => options.ExceptionMappers.Add(
                ex => ex is DomainRuleException ? new Status(StatusCode.FailedPrecondition, ex.Message) : null))
            .AddService<EchoService>();

        app = builder.Build();

        // Lets client tests see how GrpcClient maps a non-200 answer from something that is not a gRPC server.
        app.Use((context, next) => context.Request.Path.StartsWithSegments("/http-status", out var rest)
            ? Answer(context, int.Parse(rest.Value!.Trim('/').Split('/')[0]))
            : next(context));
        app.UseGrpcWire();
        app.Run(context => context.Response.WriteAsync("not a gRPC request"));
        await app.StartAsync();

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        H2cAddress = new Uri(addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal)));
        TlsAddress = new Uri(addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal)));
        H2c = CreateClient(H2cAddress);
        Tls = CreateClient(TlsAddress);
    }

    public static HttpClient CreateClient(Uri address) => new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    })
    {
        BaseAddress = address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task DisposeAsync()
    {
        H2c?.Dispose();
        Tls?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        // Only the crash test should have made the server (or Kestrel under it) log a warning or an error.
        var unexpected = Logs.Entries.Where(e => e.Level >= LogLevel.Warning && !e.Message.Contains("EchoService/Throw", StringComparison.Ordinal)).ToList();
        if (unexpected.Count > 0)
        {
            throw new InvalidOperationException(
                "The server logged unexpected problems:\n" + string.Join("\n", unexpected.Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception}")));
        }
    }

    private static Task Answer(HttpContext context, int statusCode)
    {
        context.Response.StatusCode = statusCode;
        return Task.CompletedTask;
    }

    private static X509Certificate2 CreateSelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // A round trip through PKCS#12 gives Kestrel a certificate whose private key it can use for TLS.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), password: null);
    }
}

/// <summary>All wire tests share one server.</summary>
[CollectionDefinition(Name)]
public sealed class GrpcServerCollection : ICollectionFixture<GrpcServerFixture>
{
    public const string Name = "gRPC server";
}

/// <summary>Keeps what the server logged, so tests can check that failures are logged, or that they are not.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture.Entries.Enqueue(new LogEntry(logLevel, category, formatter(state, exception), exception));
    }
}

/// <summary>One captured log line.</summary>
public sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception);
