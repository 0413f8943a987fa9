using CsvHelper;

namespace WeGoAssembly.Grains;

/// <summary>
/// The one writer of the staff's CSV exports: UTF-8 (names in any script), RFC 4180 quoting, a header
/// line, and a leading = + - @ escaped so a spreadsheet does not run a field as a formula.
/// </summary>
public static class CsvExport
{
    public static byte[] Write(string[] header, IEnumerable<string[]> records)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, CsvWriterOptions.Default with { Injection = CsvInjection.Escape }, leaveOpen: true))
        {
            csv.WriteHeader(header);
            foreach (var record in records)
                csv.WriteRecord(record);
        }
        return buffer.ToArray();
    }
}
