using System.Data.Common;
using Npgsql;

namespace WeGoAssembly.Storage.Postgres;

/// <summary>Connections from the process's one <see cref="NpgsqlDataSource"/>.</summary>
public sealed class PostgresConnectionFactory(NpgsqlDataSource dataSource) : IDbConnectionFactory
{
    public StorageInfo Info { get; } = Describe(dataSource.ConnectionString);

    public NpgsqlDataSource DataSource => dataSource;

    async Task<DbConnection> IDbConnectionFactory.OpenAsync(CancellationToken ct) => await dataSource.OpenConnectionAsync(ct);

    private static StorageInfo Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new StorageInfo(StorageProvider.Postgres, $"{builder.Host}:{builder.Port}/{builder.Database}", connectionString);
    }
}
