using System.Globalization;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Membership;

/// <summary>One refused row of a CSV import: its line, the id it named and why.</summary>
public sealed record ImportRowError(int Line, string MemberCityId, string Reason);

/// <summary>A parsed CSV: the valid rows with their line numbers, and every refused row.</summary>
public sealed record ParsedMemberCsv(int RowsRead, IReadOnlyList<(int Line, MemberCity Entry)> Rows, IReadOnlyList<ImportRowError> Errors);

/// <summary>
/// Reads the member register CSV the secretariat keeps in a spreadsheet. Pure: bytes in, rows and
/// per-row errors out; storing the rows is the caller's business.
/// </summary>
public static class MemberCityCsv
{
    public static readonly string[] Columns = ["id", "name_en", "name_local", "country_code", "category", "dues_paid_through_year", "status"];
    private static readonly string[] RequiredColumns = ["id", "name_en", "country_code", "category"];

    /// <summary>Parses the file; a file-level problem (not UTF-8, no header, missing columns) throws INVALID_ARGUMENT.</summary>
    public static ParsedMemberCsv Parse(ReadOnlyMemory<byte> csv)
    {
        var records = CsvImport.Read(csv, Columns, RequiredColumns);
        var rows = new List<(int, MemberCity)>();
        var errors = new List<ImportRowError>();
        var firstLineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var line = record.Line;
            string Field(string name) => record[name];
            var id = Field("id");
            if (record.Malformed)
            {
                errors.Add(new(line, id, "The line has a stray or unclosed quote (\"); quote whole fields only."));
                continue;
            }
            var problems = new List<string>();
            var entry = new MemberCity(id, Field("name_en"), Field("name_local"), Field("country_code"),
                ParseCategory(Field("category"), problems), ParseYear(Field("dues_paid_through_year"), problems),
                ParseStatus(Field("status"), problems), Sample: false, UpdatedAt: default);
            var (cleaned, fieldErrors) = MemberCityRules.Validate(entry);
            problems.AddRange(fieldErrors.Select(e => e.Message));
            if (problems.Count == 0 && firstLineOfId.TryGetValue(cleaned.Id, out var first))
                problems.Add($"id \"{cleaned.Id}\" appears already on line {first}.");
            if (problems.Count > 0)
            {
                errors.Add(new(line, id, string.Join(" ", problems)));
                continue;
            }
            firstLineOfId[cleaned.Id] = line;
            rows.Add((line, cleaned));
        }
        return new(records.Count, rows, errors);
    }

    // An unknown name is reported here and replaced by a valid placeholder, so that Validate does not
    // report the same field twice; the row is refused either way. A missing category is left to Validate.
    private static MemberCategory ParseCategory(string value, List<string> problems) =>
        value.Length == 0 ? default : ParseName(value, "category", MemberCategory.Full, problems);

    private static MemberStatus ParseStatus(string value, List<string> problems) =>
        value.Length == 0 ? MemberStatus.Active : ParseName(value, "status", MemberStatus.Active, problems);

    private static T ParseName<T>(string value, string column, T placeholder, List<string> problems) where T : struct, Enum
    {
        if (!char.IsDigit(value[0]) && Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
            return parsed;
        problems.Add($"{column} \"{TextRules.Shorten(value)}\" is not one of {string.Join(", ", Enum.GetNames<T>())}.");
        return placeholder;
    }

    private static int ParseYear(string value, List<string> problems)
    {
        if (value.Length == 0) return 0;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
            return year;
        problems.Add($"dues_paid_through_year \"{TextRules.Shorten(value)}\" is not a year such as 2022.");
        return 0;
    }
}
