using System.Data.Common;
using Npgsql;

namespace WeGoAssembly.Storage.Postgres;

/// <summary>
/// Connections from the process's one <see cref="NpgsqlDataSource"/>. <paramref name="connectionString"/> is the one
/// Orleans' ADO.NET providers open their own pooled connections with: disposing (when the host stops) closes that pool's
/// idle connections too, so a stopped host leaves none behind (several hosts come and go in one test process).
/// </summary>
public sealed class PostgresConnectionFactory(NpgsqlDataSource dataSource, string connectionString) : IDbConnectionFactory, IDisposable
{
    public StorageInfo Info { get; } = Describe(dataSource.ConnectionString);

    public NpgsqlDataSource DataSource => dataSource;

    async Task<DbConnection> IDbConnectionFactory.OpenAsync(CancellationToken ct) => await dataSource.OpenConnectionAsync(ct);

    public void Dispose()
    {
        using var connection = new NpgsqlConnection(connectionString);
        NpgsqlConnection.ClearPool(connection);
    }

    private static StorageInfo Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new StorageInfo(StorageProvider.Postgres, $"{builder.Host}:{builder.Port}/{builder.Database}", connectionString);
    }
}
