using System.Globalization;
using System.Text;
using WeGoAssembly.Storage;

namespace WeGoAssembly.Server.Application;

/// <summary>
/// The audit log export: UTF-8 (no byte order mark), RFC 4180 (CRLF line ends; a field holding a comma,
/// a double quote, CR or LF is quoted and its quotes doubled), so details JSON survives intact.
/// </summary>
public static class AuditCsv
{
    public const string Header = "sequence,recorded_at,actor,action,subject,details";

    /// <summary>recorded_at in UTC, ISO 8601 with microseconds.</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>The CSV of <paramref name="entries"/>; throws RESOURCE_EXHAUSTED past <paramref name="maxBytes"/> (with the filter's advice).</summary>
    public static async Task<byte[]> WriteAsync(IAsyncEnumerable<AuditEntry> entries, int maxBytes, Func<long, Exception> tooLarge, CancellationToken ct)
    {
        using var csv = new MemoryStream();
        var line = new StringBuilder();
        Append(csv, line.Append(Header).Append("\r\n"));
        await foreach (var entry in entries.WithCancellation(ct))
        {
            line.Append(entry.Sequence.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(entry.RecordedAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)).Append(',');
            Field(line, entry.Actor).Append(',');
            Field(line, entry.Action).Append(',');
            Field(line, entry.Subject).Append(',');
            Field(line, entry.Details).Append("\r\n");
            Append(csv, line);
            if (csv.Length > maxBytes)
                throw tooLarge(csv.Length);
        }
        return csv.ToArray();
    }

    private static StringBuilder Field(StringBuilder line, string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0
            ? line.Append(value)
            : line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');

    private static void Append(MemoryStream csv, StringBuilder line)
    {
        csv.Write(Encoding.UTF8.GetBytes(line.ToString()));
        line.Clear();
    }
}
