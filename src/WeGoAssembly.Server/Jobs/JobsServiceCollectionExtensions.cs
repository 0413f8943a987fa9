using Microsoft.Data.Sqlite;
using Npgsql;
using Quartz;
using WeGoAssembly.Grains;
using WeGoAssembly.Storage;

namespace WeGoAssembly.Server.Jobs;

/// <summary>Registers Quartz.NET on the storage database and the grain deadlines scheduled on it.</summary>
public static class JobsServiceCollectionExtensions
{
    /// <summary>The scheduler's name: the SCHED_NAME of every qrtz_ row, so it must never change.</summary>
    public const string SchedulerName = "WeGoAssembly";

    /// <summary>
    /// Quartz with its persistent ADO.NET job store in the qrtz_ tables of the grains' database
    /// (schema applied by our migrator, script 004; Quartz only validates it), job data in
    /// System.Text.Json, started by a hosted service after the host has started. On SQLite the
    /// scheduler is not clustered (one process owns the file) and opens its own short connections on
    /// the same file (WAL, synchronous FULL, waiting on a busy writer). On PostgreSQL it is clustered,
    /// with row locks in qrtz_locks, so a standby node can take over the triggers of a dead one.
    /// Also registers <see cref="IDeadlineScheduler"/>.
    /// </summary>
    public static IServiceCollection AddDeadlineJobs(this IServiceCollection services, StorageProvider provider, DeadlineOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<QuartzDeadlineScheduler>();
        services.AddSingleton<IDeadlineScheduler>(sp => sp.GetRequiredService<QuartzDeadlineScheduler>());
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler => scheduler.InstanceName = SchedulerName);
            quartz.UseDefaultThreadPool(options.MaxConcurrency);
            quartz.AddJobType<GrainDeadlineJob>();
            quartz.UsePersistentStore(store =>
            {
                store.ConfigureStore(jobStore =>
                {
                    jobStore.TablePrefix = "qrtz_";
                    jobStore.SchemaProvisioning = SchemaProvisioning.Validate;
                    jobStore.MisfireThreshold = options.MisfireThreshold;
                });
                store.UseSystemTextJsonSerializer();
                if (provider == StorageProvider.Postgres)
                {
                    store.UsePostgres(source => source.DataSourceFactory = sp => sp.GetRequiredService<NpgsqlDataSource>());
                    store.UseClustering();
                }
                else
                {
                    // Microsoft.Data.Sqlite begins transactions with BEGIN IMMEDIATE and retries a busy
                    // file for the command timeout (30 s), so Quartz's short transactions queue behind
                    // a grain write rather than fail; WAL is already set on the file, synchronous FULL
                    // is this build's default.
                    store.UseSqlite(source => source.DataSourceFactory =
                        sp => SqliteFactory.Instance.CreateDataSource(sp.GetRequiredService<StorageInfo>().ConnectionString));
                }
            });
        });
        // Started by IHostedService.StartAsync inside app.StartAsync, after StartWeGoAssemblyAsync has
        // applied the schema and after the silo (registered earlier); jobs run once the application has
        // started. On shutdown it stops before the silo, letting running deliveries finish.
        services.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = true);
        return services;
    }
}
