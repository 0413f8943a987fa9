using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;

namespace WeGoAssembly.Storage;

/// <summary>One stored audit log entry (deploy/sql/*/003-audit-log.sql).</summary>
public sealed record AuditEntry(long Sequence, DateTimeOffset RecordedAt, string Actor, string Action, string Subject, string Details);

/// <summary>
/// Which audit entries to read. Null or empty fields do not filter; the others combine with AND:
/// actor equal, action and subject starting with the prefix (taken literally: no wildcards),
/// recorded at or after <see cref="Since"/> and before <see cref="Until"/>.
/// </summary>
public sealed record AuditQuery(
    string? Actor = null, string? ActionPrefix = null, string? SubjectPrefix = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null);

/// <summary>
/// Reads the append-only audit log. Entries are only ever added, through the change outbox
/// (<see cref="ChangeOutbox"/>) after the grain change they record is stored; there is no update or delete path.
/// </summary>
public abstract class AuditLog(IDbConnectionFactory connections)
{
    private const int StreamPageSize = 500;

    /// <summary>Up to <paramref name="limit"/> entries with sequence &lt; <paramref name="beforeSequence"/> (null: from the newest), newest first.</summary>
    public Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, long? beforeSequence, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadPageAsync(query, "sequence < @position", beforeSequence ?? long.MaxValue, "DESC", limit, ct);
    }

    /// <summary>
    /// Every matching entry, oldest first, read a page at a time so that no connection is held while
    /// the consumer works (for exports).
    /// </summary>
    public async IAsyncEnumerable<AuditEntry> StreamAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken ct = default)
    {
        long after = 0;
        while (true)
        {
            var page = await ReadPageAsync(query, "sequence > @position", after, "ASC", StreamPageSize, ct);
            foreach (var entry in page)
                yield return entry;
            if (page.Count < StreamPageSize)
                yield break;
            after = page[^1].Sequence;
        }
    }

    /// <summary>A condition that <paramref name="column"/> starts with the text of <paramref name="parameter"/>, taken literally.</summary>
    protected abstract string StartsWith(string column, string parameter);

    /// <summary>The value to bind for a time compared with recorded_at.</summary>
    protected abstract object TimeParameter(DateTimeOffset time);

    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>
    /// <paramref name="time"/> in UTC rounded up to a whole <paramref name="precision"/>, the resolution
    /// of stored times: with it, "at or after since" and "before until" stay exact for finer bounds.
    /// </summary>
    protected static DateTime CeilingUtc(DateTimeOffset time, TimeSpan precision)
    {
        var ticks = time.UtcTicks;
        var remainder = ticks % precision.Ticks;
        return new DateTime(remainder == 0 ? ticks : ticks - remainder + precision.Ticks, DateTimeKind.Utc);
    }

    private async Task<IReadOnlyList<AuditEntry>> ReadPageAsync(
        AuditQuery query, string position, long positionValue, string direction, int limit, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        // The WHERE clause is assembled from fixed fragments only; every value is a parameter.
        var where = new StringBuilder(position);
        Sql.AddParameter(command, "@position", positionValue);
        if (!string.IsNullOrEmpty(query.Actor))
        {
            where.Append(" AND actor = @actor");
            Sql.AddParameter(command, "@actor", query.Actor);
        }
        if (!string.IsNullOrEmpty(query.ActionPrefix))
        {
            where.Append(" AND ").Append(StartsWith("action", "@action_prefix"));
            Sql.AddParameter(command, "@action_prefix", query.ActionPrefix);
        }
        if (!string.IsNullOrEmpty(query.SubjectPrefix))
        {
            where.Append(" AND ").Append(StartsWith("subject", "@subject_prefix"));
            Sql.AddParameter(command, "@subject_prefix", query.SubjectPrefix);
        }
        if (query.Since is { } since)
        {
            where.Append(" AND recorded_at >= @since");
            Sql.AddParameter(command, "@since", TimeParameter(since));
        }
        if (query.Until is { } until)
        {
            where.Append(" AND recorded_at < @until");
            Sql.AddParameter(command, "@until", TimeParameter(until));
        }
        command.CommandText = $"""
            SELECT sequence, recorded_at, actor, action, subject, details FROM audit_event
            WHERE {where}
            ORDER BY sequence {direction}
            LIMIT @limit
            """;
        Sql.AddParameter(command, "@limit", limit);

        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0), ReadTime(reader, 1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        }
        return entries;
    }
}
