using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Auth;

/// <summary>The persisted binding of one access code (by its hash) to a participant.</summary>
public sealed class AccessCodeState
{
    public ParticipantRef? Participant { get; set; }
    public bool Revoked { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>One participant's access code, stored under the code's SHA-256 (<see cref="AccessCodes.KeyOf"/>), never the code.</summary>
[GrainType(TypeName)]
public sealed class AccessCodeGrain(
    [PersistentState(AccessCodeGrain.StateName)] IPersistentState<Audited<AccessCodeState>> stored,
    TimeProvider clock,
    AccessChanges changes, ChangeRecording recording)
    : AuditedGrain<AccessCodeState>(stored, recording), IAccessCodeGrain
{
    public const string TypeName = "access-code", StateName = "code";

    public Task<ParticipantRef?> GetAsync() =>
        Task.FromResult(state.State.Revoked ? null : state.State.Participant);

    public async Task IssueAsync(ParticipantRef participant, string actor)
    {
        ArgumentNullException.ThrowIfNull(participant);
        // A key that is not a SHA-256 would mean a caller stored the code itself: refuse rather than keep a secret in clear.
        if (!AccessCodes.IsKey(this.GetPrimaryKeyString()))
            throw new InvalidOperationException("Access codes are stored under AccessCodes.KeyOf(code), a lower-case hex SHA-256; this key is not one.");
        if (string.IsNullOrWhiteSpace(participant.ParticipantId) || string.IsNullOrWhiteSpace(participant.AssemblyId) || string.IsNullOrWhiteSpace(participant.MemberCityId))
            throw DomainException.Invalid("participant", "An access code needs the participant id, assembly id and member city id.");
        if (state.State.Participant is { } bound)
        {
            if (bound == participant && !state.State.Revoked)
                return;   // the same issue again (a retried call) changes nothing
            throw new DomainException(DomainErrorKind.StateConflict, "This access code is already bound to a participant; generate a new code with AccessCodes.New().");
        }

        await state.WriteStateAsync(
            new AccessCodeState { Participant = participant, IssuedAt = clock.GetUtcNow() },
            new AuditRecord(actor, "access-code.issued", Subject(participant), Details(participant)));
    }

    public async Task RevokeAsync(string actor)
    {
        var participant = state.State.Participant ?? throw DomainException.NotFound("No access code is issued under this key.");
        if (state.State.Revoked)
            return;
        await state.WriteStateAsync(
            new AccessCodeState { Participant = participant, IssuedAt = state.State.IssuedAt, Revoked = true, RevokedAt = clock.GetUtcNow() },
            new AuditRecord(actor, "access-code.revoked", Subject(participant), Details(participant)));
        changes.Notify(AccessCodes.ActorOf(participant));
    }

    private static string Subject(ParticipantRef p) => $"participant/{p.AssemblyId}/{p.MemberCityId}/{p.ParticipantId}";

    // Neither the code nor its hash goes into the audit log: the log is read by more people than the codes are meant for.
    private static string Details(ParticipantRef p) => AuditDetails.Of(new { p.ParticipantId, p.DisplayName });
}
