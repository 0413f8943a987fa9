using System.Text;
using System.Text.RegularExpressions;
using WeGoAssembly.Contracts;

namespace WeGoAssembly.Grains.Rules;

/// <summary>Checks shared by every text a person types: names in any script, ids, codes.</summary>
public static partial class TextRules
{
    /// <summary>
    /// A human-readable text (a name, a title): trimmed, Unicode NFC (so "서울" typed as jamo or as
    /// syllables is stored once), no control characters, at most <paramref name="maxLength"/> characters.
    /// Returns the cleaned text, or adds an error and returns it as far as it could be cleaned.
    /// </summary>
    public static string Text(string field, string? value, int maxLength, bool required, List<FieldError> errors)
    {
        var text = (value ?? "").Trim();
        if (text.Length > 0 && !text.IsNormalized(NormalizationForm.FormC))
            text = text.Normalize(NormalizationForm.FormC);
        if (required && text.Length == 0)
            errors.Add(new(field, $"{field} is required."));
        else if (text.Length > maxLength)
            errors.Add(new(field, $"{field} is {text.Length} characters long; at most {maxLength} are allowed."));
        else if (text.Any(char.IsControl))
            errors.Add(new(field, $"{field} contains a control character (such as a tab or line break)."));
        return text;
    }

    /// <summary>An id slug: 2 to 64 lower-case ASCII letters, digits and single hyphens, e.g. "ga-2023".</summary>
    public static string Slug(string field, string? value, List<FieldError> errors)
    {
        var id = (value ?? "").Trim();
        if (id.Length == 0)
            errors.Add(new(field, $"{field} is required."));
        else if (id.Length is < 2 or > 64 || !SlugPattern().IsMatch(id))
            errors.Add(new(field, $"{field} \"{Shorten(id)}\" must be 2 to 64 lower-case letters, digits and single hyphens (for example \"seoul\" or \"ga-2023\")."));
        return id;
    }

    /// <summary>Cuts a long value for quoting in an error message.</summary>
    public static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}
