namespace WeGoAssembly.Server.Jobs;

/// <summary>
/// Settings of the grain deadlines (section Reminders of appsettings.json, or WEGO__Reminders__*).
/// The defaults suit production; tests shorten them.
/// </summary>
public sealed record DeadlineOptions
{
    /// <summary>
    /// How late a reminder may fire and still count as on time; one later than this (the server was
    /// down at its due time) is a misfire, and a misfired reminder fires as soon as a server runs, once.
    /// </summary>
    public TimeSpan MisfireThreshold { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How many times a failed delivery (ReceiveReminder threw) is tried again before it is given up and logged.</summary>
    public int RetryAttempts { get; init; } = 10;

    /// <summary>The wait before the first retry; each later wait doubles, up to ten minutes.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many reminders may be delivered at the same time.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>Reads and checks the settings; a bad value stops start-up with a message an operator can act on.</summary>
    public static DeadlineOptions From(IConfiguration config)
    {
        var defaults = new DeadlineOptions();
        var section = config.GetSection("Reminders");
        var options = new DeadlineOptions
        {
            MisfireThreshold = section.GetValue(nameof(MisfireThreshold), defaults.MisfireThreshold),
            RetryAttempts = section.GetValue(nameof(RetryAttempts), defaults.RetryAttempts),
            RetryDelay = section.GetValue(nameof(RetryDelay), defaults.RetryDelay),
            MaxConcurrency = section.GetValue(nameof(MaxConcurrency), defaults.MaxConcurrency),
        };
        var failures = new List<string>();
        if (options.MisfireThreshold < TimeSpan.FromMilliseconds(1))
            failures.Add($"Reminders:MisfireThreshold {options.MisfireThreshold} must be at least a millisecond, such as 00:01:00.");
        if (options.RetryAttempts is < 0 or > 100)
            failures.Add($"Reminders:RetryAttempts {options.RetryAttempts} must be from 0 to 100.");
        if (options.RetryDelay <= TimeSpan.Zero || options.RetryDelay > TimeSpan.FromHours(1))
            failures.Add($"Reminders:RetryDelay {options.RetryDelay} must be positive and at most an hour, such as 00:00:10.");
        if (options.MaxConcurrency is < 1 or > 64)
            failures.Add($"Reminders:MaxConcurrency {options.MaxConcurrency} must be from 1 to 64.");
        return failures.Count == 0 ? options : throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", failures));
    }
}
