using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// A real SMTP server (the SmtpServer library) on a loopback port in the test process, keeping what it receives.
/// It can be stopped and started again on the same port (the mail server down and back), and told to refuse.
/// </summary>
public sealed class SmtpInbox : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> received = new();
    private readonly SemaphoreSlim arrived = new(0);
    private SmtpServer.SmtpServer? server;
    private CancellationTokenSource? running;

    public int Port { get; } = FreePort();

    /// <summary>When set, every message is refused with this reply (for example 550).</summary>
    public SmtpResponse? Refusal { get; set; }

    public IReadOnlyCollection<MimeMessage> Received => received;

    public bool IsRunning => server is not null;

    /// <summary>Settings that point the host's mail at this server.</summary>
    public IReadOnlyDictionary<string, string?> MailSettings(Uri site) => new Dictionary<string, string?>
    {
        ["Mail:Host"] = "127.0.0.1",
        ["Mail:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mail:Security"] = "None",
        ["Mail:Sender"] = "WeGO General Assembly <ga@wego.test>",
        ["Mail:SiteUrl"] = site.ToString().TrimEnd('/'),
        ["Mail:Timeout"] = "00:00:05",
    };

    public async Task StartAsync()
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("inbox.wego.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        server = new SmtpServer.SmtpServer(options, services);
        running = new CancellationTokenSource();
        _ = server.StartAsync(running.Token);
        // Listening once a connection is accepted.
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException($"The test SMTP server did not listen on port {Port}.");
    }

    public async Task StopAsync()
    {
        if (server is null)
            return;
        server.Shutdown();
        running!.Cancel();
        await server.ShutdownTask.WaitAsync(TimeSpan.FromSeconds(10));
        running.Dispose();
        server = null;
    }

    /// <summary>The first message received for <paramref name="address"/>, waiting up to <paramref name="patience"/>.</summary>
    public async Task<MimeMessage> ForAsync(string address, TimeSpan patience)
    {
        var until = DateTime.UtcNow + patience;
        while (true)
        {
            if (received.FirstOrDefault(m => m.To.Mailboxes.Any(b => b.Address == address)) is { } message)
                return message;
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"No e-mail for {address} within {patience.TotalSeconds:0} s; received: " +
                    string.Join(", ", received.Select(m => $"{m.To} \"{m.Subject}\"")));
            await arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public int CountFor(string address) => received.Count(m => m.To.Mailboxes.Any(b => b.Address == address));

    public async ValueTask DisposeAsync() => await StopAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Store(SmtpInbox inbox) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            if (inbox.Refusal is { } refusal)
                return refusal;
            using var stream = new MemoryStream(buffer.ToArray());
            inbox.received.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            inbox.arrived.Release();
            return SmtpResponse.Ok;
        }
    }
}
