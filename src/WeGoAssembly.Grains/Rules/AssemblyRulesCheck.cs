using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Assemblies;

namespace WeGoAssembly.Grains.Rules;

/// <summary>What a valid assembly and rule set look like.</summary>
public static class AssemblyRulesCheck
{
    public const int FirstYear = 2000, LastYear = 2200;

    /// <summary>Checks and cleans an assembly: returns the cleaned assembly and every problem found.</summary>
    public static (Assembly Assembly, IReadOnlyList<FieldError> Errors) Validate(Assembly assembly)
    {
        var errors = new List<FieldError>();
        var cleaned = assembly with
        {
            Id = TextRules.Slug("id", assembly.Id, errors),
            Title = TextRules.Text("title", assembly.Title, 200, required: true, errors),
            Venue = TextRules.Text("venue", assembly.Venue, 200, required: false, errors),
            TimeZone = (assembly.TimeZone ?? "").Trim(),
        };
        CheckYearAndZone(cleaned.Year, cleaned.TimeZone, errors);
        if (cleaned.StartsOn is { } start && cleaned.EndsOn is { } end && end < start)
            errors.Add(new("ends_on", $"ends_on {end:yyyy-MM-dd} is before starts_on {start:yyyy-MM-dd}."));
        CheckRules(cleaned.Rules, errors);
        return (cleaned, errors);
    }

    public static void CheckYearAndZone(int year, string timeZone, List<FieldError> errors)
    {
        if (year is < FirstYear or > LastYear)
            errors.Add(new("year", $"year {year} must be from {FirstYear} to {LastYear}."));
        if (!IsTimeZone(timeZone))
            errors.Add(new("time_zone", $"time_zone \"{TextRules.Shorten(timeZone)}\" is not an IANA time zone name such as Asia/Seoul."));
    }

    public static void CheckRules(AssemblyRules rules, List<FieldError> errors)
    {
        var q = rules.Quorum;
        if (q.Denominator < 1 || q.Numerator < 1 || q.Numerator > q.Denominator)
            errors.Add(new("rules.quorum", $"The quorum fraction {q.Numerator}/{q.Denominator} must be between 1/{Math.Max(q.Denominator, 1)} and 1 (for example 1/2 for \"more than half\")."));
        if (rules.ProxiesAllowed && rules.MaxProxiesPerHolder < 1)
            errors.Add(new("rules.max_proxies_per_holder", "max_proxies_per_holder must be at least 1 when proxies are allowed."));
        if (rules.MaxProxiesPerHolder > 100)
            errors.Add(new("rules.max_proxies_per_holder", $"max_proxies_per_holder {rules.MaxProxiesPerHolder} is above the limit of 100."));
    }

    private static bool IsTimeZone(string id) =>
        id.Length > 0 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;
}
