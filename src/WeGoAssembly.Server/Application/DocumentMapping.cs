using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using WeGoAssembly.Contracts;
using Domain = WeGoAssembly.Contracts.Documents;
using V1 = WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Application;

/// <summary>Between the personal-file records and their proto messages.</summary>
public static class DocumentMapping
{
    public static V1.PersonalDetails ToProto(this Domain.PersonalDetails d) => new()
    {
        GivenNameLatin = d.GivenNameLatin,
        FamilyNameLatin = d.FamilyNameLatin,
        DietaryNeeds = d.DietaryNeeds,
        AccessibilityNeeds = d.AccessibilityNeeds,
        Passport = d.Passport is { } p
            ? new V1.Passport { Number = p.Number, Nationality = p.Nationality, DateOfBirth = p.DateOfBirth.ToString("yyyy-MM-dd"), ExpiresOn = p.ExpiresOn.ToString("yyyy-MM-dd") }
            : null,
    };

    public static Domain.PersonalDetails ToDomain(this V1.PersonalDetails? d) => d is null
        ? throw DomainException.Invalid("details", "details is required: send the whole set (an empty message clears it).")
        : new(d.GivenNameLatin, d.FamilyNameLatin, d.DietaryNeeds, d.AccessibilityNeeds,
            d.Passport is { } p ? new(p.Number, p.Nationality, Date("passport.date_of_birth", p.DateOfBirth), Date("passport.expires_on", p.ExpiresOn)) : null);

    public static V1.VisaLetter ToProto(this Domain.VisaLetter l) => new()
    {
        Status = (V1.VisaLetterStatus)l.Status,
        Reference = l.Reference,
        RequestedAt = Timestamp.FromDateTimeOffset(l.RequestedAt),
        DecidedAt = l.DecidedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        Reason = l.Reason,
        RevokedAt = l.RevokedAt is { } revoked ? Timestamp.FromDateTimeOffset(revoked) : null,
    };

    public static V1.GetDocumentResponse ToProto(this Domain.GeneratedDocument d, string fileName) => new()
    {
        Pdf = ByteString.CopyFrom(d.Pdf),
        FileName = fileName,
        GeneratedAt = Timestamp.FromDateTimeOffset(d.GeneratedAt),
    };

    /// <summary>A passport date; the message does not repeat the value (a birth date is personal data, and messages reach logs).</summary>
    private static DateOnly Date(string field, string value) =>
        value.Length == 0 ? default
        : DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", out var date) ? date
        : throw DomainException.Invalid(field, $"{field} is not a date in the form YYYY-MM-DD (for example 1980-04-23).");
}
