using Orleans;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Contracts.Membership;

/// <summary>One member city of WeGO, keyed by its id slug (for example "seoul").</summary>
[Alias("wego.IMemberCityGrain")]
public interface IMemberCityGrain : IAuditedGrain
{
    /// <summary>The register entry, or null when the city is not registered.</summary>
    Task<MemberCity?> GetAsync();

    /// <summary>Creates or replaces the entry; the key must equal <paramref name="entry"/>.Id.</summary>
    Task<UpsertMemberCityResult> UpsertAsync(MemberCity entry, string actor);

    /// <summary>Records that dues are paid through <paramref name="paidThroughYear"/>; never moves backwards.</summary>
    Task<MemberCity> RecordDuesPaymentAsync(int paidThroughYear, string note, string actor);

    /// <summary>Every dues payment recorded, oldest first.</summary>
    Task<IReadOnlyList<DuesPayment>> GetDuesPaymentsAsync();
}
