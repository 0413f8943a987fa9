using System.Globalization;
using Quartz;
using WeGoAssembly.Runtime;

namespace WeGoAssembly.Server.Jobs;

/// <summary>
/// The reminder table on Quartz.NET's persistent job store: one durable job,
/// <see cref="GrainReminderJob"/>, and one one-shot trigger per reminder, keyed by grain and reminder
/// name (group "grain:&lt;type&gt;/&lt;key&gt;", name = reminder name). A trigger whose time passed while no
/// server ran misfires and fires at once, once; a failed delivery is retried with a growing wait.
/// </summary>
internal sealed class QuartzReminderRegistry(ISchedulerFactory schedulers, ReminderOptions options) : IReminderRegistry
{
    /// <summary>The one job every reminder trigger fires.</summary>
    public static readonly JobKey JobKey = new("grain-reminder", "grain-reminders");

    // Job data on each trigger: which grain and reminder, and when it was due (kept through retries and recovery).
    public const string GrainTypeData = "grain-type", GrainKeyData = "grain-key", ReminderNameData = "reminder-name", DueTimeData = "due-time";

    private readonly SemaphoreSlim jobGate = new(1, 1);
    private volatile bool jobStored;

    public async Task<IGrainReminder> RegisterOrUpdateReminder(GrainId grainId, string reminderName, DateTimeOffset dueTime)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reminderName);
        var scheduler = await SchedulerWithJobAsync();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(KeyOf(grainId, reminderName))
            .ForJob(JobKey)
            .UsingJobData(GrainTypeData, grainId.Type)
            .UsingJobData(GrainKeyData, grainId.Key)
            .UsingJobData(ReminderNameData, reminderName)
            .UsingJobData(DueTimeData, dueTime.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture))
            .StartAt(dueTime)
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .WithRetryPolicy(options.RetryAttempts == 0
                ? RetryPolicy.None
                : RetryPolicy.Exponential(options.RetryAttempts, options.RetryDelay, 2, TimeSpan.FromMinutes(10)))
            .Build();
        // Replace: registering again moves the reminder, also from inside its own ReceiveReminder.
        await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace);
        return new Reminder(reminderName, dueTime);
    }

    public async Task UnregisterReminder(GrainId grainId, IGrainReminder reminder)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        var scheduler = await schedulers.GetScheduler();
        await scheduler.UnscheduleJob(KeyOf(grainId, reminder.ReminderName));
    }

    public async Task<IGrainReminder?> GetReminder(GrainId grainId, string reminderName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reminderName);
        var scheduler = await schedulers.GetScheduler();
        return ToReminder(await scheduler.GetTrigger(KeyOf(grainId, reminderName)));
    }

    public async Task<IReadOnlyList<IGrainReminder>> GetReminders(GrainId grainId)
    {
        var scheduler = await schedulers.GetScheduler();
        var keys = await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(GroupOf(grainId)));
        var reminders = new List<IGrainReminder>();
        foreach (var key in keys.OrderBy(k => k.Name, StringComparer.Ordinal))
        {
            if (ToReminder(await scheduler.GetTrigger(key)) is { } reminder)
                reminders.Add(reminder);
        }
        return reminders;
    }

    public static TriggerKey KeyOf(GrainId grainId, string reminderName) => new(reminderName, GroupOf(grainId));

    // The grain type name has no '/', so "grain:ballot/ga-2023/3" names one grain unambiguously.
    private static string GroupOf(GrainId grainId) => $"grain:{grainId.Type}/{grainId.Key}";

    // A one-shot trigger whose firing has begun has no next fire time: it is delivered, not pending.
    private static Reminder? ToReminder(ITrigger? trigger) =>
        trigger?.NextFireTimeUtc is null
            ? null
            : new Reminder(trigger.Key.Name, DueTimeOf(trigger.JobDataMap) ?? trigger.StartTimeUtc);

    public static DateTimeOffset? DueTimeOf(JobDataMap data) =>
        data.TryGetValue(DueTimeData, out var value) && value is string text &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var due)
            ? due
            : null;

    /// <summary>The scheduler, with the reminder job stored (once per process, replacing what an older version stored).</summary>
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
                var job = JobBuilder.Create<GrainReminderJob>()
                    .WithIdentity(JobKey)
                    .WithDescription("Delivers grain reminders (IRemindable.ReceiveReminder).")
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

    private sealed record Reminder(string ReminderName, DateTimeOffset DueTime) : IGrainReminder;
}
