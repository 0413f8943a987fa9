using System.Text;

namespace WeGoAssembly.Server.Web;

/// <summary>
/// Cuts a CSV file into pieces of whole records, each with the header line in front, so a long import can be sent
/// piece by piece and show its progress; each piece knows where its records start in the file, so the line numbers
/// the server reports for a piece can be given back as lines of the file.
/// </summary>
public sealed record CsvChunk(string Csv, IReadOnlyList<int> ChunkLines, IReadOnlyList<int> FileLines)
{
    /// <summary>The file's line for a line the server reported in this piece (1 is the header in both).</summary>
    public int FileLine(int chunkLine)
    {
        // Record i starts on line ChunkLines[i] of the piece and FileLines[i] of the file; it may span lines inside quotes.
        var i = ChunkLines.Count - 1;
        while (i >= 0 && ChunkLines[i] > chunkLine)
            i--;
        return i < 0 ? chunkLine : FileLines[i] + (chunkLine - ChunkLines[i]);
    }

    public static List<CsvChunk> Split(string text, int recordsPerChunk)
    {
        var records = new List<(string Text, int Line)>();
        var line = 1;
        var start = 0;
        var startLine = 1;
        var quoted = false;
        for (var i = 0; i <= text.Length; i++)
        {
            var end = i == text.Length;
            var c = end ? '\n' : text[i];
            if (c == '"')
                quoted = !quoted;
            else if (c == '\n' && (!quoted || end))
            {
                var record = text[start..i].TrimEnd('\r');
                if (record.Length > 0)
                    records.Add((record, startLine));
                (start, startLine) = (i + 1, line + 1);
            }
            if (c == '\n' && !end)
                line++;
        }
        if (records.Count == 0)
            return [];

        var header = records[0].Text;
        var chunks = new List<CsvChunk>();
        foreach (var piece in records.Skip(1).Chunk(recordsPerChunk))
        {
            var csv = new StringBuilder(header).Append('\n');
            var chunkLines = new List<int>();
            var chunkLine = 2;
            foreach (var (record, _) in piece)
            {
                chunkLines.Add(chunkLine);
                csv.Append(record).Append('\n');
                chunkLine += record.Count(ch => ch == '\n') + 1;
            }
            chunks.Add(new(csv.ToString(), chunkLines, [.. piece.Select(r => r.Line)]));
        }
        return chunks;
    }
}
