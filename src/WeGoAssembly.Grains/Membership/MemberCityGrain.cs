using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Runtime;

namespace WeGoAssembly.Grains.Membership;

/// <summary>The persisted register entry of one member city and its dues history.</summary>
public sealed class MemberCityState
{
    public MemberCity? Member { get; set; }
    public List<DuesPayment> DuesPayments { get; set; } = [];
}

/// <summary>One member city: validates and stores its register entry and dues payments.</summary>
[GrainType(TypeName)]
public sealed class MemberCityGrain(
    [PersistentState(MemberCityGrain.StateName)] IPersistentState<MemberCityState> state,
    TimeProvider clock) : Grain, IMemberCityGrain
{
    public const string TypeName = "member-city", StateName = "member";

    public Task<MemberCity?> GetAsync() => Task.FromResult(state.State.Member);

    public Task<IReadOnlyList<DuesPayment>> GetDuesPaymentsAsync() =>
        Task.FromResult<IReadOnlyList<DuesPayment>>(state.State.DuesPayments.ToArray());

    public async Task<UpsertMemberCityResult> UpsertAsync(MemberCity entry, string actor)
    {
        var (cleaned, errors) = MemberCityRules.Validate(entry);
        DomainErrors.ThrowIfAny(errors);
        if (cleaned.Id != this.GetPrimaryKeyString())
            throw DomainException.Invalid("id", $"The entry's id \"{cleaned.Id}\" does not match the member city \"{this.GetPrimaryKeyString()}\" it is stored under.");

        var created = state.State.Member is null;
        var stored = cleaned with { UpdatedAt = clock.GetUtcNow() };
        await state.WriteStateAsync(new MemberCityState { Member = stored, DuesPayments = state.State.DuesPayments });
        return new(stored, created);
    }

    public async Task<MemberCity> RecordDuesPaymentAsync(int paidThroughYear, string note, string actor)
    {
        var member = state.State.Member
            ?? throw DomainException.NotFound($"No member city \"{this.GetPrimaryKeyString()}\" is registered.");
        var errors = new List<FieldError>();
        note = TextRules.Text("note", note, 500, required: false, errors);
        DomainErrors.ThrowIfAny(errors);
        if (MemberCityRules.CheckDuesPayment(member.DuesPaidThroughYear, paidThroughYear) is { } refused)
            throw refused;

        var now = clock.GetUtcNow();
        var paid = member with { DuesPaidThroughYear = paidThroughYear, UpdatedAt = now };
        await state.WriteStateAsync(new MemberCityState
        {
            Member = paid,
            DuesPayments = [.. state.State.DuesPayments, new DuesPayment(paidThroughYear, note, actor, now)],
        });
        return paid;
    }
}
