using Orleans;
using WeGoAssembly.Contracts.Records;
using Orleans.CodeGeneration;
using Orleans.Concurrency;

namespace WeGoAssembly.Contracts.Accreditation;

/// <summary>
/// One member city's delegation to one assembly, keyed "{assemblyId}/{memberCityId}": its participants,
/// their accreditation, badges and presence, and the credentials letter's record.
/// </summary>
// Version 1 added GetParticipantAsync: during a rolling upgrade Orleans sends a call of this version to an activation
// of this version (moving one of version 0), never to a node that does not know the method.
[Alias("wego.IDelegationGrain"), Version(1)]
public interface IDelegationGrain : IAuditedGrain
{
    /// <summary>The delegation (empty when no one is registered); NOT_FOUND for an unknown assembly or member city.</summary>
    Task<Delegation> GetAsync();

    /// <summary>
    /// One registered person, or null: what a caller's standing and a vote need, without the proxies that
    /// <see cref="GetAsync"/> asks the assembly for (the first vote of each member would make two calls on it).
    /// </summary>
    [ReadOnly]
    Task<Participant?> GetParticipantAsync(string participantId);

    /// <summary>Registers a person (status submitted); refuses a second voting delegate, alternate or head of delegation.</summary>
    Task<Participant> RegisterAsync(NewParticipant person, string actor);

    /// <summary>Stores the credentials letter (PDF, PNG or JPEG by content, at most 5 MiB), replacing any earlier one.</summary>
    Task<CredentialsLetter> SubmitCredentialsAsync([Immutable] byte[] content, string fileName, string actor);

    /// <summary>Approves (needs the letter on file) or rejects (needs a reason; revokes a badge) one participant.</summary>
    Task<Participant> ReviewAsync(string participantId, AccreditationDecision decision, string reason, string actor);

    /// <summary>
    /// Issues a badge to an approved participant; re-issuing revokes the earlier QR secret and keeps the number. With
    /// <paramref name="code"/> the badge takes that secret and keeps its sealed form; without, the grain makes a secret.
    /// </summary>
    Task<IssuedBadge> IssueBadgeAsync(string participantId, string actor, NewBadgeCode? code = null);

    /// <summary>The sealed QR secret of the participant's current badge, or null (no badge, or issued without one kept).</summary>
    Task<byte[]?> GetSealedBadgeCodeAsync(string participantId);

    /// <summary>Marks present the holder of the badge stored under <paramref name="badgeKey"/>; idempotent.</summary>
    Task<PresenceChange> CheckInAsync(string participantId, string badgeKey, string actor);

    /// <summary>Marks absent the holder of the badge stored under <paramref name="badgeKey"/>; idempotent.</summary>
    Task<PresenceChange> CheckOutAsync(string participantId, string badgeKey, string actor);

    /// <summary>
    /// Records the city's focal point, whose sign-in code is stored under <paramref name="codeKey"/>; returns the key of the
    /// code of the focal point this one replaces (to be revoked), or null.
    /// </summary>
    Task<string?> InviteFocalPointAsync(FocalPoint focalPoint, string codeKey, string actor);

    /// <summary>Submits the delegation for review before <paramref name="closesAt"/> (null: no deadline); needs at least one person and the letter.</summary>
    Task<Delegation> SubmitForReviewAsync(DateTimeOffset? closesAt, string actor);

    /// <summary>Every check-in and check-out of this delegation, oldest first.</summary>
    Task<IReadOnlyList<PresenceEvent>> GetPresenceHistoryAsync();
}
