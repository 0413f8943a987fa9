using System.Security.Cryptography;
using WeGoAssembly.Grains.Auth;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Accreditation;

/// <summary>
/// A participant as stored: the record, the key (hash of the QR secret) of the one badge that scans, and that secret
/// sealed with the servers' key, for printing the badge (empty for badges issued before documents existed).
/// </summary>
public sealed record StoredParticipant(Participant Participant, string BadgeKey = "", byte[]? SealedBadgeCode = null);

/// <summary>
/// The persisted delegation: its participants, the record of its credentials letter (the bytes live in a
/// <see cref="CredentialsLetterGrain"/>) and the history of door scans for the attendance export.
/// </summary>
public sealed record DelegationState
{
    public int LastParticipantNumber { get; init; }
    public List<StoredParticipant> Participants { get; init; } = [];
    public CredentialsLetter? Letter { get; init; }
    public List<PresenceEvent> PresenceHistory { get; init; } = [];
    public FocalPoint? FocalPoint { get; init; }
    /// <summary>The key (hash) of the focal point's sign-in code, to revoke it when another is invited.</summary>
    public string FocalPointCodeKey { get; init; } = "";
    public DateTimeOffset? SubmittedForReviewAt { get; init; }
}

/// <summary>
/// One member city's delegation to one assembly, keyed "{assemblyId}/{memberCityId}". It owns each
/// participant's accreditation, badge and presence; every change is stored with its audit entry, and
/// the presence of the voting delegate and alternate is reported to the assembly grain after each scan.
/// Calls go to the assembly, member city, badge and letter grains, never back here.
/// </summary>
[GrainType(TypeName)]
public sealed class DelegationGrain(
    [PersistentState(DelegationGrain.StateName)] IPersistentState<Audited<DelegationState>> stored,
    TimeProvider clock,
    AccessChanges changes, ChangeRecording recording)
    : AuditedGrain<DelegationState>(stored, recording, project: TypeName), IDelegationGrain
{
    public const string TypeName = "delegation", StateName = "delegation";

    private bool knownToExist;

    private (string AssemblyId, string MemberCityId) Key
    {
        get
        {
            var parts = this.GetPrimaryKeyString().Split('/');
            return parts.Length == 2 ? (parts[0], parts[1]) : throw new InvalidOperationException($"Delegation key \"{this.GetPrimaryKeyString()}\" is not \"assembly/member-city\".");
        }
    }

    private IAssemblyGrain AssemblyGrain => GrainFactory.GetGrain<IAssemblyGrain>(Key.AssemblyId);

    public async Task<Delegation> GetAsync()
    {
        if (state.State.Participants.Count == 0 && state.State.Letter is null)
            await RequireAssemblyAndCityAsync();
        var (assemblyId, cityId) = Key;
        var proxies = await AssemblyGrain.GetProxiesAsync(includeRevoked: false);
        return new Delegation(assemblyId, cityId,
            state.State.Participants.Select(p => p.Participant).ToArray(),
            state.State.Letter,
            proxies.FirstOrDefault(p => p.GrantorMemberCityId == cityId),
            proxies.Where(p => p.HolderMemberCityId == cityId).ToArray(),
            state.State.FocalPoint,
            state.State.SubmittedForReviewAt);
    }

    public Task<Participant?> GetParticipantAsync(string participantId) =>
        Task.FromResult(state.State.Participants.FirstOrDefault(p => p.Participant.Id == participantId)?.Participant);

    public async Task<string?> InviteFocalPointAsync(FocalPoint focalPoint, string codeKey, string actor)
    {
        var (cleaned, errors) = DelegationRules.Validate(focalPoint);
        DomainErrors.ThrowIfAny(errors);
        var member = await RequireAssemblyAndCityAsync();
        if (member.Status == MemberStatus.Withdrawn)
            throw new DomainException(DomainErrorKind.StateConflict, $"{member.NameEn} ({member.Id}) has withdrawn from WeGO and cannot send a delegation.");
        var previous = state.State.FocalPointCodeKey;
        var invited = cleaned with { InvitedAt = clock.GetUtcNow(), InvitedBy = actor };
        await state.WriteStateAsync(state.State with { FocalPoint = invited, FocalPointCodeKey = codeKey },
            new AuditRecord(actor, "focal-point.invited", $"delegation/{this.GetPrimaryKeyString()}",
                AuditDetails.Of(new { invited.Name, invited.Email, invited.Language, replaced = state.State.FocalPoint?.Name })));
        return previous.Length > 0 ? previous : null;
    }

    public async Task<Delegation> SubmitForReviewAsync(DateTimeOffset? closesAt, string actor)
    {
        await RequireAssemblyAndCityAsync();
        if (clock.GetUtcNow() >= closesAt)
            throw new DomainException(DomainErrorKind.StateConflict,
                $"Registration for {Key.AssemblyId} closed at {closesAt:yyyy-MM-dd HH:mm zzz}; ask the secretariat to submit the delegation.");
        if (state.State.Participants.Count == 0)
            throw new DomainException(DomainErrorKind.StateConflict, $"The delegation of {Key.MemberCityId} has no one registered yet; register its people first.");
        if (state.State.Letter is null)
            throw new DomainException(DomainErrorKind.StateConflict, $"The delegation of {Key.MemberCityId} has no credentials letter on file; upload the letter signed by the city before submitting.");
        await state.WriteStateAsync(state.State with { SubmittedForReviewAt = clock.GetUtcNow() },
            new AuditRecord(actor, "delegation.submitted", $"delegation/{this.GetPrimaryKeyString()}",
                AuditDetails.Of(new { people = state.State.Participants.Count(p => p.Participant.Status != AccreditationStatus.Rejected) })));
        return await GetAsync();
    }

    public Task<IReadOnlyList<PresenceEvent>> GetPresenceHistoryAsync() =>
        Task.FromResult<IReadOnlyList<PresenceEvent>>(state.State.PresenceHistory.ToArray());

    public async Task<Participant> RegisterAsync(NewParticipant person, string actor)
    {
        var (cleaned, errors) = DelegationRules.Validate(person);
        DomainErrors.ThrowIfAny(errors);
        var member = await RequireAssemblyAndCityAsync();
        if (member.Status == MemberStatus.Withdrawn)
            throw new DomainException(DomainErrorKind.StateConflict, $"{member.NameEn} ({member.Id}) has withdrawn from WeGO and cannot send a delegation.");
        var participants = state.State.Participants.Select(p => p.Participant).ToArray();
        if (DelegationRules.CheckPlace(participants, cleaned.Role, cleaned.HeadOfDelegation) is { } refused)
            throw refused;

        var (assemblyId, cityId) = Key;
        var number = state.State.LastParticipantNumber + 1;
        var participant = new Participant(
            ParticipantIds.Format(assemblyId, cityId, number), assemblyId, cityId,
            cleaned.GivenName, cleaned.FamilyName, cleaned.Title, cleaned.Organisation, cleaned.Email,
            cleaned.Role, cleaned.HeadOfDelegation, AccreditationStatus.Submitted, RejectionReason: "", BadgeNumber: "",
            PresenceStatus.NotArrived, PresenceChangedAt: null, RegisteredAt: clock.GetUtcNow(), cleaned.Language);
        await state.WriteStateAsync(
            state.State with { LastParticipantNumber = number, Participants = [.. state.State.Participants, new StoredParticipant(participant)] },
            Audit(actor, "participant.registered", participant, new { name = participant.DisplayName, role = participant.Role, headOfDelegation = participant.HeadOfDelegation }));
        return participant;
    }

    public async Task<CredentialsLetter> SubmitCredentialsAsync(byte[] content, string fileName, string actor)
    {
        var (contentType, name) = CredentialsLetterRules.Check(content, fileName);
        await RequireAssemblyAndCityAsync();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        var letter = new CredentialsLetter(contentType, name, content.LongLength, sha256, clock.GetUtcNow());
        // Bytes first, under their hash: the record written next always names bytes that are stored.
        await GrainFactory.GetGrain<ICredentialsLetterGrain>($"{this.GetPrimaryKeyString()}/{sha256}").StoreAsync(new StoredLetter(letter, content));
        await state.WriteStateAsync(state.State with { Letter = letter },
            new AuditRecord(actor, "credentials.submitted", $"delegation/{this.GetPrimaryKeyString()}",
                AuditDetails.Of(new { letter.ContentType, letter.FileName, letter.SizeBytes, letter.Sha256 })));
        return letter;
    }

    public async Task<Participant> ReviewAsync(string participantId, AccreditationDecision decision, string reason, string actor)
    {
        reason = DelegationRules.Reason(decision, reason);
        var (index, stored) = Find(participantId);
        var participant = stored.Participant;
        if (decision == AccreditationDecision.Approve)
        {
            if (state.State.Letter is null)
                throw new DomainException(DomainErrorKind.StateConflict,
                    $"The delegation of {participant.MemberCityId} has no credentials letter on file; upload the letter before approving {participant.DisplayName}.");
            if (participant.Status is AccreditationStatus.Approved or AccreditationStatus.BadgeIssued)
                return participant;   // approved already: nothing changes
            if (DelegationRules.CheckPlace(state.State.Participants.Select(p => p.Participant), participant.Role, participant.HeadOfDelegation, exceptId: participant.Id) is { } refused)
                throw refused;
            var approved = participant with { Status = AccreditationStatus.Approved, RejectionReason = "" };
            await WriteAsync(index, stored with { Participant = approved }, history: null,
                Audit(actor, "accreditation.approved", approved, new { name = approved.DisplayName, previous = participant.Status }));
            return approved;
        }

        var now = clock.GetUtcNow();
        var wasInHall = participant.Presence == PresenceStatus.CheckedIn;
        var rejected = participant with
        {
            Status = AccreditationStatus.Rejected,
            RejectionReason = reason,
            Presence = wasInHall ? PresenceStatus.CheckedOut : participant.Presence,
            PresenceChangedAt = wasInHall ? now : participant.PresenceChangedAt,
        };
        var history = wasInHall ? new PresenceEvent(participant.Id, CheckedIn: false, now, actor, "accreditation rejected") : null;
        await WriteAsync(index, new StoredParticipant(rejected), history,
            Audit(actor, "accreditation.rejected", rejected,
                new { name = rejected.DisplayName, reason, previous = participant.Status, badgeRevoked = stored.BadgeKey.Length > 0, checkedOut = wasInHall }));
        changes.Notify($"participant:{participant.Id}");
        if (stored.BadgeKey.Length > 0)
            await GrainFactory.GetGrain<IBadgeGrain>(stored.BadgeKey).RevokeAsync();
        if (wasInHall)
            await ReportPresenceAsync();
        return rejected;
    }

    public Task<byte[]?> GetSealedBadgeCodeAsync(string participantId) =>
        Task.FromResult(Find(participantId).Stored is { BadgeKey.Length: > 0, SealedBadgeCode: { } code } ? code : null);

    public async Task<IssuedBadge> IssueBadgeAsync(string participantId, string actor, NewBadgeCode? code = null)
    {
        var (index, current) = Find(participantId);
        var participant = current.Participant;
        if (participant.Status is AccreditationStatus.Submitted or AccreditationStatus.Rejected)
            throw new DomainException(DomainErrorKind.StateConflict, participant.Status == AccreditationStatus.Submitted
                ? $"{participant.DisplayName} ({participant.Id}) is not approved yet; approve the accreditation first."
                : $"The accreditation of {participant.DisplayName} ({participant.Id}) was rejected ({participant.RejectionReason}); a badge needs an approval.");

        var number = participant.BadgeNumber.Length > 0 ? participant.BadgeNumber : await AssemblyGrain.AllocateBadgeNumberAsync(actor);
        var (secret, key) = code is null ? BadgeSecrets.New() : (code.Secret, BadgeSecrets.KeyOf(code.Secret));
        // The index entry first: by the time the badge is handed out, its code scans.
        await GrainFactory.GetGrain<IBadgeGrain>(key).IssueAsync(new BadgeHolder(participant.Id, participant.AssemblyId, participant.MemberCityId, number, Revoked: false));
        var issued = participant with { Status = AccreditationStatus.BadgeIssued, BadgeNumber = number };
        await WriteAsync(index, new StoredParticipant(issued, key, code?.Sealed), history: null,
            Audit(actor, "badge.issued", issued, new { name = issued.DisplayName, badgeNumber = number, replacedEarlierBadge = current.BadgeKey.Length > 0 }));
        if (current.BadgeKey.Length > 0)
            await GrainFactory.GetGrain<IBadgeGrain>(current.BadgeKey).RevokeAsync();
        return new IssuedBadge(issued, number, secret, ReplacedEarlierBadge: current.BadgeKey.Length > 0);
    }

    public Task<PresenceChange> CheckInAsync(string participantId, string badgeKey, string actor) => ScanAsync(participantId, badgeKey, checkIn: true, actor);

    public Task<PresenceChange> CheckOutAsync(string participantId, string badgeKey, string actor) => ScanAsync(participantId, badgeKey, checkIn: false, actor);

    private async Task<PresenceChange> ScanAsync(string participantId, string badgeKey, bool checkIn, string actor)
    {
        var (index, stored) = Find(participantId);
        var participant = stored.Participant;
        if (participant.Status == AccreditationStatus.Rejected)
            throw new DomainException(DomainErrorKind.StateConflict,
                $"The accreditation of {participant.DisplayName} ({participant.MemberCityId}) was rejected: {participant.RejectionReason} Refer them to the secretariat.");
        if (stored.BadgeKey != badgeKey)
            throw DomainException.NotFound(
                $"This badge of {participant.DisplayName} ({participant.MemberCityId}) was revoked: a newer badge ({participant.BadgeNumber}) was issued. Scan the newest badge.");
        if (participant.Status != AccreditationStatus.BadgeIssued)
            throw new DomainException(DomainErrorKind.StateConflict, $"{participant.DisplayName} ({participant.MemberCityId}) holds no valid badge; the secretariat must issue one.");

        var wanted = checkIn ? PresenceStatus.CheckedIn : PresenceStatus.CheckedOut;
        var inHall = participant.Presence == PresenceStatus.CheckedIn;
        if (inHall == checkIn)
        {
            // A repeated scan changes nothing, but re-sends the presence: it heals a report that failed before.
            await ReportPresenceAsync();
            return new PresenceChange(participant, Changed: false);
        }

        var now = clock.GetUtcNow();
        var changed = participant with { Presence = wanted, PresenceChangedAt = now };
        await WriteAsync(index, stored with { Participant = changed }, new PresenceEvent(participant.Id, checkIn, now, actor),
            Audit(actor, checkIn ? "presence.checked-in" : "presence.checked-out", changed, new { name = changed.DisplayName, badgeNumber = changed.BadgeNumber, role = changed.Role }));
        await ReportPresenceAsync();
        return new PresenceChange(changed, Changed: true);
    }

    private Task ReportPresenceAsync() =>
        AssemblyGrain.ReportVoterPresenceAsync(Key.MemberCityId, DelegationRules.PresenceOf(state.State.Participants.Select(p => p.Participant)));

    private Task WriteAsync(int index, StoredParticipant next, PresenceEvent? history, AuditRecord audit)
    {
        var participants = state.State.Participants.ToList();
        participants[index] = next;
        return state.WriteStateAsync(
            state.State with { Participants = participants, PresenceHistory = history is null ? state.State.PresenceHistory : [.. state.State.PresenceHistory, history] },
            audit);
    }

    private (int Index, StoredParticipant Stored) Find(string participantId)
    {
        var index = state.State.Participants.FindIndex(p => p.Participant.Id == participantId);
        return index >= 0
            ? (index, state.State.Participants[index])
            : throw DomainException.NotFound($"No participant \"{participantId}\" is registered in the delegation of {Key.MemberCityId} to {Key.AssemblyId}.");
    }

    /// <summary>The member city's register entry, once the assembly and the city are both known to exist.</summary>
    private async Task<MemberCity> RequireAssemblyAndCityAsync()
    {
        var (assemblyId, cityId) = Key;
        if (!knownToExist && await AssemblyGrain.GetAsync() is null)
            throw DomainException.NotFound($"No assembly \"{assemblyId}\" exists; check the id with GetAssembly.");
        var member = await GrainFactory.GetGrain<IMemberCityGrain>(cityId).GetAsync()
            ?? throw DomainException.NotFound($"No member city \"{cityId}\" is registered; check the id or list the register with ListMemberCities.");
        knownToExist = true;
        return member;
    }

    private static AuditRecord Audit(string actor, string action, Participant p, object details) =>
        new(actor, action, $"participant/{p.AssemblyId}/{p.MemberCityId}/{p.Id}", AuditDetails.Of(details));
}
