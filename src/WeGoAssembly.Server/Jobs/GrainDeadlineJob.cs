using Quartz;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Server.Jobs;

/// <summary>
/// Fired by a deadline's trigger: calls <see cref="IHasDeadlines.DeadlineDueAsync"/> on the grain named in the
/// trigger's data, like any other grain call. Throwing hands the firing back to Quartz, which retries it under the
/// trigger's retry policy.
/// </summary>
internal sealed partial class GrainDeadlineJob(IGrainFactory grains, ILogger<GrainDeadlineJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var data = context.MergedJobDataMap;
        var grain = GrainId.Parse(data.GetString(QuartzDeadlineScheduler.GrainData) ?? throw MissingData(context, QuartzDeadlineScheduler.GrainData));
        var name = data.GetString(QuartzDeadlineScheduler.NameData) ?? context.Trigger.Key.Name;
        var due = QuartzDeadlineScheduler.DueTimeOf(data) ?? context.ScheduledFireTimeUtc ?? context.FireTimeUtc;

        await grains.GetGrain<IHasDeadlines>(grain).DeadlineDueAsync(name, due).WaitAsync(cancellationToken);
        Delivered(logger, name, grain.ToString(), due, context.RetryAttempt, context.Recovering);
    }

    private static JobExecutionException MissingData(IJobExecutionContext context, string key) =>
        new($"Deadline trigger {context.Trigger.Key} has no \"{key}\" in its job data.") { UnscheduleFiringTrigger = true };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivered deadline {Deadline} to grain {Grain}, due {Due} (retry {RetryAttempt}, recovering {Recovering})")]
    private static partial void Delivered(ILogger logger, string deadline, string grain, DateTimeOffset due, int retryAttempt, bool recovering);
}
