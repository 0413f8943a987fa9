using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Documents;
using WeGoAssembly.Grains.Membership;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Accreditation;

/// <summary>One good row of a participant import: its line, city, the person and their personal details.</summary>
public sealed record ParticipantRow(int Line, string MemberCityId, NewParticipant Person, PersonalDetails Details);

/// <summary>A parsed participant CSV: the rows that pass every check of a single row, and every refused row.</summary>
public sealed record ParsedParticipantCsv(int RowsRead, IReadOnlyList<ParticipantRow> Rows, IReadOnlyList<ImportRowError> Errors);

/// <summary>
/// Reads the participant list a city sends as a spreadsheet. Pure: bytes in, rows and per-row errors (by file line)
/// out. What needs the stored data (the city exists, a second voting delegate, a person registered already) is the
/// caller's to check.
/// </summary>
public static class ParticipantCsv
{
    public static readonly string[] Columns =
    [
        "member_city_id", "given_name", "family_name", "given_name_latin", "family_name_latin", "title", "organisation", "email",
        "role", "head_of_delegation", "language", "dietary_needs", "accessibility_needs",
    ];

    private static readonly string[] RequiredColumns = ["member_city_id", "given_name", "email", "role"];

    /// <summary>At most this many data rows per file: an assembly's largest delegation list fits many times over.</summary>
    public const int MaxRows = 10_000;

    public static ParsedParticipantCsv Parse(ReadOnlyMemory<byte> csv)
    {
        var records = CsvImport.Read(csv, Columns, RequiredColumns, MaxRows);
        var rows = new List<ParticipantRow>();
        var errors = new List<ImportRowError>();
        foreach (var record in records)
        {
            var line = record.Line;
            string Field(string name) => record[name];
            var city = Field("member_city_id");
            if (record.Malformed)
            {
                errors.Add(new(line, city, "The line has a stray or unclosed quote (\"); quote whole fields only."));
                continue;
            }
            var problems = new List<string>();
            var fieldErrors = new List<FieldError>();
            var cityId = TextRules.Slug("member_city_id", city, fieldErrors);
            var (person, personErrors) = DelegationRules.Validate(new NewParticipant(
                Field("given_name"), Field("family_name"), Field("title"), Field("organisation"), Field("email"),
                Role(Field("role"), problems), Yes(Field("head_of_delegation"), problems), Field("language")));
            var latinErrors = new List<FieldError>();
            var details = new PersonalDetails(
                PersonalDataRules.LatinName("given_name_latin", Field("given_name_latin"), latinErrors),
                PersonalDataRules.LatinName("family_name_latin", Field("family_name_latin"), latinErrors),
                TextRules.Text("dietary_needs", Field("dietary_needs"), PersonalDataRules.MaxNeedsLength, required: false, latinErrors),
                TextRules.Text("accessibility_needs", Field("accessibility_needs"), PersonalDataRules.MaxNeedsLength, required: false, latinErrors),
                Passport: null);
            // A role the parser refused is reported once, not again as "role is required".
            problems.AddRange(fieldErrors.Concat(personErrors.Where(e => e.Field != "role" || problems.Count == 0)).Concat(latinErrors).Select(e => e.Message));
            if (problems.Count > 0)
                errors.Add(new(line, city, string.Join(" ", problems)));
            else
                rows.Add(new(line, cityId, person, details));
        }
        return new(records.Count, rows, errors);
    }

    private static ParticipantRole Role(string value, List<string> problems)
    {
        var name = value.Replace("_", "").Replace("-", "").Replace(" ", "");
        if (name.Length > 0 && !char.IsDigit(name[0]) && Enum.TryParse<ParticipantRole>(name, ignoreCase: true, out var role) && Enum.IsDefined(role))
            return role;
        problems.Add(value.Length == 0
            ? "role is required: voting_delegate, alternate, advisor or observer."
            : $"role \"{TextRules.Shorten(value)}\" is not one of voting_delegate, alternate, advisor, observer.");
        return default;
    }

    private static bool Yes(string value, List<string> problems)
    {
        switch (value.ToLowerInvariant())
        {
            case "" or "no" or "n" or "false" or "0": return false;
            case "yes" or "y" or "true" or "1" or "x": return true;
            default:
                problems.Add($"head_of_delegation \"{TextRules.Shorten(value)}\" is not yes or no.");
                return false;
        }
    }
}
