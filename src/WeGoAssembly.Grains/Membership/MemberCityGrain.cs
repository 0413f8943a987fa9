using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Grains.Voting;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Grains.Storage;

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
    [PersistentState(MemberCityGrain.StateName)] IPersistentState<Audited<MemberCityState>> stored,
    TimeProvider clock, VotingHub hub, ChangeRecording recording)
    : AuditedGrain<MemberCityState>(stored, recording, project: TypeName), IMemberCityGrain
{
    public const string TypeName = "member-city", StateName = "member";

    /// <summary>The audit log's name for this member city.</summary>
    private string Subject => $"member-city/{this.GetPrimaryKeyString()}";

    public Task<MemberCity?> GetAsync() => Task.FromResult(state.State.Member);

    public Task<IReadOnlyList<DuesPayment>> GetDuesPaymentsAsync() =>
        Task.FromResult<IReadOnlyList<DuesPayment>>(state.State.DuesPayments.ToArray());

    public async Task<UpsertMemberCityResult> UpsertAsync(MemberCity entry, string actor)
    {
        var (cleaned, errors) = MemberCityRules.Validate(entry);
        DomainErrors.ThrowIfAny(errors);
        if (cleaned.Id != this.GetPrimaryKeyString())
            throw DomainException.Invalid("id", $"The entry's id \"{cleaned.Id}\" does not match the member city \"{this.GetPrimaryKeyString()}\" it is stored under.");

        var previous = state.State.Member;
        var stored = cleaned with { UpdatedAt = clock.GetUtcNow() };
        var audit = previous is null
            ? new AuditRecord(actor, "member-city.created", Subject, AuditDetails.Of(new
            {
                stored.NameEn, stored.NameLocal, stored.CountryCode, stored.Category, stored.DuesPaidThroughYear, stored.Status, stored.Sample,
            }))
            : new AuditRecord(actor, "member-city.updated", Subject, AuditDetails.Of(new
            {
                NameEn = AuditDetails.Diff(previous.NameEn, stored.NameEn),
                NameLocal = AuditDetails.Diff(previous.NameLocal, stored.NameLocal),
                CountryCode = AuditDetails.Diff(previous.CountryCode, stored.CountryCode),
                Category = AuditDetails.Diff(previous.Category, stored.Category),
                DuesPaidThroughYear = AuditDetails.Diff(previous.DuesPaidThroughYear, stored.DuesPaidThroughYear),
                Status = AuditDetails.Diff(previous.Status, stored.Status),
                Sample = AuditDetails.Diff(previous.Sample, stored.Sample),
            }));
        await state.WriteStateAsync(new MemberCityState { Member = stored, DuesPayments = state.State.DuesPayments }, audit);
        hub.Notify(VotingHub.RegisterTopic);
        return new(stored, previous is null);
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
        await state.WriteStateAsync(
            new MemberCityState
            {
                Member = paid,
                DuesPayments = [.. state.State.DuesPayments, new DuesPayment(paidThroughYear, note, actor, now)],
            },
            new AuditRecord(actor, "member-city.dues-paid", Subject, AuditDetails.Of(new
            {
                DuesPaidThroughYear = new AuditDetails.Change<int>(member.DuesPaidThroughYear, paidThroughYear),
                Note = note,
            })));
        hub.Notify(VotingHub.RegisterTopic);
        return paid;
    }
}
