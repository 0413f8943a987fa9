using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace WeGoAssembly.Storage.Sqlite;

/// <summary>
/// Pooled connections to one SQLite file in WAL mode with full synchronous commits: a commit
/// returns only once it is in the write-ahead log on disk, so an acknowledged write survives a crash.
/// </summary>
public sealed class SqliteConnectionFactory : IDbConnectionFactory, IDisposable
{
    // Waiting for another writer is normal with several connections; give up only after this long.
    private const int BusyTimeoutMilliseconds = 30_000;

    private readonly string connectionString;
    private volatile bool walEnabled;

    public SqliteConnectionFactory(string path)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        Info = new StorageInfo(StorageProvider.Sqlite, path, connectionString);
    }

    public StorageInfo Info { get; }

    async Task<DbConnection> IDbConnectionFactory.OpenAsync(CancellationToken ct) => await OpenAsync(ct);

    public async Task<SqliteConnection> OpenAsync(CancellationToken ct = default)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            // journal_mode is stored in the file, so once per process is enough; synchronous and
            // busy_timeout belong to the connection and are set on every open.
            var pragmas = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = FULL;";
            if (!walEnabled)
                pragmas += " PRAGMA journal_mode = WAL;";
            await using var command = connection.CreateCommand();
            command.CommandText = pragmas;
            await command.ExecuteNonQueryAsync(ct);
            walEnabled = true;
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes the pooled connections, so the file is released when the container is disposed.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
