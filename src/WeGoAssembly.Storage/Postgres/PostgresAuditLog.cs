using System.Data.Common;

namespace WeGoAssembly.Storage.Postgres;

/// <summary>The audit log in PostgreSQL (deploy/sql/postgres/003-audit-log.sql).</summary>
public sealed class PostgresAuditLog(PostgresConnectionFactory connections) : AuditLog(connections)
{
    // starts_with, not LIKE: no character of the prefix is a wildcard. The columns' "C" collation
    // lets it use the btree indexes.
    protected override string StartsWith(string column, string parameter) => $"starts_with({column}, {parameter})";

    // timestamptz has whole microseconds, and its parameters must be UTC.
    protected override object TimeParameter(DateTimeOffset time) => new DateTimeOffset(CeilingUtc(time, TimeSpan.FromMicroseconds(1)));

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);
}
