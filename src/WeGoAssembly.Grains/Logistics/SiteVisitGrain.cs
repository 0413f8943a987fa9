using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Logistics;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Logistics;

/// <summary>The persisted definition of one site visit.</summary>
public sealed record SiteVisitState
{
    public SiteVisit? Visit { get; init; }
}

/// <summary>
/// One site visit, keyed by its id ("{assemblyId}.{slug}"). It stores the definition the assembly's
/// <see cref="SiteVisitPlanGrain"/> checked; it calls no other grain, so the plan can call it freely.
/// </summary>
[GrainType(TypeName)]
public sealed class SiteVisitGrain([PersistentState(SiteVisitGrain.StateName)] IPersistentState<Audited<SiteVisitState>> stored, ChangeRecording recording)
    : AuditedGrain<SiteVisitState>(stored, recording), ISiteVisitGrain
{
    public const string TypeName = "site-visit", StateName = "site-visit";

    public Task<SiteVisit?> GetAsync() => Task.FromResult(state.State.Visit);

    public async Task<SiteVisit> CreateAsync(SiteVisit visit, string actor)
    {
        if (state.State.Visit is { } existing)
            throw new DomainException(DomainErrorKind.AlreadyExists, $"Site visit {existing.Id} exists already.");
        if (visit.Id != this.GetPrimaryKeyString())
            throw new InvalidOperationException($"Site visit {visit.Id} was sent to the grain of {this.GetPrimaryKeyString()}.");
        await state.WriteStateAsync(new SiteVisitState { Visit = visit },
            new AuditRecord(actor, "site-visit.created", $"site-visit/{visit.Id}", AuditDetails.Of(new
            {
                visit.TitleEn, visit.TitleKo, visit.Place, visit.StartsAt, visit.EndsAt, visit.Capacity,
                vehicles = visit.Vehicles.Select(v => new { v.Id, v.Seats }), sample = visit.Sample ? true : (bool?)null,
            })));
        return visit;
    }
}
