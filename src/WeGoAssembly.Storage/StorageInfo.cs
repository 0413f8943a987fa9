using System.Data.Common;

namespace WeGoAssembly.Storage;

/// <summary>The database engines the storage runs on.</summary>
public enum StorageProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Which database the process uses; prints as "SQLite data/wego.db" or "PostgreSQL host:port/db".</summary>
public sealed record StorageInfo(StorageProvider Provider, string Location, string ConnectionString)
{
    // Not the record's generated ToString: the connection string may hold a password.
    public override string ToString() => $"{(Provider == StorageProvider.Sqlite ? "SQLite" : "PostgreSQL")} {Location}";
}

/// <summary>
/// Opens connections to the storage database, configured as the grain storage uses them, for
/// features that need raw SQL on the same database (job store, audit log, vote ledger).
/// </summary>
public interface IDbConnectionFactory
{
    StorageInfo Info { get; }

    /// <summary>An open connection; dispose it to return it to the pool.</summary>
    Task<DbConnection> OpenAsync(CancellationToken ct = default);
}
