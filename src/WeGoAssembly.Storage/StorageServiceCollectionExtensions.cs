using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using WeGoAssembly.Runtime;
using WeGoAssembly.Storage.Postgres;
using WeGoAssembly.Storage.Sqlite;

namespace WeGoAssembly.Storage;

/// <summary>Registers one storage database: grain storage, journal storage, audit log, connections, schema migrator.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// SQLite file at <paramref name="path"/> (created with its directory if missing): the embedded
    /// default. Registers <see cref="IGrainStorage"/>, <see cref="IJournalStorage"/>,
    /// <see cref="IDbConnectionFactory"/>, <see cref="StorageInfo"/>, <see cref="AuditLog"/> and <see cref="SchemaMigrator"/>.
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        services.AddLogging();
        services.AddSingleton(_ => new SqliteConnectionFactory(path));
        services.AddSingleton<IDbConnectionFactory>(sp => sp.GetRequiredService<SqliteConnectionFactory>());
        services.AddSingleton<SqliteGrainStorage>();
        services.AddSingleton<AuditLog, SqliteAuditLog>();
        services.AddSingleton<SchemaMigrator, SqliteSchemaMigrator>();
        return services.AddCommon<SqliteGrainStorage>();
    }

    /// <summary>
    /// PostgreSQL through one <see cref="NpgsqlDataSource"/> (also registered, for raw SQL): the
    /// production store. Registers the same services as <see cref="AddSqliteStorage"/>, and the
    /// <see cref="NodeLease"/> that fences writes once the process takes it (the host does, for a hot standby).
    /// </summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.AddLogging();
        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
            .Build());
        services.AddSingleton<NodeLease>();
        services.AddSingleton<PostgresConnectionFactory>();
        services.AddSingleton<IDbConnectionFactory>(sp => sp.GetRequiredService<PostgresConnectionFactory>());
        services.AddSingleton<PostgresGrainStorage>();
        services.AddSingleton<AuditLog, PostgresAuditLog>();
        services.AddSingleton<SchemaMigrator, PostgresSchemaMigrator>();
        return services.AddCommon<PostgresGrainStorage>();
    }

    /// <summary>Applies the schema scripts not yet applied (call once at start-up, before serving); returns their versions.</summary>
    public static Task<IReadOnlyList<int>> ApplyStorageSchemaAsync(this IServiceProvider services, CancellationToken ct = default) =>
        services.GetRequiredService<SchemaMigrator>().ApplyAsync(ct);

    private static IServiceCollection AddCommon<TStorage>(this IServiceCollection services)
        where TStorage : class, IGrainStorage, IJournalStorage
    {
        services.AddSingleton<IGrainStorage>(sp => sp.GetRequiredService<TStorage>());
        services.AddSingleton<IJournalStorage>(sp => sp.GetRequiredService<TStorage>());
        services.AddSingleton(sp => sp.GetRequiredService<IDbConnectionFactory>().Info);
        return services;
    }
}
