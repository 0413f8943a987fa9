using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Documents;

namespace WeGoAssembly.Grains.Rules;

/// <summary>
/// Checks of a participant's personal details. Error messages never repeat a passport number or a birth date: they
/// go to logs and to whoever typed them, and the number must stay out of logs.
/// </summary>
public static class PersonalDataRules
{
    public const int MaxNeedsLength = 500, MinPassportNumber = 5, MaxPassportNumber = 20;

    public static (PersonalDetails Cleaned, IReadOnlyList<FieldError> Errors) Validate(PersonalDetails details, DateOnly today, DateOnly assemblyEnds)
    {
        var errors = new List<FieldError>();
        var given = LatinName("given_name_latin", details.GivenNameLatin, errors);
        var family = LatinName("family_name_latin", details.FamilyNameLatin, errors);
        var dietary = TextRules.Text("dietary_needs", details.DietaryNeeds, MaxNeedsLength, required: false, errors);
        var access = TextRules.Text("accessibility_needs", details.AccessibilityNeeds, MaxNeedsLength, required: false, errors);
        var passport = details.Passport is { } p ? CheckPassport(p, today, assemblyEnds, errors) : null;
        if (passport is not null && given.Length == 0)
            errors.Add(new("given_name_latin", "given_name_latin is required with a passport: write the given name in Latin letters as the passport prints it."));
        return (new PersonalDetails(given, family, dietary, access, passport), errors);
    }

    private static Passport CheckPassport(Passport p, DateOnly today, DateOnly assemblyEnds, List<FieldError> errors)
    {
        // Spaces and hyphens are how people copy numbers; the passport itself has neither.
        var number = new string((p.Number ?? "").Where(c => c is not (' ' or '-')).ToArray()).ToUpperInvariant();
        if (number.Length is < MinPassportNumber or > MaxPassportNumber || !number.All(char.IsAsciiLetterOrDigit))
            errors.Add(new("passport.number", $"passport.number must be {MinPassportNumber} to {MaxPassportNumber} letters A–Z and digits, as printed on the passport's data page."));
        var nationality = (p.Nationality ?? "").Trim().ToUpperInvariant();
        if (nationality.Length != 3 || !nationality.All(char.IsAsciiLetterUpper))
            errors.Add(new("passport.nationality", $"passport.nationality \"{TextRules.Shorten(p.Nationality ?? "")}\" must be the passport's three-letter country code (ISO 3166-1 alpha-3, for example KOR or FRA)."));
        if (p.DateOfBirth == default)
            errors.Add(new("passport.date_of_birth", "passport.date_of_birth is required."));
        else if (p.DateOfBirth >= today || p.DateOfBirth < today.AddYears(-120))
            errors.Add(new("passport.date_of_birth", "passport.date_of_birth must be a past date within the last 120 years; check the year."));
        if (p.ExpiresOn == default)
            errors.Add(new("passport.expires_on", "passport.expires_on is required."));
        else if (p.ExpiresOn <= assemblyEnds)
            errors.Add(new("passport.expires_on",
                $"passport.expires_on {p.ExpiresOn:yyyy-MM-dd} is not after the assembly's last day ({assemblyEnds:yyyy-MM-dd}); a visa needs a passport valid beyond the stay. Renew it, or enter the new passport."));
        return new Passport(number, nationality, p.DateOfBirth, p.ExpiresOn);
    }

    /// <summary>A name in Latin letters (accents allowed), spaces, hyphens, apostrophes and full stops; optional.</summary>
    public static string LatinName(string field, string? value, List<FieldError> errors)
    {
        var name = TextRules.Text(field, value, 100, required: false, errors);
        if (!name.All(c => c is ' ' or '-' or '\'' or '.' or '’' || IsLatinLetter(c)))
            errors.Add(new(field, $"{field} \"{TextRules.Shorten(name)}\" must be written in Latin letters, as in the passport (for example \"Kim Min-ji\")."));
        return name;
    }

    private static bool IsLatinLetter(char c) =>
        char.IsLetter(c) && (c <= '\u024F' || c is >= '\u1E00' and <= '\u1EFF');
}
