using WeGoAssembly.Storage.Notifications;

namespace WeGoAssembly.Storage.Sqlite;

/// <summary>The delivery log in SQLite (deploy/sql/sqlite/015-notifications.sql).</summary>
public sealed class SqliteNotificationLog(SqliteConnectionFactory connections, TimeProvider clock) : NotificationLog(connections, clock)
{
    protected override async ValueTask<IDisposable?> WriterTurnAsync(CancellationToken ct) => await connections.WriterTurnAsync(ct);

    // instr, not LIKE: no character of the text is a wildcard.
    protected override string Contains(string column, string parameter) => $"instr({column}, {parameter}) > 0";
}
