using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace WeGoAssembly.Storage.Sqlite;

/// <summary>Applies deploy/sql/sqlite; BEGIN IMMEDIATE takes the file's write lock for each script.</summary>
internal sealed class SqliteSchemaMigrator(SqliteConnectionFactory connections, ILogger<SchemaMigrator> logger)
    : SchemaMigrator(connections, "sqlite", logger)
{
    protected override string CreateVersionTableSql => """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     INTEGER PRIMARY KEY,
            name        TEXT NOT NULL,
            applied_at  TEXT NOT NULL
        )
        """;

    protected override string NowSql => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

    protected override Task<DbTransaction> BeginExclusiveAsync(DbConnection connection, CancellationToken ct) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
}
