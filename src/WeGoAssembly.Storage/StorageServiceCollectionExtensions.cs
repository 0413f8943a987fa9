using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Storage.Notifications;
using WeGoAssembly.Storage.Postgres;
using WeGoAssembly.Storage.Sqlite;

namespace WeGoAssembly.Storage;

/// <summary>Registers one storage database: connections, schema migrator, audit log, change outbox and projections.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// SQLite file at <paramref name="path"/> (created with its directory if missing): the embedded
    /// default. Registers <see cref="IChangeOutbox"/>, <see cref="IProjectionReader"/>,
    /// <see cref="IDbConnectionFactory"/>, <see cref="StorageInfo"/>, <see cref="AuditLog"/> and <see cref="SchemaMigrator"/>.
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        services.AddLogging();
        services.AddSingleton(_ => new SqliteConnectionFactory(path));
        services.AddSingleton<IDbConnectionFactory>(sp => sp.GetRequiredService<SqliteConnectionFactory>());
        services.AddSingleton<ChangeOutbox, SqliteChangeOutbox>();
        services.AddSingleton<AuditLog, SqliteAuditLog>();
        services.AddSingleton<NotificationLog, SqliteNotificationLog>();
        services.AddSingleton<SchemaMigrator, SqliteSchemaMigrator>();
        return services.AddCommon();
    }

    /// <summary>
    /// PostgreSQL through one <see cref="NpgsqlDataSource"/> (also registered, for raw SQL): the
    /// production store. Registers the same services as <see cref="AddSqliteStorage"/>.
    /// </summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.AddLogging();
        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
            .Build());
        services.AddSingleton(sp => new PostgresConnectionFactory(sp.GetRequiredService<NpgsqlDataSource>(), connectionString));
        services.AddSingleton<IDbConnectionFactory>(sp => sp.GetRequiredService<PostgresConnectionFactory>());
        services.AddSingleton<ChangeOutbox, PostgresChangeOutbox>();
        services.AddSingleton<AuditLog, PostgresAuditLog>();
        services.AddSingleton<NotificationLog, PostgresNotificationLog>();
        services.AddSingleton<SchemaMigrator, PostgresSchemaMigrator>();
        return services.AddCommon();
    }

    /// <summary>Applies the schema scripts not yet applied (call once at start-up, before serving); returns their versions.</summary>
    public static Task<IReadOnlyList<int>> ApplyStorageSchemaAsync(this IServiceProvider services, CancellationToken ct = default) =>
        services.GetRequiredService<SchemaMigrator>().ApplyAsync(ct);

    private static IServiceCollection AddCommon(this IServiceCollection services)
    {
        services.AddSingleton<IChangeOutbox>(sp => sp.GetRequiredService<ChangeOutbox>());
        services.AddSingleton<IProjectionReader>(sp => sp.GetRequiredService<ChangeOutbox>());
        services.AddSingleton(sp => sp.GetRequiredService<IDbConnectionFactory>().Info);
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
