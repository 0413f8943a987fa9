using System.Net;
using System.Net.Sockets;

namespace WeGoAssembly.Testing;

/// <summary>Connections from a chosen local address, so that the server (or nginx in front of it) sees another client.</summary>
public static class ClientAddress
{
    /// <summary>
    /// A <see cref="SocketsHttpHandler.ConnectCallback"/> that connects from <paramref name="local"/>: any 127.x.y.z
    /// (all of 127/8 is loopback), such as 127.0.0.2.
    /// </summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectFrom(IPAddress local) =>
        async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
