using System.Security.Cryptography;
using System.Text.Json;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Documents;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Server.Documents;

/// <summary>
/// What a participant's documents are made from, read from the grains at one moment. <see cref="Refusal"/> says why a
/// kind does not apply now; <see cref="Sha256"/> changes exactly when what a kind prints changes.
/// </summary>
public sealed record DocumentSource(
    Participant Participant,
    MemberCity City,
    Assembly Assembly,
    PersonalFile File,
    byte[]? Photo,
    bool Attended,
    string? BadgeCode,
    string? VerificationUrl,
    DateOnly Today)
{
    /// <summary>The assembly's last day: its end date, else its first day, else the last day of its year.</summary>
    public DateOnly LastDay => AssemblyCalendar.LastDay(Assembly);

    /// <summary>Why <paramref name="kind"/> cannot be had now (a sentence a person can act on), or null when it can.</summary>
    public string? Refusal(DocumentKind kind) => kind switch
    {
        DocumentKind.Confirmation => Participant.Status == AccreditationStatus.Rejected
            ? $"The accreditation of {Participant.DisplayName} was rejected ({Participant.RejectionReason}); there is no registration to confirm."
            : null,
        DocumentKind.Badge => Participant.Status != AccreditationStatus.BadgeIssued
            ? $"{Participant.DisplayName} holds no badge yet; the secretariat issues it after approving the accreditation."
            : BadgeCode is null
                ? $"The printable badge of {Participant.DisplayName} needs its QR code, which is kept only from badges issued since documents exist; issue the badge again (IssueBadge)."
                : null,
        DocumentKind.VisaLetter => File.VisaLetter switch
        {
            null => $"{Participant.DisplayName} has not asked for a visa letter.",
            { Status: VisaLetterStatus.Requested } => $"The visa letter of {Participant.DisplayName} waits for the secretariat's decision.",
            { Status: VisaLetterStatus.Refused } l => $"The visa letter of {Participant.DisplayName} was refused: {l.Reason}",
            { Status: VisaLetterStatus.Revoked } l => $"The visa letter {l.Reference} was revoked: {l.Reason}",
            _ when Participant.Status == AccreditationStatus.Rejected => $"The accreditation of {Participant.DisplayName} was rejected, so the visa letter no longer stands.",
            _ when File.Details.Passport is null => $"The passport data of {Participant.DisplayName} is no longer held (retention); the letter cannot be printed again.",
            _ when VerificationUrl is null => "The letter's verification code cannot be read with the servers' current key; the secretariat can revoke it and issue a new one.",
            _ => null,
        },
        DocumentKind.Certificate => Today <= LastDay
            ? $"The certificate of attendance is made after the assembly's last day ({LastDay:yyyy-MM-dd})."
            : !Attended
                ? $"{Participant.DisplayName} was never checked in at the door; a certificate of attendance needs a check-in."
                : null,
        _ => $"Document kind {kind} is not one of confirmation, badge, visa letter and certificate.",
    };

    /// <summary>The hash of what <paramref name="kind"/> prints (the photo by its hash).</summary>
    public string Sha256(DocumentKind kind)
    {
        var p = Participant;
        var photo = Photo is null ? "" : Convert.ToHexStringLower(SHA256.HashData(Photo));
        object printed = kind switch
        {
            DocumentKind.Confirmation => new { Layout, p.Id, p.GivenName, p.FamilyName, p.Title, p.Organisation, p.Role, p.HeadOfDelegation, p.Status, p.RegisteredAt, Latin = LatinName, City = CityName, Assembly },
            DocumentKind.Badge => new { Layout, p.Id, p.GivenName, p.FamilyName, p.Title, p.Role, p.BadgeNumber, Latin = LatinName, City = CityName, AssemblyTitle = Assembly.Title, BadgeCode, photo },
            DocumentKind.VisaLetter => new { Layout, p.Id, p.GivenName, p.FamilyName, p.Role, Latin = LatinName, City = CityName, Assembly, File.Details.Passport, File.VisaLetter?.Reference, File.VisaLetter?.DecidedAt, VerificationUrl },
            _ => new { Layout, p.Id, p.GivenName, p.FamilyName, Latin = LatinName, City = CityName, Assembly },
        };
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(printed)));
    }

    /// <summary>Raise it when a layout changes, so stored documents are made again.</summary>
    private const int Layout = 1;

    public string LatinName => $"{File.Details.GivenNameLatin} {File.Details.FamilyNameLatin.ToUpperInvariant()}".Trim();

    public string CityName => City.NameLocal.Length == 0 || City.NameLocal == City.NameEn ? City.NameEn : $"{City.NameEn} · {City.NameLocal}";

    public string FileName(DocumentKind kind) => $"wego-{kind switch
    {
        DocumentKind.Confirmation => "confirmation",
        DocumentKind.Badge => "badge",
        DocumentKind.VisaLetter => "visa-letter",
        _ => "certificate",
    }}-{Participant.Id}.pdf";
}
