using Xunit;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;

namespace WeGoAssembly.Testing;

/// <summary>
/// nginx from the machine's package running deploy/nginx/wegoassembly.conf itself — only its ports, node
/// addresses and certificate paths replaced — in a temporary prefix, with a throwaway self-signed certificate
/// for 127.0.0.1 and localhost, in front of one to three nodes. Its access log names the node each request went to.
/// </summary>
public sealed class NginxFront : IAsyncDisposable
{
    private readonly string directory;
    private readonly Process nginx;
    private readonly X509Certificate2 certificate;

    private NginxFront(string directory, Process nginx, X509Certificate2 certificate, int httpsPort, int httpPort)
    {
        this.directory = directory;
        this.nginx = nginx;
        this.certificate = certificate;
        HttpsAddress = new Uri($"https://127.0.0.1:{httpsPort}");
        HttpAddress = new Uri($"http://127.0.0.1:{httpPort}");
    }

    /// <summary>The TLS (HTTP/2) listener.</summary>
    public Uri HttpsAddress { get; }

    /// <summary>The plain HTTP listener, which only redirects.</summary>
    public Uri HttpAddress { get; }

    /// <summary>host:port of the TLS listener, as grpc-js wants it.</summary>
    public string GrpcTarget => HttpsAddress.Authority;

    /// <summary>The certificate nginx presents, as a PEM file, for clients to trust.</summary>
    public string CertificatePath => Path.Combine(directory, "cert.pem");

    /// <summary>A node's two ports: gRPC (h2c) and web.</summary>
    public readonly record struct NodePorts(int Grpc, int Web)
    {
        public static NodePorts Of(ServerProcess server) => new(server.GrpcAddress.Port, server.WebAddress.Port);
    }

    /// <summary>The node ports of deploy/nginx/wegoassembly.conf, in its order: web and gRPC of each of its three nodes.</summary>
    private static readonly NodePorts[] ExampleNodes = [new(5081, 5080), new(5083, 5082), new(5085, 5084)];

    public static Task<NginxFront> StartAsync(params NodePorts[] nodes) => StartAsync(RepositoryFiles.PathOf("deploy", "nginx", "wegoassembly.conf"), nodes);

    /// <summary>nginx with <paramref name="siteFile"/> (deploy/nginx/wegoassembly.conf, or the copy an install made of it).</summary>
    public static async Task<NginxFront> StartAsync(string siteFile, params NodePorts[] nodes)
    {
        Assert.InRange(nodes.Length, 1, ExampleNodes.Length);
        var directory = Directory.CreateTempSubdirectory("wego-nginx-").FullName;
        // nginx's workers run as an unprivileged user when the tests run as root; they use the temp folders.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        var (httpsPort, httpPort) = (FreePort(), FreePort());
        var certificate = WriteCertificate(directory);

        var site = File.ReadAllText(siteFile);
        (string Production, string Test)[] replacements =
        [
            ("listen 80;", $"listen 127.0.0.1:{httpPort};"),
            ("listen [::]:80;", ""),
            ("listen 443 ssl http2;", $"listen 127.0.0.1:{httpsPort} ssl http2;"),
            ("listen [::]:443 ssl http2;", ""),
            // Each example node is this test's node, or gone when the test has fewer.
            .. ExampleNodes.Index().SelectMany(example => new (string, string)[]
            {
                ($"    server 127.0.0.1:{example.Item.Grpc} ", example.Index < nodes.Length ? $"    server 127.0.0.1:{nodes[example.Index].Grpc} " : "    # server 127.0.0.1:1 "),
                ($"    server 127.0.0.1:{example.Item.Web} ", example.Index < nodes.Length ? $"    server 127.0.0.1:{nodes[example.Index].Web} " : "    # server 127.0.0.1:2 "),
            }),
            ("/etc/letsencrypt/live/assembly.example.org/fullchain.pem", Path.Combine(directory, "cert.pem")),
            ("/etc/letsencrypt/live/assembly.example.org/privkey.pem", Path.Combine(directory, "key.pem")),
        ];
        foreach (var (production, test) in replacements)
        {
            var parts = site.Split(production);
            Assert.True(parts.Length == 2,
                $"deploy/nginx/wegoassembly.conf should have \"{production}\" exactly once (it has it {parts.Length - 1} times); NginxFront replaces it for the test.");
            site = string.Join(test, parts);
        }
        File.WriteAllText(Path.Combine(directory, "wegoassembly.conf"), site);
        var config = Path.Combine(directory, "nginx.conf");
        File.WriteAllText(config, $$"""
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log notice;
            events { worker_connections 1024; }
            http {
                log_format upstream '$request_uri $status $upstream_addr';
                access_log {{directory}}/access.log upstream;
                client_body_temp_path {{directory}}/client_body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                include {{directory}}/wegoassembly.conf;
            }
            """);

        string[] arguments = ["-p", directory + "/", "-c", config, "-e", Path.Combine(directory, "error.log")];
        var check = await ToolRun.RunAsync(Nginx, [.. arguments, "-t"]);
        Assert.True(check.ExitCode == 0, $"nginx -t refused the configuration made from deploy/nginx/wegoassembly.conf: {check}\n{site}");

        var process = Process.Start(new ProcessStartInfo(Nginx, [.. arguments, "-g", "daemon off;"]))!;
        var front = new NginxFront(directory, process, certificate, httpsPort, httpPort);
        try
        {
            await front.WaitUntilListeningAsync(httpsPort);
            return front;
        }
        catch
        {
            await front.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// An HTTP client that trusts only this nginx's certificate and, when <paramref name="from"/> is given,
    /// connects from that local address (127.0.0.2, ...) so that nginx sees another client.
    /// </summary>
    public HttpClient HttpClient(IPAddress? from = null) => new(Handler(from)) { BaseAddress = HttpsAddress, Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The handler of <see cref="HttpClient"/>, also for a WebSocket.</summary>
    public SocketsHttpHandler Handler(IPAddress? from = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(certificate.RawData) },
        };
        if (from is not null)
            handler.ConnectCallback = ClientAddress.ConnectFrom(from);
        return handler;
    }

    /// <summary>The node (its address) each request so far went to, by path: "/wego.assembly.v1.X/Y 200 127.0.0.1:5081" per line.</summary>
    public string AccessLog => File.Exists(Path.Combine(directory, "access.log")) ? File.ReadAllText(Path.Combine(directory, "access.log")) : "";

    /// <summary>nginx's own log, to show in a failed assertion.</summary>
    public string ErrorLog => File.Exists(Path.Combine(directory, "error.log")) ? File.ReadAllText(Path.Combine(directory, "error.log")) : "";

    public async ValueTask DisposeAsync()
    {
        if (!nginx.HasExited)
            nginx.Kill(entireProcessTree: true);
        await nginx.WaitForExitAsync();
        nginx.Dispose();
        certificate.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private static string Nginx =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nginx is not installed: `apt-get install nginx` (tests/run.sh installs it).");

    private static X509Certificate2 WriteCertificate(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(directory, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        return certificate;
    }

    private async Task WaitUntilListeningAsync(int port)
    {
        // nginx has no readiness signal in the foreground; it listens within moments of starting.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (nginx.HasExited)
                throw new InvalidOperationException($"nginx exited with {nginx.ExitCode}: {ErrorLog}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
