using System.ComponentModel;
using Hangfire;
using WeGoAssembly.Storage.Notifications;

namespace WeGoAssembly.Server.Notifications;

/// <summary>
/// Once a minute (a Hangfire recurring job): hands every message still queued after ten minutes to a new
/// <see cref="MailJob"/>, so that a message whose job was lost (the process died between queueing it and handing it
/// to Hangfire) still goes. A message already being sent, or sent meanwhile, is not sent twice: MailJob runs one at a
/// time per message and checks its status first.
/// </summary>
public sealed class MailSweepJob(NotificationLog log, IBackgroundJobClient jobs, MailOptions mail, TimeProvider clock)
{
    public const string Id = "mail-sweep";
    // Long enough that a message merely waiting its turn in a burst is not handed out again (that would only cost a job).
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    [DisplayName("Queued e-mails without a job")]
    [DisableConcurrentExecution("wego:mail-sweep", 60)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!mail.Enabled)
            return;
        foreach (var id in await log.WaitingSinceAsync(clock.GetUtcNow() - Patience, 500, cancellationToken))
            jobs.Enqueue<MailJob>(j => j.SendAsync(id, CancellationToken.None));
    }
}
