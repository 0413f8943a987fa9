using System.Text.Unicode;
using CsvHelper;
using WeGoAssembly.Contracts;

namespace WeGoAssembly.Grains;

/// <summary>One data record of an imported CSV: its line, whether its quotes were broken, and a field by column name ("" when absent).</summary>
public sealed record CsvRecord(int Line, bool Malformed, IReadOnlyDictionary<string, string> Fields)
{
    public string this[string column] => Fields.GetValueOrDefault(column, "");
}

/// <summary>
/// Reads the CSV files the secretariat keeps in spreadsheets (the member register, a city's participants): UTF-8 with or
/// without a BOM, a header line naming the columns in any order and case, fields trimmed. A file-level problem (not UTF-8,
/// no header, a required column missing, too many rows) throws INVALID_ARGUMENT for the field "csv"; a record with broken
/// quotes is returned marked, for its row's error.
/// </summary>
public static class CsvImport
{
    public static IReadOnlyList<CsvRecord> Read(ReadOnlyMemory<byte> csv, IReadOnlyList<string> columns, IReadOnlyList<string> required, int maxRows = int.MaxValue)
    {
        if (csv.Span.StartsWith("\uFEFF"u8))
            csv = csv[3..];
        if (!Utf8.IsValid(csv.Span))
            throw DomainException.Invalid("csv", "The file is not UTF-8 text; save it from the spreadsheet as \"CSV UTF-8\".");

        var malformedLines = new HashSet<long>();
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            TrimWhitespace = true,
            TrackLineNumbers = true,
            OnMalformedRecord = record => malformedLines.Add(record.LineNumber),
        };
        using var reader = CsvReader.Create(csv, options);
        var header = reader.Headers?.Select(h => h.Trim().ToLowerInvariant()).ToArray() ?? [];
        if (header.Length == 0)
            throw DomainException.Invalid("csv", $"The file is empty; the first line must be the header: {string.Join(',', columns)}.");
        var missing = required.Where(c => !header.Contains(c)).ToArray();
        if (missing.Length > 0)
            throw DomainException.Invalid("csv", $"The header lacks the column(s) {string.Join(", ", missing)}; expected: {string.Join(',', columns)}.");
        var index = columns.Select(c => (Column: c, At: Array.IndexOf(header, c))).Where(c => c.At >= 0).ToArray();

        var records = new List<CsvRecord>();
        while (reader.Read())
        {
            if (records.Count == maxRows)
                throw DomainException.Invalid("csv", $"The file has more than {maxRows:N0} rows; split it into smaller files.");
            var fields = index.Where(c => c.At < reader.FieldCount).ToDictionary(c => c.Column, c => reader.GetString(c.At).Trim(), StringComparer.Ordinal);
            records.Add(new((int)reader.LineNumber, malformedLines.Contains(reader.LineNumber), fields));
        }
        return records;
    }
}
