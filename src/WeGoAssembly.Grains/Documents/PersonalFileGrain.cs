using System.Security.Cryptography;
using System.Text;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Documents;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Documents;

/// <summary>The persisted personal file (see <see cref="IPersonalFileGrain"/>).</summary>
public sealed record PersonalFileState
{
    public PersonalDetails Details { get; init; } = PersonalDetails.None;
    public Photo? Photo { get; init; }
    public VisaLetter? VisaLetter { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>One participant's personal file (see <see cref="IPersonalFileGrain"/>). The caller has checked that the participant exists.</summary>
[GrainType("personal-file")]
public sealed class PersonalFileGrain(
    [PersistentState("personal-file")] IPersistentState<Audited<PersonalFileState>> stored,
    TimeProvider clock,
    ChangeRecording recording)
    : AuditedGrain<PersonalFileState>(stored, recording), IPersonalFileGrain
{
    private string ParticipantId => this.GetPrimaryKeyString();

    public Task<PersonalFile> GetAsync() => Task.FromResult(File());

    public async Task<PersonalFile> UpdateDetailsAsync(PersonalDetails details, DateOnly today, DateOnly assemblyEnds, string actor)
    {
        var (cleaned, errors) = PersonalDataRules.Validate(details, today, assemblyEnds);
        DomainErrors.ThrowIfAny(errors);
        var before = state.State.Details;
        if (cleaned == before)
            return File();
        // An issued letter names this passport, and its verification page shows it: it cannot change under the letter.
        if (cleaned.Passport != before.Passport && state.State.VisaLetter is { Status: VisaLetterStatus.Issued } issued)
            throw new DomainException(DomainErrorKind.StateConflict,
                $"The visa letter {issued.Reference} names the passport on file; ask the secretariat to revoke it before the passport changes, then ask for a new letter.");
        // What changed, never the values of the passport: its number and birth date stay out of the audit log.
        await state.WriteStateAsync(state.State with { Details = cleaned, UpdatedAt = clock.GetUtcNow() },
            Audit(actor, "personal-details.updated", new
            {
                latinName = $"{cleaned.GivenNameLatin} {cleaned.FamilyNameLatin}".Trim(),
                needsChanged = cleaned.DietaryNeeds != before.DietaryNeeds || cleaned.AccessibilityNeeds != before.AccessibilityNeeds,
                passport = cleaned.Passport is null ? (before.Passport is null ? "none" : "removed") : cleaned.Passport == before.Passport ? "unchanged" : "recorded",
                nationality = cleaned.Passport?.Nationality,
            }));
        return File();
    }

    public Task<Photo?> GetPhotoAsync() => Task.FromResult(state.State.Photo);

    public Task SetPhotoAsync(Photo photo, string actor) =>
        state.WriteStateAsync(state.State with { Photo = photo, UpdatedAt = clock.GetUtcNow() },
            Audit(actor, "photo.uploaded", new { photo.Width, photo.Height, bytes = photo.Jpeg.Length }));

    public async Task<VisaLetter> RequestVisaLetterAsync(string actor)
    {
        if (state.State.Details.Passport is null)
            throw new DomainException(DomainErrorKind.StateConflict,
                $"{ParticipantId} has no passport data on file; enter the passport (UpdatePersonalDetails) before asking for a visa letter.");
        if (state.State.VisaLetter is { Status: VisaLetterStatus.Requested or VisaLetterStatus.Issued } current)
            return current;
        var letter = new VisaLetter(VisaLetterStatus.Requested, Reference: "", clock.GetUtcNow(), actor, DecidedAt: null, Reason: "",
            CodeSha256: "", SealedCode: [], Issues: state.State.VisaLetter?.Issues ?? 0);
        await state.WriteStateAsync(state.State with { VisaLetter = letter }, Audit(actor, "visa-letter.requested", new { }));
        return letter;
    }

    public async Task<VisaLetter> DecideVisaLetterAsync(bool issue, string reason, string codeSha256, byte[] sealedCode, string actor)
    {
        var current = state.State.VisaLetter;
        if (current is not { Status: VisaLetterStatus.Requested })
            throw new DomainException(DomainErrorKind.StateConflict, current is null
                ? $"{ParticipantId} has not asked for a visa letter; RequestVisaLetter comes first."
                : $"The visa letter of {ParticipantId} is {current.Status.ToString().ToLowerInvariant()}, not waiting for a decision.");
        if (issue && state.State.Details.Passport is null)
            throw new DomainException(DomainErrorKind.StateConflict, $"{ParticipantId} has no passport data on file any more; a letter names the passport.");
        var errors = new List<FieldError>();
        reason = TextRules.Text("reason", reason, 500, required: !issue, errors);
        DomainErrors.ThrowIfAny(errors);
        var issues = current.Issues + (issue ? 1 : 0);
        var decided = current with
        {
            Status = issue ? VisaLetterStatus.Issued : VisaLetterStatus.Refused,
            Reference = issue ? Reference(issues) : "",
            DecidedAt = clock.GetUtcNow(),
            Reason = reason,
            CodeSha256 = issue ? codeSha256 : "",
            SealedCode = issue ? sealedCode : [],
            Issues = issues,
            RevokedAt = null,
        };
        await state.WriteStateAsync(state.State with { VisaLetter = decided },
            Audit(actor, issue ? "visa-letter.issued" : "visa-letter.refused", new { decided.Reference, reason }));
        return decided;
    }

    public async Task<VisaLetter> RevokeVisaLetterAsync(string reason, string actor)
    {
        var current = state.State.VisaLetter;
        if (current is not { Status: VisaLetterStatus.Issued or VisaLetterStatus.Revoked })
            throw new DomainException(DomainErrorKind.StateConflict, $"{ParticipantId} holds no issued visa letter to revoke.");
        if (current.Status == VisaLetterStatus.Revoked)
            return current;
        var errors = new List<FieldError>();
        reason = TextRules.Text("reason", reason, 500, required: true, errors);
        DomainErrors.ThrowIfAny(errors);
        var revoked = current with { Status = VisaLetterStatus.Revoked, Reason = reason, RevokedAt = clock.GetUtcNow() };
        await state.WriteStateAsync(state.State with { VisaLetter = revoked }, Audit(actor, "visa-letter.revoked", new { revoked.Reference, reason }));
        return revoked;
    }

    public Task<PersonalFile?> VerifyAsync(string codeSha256)
    {
        var letter = state.State.VisaLetter;
        var matches = letter is { CodeSha256.Length: > 0 } && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(letter.CodeSha256), Encoding.ASCII.GetBytes(codeSha256));
        return Task.FromResult(matches ? File() : null);
    }

    public async Task<bool> ErasePassportAsync(string actor)
    {
        if (state.State.Details.Passport is null)
            return false;
        await state.WriteStateAsync(state.State with { Details = state.State.Details with { Passport = null }, UpdatedAt = clock.GetUtcNow() },
            Audit(actor, "passport.erased", new { reason = "retention period over" }));
        return true;
    }

    /// <summary>"WEGO-GA-2023-SEOUL-P3-1": the participant and the how-manieth letter, so it is unique without a counter.</summary>
    private string Reference(int issue) => $"WEGO-{ParticipantId.Replace('.', '-').ToUpperInvariant()}-{issue}";

    private PersonalFile File() => new(ParticipantId, state.State.Details, state.State.Photo is not null, state.State.VisaLetter, state.State.UpdatedAt);

    private AuditRecord Audit(string actor, string action, object details)
    {
        var (assemblyId, cityId) = ParticipantIds.Parse("participant_id", ParticipantId);
        return new(actor, action, $"participant/{assemblyId}/{cityId}/{ParticipantId}", AuditDetails.Of(details));
    }
}
