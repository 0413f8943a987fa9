using Quartz;
using WeGoAssembly.Runtime;

namespace WeGoAssembly.Server.Jobs;

/// <summary>
/// Fired by a reminder's trigger: calls <see cref="IRemindable.ReceiveReminder"/> on the grain named in
/// the trigger's data, through the grain's mailbox like any other call. Throwing hands the firing back
/// to Quartz, which retries it under the trigger's retry policy.
/// </summary>
internal sealed partial class GrainReminderJob(IGrainFactory grains, ILogger<GrainReminderJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var data = context.MergedJobDataMap;
        var grain = new GrainId(
            data.GetString(QuartzReminderRegistry.GrainTypeData) ?? throw MissingData(context, QuartzReminderRegistry.GrainTypeData),
            data.GetString(QuartzReminderRegistry.GrainKeyData) ?? throw MissingData(context, QuartzReminderRegistry.GrainKeyData));
        var name = data.GetString(QuartzReminderRegistry.ReminderNameData) ?? context.Trigger.Key.Name;
        var due = QuartzReminderRegistry.DueTimeOf(data) ?? context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        var status = new TickStatus(due, TimeSpan.Zero, context.FireTimeUtc);

        await grains.GetGrain<IRemindable>(grain).ReceiveReminder(name, status).WaitAsync(cancellationToken);
        Delivered(logger, name, grain.ToString(), due, context.RetryAttempt, context.Recovering);
    }

    private static JobExecutionException MissingData(IJobExecutionContext context, string key) =>
        new($"Reminder trigger {context.Trigger.Key} has no \"{key}\" in its job data.") { UnscheduleFiringTrigger = true };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivered reminder {Reminder} to grain {Grain}, due {Due} (retry {RetryAttempt}, recovering {Recovering})")]
    private static partial void Delivered(ILogger logger, string reminder, string grain, DateTimeOffset due, int retryAttempt, bool recovering);
}
