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
    private readonly SemaphoreSlim writer = new(1, 1);
    private volatile bool walEnabled;

    public SqliteConnectionFactory(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        connectionString = ConnectionStringFor(path);
        Info = new StorageInfo(StorageProvider.Sqlite, path, connectionString);
    }

    public StorageInfo Info { get; }

    /// <summary>The connection string of the file at <paramref name="path"/>, for whatever else opens it (Orleans' grain storage).</summary>
    public static string ConnectionStringFor(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.GetFullPath(path),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
    }.ToString();

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

    /// <summary>
    /// Waits for this process's turn to write the file; dispose to pass it on. SQLite takes one writer at a time, and a
    /// connection that finds the file busy is retried by Microsoft.Data.Sqlite after sleeping 150 ms: queueing the
    /// process's writers here (Orleans' grain state writes, the outbox, the vote ledger) turns those sleeps into a wait
    /// of one short transaction.
    /// </summary>
    public async ValueTask<IDisposable> WriterTurnAsync(CancellationToken ct = default)
    {
        await writer.WaitAsync(ct);
        return new Turn(writer);
    }

    private sealed class Turn(SemaphoreSlim writer) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
                writer.Release();
        }
    }

    /// <summary>Closes the pooled connections, so the file is released when the container is disposed.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
