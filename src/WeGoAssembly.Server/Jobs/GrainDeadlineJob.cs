using System.ComponentModel;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Server.Jobs;

/// <summary>
/// The job a deadline schedules: calls <see cref="IHasDeadlines.DeadlineDueAsync"/> on the grain, like any other grain
/// call. The grain compares the due time with its current deadline, so a stale or repeated delivery does nothing;
/// an exception hands the job back to Hangfire, which retries it with a growing wait.
/// </summary>
public sealed partial class GrainDeadlineJob(IGrainFactory grains, TimeProvider clock, ILogger<GrainDeadlineJob> logger)
{
    // Public with plain arguments: Hangfire stores the call (type, method, arguments) and makes it again on any node.
    [DisplayName("Deadline {1} of {0}, due {2}")]
    public async Task DeliverAsync(string grain, string name, DateTimeOffset due, CancellationToken cancellationToken)
    {
        // Hangfire keeps a scheduled job's time in whole seconds and may run it up to a second early: a ballot
        // must not close before its deadline.
        var early = due - clock.GetUtcNow();
        if (early > TimeSpan.Zero)
            await Task.Delay(early, clock, cancellationToken);
        await grains.GetGrain<IHasDeadlines>(GrainId.Parse(grain)).DeadlineDueAsync(name, due).WaitAsync(cancellationToken);
        Delivered(logger, name, grain, due);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivered deadline {Deadline} to grain {Grain}, due {Due}")]
    private static partial void Delivered(ILogger logger, string deadline, string grain, DateTimeOffset due);
}
