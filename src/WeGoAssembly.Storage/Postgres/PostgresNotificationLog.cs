using WeGoAssembly.Storage.Notifications;

namespace WeGoAssembly.Storage.Postgres;

/// <summary>The delivery log in PostgreSQL (deploy/sql/postgres/015-notifications.sql).</summary>
public sealed class PostgresNotificationLog(PostgresConnectionFactory connections, TimeProvider clock) : NotificationLog(connections, clock)
{
    protected override ValueTask<IDisposable?> WriterTurnAsync(CancellationToken ct) => ValueTask.FromResult<IDisposable?>(null);

    // strpos, not LIKE: no character of the text is a wildcard.
    protected override string Contains(string column, string parameter) => $"strpos({column}, {parameter}) > 0";
}
