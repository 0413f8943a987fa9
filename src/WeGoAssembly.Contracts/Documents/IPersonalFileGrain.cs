using Orleans;

namespace WeGoAssembly.Contracts.Documents;

/// <summary>
/// A participant's personal file, keyed by the participant id: names in Latin letters, needs, passport, photo and the
/// visa letter. Kept apart from the delegation, so that personal data has its own access rule and its own retention,
/// and its photo is not rewritten with every door scan. Its audit entries never name a passport number or a birth date.
/// </summary>
[Alias("wego.IPersonalFileGrain")]
public interface IPersonalFileGrain : IGrainWithStringKey
{
    Task<PersonalFile> GetAsync();

    /// <summary>Replaces the details; the passport must not expire before <paramref name="assemblyEnds"/>.</summary>
    Task<PersonalFile> UpdateDetailsAsync(PersonalDetails details, DateOnly today, DateOnly assemblyEnds, string actor);

    Task<Photo?> GetPhotoAsync();

    Task SetPhotoAsync(Photo photo, string actor);

    /// <summary>Asks for a visa letter; needs a passport on file. Asking again while one is asked or issued changes nothing.</summary>
    Task<VisaLetter> RequestVisaLetterAsync(string actor);

    /// <summary>Issues the letter asked for (with the hash and the sealed form of a fresh verification code) or refuses it.</summary>
    Task<VisaLetter> DecideVisaLetterAsync(bool issue, string reason, string codeSha256, byte[] sealedCode, string actor);

    Task<VisaLetter> RevokeVisaLetterAsync(string reason, string actor);

    /// <summary>The file when <paramref name="codeSha256"/> is the hash of its letter's code (issued or revoked), else null.</summary>
    Task<PersonalFile?> VerifyAsync(string codeSha256);

    /// <summary>Deletes the passport data (retention); true when there was any.</summary>
    Task<bool> ErasePassportAsync(string actor);
}
