using Orleans;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Contracts.Logistics;

/// <summary>One site visit's definition, keyed by the visit id ("{assemblyId}.{slug}").</summary>
[Alias("wego.ISiteVisitGrain")]
public interface ISiteVisitGrain : IAuditedGrain
{
    /// <summary>The visit, or null when none was created under this key.</summary>
    Task<SiteVisit?> GetAsync();

    /// <summary>Stores a checked visit; ALREADY_EXISTS when one exists under this key. Called by the assembly's plan.</summary>
    Task<SiteVisit> CreateAsync(SiteVisit visit, string actor);
}
