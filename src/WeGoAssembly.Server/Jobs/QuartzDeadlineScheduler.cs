using System.Globalization;
using Quartz;
using WeGoAssembly.Grains;

namespace WeGoAssembly.Server.Jobs;

/// <summary>
/// Grain deadlines on Quartz.NET's persistent job store: one durable job, <see cref="GrainDeadlineJob"/>, and one
/// one-shot trigger per deadline, keyed by grain and deadline name (group "grain:&lt;grain id&gt;", name = deadline
/// name). A trigger whose time passed while no server ran misfires and fires at once, once; a failed delivery is
/// retried with a growing wait.
/// </summary>
public sealed class QuartzDeadlineScheduler(ISchedulerFactory schedulers, DeadlineOptions options) : IDeadlineScheduler
{
    /// <summary>The one job every deadline trigger fires.</summary>
    public static readonly JobKey JobKey = new("grain-deadline", "grain-deadlines");

    // Job data on each trigger: which grain and deadline, and when it was due (kept through retries and recovery).
    public const string GrainData = "grain-id", NameData = "deadline-name", DueTimeData = "due-time";

    private readonly SemaphoreSlim jobGate = new(1, 1);
    private volatile bool jobStored;

    public async Task ScheduleAsync(GrainId grain, string name, DateTimeOffset dueTime)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var scheduler = await SchedulerWithJobAsync();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(KeyOf(grain, name))
            .ForJob(JobKey)
            .UsingJobData(GrainData, grain.ToString())
            .UsingJobData(NameData, name)
            .UsingJobData(DueTimeData, dueTime.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture))
            .StartAt(dueTime)
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .WithRetryPolicy(options.RetryAttempts == 0
                ? RetryPolicy.None
                : RetryPolicy.Exponential(options.RetryAttempts, options.RetryDelay, 2, TimeSpan.FromMinutes(10)))
            .Build();
        // Replace: scheduling again moves the deadline, also from inside its own delivery.
        await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace);
    }

    public async Task CancelAsync(GrainId grain, string name)
    {
        var scheduler = await schedulers.GetScheduler();
        await scheduler.UnscheduleJob(KeyOf(grain, name));
    }

    /// <summary>The grain's pending deadlines by name, with when each is due (a one-shot trigger that began firing is delivered, not pending).</summary>
    public async Task<IReadOnlyList<(string Name, DateTimeOffset DueTime)>> PendingAsync(GrainId grain)
    {
        var scheduler = await schedulers.GetScheduler();
        var pending = new List<(string, DateTimeOffset)>();
        foreach (var key in (await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(GroupOf(grain)))).OrderBy(k => k.Name, StringComparer.Ordinal))
        {
            if (await scheduler.GetTrigger(key) is { NextFireTimeUtc: not null } trigger)
                pending.Add((key.Name, DueTimeOf(trigger.JobDataMap) ?? trigger.StartTimeUtc));
        }
        return pending;
    }

    public static TriggerKey KeyOf(GrainId grain, string name) => new(name, GroupOf(grain));

    private static string GroupOf(GrainId grain) => $"grain:{grain}";

    public static DateTimeOffset? DueTimeOf(JobDataMap data) =>
        data.TryGetValue(DueTimeData, out var value) && value is string text &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var due)
            ? due
            : null;

    /// <summary>The scheduler, with the deadline job stored (once per process, replacing what an older version stored).</summary>
    private async Task<IScheduler> SchedulerWithJobAsync()
    {
        var scheduler = await schedulers.GetScheduler();
        if (jobStored)
            return scheduler;
        await jobGate.WaitAsync();
        try
        {
            if (!jobStored)
            {
                var job = JobBuilder.Create<GrainDeadlineJob>()
                    .WithIdentity(JobKey)
                    .WithDescription("Delivers grain deadlines (IHasDeadlines.DeadlineDueAsync).")
                    .StoreDurably()
                    .RequestRecovery()   // a delivery cut short by a crash is made again at the next start
                    .Build();
                await scheduler.AddJob(job, AddJobOptions.Replacing);
                jobStored = true;
            }
        }
        finally
        {
            jobGate.Release();
        }
        return scheduler;
    }
}
