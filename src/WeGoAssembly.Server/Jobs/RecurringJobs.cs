using Hangfire;
using WeGoAssembly.Server.Documents;
using WeGoAssembly.Server.Notifications;

namespace WeGoAssembly.Server.Jobs;

/// <summary>
/// Registers the recurring jobs at start (every node does; Hangfire keeps one of each): the e-mail sweep every minute
/// (<see cref="MailSweepJob"/>) and the passport retention every night (<see cref="PassportRetentionJob"/>). It runs
/// beside start-up rather than in it: registering takes each job's lock, and a node killed while holding that lock
/// leaves it behind until it counts as abandoned (<see cref="JobOptions.AbandonedLockAfter"/>). The jobs stay
/// registered from the last run meanwhile, so waiting must not keep this node from serving.
/// </summary>
internal sealed partial class RecurringJobs(IRecurringJobManager recurring, ILogger<RecurringJobs> logger) : BackgroundService
{
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (true)
        {
            try
            {
                recurring.AddOrUpdate<MailSweepJob>(MailSweepJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Minutely());
                recurring.AddOrUpdate<PassportRetentionJob>(PassportRetentionJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Daily(3));
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                NotRegistered(logger, Pause.TotalSeconds, e);
            }
            await Task.Delay(Pause, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not register the recurring jobs yet (a node that died may still hold a lock); trying again in {Seconds} s")]
    private static partial void NotRegistered(ILogger logger, double seconds, Exception exception);
}
