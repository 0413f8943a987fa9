using System.Text.RegularExpressions;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Membership;

namespace WeGoAssembly.Grains.Rules;

/// <summary>What a valid register entry looks like, and how dues may change.</summary>
public static partial class MemberCityRules
{
    /// <summary>Dues years outside this range are typing mistakes, not history.</summary>
    public const int FirstDuesYear = 1990, LastDuesYear = 2200;

    /// <summary>Checks and cleans an entry: returns the cleaned entry and every problem found.</summary>
    public static (MemberCity Entry, IReadOnlyList<FieldError> Errors) Validate(MemberCity entry)
    {
        var errors = new List<FieldError>();
        var cleaned = entry with
        {
            Id = TextRules.Slug("id", entry.Id, errors),
            NameEn = TextRules.Text("name_en", entry.NameEn, 200, required: true, errors),
            NameLocal = TextRules.Text("name_local", entry.NameLocal, 200, required: false, errors),
            CountryCode = (entry.CountryCode ?? "").Trim(),
        };
        if (!CountryCodePattern().IsMatch(cleaned.CountryCode))
            errors.Add(new("country_code", $"country_code \"{TextRules.Shorten(cleaned.CountryCode)}\" must be an ISO 3166-1 alpha-2 code in capitals, such as KR."));
        if (!Enum.IsDefined(entry.Category))
            errors.Add(new("category", "category is required: Full, Associate, Friendship or Corporate."));
        if (!Enum.IsDefined(entry.Status))
            errors.Add(new("status", "status must be Active, Suspended or Withdrawn."));
        if (entry.DuesPaidThroughYear != 0 && entry.DuesPaidThroughYear is < FirstDuesYear or > LastDuesYear)
            errors.Add(new("dues_paid_through_year", $"dues_paid_through_year {entry.DuesPaidThroughYear} must be 0 (none recorded) or a year from {FirstDuesYear} to {LastDuesYear}."));
        return (cleaned, errors);
    }

    /// <summary>
    /// A payment moves the paid-through year forward, never back: a year out of range is bad input,
    /// a year behind the one recorded conflicts with the register (a correction is an upsert).
    /// </summary>
    public static DomainException? CheckDuesPayment(int currentlyPaidThrough, int paidThroughYear)
    {
        if (paidThroughYear is < FirstDuesYear or > LastDuesYear)
            return DomainException.Invalid("paid_through_year", $"paid_through_year {paidThroughYear} must be a year from {FirstDuesYear} to {LastDuesYear}.");
        if (paidThroughYear < currentlyPaidThrough)
            return new DomainException(DomainErrorKind.StateConflict,
                $"Dues are already paid through {currentlyPaidThrough}; a payment cannot move that back to {paidThroughYear}. To correct the register, update the member city.",
                "paid_through_year");
        return null;
    }

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryCodePattern();
}
