namespace WeGoAssembly.Server.Jobs;

/// <summary>
/// Settings of the background jobs (section Jobs of appsettings.json, or WEGO__Jobs__*).
/// The defaults suit production; tests shorten them.
/// </summary>
public sealed record JobOptions
{
    /// <summary>
    /// How often a node looks for scheduled jobs that came due (a ballot's deadline, a cut-off) and, on SQLite, for
    /// queued ones: the longest a due job waits. PostgreSQL is told of queued jobs at once (LISTEN/NOTIFY).
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many times a failed job is tried again before it is marked failed (and shown so on /jobs).</summary>
    public int RetryAttempts { get; init; } = 10;

    /// <summary>The wait before the first retry; each later wait doubles, up to ten minutes (whole seconds, at least one).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many jobs one node runs at the same time.</summary>
    public int WorkerCount { get; init; } = 4;

    /// <summary>
    /// A job fetched by a node that then died is run again by another after this long (on PostgreSQL a running
    /// job keeps extending it, so it bounds only the wait after a crash).
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A lock left by a node that died (one e-mail's send, the sweep, a recurring job's registration, Hangfire's own
    /// scheduler) is taken over after this long; Hangfire.PostgreSql's default, ten minutes, would hold deadlines back
    /// that long. It does not renew a lock that is held, so this must exceed the longest a job holds one: the host
    /// sets it from <c>Mail:Timeout</c>, the bound of one send.
    /// </summary>
    public TimeSpan AbandonedLockAfter { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The wait before retry <paramref name="attempt"/> (1 = the first retry), in whole seconds.</summary>
    public int RetryDelaySeconds(long attempt) =>
        (int)Math.Ceiling(Math.Min(600, RetryDelay.TotalSeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30))));

    /// <summary>Reads and checks the settings; a bad value stops start-up with a message an operator can act on.</summary>
    public static JobOptions From(IConfiguration config)
    {
        var defaults = new JobOptions();
        var section = config.GetSection("Jobs");
        var options = new JobOptions
        {
            PollInterval = section.GetValue(nameof(PollInterval), defaults.PollInterval),
            RetryAttempts = section.GetValue(nameof(RetryAttempts), defaults.RetryAttempts),
            RetryDelay = section.GetValue(nameof(RetryDelay), defaults.RetryDelay),
            WorkerCount = section.GetValue(nameof(WorkerCount), defaults.WorkerCount),
            InvisibilityTimeout = section.GetValue(nameof(InvisibilityTimeout), defaults.InvisibilityTimeout),
        };
        var failures = new List<string>();
        if (options.PollInterval < TimeSpan.FromMilliseconds(50) || options.PollInterval > TimeSpan.FromMinutes(5))
            failures.Add($"Jobs:PollInterval {options.PollInterval} must be from 50 ms to 5 minutes, such as 00:00:01.");
        if (options.RetryAttempts is < 0 or > 100)
            failures.Add($"Jobs:RetryAttempts {options.RetryAttempts} must be from 0 to 100.");
        if (options.RetryDelay <= TimeSpan.Zero || options.RetryDelay > TimeSpan.FromHours(1))
            failures.Add($"Jobs:RetryDelay {options.RetryDelay} must be positive and at most an hour, such as 00:00:10.");
        if (options.WorkerCount is < 1 or > 64)
            failures.Add($"Jobs:WorkerCount {options.WorkerCount} must be from 1 to 64.");
        if (options.InvisibilityTimeout < TimeSpan.FromMinutes(1) || options.InvisibilityTimeout > TimeSpan.FromHours(24))
            failures.Add($"Jobs:InvisibilityTimeout {options.InvisibilityTimeout} must be from a minute to a day, such as 00:05:00.");
        return failures.Count == 0 ? options : throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", failures));
    }
}
