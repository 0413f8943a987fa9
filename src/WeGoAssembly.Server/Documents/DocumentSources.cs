using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Documents;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Accreditation;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Server.Notifications;

namespace WeGoAssembly.Server.Documents;

/// <summary>Reads a participant's <see cref="DocumentSource"/> from the grains, opening the sealed QR codes.</summary>
public sealed class DocumentSources(IGrainFactory grains, SecretBox secrets, MailOptions mail, TimeProvider clock)
{
    /// <summary>The source, or NOT_FOUND for a participant that is not registered.</summary>
    public async Task<DocumentSource> ReadAsync(string participantId)
    {
        var (assemblyId, cityId) = ParticipantIds.Parse("participant_id", participantId);
        var delegation = grains.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(assemblyId, cityId));
        var participant = (await delegation.GetAsync()).Participants.FirstOrDefault(p => p.Id == participantId)
            ?? throw DomainException.NotFound($"No participant \"{TextRules.Shorten(participantId)}\" is registered in the delegation of {cityId} to {assemblyId}.");
        var file = grains.GetGrain<IPersonalFileGrain>(participantId);
        var personal = await file.GetAsync();
        var photo = personal.HasPhoto ? (await file.GetPhotoAsync())?.Jpeg : null;
        var assembly = await grains.GetGrain<IAssemblyGrain>(assemblyId).GetAsync()
            ?? throw DomainException.NotFound($"No assembly \"{assemblyId}\" exists.");
        var city = await grains.GetGrain<IMemberCityGrain>(cityId).GetAsync()
            ?? throw DomainException.NotFound($"No member city \"{cityId}\" is registered.");
        var attended = (await delegation.GetPresenceHistoryAsync()).Any(e => e.ParticipantId == participantId && e.CheckedIn);
        var badgeCode = await delegation.GetSealedBadgeCodeAsync(participantId) is { } sealedBadge ? secrets.Open(sealedBadge) : null;
        var letterCode = personal.VisaLetter is { SealedCode.Length: > 0 } letter ? secrets.Open(letter.SealedCode) : null;
        return new DocumentSource(participant, city, assembly, personal, photo, attended, badgeCode,
            letterCode is null ? null : VerificationUrl(letterCode), AssemblyCalendar.DayAt(assembly, clock.GetUtcNow()));
    }

    /// <summary>The page an embassy opens from the letter's QR code.</summary>
    public string VerificationUrl(string code) => $"{mail.SiteUrl.TrimEnd('/')}/verify/{Uri.EscapeDataString(code)}";
}
