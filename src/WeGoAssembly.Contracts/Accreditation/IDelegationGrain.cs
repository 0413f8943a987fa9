using WeGoAssembly.Runtime;

namespace WeGoAssembly.Contracts.Accreditation;

/// <summary>
/// One member city's delegation to one assembly, keyed "{assemblyId}/{memberCityId}": its participants,
/// their accreditation, badges and presence, and the credentials letter's record.
/// </summary>
public interface IDelegationGrain : IGrainWithStringKey
{
    /// <summary>The delegation (empty when no one is registered); NOT_FOUND for an unknown assembly or member city.</summary>
    Task<Delegation> GetAsync();

    /// <summary>Registers a person (status submitted); refuses a second voting delegate, alternate or head of delegation.</summary>
    Task<Participant> RegisterAsync(NewParticipant person, string actor);

    /// <summary>Stores the credentials letter (PDF, PNG or JPEG by content, at most 5 MiB), replacing any earlier one.</summary>
    Task<CredentialsLetter> SubmitCredentialsAsync(byte[] content, string fileName, string actor);

    /// <summary>Approves (needs the letter on file) or rejects (needs a reason; revokes a badge) one participant.</summary>
    Task<Participant> ReviewAsync(string participantId, AccreditationDecision decision, string reason, string actor);

    /// <summary>Issues a badge to an approved participant; re-issuing revokes the earlier QR secret and keeps the number.</summary>
    Task<IssuedBadge> IssueBadgeAsync(string participantId, string actor);

    /// <summary>Marks present the holder of the badge stored under <paramref name="badgeKey"/>; idempotent.</summary>
    Task<PresenceChange> CheckInAsync(string participantId, string badgeKey, string actor);

    /// <summary>Marks absent the holder of the badge stored under <paramref name="badgeKey"/>; idempotent.</summary>
    Task<PresenceChange> CheckOutAsync(string participantId, string badgeKey, string actor);

    /// <summary>Every check-in and check-out of this delegation, oldest first.</summary>
    Task<IReadOnlyList<PresenceEvent>> GetPresenceHistoryAsync();
}

/// <summary>Who a badge belongs to, as its index entry records it.</summary>
public sealed record BadgeHolder(string ParticipantId, string AssemblyId, string MemberCityId, string BadgeNumber, bool Revoked);

/// <summary>
/// The index from a badge's QR secret to its holder, keyed by the lower-case hex SHA-256 of the
/// secret: the secret itself is never stored. The delegation stays the judge of whether the badge is current.
/// </summary>
public interface IBadgeGrain : IGrainWithStringKey
{
    /// <summary>Records the holder of a newly issued badge.</summary>
    Task IssueAsync(BadgeHolder holder);

    /// <summary>The holder, or null for a code never issued.</summary>
    Task<BadgeHolder?> GetAsync();

    /// <summary>Marks the badge revoked (replaced by a newer one, or the accreditation rejected).</summary>
    Task RevokeAsync();
}

/// <summary>A stored credentials letter: its record and its bytes.</summary>
public sealed record StoredLetter(CredentialsLetter Letter, byte[] Content);

/// <summary>
/// The bytes of one credentials letter, keyed "{assemblyId}/{memberCityId}/{sha256}": content-addressed, so
/// the delegation's record always names bytes that exist, and the large bytes stay out of the delegation's state.
/// </summary>
public interface ICredentialsLetterGrain : IGrainWithStringKey
{
    /// <summary>Stores the letter once; storing the same content again changes nothing.</summary>
    Task StoreAsync(StoredLetter letter);

    /// <summary>The letter, or null when none is stored under this key.</summary>
    Task<StoredLetter?> GetAsync();
}
