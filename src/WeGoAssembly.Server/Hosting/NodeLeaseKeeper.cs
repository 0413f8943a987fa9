using System.Data.Common;
using WeGoAssembly.Storage.Postgres;

namespace WeGoAssembly.Server.Hosting;

/// <summary>
/// Makes this node the active one of a hot-standby pair on PostgreSQL, or its standby: at start-up it
/// waits, without listening on any port, until it holds the node lease; then it renews the lease in the
/// background, stops the node as soon as it learns another node took it over (a renewal or a write
/// refused), and releases it when the node stops so that the standby takes over at once. Stopped last
/// of the hosted services (it is registered first), after the grain runtime and the job server.
/// </summary>
public sealed partial class NodeLeaseKeeper(
    NodeLease lease, LeaseOptions options, IHostApplicationLifetime lifetime, ILogger<NodeLeaseKeeper> logger) : IHostedService
{
    private readonly CancellationTokenSource stopping = new();
    private Task renewing = Task.CompletedTask;

    /// <summary>Returns once this node holds the lease, polling every <see cref="LeaseOptions.RenewEvery"/> while another node does.</summary>
    public async Task WaitUntilActiveAsync(CancellationToken ct)
    {
        var waiting = false;
        while (!await TryTakeAsync(ct))
        {
            if (!waiting)
            {
                waiting = true;
                var state = await ReadOrNullAsync(ct);
                Standby(logger, options.NodeId, state?.Holder ?? "another node", state?.Epoch ?? 0, options.RenewEvery);
            }
            await Task.Delay(options.RenewEvery, ct);
        }
        Active(logger, options.NodeId, lease.Epoch, options.Ttl);
        lease.Lost.Register(() =>
        {
            LostLease(logger, options.NodeId, lease.Epoch);
            lifetime.StopApplication();
        });
        renewing = RenewAsync(stopping.Token);
    }

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken ct)
    {
        await stopping.CancelAsync();
        await renewing;
        if (lease.Epoch == 0 || lease.Lost.IsCancellationRequested)
            return;
        try
        {
            await lease.ReleaseAsync(ct);
            Released(logger, options.NodeId, lease.Epoch);
        }
        catch (Exception exception) when (exception is DbException or TimeoutException or OperationCanceledException)
        {
            // The lease then expires by itself after Lease:Ttl.
            ReleaseFailed(logger, exception, options.NodeId);
        }
    }

    private async Task<bool> TryTakeAsync(CancellationToken ct)
    {
        try
        {
            return await lease.TryTakeAsync(options.NodeId, options.Ttl, ct);
        }
        catch (Exception exception) when (exception is DbException or TimeoutException)
        {
            DatabaseUnreachable(logger, exception, options.NodeId);
            return false;
        }
    }

    private async Task<NodeLeaseState?> ReadOrNullAsync(CancellationToken ct)
    {
        try
        {
            return await lease.ReadAsync(ct);
        }
        catch (Exception exception) when (exception is DbException or TimeoutException)
        {
            return null;
        }
    }

    private async Task RenewAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.RenewEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    if (!await lease.RenewAsync(options.Ttl, ct))
                        return;   // Lost: the callback above stops the node.
                }
                catch (Exception exception) when (exception is DbException or TimeoutException)
                {
                    // The database is unreachable: keep trying. Nothing is lost meanwhile: if a standby takes
                    // over, this node's writes are refused by the fence and the next renewal finds out.
                    RenewFailed(logger, exception, options.NodeId);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} is the standby: {Holder} holds the node lease (epoch {Epoch}). Not listening; asking again every {Poll}")]
    private static partial void Standby(ILogger logger, string nodeId, string holder, long epoch, TimeSpan poll);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} holds the node lease (epoch {Epoch}, {Ttl} renewed continuously) and is the active node")]
    private static partial void Active(ILogger logger, string nodeId, long epoch, TimeSpan ttl);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Node {NodeId} lost the node lease (epoch {Epoch}) to another node; its writes are refused. Stopping")]
    private static partial void LostLease(ILogger logger, string nodeId, long epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} released the node lease (epoch {Epoch}); a standby may take over at once")]
    private static partial void Released(ILogger logger, string nodeId, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} could not release the node lease; it expires by itself")]
    private static partial void ReleaseFailed(ILogger logger, Exception exception, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} cannot reach the database to take the node lease; trying again")]
    private static partial void DatabaseUnreachable(ILogger logger, Exception exception, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} could not renew the node lease; trying again")]
    private static partial void RenewFailed(ILogger logger, Exception exception, string nodeId);
}
