using System.Net;
using System.Net.Sockets;

namespace WeGoAssembly.Web.Tests.Browser;

/// <summary>
/// A TCP relay between the browser and the web port that can be cut and restored: a real network drop, as a delegate's
/// phone sees when the hall Wi-Fi goes away. While cut, every open connection is closed and new ones are refused.
/// </summary>
public sealed class CuttableLink : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly List<Socket> open = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    private volatile bool cut;

    public CuttableLink(Uri target)
    {
        this.target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        accepting = AcceptAsync();
    }

    /// <summary>The address the browser uses instead of the server's.</summary>
    public Uri Address { get; }

    public void Cut()
    {
        cut = true;
        lock (open)
        {
            foreach (var socket in open)
                socket.Dispose();
            open.Clear();
        }
    }

    public void Restore() => cut = false;

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (cut)
            {
                client.Dispose();
                continue;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(target, stop.Token);
            lock (open)
            {
                open.Add(client);
                open.Add(server);
            }

            // Either direction ending (or the cut) ends both.
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            lock (open)
            {
                open.Remove(client);
                open.Remove(server);
            }

            client.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, stop.Token)) > 0)
                await to.SendAsync(buffer.AsMemory(0, read), stop.Token);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        Cut();
        await accepting;
        stop.Dispose();
    }
}
