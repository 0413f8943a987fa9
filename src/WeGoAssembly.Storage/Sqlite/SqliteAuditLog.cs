using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace WeGoAssembly.Storage.Sqlite;

/// <summary>The audit log in SQLite (deploy/sql/sqlite/003-audit-log.sql).</summary>
public sealed class SqliteAuditLog(SqliteConnectionFactory connections) : AuditLog(connections)
{
    // The format strftime('%Y-%m-%dT%H:%M:%fZ') writes: fixed width, so text order is time order.
    internal const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    // Not LIKE or GLOB: no character of the prefix is a wildcard. The ">=" term is implied by the
    // equality and only lets SQLite seek the column's index.
    protected override string StartsWith(string column, string parameter) =>
        $"{column} >= {parameter} AND substr({column}, 1, length({parameter})) = {parameter}";

    // Stored times have whole milliseconds.
    protected override object TimeParameter(DateTimeOffset time) =>
        CeilingUtc(time, TimeSpan.FromMilliseconds(1)).ToString(TimeFormat, CultureInfo.InvariantCulture);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.ParseExact(reader.GetString(ordinal), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();
}
