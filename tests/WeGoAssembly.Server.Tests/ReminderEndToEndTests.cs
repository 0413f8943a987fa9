using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Grains;
using WeGoAssembly.Server.Jobs;
using WeGoAssembly.Storage;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// Grain deadlines as Hangfire jobs, through the real host and its Orleans silo: a deadline fires at its due time,
/// one due while the server is down fires once after the restart, a cancelled one never fires, a moved one fires
/// once at its new time, a failed delivery is retried; Hangfire's store is the engine's (the "hangfire" schema on
/// PostgreSQL, a file beside the grains' on SQLite) and Quartz's tables are gone. One database engine per subclass.
/// </summary>
public abstract class ReminderEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly string grainKey = Guid.NewGuid().ToString("N");
    private IReadOnlyDictionary<string, string?> settings = null!;
    private WeGoServer server = null!;

    /// <summary>Settings that point the host at a fresh, empty database.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        settings = new Dictionary<string, string?>(await FreshDatabaseAsync())
        {
            ["Seed:SampleData"] = "false",
            ["Jobs:PollInterval"] = PollInterval.ToString(),
            ["Jobs:RetryDelay"] = "00:00:00.200",
        };
        server = await StartAsync();
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    private Task<WeGoServer> StartAsync() =>
        WeGoServer.StartAsync(settings);

    private IReminderProbeGrain Grain => server.Services.GetRequiredService<IGrainFactory>().GetGrain<IReminderProbeGrain>(grainKey);

    [Fact]
    public async Task A_reminder_fires_at_its_due_time_and_is_then_no_longer_pending()
    {
        var due = DateTimeOffset.UtcNow.AddMilliseconds(300);
        var fired = ReminderProbe.Next(grainKey, "deadline");

        await Grain.Remind("deadline", due);

        var tick = await fired.WaitAsync(Patience);
        Assert.Equal(due, tick.Due);
        Assert.True(tick.FiredAt >= due.AddMilliseconds(-20), $"fired at {tick.FiredAt:O}, before its due time {due:O}");
        Assert.Empty(await Grain.Pending());
        Assert.Equal(1, ReminderProbe.Count(grainKey, "deadline"));
    }

    [Fact]
    public async Task A_reminder_due_while_the_server_is_down_fires_once_as_soon_as_it_is_back()
    {
        var due = DateTimeOffset.UtcNow.AddSeconds(3);
        var fired = ReminderProbe.Next(grainKey, "cut-off");
        await Grain.Remind("cut-off", due);

        await server.DisposeAsync();
        Assert.False(fired.IsCompleted, "the reminder fired before the server stopped; give it a later due time");
        // Stay down until the due time is well past.
        var downUntil = due + TimeSpan.FromSeconds(1);
        if (downUntil > DateTimeOffset.UtcNow)
            await Task.Delay(downUntil - DateTimeOffset.UtcNow);
        Assert.False(fired.IsCompleted);
        var restartedAt = DateTimeOffset.UtcNow;
        server = await StartAsync();

        var tick = await fired.WaitAsync(Patience);
        Assert.Equal(due, tick.Due);
        Assert.True(tick.FiredAt >= restartedAt, $"fired at {tick.FiredAt:O}, before the restart at {restartedAt:O}");
        Assert.Empty(await Grain.Pending());

        // A graceful stop waits for the delivery to complete, which marks the job succeeded: after another restart,
        // and several polls of the job store, nothing has fired a second time.
        await server.DisposeAsync();
        server = await StartAsync();
        await Task.Delay(PollInterval * 10);
        Assert.Equal(1, ReminderProbe.Count(grainKey, "cut-off"));
    }

    [Fact]
    public async Task A_cancelled_reminder_does_not_fire()
    {
        var now = DateTimeOffset.UtcNow;
        var kept = ReminderProbe.Next(grainKey, "kept");
        await Grain.Remind("cancelled", now.AddSeconds(1));
        await Grain.Remind("kept", now.AddSeconds(2));
        Assert.Equal([("cancelled", now.AddSeconds(1)), ("kept", now.AddSeconds(2))], await Grain.Pending());

        await Grain.Forget("cancelled");
        Assert.Equal([("kept", now.AddSeconds(2))], await Grain.Pending());

        // The kept reminder was due after the cancelled one: once it has fired, the other would have too.
        await kept.WaitAsync(Patience);
        Assert.Equal(0, ReminderProbe.Count(grainKey, "cancelled"));
    }

    [Fact]
    public async Task Registering_again_moves_the_reminder_also_from_inside_its_own_delivery()
    {
        var first = ReminderProbe.Next(grainKey, "snooze");
        await Grain.Remind("snooze", DateTimeOffset.UtcNow.AddDays(1));
        // Moved, not a second reminder; two seconds on, so that it is still pending when looked at on a loaded machine
        // (a full run here once saw one due in 200 ms fire before the look).
        await Grain.Remind("snooze", DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.Single(await Grain.Pending());

        await first.WaitAsync(Patience);
        // ReminderProbeGrain registers "snooze" once more from ReceiveReminder, 200 ms on.
        var second = ReminderProbe.Next(grainKey, "snooze");
        await second.WaitAsync(Patience);

        Assert.Equal(2, ReminderProbe.Count(grainKey, "snooze"));
        Assert.Empty(await Grain.Pending());
    }

    [Fact]
    public async Task A_delivery_that_throws_is_retried()
    {
        var due = DateTimeOffset.UtcNow.AddMilliseconds(200);
        var delivered = ReminderProbe.Next(grainKey, "flaky");   // ReminderProbeGrain throws on the first delivery of "flaky"

        await Grain.Remind("flaky", due);

        var tick = await delivered.WaitAsync(Patience);
        Assert.Equal(due, tick.Due);
        Assert.Equal(2, ReminderProbe.Attempts(grainKey, "flaky"));
        Assert.Equal(1, ReminderProbe.Count(grainKey, "flaky"));
    }

    [Fact]
    public async Task Jobs_are_stored_by_the_engine_and_quartz_tables_are_gone()
    {
        var storage = server.Services.GetRequiredService<JobStorage>();
        var postgres = server.Services.GetRequiredService<StorageInfo>().Provider == StorageProvider.Postgres;
        Assert.IsType(postgres ? typeof(PostgreSqlStorage) : typeof(SQLiteStorage), storage);
        Assert.Contains(storage.GetMonitoringApi().Servers(), s => s.WorkersCount > 0);
        using (var connection = storage.GetConnection())
            Assert.Contains(Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection), j => j.Id == "mail-sweep" && j.Cron == "* * * * *");
        Assert.Empty(await TablesLikeAsync("qrtz%"));
        if (postgres)
            Assert.Contains("job", await ScalarsAsync("SELECT table_name FROM information_schema.tables WHERE table_schema = 'hangfire'"));
        else
            Assert.True(File.Exists(settings["Storage:SqlitePath"]!.Replace(".db", ".jobs.db")), "Hangfire's SQLite file is not beside the grains' file");
    }

    private async Task<List<string>> TablesLikeAsync(string pattern) =>
        await ScalarsAsync(server.Services.GetRequiredService<StorageInfo>().Provider == StorageProvider.Postgres
            ? $"SELECT table_name FROM information_schema.tables WHERE table_name LIKE '{pattern}'"
            : $"SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '{pattern}'");

    private async Task<List<string>> ScalarsAsync(string sql)
    {
        await using var connection = await server.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
            values.Add(reader.GetString(0));
        return values;
    }
}

