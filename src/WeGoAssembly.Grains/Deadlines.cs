namespace WeGoAssembly.Grains;

/// <summary>
/// Schedules the one-off deadlines of grains (a ballot's closing time, a preference cut-off) in the persistent job
/// store, which calls <see cref="Contracts.Records.IHasDeadlines.DeadlineDueAsync"/> when one is due — also when it
/// passed while no server ran. Orleans reminders are not used: they repeat, with a one-minute minimum period.
/// </summary>
public interface IDeadlineScheduler
{
    /// <summary>Schedules the grain's deadline <paramref name="name"/> at <paramref name="dueTime"/>, or moves it there.</summary>
    Task ScheduleAsync(GrainId grain, string name, DateTimeOffset dueTime);

    /// <summary>Removes the deadline; nothing happens if it has fired or was removed.</summary>
    Task CancelAsync(GrainId grain, string name);
}
