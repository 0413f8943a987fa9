using Orleans;

namespace WeGoAssembly.Contracts.Documents;

/// <summary>A passport as a visa letter names it. Personal data: readable only by the person, their focal point and the secretariat.</summary>
[GenerateSerializer, Alias("wego.Passport")]
public sealed record Passport(string Number, string Nationality, DateOnly DateOfBirth, DateOnly ExpiresOn)
{
    /// <summary>The number as a verification page shows it: every character but the last four hidden.</summary>
    public string MaskedNumber => Number.Length <= 4 ? new string('•', Number.Length) : new string('•', Number.Length - 4) + Number[^4..];
}

/// <summary>What a participant's record holds beyond accreditation: names in Latin letters, needs, and the passport (optional).</summary>
[GenerateSerializer, Alias("wego.PersonalDetails")]
public sealed record PersonalDetails(string GivenNameLatin, string FamilyNameLatin, string DietaryNeeds, string AccessibilityNeeds, Passport? Passport)
{
    public static PersonalDetails None { get; } = new("", "", "", "", null);
}

/// <summary>A participant's photo, as re-encoded on upload (JPEG, metadata dropped).</summary>
[GenerateSerializer, Alias("wego.Photo"), Immutable]
public sealed record Photo(byte[] Jpeg, int Width, int Height, DateTimeOffset UploadedAt);

/// <summary>Where a visa invitation letter stands; numbers equal the proto VisaLetterStatus values.</summary>
[GenerateSerializer, Alias("wego.VisaLetterStatus")]
public enum VisaLetterStatus { Requested = 1, Issued = 2, Refused = 3, Revoked = 4 }

/// <summary>
/// A visa invitation letter: asked for, then issued (with a reference and a verification code) or refused by the
/// secretariat (<see cref="DecidedAt"/>), and revocable (<see cref="RevokedAt"/>). Only the code's hash is kept in clear; <see cref="SealedCode"/> is the code sealed
/// with the servers' key, so that the letter's QR code can be printed again.
/// </summary>
[GenerateSerializer, Alias("wego.VisaLetter")]
public sealed record VisaLetter(
    VisaLetterStatus Status,
    string Reference,
    DateTimeOffset RequestedAt,
    string RequestedBy,
    DateTimeOffset? DecidedAt,
    string Reason,
    string CodeSha256,
    byte[] SealedCode,
    int Issues,
    DateTimeOffset? RevokedAt = null);

/// <summary>Everything a participant's personal file holds, as its grain returns it.</summary>
[GenerateSerializer, Alias("wego.PersonalFile")]
public sealed record PersonalFile(
    string ParticipantId,
    PersonalDetails Details,
    bool HasPhoto,
    VisaLetter? VisaLetter,
    DateTimeOffset? UpdatedAt);
