using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using Npgsql;
using WeGoAssembly.Grains;
using WeGoAssembly.Storage;

namespace WeGoAssembly.Server.Jobs;

/// <summary>Registers Hangfire on the storage database, the jobs it runs and its dashboard.</summary>
public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Hangfire with its persistent job storage: on PostgreSQL the "hangfire" schema of the grains' database (Hangfire
    /// installs and upgrades it itself, under a lock; every node serves the same queues); on SQLite a file beside the
    /// grains' file (<see cref="SqliteJobsPath"/>), so that its polling never queues behind a grain write. Also
    /// registers <see cref="IDeadlineScheduler"/> and this node's job server (a hosted service).
    /// </summary>
    public static IServiceCollection AddBackgroundJobs(this IServiceCollection services, StorageProvider provider, string sqlitePath, JobOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<JobStorage>(sp => provider == StorageProvider.Postgres
            ? new PostgreSqlStorage(new DataSourceConnections(sp.GetRequiredService<NpgsqlDataSource>()), new PostgreSqlStorageOptions
            {
                PrepareSchemaIfNecessary = true,
                EnableLongPolling = true,
                QueuePollInterval = options.PollInterval,
                InvisibilityTimeout = options.InvisibilityTimeout,
                UseSlidingInvisibilityTimeout = true,
                DistributedLockTimeout = options.AbandonedLockAfter,
            })
            : new SQLiteStorage(SqliteJobsPath(sqlitePath), new SQLiteStorageOptions
            {
                QueuePollInterval = options.PollInterval,
                InvisibilityTimeout = options.InvisibilityTimeout,
            }));
        // This host's filters, not Hangfire's process-wide GlobalJobFilters: the retry policy from our settings.
        services.AddSingleton<IJobFilterProvider>(new JobFilterProviderCollection(
            new JobFilterCollection
            {
                new StatisticsHistoryAttribute(),
                new AutomaticRetryAttribute { Attempts = options.RetryAttempts, DelayInSecondsByAttemptFunc = options.RetryDelaySeconds },
            },
            new JobFilterAttributeFilterProvider()));
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<IBackgroundJobClient>(sp => new BackgroundJobClient(sp.GetRequiredService<JobStorage>(), sp.GetRequiredService<IJobFilterProvider>()));
        services.AddSingleton<IRecurringJobManager>(sp => new RecurringJobManager(sp.GetRequiredService<JobStorage>(), sp.GetRequiredService<IJobFilterProvider>()));
        services.AddTransient<GrainDeadlineJob>();
        services.AddSingleton<HangfireDeadlineScheduler>();
        services.AddSingleton<IDeadlineScheduler>(sp => sp.GetRequiredService<HangfireDeadlineScheduler>());
        // What the dashboard's endpoint asks for: its routes, and IGlobalConfiguration only as proof that Hangfire's
        // services are registered (nothing here configures it).
        services.AddSingleton(DashboardRoutes.Routes);
        services.AddSingleton(GlobalConfiguration.Configuration);
        services.AddHostedService<JobServer>();
        return services;
    }

    /// <summary>Hangfire's connections from the host's own pool (one data source per database, as for the grains).</summary>
    private sealed class DataSourceConnections(NpgsqlDataSource source) : IConnectionFactory
    {
        public NpgsqlConnection GetOrCreateConnection() => source.CreateConnection();
    }

    /// <summary>Hangfire's SQLite file beside the grains' file: data/wego.db → data/wego.jobs.db.</summary>
    public static string SqliteJobsPath(string sqlitePath) => Path.ChangeExtension(sqlitePath, ".jobs.db");
}
