using System.Globalization;

namespace WeGoAssembly.Storage.Sqlite;

/// <summary>The change outbox in SQLite; recorded_at in the audit log's fixed-width text form.</summary>
public sealed class SqliteChangeOutbox(SqliteConnectionFactory connections) : ChangeOutbox(connections)
{
    protected override async ValueTask<IDisposable?> WriterTurnAsync() => await connections.WriterTurnAsync();

    protected override object TimeValue(DateTimeOffset time) =>
        time.UtcDateTime.ToString(SqliteAuditLog.TimeFormat, CultureInfo.InvariantCulture);
}
