using Hangfire;
using Hangfire.States;
using WeGoAssembly.Grains;

namespace WeGoAssembly.Server.Jobs;

/// <summary>
/// Grain deadlines as Hangfire scheduled jobs (<see cref="GrainDeadlineJob"/>). Hangfire has no named jobs, so the
/// grain's hash "deadline:&lt;grain id&gt;" in the job storage maps each deadline name to its job: scheduling again
/// deletes the job it replaces (moving the deadline), cancelling deletes it. A job whose time passed while no server
/// ran is run at the next start, once.
/// </summary>
public sealed class HangfireDeadlineScheduler(JobStorage storage, IBackgroundJobClient jobs) : IDeadlineScheduler
{
    // Hangfire's client and storage calls block on the database: run them off the grain's scheduler thread.
    public Task ScheduleAsync(GrainId grain, string name, DateTimeOffset dueTime)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Task.Run(() =>
        {
            var id = grain.ToString();
            var job = jobs.Schedule<GrainDeadlineJob>(j => j.DeliverAsync(id, name, dueTime, CancellationToken.None), dueTime);
            Replace(grain, name, job);
        });
    }

    public Task CancelAsync(GrainId grain, string name) => Task.Run(() => Replace(grain, name, ""));

    /// <summary>The grain's pending deadlines by name, with when each is due (a job that has started is not pending).</summary>
    public Task<IReadOnlyList<(string Name, DateTimeOffset DueTime)>> PendingAsync(GrainId grain) => Task.Run(() =>
    {
        using var connection = storage.GetConnection();
        var pending = new List<(string, DateTimeOffset)>();
        foreach (var (name, job) in (connection.GetAllEntriesFromHash(KeyOf(grain)) ?? []).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (job.Length > 0 && IsWaiting(connection.GetStateData(job)?.Name) && connection.GetJobData(job)?.Job?.Args is [_, _, DateTimeOffset due, ..])
                pending.Add((name, due));
        }
        return (IReadOnlyList<(string, DateTimeOffset)>)pending;
    });

    /// <summary>Points the deadline at <paramref name="job"/> ("" for none) and deletes the job it pointed at, unless that one already started.</summary>
    private void Replace(GrainId grain, string name, string job)
    {
        using var connection = storage.GetConnection();
        var entries = connection.GetAllEntriesFromHash(KeyOf(grain));
        using (var transaction = connection.CreateWriteTransaction())
        {
            transaction.SetRangeInHash(KeyOf(grain), [new(name, job)]);
            transaction.Commit();
        }
        if (entries is not null && entries.TryGetValue(name, out var old) && old.Length > 0 && old != job)
        {
            // Only from a waiting state: a delivery under way (this call may come from inside it) finishes as it is.
            if (!jobs.ChangeState(old, new DeletedState(), ScheduledState.StateName))
                jobs.ChangeState(old, new DeletedState(), EnqueuedState.StateName);
        }
    }

    private static bool IsWaiting(string? state) => state == ScheduledState.StateName || state == EnqueuedState.StateName;

    private static string KeyOf(GrainId grain) => $"deadline:{grain}";
}