public sealed class SqliteReminderEndToEndTests : ReminderEndToEndTests
{
    private readonly TempSqliteFile file = new();

    protected override Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path });

    protected override Task CleanUpAsync()
    {
        file.Dispose();
        return Task.CompletedTask;
    }
}

[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresReminderEndToEndTests(PostgresCluster cluster) : ReminderEndToEndTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}

/// <summary>A grain that only keeps deadlines, for the tests above.</summary>
public interface IReminderProbeGrain : IHasDeadlines
{
    Task Remind(string reminderName, DateTimeOffset dueTime);

    Task Forget(string reminderName);

    /// <summary>The pending reminders, as (name, due time).</summary>
    Task<IReadOnlyList<(string Name, DateTimeOffset DueTime)>> Pending();
}

/// <summary>
/// Reports every delivery to <see cref="ReminderProbe"/>. Throws on the first delivery of "flaky";
/// registers "snooze" again, 200 ms on, from its first delivery.
/// </summary>
public sealed class ReminderProbeGrain(IDeadlineScheduler deadlines, Jobs.HangfireDeadlineScheduler jobs) : Grain, IReminderProbeGrain
{
    public Task Remind(string reminderName, DateTimeOffset dueTime) => deadlines.ScheduleAsync(this.GetGrainId(), reminderName, dueTime);

