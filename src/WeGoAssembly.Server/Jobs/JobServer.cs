using Hangfire;
using Hangfire.Client;
using Hangfire.Common;
using Hangfire.Server;
using Hangfire.States;

namespace WeGoAssembly.Server.Jobs;

/// <summary>
/// This node's Hangfire server, started after the silo and the start-up work and stopped before them, letting running
/// jobs finish. Built from this host's own storage, filters and services rather than Hangfire's process-wide
/// defaults, so that two hosts in one process (as in the tests) never share a job store.
/// </summary>
internal sealed class JobServer(JobStorage storage, IJobFilterProvider filters, JobActivator activator, JobOptions options) : IHostedService, IDisposable
{
    private BackgroundJobServer? server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Hangfire marks this constructor obsolete for 2.0 ("create your own BackgroundJobServer-like type"); in 1.8
        // it is the one that takes this host's services instead of the process-wide JobActivator and filters.
#pragma warning disable CS0618
        server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                WorkerCount = options.WorkerCount,
                SchedulePollingInterval = options.PollInterval,
                ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}",
                ShutdownTimeout = TimeSpan.FromSeconds(15),
                // In order of priority: deadlines and other work first, then documents, then e-mail.
                Queues = ["default", Documents.DocumentJob.Queue, Notifications.MailJob.Queue],
            },
            storage, [], filters, activator,
            new BackgroundJobFactory(filters), new BackgroundJobPerformer(filters, activator), new BackgroundJobStateChanger(filters));
#pragma warning restore CS0618
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Null when it never started or is disposed already (a host whose start failed is stopped after it is disposed).
        if (Volatile.Read(ref server) is not { } running)
            return;
        running.SendStop();
        await running.WaitForShutdownAsync(cancellationToken);
    }

    public void Dispose() => Interlocked.Exchange(ref server, null)?.Dispose();
}
