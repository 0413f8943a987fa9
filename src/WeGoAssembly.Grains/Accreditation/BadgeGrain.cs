using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Accreditation;

/// <summary>The persisted index entry of one badge.</summary>
public sealed class BadgeState
{
    public BadgeHolder? Holder { get; set; }
}

/// <summary>
/// Finds a badge's holder from the scanned QR code (by its hash). An index only: the delegation keeps
/// the participant's current badge and decides whether a scan counts, so a stale entry can never admit anyone.
/// </summary>
[GrainType(TypeName)]
public sealed class BadgeGrain([PersistentState(BadgeGrain.StateName)] IPersistentState<BadgeState> state) : Grain, IBadgeGrain
{
    public const string TypeName = "badge", StateName = "badge";

    public Task<BadgeHolder?> GetAsync() => Task.FromResult(state.State.Holder);

    // Index writes carry no audit entry of their own: the issue and the revocation are audited with the
    // participant they concern, in the delegation's write.
    public async Task IssueAsync(BadgeHolder holder)
    {
        if (state.State.Holder is { } existing && existing.ParticipantId != holder.ParticipantId)
            throw new InvalidOperationException("A badge key was issued twice; 160 random bits make this a defect, not chance.");
        await state.WriteStateAsync(new BadgeState { Holder = holder with { Revoked = false } });
    }

    public async Task RevokeAsync()
    {
        if (state.State.Holder is { Revoked: false } holder)
            await state.WriteStateAsync(new BadgeState { Holder = holder with { Revoked = true } });
    }
}