    public Task Forget(string reminderName) => deadlines.CancelAsync(this.GetGrainId(), reminderName);

    public Task<IReadOnlyList<(string Name, DateTimeOffset DueTime)>> Pending() => jobs.PendingAsync(this.GetGrainId());

    public async Task DeadlineDueAsync(string name, DateTimeOffset dueTime)
    {
        var key = this.GetPrimaryKeyString();
        var attempt = ReminderProbe.Attempt(key, name);
        if (name == "flaky" && attempt == 1)
            throw new InvalidOperationException("The first delivery of \"flaky\" fails, to be retried.");
        if (name == "snooze" && ReminderProbe.Count(key, name) == 0)
            await deadlines.ScheduleAsync(this.GetGrainId(), name, DateTimeOffset.UtcNow.AddMilliseconds(200));
        ReminderProbe.Delivered(key, name, new Tick(dueTime, DateTimeOffset.UtcNow));
    }
}

/// <summary>One delivery of a deadline: when it was due and when it was delivered.</summary>
public sealed record Tick(DateTimeOffset Due, DateTimeOffset FiredAt);

/// <summary>What <see cref="ReminderProbeGrain"/>s received, by grain key and reminder name; tests wait on <see cref="Next"/>.</summary>
public static class ReminderProbe
{
    private static readonly ConcurrentDictionary<(string, string), Slot> Slots = new();

    /// <summary>Completes with the next delivery of the reminder after this call.</summary>
    public static Task<Tick> Next(string grainKey, string reminderName)
    {
        var slot = Slots.GetOrAdd((grainKey, reminderName), _ => new Slot());
        lock (slot)
        {
            slot.Waiter = new TaskCompletionSource<Tick>(TaskCreationOptions.RunContinuationsAsynchronously);
            return slot.Waiter.Task;
        }
    }

    /// <summary>Deliveries that completed.</summary>
    public static int Count(string grainKey, string reminderName) =>
        Slots.TryGetValue((grainKey, reminderName), out var slot) ? Volatile.Read(ref slot.Delivered) : 0;

    /// <summary>Deliveries attempted, failed ones included.</summary>
    public static int Attempts(string grainKey, string reminderName) =>
        Slots.TryGetValue((grainKey, reminderName), out var slot) ? Volatile.Read(ref slot.Attempted) : 0;

    internal static int Attempt(string grainKey, string reminderName) =>
        Interlocked.Increment(ref Slots.GetOrAdd((grainKey, reminderName), _ => new Slot()).Attempted);

    internal static void Delivered(string grainKey, string reminderName, Tick status)
    {
        var slot = Slots.GetOrAdd((grainKey, reminderName), _ => new Slot());
        lock (slot)
        {
            slot.Delivered++;
            var waiter = slot.Waiter;
            slot.Waiter = null;
            waiter?.TrySetResult(status);
        }
    }

    private sealed class Slot
    {
        public int Attempted;
        public int Delivered;
        public TaskCompletionSource<Tick>? Waiter;
    }
}
