using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace WeGoAssembly.Storage.Postgres;

/// <summary>Applies deploy/sql/postgres; a transaction-scoped advisory lock serializes concurrent starts.</summary>
internal sealed class PostgresSchemaMigrator(PostgresConnectionFactory connections, ILogger<SchemaMigrator> logger)
    : SchemaMigrator(connections, "postgres", logger)
{
    // Any fixed number works as long as nothing else in the database uses it: "WeGOsch" in ASCII.
    private const long SchemaLockKey = 0x0057_6547_4F73_6368;

    protected override string CreateVersionTableSql => """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     integer PRIMARY KEY,
            name        text NOT NULL,
            applied_at  timestamptz NOT NULL
        )
        """;

    protected override string NowSql => "now()";

    protected override async Task<DbTransaction> BeginExclusiveAsync(DbConnection connection, CancellationToken ct)
    {
        var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = Sql.Command(connection, transaction, $"SELECT pg_advisory_xact_lock({SchemaLockKey})");
        await command.ExecuteNonQueryAsync(ct);
        return transaction;
    }
}
